package chain

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/gotensor/gotensor/chain/pricing"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// Neuron registration (subtensor-spec §4): burned_register pays the
// subnet's current burn, which is swapped into the subnet's pool; the
// alpha bought is recycled. The burn jumps by BurnIncreaseMult after each
// registration and decays every block with a half-life of BurnHalfLife.

// EventNeuronRegistered: netuid, uid, hotkey, coldkey, burn, replaced (the
// pruned hotkey, or empty) — a neuron took a uid.
const EventNeuronRegistered = "neuron_registered"

// InitialBurn is a new subnet's registration burn (init_new_network).
const InitialBurn = tao.RaoPerTAO

// BurnState is a subnet's registration price state.
type BurnState struct {
	Burn tao.Rao // current price of burned_register
	// RegistrationsThisBlock counts this block's registrations; BeginBlock
	// resets it.
	RegistrationsThisBlock uint16
	// Recycled is the TAO paid for registrations since the subnet was
	// created (RAORecycledForRegistration).
	Recycled tao.Rao
}

const burnStateLen = 8 + 2 + 8

// BurnState returns subnet n's registration price state.
func (s *State) BurnState(n tao.NetUID) BurnState {
	b := s.kv.Get(subnetKey(prefixBurn, n))
	if b == nil {
		return BurnState{}
	}
	if len(b) != burnStateLen {
		panic(fmt.Sprintf("chain: corrupt burn state of subnet %d: %d bytes", n, len(b)))
	}
	return BurnState{
		Burn:                   tao.Rao(binary.BigEndian.Uint64(b)),
		RegistrationsThisBlock: binary.BigEndian.Uint16(b[8:]),
		Recycled:               tao.Rao(binary.BigEndian.Uint64(b[10:])),
	}
}

func (s *State) setBurnState(n tao.NetUID, st BurnState) {
	b := make([]byte, 0, burnStateLen)
	b = binary.BigEndian.AppendUint64(b, uint64(st.Burn))
	b = binary.BigEndian.AppendUint16(b, st.RegistrationsThisBlock)
	b = binary.BigEndian.AppendUint64(b, uint64(st.Recycled))
	s.kv.Set(subnetKey(prefixBurn, n), b)
}

// Burn returns the current registration burn of subnet n.
func (s *State) Burn(n tao.NetUID) tao.Rao { return s.BurnState(n).Burn }

func burnSchedule(h Hyperparams) pricing.BurnSchedule {
	return pricing.BurnSchedule{HalfLife: h.BurnHalfLife, Mult: h.BurnIncreaseMult, Min: h.MinBurn, Max: h.MaxBurn}
}

// updateRegistrationPrices is the first step of every block
// (update_registration_prices_for_networks): each subnet's burn decays by
// its half-life and is clamped to [MinBurn, MaxBurn], and the block's
// registration count restarts.
func updateRegistrationPrices(s *State, b Block) {
	for _, n := range s.NetUIDs() {
		st := s.BurnState(n)
		next := burnSchedule(s.Hyperparams(n)).Decay(st.Burn, b.Height)
		if next == st.Burn && st.RegistrationsThisBlock == 0 {
			continue
		}
		st.Burn, st.RegistrationsThisBlock = next, 0
		s.setBurnState(n, st)
	}
}

