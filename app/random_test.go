package app_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/params"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// model is a plain re-statement of the transfer rules, the reference the
// chain is checked against.
type model struct {
	free   map[tao.AccountID]tao.Rao
	nonce  map[tao.AccountID]uint64
	issued tao.Rao
}

const ed, fee = params.DefaultExistentialDeposit, params.DefaultTxFee

// apply predicts the code of one transaction that passed decoding and the
// signature check, and updates the model.
func (m *model) apply(signer tao.AccountID, nonce uint64, call tx.Call) uint32 {
	switch {
	case nonce < m.nonce[signer]:
		return tx.ErrNonceTooLow.Code
	case nonce > m.nonce[signer]:
		return tx.ErrNonceTooHigh.Code
	case m.free[signer] < fee:
		return tx.ErrFeeUnaffordable.Code
	}
	m.nonce[signer]++
	m.free[signer] -= fee
	m.issued -= fee
	code := m.call(signer, call)
	if f := m.free[signer]; f > 0 && f < ed {
		m.free[signer] = 0
		m.issued -= f
	}
	return code
}

func (m *model) call(from tao.AccountID, call tx.Call) uint32 {
	var to tao.AccountID
	var amount tao.Rao
	var keepAlive bool
	switch c := call.(type) {
	case tx.Transfer:
		to, amount = c.Dest, c.Amount
	case tx.TransferKeepAlive:
		to, amount, keepAlive = c.Dest, c.Amount, true
	case tx.TransferAll:
		to, keepAlive, amount = c.Dest, c.KeepAlive, m.free[from]
		if keepAlive {
			amount = amount.SaturatingSub(ed)
		}
	}
	switch {
	case amount > params.TotalSupply:
		return tx.ErrAmountOverflow.Code
	case m.free[from] < amount:
		return tx.ErrInsufficientBalance.Code
	case amount == 0 || from == to:
		return 0
	case keepAlive && m.free[from]-amount < ed:
		return tx.ErrKeepAlive.Code
	case m.free[to]+amount < ed:
		return tx.ErrExistentialDeposit.Code
	}
	m.free[from] -= amount
	m.free[to] += amount
	return 0
}

// TestRandomTransfers runs thousands of random transfers (valid and not)
// through the ABCI app, checks every result and balance against the model
// and the supply invariants after every block, then replays the same
// blocks on a fresh app and requires the same app hash at every height.
func TestRandomTransfers(t *testing.T) {
	blocks, perBlock := 60, 60
	if testing.Short() {
		blocks, perBlock = 15, 30
	}
	rng := rand.New(rand.NewPCG(7, 11))
	funded := testutil.Pairs(t, "random", 24)
	unfunded := testutil.Pairs(t, "random-new", 8)
	g := testutil.Genesis(0)
	for i, p := range funded {
		g.Accounts = append(g.Accounts, chain.GenesisAccount{Address: p.Public(), Balance: tao.Rao(1+i) * 10_000_000})
	}
	all := append(append([]*keys.Pair{}, funded...), unfunded...)

	h := testutil.NewHarness(t, g)
	m := &model{free: map[tao.AccountID]tao.Rao{}, nonce: map[tao.AccountID]uint64{}}
	st := h.State()
	m.issued = st.TotalIssuance()
	for _, p := range all {
		m.free[p.Public()] = st.Account(p.Public()).Free
	}

	var history [][][]byte
	codes := map[uint32]int{}
	for b := 0; b < blocks; b++ {
		var txs [][]byte
		var want []uint32
		nonces := map[tao.AccountID]uint64{} // nonces handed out in this block
		for i := 0; i < perBlock; i++ {
			from := all[rng.IntN(len(all))]
			for tries := 0; tries < 5 && m.free[from.Public()] < 10*fee && rng.IntN(10) > 0; tries++ {
				from = all[rng.IntN(len(all))] // mostly senders that can pay
			}
			id := from.Public()
			n, ok := nonces[id]
			if !ok {
				n = m.nonce[id]
			}
			nonce := n
			switch rng.IntN(20) {
			case 0:
				nonce = n + 1 // a gap
			case 1:
				if n > 0 {
					nonce = n - 1 // a replay
				}
			}
			if nonce == n {
				nonces[id] = n + 1
			}
			call := randomCall(rng, all[rng.IntN(len(all))].Public(), m.free[id])
			txs = append(txs, h.Sign(from, h.Body(nonce, call)))
			want = append(want, m.apply(id, nonce, call))
		}
		m.issued += params.DefaultBlockEmission
		res := h.Block(txs...)
		for i, r := range res.TxResults {
			require.Equal(t, want[i], r.Code, "block %d tx %d: %s", h.Height, i, r.Log)
			codes[r.Code]++
		}
		st := h.State()
		require.NoError(t, chain.CheckInvariants(st))
		require.Equal(t, m.issued, st.TotalIssuance())
		for _, p := range all {
			require.Equal(t, m.free[p.Public()], st.Account(p.Public()).Free, "block %d: %s", h.Height, p.Public())
			require.Equal(t, m.nonce[p.Public()], st.Account(p.Public()).Nonce)
		}
		history = append(history, txs)
	}

	// Every rule was exercised.
	for _, e := range []*tx.Error{tx.ErrNonceTooLow, tx.ErrNonceTooHigh, tx.ErrFeeUnaffordable, tx.ErrAmountOverflow,
		tx.ErrInsufficientBalance, tx.ErrKeepAlive, tx.ErrExistentialDeposit} {
		require.NotZero(t, codes[e.Code], "no transaction failed with %q", e.Msg)
	}
	require.Greater(t, codes[0], blocks*perBlock/5, "too few successful transfers")
	t.Logf("result codes: %v", codes)

	replay := testutil.NewHarness(t, g)
	for i, txs := range history {
		got := replay.Block(txs...).AppHash
		require.True(t, bytes.Equal(got, replay.AppHash()), "block %d", i+2)
	}
	require.Equal(t, h.AppHash(), replay.AppHash(), "same blocks, same app hash")
	require.Equal(t, h.Height, replay.Height)
}

// randomCall picks a transfer kind and an amount from ranges that hit every
// rule: dust, the existential deposit, the whole balance, overflow.
func randomCall(rng *rand.Rand, to tao.AccountID, free tao.Rao) tx.Call {
	amounts := []tao.Rao{0, 1, ed - 1, ed, ed + 1, free, free.SaturatingSub(fee), free.SaturatingSub(fee + ed),
		free.SaturatingSub(fee + ed - 1), free / 2, free + 1, tao.Rao(rng.Uint64N(10_000_000)), params.TotalSupply + 1}
	amount := amounts[rng.IntN(len(amounts))]
	switch rng.IntN(4) {
	case 0:
		return tx.TransferKeepAlive{Dest: to, Amount: amount}
	case 1:
		return tx.TransferAll{Dest: to, KeepAlive: rng.IntN(2) == 0}
	default:
		return tx.Transfer{Dest: to, Amount: amount}
	}
}
