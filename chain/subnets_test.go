package chain_test

import (
	"fmt"
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// subnetView is what the subnets area keeps, read through its public
// accessors, to check that a failed call changed none of it. Pools and
// burns are left out: the coinbase and the burn decay change them every
// block.
type subnetView struct {
	Net   chain.NetworkParams
	Lock  chain.NetworkLock
	Nets  []tao.NetUID
	Infos []chain.SubnetInfo
	HPs   []chain.Hyperparams
	IDs   []tx.SubnetIdentity
	Nrns  [][]chain.Neuron
	Axons []map[tao.AccountID]chain.AxonInfo
}

func viewSubnets(st *chain.State) subnetView {
	v := subnetView{Net: st.NetworkParams(), Lock: st.NetworkLock(), Nets: st.NetUIDs()}
	for _, n := range append([]tao.NetUID{0}, v.Nets...) {
		info, _ := st.Subnet(n)
		v.Infos = append(v.Infos, info)
		v.HPs = append(v.HPs, st.Hyperparams(n))
		v.IDs = append(v.IDs, st.Identity(n))
		v.Nrns = append(v.Nrns, st.Neurons(n))
		v.Axons = append(v.Axons, st.Axons(n))
	}
	return v
}

// requireFails runs call signed by p in the next block and checks that it
// fails with code and a message containing msg, costs the signer only the
// fee and a nonce, and changes nothing of the subnets area.
func requireFails(t *testing.T, h *testutil.Harness, p *keys.Pair, call tx.Call, code *tx.Error, msg string) {
	t.Helper()
	before := h.State()
	acct, view := before.Account(p.Public()), viewSubnets(before)
	res := h.Block(h.Tx(p, call))
	r := res.TxResults[0]
	require.Equal(t, code.Code, r.Code, r.Log)
	require.Contains(t, r.Log, msg)
	after := h.State()
	got := after.Account(p.Public())
	require.Equal(t, acct.Nonce+1, got.Nonce)
	require.Equal(t, acct.Free-chain.Fee(after.Params(), call.Kind()), got.Free, "only the fee is charged")
	require.Equal(t, view, viewSubnets(after), "the subnets area is unchanged")
}

func TestGenesis_RootSubnet(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	st := h.State()
	require.True(t, st.SubnetExists(tao.RootNetUID))
	require.Empty(t, st.NetUIDs(), "NetUIDs leaves root out")
	hp := st.Hyperparams(tao.RootNetUID)
	require.Equal(t, uint16(100), hp.Tempo)
	require.Equal(t, uint16(64), hp.MaxAllowedUids)
	require.Equal(t, uint16(64), hp.MaxAllowedValidators)
	require.Equal(t, uint16(0), hp.MinAllowedWeights)
	require.Equal(t, *chain.DevNetworkParams(), st.NetworkParams())
	require.Equal(t, 1000*tao.RaoPerTAO, st.LockCost(tao.BlockHeight(h.Height+1)), "the first subnet costs the minimum")
}

func TestRegisterNetwork(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	owner, hot := alice(t), testutil.Pair(t, "//Alice//hot")
	before := h.Account(owner.Public()).Free
	n := testutil.RegisterSubnet(h, owner, hot)
	require.Equal(t, tao.NetUID(1), n)

	st := h.State()
	lock := 1000 * tao.RaoPerTAO
	require.Equal(t, before-lock-fee, st.Account(owner.Public()).Free)
	info, ok := st.Subnet(n)
	require.True(t, ok)
	require.Equal(t, chain.SubnetInfo{Owner: owner.Public(), OwnerHotkey: hot.Public(), RegisteredAt: tao.BlockHeight(h.Height),
		Dynamic: true, Locked: lock}, info)
	require.False(t, info.Started())
	require.Equal(t, []tao.NetUID{1}, st.NetUIDs())
	require.Equal(t, uint16(1), st.SubnetN(n))
	hk, _ := st.HotkeyAt(n, 0)
	require.Equal(t, hot.Public(), hk, "the owner hotkey is uid 0")
	ck, _ := st.HotkeyOwner(hot.Public())
	require.Equal(t, owner.Public(), ck)
	require.Equal(t, chain.DefaultHyperparams(20), st.Hyperparams(n), "new-subnet defaults with the dev tempo")
	require.Equal(t, chain.InitialBurn, st.Burn(n))

	pool := st.Pool(n)
	require.Equal(t, lock, pool.TAO, "the lock seeds the pool")
	require.Equal(t, lock, pool.AlphaIn, "at price 1.0 when no other subnet has a price")
	require.Zero(t, pool.AlphaOut, "the owner gets no alpha")

	// Twice the last lock, decaying by lock/interval per block.
	next := tao.BlockHeight(h.Height + 1)
	require.Equal(t, 2*lock-lock/(14*7200), st.LockCost(next), "one block after")

	// The second pool is seeded at the median price of the first.
	bob, bobHot := bob(t), testutil.Pair(t, "//Bob//hot")
	cost := st.LockCost(next)
	n2 := testutil.RegisterSubnet(h, bob, bobHot)
	require.Equal(t, tao.NetUID(2), n2)
	require.Equal(t, cost, h.State().Pool(n2).TAO)
	require.Equal(t, cost, h.State().Pool(n2).AlphaIn, "the first subnet's price is still 1.0")
}

func TestRegisterNetwork_Failures(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(500_000_000, testutil.Pairs(t, "poor", 1)...))
	owner, sudo := alice(t), alice(t)
	poor := testutil.Pairs(t, "poor", 1)[0]
	n := testutil.RegisterSubnet(h, owner, testutil.Pair(t, "//Alice//hot"))

	requireFails(t, h, poor, tx.RegisterNetwork{Hotkey: testutil.Pair(t, "//poor//hot").Public()},
		tx.ErrLockCostUnaffordable, "subnet lock cost is 1999.99")
	requireFails(t, h, bob(t), tx.RegisterNetwork{Hotkey: testutil.Pair(t, "//Alice//hot").Public()},
		tx.ErrHotkeyInUse, "belongs to coldkey "+owner.Public().String())

	testutil.RequireOK(t, h.Block(h.Tx(sudo, tx.SudoSetGlobal{Name: "network_rate_limit", Value: 50})))
	requireFails(t, h, bob(t), tx.RegisterNetwork{Hotkey: testutil.Pair(t, "//Bob//hot").Public()},
		tx.ErrNetworkRateLimit, "blocks left")

	testutil.RequireOK(t, h.Block(h.Tx(sudo, tx.SudoSetGlobal{Name: "network_rate_limit", Value: 0})))
	testutil.RequireOK(t, h.Block(h.Tx(sudo, tx.SudoSetGlobal{Name: "subnet_limit", Value: 1})))
	requireFails(t, h, bob(t), tx.RegisterNetwork{Hotkey: testutil.Pair(t, "//Bob//hot").Public()},
		tx.ErrSubnetLimit, "1 subnets exist, the limit is 1, and all are within their immunity period")
	require.Equal(t, []tao.NetUID{n}, h.State().NetUIDs())
}

