package chain

import (
	"encoding/binary"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// newTestSubnet registers a subnet owned by coldkey acct(0xC0) with hotkey
// acct(0xA0) at block 1 and returns its netuid.
func newTestSubnet(t *testing.T, s *State) tao.NetUID {
	t.Helper()
	owner := acct(0xC0)
	s.setAccount(owner, Account{Free: 1_000_000 * tao.RaoPerTAO})
	s.setGlobalU64(globalTotalIssuance, uint64(s.TotalIssuance()+1_000_000*tao.RaoPerTAO))
	require.NoError(t, registerNetwork(s, Block{Height: 1}, owner, tx.RegisterNetwork{Hotkey: acct(0xA0)}))
	return s.NetUIDs()[len(s.NetUIDs())-1]
}

// TestBurnVectors replays subtensor's burn-dynamics tests (spec §9,
// registration.rs::test_burn_*) through the chain: registrations bump the
// stored burn at once, BeginBlock's first step decays it.
func TestBurnVectors(t *testing.T) {
	unbounded := tao.Rao(math.MaxUint64)
	cases := []struct {
		name     string
		halfLife uint16
		mult     uint64
		min, max tao.Rao
		burn     tao.Rao
		events   []string // "register", "block" or "2 blocks"
		want     []tao.Rao
	}{
		{"register then decay", 1000, 2, 0, unbounded, 1000, []string{"register", "block"}, []tao.Rao{2000, 1998}},
		{"halves every half-life", 2, 1, 0, unbounded, 1024, []string{"2 blocks", "2 blocks"}, []tao.Rao{511, 255}},
		{"one block", 1000, 1, 0, unbounded, 1000, []string{"block"}, []tao.Rao{999}},
		{"bump", 1000, 3, 0, unbounded, 1000, []string{"register"}, []tao.Rao{3000}},
		{"clamps", 1, 2, 100_000, 150_000, 1, []string{"block", "register", "block", "block"}, []tao.Rao{100_000, 150_000, 100_000, 100_000}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestState(t)
			n := newTestSubnet(t, s)
			h := s.Hyperparams(n)
			h.BurnHalfLife, h.BurnIncreaseMult, h.MinBurn, h.MaxBurn = tc.halfLife, fixed.U64F64FromUint(tc.mult), tc.min, tc.max
			s.setHyperparams(n, h)
			s.setBurnState(n, BurnState{Burn: tc.burn})
			payer := acct(0xC1)
			s.setAccount(payer, Account{Free: 1000 * tao.RaoPerTAO})
			height := tao.BlockHeight(10)
			for i, ev := range tc.events {
				switch ev {
				case "block", "2 blocks":
					for range map[string]int{"block": 1, "2 blocks": 2}[ev] {
						height++
						updateRegistrationPrices(s, Block{Height: height})
					}
				case "register":
					require.NoError(t, burnedRegister(s, Block{Height: height}, payer, tx.BurnedRegister{NetUID: n, Hotkey: acct(byte(0x10 + i))}))
				}
				require.Equal(t, tc.want[i], s.Burn(n), "after event %d (%s)", i, ev)
			}
		})
	}
}

// TestLockCostVector replays migration.rs::test_migrate_network_lock_cost_2500:
// last lock 1250 TAO at the current block, interval 2, minimum 100 TAO,
// 1 TAO block emission.
func TestLockCostVector(t *testing.T) {
	s := newTestState(t)
	p := s.NetworkParams()
	p.LockReductionInterval, p.MinLockCost = 2, 100*tao.RaoPerTAO
	s.setNetworkParams(p)
	s.setGlobalU64(globalBlockEmission, uint64(tao.RaoPerTAO))
	s.setNetworkLock(NetworkLock{LastCost: 1250 * tao.RaoPerTAO, LastBlock: 500})
	require.Equal(t, 2500*tao.RaoPerTAO, s.LockCost(500))
	require.Equal(t, 1875*tao.RaoPerTAO, s.LockCost(501))
	require.Equal(t, 100*tao.RaoPerTAO, s.LockCost(10_000), "floored at the minimum")
}

// TestHyperparams_Encoding: every table field survives the encoding, and
// a value written before later fields existed decodes them as defaults.
func TestHyperparams_Encoding(t *testing.T) {
	h := DefaultHyperparams(99)
	for i := range hyperparamTable {
		p := &hyperparamTable[i]
		p.slot(&h).set(p.max - int64(i%2))
	}
	got, err := decodeHyperparams(encodeHyperparams(h))
	require.NoError(t, err)
	require.Equal(t, h, got)

	full := encodeHyperparams(h)
	old := full[:1+8] // version and the first field (tempo) only
	got, err = decodeHyperparams(old)
	require.NoError(t, err)
	want := DefaultHyperparams(0)
	want.Tempo = h.Tempo
	require.Equal(t, want, got)

	_, err = decodeHyperparams(append(full, 1))
	require.ErrorContains(t, err, "trailing")
	_, err = decodeHyperparams(full[:len(full)-3])
	require.ErrorContains(t, err, "truncated")
	_, err = decodeHyperparams([]byte{9})
	require.ErrorContains(t, err, "version")
}

