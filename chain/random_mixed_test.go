package chain_test

import (
	"bytes"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/params"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// TestMixed_Randomized is issue 4's acceptance run: thousands of random
// calls of every area at once — subnet creation and dissolution,
// registrations, hyperparameters, staking (add, remove, move, transfer,
// swap, takes), weights (set, commit, reveal, batches) and transfers —
// through the ABCI harness with the coinbase and short-tempo epochs
// running. After every block it checks
//
//   - chain.CheckInvariants: TAO conservation (issuance = balances + pool
//     reserves = genesis + minted − recycled), alpha conservation per
//     subnet, share pools, subnet and weights records;
//   - the block's events against the state: minted − recycled is the change
//     of TotalIssuance and credits − debits each account's change, so every
//     rao that moved was reported;
//   - no amount is a wrapped negative or overflows, and no account's
//     stakes on a subnet exceed its alpha outstanding;
//   - no pool's balancer invariant falls (requireInvariantHolds: swaps keep
//     it up to the documented rounding, injection adds liquidity; a
//     dissolved subnet's pool is gone);
//   - no transaction is rejected (the generators sign correctly, so only
//     calls may fail), and CheckTx, run on every call before the block,
//     admits exactly those that succeed in it.
//
// Finally the same blocks are replayed on a fresh app, which must reach the
// same app hash at every height.
//
// GOTENSOR_SEED sets the seed (default 1) and GOTENSOR_MIXED_BLOCKS the
// number of blocks (default 500, 60 with -short; 24 calls each: 12,000
// calls in a few seconds).
func TestMixed_Randomized(t *testing.T) {
	seed := envUint(t, "GOTENSOR_SEED", 1)
	blocks := int(envUint(t, "GOTENSOR_MIXED_BLOCKS", 500))
	if testing.Short() && os.Getenv("GOTENSOR_MIXED_BLOCKS") == "" {
		blocks = 60
	}
	const perBlock = 24
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("reproduce with GOTENSOR_SEED=%d GOTENSOR_MIXED_BLOCKS=%d", seed, blocks)
		}
	})

	coldkeys := testutil.Pairs(t, "mixed-cold", 6)
	hotkeys := testutil.Pairs(t, "mixed-hot", 16)
	alice := testutil.Pair(t, "//Alice")
	genesis := testutil.Genesis(100_000*tao.RaoPerTAO, coldkeys...)
	h := testutil.NewHarness(t, genesis)
	var recorded [][][]byte // every block after the genesis block, for the replay
	var hashes [][]byte     // the app hash after each of them
	block := func(txs ...[]byte) *abci.ResponseFinalizeBlock {
		res := h.Block(txs...)
		recorded, hashes = append(recorded, txs), append(hashes, h.AppHash())
		return res
	}

	// Short tempos, cheap quickly decaying locks and a low subnet limit, so
	// that epochs run often and subnets get dissolved and their netuids
	// reused along the way.
	testutil.RequireOK(t, block(
		h.Tx(alice, tx.SudoSetGlobal{Name: "default_tempo", Value: 6}),
		h.Tx(alice, tx.SudoSetGlobal{Name: "network_rate_limit", Value: 0}),
		h.Tx(alice, tx.SudoSetGlobal{Name: "network_lock_reduction_interval", Value: 10}),
		h.Tx(alice, tx.SudoSetGlobal{Name: "subnet_limit", Value: 4}),
		h.Tx(alice, tx.SudoSetGlobal{Name: "network_immunity_period", Value: 40}),
	))
	// Two running subnets with neurons from the generators' hotkeys, so
	// that staking and weights have targets from the first block.
	for i, owner := range coldkeys[:2] {
		res := block(h.Tx(owner, tx.RegisterNetwork{Hotkey: hotkeys[i].Public()}))
		testutil.RequireOK(t, res)
		v, _ := testutil.EventAttr(res.TxResults[0].Events, chain.EventSubnetRegistered, "netuid")
		n, err := tao.ParseNetUID(v)
		require.NoError(t, err)
		txs := [][]byte{h.Tx(owner, tx.StartCall{NetUID: n})}
		for _, hk := range hotkeys[2+3*i : 5+3*i] {
			txs = append(txs, h.Tx(owner, tx.BurnedRegister{NetUID: n, Hotkey: hk.Public()}))
		}
		txs = append(txs, h.Tx(alice, tx.SetHyperparameter{NetUID: n, Name: "weights_rate_limit", Value: 2}))
		testutil.RequireOK(t, block(txs...))
	}

	subnets := testutil.SubnetCalls{Coldkeys: coldkeys, Hotkeys: hotkeys, Sudo: alice}
	stakes := testutil.StakeCalls{Coldkeys: coldkeys, Hotkeys: hotkeys}
	weights := &testutil.WeightCalls{Hotkeys: hotkeys}
	validators := &validatorCalls{hotkeys: hotkeys, pending: map[[32]byte]tx.RevealWeights{}}
	watched := watchedAccounts(genesis, hotkeys)
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))

	ok := map[tx.Kind]int{}
	failed := 0
	epochs, dissolved := 0, 0
	prevPools := pools(h.State())
	for range blocks {
		st := h.State()
		before := snapshotSupply(st, watched)
		txs := make([][]byte, 0, perBlock)
		kinds := make([]tx.Kind, 0, perBlock)
		signers := make([]tao.AccountID, 0, perBlock)
		for range perBlock {
			signer, call := mixedCall(r, st, subnets, stakes, weights, coldkeys, alice)
			if r.IntN(5) == 0 {
				if p, c, ok := validators.next(r, st, tao.BlockHeight(h.Height)); ok {
					signer, call = p, c
				}
			}
			txs = append(txs, h.Tx(signer, call))
			kinds = append(kinds, call.Kind())
			signers = append(signers, signer.Public())
		}
		// The mempool's verdict first: CheckTx runs each call on the pending
		// state, the next block's start included, so it must admit exactly
		// the calls that succeed in the block (that is what keeps failing
		// calls out of blocks). The comparison holds while both states are
		// the same: a signer's calls after one that failed or was refused
		// are skipped (in the block it took a nonce and a fee), and after a
		// first disagreement, the rest of the block is.
		admitted := make([]uint32, len(txs))
		for i, raw := range txs {
			admitted[i] = h.CheckTx(raw).Code
		}
		res := block(txs...)
		skip := map[tao.AccountID]bool{}
		agreed := true
		for i, tr := range res.TxResults {
			signer := signers[i]
			if agreed && !skip[signer] {
				require.Equal(t, tr.Code == 0, admitted[i] == 0, "block %d tx %d (%s): CheckTx code %d, block code %d: %s",
					h.Height, i, kinds[i], admitted[i], tr.Code, tr.Log)
			}
			if (tr.Code == 0) != (admitted[i] == 0) {
				agreed = false
			}
			if tr.Code != 0 || admitted[i] != 0 {
				skip[signer] = true
			}
			require.NotEqual(t, "rejected", classOf(tr.Code), "tx %d (%s) rejected: %s", i, kinds[i], tr.Log)
			if tr.Code == 0 {
				ok[kinds[i]]++
			} else {
				failed++
			}
			if _, found := testutil.EventAttr(tr.Events, chain.EventSubnetDissolved, "netuid"); found {
				dissolved++
			}
		}
		for _, e := range res.Events {
			if e.Type == "epoch" {
				epochs++
			}
		}

		now := h.State()
		require.NoError(t, chain.CheckInvariants(now), "block %d", h.Height)
		requireEventsMatchState(t, h.Height, before, snapshotSupply(now, watched), res)
		requireNoWrappedAmounts(t, now, coldkeys, hotkeys)
		nowPools := pools(now)
		requireInvariantHolds(t, prevPools, nowPools)
		prevPools = nowPools
	}
	t.Logf("seed %d: %d blocks, %d calls failed, %d epochs, %d subnets dissolved; successes by kind: %v",
		seed, blocks, failed, epochs, dissolved, ok)

	// The run must have exercised what it claims to.
	for _, k := range []tx.Kind{tx.KindRegisterNetwork, tx.KindBurnedRegister, tx.KindAddStake, tx.KindRemoveStake,
		tx.KindMoveStake, tx.KindSwapStake, tx.KindSetWeights, tx.KindCommitWeights, tx.KindRevealWeights} {
		if testing.Short() && (k == tx.KindRevealWeights || k == tx.KindRegisterNetwork) {
			continue // a short run may not get there
		}
		require.Positive(t, ok[k], "no %s succeeded: the mix is off", k)
	}
	require.Positive(t, epochs, "no epoch ran")
	require.Greater(t, failed, 0, "no call failed: the failure paths did not run")

	// Replay: a fresh app fed the same blocks reaches the same state.
	fresh := testutil.NewHarness(t, genesis)
	for i, txs := range recorded {
		fresh.Block(txs...)
		require.True(t, bytes.Equal(hashes[i], fresh.AppHash()), "replay diverged at height %d", fresh.Height)
	}
}

