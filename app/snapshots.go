package app

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gotensor/gotensor/store"
)

// snapshotChunkSize is the target size of a state-sync chunk; CometBFT
// limits p2p messages to 16 MiB.
const snapshotChunkSize = 4 << 20

// snapshots keeps state-sync snapshots on disk, one directory per height
// holding chunk files and a manifest:
//
//	<dir>/snapshots/<height>/manifest.json  {"height", "format", "chunk_hashes"}
//	<dir>/snapshots/<height>/<index>        chunk bytes (store.SnapshotFormat)
//
// A snapshot's hash is SHA-256 over its chunk hashes; its ABCI metadata is
// the chunk hashes concatenated, so a restoring node can check each chunk
// as it arrives. Snapshots are taken on a background goroutine from a
// committed store view, which stays readable while blocks go on.
type snapshots struct {
	dir  string
	keep int
	log  *slog.Logger

	mu      sync.Mutex
	running bool
	done    *sync.WaitGroup

	restore *restore // state sync in progress (snapshot connection only)
}

type manifest struct {
	Height      int64    `json:"height"`
	Format      uint32   `json:"format"`
	ChunkHashes [][]byte `json:"chunk_hashes"`
}

// restore tracks a snapshot being applied.
type restore struct {
	im      *store.Importer
	hashes  [][]byte
	appHash []byte
	next    uint32
}

func openSnapshots(dir string, keep int, log *slog.Logger) (*snapshots, error) {
	d := filepath.Join(dir, "snapshots")
	if err := os.MkdirAll(d, 0o700); err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	return &snapshots{dir: d, keep: keep, log: log, done: &sync.WaitGroup{}}, nil
}

// take starts exporting the state after block height in the background,
// unless an export is already running (the next interval will catch up).
func (s *snapshots) take(st *store.Store, height int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		s.log.Info("snapshot skipped: previous one still running", "height", height)
		return
	}
	s.running = true
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		err := s.write(st, height)
		s.mu.Lock()
		s.running = false
		s.mu.Unlock()
		if err != nil {
			s.log.Error("snapshot failed", "height", height, "err", err)
			return
		}
		s.log.Info("snapshot taken", "height", height)
		s.prune()
	}()
}

func (s *snapshots) wait() { s.done.Wait() }

// write exports the state after block height into a temporary directory
// and renames it into place, so a listed snapshot is always complete.
func (s *snapshots) write(st *store.Store, height int64) error {
	final := filepath.Join(s.dir, strconv.FormatInt(height, 10))
	tmp := final + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return err
	}
	m := manifest{Height: height, Format: store.SnapshotFormat}
	err := st.ExportSnapshot(versionOf(height), snapshotChunkSize, func(chunk []byte) error {
		h := sha256.Sum256(chunk)
		m.ChunkHashes = append(m.ChunkHashes, h[:])
		return os.WriteFile(filepath.Join(tmp, strconv.Itoa(len(m.ChunkHashes)-1)), chunk, 0o600)
	})
	if err != nil {
		return errors.Join(err, os.RemoveAll(tmp))
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "manifest.json"), b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, final)
}

// list returns the complete snapshots, newest first.
func (s *snapshots) list() ([]manifest, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var out []manifest
	for _, e := range entries {
		h, err := strconv.ParseInt(e.Name(), 10, 64)
		if err != nil || !e.IsDir() {
			continue // temporary or foreign entries
		}
		m, err := s.manifest(h)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b manifest) int { return cmp.Compare(b.Height, a.Height) })
	return out, nil
}

func (s *snapshots) manifest(height int64) (manifest, error) {
	var m manifest
	b, err := os.ReadFile(filepath.Join(s.dir, strconv.FormatInt(height, 10), "manifest.json"))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("app: snapshot %d manifest: %w", height, err)
	}
	return m, nil
}

func (s *snapshots) prune() {
	ms, err := s.list()
	if err != nil {
		s.log.Error("listing snapshots", "err", err)
		return
	}
	for _, m := range ms[min(s.keep, len(ms)):] {
		if err := os.RemoveAll(filepath.Join(s.dir, strconv.FormatInt(m.Height, 10))); err != nil {
			s.log.Error("removing snapshot", "height", m.Height, "err", err)
		}
	}
}

func (m manifest) abci() *abci.Snapshot {
	return &abci.Snapshot{
		Height:   uint64(m.Height),
		Format:   m.Format,
		Chunks:   uint32(len(m.ChunkHashes)),
		Hash:     snapshotHash(m.ChunkHashes),
		Metadata: bytes.Join(m.ChunkHashes, nil),
	}
}

func snapshotHash(chunkHashes [][]byte) []byte {
	h := sha256.Sum256(bytes.Join(chunkHashes, nil))
	return h[:]
}

