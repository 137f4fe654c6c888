package chain_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/params"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
	"github.com/gotensor/gotensor/tx/txpb"
)

var (
	alice = func(t testing.TB) *keys.Pair { return testutil.Pair(t, "//Alice") }
	bob   = func(t testing.TB) *keys.Pair { return testutil.Pair(t, "//Bob") }
)

const fee = params.DefaultTxFee

// TestTransfer_ExactBalances follows one transfer to the rao: the sender
// pays amount + fee, the receiver gets amount, the fee is recycled and the
// block emission goes to the treasury.
func TestTransfer_ExactBalances(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	a, b := alice(t), bob(t)
	before := h.State()
	aliceBefore, bobBefore := before.Account(a.Public()), before.Account(b.Public())
	issuance, recycled := before.TotalIssuance(), before.TotalRecycled()
	treasury := before.Account(params.Treasury).Free

	amount := tao.Rao(1_500_000_000)
	res := h.Block(h.Tx(a, tx.Transfer{Dest: b.Public(), Amount: amount}))
	testutil.RequireOK(t, res)

	after := h.State()
	require.Equal(t, aliceBefore.Free-amount-fee, after.Account(a.Public()).Free)
	require.Equal(t, aliceBefore.Nonce+1, after.Account(a.Public()).Nonce)
	require.Equal(t, bobBefore.Free+amount, after.Account(b.Public()).Free)
	require.Equal(t, bobBefore.Nonce, after.Account(b.Public()).Nonce)
	require.Equal(t, params.DefaultBlockEmission, after.BlockEmission())
	require.Equal(t, treasury+params.DefaultBlockEmission, after.Account(params.Treasury).Free)
	require.Equal(t, issuance+params.DefaultBlockEmission-fee, after.TotalIssuance())
	require.Equal(t, recycled+fee, after.TotalRecycled())
	require.NoError(t, chain.CheckInvariants(after))

	// The transaction's events account for every rao, in order.
	var got []string
	for _, e := range res.TxResults[0].Events {
		s := e.Type
		for _, at := range e.Attributes {
			s += " " + at.Key + "=" + at.Value
		}
		got = append(got, s)
	}
	A, B := a.Public().String(), b.Public().String()
	require.Equal(t, []string{
		"debit account=" + A + " amount=100000 reason=fee",
		"recycle amount=100000 reason=fee",
		"debit account=" + A + " amount=1500000000 reason=transfer",
		"credit account=" + B + " amount=1500000000 reason=transfer",
		"transfer from=" + A + " to=" + B + " amount=1500000000",
		"tx kind=transfer signer=" + A + " nonce=0 fee=100000",
	}, got)
}

// forge re-encodes a signed transaction after changing its envelope.
func forge(t *testing.T, raw []byte, edit func(*txpb.Tx)) []byte {
	var env txpb.Tx
	require.NoError(t, proto.Unmarshal(raw, &env))
	edit(&env)
	out, err := proto.Marshal(&env)
	require.NoError(t, err)
	return out
}

