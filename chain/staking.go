package chain

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"github.com/gotensor/gotensor/chain/sharepool"
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// Stake events. Amounts are in rao; price is the spot price after the
// change, in rao per alpha.
const (
	EventPoolCreated  = "pool_created"  // netuid, tao, alpha_in: a subnet's pool was seeded
	EventStakeAdded   = "stake_added"   // coldkey, hotkey, netuid, tao, alpha, price, fee
	EventStakeRemoved = "stake_removed" // coldkey, hotkey, netuid, tao, alpha, price, fee
	// A move, transfer or swap emits stake_removed on its origin and
	// stake_added on its destination.

	EventTakeIncreased    = "take_increased"    // coldkey, hotkey, take (65535ths)
	EventTakeDecreased    = "take_decreased"    // coldkey, hotkey, take (65535ths)
	EventHotkeyAssociated = "hotkey_associated" // coldkey, hotkey
)

// Key layout (keys.go): the share pool of (hotkey, netuid) is a direct
// read, a coldkey's stakes are one prefix, and a subnet's stakers are one
// prefix of the index.

func hotkeyPoolKey(hotkey tao.AccountID, n tao.NetUID) []byte {
	k := make([]byte, 0, 1+32+2)
	k = append(k, prefixHotkeyPool)
	k = append(k, hotkey[:]...)
	return binary.BigEndian.AppendUint16(k, uint16(n))
}

func stakeKey(coldkey, hotkey tao.AccountID, n tao.NetUID) []byte {
	k := make([]byte, 0, 1+32+32+2)
	k = append(k, prefixStake)
	k = append(k, coldkey[:]...)
	k = append(k, hotkey[:]...)
	return binary.BigEndian.AppendUint16(k, uint16(n))
}

func stakeIndexKey(n tao.NetUID, hotkey, coldkey tao.AccountID) []byte {
	k := make([]byte, 0, 1+2+32+32)
	k = append(k, prefixStakeIndex)
	k = binary.BigEndian.AppendUint16(k, uint16(n))
	k = append(k, hotkey[:]...)
	return append(k, coldkey[:]...)
}

// hotkeyPool returns the share pool of (hotkey, n): TotalHotkeyAlpha and the
// total shares.
func (s *State) hotkeyPool(hotkey tao.AccountID, n tao.NetUID) sharepool.Pool {
	b := s.kv.Get(hotkeyPoolKey(hotkey, n))
	if b == nil {
		return sharepool.Pool{}
	}
	if len(b) != 24 {
		panic(fmt.Sprintf("chain: corrupt stake pool of %s on subnet %d: %d bytes, want 24", hotkey, n, len(b)))
	}
	return sharepool.Pool{Shared: tao.Rao(binary.BigEndian.Uint64(b)), Total: decodeShares(b[8:])}
}

func (s *State) setHotkeyPool(hotkey tao.AccountID, n tao.NetUID, p sharepool.Pool) {
	if p.Total.IsZero() && p.Shared == 0 {
		s.kv.Delete(hotkeyPoolKey(hotkey, n))
		return
	}
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 24), uint64(p.Shared))
	s.kv.Set(hotkeyPoolKey(hotkey, n), appendShares(b, p.Total))
}

// shares returns coldkey's shares in the pool of (hotkey, n).
func (s *State) shares(coldkey, hotkey tao.AccountID, n tao.NetUID) fixed.U64F64 {
	b := s.kv.Get(stakeKey(coldkey, hotkey, n))
	if b == nil {
		return fixed.U64F64{}
	}
	if len(b) != 16 {
		panic(fmt.Sprintf("chain: corrupt stake of %s on %s, subnet %d: %d bytes, want 16", coldkey, hotkey, n, len(b)))
	}
	return decodeShares(b)
}

// setShares replaces coldkey's shares old with sh and keeps the subnet
// index in step: a holder with no shares has neither record.
func (s *State) setShares(coldkey, hotkey tao.AccountID, n tao.NetUID, old, sh fixed.U64F64) {
	if sh.IsZero() {
		s.kv.Delete(stakeKey(coldkey, hotkey, n))
		s.kv.Delete(stakeIndexKey(n, hotkey, coldkey))
		return
	}
	s.kv.Set(stakeKey(coldkey, hotkey, n), appendShares(nil, sh))
	if old.IsZero() {
		s.kv.Set(stakeIndexKey(n, hotkey, coldkey), []byte{})
	}
}

