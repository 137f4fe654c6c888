package chain_test

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/chain/swap"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// TestStaking_Randomized runs thousands of random stake calls (with some
// subnet calls and transfers mixed in) through the ABCI harness, blocks
// with coinbase and epochs included. The harness checks chain.CheckInvariants
// after every block: TAO conservation (issuance = balances + pool
// reserves), alpha conservation per subnet, share pools matching their
// holders, no overflow. On top of that, each pool's balancer invariant
// x^w1·y^w2, evaluated with the block's final weights, must never fall:
// swaps keep it (rounding favours the pool up to the documented 10^-18
// truncation) and emission injection only adds liquidity.
func TestStaking_Randomized(t *testing.T) {
	blocks, perBlock := 120, 30
	if testing.Short() {
		blocks = 30
	}
	coldkeys := testutil.Pairs(t, "stake-cold", 6)
	hotkeys := testutil.Pairs(t, "stake-hot", 6)
	h := testutil.NewHarness(t, testutil.Genesis(100_000*tao.RaoPerTAO, coldkeys...))
	alice, bob := testutil.Pair(t, "//Alice"), testutil.Pair(t, "//Bob")
	testutil.RequireOK(t, h.Block(h.Tx(alice, tx.SudoSetGlobal{Name: "network_rate_limit", Value: 0})))
	testutil.NewSubnet(h, alice, 2)
	testutil.NewSubnet(h, bob, 2)
	testutil.AssociateHotkeys(h, coldkeys[0], hotkeys[:3]...)
	testutil.AssociateHotkeys(h, coldkeys[1], hotkeys[3:5]...) // hotkeys[5] waits for a random associate_hotkey

	stakes := testutil.StakeCalls{Coldkeys: coldkeys, Hotkeys: hotkeys}
	subnets := testutil.SubnetCalls{Coldkeys: coldkeys[4:], Hotkeys: hotkeys, Sudo: alice}
	r := rand.New(rand.NewPCG(7, 11))
	ok := map[tx.Kind]int{}
	codes := map[uint32]int{}
	prev := pools(h.State())
	for range blocks {
		st := h.State()
		txs := make([][]byte, 0, perBlock)
		kinds := make([]tx.Kind, 0, perBlock)
		for range perBlock {
			var signer *keys.Pair
			var call tx.Call
			switch r.IntN(10) {
			case 0:
				signer, call = subnets.Next(r, st)
			case 1:
				signer = coldkeys[r.IntN(len(coldkeys))]
				call = tx.Transfer{Dest: coldkeys[r.IntN(len(coldkeys))].Public(), Amount: tao.Rao(r.IntN(10)) * tao.RaoPerTAO}
			default:
				signer, call = stakes.Next(r, st)
			}
			txs = append(txs, h.Tx(signer, call))
			kinds = append(kinds, call.Kind())
		}
		res := h.Block(txs...)
		for i, tr := range res.TxResults {
			codes[tr.Code]++
			if tr.Code == 0 {
				ok[kinds[i]]++
			}
			require.NotEqual(t, "rejected", classOf(tr.Code), "tx %d (%s) rejected: %s", i, kinds[i], tr.Log)
		}
		now := pools(h.State())
		requireInvariantHolds(t, prev, now)
		prev = now
	}
	t.Logf("outcomes by code: %v; successes by kind: %v", codes, ok)
	for _, k := range []tx.Kind{tx.KindAddStake, tx.KindRemoveStake, tx.KindUnstakeAll, tx.KindMoveStake,
		tx.KindTransferStake, tx.KindSwapStake, tx.KindDecreaseTake, tx.KindAssociateHotkey} {
		require.Positive(t, ok[k], "no %s succeeded: the generator is off", k)
	}
	require.Greater(t, ok[tx.KindAddStake]+ok[tx.KindRemoveStake], blocks*perBlock/10)
}

func classOf(code uint32) string {
	if e := tx.Lookup(code); e != nil {
		return e.Class().String()
	}
	return ""
}

// poolAt is a dynamic pool and the subnet registration it belongs to.
type poolAt struct {
	pool       chain.Pool
	registered tao.BlockHeight
}

func pools(st *chain.State) map[tao.NetUID]poolAt {
	out := map[tao.NetUID]poolAt{}
	for _, n := range st.NetUIDs() {
		info, _ := st.Subnet(n)
		out[n] = poolAt{st.Pool(n), info.RegisteredAt}
	}
	return out
}

// requireInvariantHolds checks that no pool's balancer invariant, taken
// with its current weights, is below its value at the previous block:
// w1·ln(x'/x) + w2·ln(y'/y) ≥ −ε. The logs are of exact ratios close to
// 1, so float64 resolves a one-rao loss on the test's reserves (about
// 10^-12 relative) far above ε = 10^-15.
func requireInvariantHolds(t *testing.T, prev, now map[tao.NetUID]poolAt) {
	t.Helper()
	for n, cur := range now {
		old, ok := prev[n]
		if !ok || old.registered != cur.registered {
			continue // a new subnet, or a netuid reused
		}
		p, q := cur.pool, old.pool
		w2 := float64(p.QuoteWeight) / float64(swap.PerquintillOne)
		d := (1-w2)*logRatio(p.AlphaIn, q.AlphaIn) + w2*logRatio(p.TAO, q.TAO)
		require.GreaterOrEqual(t, d, -1e-15, "subnet %d: invariant fell: reserves %d/%d → %d/%d at quote weight %d",
			n, q.TAO, q.AlphaIn, p.TAO, p.AlphaIn, p.QuoteWeight)
	}
}

// logRatio is ln(a/b) = log1p((a−b)/b), with (a−b)/b taken exactly before
// rounding to float64.
func logRatio(a, b tao.Rao) float64 {
	if b == 0 {
		return 0
	}
	d := new(big.Rat).SetFrac(new(big.Int).Sub(new(big.Int).SetUint64(uint64(a)), new(big.Int).SetUint64(uint64(b))),
		new(big.Int).SetUint64(uint64(b)))
	f, _ := d.Float64()
	return math.Log1p(f)
}