func TestStartCall(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	owner := alice(t)
	n := testutil.RegisterSubnet(h, owner, testutil.Pair(t, "//Alice//hot"))

	requireFails(t, h, bob(t), tx.StartCall{NetUID: n}, tx.ErrNotSubnetOwner, "owned by "+owner.Public().String())
	requireFails(t, h, owner, tx.StartCall{NetUID: 7}, tx.ErrSubnetNotFound, "netuid 7")
	requireFails(t, h, owner, tx.StartCall{NetUID: 0}, tx.ErrRootSubnet, "root")
	testutil.RequireOK(t, h.Block(h.Tx(owner, tx.SudoSetGlobal{Name: "start_call_delay", Value: 100})))
	requireFails(t, h, owner, tx.StartCall{NetUID: n}, tx.ErrStartCallDelay, "blocks left")
	testutil.RequireOK(t, h.Block(h.Tx(owner, tx.SudoSetGlobal{Name: "start_call_delay", Value: 0})))

	testutil.RequireOK(t, h.Block(h.Tx(owner, tx.StartCall{NetUID: n})))
	info, _ := h.State().Subnet(n)
	require.True(t, info.Started())
	require.Equal(t, tao.BlockHeight(h.Height+1), info.FirstEmissionBlock)
	requireFails(t, h, owner, tx.StartCall{NetUID: n}, tx.ErrAlreadyStarted, "since block")
}