// TestPipeline_Rejections submits each kind of bad transaction to CheckTx
// and, as a faulty proposer would, in a block. Each gets its code and
// message, and changes nothing: the block's app hash equals that of an
// empty block on a twin chain, and the sender can still use its nonce.
func TestPipeline_Rejections(t *testing.T) {
	poor := testutil.Pair(t, "//Poor")
	g := testutil.Genesis(params.DefaultExistentialDeposit, poor)
	a, b := alice(t), bob(t)
	transfer := tx.Transfer{Dest: b.Public(), Amount: 1000}
	cases := []struct {
		name string
		make func(h *testutil.Harness) []byte
		code *tx.Error
		msg  string
	}{
		{"malformed bytes", func(*testutil.Harness) []byte { return []byte("not a transaction") }, tx.ErrDecode, "malformed transaction"},
		{"bad signature", func(h *testutil.Harness) []byte {
			raw := h.Sign(b, h.Body(0, transfer)) // Bob signs, the envelope claims Alice
			return forge(t, raw, func(e *txpb.Tx) { id := a.Public(); e.Signer = id[:] })
		}, tx.ErrSignature, "invalid signature"},
		{"wrong chain id", func(h *testutil.Harness) []byte {
			body := h.Body(0, transfer)
			body.ChainID = "another-chain"
			return h.Sign(a, body)
		}, tx.ErrChainID, `have "another-chain", want "gotensor-test"`},
		{"wrong genesis hash", func(h *testutil.Harness) []byte {
			body := h.Body(0, transfer)
			body.GenesisHash[0] ^= 1
			return h.Sign(a, body)
		}, tx.ErrGenesisHash, "wrong genesis hash"},
		{"replayed nonce", func(h *testutil.Harness) []byte {
			raw := h.Sign(a, h.Body(0, transfer))
			testutil.RequireOK(t, h.Block(raw))
			return raw
		}, tx.ErrNonceTooLow, "have 0, want 1"},
		{"out-of-order nonce", func(h *testutil.Harness) []byte { return h.Sign(a, h.Body(1, transfer)) }, tx.ErrNonceTooHigh, "have 1, want 0"},
		{"expired", func(h *testutil.Harness) []byte {
			body := h.Body(0, transfer)
			body.ValidUntil = tao.BlockHeight(h.Height) // the next block is past it
			return h.Sign(a, body)
		}, tx.ErrExpired, "valid until 1, block 2"},
		{"fee unaffordable", func(h *testutil.Harness) []byte {
			return h.Sign(poor, h.Body(0, tx.Transfer{Dest: b.Public(), Amount: 1}))
		}, tx.ErrFeeUnaffordable, "have 500 rao, fee 100000"},
		{"insufficient balance", func(h *testutil.Harness) []byte {
			return h.Sign(a, h.Body(0, tx.Transfer{Dest: b.Public(), Amount: chain.DevBalance}))
		}, tx.ErrInsufficientBalance, "have 999999999900000 rao, want 1000000000000000"},
		{"amount overflow", func(h *testutil.Harness) []byte {
			return h.Sign(a, h.Body(0, tx.Transfer{Dest: b.Public(), Amount: ^tao.Rao(0)}))
		}, tx.ErrAmountOverflow, "more than the total supply"},
		{"failing call", func(h *testutil.Harness) []byte {
			return h.Sign(a, h.Body(0, tx.StartCall{NetUID: 1}))
		}, tx.ErrSubnetNotFound, "netuid 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := testutil.NewHarness(t, g)
			raw := tc.make(h)
			hashBefore := h.AppHash()

			res := h.CheckTx(raw)
			require.Equal(t, tc.code.Code, res.Code, res.Log)
			require.Contains(t, res.Log, tc.msg)
			require.Equal(t, hashBefore, h.AppHash())

			// The mempool's pending state is unchanged: the sender's next
			// transaction still takes its committed nonce.
			nonce := h.Account(a.Public()).Nonce
			require.Zero(t, h.CheckTx(h.Sign(a, h.Body(nonce, tx.Transfer{Dest: b.Public(), Amount: 1}))).Code)

			// Included anyway by a faulty proposer, a rejected transaction is
			// a no-op with its code; a failing call is charged its fee only.
			twin := testutil.NewHarness(t, g)
			tc.make(twin) // the same setup, so both chains are at the same state
			block := h.Finalize(raw)
			require.Equal(t, tc.code.Code, block.TxResults[0].Code)
			if tc.code.Class() == tx.Rejected {
				require.Empty(t, block.TxResults[0].Events)
				require.Equal(t, twin.Finalize().AppHash, block.AppHash)
			} else {
				require.NotEqual(t, twin.Finalize().AppHash, block.AppHash)
			}
		})
	}
}

// TestPipeline_FailedCallChargesFeeOnly: a call that fails in a block uses
// the nonce and pays the fee, and nothing else changes.
func TestPipeline_FailedCallChargesFeeOnly(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	a, b := alice(t), bob(t)
	before := h.State()
	res := h.Block(h.Tx(a, tx.Transfer{Dest: b.Public(), Amount: chain.DevBalance}))
	require.Equal(t, tx.ErrInsufficientBalance.Code, res.TxResults[0].Code)
	after := h.State()
	require.Equal(t, before.Account(a.Public()).Free-fee, after.Account(a.Public()).Free)
	require.Equal(t, uint64(1), after.Account(a.Public()).Nonce)
	require.Equal(t, before.Account(b.Public()), after.Account(b.Public()))
	var types []string
	for _, e := range res.TxResults[0].Events {
		types = append(types, e.Type)
	}
	require.Equal(t, []string{"debit", "recycle", "tx"}, types, "the call's own events are dropped")
}

