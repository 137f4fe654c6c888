package chain

import (
	"encoding/binary"
	"fmt"

	"github.com/gotensor/gotensor/tao"
)

// StakingParams are the global staking parameters (subtensor-spec §7.2),
// settable by sudo through sudo_set_global (the rows made by stakingParam
// in globalParamTable).
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
	// MinTake and MaxTake bound decrease_take and increase_take.
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

// stakingParamsCodec stores StakingParams.
var stakingParamsCodec = recordCodec[StakingParams]{what: "staking params", version: 1, fields: []func(*StakingParams) any{
	func(p *StakingParams) any { return &p.MinStake },
	func(p *StakingParams) any { return &p.NominatorMinStake },
	func(p *StakingParams) any { return &p.DefaultTake },
	func(p *StakingParams) any { return &p.MinTake },
	func(p *StakingParams) any { return &p.MaxTake },
	func(p *StakingParams) any { return &p.TakeRateLimit },
}}

// StakingParams returns the current staking parameters, one read for all
// of them (the stake calls consult them on every call).
func (s *State) StakingParams() StakingParams {
	p := DefaultStakingParams()
	stakingParamsCodec.load(s, []byte{prefixStakingParam}, &p)
	return p
}

func (s *State) setStakingParams(p StakingParams) {
	s.kv.Set([]byte{prefixStakingParam}, stakingParamsCodec.encode(&p))
}

// stakingParam makes the sudo_set_global row of a StakingParams field.
func stakingParam(name string, field func(*StakingParams) any, lo, hi int64, unit string) globalParam {
	return recordParam((*State).StakingParams, (*State).setStakingParams, name, field, lo, hi, unit)
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