// burnedRegister registers c.Hotkey on c.NetUID for the signing coldkey,
// paying the subnet's burn (burned_register / register_limit).
func burnedRegister(s *State, b Block, coldkey tao.AccountID, c tx.BurnedRegister) error {
	n := c.NetUID
	if n == tao.RootNetUID {
		return fmt.Errorf("%w: burned_register on netuid 0; root membership comes from root stake", tx.ErrRootSubnet)
	}
	if !s.SubnetExists(n) {
		return fmt.Errorf("%w: netuid %d; list subnets with `gotensor subnets list`", tx.ErrSubnetNotFound, n)
	}
	h := s.Hyperparams(n)
	if !h.RegistrationAllowed {
		return fmt.Errorf("%w: netuid %d (registration_allowed is 0)", tx.ErrRegistrationDisabled, n)
	}
	if uid, ok := s.UIDOf(n, c.Hotkey); ok {
		return fmt.Errorf("%w: hotkey %s is uid %d of netuid %d", tx.ErrAlreadyRegistered, c.Hotkey, uid, n)
	}
	st := s.BurnState(n)
	if c.LimitPrice != 0 && st.Burn > c.LimitPrice {
		return fmt.Errorf("%w: registration burn is %s TAO, limit %s TAO; retry with a higher limit or wait for the burn to decay",
			tx.ErrBurnAboveLimit, st.Burn.TAOString(), c.LimitPrice.TAOString())
	}
	if free := s.Account(coldkey).Free; free < st.Burn {
		return fmt.Errorf("%w: registration burn is %s TAO, balance is %s TAO",
			tx.ErrBurnUnaffordable, st.Burn.TAOString(), free.TAOString())
	}
	if err := s.claimHotkey(coldkey, c.Hotkey); err != nil {
		return err
	}
	uid, replaced, full := tao.UID(s.SubnetN(n)), tao.AccountID{}, false
	if s.SubnetN(n) >= h.MaxAllowedUids {
		prune, ok := s.neuronToPrune(n, b)
		if !ok {
			return fmt.Errorf("%w: the %d uids of netuid %d all hold the owner's immortal hotkeys (immune_owner_uids_limit %d); the owner may raise max_allowed_uids",
				tx.ErrSubnetFull, h.MaxAllowedUids, n, h.ImmuneOwnerUidsLimit)
		}
		uid, full = prune, true
		replaced, _ = s.HotkeyAt(n, prune)
	}

	// The burn buys alpha through the pool (so the price rises), and the
	// alpha bought is recycled.
	r, err := s.buyAlpha(n, st.Burn, 0, false, false)
	if err != nil {
		return err
	}
	if err := s.debit(coldkey, r.In+r.Fee, ReasonRegistration); err != nil {
		return err
	}
	s.recycleAlpha(n, r.Out)

	if full {
		s.replaceNeuron(n, uid, c.Hotkey, b)
	} else {
		uid = s.appendNeuron(n, c.Hotkey, b)
	}
	paid := st.Burn
	st.Burn = burnSchedule(h).Bump(st.Burn)
	st.RegistrationsThisBlock++
	st.Recycled = st.Recycled.SaturatingAdd(paid)
	s.setBurnState(n, st)

	replacedAttr := ""
	if full {
		replacedAttr = replaced.String()
	}
	s.emit(EventNeuronRegistered, subnetAttr(n), Attr{"uid", strconv.Itoa(int(uid))}, accountAttr("hotkey", c.Hotkey),
		accountAttr("coldkey", coldkey), amountAttr("burn", paid), Attr{"replaced", replacedAttr})
	return nil
}

// neuronToPrune picks the uid a registration on a full subnet replaces
// (get_neuron_to_prune, spec §4.4). The owner's "immortal" hotkeys are
// never pruned; among the others the lowest (emission, registration block,
// uid) goes, taken from the non-immune uids while more than
// MinNonImmuneUids of them remain, else from the immune ones.
func (s *State) neuronToPrune(n tao.NetUID, b Block) (tao.UID, bool) {
	h := s.Hyperparams(n)
	nrs := s.Neurons(n)
	emission := s.Emission(n)
	immortal := s.immortalUIDs(n, nrs, h.ImmuneOwnerUidsLimit)

	type cand struct {
		uid      tao.UID
		emission tao.Rao
		reg      tao.BlockHeight
	}
	less := func(a, c cand) bool {
		if a.emission != c.emission {
			return a.emission < c.emission
		}
		if a.reg != c.reg {
			return a.reg < c.reg
		}
		return a.uid < c.uid
	}
	var bestImmune, bestOther cand
	var haveImmune bool
	nonImmune := 0
	for _, nr := range nrs {
		if immortal[nr.UID] {
			continue
		}
		c := cand{uid: nr.UID, reg: nr.RegisteredAt}
		if int(nr.UID) < len(emission) {
			c.emission = emission[nr.UID]
		}
		if b.Height-min(b.Height, nr.RegisteredAt) < tao.BlockHeight(h.ImmunityPeriod) {
			if !haveImmune || less(c, bestImmune) {
				bestImmune, haveImmune = c, true
			}
			continue
		}
		if nonImmune == 0 || less(c, bestOther) {
			bestOther = c
		}
		nonImmune++
	}
	if nonImmune > int(h.MinNonImmuneUids) {
		return bestOther.uid, true
	}
	return bestImmune.uid, haveImmune
}

// immortalUIDs returns the uids of the owner's hotkeys that pruning skips:
// the owner hotkey first, then the owner coldkey's other hotkeys on the
// subnet by registration block and uid, up to limit.
func (s *State) immortalUIDs(n tao.NetUID, nrs []Neuron, limit uint16) map[tao.UID]bool {
	info, ok := s.Subnet(n)
	out := map[tao.UID]bool{}
	if !ok || limit == 0 {
		return out
	}
	var owned []Neuron
	for _, nr := range nrs {
		if nr.Hotkey == info.OwnerHotkey {
			out[nr.UID] = true
			continue
		}
		if owner, ok := s.HotkeyOwner(nr.Hotkey); ok && owner == info.Owner {
			owned = append(owned, nr)
		}
	}
	// nrs is in uid order, so a stable pick by registration block keeps uid
	// order among equals.
	for len(out) < int(limit) && len(owned) > 0 {
		best := 0
		for i, nr := range owned {
			if nr.RegisteredAt < owned[best].RegisteredAt {
				best = i
			}
		}
		out[owned[best].UID] = true
		owned = append(owned[:best], owned[best+1:]...)
	}
	return out
}