func TestPipeline_ConsecutiveNoncesInMempool(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	a, b := alice(t), bob(t)
	var raws [][]byte
	for i := 0; i < 5; i++ {
		raw := h.Tx(a, tx.Transfer{Dest: b.Public(), Amount: 1000})
		require.Zero(t, h.CheckTx(raw).Code)
		raws = append(raws, raw)
	}
	// A replay of an admitted transaction is refused before it is included.
	require.Equal(t, tx.ErrNonceTooLow.Code, h.CheckTx(raws[2]).Code)
	testutil.RequireOK(t, h.Block(raws...))
	require.Equal(t, uint64(5), h.Account(a.Public()).Nonce)
}

func TestTransfer_ExistentialDeposit(t *testing.T) {
	ed := params.DefaultExistentialDeposit
	sender := testutil.Pair(t, "//Sender")
	fresh := testutil.Pair(t, "//Fresh").Public()
	cases := []struct {
		name     string
		funds    tao.Rao // of the sender
		call     tx.Call
		code     *tx.Error
		sender   tao.Rao // after, on success
		dest     tao.Rao
		recycled tao.Rao // beyond the fee
	}{
		{"new account below ED", 1_000_000, tx.Transfer{Dest: fresh, Amount: ed - 1}, tx.ErrExistentialDeposit, 0, 0, 0},
		{"new account at ED", 1_000_000, tx.Transfer{Dest: fresh, Amount: ed}, nil, 1_000_000 - fee - ed, ed, 0},
		{"keep-alive refuses to drop below ED", 1_000_000, tx.TransferKeepAlive{Dest: fresh, Amount: 1_000_000 - fee - ed + 1}, tx.ErrKeepAlive, 0, 0, 0},
		{"keep-alive to exactly ED", 1_000_000, tx.TransferKeepAlive{Dest: fresh, Amount: 1_000_000 - fee - ed}, nil, ed, 1_000_000 - fee - ed, 0},
		{"transfer reaps the sender's dust", 1_000_000, tx.Transfer{Dest: fresh, Amount: 1_000_000 - fee - 1}, nil, 0, 1_000_000 - fee - 1, 1},
		{"transfer_all empties the sender", 1_000_000, tx.TransferAll{Dest: fresh}, nil, 0, 1_000_000 - fee, 0},
		{"transfer_all keep-alive leaves ED", 1_000_000, tx.TransferAll{Dest: fresh, KeepAlive: true}, nil, ed, 1_000_000 - fee - ed, 0},
		{"zero amount is a no-op", 1_000_000, tx.Transfer{Dest: fresh, Amount: 0}, nil, 1_000_000 - fee, 0, 0},
		{"self transfer is a no-op", 1_000_000, tx.Transfer{Dest: sender.Public(), Amount: 5}, nil, 1_000_000 - fee, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := testutil.NewHarness(t, testutil.Genesis(tc.funds, sender))
			recycled := h.State().TotalRecycled()
			raw := h.Tx(sender, tc.call)
			if tc.code != nil {
				require.Equal(t, tc.code.Code, h.CheckTx(raw).Code)
				return
			}
			require.Zero(t, h.CheckTx(raw).Code)
			testutil.RequireOK(t, h.Block(raw))
			st := h.State()
			require.Equal(t, tc.sender, st.Account(sender.Public()).Free)
			require.Equal(t, uint64(1), st.Account(sender.Public()).Nonce, "a reaped account keeps its nonce")
			require.Equal(t, tc.dest, st.Account(fresh).Free)
			require.Equal(t, recycled+fee+tc.recycled, st.TotalRecycled())
		})
	}
}

// TestPipeline_ReapedAccountCannotReplay: an emptied account keeps its
// nonce, so its old transactions stay invalid after it is funded again.
func TestPipeline_ReapedAccountCannotReplay(t *testing.T) {
	sender := testutil.Pair(t, "//Sender")
	h := testutil.NewHarness(t, testutil.Genesis(1_000_000, sender))
	first := h.Tx(sender, tx.TransferAll{Dest: bob(t).Public()})
	testutil.RequireOK(t, h.Block(first))
	require.Equal(t, chain.Account{Nonce: 1}, h.Account(sender.Public()))
	testutil.RequireOK(t, h.Block(h.Tx(alice(t), tx.Transfer{Dest: sender.Public(), Amount: 2_000_000})))
	require.Equal(t, tx.ErrNonceTooLow.Code, h.CheckTx(first).Code)
}
