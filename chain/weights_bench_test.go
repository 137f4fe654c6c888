package chain

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// benchWeightsEnv is a weightsEnv of n neurons whose owner hotkey (uid 0)
// sets weights without rate limit.
func benchWeightsEnv(b *testing.B, n int, commitReveal bool) *weightsEnv {
	b.Helper()
	e := newWeightsEnv(b, n, commitReveal)
	e.hp(func(h *Hyperparams) { h.WeightsSetRateLimit = 0 })
	return e
}

// applyBench runs call by signer through Apply in the next block,
// without the per-call invariant check of e.apply.
func (e *weightsEnv) applyBench(b *testing.B, signer tao.AccountID, call tx.Call) {
	e.height++
	t := &tx.Tx{Body: tx.Body{ChainID: "c", Nonce: e.s.Account(signer).Nonce, Call: call}, Signer: signer}
	if res := Apply(e.s, Block{Height: e.height}, t, true); res.Code != 0 {
		b.Fatalf("%s: %s", call.Kind(), res.Log)
	}
}

func fullRow(n int) ([]tao.UID, []uint16) {
	uids, vals := make([]tao.UID, n), make([]uint16, n)
	for i := range uids {
		uids[i], vals[i] = tao.UID(i), uint16(1+(i*7919)%65535)
	}
	return uids, vals
}

func benchSetWeights(b *testing.B, n int) {
	e := benchWeightsEnv(b, n, false)
	uids, vals := fullRow(n)
	call := tx.SetWeights{NetUID: wnet, UIDs: uids, Values: vals}
	for b.Loop() {
		e.applyBench(b, e.hot[0], call)
	}
}

// BenchmarkSetWeights256 is one set_weights of a full row on a 256-uid
// subnet through the whole pipeline (nonce, checks, max-upscale, row and
// LastUpdate writes).
func BenchmarkSetWeights256(b *testing.B) { benchSetWeights(b, 256) }

// BenchmarkSetWeights4096 is BenchmarkSetWeights256 at 4,096 uids.
func BenchmarkSetWeights4096(b *testing.B) { benchSetWeights(b, 4096) }

// BenchmarkCommitReveal256 is one commit_weights and its reveal_weights
// (hash, epoch checks, then set_weights' checks and writes) of a full row
// on a 256-uid subnet.
func BenchmarkCommitReveal256(b *testing.B) {
	e := benchWeightsEnv(b, 256, true)
	uids, vals := fullRow(256)
	r := tx.RevealWeights{NetUID: wnet, UIDs: uids, Values: vals, Salt: []uint16{1, 2, 3, 4, 5, 6, 7, 8}}
	commit := commitOf(e.hot[0], r)
	var epoch uint64
	for b.Loop() {
		e.setEpoch(epoch)
		e.applyBench(b, e.hot[0], commit)
		e.setEpoch(epoch + 1)
		e.applyBench(b, e.hot[0], r)
		epoch += 2
	}
}

// BenchmarkEarliestCommitBlocks4096 is the epoch's commit–reveal mask on a
// 4,096-uid subnet where every hotkey holds two commits.
func BenchmarkEarliestCommitBlocks4096(b *testing.B) {
	e := benchWeightsEnv(b, 4096, true)
	e.setEpoch(3)
	for _, hk := range e.hot {
		e.s.setWeightCommits(wnet, hk, []WeightCommit{{Epoch: 3, Block: 10}, {Epoch: 3, Block: 11}})
	}
	for b.Loop() {
		if got := e.s.EarliestCommitBlocks(wnet); got[4095] != 10 {
			b.Fatal(got[4095])
		}
	}
}

// BenchmarkResetNeuronWeights4096x64 is the weights part of a registration
// on a 4,096-uid subnet where 64 validators weigh every uid: their
// weights towards the new uid are zeroed.
func BenchmarkResetNeuronWeights4096x64(b *testing.B) {
	e := benchWeightsEnv(b, 4096, false)
	uids, vals := fullRow(4096)
	row := make([]yuma.Entry, len(uids))
	for i, w := range yuma.MaxUpscale(vals) {
		row[i] = yuma.Entry{UID: uint16(uids[i]), Value: w}
	}
	for v := range 64 {
		e.s.setWeightsRow(wnet, tao.UID(v), row)
	}
	uid := tao.UID(64)
	for b.Loop() {
		uid = 64 + (uid-63)%(4096-64) // a miner's uid: validator rows stay
		e.s.resetNeuronWeights(wnet, uid, Block{Height: e.height})
	}
	require.Equal(b, uint16(0), e.s.WeightsRow(wnet, 1)[uid].Value)
}
