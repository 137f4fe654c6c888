package testutil

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// Subnet is a subnet created by NewSubnet.
type Subnet struct {
	NetUID      tao.NetUID
	Owner       *keys.Pair // coldkey
	OwnerHotkey *keys.Pair // uid 0
	// Hotkeys are the registered neurons after the owner's, Hotkeys[i]
	// at uid i+1.
	Hotkeys []*keys.Pair
}

// NewSubnet registers a subnet owned by owner (which must be funded: the
// dev genesis' 1M TAO covers it), starts it, and registers neurons more
// hotkeys paid by owner, in one block each step. The hotkeys are derived
// from the netuid, so they are the same on every run.
func NewSubnet(h *Harness, owner *keys.Pair, neurons int) Subnet {
	h.T.Helper()
	hot := Pair(h.T, fmt.Sprintf("//gotensor-test//owner-hotkey//%s", owner.SS58()))
	n := RegisterSubnet(h, owner, hot)
	RequireOK(h.T, h.Block(h.Tx(owner, tx.StartCall{NetUID: n})))
	sn := Subnet{NetUID: n, Owner: owner, OwnerHotkey: hot, Hotkeys: Pairs(h.T, fmt.Sprintf("neuron-%d", n), neurons)}
	var txs [][]byte
	for _, hk := range sn.Hotkeys {
		txs = append(txs, h.Tx(owner, tx.BurnedRegister{NetUID: n, Hotkey: hk.Public()}))
	}
	if len(txs) > 0 {
		RequireOK(h.T, h.Block(txs...))
	}
	return sn
}

// RegisterSubnet runs register_network for owner with hotkey in one block
// and returns the new netuid.
func RegisterSubnet(h *Harness, owner, hotkey *keys.Pair) tao.NetUID {
	h.T.Helper()
	return tao.NetUID(callUint(h, owner, tx.RegisterNetwork{Hotkey: hotkey.Public()}, chain.EventSubnetRegistered, "netuid", 16))
}

// RegisterNeuron registers hotkey on netuid n, paid by coldkey, in one
// block and returns its uid.
func RegisterNeuron(h *Harness, coldkey, hotkey *keys.Pair, n tao.NetUID) tao.UID {
	h.T.Helper()
	return tao.UID(callUint(h, coldkey, tx.BurnedRegister{NetUID: n, Hotkey: hotkey.Public()}, chain.EventNeuronRegistered, "uid", 16))
}

// SudoSet sets a hyperparameter of subnet n as sudo (//Alice in the dev
// genesis) in one block.
func SudoSet(h *Harness, n tao.NetUID, name string, value int64) {
	h.T.Helper()
	RequireOK(h.T, h.Block(h.Tx(Pair(h.T, "//Alice"), tx.SetHyperparameter{NetUID: n, Name: name, Value: value})))
}

// callUint sends call signed by signer in a block of its own, requires it
// to succeed, and returns attribute key of its first event of type typ, an
// unsigned integer of at most bits bits.
func callUint(h *Harness, signer *keys.Pair, call tx.Call, typ, key string, bits int) uint64 {
	h.T.Helper()
	res := h.Block(h.Tx(signer, call))
	RequireOK(h.T, res)
	v, ok := EventAttr(res.TxResults[0].Events, typ, key)
	if !ok {
		h.T.Fatalf("testutil: %s emitted no %s event with %s", call.Kind(), typ, key)
	}
	x, err := strconv.ParseUint(v, 10, bits)
	if err != nil {
		h.T.Fatalf("testutil: %s %s %q: %v", typ, key, v, err)
	}
	return x
}

// EventAttr returns the value of attribute key of the first event of type
// typ.
func EventAttr(evs []abci.Event, typ, key string) (string, bool) {
	for _, e := range evs {
		if e.Type != typ {
			continue
		}
		for _, a := range e.Attributes {
			if a.Key == key {
				return a.Value, true
			}
		}
	}
	return "", false
}

// SubnetCalls generates random calls of the subnets area for randomized
// tests: register_network, start_call, set_subnet_identity,
// burned_register, serve_axon, set_hyperparameter and sudo_set_global,
// mostly valid for the given state and sometimes not (wrong signer, bad
// bounds, unknown subnet), so that failure paths run too.
type SubnetCalls struct {
	Coldkeys []*keys.Pair // funded accounts that create subnets and pay registrations
	Hotkeys  []*keys.Pair // hotkeys to register and serve axons with
	Sudo     *keys.Pair   // the genesis sudo account
}

