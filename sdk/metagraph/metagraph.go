package metagraph

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/sdk/axon"
	"github.com/gotensor/gotensor/tao"
)

// Source is the node API a Metagraph reads; *client.Client implements it.
// MetagraphSince must return client.ErrNotModified when the node's last
// block is still block.
type Source interface {
	MetagraphSince(ctx context.Context, n tao.NetUID, lite bool, block int64) (*apitypes.Metagraph, error)
}

// Metagraph keeps the latest snapshot of one subnet and syncs it on
// request. Create it with New.
type Metagraph struct {
	src    Source
	netuid tao.NetUID

	mu   sync.Mutex // serialises syncs, so two callers never fetch the same block twice
	lite atomic.Pointer[Snapshot]
	full atomic.Pointer[Snapshot]
}

// New returns a Metagraph of subnet netuid read from src. It holds no
// snapshot until the first Sync.
func New(src Source, netuid tao.NetUID) *Metagraph {
	return &Metagraph{src: src, netuid: netuid}
}

// Sync is a one-shot lite sync: the subnet's snapshot at the node's last
// block.
func Sync(ctx context.Context, src Source, netuid tao.NetUID) (*Snapshot, error) {
	return New(src, netuid).Sync(ctx)
}

// NetUID returns the subnet the Metagraph reads.
func (m *Metagraph) NetUID() tao.NetUID { return m.netuid }

// Sync brings the lite snapshot (no weights or bonds) up to the node's
// last block in one conditional request and returns it. While no block has
// been committed since the snapshot it holds, it returns that same
// snapshot. On error the snapshot held is kept.
func (m *Metagraph) Sync(ctx context.Context) (*Snapshot, error) {
	return m.sync(ctx, &m.lite, true)
}

// Full returns a snapshot with weights and bonds (O(n²) on the wire, so
// fetched only when asked for), at the node's last block; it is cached
// like Sync's, separately.
func (m *Metagraph) Full(ctx context.Context) (*Snapshot, error) {
	return m.sync(ctx, &m.full, false)
}

func (m *Metagraph) sync(ctx context.Context, slot *atomic.Pointer[Snapshot], lite bool) (*Snapshot, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	held := slot.Load()
	var since int64
	if held != nil {
		since = held.Block
	}
	doc, err := m.src.MetagraphSince(ctx, m.netuid, lite, since)
	if errors.Is(err, client.ErrNotModified) && held != nil {
		return held, nil
	}
	if err != nil {
		return nil, err
	}
	s, err := newSnapshot(doc)
	if err != nil {
		return nil, err
	}
	slot.Store(s)
	return s, nil
}

// Snapshot returns the latest lite snapshot without a request, or nil
// before the first successful Sync.
func (m *Metagraph) Snapshot() *Snapshot { return m.lite.Load() }

// Lookup implements axon.Peers from the latest lite snapshot: the uid,
// stake and validator permit of a registered hotkey.
func (m *Metagraph) Lookup(hotkey tao.AccountID) (axon.Peer, bool) {
	s := m.lite.Load()
	if s == nil {
		return axon.Peer{}, false
	}
	uid, ok := s.byHotkey[hotkey]
	if !ok {
		return axon.Peer{}, false
	}
	return axon.Peer{UID: uid, Stake: s.Stake[uid], ValidatorPermit: s.ValidatorPermit[uid]}, true
}