func TestSetSubnetIdentity(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	owner := alice(t)
	id := tx.SubnetIdentity{Name: "apex", URL: "https://apex.example", TokenSymbol: "α1", Description: "demo"}
	res := h.Block(h.Tx(owner, tx.RegisterNetwork{Hotkey: testutil.Pair(t, "//Alice//hot").Public(), Identity: &id}))
	testutil.RequireOK(t, res)
	require.Equal(t, id, h.State().Identity(1))

	id.Name = "apex2"
	testutil.RequireOK(t, h.Block(h.Tx(owner, tx.SetSubnetIdentity{NetUID: 1, Identity: id})))
	require.Equal(t, id, h.State().Identity(1))
	requireFails(t, h, bob(t), tx.SetSubnetIdentity{NetUID: 1, Identity: id}, tx.ErrNotSubnetOwner, "sign with that coldkey")
}

func TestBurnedRegister(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	// Not started, so no emission changes the pool under the registration.
	n := testutil.RegisterSubnet(h, alice(t), testutil.Pair(t, "//Alice//hot"))
	payer, hk := bob(t), testutil.Pair(t, "//Bob//miner")

	st := h.State()
	pool, free := st.Pool(n), st.Account(payer.Public()).Free
	// The next block's first step decays the burn before the call runs:
	// burn·f >> 32 with f = decay_factor_q32(360) from the spec's vectors.
	paid := tao.Rao(uint64(st.Burn(n)) * 4286705684 >> 32)
	uid := testutil.RegisterNeuron(h, payer, hk, n)
	require.Equal(t, tao.UID(1), uid)

	st = h.State()
	require.Equal(t, free-paid-fee, st.Account(payer.Public()).Free, "the payer pays the burn and the fee")
	got, _ := st.UIDOf(n, hk.Public())
	require.Equal(t, uid, got)
	owner, _ := st.HotkeyOwner(hk.Public())
	require.Equal(t, payer.Public(), owner)
	require.Equal(t, []tao.NetUID{n}, st.SubnetsOf(hk.Public()))
	nr, _ := st.NeuronAt(n, uid)
	require.Equal(t, tao.BlockHeight(h.Height), nr.RegisteredAt)

	// The burn bought alpha (the TAO reserve grew by the burn less the
	// swap fee of 33/65535) and that alpha was recycled: AlphaOut is
	// unchanged.
	after := st.Pool(n)
	swapFee := paid * 33 / 65535
	require.Equal(t, pool.TAO+paid-swapFee, after.TAO)
	require.Less(t, after.AlphaIn, pool.AlphaIn)
	require.Equal(t, pool.AlphaOut, after.AlphaOut)

	// Right after the registration the burn is bumped by
	// BurnIncreaseMult = from_num(1.26f64), floored.
	bumped, _ := new(big.Rat).Mul(new(big.Rat).SetUint64(uint64(paid)), new(big.Rat).SetFloat64(1.26)).Float64()
	require.Equal(t, tao.Rao(math.Floor(bumped)), st.Burn(n))
}

