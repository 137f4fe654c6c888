package chain

import (
	"encoding/binary"
	"fmt"

	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// StakingParams are the global staking parameters (subtensor-spec §7.2),
// settable by sudo through sudo_set_global under the names of
// stakingParamTable.
type StakingParams struct {
	// MinStake is DefaultMinStake: the smallest stake operation, in rao of
	// TAO (2,000,000 = 0.002 TAO).
	MinStake tao.Rao
	// NominatorMinStake is NominatorMinRequiredStake, in millionths of
	// MinStake: a nominator left holding less TAO-worth than
	// MinStake·NominatorMinStake/10^6 on a hotkey it does not own is
	// unstaked entirely. 0 disables it.
	NominatorMinStake uint64
	// DefaultTake is the take of a hotkey that never set one
	// (InitialDefaultDelegateTake, 11,796 = 18 %).
	DefaultTake uint16
	// MinTake and MaxTake bound increase_take and decrease_take.
	MinTake, MaxTake uint16
	// TakeRateLimit is TxDelegateTakeRateLimit: blocks after a take change
	// before the take may be increased.
	TakeRateLimit uint64
}

// DefaultStakingParams returns subtensor's runtime values (§7.2).
func DefaultStakingParams() StakingParams {
	return StakingParams{
		MinStake:          2_000_000,
		NominatorMinStake: 0,
		DefaultTake:       11_796,
		MinTake:           0,
		MaxTake:           11_796,
		TakeRateLimit:     216_000,
	}
}

// stakingParam is one settable staking parameter: its sudo_set_global name,
// storage id (under prefixStakingParam), bounds, and its field.
type stakingParam struct {
	name     string
	id       byte
	min, max uint64
	get      func(StakingParams) uint64
	set      func(*StakingParams, uint64)
}

// stakingParamTable lists the staking parameters sudo may set. Ids are
// never reused.
var stakingParamTable = []stakingParam{
	{"default_min_stake", 0x01, 1, uint64(tao.MaxSupply),
		func(p StakingParams) uint64 { return uint64(p.MinStake) },
		func(p *StakingParams, v uint64) { p.MinStake = tao.Rao(v) }},
	{"nominator_min_required_stake", 0x02, 0, 1 << 40,
		func(p StakingParams) uint64 { return p.NominatorMinStake },
		func(p *StakingParams, v uint64) { p.NominatorMinStake = v }},
	{"default_delegate_take", 0x03, 0, 65535,
		func(p StakingParams) uint64 { return uint64(p.DefaultTake) },
		func(p *StakingParams, v uint64) { p.DefaultTake = uint16(v) }},
	{"min_delegate_take", 0x04, 0, 65535,
		func(p StakingParams) uint64 { return uint64(p.MinTake) },
		func(p *StakingParams, v uint64) { p.MinTake = uint16(v) }},
	{"max_delegate_take", 0x05, 0, 65535,
		func(p StakingParams) uint64 { return uint64(p.MaxTake) },
		func(p *StakingParams, v uint64) { p.MaxTake = uint16(v) }},
	{"tx_delegate_take_rate_limit", 0x06, 0, 1 << 40,
		func(p StakingParams) uint64 { return p.TakeRateLimit },
		func(p *StakingParams, v uint64) { p.TakeRateLimit = v }},
}

// StakingParams returns the current staking parameters; one never set has
// its default.
func (s *State) StakingParams() StakingParams {
	p := DefaultStakingParams()
	for _, sp := range stakingParamTable {
		if b := s.kv.Get([]byte{prefixStakingParam, sp.id}); b != nil {
			sp.set(&p, decodeU64("staking param "+sp.name, b))
		}
	}
	return p
}

// setStakingParam sets the staking parameter called name to v, for
// sudo_set_global (whose handler checks the origin). found is false for a
// name that is not a staking parameter; err reports a value out of its
// bounds, or bounds that would cross (min_delegate_take above
// max_delegate_take).
func (s *State) setStakingParam(name string, v int64) (found bool, err error) {
	for _, sp := range stakingParamTable {
		if sp.name != name {
			continue
		}
		if v < 0 || uint64(v) < sp.min || uint64(v) > sp.max {
			return true, fmt.Errorf("%w: %s must be in [%d, %d], got %d", tx.ErrInvalidArgument, name, sp.min, sp.max, v)
		}
		p := s.StakingParams()
		sp.set(&p, uint64(v))
		if p.MinTake > p.MaxTake {
			return true, fmt.Errorf("%w: min_delegate_take %d would exceed max_delegate_take %d", tx.ErrInvalidArgument, p.MinTake, p.MaxTake)
		}
		s.kv.Set([]byte{prefixStakingParam, sp.id}, encodeU64(uint64(v)))
		return true, nil
	}
	return false, nil
}

func delegateTakeKey(hotkey tao.AccountID) []byte {
	return append([]byte{prefixDelegateTake}, hotkey[:]...)
}

// takeRecord is a hotkey's take and the block it last changed.
type takeRecord struct {
	take    uint16
	changed tao.BlockHeight
	set     bool // false: never set, take is the default
}

func (s *State) takeRecord(hotkey tao.AccountID) takeRecord {
	b := s.kv.Get(delegateTakeKey(hotkey))
	if b == nil {
		return takeRecord{take: s.StakingParams().DefaultTake}
	}
	if len(b) != 10 {
		panic(fmt.Sprintf("chain: corrupt delegate take of %s: %d bytes, want 10", hotkey, len(b)))
	}
	return takeRecord{take: binary.BigEndian.Uint16(b), changed: tao.BlockHeight(binary.BigEndian.Uint64(b[2:])), set: true}
}

func (s *State) setTake(hotkey tao.AccountID, take uint16, at tao.BlockHeight) {
	b := binary.BigEndian.AppendUint16(make([]byte, 0, 10), take)
	s.kv.Set(delegateTakeKey(hotkey), binary.BigEndian.AppendUint64(b, uint64(at)))
}

// DelegateTake returns hotkey's delegate take in 65535ths: the share of the
// dividends it earns for its nominators that it keeps (spec §5.5). A hotkey
// that never set one has the DefaultTake parameter.
func (s *State) DelegateTake(hotkey tao.AccountID) uint16 { return s.takeRecord(hotkey).take }
