package chain

import (
	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/tao"
)

// WeightsStatus is what a client needs to set weights with one hotkey on
// one subnet: the rules in force, where the hotkey stands with the rate
// limit, its stored row, and its commits with their reveal timing. Epoch
// figures are as a transaction in the next block would see them.
type WeightsStatus struct {
	NetUID     tao.NetUID
	Hotkey     tao.AccountID
	Registered bool
	UID        tao.UID // valid when Registered

	CommitReveal       bool
	RevealPeriodEpochs uint64
	VersionKey         uint64 // WeightsVersionKey: the lowest version key accepted
	RateLimit          uint64 // WeightsSetRateLimit, in blocks
	MinAllowedWeights  uint16
	SubnetN            uint16
	Tempo              uint16
	// ValidatorPermit is true with a permit from the last epoch, or for
	// the owner's uid, which needs none: the hotkey may weigh other uids.
	ValidatorPermit bool

	// LastUpdate is the block of the uid's last weight update (or
	// registration); NextUpdate the first block whose set_weights or
	// commit_weights passes the rate limit.
	LastUpdate, NextUpdate tao.BlockHeight
	// Epoch is the epoch a transaction in the next block belongs to
	// (current_epoch_with_lookahead); BlocksUntilEpoch counts the blocks
	// to the next epoch from the next block.
	Epoch            uint64
	BlocksUntilEpoch uint64

	Weights []yuma.Entry
	Commits []CommitStatus
}

// CommitStatus is one of a hotkey's commits with its reveal timing.
type CommitStatus struct {
	WeightCommit
	RevealEpoch uint64
	// State is "waiting" (before its reveal epoch), "due" (revealable in
	// the next block) or "expired".
	State string
	// BlocksUntilReveal estimates the blocks until the reveal epoch (0
	// when due or expired).
	BlocksUntilReveal uint64
}

// QueryWeights returns hotkey's weights status on subnet n in state s,
// the state after block height. ok is false if the subnet does not exist.
func QueryWeights(s *State, n tao.NetUID, hotkey tao.AccountID, height tao.BlockHeight) (WeightsStatus, bool) {
	if !s.SubnetExists(n) {
		return WeightsStatus{}, false
	}
	hp := s.Hyperparams(n)
	next := height + 1
	st := WeightsStatus{
		NetUID: n, Hotkey: hotkey,
		CommitReveal: hp.CommitRevealEnabled, RevealPeriodEpochs: hp.RevealPeriodEpochs,
		VersionKey: hp.WeightsVersionKey, RateLimit: hp.WeightsSetRateLimit,
		MinAllowedWeights: hp.MinAllowedWeights, SubnetN: s.SubnetN(n), Tempo: hp.Tempo,
		Epoch: s.currentEpoch(n, next), BlocksUntilEpoch: s.blocksUntilEpoch(n, next, satAdd(s.currentEpoch(n, next), 1)),
	}
	if uid, ok := s.UIDOf(n, hotkey); ok {
		st.Registered, st.UID = true, uid
		st.ValidatorPermit = hasPermit(s.ValidatorPermit(n), uid) || s.isOwnerUID(n, uid)
		if lu := s.LastUpdate(n); int(uid) < len(lu) {
			st.LastUpdate = lu[uid]
		}
		st.NextUpdate = next
		if st.LastUpdate != 0 {
			st.NextUpdate = max(next, tao.BlockHeight(satAdd(uint64(st.LastUpdate), hp.WeightsSetRateLimit)))
		}
		st.Weights = s.WeightsRow(n, uid)
	}
	for _, c := range s.WeightCommits(n, hotkey) {
		cs := CommitStatus{WeightCommit: c, RevealEpoch: satAdd(c.Epoch, hp.RevealPeriodEpochs), State: "waiting"}
		switch {
		case commitExpired(c.Epoch, st.Epoch, hp.RevealPeriodEpochs):
			cs.State = "expired"
		case st.Epoch == cs.RevealEpoch:
			cs.State = "due"
		default:
			cs.BlocksUntilReveal = s.blocksUntilEpoch(n, next, cs.RevealEpoch)
		}
		st.Commits = append(st.Commits, cs)
	}
	return st, true
}