func decodeShares(b []byte) fixed.U64F64 {
	return fixed.U64F64FromBits(binary.BigEndian.Uint64(b), binary.BigEndian.Uint64(b[8:]))
}

func appendShares(b []byte, sh fixed.U64F64) []byte {
	hi, lo := sh.Bits()
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(b, hi), lo)
}

// StakeOf returns the alpha coldkey has staked to hotkey on subnet n (TAO on
// root): its share of the hotkey's pool, floored.
func (s *State) StakeOf(coldkey, hotkey tao.AccountID, n tao.NetUID) tao.Rao {
	return s.hotkeyPool(hotkey, n).Value(s.shares(coldkey, hotkey, n))
}

// HotkeyAlpha returns the alpha staked to hotkey on subnet n by all its
// nominators, emission included (TotalHotkeyAlpha): the value of its share
// pool.
func (s *State) HotkeyAlpha(hotkey tao.AccountID, n tao.NetUID) tao.Rao {
	return s.hotkeyPool(hotkey, n).Shared
}

// RootStake returns the TAO staked to hotkey on the root subnet. Through
// TaoWeight it counts in the hotkey's stake weight on every subnet
// (spec §1.3, §5.8).
func (s *State) RootStake(hotkey tao.AccountID) tao.Rao { return s.HotkeyAlpha(hotkey, tao.RootNetUID) }

// addStakeAlpha credits alpha to coldkey's stake on (hotkey, n) by minting
// shares in the hotkey's pool. It moves no TAO and changes no pool
// reserve: the caller got the alpha from a swap or from emission (AlphaOut
// already counts it). It fails, changing nothing, if the pool would
// overflow or has grown too coarse to take new stake.
func (s *State) addStakeAlpha(coldkey, hotkey tao.AccountID, n tao.NetUID, alpha tao.Rao) error {
	if alpha == 0 {
		return nil
	}
	p := s.hotkeyPool(hotkey, n)
	held := s.shares(coldkey, hotkey, n)
	sh, err := p.Stake(held, alpha)
	if err != nil {
		return shareError(hotkey, n, err)
	}
	s.setHotkeyPool(hotkey, n, p)
	s.setShares(coldkey, hotkey, n, held, sh)
	return nil
}

// removeStakeAlpha takes alpha from coldkey's stake on (hotkey, n) by
// burning shares. Removing the whole stake removes the record (its
// rounding dust stays with the other nominators). It moves no TAO: the
// caller sells the alpha, moves it, or recycles it. It fails with
// tx.ErrNotEnoughStake, changing nothing, if the stake is smaller.
func (s *State) removeStakeAlpha(coldkey, hotkey tao.AccountID, n tao.NetUID, alpha tao.Rao) error {
	if alpha == 0 {
		return nil
	}
	p := s.hotkeyPool(hotkey, n)
	held := s.shares(coldkey, hotkey, n)
	if have := p.Value(held); alpha > have {
		return fmt.Errorf("%w: %s holds %s alpha on %s, subnet %d; asked for %s",
			tx.ErrNotEnoughStake, coldkey, alphaString(have), hotkey, n, alphaString(alpha))
	}
	var sh fixed.U64F64
	var err error
	if alpha == p.Value(held) {
		_, err = p.UnstakeAll(held)
	} else {
		sh, err = p.Unstake(held, alpha)
	}
	if err != nil {
		return shareError(hotkey, n, err)
	}
	s.setHotkeyPool(hotkey, n, p)
	s.setShares(coldkey, hotkey, n, held, sh)
	return nil
}

// distributeToHotkey pays alpha to everyone staked to hotkey on subnet n,
// pro rata (increase_stake_for_hotkey_on_subnet): the pool's value rises,
// no record changes. The alpha must already be counted in AlphaOut. A
// hotkey nobody stakes to has no one to pay: that fails with tx.ErrNoStake,
// and the caller credits the hotkey's owner with addStakeAlpha instead.
func (s *State) distributeToHotkey(hotkey tao.AccountID, n tao.NetUID, alpha tao.Rao) error {
	if alpha == 0 {
		return nil
	}
	p := s.hotkeyPool(hotkey, n)
	if err := p.Distribute(alpha); err != nil {
		return shareError(hotkey, n, err)
	}
	s.setHotkeyPool(hotkey, n, p)
	return nil
}

