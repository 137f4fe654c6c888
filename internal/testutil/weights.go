package testutil

import (
	"math/rand/v2"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// UntilEpoch runs empty blocks until subnet n's epoch index reaches epoch,
// failing the test if that takes more than maxBlocks.
func UntilEpoch(h *Harness, n tao.NetUID, epoch uint64, maxBlocks int) {
	h.T.Helper()
	for range maxBlocks {
		if h.State().EpochIndex(n) >= epoch {
			return
		}
		h.Block()
	}
	if h.State().EpochIndex(n) < epoch {
		h.T.Fatalf("testutil: netuid %d still at epoch %d after %d blocks, want %d", n, h.State().EpochIndex(n), maxBlocks, epoch)
	}
}

// WeightCalls generates random calls of the weights area for randomized
// tests: set_weights, commit_weights, reveal_weights and
// batch_set_weights by the given hotkeys, on subnets that exist or not,
// with rows that are mostly valid and sometimes not (duplicates, uids out
// of range, empty rows), and reveals of commits it made earlier (some
// early, some late, some with a wrong salt), so that every path runs.
type WeightCalls struct {
	Hotkeys []*keys.Pair
	// commits remembers what was committed, to reveal it later.
	commits []tx.RevealWeights
	signers []*keys.Pair
}

// Next returns a signer and a call for state st.
func (g *WeightCalls) Next(r *rand.Rand, st *chain.State) (*keys.Pair, tx.Call) {
	hk := g.Hotkeys[r.IntN(len(g.Hotkeys))]
	nets := st.NetUIDs()
	n := tao.NetUID(r.IntN(4) + 1)
	if len(nets) > 0 && r.IntN(8) != 0 {
		n = nets[r.IntN(len(nets))]
	}
	size := int(st.SubnetN(n))
	row := func() ([]tao.UID, []uint16) {
		k := r.IntN(min(size, 8) + 1)
		uids, vals := make([]tao.UID, k), make([]uint16, k)
		for i := range uids {
			uids[i] = tao.UID(r.IntN(size + 1)) // sometimes out of range or repeated
			vals[i] = uint16(r.Uint32())
		}
		return uids, vals
	}
	switch r.IntN(6) {
	case 0, 1:
		uids, vals := row()
		return hk, tx.SetWeights{NetUID: n, UIDs: uids, Values: vals}
	case 2:
		uids, vals := row()
		rv := tx.RevealWeights{NetUID: n, UIDs: uids, Values: vals, Salt: []uint16{uint16(r.Uint32()), uint16(r.Uint32())}}
		g.commits = append(g.commits, rv)
		g.signers = append(g.signers, hk)
		return hk, tx.CommitWeights{NetUID: n, Hash: tx.CommitHash(hk.Public(), n, uids, vals, rv.Salt, 0)}
	case 3, 4:
		if len(g.commits) == 0 {
			return hk, tx.RevealWeights{NetUID: n}
		}
		i := r.IntN(len(g.commits))
		rv := g.commits[i]
		if r.IntN(8) == 0 {
			rv.Salt = []uint16{1}
		}
		return g.signers[i], rv
	default:
		var items []tx.SetWeights
		for range r.IntN(3) + 1 {
			m := n
			if len(nets) > 0 {
				m = nets[r.IntN(len(nets))]
			}
			uids, vals := row()
			items = append(items, tx.SetWeights{NetUID: m, UIDs: uids, Values: vals})
		}
		return hk, tx.BatchSetWeights{Items: items}
	}
}