func TestBurnedRegister_Failures(t *testing.T) {
	poor := testutil.Pairs(t, "poor", 1)[0]
	h := testutil.NewHarness(t, testutil.Genesis(500_000_000, poor))
	sn := testutil.NewSubnet(h, alice(t), 1)
	n, hk := sn.NetUID, testutil.Pair(t, "//miner")

	requireFails(t, h, poor, tx.BurnedRegister{NetUID: n, Hotkey: hk.Public()}, tx.ErrBurnUnaffordable,
		"balance is 0.4999")
	requireFails(t, h, bob(t), tx.BurnedRegister{NetUID: n, Hotkey: hk.Public(), LimitPrice: 100}, tx.ErrBurnAboveLimit,
		"limit 0.000000100 TAO")
	requireFails(t, h, bob(t), tx.BurnedRegister{NetUID: 9, Hotkey: hk.Public()}, tx.ErrSubnetNotFound, "netuid 9")
	requireFails(t, h, bob(t), tx.BurnedRegister{NetUID: 0, Hotkey: hk.Public()}, tx.ErrRootSubnet, "netuid 0")
	requireFails(t, h, bob(t), tx.BurnedRegister{NetUID: n, Hotkey: sn.Hotkeys[0].Public()}, tx.ErrAlreadyRegistered, "is uid 1")
	requireFails(t, h, bob(t), tx.BurnedRegister{NetUID: n, Hotkey: sn.OwnerHotkey.Public()}, tx.ErrAlreadyRegistered, "is uid 0")

	testutil.SudoSet(h, n, "registration_allowed", 0)
	requireFails(t, h, bob(t), tx.BurnedRegister{NetUID: n, Hotkey: hk.Public()}, tx.ErrRegistrationDisabled, "registration_allowed is 0")
	testutil.SudoSet(h, n, "registration_allowed", 1)

	// A hotkey of another coldkey cannot be registered by this one.
	requireFails(t, h, bob(t), tx.BurnedRegister{NetUID: n, Hotkey: sn.OwnerHotkey.Public()}, tx.ErrAlreadyRegistered, "uid 0")
	n2 := testutil.NewSubnet(h, testutil.Pair(t, "//Charlie"), 0).NetUID
	requireFails(t, h, bob(t), tx.BurnedRegister{NetUID: n2, Hotkey: sn.Hotkeys[0].Public()}, tx.ErrHotkeyInUse,
		"use a hotkey of your own wallet")
}

func TestBurnedRegister_Pruning(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	sn := testutil.NewSubnet(h, alice(t), 3) // uids 0 (owner) to 3
	n := sn.NetUID
	testutil.SudoSet(h, n, "min_allowed_uids", 1)
	testutil.SudoSet(h, n, "max_validators", 1)
	testutil.SudoSet(h, n, "max_allowed_uids", 4)
	testutil.SudoSet(h, n, "immunity_period", 0)
	testutil.SudoSet(h, n, "min_non_immune_uids", 0)
	// Keep the burn low so the test does not depend on its level.
	testutil.SudoSet(h, n, "max_burn", int64(tao.RaoPerTAO)/5)

	newcomer := testutil.Pair(t, "//newcomer")
	uid := testutil.RegisterNeuron(h, bob(t), newcomer, n)
	require.Equal(t, tao.UID(1), uid, "no emission yet: the earliest registered non-owner uid goes")
	st := h.State()
	require.Equal(t, uint16(4), st.SubnetN(n))
	_, ok := st.UIDOf(n, sn.Hotkeys[0].Public())
	require.False(t, ok, "the pruned hotkey left the subnet")
	require.Empty(t, st.SubnetsOf(sn.Hotkeys[0].Public()))
	hk, _ := st.HotkeyAt(n, 0)
	require.Equal(t, sn.OwnerHotkey.Public(), hk, "the owner hotkey is never pruned")

	// Immune uids go too when no other is left; only the owner's never do.
	testutil.SudoSet(h, n, "immunity_period", 1000)
	uid = testutil.RegisterNeuron(h, bob(t), testutil.Pair(t, "//late"), n)
	require.Equal(t, tao.UID(2), uid, "all immune: the earliest registered goes")

	// A subnet holding only the owner's immortal hotkey is full.
	n2 := testutil.NewSubnet(h, testutil.Pair(t, "//Charlie"), 0).NetUID
	for _, kv := range []struct {
		name  string
		value int64
	}{{"min_allowed_uids", 1}, {"max_validators", 1}, {"max_allowed_uids", 1}} {
		testutil.SudoSet(h, n2, kv.name, kv.value)
	}
	requireFails(t, h, bob(t), tx.BurnedRegister{NetUID: n2, Hotkey: testutil.Pair(t, "//later").Public()}, tx.ErrSubnetFull,
		"owner's immortal hotkeys")
}

