package chain_test

import (
	"strconv"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/chain/emission"
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// epochTally sums the attributes of the epoch events of subnet n.
func epochTally(t *testing.T, evs []abci.Event, n tao.NetUID, into map[string]tao.Rao) int {
	t.Helper()
	count := 0
	for _, e := range evs {
		if e.Type != chain.EventEpoch {
			continue
		}
		attrs := map[string]string{}
		for _, a := range e.Attributes {
			attrs[a.Key] = a.Value
		}
		if attrs["netuid"] != strconv.Itoa(int(n)) {
			continue
		}
		count++
		for k, v := range attrs {
			if k == "netuid" || k == "index" {
				continue
			}
			x, err := strconv.ParseUint(v, 10, 64)
			require.NoError(t, err, "%s=%q", k, v)
			into[k] += tao.Rao(x)
		}
	}
	return count
}

// TestEconomics_ThreeTempos is the localnet scenario on the
// in-process chain: one subnet, two validators and three miners, the
// validators' weights favouring miners 1 and 2 (the smaller validator
// also gives the third a little weight). After three tempos the
// favoured miners hold incentive and the third almost none, the
// validators hold dividends, the owner received 18 % of the alpha
// emitted, and every rao of alpha the coinbase minted is accounted for:
// paid as stake, pending, or held unassigned (dust) in AlphaOut.
func TestEconomics_ThreeTempos(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	alice := testutil.Pair(t, "//Alice") // subnet owner and sudo
	sn := testutil.NewSubnet(h, alice, 0)
	n := sn.NetUID
	const tempo = 10
	testutil.SudoSet(h, n, "tempo", tempo)
	testutil.SudoSet(h, n, "commit_reveal_weights_enabled", 0)
	testutil.SudoSet(h, n, "weights_rate_limit", 0)

	// Validators owned by Bob and Charlie, miners by Dave, Eve and Ferdie:
	// none belongs to the owner, whose hotkeys' incentive is withheld.
	cold := []*keys.Pair{testutil.Pair(t, "//Bob"), testutil.Pair(t, "//Charlie"), testutil.Pair(t, "//Dave"), testutil.Pair(t, "//Eve"), testutil.Pair(t, "//Ferdie")}
	hot := testutil.Pairs(t, "economics", 5)
	uids := make([]tao.UID, 5)
	for i := range hot {
		uids[i] = testutil.RegisterNeuron(h, cold[i], hot[i], n)
	}
	val, miners := hot[:2], hot[2:]
	aBig := testutil.AddStake(h, cold[1], val[1].Public(), n, 3000*tao.RaoPerTAO)
	aSmall := testutil.AddStake(h, cold[0], val[0].Public(), n, 1000*tao.RaoPerTAO)
	require.Greater(t, aBig, 2*aSmall, "validator 1 holds most of the stake weight")
	m := func(i int) tao.UID { return uids[2+i] }
	testutil.RequireOK(t, h.Block(
		h.Tx(val[0], tx.SetWeights{NetUID: n, UIDs: []tao.UID{m(0), m(1), m(2)}, Values: []uint16{65535, 60000, 900}}),
		h.Tx(val[1], tx.SetWeights{NetUID: n, UIDs: []tao.UID{m(0), m(1)}, Values: []uint16{50000, 65535}}),
	))

	// One epoch grants the validator permits; the window starts after it.
	testutil.UntilEpoch(h, n, h.State().EpochIndex(n)+1, 3*tempo)
	st := h.State()
	startEpoch := st.EpochIndex(n)
	require.Positive(t, startEpoch)
	allHotkeys := append([]tao.AccountID{sn.OwnerHotkey.Public()}, func() (out []tao.AccountID) {
		for _, p := range hot {
			out = append(out, p.Public())
		}
		return out
	}()...)
	staked := func(st *chain.State) (sum tao.Rao) {
		for _, hk := range allHotkeys {
			sum += st.HotkeyAlpha(hk, n)
		}
		return sum
	}
	stake0, pending0, dust0 := staked(st), st.Pending(n).Total(), st.Pool(n).Dust
	owner0 := st.HotkeyAlpha(sn.OwnerHotkey.Public(), n)

	tally := map[string]tao.Rao{}
	var minted, ownerCut tao.Rao
	epochs := 0
	for st.EpochIndex(n) < startEpoch+3 {
		res := h.Block()
		st = h.State()
		e := st.SubnetEmission(n)
		require.Equal(t, tao.BlockHeight(h.Height), e.Block, "the subnet emits every block")
		minted += e.AlphaOut
		ownerCut += emission.SplitAlphaOut(fixed.U96F32FromUint(uint64(e.AlphaOut)), chain.DefaultEmissionParams().OwnerCut, e.RootProp).OwnerCut
		epochs += epochTally(t, res.Events, n, tally)
	}
	require.Equal(t, 3, epochs)
	require.Equal(t, tao.Rao(3*tempo)*tao.RaoPerTAO, minted, "1 alpha per block for three tempos")

	// Shape: the favoured miners earn, the third almost nothing,
	// validators earn dividends (the larger stake more).
	inc, div := st.Incentive(n), st.Dividends(n)
	require.Greater(t, inc[m(0)], uint16(20000))
	require.Greater(t, inc[m(1)], uint16(20000))
	require.Less(t, inc[m(2)], uint16(10), "only the minority validator weights the third miner: consensus clips it")
	require.Greater(t, div[uids[1]], div[uids[0]], "the larger stake earns more dividends")
	require.Greater(t, div[uids[0]], uint16(0))
	for i, p := range miners[:2] {
		require.Positive(t, st.StakeOf(cold[2+i].Public(), p.Public(), n), "miner %d holds its incentive as stake, owned by its coldkey", i)
	}
	require.Less(t, st.StakeOf(cold[4].Public(), miners[2].Public(), n), tao.RaoPerTAO/100)

	// The owner received 18 % of every block's alpha, as stake of its hotkey
	// (the window runs from just after an epoch to an epoch, so nothing of
	// it is pending at either end).
	require.Zero(t, pending0)
	require.Zero(t, st.Pending(n).Total())
	require.Equal(t, ownerCut, tally["owner_cut"])
	require.Equal(t, tally["owner_cut"], tally["owner_paid"])
	require.Equal(t, tally["owner_paid"], st.HotkeyAlpha(sn.OwnerHotkey.Public(), n)-owner0)
	require.InDelta(t, 0.18, float64(tally["owner_paid"])/float64(tao.Rao(3*tempo)*tao.RaoPerTAO), 0.001)

	// Every rao: what was minted is staked now, still pending, or dust.
	paid := staked(st) - stake0
	require.Equal(t, tally["incentive"]+tally["dividends"]+tally["owner_paid"], paid)
	require.Zero(t, tally["recycled"]+tally["minted"])
	require.Equal(t, minted, paid+(st.Pending(n).Total()-pending0)+(st.Pool(n).Dust-dust0),
		"alpha minted = paid + pending + dust, to the rao")
	require.Equal(t, tally["server"]+tally["validator"]+tally["root"]+tally["owner_cut"],
		tally["incentive"]+tally["dividends"]+tally["owner_paid"]+tally["burned"]+tally["unpaid"])
	require.NoError(t, chain.CheckInvariants(st))
}