// envUint reads a positive integer setting of the randomized tests.
func envUint(t *testing.T, name string, def uint64) uint64 {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseUint(v, 10, 64)
	require.NoError(t, err, "%s", name)
	return n
}

// mixedCall draws one call from the areas' generators, plus transfers and
// the sudo switches that move subnets between the weights regimes (commit
// –reveal on and off, rate limits, tempos).
func mixedCall(r *rand.Rand, st *chain.State, subnets testutil.SubnetCalls, stakes testutil.StakeCalls,
	weights *testutil.WeightCalls, coldkeys []*keys.Pair, sudo *keys.Pair) (*keys.Pair, tx.Call) {
	switch k := r.IntN(20); {
	case k < 3:
		return subnets.Next(r, st)
	case k < 10:
		return stakes.Next(r, st)
	case k < 17:
		return weights.Next(r, st)
	case k < 19:
		from, to := coldkeys[r.IntN(len(coldkeys))], coldkeys[r.IntN(len(coldkeys))]
		return from, tx.Transfer{Dest: to.Public(), Amount: tao.Rao(r.IntN(20)) * tao.RaoPerTAO / 2}
	default:
		nets := st.NetUIDs()
		if len(nets) == 0 {
			return sudo, tx.SudoSetGlobal{Name: "default_tempo", Value: int64(r.IntN(8) + 3)}
		}
		n := nets[r.IntN(len(nets))]
		switch r.IntN(3) {
		case 0:
			return sudo, tx.SetHyperparameter{NetUID: n, Name: "commit_reveal_weights_enabled", Value: int64(r.IntN(2))}
		case 1:
			return sudo, tx.SetHyperparameter{NetUID: n, Name: "weights_rate_limit", Value: int64(r.IntN(4))}
		default:
			return sudo, tx.SetHyperparameter{NetUID: n, Name: "tempo", Value: int64(r.IntN(10) + 3)}
		}
	}
}