func TestServeAxon(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	sn := testutil.NewSubnet(h, alice(t), 1)
	n, hk := sn.NetUID, sn.Hotkeys[0]
	v4 := func(a, b, c, d byte) [16]byte { return [16]byte{10: 0xff, 11: 0xff, 12: a, 13: b, 14: c, 15: d} }
	ok := tx.ServeAxon{NetUID: n, Version: 7, IP: v4(192, 168, 1, 5), Port: 8091, IPType: 4, Protocol: 4}

	requireFails(t, h, testutil.Pair(t, "//stranger"), ok, tx.ErrNotRegistered, "register it first")
	bad := ok
	bad.Port = 0
	requireFails(t, h, hk, bad, tx.ErrInvalidAxon, "port 0")
	bad = ok
	bad.IPType = 6
	requireFails(t, h, hk, bad, tx.ErrInvalidAxon, "use ip_type 4")
	bad = ok
	bad.IP = [16]byte{0x20, 0x01}
	requireFails(t, h, hk, bad, tx.ErrInvalidAxon, "ip_type 4 needs an IPv4 address")
	bad = ok
	bad.IP = v4(0, 0, 0, 0)
	requireFails(t, h, hk, bad, tx.ErrInvalidAxon, "unspecified")
	bad = ok
	bad.IPType = 5
	requireFails(t, h, hk, bad, tx.ErrInvalidAxon, "want 4 or 6")
	bad = ok
	bad.NetUID = 9
	requireFails(t, h, hk, bad, tx.ErrSubnetNotFound, "netuid 9")

	testutil.RequireOK(t, h.Block(h.Tx(hk, ok)))
	served := tao.BlockHeight(h.Height)
	a, found := h.State().Axon(n, hk.Public())
	require.True(t, found)
	require.Equal(t, chain.AxonInfo{Block: served, Version: 7, IP: ok.IP, Port: 8091, IPType: 4, Protocol: 4}, a)
	require.Equal(t, "192.168.1.5", a.IPString())

	requireFails(t, h, hk, ok, tx.ErrServingRateLimit, "49 blocks left")
	testutil.SudoSet(h, n, "serving_rate_limit", 0)
	v6 := ok
	v6.IP, v6.IPType = [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 1}, 6
	testutil.RequireOK(t, h.Block(h.Tx(hk, v6)))
	a, _ = h.State().Axon(n, hk.Public())
	require.Equal(t, "2001:db8:0:0:0:0:0:1", a.IPString())
}

