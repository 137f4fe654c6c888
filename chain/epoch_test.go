package chain

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
)

// epochState returns a genesis state over a write cache (fast iteration
// over many buffered writes, unlike an uncommitted tree).
func epochState(t testing.TB) *State {
	t.Helper()
	s := NewState(store.NewCache(store.OpenMemory()))
	require.NoError(t, InitGenesis(s, "c", [32]byte{}, DefaultGenesis()))
	return s
}

// runToEpoch runs blocks from 2 until subnet n's first epoch and returns
// the attributes of its epoch event. The state must hold after every
// block.
func runToEpoch(t *testing.T, s *State, n tao.NetUID) map[string]tao.Rao {
	t.Helper()
	for h := tao.BlockHeight(2); h < 1000; h++ {
		BeginBlock(s, Block{Height: h})
		require.NoError(t, CheckInvariants(s), "block %d", h)
		for _, e := range s.TakeEvents() {
			if e.Type != EventEpoch {
				continue
			}
			attrs := map[string]tao.Rao{}
			for _, a := range e.Attrs {
				v, err := strconv.ParseUint(a.Value, 10, 64)
				require.NoError(t, err)
				attrs[a.Key] = tao.Rao(v)
			}
			return attrs
		}
	}
	t.Fatal("no epoch in 1000 blocks")
	return nil
}