// validatorCalls sends what a working validator sends: a valid row of
// distinct existing uids (only its own uid without a permit), with
// set_weights, or under commit–reveal a commit and, once due, its reveal.
// The WeightCalls generator explores the failures; this makes the success
// paths run as often.
type validatorCalls struct {
	hotkeys []*keys.Pair
	pending map[[32]byte]tx.RevealWeights // commits sent, by hash
}

func (g *validatorCalls) next(r *rand.Rand, st *chain.State, height tao.BlockHeight) (*keys.Pair, tx.Call, bool) {
	nets := st.NetUIDs()
	if len(nets) == 0 {
		return nil, nil, false
	}
	n := nets[r.IntN(len(nets))]
	mine := map[tao.AccountID]*keys.Pair{}
	for _, hk := range g.hotkeys {
		mine[hk.Public()] = hk
	}
	var registered []*keys.Pair
	for _, id := range st.Hotkeys(n) {
		if p, ok := mine[id]; ok {
			registered = append(registered, p)
		}
	}
	if len(registered) == 0 {
		return nil, nil, false
	}
	hk := registered[r.IntN(len(registered))]
	ws, _ := chain.QueryWeights(st, n, hk.Public(), height)
	if ws.CommitReveal {
		for _, c := range ws.Commits {
			if rv, ok := g.pending[c.Hash]; ok && c.State == "due" {
				delete(g.pending, c.Hash)
				return hk, rv, true
			}
		}
	}
	if height+1 < ws.NextUpdate {
		return nil, nil, false
	}
	uids := []tao.UID{ws.UID}
	if ws.ValidatorPermit {
		uids = uids[:0]
		for _, u := range r.Perm(int(ws.SubnetN))[:1+r.IntN(int(ws.SubnetN))] {
			uids = append(uids, tao.UID(u))
		}
	}
	vals := make([]uint16, len(uids))
	for i := range vals {
		vals[i] = uint16(r.IntN(65535) + 1)
	}
	if !ws.CommitReveal {
		return hk, tx.SetWeights{NetUID: n, UIDs: uids, Values: vals, VersionKey: ws.VersionKey}, true
	}
	rv := tx.RevealWeights{NetUID: n, UIDs: uids, Values: vals, Salt: []uint16{uint16(r.Uint32())}, VersionKey: ws.VersionKey}
	hash := tx.CommitHash(hk.Public(), n, uids, vals, rv.Salt, ws.VersionKey)
	g.pending[hash] = rv
	return hk, tx.CommitWeights{NetUID: n, Hash: hash}, true
}