func TestSetHyperparameter(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	owner, sudo := bob(t), alice(t)
	n := testutil.NewSubnet(h, owner, 0).NetUID
	set := func(name string, v int64) tx.SetHyperparameter {
		return tx.SetHyperparameter{NetUID: n, Name: name, Value: v}
	}

	// Failures, each naming the rule.
	requireFails(t, h, owner, set("kappaa", 1), tx.ErrUnknownHyperparameter, `"kappaa"`)
	requireFails(t, h, testutil.Pair(t, "//Charlie"), set("immunity_period", 1), tx.ErrNotSubnetOwner,
		"only the subnet owner or sudo can set immunity_period")
	requireFails(t, h, owner, set("kappa", 1), tx.ErrSudoOnly, "only sudo can set kappa")
	requireFails(t, h, sudo, set("kappa", 65536), tx.ErrHyperparameterBounds, "kappa must be ≤ 65535")
	requireFails(t, h, owner, set("tempo", 100), tx.ErrHyperparameterBounds, "tempo (set by the owner) must be ≥ 360")
	requireFails(t, h, owner, set("min_burn", int64(200*tao.RaoPerTAO)), tx.ErrHyperparameterBounds, "min_burn must be ≤")
	requireFails(t, h, owner, set("max_burn", 400_000), tx.ErrHyperparameterBounds, "max_burn must be ≥")
	requireFails(t, h, owner, set("alpha_low", 2000), tx.ErrHyperparameterBounds, "needs liquid_alpha_enabled")
	requireFails(t, h, owner, set("max_allowed_uids", 300), tx.ErrHyperparameterBounds, "must be ≤ 256")
	requireFails(t, h, owner, set("burn_half_life", 0), tx.ErrHyperparameterBounds, "burn_half_life must be ≥ 1")
	requireFails(t, h, sudo, tx.SetHyperparameter{NetUID: 0, Name: "burn_half_life", Value: 10}, tx.ErrRootSubnet, "root")
	requireFails(t, h, sudo, tx.SetHyperparameter{NetUID: 5, Name: "kappa", Value: 10}, tx.ErrSubnetNotFound, "netuid 5")

	// The owner sets an O/R parameter (by its btcli alias) once per
	// OwnerHyperparamRateLimit (2) tempos.
	testutil.RequireOK(t, h.Block(h.Tx(owner, set("bonds_moving_average", 950_000))))
	require.Equal(t, uint64(950_000), h.State().Hyperparams(n).BondsMovingAverage)
	requireFails(t, h, owner, set("bonds_moving_avg", 940_000), tx.ErrHyperparameterRate, "owner may set bonds_moving_avg again in 39 blocks")
	// Sudo is not rate limited, and may go beyond the owner's bounds.
	testutil.RequireOK(t, h.Block(h.Tx(sudo, set("bonds_moving_avg", 990_000))))
	testutil.RequireOK(t, h.Block(h.Tx(sudo, set("tempo", 12))))
	require.Equal(t, uint64(990_000), h.State().Hyperparams(n).BondsMovingAverage)
	require.Equal(t, uint16(12), h.State().Hyperparams(n).Tempo)
	require.Equal(t, tao.BlockHeight(h.Height), h.State().LastEpochBlock(n), "a new tempo restarts the schedule")

	// Cross-field rules.
	testutil.RequireOK(t, h.Block(h.Tx(owner, set("liquid_alpha_enabled", 1))))
	testutil.RequireOK(t, h.Block(h.Tx(owner, set("alpha_low", 2000))))
	requireFails(t, h, sudo, set("alpha_high", 1900), tx.ErrHyperparameterBounds, "alpha_high must be ≥ alpha_low (2000)")
	testutil.RequireOK(t, h.Block(h.Tx(sudo, set("max_burn", int64(tao.RaoPerTAO)/2))))
	requireFails(t, h, sudo, set("min_burn", int64(tao.RaoPerTAO)/2), tx.ErrHyperparameterBounds, "min_burn must be < max_burn (500000000 rao)")
}

func TestSetHyperparameter_FreezeWindow(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	owner, sudo := bob(t), alice(t)
	n := testutil.NewSubnet(h, owner, 0).NetUID
	testutil.RequireOK(t, h.Block(h.Tx(sudo, tx.SudoSetGlobal{Name: "admin_freeze_window", Value: 1000})))
	requireFails(t, h, owner, tx.SetHyperparameter{NetUID: n, Name: "immunity_period", Value: 10}, tx.ErrAdminFreeze,
		"retry after the epoch")
	testutil.RequireOK(t, h.Block(h.Tx(sudo, tx.SetHyperparameter{NetUID: n, Name: "immunity_period", Value: 10})))
}

func TestSudoSetGlobal(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	sudo := alice(t)
	requireFails(t, h, bob(t), tx.SudoSetGlobal{Name: "tx_fee", Value: 1}, tx.ErrSudoOnly, "sudo_set_global tx_fee")
	requireFails(t, h, sudo, tx.SudoSetGlobal{Name: "tx_feee", Value: 1}, tx.ErrUnknownGlobal, `"tx_feee"`)
	requireFails(t, h, sudo, tx.SudoSetGlobal{Name: "subnet_limit", Value: 0}, tx.ErrHyperparameterBounds, "subnet_limit must be ≥ 1")
	requireFails(t, h, sudo, tx.SudoSetGlobal{Name: "existential_deposit", Value: 0}, tx.ErrHyperparameterBounds, "≥ 1")
	requireFails(t, h, sudo, tx.SudoSetGlobal{Name: "network_min_lock_cost", Value: 999_999_999}, tx.ErrHyperparameterBounds,
		"network_min_lock_cost must be ≥ 1000000000")

	testutil.RequireOK(t, h.Block(h.Tx(sudo, tx.SudoSetGlobal{Name: "tx_fee", Value: 7})))
	testutil.RequireOK(t, h.Block(h.Tx(sudo, tx.SudoSetGlobal{Name: "network_min_lock_cost", Value: int64(5 * tao.RaoPerTAO)})))
	st := h.State()
	require.Equal(t, tao.Rao(7), st.Params().TxFee)
	require.Equal(t, 5*tao.RaoPerTAO, st.NetworkParams().MinLockCost)
	for _, v := range st.GlobalParamValues() {
		if v.Name == "tx_fee" {
			require.Equal(t, int64(7), v.Value)
		}
	}
}

