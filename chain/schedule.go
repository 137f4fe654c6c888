package chain

import (
	"encoding/binary"
	"math"

	"github.com/gotensor/gotensor/tao"
)

// Epoch scheduling (subtensor-spec §2.4, HEAD's stateful scheduler). Each
// subnet keeps one record; the coinbase decides from it, block by block,
// whether the subnet's epoch falls due.

// MaxTempo is the longest a subnet may go without an epoch: once more than
// this many blocks passed since its last step, the epoch runs whatever the
// tempo (subtensor's MAX_TEMPO).
const MaxTempo = 50_400

// DefaultMaxEpochsPerBlock is how many subnets may run their epoch in one
// block; the others are deferred to the next (runtime value 2).
const DefaultMaxEpochsPerBlock = 2

// Schedule is a subnet's epoch schedule record.
type Schedule struct {
	// LastEpochBlock is the block of the last epoch (LastEpochBlock). At
	// registration it is staggered to now − (netuid mod tempo).
	LastEpochBlock tao.BlockHeight
	// PendingEpochAt, if not 0, is the block from which a deferred epoch
	// runs regardless of the tempo.
	PendingEpochAt tao.BlockHeight
	// EpochIndex counts the subnet's epochs (SubnetEpochIndex); commit–reveal
	// counts its reveal periods in it.
	EpochIndex uint64
	// StepBase is the block BlocksSinceLastStep counts from: the last
	// epoch that paid out, or the registration. subtensor increments a
	// counter every block; deriving it saves a state write per subnet per
	// block.
	StepBase tao.BlockHeight
	// LastStepBlock is the block of the last emission distribution
	// (LastMechansimStepBlock); the epoch resets bonds towards uids
	// registered after it.
	LastStepBlock tao.BlockHeight
}

const scheduleLen = 5 * 8

func keyNet(prefix byte, n tao.NetUID) []byte {
	return []byte{prefix, byte(n >> 8), byte(n)}
}

// Schedule returns the epoch schedule of subnet n (the zero Schedule if it
// has none).
func (s *State) Schedule(n tao.NetUID) Schedule {
	b := s.kv.Get(keyNet(prefixSchedule, n))
	if b == nil {
		return Schedule{}
	}
	if len(b) != scheduleLen {
		panic("chain: corrupt schedule record")
	}
	u := func(i int) uint64 { return binary.BigEndian.Uint64(b[8*i:]) }
	return Schedule{
		LastEpochBlock: tao.BlockHeight(u(0)),
		PendingEpochAt: tao.BlockHeight(u(1)),
		EpochIndex:     u(2),
		StepBase:       tao.BlockHeight(u(3)),
		LastStepBlock:  tao.BlockHeight(u(4)),
	}
}

func (s *State) setSchedule(n tao.NetUID, sc Schedule) {
	b := make([]byte, 0, scheduleLen)
	for _, v := range [...]uint64{uint64(sc.LastEpochBlock), uint64(sc.PendingEpochAt), sc.EpochIndex,
		uint64(sc.StepBase), uint64(sc.LastStepBlock)} {
		b = binary.BigEndian.AppendUint64(b, v)
	}
	s.kv.Set(keyNet(prefixSchedule, n), b)
}

// EpochIndex returns subnet n's epoch counter (SubnetEpochIndex).
func (s *State) EpochIndex(n tao.NetUID) uint64 { return s.Schedule(n).EpochIndex }

// LastEpochBlock returns the block of subnet n's last epoch.
func (s *State) LastEpochBlock(n tao.NetUID) tao.BlockHeight { return s.Schedule(n).LastEpochBlock }

// ShouldRunEpoch reports whether subnet n's epoch is due at height.
func (s *State) ShouldRunEpoch(n tao.NetUID, height tao.BlockHeight) bool {
	return s.Schedule(n).Due(s.Hyperparams(n).Tempo, height)
}

// BlocksUntilNextEpoch returns how many blocks remain until subnet n's next
// scheduled epoch at height (0 when it is due; math.MaxUint64 with tempo 0).
func (s *State) BlocksUntilNextEpoch(n tao.NetUID, height tao.BlockHeight) uint64 {
	return s.Schedule(n).BlocksUntil(s.Hyperparams(n).Tempo, height)
}

// Due is should_run_epoch: false with tempo 0; true once a deferred epoch's
// PendingEpochAt is reached, when more than MaxTempo blocks passed since the
// last step, or when tempo blocks passed since the last epoch.
func (sc Schedule) Due(tempo uint16, height tao.BlockHeight) bool {
	switch {
	case tempo == 0:
		return false
	case sc.PendingEpochAt > 0 && height >= sc.PendingEpochAt:
		return true
	case sc.BlocksSinceLastStep(height) > MaxTempo:
		return true
	}
	return uint64(height) >= uint64(sc.LastEpochBlock) &&
		uint64(height)-uint64(sc.LastEpochBlock) >= uint64(tempo)
}

// BlocksSinceLastStep is subtensor's BlocksSinceLastStep as the coinbase of
// block height sees it: the blocks since the last epoch that paid out (or
// since registration).
func (sc Schedule) BlocksSinceLastStep(height tao.BlockHeight) uint64 {
	return uint64(height) - min(uint64(sc.StepBase), uint64(height))
}

// BlocksUntil is blocks_until_next_auto_epoch: LastEpochBlock + tempo −
// height, saturating at 0 (and at math.MaxUint64 on the way up), or
// math.MaxUint64 with tempo 0.
func (sc Schedule) BlocksUntil(tempo uint16, height tao.BlockHeight) uint64 {
	if tempo == 0 {
		return math.MaxUint64
	}
	next := uint64(sc.LastEpochBlock) + uint64(tempo)
	if next < uint64(sc.LastEpochBlock) {
		next = math.MaxUint64
	}
	if next <= uint64(height) {
		return 0
	}
	return next - uint64(height)
}

// LegacyBlocksUntilNextEpoch is subtensor's scheduler before the stateful
// one (≤ v3.3): tempo − ((height + netuid + 1) mod (tempo + 1)), with a
// wrapping sum, or math.MaxUint64 with tempo 0. The epoch ran when it was
// 0. gotensor does not schedule with it; it is kept for replaying history
// and checked against subtensor's vectors.
func LegacyBlocksUntilNextEpoch(n tao.NetUID, tempo uint16, height tao.BlockHeight) uint64 {
	if tempo == 0 {
		return math.MaxUint64
	}
	t := uint64(tempo)
	return t - (uint64(height)+uint64(n)+1)%(t+1)
}

// initSubnetSchedule starts the schedule of a subnet registered at block b:
// its first epoch is staggered by netuid, LastEpochBlock = b − (n mod
// tempo), so subnets sharing a tempo do not all fall due in one block.
func (s *State) initSubnetSchedule(n tao.NetUID, b Block) {
	var offset uint64
	if tempo := s.Hyperparams(n).Tempo; tempo > 0 {
		offset = uint64(n) % uint64(tempo)
	}
	last := uint64(b.Height) - min(offset, uint64(b.Height))
	s.setSchedule(n, Schedule{LastEpochBlock: tao.BlockHeight(last), StepBase: b.Height})
}

// resetEpochSchedule restarts subnet n's tempo at block b (LastEpochBlock
// = b), as subtensor's set_tempo does; a deferred epoch stays pending.
func (s *State) resetEpochSchedule(n tao.NetUID, b Block) {
	sc := s.Schedule(n)
	sc.LastEpochBlock = b.Height
	s.setSchedule(n, sc)
}