// supply is what the event check compares: TotalIssuance and the free
// balance of every account that can hold TAO in the run.
type supply struct {
	issuance tao.Rao
	free     map[tao.AccountID]tao.Rao
}

// watchedAccounts lists every account the run can credit: the genesis
// accounts, the hotkeys (a coldkey may be a hotkey too) and the treasury.
func watchedAccounts(g chain.Genesis, hotkeys []*keys.Pair) []tao.AccountID {
	ids := []tao.AccountID{params.Treasury}
	for _, a := range g.Accounts {
		ids = append(ids, a.Address)
	}
	for _, hk := range hotkeys {
		ids = append(ids, hk.Public())
	}
	return ids
}

func snapshotSupply(st *chain.State, ids []tao.AccountID) supply {
	s := supply{issuance: st.TotalIssuance(), free: make(map[tao.AccountID]tao.Rao, len(ids))}
	for _, id := range ids {
		s.free[id] = st.Account(id).Free
	}
	return s
}

// requireEventsMatchState checks the block's balance events (block-level
// and every transaction's) against the state change: the minted amounts
// less the recycled ones are the change of TotalIssuance, and each
// account's credits less its debits the change of its free balance.
func requireEventsMatchState(t *testing.T, height int64, before, after supply, res *abci.ResponseFinalizeBlock) {
	t.Helper()
	var issuance int64
	moved := map[tao.AccountID]int64{}
	apply := func(evs []abci.Event) {
		for _, e := range evs {
			sign := int64(0)
			switch e.Type {
			case chain.EventMint, chain.EventCredit:
				sign = 1
			case chain.EventRecycle, chain.EventDebit:
				sign = -1
			default:
				continue
			}
			v, _ := testutil.EventAttr([]abci.Event{e}, e.Type, "amount")
			amount, err := strconv.ParseInt(v, 10, 64)
			require.NoError(t, err, "block %d: %s amount %q", height, e.Type, v)
			if e.Type == chain.EventMint || e.Type == chain.EventRecycle {
				issuance += sign * amount
				continue
			}
			acct, _ := testutil.EventAttr([]abci.Event{e}, e.Type, "account")
			id, err := tao.ParseAccountID(acct)
			require.NoError(t, err, "block %d: %s account %q", height, e.Type, acct)
			moved[id] += sign * amount
		}
	}
	apply(res.Events)
	for _, tr := range res.TxResults {
		apply(tr.Events)
	}
	require.Equal(t, int64(after.issuance)-int64(before.issuance), issuance,
		"block %d: minted − recycled in the events differs from the change of TotalIssuance", height)
	for id := range moved {
		_, ok := after.free[id]
		require.True(t, ok, "block %d: events move the balance of %s, which the run never funds", height, id)
	}
	for id, was := range before.free {
		require.Equal(t, int64(after.free[id])-int64(was), moved[id],
			"block %d: credits − debits of %s differ from its balance change", height, id)
	}
}

// requireNoWrappedAmounts checks that no balance, reserve or stake is a
// negative amount wrapped around (2^63 rao and more is far beyond any supply)
// and that the stakes on each subnet fit in its alpha outstanding.
func requireNoWrappedAmounts(t *testing.T, st *chain.State, coldkeys, hotkeys []*keys.Pair) {
	t.Helper()
	const wrapped = tao.Rao(1 << 63)
	require.Less(t, st.TotalIssuance(), wrapped)
	for _, n := range append([]tao.NetUID{tao.RootNetUID}, st.NetUIDs()...) {
		p := st.Pool(n)
		for _, v := range []tao.Rao{p.TAO, p.AlphaIn, p.AlphaOut, p.ProtocolAlpha, p.Dust} {
			require.Less(t, v, wrapped, "netuid %d pool %+v", n, p)
		}
		var staked tao.Rao
		for _, hk := range hotkeys {
			a := st.HotkeyAlpha(hk.Public(), n)
			require.Less(t, a, wrapped)
			var ok bool
			staked, ok = staked.AddChecked(a)
			require.True(t, ok, "netuid %d: stakes overflow", n)
		}
		if n != tao.RootNetUID {
			require.LessOrEqual(t, staked, p.AlphaOut, "netuid %d: stakes exceed the alpha outstanding", n)
		}
	}
	for _, ck := range coldkeys {
		require.Less(t, st.Account(ck.Public()).Free, wrapped)
		for _, s := range st.StakesOf(ck.Public()) {
			require.LessOrEqual(t, s.Alpha, st.HotkeyAlpha(s.Hotkey, s.NetUID), "a stake exceeds its hotkey's pool")
		}
	}
}