// Next returns a signer and a call for state st.
func (g SubnetCalls) Next(r *rand.Rand, st *chain.State) (*keys.Pair, tx.Call) {
	ck := g.Coldkeys[r.IntN(len(g.Coldkeys))]
	hk := g.Hotkeys[r.IntN(len(g.Hotkeys))]
	nets := st.NetUIDs()
	n := tao.NetUID(r.IntN(4) + 1)
	if len(nets) > 0 && r.IntN(8) != 0 {
		n = nets[r.IntN(len(nets))]
	}
	owner := ck
	if info, ok := st.Subnet(n); ok && r.IntN(4) != 0 {
		for _, c := range g.Coldkeys {
			if c.Public() == info.Owner {
				owner = c
			}
		}
	}
	switch r.IntN(10) {
	case 0:
		return ck, tx.RegisterNetwork{Hotkey: hk.Public(), Identity: &tx.SubnetIdentity{Name: "sn", TokenSymbol: "α"}}
	case 1:
		return owner, tx.StartCall{NetUID: n}
	case 2:
		return owner, tx.SetSubnetIdentity{NetUID: n, Identity: tx.SubnetIdentity{Name: fmt.Sprintf("net %d", r.IntN(100))}}
	case 3, 4, 5:
		return ck, tx.BurnedRegister{NetUID: n, Hotkey: hk.Public(), LimitPrice: tao.Rao(r.IntN(3)) * tao.RaoPerTAO}
	case 6:
		ip := [16]byte{10: 0xff, 11: 0xff, 12: 10, 15: byte(r.IntN(256))}
		return hk, tx.ServeAxon{NetUID: n, IP: ip, Port: uint16(r.IntN(3) * 8091), IPType: 4, Protocol: 4}
	case 7, 8:
		names := []string{"tempo", "immunity_period", "max_allowed_uids", "min_burn", "max_burn", "kappa", "burn_half_life", "serving_rate_limit"}
		signer := owner
		if r.IntN(3) == 0 {
			signer = g.Sudo
		}
		return signer, tx.SetHyperparameter{NetUID: n, Name: names[r.IntN(len(names))], Value: r.Int64N(1000)}
	default:
		globals := []struct {
			name string
			max  int64
		}{{"network_rate_limit", 5}, {"default_tempo", 60}, {"subnet_limit", 4}, {"network_immunity_period", 30},
			{"network_min_lock_cost", 2000 * int64(tao.RaoPerTAO)}}
		p := globals[r.IntN(len(globals))]
		signer := g.Sudo
		if r.IntN(4) == 0 {
			signer = ck
		}
		return signer, tx.SudoSetGlobal{Name: p.name, Value: r.Int64N(p.max + 1)}
	}
}

// PopulatedSubnet builds a full subnet for benchmarks and load tests:
// neurons uids (the owner's hotkey included), the first validators of
// them staked 100 TAO each by //Alice, then one epoch for permits, every
// validator setting weights on every uid, and another epoch for bonds.
// Sudo opens the limits it needs (max_allowed_uids, burn, rate limits,
// commit–reveal off, tempo 10). It takes a few seconds for 4,096 uids.
func PopulatedSubnet(h *Harness, neurons, validators int) Subnet {
	h.T.Helper()
	alice := Pair(h.T, "//Alice")
	sn := NewSubnet(h, alice, 0)
	n := sn.NetUID
	for _, kv := range []struct {
		name  string
		value int64
	}{
		{"min_allowed_uids", 1}, {"max_validators", int64(validators)}, {"max_allowed_uids", int64(neurons)},
		{"max_burn", int64(tao.RaoPerTAO)/5 + 1}, {"commit_reveal_weights_enabled", 0}, {"weights_rate_limit", 0},
		{"tempo", 10},
	} {
		SudoSet(h, n, kv.name, kv.value)
	}
	sn.Hotkeys = Pairs(h.T, fmt.Sprintf("populated-%d", n), neurons-1)
	for start := 0; start < len(sn.Hotkeys); start += 512 {
		var txs [][]byte
		for _, hk := range sn.Hotkeys[start:min(start+512, len(sn.Hotkeys))] {
			txs = append(txs, h.Tx(alice, tx.BurnedRegister{NetUID: n, Hotkey: hk.Public()}))
		}
		RequireOK(h.T, h.Block(txs...))
	}
	vals := append([]*keys.Pair{sn.OwnerHotkey}, sn.Hotkeys...)[:validators]
	var txs [][]byte
	for _, v := range vals {
		txs = append(txs, h.Tx(alice, tx.AddStake{Hotkey: v.Public(), NetUID: n, AmountTAO: 100 * tao.RaoPerTAO}))
	}
	RequireOK(h.T, h.Block(txs...))
	UntilEpoch(h, n, h.State().EpochIndex(n)+1, 100)

	uids := make([]tao.UID, neurons)
	for i := range uids {
		uids[i] = tao.UID(i)
	}
	txs = txs[:0]
	for i, v := range vals {
		values := make([]uint16, neurons)
		for j := range values {
			values[j] = uint16((i*7919 + j*104729) % 65536)
		}
		txs = append(txs, h.Tx(v, tx.SetWeights{NetUID: n, UIDs: uids, Values: values}))
	}
	RequireOK(h.T, h.Block(txs...))
	UntilEpoch(h, n, h.State().EpochIndex(n)+1, 100)
	return sn
}