// TestEpoch_DegenerateSubnets: no subnet shape can make the epoch panic or
// lose alpha: no neurons, one neuron, neurons without stake, all-zero
// weights, weights on a single uid, and large subnets. Each runs its
// first epoch through the block step; the outputs have one entry per uid
// and the pending buckets are accounted for to the rao.
func TestEpoch_DegenerateSubnets(t *testing.T) {
	type setup func(t *testing.T, s *State, sn cbSubnet)
	stakeAll := func(t *testing.T, s *State, sn cbSubnet) {
		for i, hk := range sn.hotkeys {
			giveStake(t, s, 1, sn.coldkeys[i], hk, tao.Rao(i+1)*tao.RaoPerTAO)
		}
	}
	setRows := func(value func(v, uid int) uint16) setup {
		return func(t *testing.T, s *State, sn cbSubnet) {
			stakeAll(t, s, sn)
			n := len(sn.hotkeys) + 1
			for v := 1; v < min(n, 128); v++ { // validators: the first uids
				row := make([]yuma.Entry, 0, n)
				for uid := range n {
					row = append(row, yuma.Entry{UID: uint16(uid), Value: value(v, uid)})
				}
				s.setWeightsRow(1, tao.UID(v), row)
				s.setLastUpdate(1, tao.UID(v), 2)
			}
		}
	}
	cases := []struct {
		name    string
		neurons int // besides the owner's uid 0; -1: not even the owner
		setup   setup
	}{
		{"no neurons", -1, nil},
		{"owner only", 0, nil},
		{"no stake", 5, nil},
		{"stake, no weights", 5, stakeAll},
		{"all-zero weights", 5, setRows(func(int, int) uint16 { return 0 })},
		{"everyone on one uid", 5, setRows(func(_, uid int) uint16 { return uint16(65535 * btoi(uid == 3)) })},
		{"self weights only", 5, setRows(func(v, uid int) uint16 { return uint16(65535 * btoi(uid == v)) })},
		{"256 uids, dense weights", 255, setRows(func(v, uid int) uint16 { return uint16(1 + (v*31+uid*17)%65535) })},
		{"4096 uids, dense weights", 4095, setRows(func(v, uid int) uint16 { return uint16(1 + (v*31+uid*17)%65535) })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.neurons > 1000 && testing.Short() {
				t.Skip("large subnet")
			}
			s := epochState(t)
			sn := cbSubnet{owner: acct(1), ownerHotkey: acct(2)}
			for i := range max(c.neurons, 0) {
				sn.hotkeys = append(sn.hotkeys, benchAcct(3, 1, i))
				sn.coldkeys = append(sn.coldkeys, benchAcct(4, 1, i))
			}
			buildSubnet(t, s, 1, 10, 1000*tao.RaoPerTAO, 1000*tao.RaoPerTAO, sn)
			if c.neurons < 0 {
				s.removeNeurons(1)
				s.removeWeights(1)
			}
			hp := s.Hyperparams(1)
			hp.MaxAllowedUids = uint16(max(c.neurons+1, 256)) // beyond what registration allows, for the epoch's sake
			s.setHyperparams(1, hp)
			if c.setup != nil {
				c.setup(t, s, sn)
			}
			ev := runToEpoch(t, s, 1)
			in := ev["server"] + ev["validator"] + ev["root"] + ev["owner_cut"] + ev["minted"]
			out := ev["incentive"] + ev["dividends"] + ev["owner_paid"] + ev["burned"] + ev["recycled"] + ev["unpaid"]
			require.Equal(t, in, out, "%v", ev)
			require.Positive(t, ev["owner_paid"])
			n := int(s.SubnetN(1))
			require.Len(t, s.Incentive(1), n)
			require.Len(t, s.Emission(1), n)
			require.Len(t, s.ValidatorPermit(1), n)
			require.Equal(t, Pending{}, s.Pending(1))
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestEpoch_DeferredBeyondMaxEpochsPerBlock: subnets falling due together
// run two per block in netuid order; the others are deferred one block,
// keep accumulating, and run next.
func TestEpoch_DeferredBeyondMaxEpochsPerBlock(t *testing.T) {
	s := epochState(t)
	for n := tao.NetUID(1); n <= 5; n++ {
		buildSubnet(t, s, n, 10, 1000*tao.RaoPerTAO, 1000*tao.RaoPerTAO, cbSubnet{owner: acct(1), ownerHotkey: acct(byte(10 + n))})
		s.setSchedule(n, Schedule{LastEpochBlock: 0, StepBase: 1}) // all due at block 10
	}
	ran := func(h tao.BlockHeight) (ran, deferred []tao.NetUID) {
		BeginBlock(s, Block{Height: h})
		require.NoError(t, CheckInvariants(s))
		for _, e := range s.TakeEvents() {
			for _, a := range e.Attrs {
				if a.Key != "netuid" {
					continue
				}
				v, _ := strconv.Atoi(a.Value)
				switch e.Type {
				case EventEpoch:
					ran = append(ran, tao.NetUID(v))
				case EventEpochDeferred:
					deferred = append(deferred, tao.NetUID(v))
				}
			}
		}
		return ran, deferred
	}
	for h := tao.BlockHeight(2); h < 10; h++ {
		r, d := ran(h)
		require.Empty(t, r)
		require.Empty(t, d)
	}
	r, d := ran(10)
	require.Equal(t, []tao.NetUID{1, 2}, r)
	require.Equal(t, []tao.NetUID{3, 4, 5}, d)
	require.Equal(t, tao.BlockHeight(11), s.Schedule(3).PendingEpochAt)
	require.NotZero(t, s.Pending(3).Server, "a deferred subnet keeps accumulating")
	r, d = ran(11)
	require.Equal(t, []tao.NetUID{3, 4}, r)
	require.Equal(t, []tao.NetUID{5}, d)
	r, d = ran(12)
	require.Equal(t, []tao.NetUID{5}, r)
	require.Empty(t, d)
	for n := tao.NetUID(1); n <= 5; n++ {
		sc := s.Schedule(n)
		require.Equal(t, uint64(1), sc.EpochIndex, "subnet %d", n)
		require.Zero(t, sc.PendingEpochAt)
	}
	require.Equal(t, tao.BlockHeight(12), s.LastEpochBlock(5), "the next tempo counts from the epoch that ran")

	// max_epochs_per_block is a sudo global.
	_, err := s.setEmissionParam("max_epochs_per_block", 5)
	require.NoError(t, err)
	for n := tao.NetUID(1); n <= 5; n++ {
		s.setSchedule(n, Schedule{LastEpochBlock: 10, StepBase: 12})
	}
	r, d = ran(20)
	require.Len(t, r, 5)
	require.Empty(t, d)
}

// TestEpoch_OwnerIncentiveWithheld: incentive earned by the owner's
// hotkeys is burned (kept in AlphaOut, unheld) or, with RecycleOrBurn,
// recycled; MinerBurned records the withheld fraction, which then cuts the
// subnet's TAO share.
func TestEpoch_OwnerIncentiveWithheld(t *testing.T) {
	for _, recycle := range []bool{false, true} {
		s := epochState(t)
		owner := acct(1)
		// uid 1 is a validator of another coldkey; uid 2 is a second
		// hotkey of the owner, mining.
		sn := cbSubnet{owner: owner, ownerHotkey: acct(2), hotkeys: []tao.AccountID{acct(3), acct(4)}, coldkeys: []tao.AccountID{acct(30), owner}}
		buildSubnet(t, s, 1, 10, 1000*tao.RaoPerTAO, 1000*tao.RaoPerTAO, sn)
		hp := s.Hyperparams(1)
		hp.RecycleOrBurn = recycle
		s.setHyperparams(1, hp)
		giveStake(t, s, 1, acct(30), acct(3), 100*tao.RaoPerTAO)
		s.setWeightsRow(1, 1, []yuma.Entry{{UID: 2, Value: 65535}})
		s.setLastUpdate(1, 1, 2)
		s.persistEpoch(1, []yuma.Result{{ValidatorPermit: true}, {ValidatorPermit: true}, {}}) // permits of a previous epoch
		dust0 := s.Pool(1).Dust

		ev := runToEpoch(t, s, 1)
		require.Positive(t, ev["server"])
		require.Zero(t, ev["incentive"], "nothing paid to the owner's mining hotkey")
		withheld := ev["burned"] + ev["recycled"]
		require.Positive(t, withheld)
		if recycle {
			require.Zero(t, ev["burned"])
		} else {
			require.Zero(t, ev["recycled"])
			require.GreaterOrEqual(t, s.Pool(1).Dust-dust0, ev["burned"], "burned alpha stays in AlphaOut, unheld")
		}
		require.Zero(t, s.StakeOf(owner, acct(4), 1))
		require.Equal(t, "1", s.SubnetEmission(1).MinerBurned.String(), "all of the miner emission was withheld")
	}
}

// FuzzEpochFromState builds a subnet from the fuzzer's bytes — neuron
// count, stakes (alpha and root), weight rows, previous permits,
// hyperparameter switches, owner-owned hotkeys — and runs its epoch
// through the block step: it must not panic, and the supply invariants and
// the epoch's accounting must hold.
func FuzzEpochFromState(f *testing.F) {
	f.Add([]byte{3, 0, 10, 20, 30, 1, 2, 3, 0xff, 7, 9})
	f.Add([]byte{0})
	f.Add([]byte{16, 0xff, 0xfe, 0, 0, 0, 1, 200, 100, 50, 25, 12, 6, 3, 1, 0, 0, 0, 0, 0, 9, 9, 9, 9})
	f.Fuzz(func(t *testing.T, data []byte) {
		next := func() byte {
			if len(data) == 0 {
				return 0
			}
			b := data[0]
			data = data[1:]
			return b
		}
		neurons := int(next() % 17)
		flags := next()
		s := epochState(t)
		sn := cbSubnet{owner: acct(1), ownerHotkey: acct(2)}
		for i := range neurons {
			sn.hotkeys = append(sn.hotkeys, benchAcct(3, 1, i))
			cold := benchAcct(4, 1, i)
			if next()%5 == 0 {
				cold = acct(1) // some hotkeys belong to the owner
			}
			sn.coldkeys = append(sn.coldkeys, cold)
		}
		buildSubnet(t, s, 1, 4, 1000*tao.RaoPerTAO, 1000*tao.RaoPerTAO, sn)
		hp := s.Hyperparams(1)
		hp.Yuma3On, hp.LiquidAlphaOn, hp.CommitRevealEnabled = flags&1 != 0, flags&2 != 0, false
		hp.RecycleOrBurn = flags&4 != 0
		hp.MaxAllowedValidators = uint16(next()%8) + 1
		s.setHyperparams(1, hp)
		n := neurons + 1
		permits := make([]yuma.Result, n)
		for i, hk := range sn.hotkeys {
			if a := tao.Rao(next()) * tao.RaoPerTAO / 4; a > 0 {
				giveStake(t, s, 1, sn.coldkeys[i], hk, a)
			}
			if r := tao.Rao(next()) * tao.RaoPerTAO; r > 0 && flags&8 != 0 {
				giveRootStake(t, s, sn.coldkeys[i], hk, r)
			}
			permits[i+1].ValidatorPermit = next()%2 == 0
			row := make([]yuma.Entry, 0, 4)
			seen := make([]bool, n)
			for range next() % 5 {
				uid := int(next()) % n // rows as set_weights stores them: uids in range, each once
				if !seen[uid] {
					seen[uid] = true
					row = append(row, yuma.Entry{UID: uint16(uid), Value: uint16(next()) << 8})
				}
			}
			s.setWeightsRow(1, tao.UID(i+1), row)
			s.setLastUpdate(1, tao.UID(i+1), tao.BlockHeight(next()%4))
		}
		s.persistEpoch(1, permits)
		ev := runToEpoch(t, s, 1)
		require.Equal(t, ev["server"]+ev["validator"]+ev["root"]+ev["owner_cut"]+ev["minted"],
			ev["incentive"]+ev["dividends"]+ev["owner_paid"]+ev["burned"]+ev["recycled"]+ev["unpaid"], "%v", ev)
	})
}