// TestHyperparamTable_Consistent: names are unique across names and
// aliases, bounds are ordered, defaults lie within them, and the table
// covers every Hyperparams field (the encoding relies on it).
func TestHyperparamTable_Consistent(t *testing.T) {
	seen := map[string]bool{}
	def := DefaultHyperparams(360)
	for i := range hyperparamTable {
		p := &hyperparamTable[i]
		for _, name := range append([]string{p.name}, p.aliases...) {
			require.False(t, seen[name], "duplicate name %s", name)
			seen[name] = true
		}
		require.LessOrEqual(t, p.min, p.max, p.name)
		v := p.slot(&def).get()
		require.True(t, v >= p.min && v <= p.max, "default %s = %d outside [%d, %d]", p.name, v, p.min, p.max)
	}
	// 8 bytes per field, 16 for the one U64F64, plus the version byte.
	require.Len(t, encodeHyperparams(def), 1+8*len(hyperparamTable)+8)
	for _, p := range globalParamTable {
		require.False(t, seen[p.name], "global %s shadows a hyperparameter", p.name)
		require.LessOrEqual(t, p.min, p.max, p.name)
	}
}

// TestNetworkParams_JSON: a genesis names only what it changes; unknown
// fields are errors.
func TestNetworkParams_JSON(t *testing.T) {
	g, err := ParseGenesis([]byte(`{"params":{"existential_deposit":500,"tx_fee":1,"network":{"subnet_limit":3}}}`))
	require.NoError(t, err)
	want := DefaultNetworkParams()
	want.SubnetLimit = 3
	require.Equal(t, want, *g.Params.Network)

	_, err = ParseGenesis([]byte(`{"params":{"existential_deposit":500,"network":{"subnet_limt":3}}}`))
	require.ErrorContains(t, err, "subnet_limt")
	_, err = ParseGenesis([]byte(`{"params":{"existential_deposit":500,"network":{"subnet_limit":0}}}`))
	require.ErrorContains(t, err, "params.network.subnet_limit must be at least 1")
}

// setEmission writes the coinbase's Emission vector of subnet n.
func setEmission(s *State, n tao.NetUID, e []tao.Rao) {
	b := make([]byte, 0, 8*len(e))
	for _, v := range e {
		b = binary.BigEndian.AppendUint64(b, uint64(v))
	}
	s.kv.Set(epochVectorKey(n, vecEmission), b)
}

// TestNeuronToPrune covers get_neuron_to_prune (spec §4.4): the owner
// hotkey is immortal, emission then registration block then uid decide,
// and immune uids go only while MinNonImmuneUids or fewer are not immune.
func TestNeuronToPrune(t *testing.T) {
	s := newTestState(t)
	n := newTestSubnet(t, s) // uid 0: the owner hotkey, registered at block 1
	// uids 1–5 registered at blocks 10, 10, 20, 30, 40.
	for i, reg := range []tao.BlockHeight{10, 10, 20, 30, 40} {
		s.appendNeuron(n, acct(byte(0x20+i)), Block{Height: reg})
	}
	h := s.Hyperparams(n)
	h.ImmunityPeriod, h.MinNonImmuneUids = 15, 1
	s.setHyperparams(n, h)
	now := Block{Height: 40} // immune: uids 4 (30) and 5 (40)

	setEmission(s, n, []tao.Rao{0, 5, 5, 3, 0, 0})
	uid, ok := s.neuronToPrune(n, now)
	require.True(t, ok)
	require.Equal(t, tao.UID(3), uid, "lowest emission among the non-immune, owner skipped")

	setEmission(s, n, []tao.Rao{0, 5, 5, 5, 0, 0})
	uid, _ = s.neuronToPrune(n, now)
	require.Equal(t, tao.UID(1), uid, "ties: earliest registration, then lowest uid")

	h.MinNonImmuneUids = 3 // three non-immune uids: not more than 3, so an immune one goes
	s.setHyperparams(n, h)
	setEmission(s, n, []tao.Rao{0, 0, 0, 0, 7, 6})
	uid, _ = s.neuronToPrune(n, now)
	require.Equal(t, tao.UID(5), uid)

	h.ImmunityPeriod = 1000 // everyone immune, but the owner never goes
	s.setHyperparams(n, h)
	setEmission(s, n, nil)
	uid, _ = s.neuronToPrune(n, now)
	require.Equal(t, tao.UID(1), uid)

	// The owner coldkey's other hotkeys are immortal up to the limit: the
	// owner hotkey counts first, so a limit of 2 adds the earliest other.
	require.NoError(t, s.claimHotkey(acct(0xC0), acct(0x20)))
	h.ImmuneOwnerUidsLimit = 2
	s.setHyperparams(n, h)
	uid, _ = s.neuronToPrune(n, now)
	require.Equal(t, tao.UID(2), uid)
}