// TestRegisterNetwork_PrunesWeakestSubnet: at the subnet limit the weakest
// subnet past its immunity is dissolved: its stakers are paid out of its
// pool, the rest of the pool is recycled (the harness checks the supply
// after every block), every area's records go, and the new subnet takes
// the netuid.
func TestRegisterNetwork_PrunesWeakestSubnet(t *testing.T) {
	h := testutil.NewHarness(t, testutil.Genesis(0))
	sudo, staker := alice(t), bob(t)
	old := testutil.NewSubnet(h, alice(t), 1)
	testutil.NewSubnet(h, testutil.Pair(t, "//Charlie"), 0) // netuid 2, registered later
	testutil.RequireOK(t, h.Block(
		h.Tx(staker, tx.AddStake{Hotkey: old.OwnerHotkey.Public(), NetUID: old.NetUID, AmountTAO: 10 * tao.RaoPerTAO}),
		h.Tx(old.Hotkeys[0], tx.ServeAxon{NetUID: old.NetUID, IP: [16]byte{10: 0xff, 11: 0xff, 12: 10, 15: 1}, Port: 1, IPType: 4, Protocol: 4}),
		h.Tx(sudo, tx.SudoSetGlobal{Name: "subnet_limit", Value: 2}),
		h.Tx(sudo, tx.SudoSetGlobal{Name: "network_immunity_period", Value: 0}),
	))
	before := h.State()
	require.NotZero(t, before.StakeOf(staker.Public(), old.OwnerHotkey.Public(), old.NetUID))
	bobFree, aliceFree := before.Account(staker.Public()).Free, before.Account(sudo.Public()).Free

	dave, daveHot := testutil.Pair(t, "//Dave"), testutil.Pair(t, "//Dave//hot")
	res := h.Block(h.Tx(dave, tx.RegisterNetwork{Hotkey: daveHot.Public()}))
	testutil.RequireOK(t, res)
	evs := res.TxResults[0].Events
	v, _ := testutil.EventAttr(evs, chain.EventSubnetDissolved, "netuid")
	require.Equal(t, "1", v, "equal moving prices: the earliest registered goes")
	v, _ = testutil.EventAttr(evs, chain.EventSubnetRegistered, "netuid")
	require.Equal(t, "1", v, "the new subnet takes the freed netuid")

	st := h.State()
	refundedText, _ := testutil.EventAttr(evs, chain.EventSubnetDissolved, "refunded")
	bobGot, aliceGot := st.Account(staker.Public()).Free-bobFree, st.Account(sudo.Public()).Free-aliceFree
	require.Positive(t, bobGot, "the staker is paid out")
	require.Equal(t, refundedText, fmt.Sprint(uint64(bobGot+aliceGot)), "the owner's owner-cut stake too, and nobody else")
	require.Zero(t, st.StakeOf(staker.Public(), old.OwnerHotkey.Public(), 1))

	info, _ := st.Subnet(1)
	require.Equal(t, dave.Public(), info.Owner)
	require.Equal(t, uint16(1), st.SubnetN(1))
	hk, _ := st.HotkeyAt(1, 0)
	require.Equal(t, daveHot.Public(), hk)
	_, ok := st.UIDOf(1, old.Hotkeys[0].Public())
	require.False(t, ok)
	require.Empty(t, st.Axons(1))
	require.Empty(t, st.SubnetsOf(old.Hotkeys[0].Public()))
	require.Equal(t, tx.SubnetIdentity{}, st.Identity(1))
	require.Equal(t, []tao.NetUID{1, 2}, st.NetUIDs())
}