// shareError maps a sharepool error to the catalog.
func shareError(hotkey tao.AccountID, n tao.NetUID, err error) error {
	code := tx.ErrStakePoolImprecise
	switch {
	case errors.Is(err, sharepool.ErrOverflow):
		code = tx.ErrAmountOverflow
	case errors.Is(err, sharepool.ErrEmpty):
		code = tx.ErrNoStake
	case errors.Is(err, sharepool.ErrInsufficient):
		code = tx.ErrNotEnoughStake
	}
	return fmt.Errorf("%w: %s on subnet %d: %v", code, hotkey, n, err)
}

// Stake is one stake record: alpha (TAO on root) a coldkey holds through a
// hotkey on a subnet.
type Stake struct {
	Coldkey, Hotkey tao.AccountID
	NetUID          tao.NetUID
	Alpha           tao.Rao
}

// StakesOf returns every stake of coldkey, ordered by hotkey then netuid.
// It costs one prefix iteration plus one pool read per stake.
func (s *State) StakesOf(coldkey tao.AccountID) []Stake {
	prefix := append([]byte{prefixStake}, coldkey[:]...)
	var out []Stake
	it := s.kv.Iterator(prefix, store.PrefixEnd(prefix))
	for ; it.Valid(); it.Next() {
		k := it.Key()
		st := Stake{Coldkey: coldkey, Hotkey: tao.AccountID(k[33:65]), NetUID: tao.NetUID(binary.BigEndian.Uint16(k[65:]))}
		out = append(out, st)
	}
	it.Close()
	for i := range out {
		out[i].Alpha = s.StakeOf(coldkey, out[i].Hotkey, out[i].NetUID)
	}
	return out
}

// stakesOn returns coldkey's stakes on hotkey, by netuid.
func (s *State) stakesOn(coldkey, hotkey tao.AccountID) []Stake {
	prefix := append(append([]byte{prefixStake}, coldkey[:]...), hotkey[:]...)
	var out []Stake
	it := s.kv.Iterator(prefix, store.PrefixEnd(prefix))
	for ; it.Valid(); it.Next() {
		out = append(out, Stake{Coldkey: coldkey, Hotkey: hotkey, NetUID: tao.NetUID(binary.BigEndian.Uint16(it.Key()[65:]))})
	}
	it.Close()
	for i := range out {
		out[i].Alpha = s.StakeOf(coldkey, hotkey, out[i].NetUID)
	}
	return out
}

// StakersOn returns every stake on subnet n, ordered by hotkey then
// coldkey (for nominator listings and subnet dissolution).
func (s *State) StakersOn(n tao.NetUID) []Stake {
	prefix := binary.BigEndian.AppendUint16([]byte{prefixStakeIndex}, uint16(n))
	var out []Stake
	it := s.kv.Iterator(prefix, store.PrefixEnd(prefix))
	for ; it.Valid(); it.Next() {
		k := it.Key()
		out = append(out, Stake{Hotkey: tao.AccountID(k[3:35]), Coldkey: tao.AccountID(k[35:67]), NetUID: n})
	}
	it.Close()
	for i := range out {
		out[i].Alpha = s.StakeOf(out[i].Coldkey, out[i].Hotkey, n)
	}
	return out
}

// removeSubnetStakes deletes every stake on subnet n (records, index
// entries and the hotkeys' share pools) and returns them with their alpha,
// for a dissolved subnet: the caller pays them out and removes the pool.
func (s *State) removeSubnetStakes(n tao.NetUID) []Stake {
	stakes := s.StakersOn(n)
	for _, st := range stakes {
		s.kv.Delete(stakeKey(st.Coldkey, st.Hotkey, n))
		s.kv.Delete(stakeIndexKey(n, st.Hotkey, st.Coldkey))
		s.kv.Delete(hotkeyPoolKey(st.Hotkey, n))
	}
	return stakes
}

func netuidAttr(n tao.NetUID) Attr { return Attr{"netuid", strconv.FormatUint(uint64(n), 10)} }

// alphaString formats alpha like TAO amounts, without the τ sign.
func alphaString(a tao.Rao) string { return a.TAOString() }
