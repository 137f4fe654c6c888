package app_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// FuzzPipeline feeds arbitrary bytes to CheckTx and, as a single-tx block,
// to FinalizeBlock: neither may panic, every code must come from the
// catalog, and a rejected transaction must leave the block's app hash equal
// to an empty block's.
func FuzzPipeline(f *testing.F) {
	h := testutil.NewHarness(f, testutil.Genesis(0))
	alice, bob := testutil.Pair(f, "//Alice"), testutil.Pair(f, "//Bob")
	empty := h.Finalize().AppHash
	h.App.DiscardBlock()

	for _, c := range []tx.Call{
		tx.Transfer{Dest: bob.Public(), Amount: 1000},
		tx.TransferKeepAlive{Dest: tao.AccountID{1}, Amount: 500},
		tx.TransferAll{Dest: bob.Public()},
		tx.SetWeights{NetUID: 1, UIDs: []tao.UID{0}, Values: []uint16{1}},
	} {
		f.Add(h.Sign(alice, h.Body(0, c)))
		f.Add(h.Sign(bob, h.Body(3, c)))
	}
	f.Add([]byte{})
	f.Add([]byte("\x0a\x02\x08\x01"))

	f.Fuzz(func(t *testing.T, raw []byte) {
		h := h.WithT(t)
		check := h.CheckTx(raw)
		require.True(t, check.Code == 0 || tx.Lookup(check.Code) != nil, "CheckTx code %d not in the catalog", check.Code)

		res := h.Finalize(raw)
		h.App.DiscardBlock()
		r := res.TxResults[0]
		if r.Code == 0 {
			return
		}
		e := tx.Lookup(r.Code)
		require.NotNil(t, e, "FinalizeBlock code %d not in the catalog", r.Code)
		if e.Class() == tx.Rejected {
			require.True(t, bytes.Equal(empty, res.AppHash), "rejected transaction (%s) changed the state", r.Log)
			require.Empty(t, r.Events)
		}
	})
}

// FuzzPipelineCalls builds correctly signed transfers from fuzzed fields
// (kind, nonce, amount, destination, validity window), so the fuzzer
// explores the pipeline's checks and the transfer rules rather than the
// decoder. The harness checks the supply invariants in every block.
func FuzzPipelineCalls(f *testing.F) {
	h := testutil.NewHarness(f, testutil.Genesis(0))
	alice := testutil.Pair(f, "//Alice")
	empty := h.Finalize().AppHash
	h.App.DiscardBlock()
	f.Add(uint8(0), uint64(0), uint64(1000), uint8(1), uint64(0))
	f.Add(uint8(1), uint64(0), uint64(499), uint8(2), uint64(1))
	f.Add(uint8(2), uint64(1), uint64(0), uint8(0), uint64(5))
	f.Add(uint8(0), uint64(0), uint64(1<<63), uint8(3), uint64(0))
	f.Fuzz(func(t *testing.T, kind uint8, nonce, amount uint64, dest uint8, validUntil uint64) {
		h := h.WithT(t)
		to := tao.AccountID{dest}
		if dest == 0 {
			to = alice.Public()
		}
		var call tx.Call
		switch kind % 3 {
		case 0:
			call = tx.Transfer{Dest: to, Amount: tao.Rao(amount)}
		case 1:
			call = tx.TransferKeepAlive{Dest: to, Amount: tao.Rao(amount)}
		default:
			call = tx.TransferAll{Dest: to, KeepAlive: amount%2 == 0}
		}
		body := h.Body(nonce, call)
		body.ValidUntil = tao.BlockHeight(validUntil)
		res := h.Finalize(h.Sign(alice, body))
		h.App.DiscardBlock()
		r := res.TxResults[0]
		if r.Code == 0 {
			return
		}
		e := tx.Lookup(r.Code)
		require.NotNil(t, e, "code %d not in the catalog", r.Code)
		if e.Class() == tx.Rejected {
			require.True(t, bytes.Equal(empty, res.AppHash), "rejected transaction (%s) changed the state", r.Log)
		}
	})
}