// ListSnapshots offers the snapshots on disk to syncing peers.
func (a *App) ListSnapshots(context.Context, *abci.RequestListSnapshots) (*abci.ResponseListSnapshots, error) {
	res := &abci.ResponseListSnapshots{}
	if a.snaps == nil {
		return res, nil
	}
	ms, err := a.snaps.list()
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	for _, m := range ms {
		res.Snapshots = append(res.Snapshots, m.abci())
	}
	return res, nil
}

// LoadSnapshotChunk serves one chunk of a snapshot on disk.
func (a *App) LoadSnapshotChunk(_ context.Context, req *abci.RequestLoadSnapshotChunk) (*abci.ResponseLoadSnapshotChunk, error) {
	if a.snaps == nil || req.Format != store.SnapshotFormat {
		return &abci.ResponseLoadSnapshotChunk{}, nil
	}
	b, err := os.ReadFile(filepath.Join(a.snaps.dir, strconv.FormatUint(req.Height, 10), strconv.FormatUint(uint64(req.Chunk), 10)))
	if err != nil {
		return &abci.ResponseLoadSnapshotChunk{}, nil // CometBFT treats an empty chunk as missing
	}
	return &abci.ResponseLoadSnapshotChunk{Chunk: b}, nil
}

// OfferSnapshot starts restoring a snapshot into the (empty) store, to be
// checked against the light-client-verified app hash.
func (a *App) OfferSnapshot(_ context.Context, req *abci.RequestOfferSnapshot) (*abci.ResponseOfferSnapshot, error) {
	reply := func(r abci.ResponseOfferSnapshot_Result) (*abci.ResponseOfferSnapshot, error) {
		return &abci.ResponseOfferSnapshot{Result: r}, nil
	}
	sn := req.Snapshot
	switch {
	case a.snaps == nil || a.store.Version() != 0:
		return reply(abci.ResponseOfferSnapshot_ABORT)
	case sn == nil || sn.Format != store.SnapshotFormat:
		return reply(abci.ResponseOfferSnapshot_REJECT_FORMAT)
	case sn.Chunks == 0 || len(sn.Metadata) != 32*int(sn.Chunks) || sn.Height == 0:
		return reply(abci.ResponseOfferSnapshot_REJECT)
	}
	hashes := make([][]byte, sn.Chunks)
	for i := range hashes {
		hashes[i] = sn.Metadata[32*i : 32*(i+1)]
	}
	if !bytes.Equal(snapshotHash(hashes), sn.Hash) {
		return reply(abci.ResponseOfferSnapshot_REJECT)
	}
	if r := a.snaps.restore; r != nil {
		r.im.Close()
	}
	im, err := a.store.Import(versionOf(int64(sn.Height)))
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	a.snaps.restore = &restore{im: im, hashes: hashes, appHash: req.AppHash}
	return reply(abci.ResponseOfferSnapshot_ACCEPT)
}

// ApplySnapshotChunk checks a chunk against the snapshot's chunk hashes and
// imports it; after the last chunk the restored root must equal the
// verified app hash.
func (a *App) ApplySnapshotChunk(_ context.Context, req *abci.RequestApplySnapshotChunk) (*abci.ResponseApplySnapshotChunk, error) {
	reply := func(r abci.ResponseApplySnapshotChunk_Result) (*abci.ResponseApplySnapshotChunk, error) {
		return &abci.ResponseApplySnapshotChunk{Result: r}, nil
	}
	if a.snaps == nil || a.snaps.restore == nil {
		return reply(abci.ResponseApplySnapshotChunk_ABORT)
	}
	r := a.snaps.restore
	if req.Index != r.next || int(req.Index) >= len(r.hashes) {
		return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_RETRY, RefetchChunks: []uint32{r.next}}, nil
	}
	if h := sha256.Sum256(req.Chunk); !bytes.Equal(h[:], r.hashes[req.Index]) {
		return &abci.ResponseApplySnapshotChunk{
			Result:        abci.ResponseApplySnapshotChunk_RETRY,
			RefetchChunks: []uint32{req.Index},
			RejectSenders: []string{req.Sender},
		}, nil
	}
	fail := func(err error) (*abci.ResponseApplySnapshotChunk, error) {
		a.log.Error("snapshot restore failed", "err", err)
		a.snaps.restore = nil
		return reply(abci.ResponseApplySnapshotChunk_REJECT_SNAPSHOT)
	}
	if err := r.im.Add(req.Chunk); err != nil {
		return fail(errors.Join(err, r.im.Close()))
	}
	r.next++
	if int(r.next) < len(r.hashes) {
		return reply(abci.ResponseApplySnapshotChunk_ACCEPT)
	}
	if err := r.im.Commit(r.appHash); err != nil {
		return fail(err)
	}
	a.snaps.restore = nil
	a.resetCheckState(0)
	return reply(abci.ResponseApplySnapshotChunk_ACCEPT)
}