// TestIdentity_RoundTrip: every identity field survives its encoding.
func TestIdentity_RoundTrip(t *testing.T) {
	id := tx.SubnetIdentity{Name: "a", URL: "b", GitHub: "c", Contact: "d", Description: "é", Discord: "f", LogoURL: "g", TokenSymbol: "α", Additional: ""}
	got, err := decodeIdentity(encodeIdentity(id))
	require.NoError(t, err)
	require.Equal(t, id, got)
	_, err = decodeIdentity(encodeIdentity(id)[:5])
	require.Error(t, err)
}

// TestHyperparams_Documented keeps docs/subnets.md true to the
// set_hyperparameter table.
func TestHyperparams_Documented(t *testing.T) {
	doc, err := os.ReadFile("../docs/subnets.md")
	require.NoError(t, err)
	for _, p := range hyperparamTable {
		require.Contains(t, string(doc), "| `"+p.name+"`", "docs/subnets.md lacks %s", p.name)
		for _, a := range p.aliases {
			require.Contains(t, string(doc), a, "docs/subnets.md lacks the alias %s", a)
		}
	}
	for _, name := range []string{"default_tempo", "network_rate_limit", "network_min_lock_cost", "network_lock_reduction_interval",
		"network_immunity_period", "subnet_limit", "start_call_delay", "admin_freeze_window", "owner_hyperparam_rate_limit"} {
		require.NotNil(t, lookupGlobalParam(name), name)
		require.Contains(t, string(doc), "`"+name+"`", "docs/subnets.md lacks %s", name)
	}
}

// FuzzDecodeHyperparams: any stored bytes decode or fail cleanly, and a
// value that decodes re-encodes to a value that decodes the same.
func FuzzDecodeHyperparams(f *testing.F) {
	full := encodeHyperparams(DefaultHyperparams(360))
	f.Add(full)
	f.Add(full[:1+8])
	f.Add(full[:len(full)-1])
	f.Add([]byte{})
	f.Add([]byte{hyperparamsVersion})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := decodeHyperparams(b)
		if err != nil {
			return
		}
		again, err := decodeHyperparams(encodeHyperparams(h))
		require.NoError(t, err)
		require.Equal(t, h, again)
	})
}

// FuzzDecodeIdentity: any stored bytes decode or fail cleanly, and what
// decodes round-trips.
func FuzzDecodeIdentity(f *testing.F) {
	f.Add(encodeIdentity(tx.SubnetIdentity{Name: "apex", TokenSymbol: "α"}))
	f.Add(encodeIdentity(tx.SubnetIdentity{}))
	f.Add([]byte{0, 5, 'a'})
	f.Fuzz(func(t *testing.T, b []byte) {
		id, err := decodeIdentity(b)
		if err != nil {
			return
		}
		require.Equal(t, b, encodeIdentity(id))
	})
}

// FuzzNetworkParamsJSON: genesis network parameters decode strictly over
// the defaults, or fail without a panic.
func FuzzNetworkParamsJSON(f *testing.F) {
	f.Add([]byte(`{"subnet_limit":3}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"default_tempo":-1}`))
	f.Add([]byte(`{"network_min_lock_cost":1e30}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p NetworkParams
		if err := p.UnmarshalJSON(b); err != nil {
			return
		}
		s := newTestState(t)
		s.setNetworkParams(p)
		require.Equal(t, p, s.NetworkParams(), "what decodes is stored exactly")
	})
}

// TestSubnetToPrune: the lowest moving price among the subnets past their
// immunity, ties to the earliest registered.
func TestSubnetToPrune(t *testing.T) {
	s := newTestState(t)
	p := s.NetworkParams()
	p.NetworkRateLimit, p.ImmunityPeriod = 0, 100
	s.setNetworkParams(p)
	owner := acct(0xC0)
	s.setAccount(owner, Account{Free: 1_000_000 * tao.RaoPerTAO})
	s.setGlobalU64(globalTotalIssuance, uint64(s.TotalIssuance()+1_000_000*tao.RaoPerTAO))
	for i, at := range []tao.BlockHeight{10, 20, 30} { // netuids 1, 2, 3
		require.NoError(t, registerNetwork(s, Block{Height: at}, owner, tx.RegisterNetwork{Hotkey: acct(byte(0xA0 + i))}))
	}
	setMoving := func(n tao.NetUID, bits uint64) {
		pool := s.Pool(n)
		pool.MovingPrice = fixed.I96F32FromBits(0, bits)
		s.setPool(n, pool)
	}
	setMoving(1, 500)
	setMoving(2, 300)
	setMoving(3, 100)

	_, ok := s.subnetToPrune(100)
	require.False(t, ok, "all within 100 blocks of registration")
	n, _ := s.subnetToPrune(125)
	require.Equal(t, tao.NetUID(2), n, "3 is cheaper but still immune")
	n, _ = s.subnetToPrune(130)
	require.Equal(t, tao.NetUID(3), n, "the lowest moving price")
	setMoving(3, 300)
	n, _ = s.subnetToPrune(130)
	require.Equal(t, tao.NetUID(2), n, "a tie goes to the earliest registered")
}
