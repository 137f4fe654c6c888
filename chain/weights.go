package chain

import (
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// The weights calls (subtensor-spec §6, docs/weights.md): set_weights,
// commit_weights, reveal_weights and batch_set_weights. All are signed by
// the neuron's hotkey and fee-free; CheckTx runs them in full, so a call
// that would fail is never gossiped.

// Weights events.
const (
	EventWeightsSet       = "weights_set"               // netuid, uid, hotkey, count: a row stored (set, reveal or batch item)
	EventWeightsCommitted = "weights_committed"         // netuid, uid, hotkey, hash, epoch, reveal_epoch
	EventWeightsRevealed  = "weights_revealed"          // netuid, uid, hotkey, hash
	EventBatchItemFailed  = "weights_batch_item_failed" // index, netuid, code, error
)

// MaxUnrevealedCommits is how many unrevealed commits a hotkey may hold on
// a subnet (subtensor's literal 10).
const MaxUnrevealedCommits = 10

// setWeights is set_weights: refused while commit–reveal is enabled on the
// subnet (weights must then be committed and revealed), else checked and
// stored by storeWeights.
func setWeights(s *State, b Block, hotkey tao.AccountID, c tx.SetWeights) error {
	if err := weightsSubnet(s, c.NetUID); err != nil {
		return err
	}
	if s.Hyperparams(c.NetUID).CommitRevealEnabled {
		return fmt.Errorf("%w: netuid %d hides weights until they are revealed; commit them with commit_weights and reveal them %d epoch(s) later (`gotensor weights set` does both)",
			tx.ErrCommitRevealEnabled, c.NetUID, s.Hyperparams(c.NetUID).RevealPeriodEpochs)
	}
	return storeWeights(s, b, hotkey, c)
}

// weightsSubnet checks that weights can be set on subnet n at all: it
// exists and is not the root subnet, whose weights subtensor no longer
// takes (CanNotSetRootNetworkWeights).
func weightsSubnet(s *State, n tao.NetUID) error {
	if n == tao.RootNetUID {
		return fmt.Errorf("%w: weights cannot be set on netuid 0; root validators set weights on each subnet", tx.ErrRootSubnet)
	}
	if !s.SubnetExists(n) {
		return fmt.Errorf("%w: netuid %d; list subnets with `gotensor subnets list`", tx.ErrSubnetNotFound, n)
	}
	return nil
}

// storeWeights runs the checks of spec §6.1 in subtensor's order
// (internal_set_weights) and stores the row, values max-upscaled. The rate
// limit applies, and LastUpdate is set, only without commit–reveal: with
// it, the commit was rate limited and set LastUpdate.
func storeWeights(s *State, b Block, hotkey tao.AccountID, c tx.SetWeights) error {
	n := c.NetUID
	if len(c.UIDs) != len(c.Values) {
		return fmt.Errorf("%w: %d uids, %d weights", tx.ErrWeightsLength, len(c.UIDs), len(c.Values))
	}
	subnetN := s.SubnetN(n)
	if len(c.UIDs) > int(subnetN) {
		return fmt.Errorf("%w: %d weights, netuid %d has %d neurons", tx.ErrTooManyWeights, len(c.UIDs), n, subnetN)
	}
	uid, err := registeredUID(s, n, hotkey)
	if err != nil {
		return err
	}
	if err := checkWeightsStake(s, n, uid, hotkey); err != nil {
		return err
	}
	hp := s.Hyperparams(n)
	if hp.WeightsVersionKey != 0 && c.VersionKey < hp.WeightsVersionKey {
		return fmt.Errorf("%w: version key %d, netuid %d requires at least %d; update your validator",
			tx.ErrWeightsVersionKey, c.VersionKey, n, hp.WeightsVersionKey)
	}
	if !hp.CommitRevealEnabled {
		if err := checkWeightsRateLimit(s, n, uid, b); err != nil {
			return err
		}
	}
	self := isSelfWeight(uid, c.UIDs)
	if !self && !s.isOwnerUID(n, uid) && !hasPermit(s.ValidatorPermit(n), uid) {
		return fmt.Errorf("%w: uid %d of netuid %d holds no validator permit (permits go to the top %d by stake at each epoch); a neuron without one may set only its own weight",
			tx.ErrNoValidatorPermit, uid, n, hp.MaxAllowedValidators)
	}
	if dup, ok := duplicateUID(c.UIDs); ok {
		return fmt.Errorf("%w: uid %d appears twice", tx.ErrDuplicateUIDs, dup)
	}
	for _, u := range c.UIDs {
		if uint16(u) >= subnetN {
			return fmt.Errorf("%w: uid %d, netuid %d has uids 0 to %d", tx.ErrInvalidUID, u, n, subnetN-1)
		}
	}
	if need := min(int(hp.MinAllowedWeights), int(subnetN)); !self && len(c.Values) < need {
		return fmt.Errorf("%w: %d weights, netuid %d requires at least %d", tx.ErrTooFewWeights, len(c.Values), n, need)
	}

	// MaxWeightsLimit is the constant 65535, so max_weight_limited always
	// holds and is not checked (spec §6.1 step 11).
	up := yuma.MaxUpscale(c.Values)
	row := make([]yuma.Entry, len(c.UIDs))
	for i, u := range c.UIDs {
		row[i] = yuma.Entry{UID: uint16(u), Value: up[i]}
	}
	s.setWeightsRow(n, uid, row)
	if !hp.CommitRevealEnabled {
		s.setLastUpdate(n, uid, b.Height)
	}
	if s.recording() {
		s.emit(EventWeightsSet, netuidAttr(n), uidAttr(uid), accountAttr("hotkey", hotkey), Attr{"count", strconv.Itoa(len(row))})
	}
	return nil
}

// registeredUID returns hotkey's uid on subnet n, or ErrNotRegistered.
func registeredUID(s *State, n tao.NetUID, hotkey tao.AccountID) (tao.UID, error) {
	uid, ok := s.UIDOf(n, hotkey)
	if !ok {
		return 0, fmt.Errorf("%w: hotkey %s on netuid %d; register it first with `gotensor subnets register`", tx.ErrNotRegistered, hotkey, n)
	}
	return uid, nil
}

// checkWeightsStake is check_weights_min_stake: the owner's uid is exempt;
// any other hotkey needs a stake weight (alpha + root stake × TaoWeight)
// of at least StakeThreshold.
func checkWeightsStake(s *State, n tao.NetUID, uid tao.UID, hotkey tao.AccountID) error {
	if s.isOwnerUID(n, uid) {
		return nil
	}
	ep := s.EmissionParams()
	have := s.stakeWeight(hotkey, n, ep.stakeTaoWeight())
	if threshold := fixed.I64F64FromUint(uint64(ep.StakeThreshold)); have.Less(threshold) {
		return fmt.Errorf("%w: stake weight %s, threshold %s; stake more to hotkey %s with `gotensor stake add`",
			tx.ErrWeightsStake, tao.Rao(have.ToUint()).TAOString(), ep.StakeThreshold.TAOString(), hotkey)
	}
	return nil
}

// stakeWeight is get_stake_weights_for_hotkey_on_subnet's total: the
// hotkey's alpha on n plus its root stake × TaoWeight, in I64F64, with tw
// from EmissionParams.stakeTaoWeight. gotensor has no childkeys, so the
// stake is the hotkey's own. The weights checks and the epoch both use it.
func (s *State) stakeWeight(hotkey tao.AccountID, n tao.NetUID, tw fixed.I64F64) fixed.I64F64 {
	own := fixed.I64F64FromUint(uint64(s.HotkeyAlpha(hotkey, n)))
	root := fixed.I64F64FromUint(uint64(s.RootStake(hotkey)))
	return own.SaturatingAdd(root.SaturatingMul(tw))
}

// checkWeightsRateLimit is check_rate_limit: a uid that never updated
// (LastUpdate 0) may always; otherwise WeightsSetRateLimit blocks must
// have passed since its last update (or registration).
func checkWeightsRateLimit(s *State, n tao.NetUID, uid tao.UID, b Block) error {
	var last tao.BlockHeight
	if lu := s.LastUpdate(n); int(uid) < len(lu) {
		last = lu[uid]
	}
	limit := s.Hyperparams(n).WeightsSetRateLimit
	if last == 0 || uint64(b.Height-min(last, b.Height)) >= limit {
		return nil
	}
	next := satAdd(uint64(last), limit)
	return fmt.Errorf("%w: %d blocks left (last update at block %d, one update per %d blocks)",
		tx.ErrWeightsRateLimit, next-uint64(b.Height), last, limit)
}

// isSelfWeight is is_self_weight: exactly one weight, on the neuron's own
// uid. Any neuron may set it, and it counts whatever MinAllowedWeights.
func isSelfWeight(uid tao.UID, uids []tao.UID) bool {
	return len(uids) == 1 && uids[0] == uid
}

// isOwnerUID reports whether uid is the subnet owner's hotkey on n
// (get_owner_uid): it acts as a validator without a permit or stake.
func (s *State) isOwnerUID(n tao.NetUID, uid tao.UID) bool {
	info, ok := s.Subnet(n)
	if !ok {
		return false
	}
	owner, ok := s.UIDOf(n, info.OwnerHotkey)
	return ok && owner == uid
}

func hasPermit(permits []bool, uid tao.UID) bool { return int(uid) < len(permits) && permits[uid] }

// duplicateUID returns the first uid that appears twice in uids. A bitmap
// over the u16 range keeps it linear.
func duplicateUID(uids []tao.UID) (tao.UID, bool) {
	var seen [1 << 16 / 64]uint64
	for _, u := range uids {
		w, bit := u/64, uint64(1)<<(u%64)
		if seen[w]&bit != 0 {
			return u, true
		}
		seen[w] |= bit
	}
	return 0, false
}

// currentEpoch is current_epoch_with_lookahead: the subnet's epoch index,
// plus one if its epoch is due at height but has not run yet (deferred by
// MaxEpochsPerBlock), so that a commit or reveal in that block belongs to
// the epoch about to fire. Blocks run the coinbase before transactions, as
// subtensor's on_initialize does, so an epoch due at height has normally
// run already.
func (s *State) currentEpoch(n tao.NetUID, height tao.BlockHeight) uint64 {
	idx := s.EpochIndex(n)
	if s.ShouldRunEpoch(n, height) {
		idx = satAdd(idx, 1)
	}
	return idx
}

// commitWeights is commit_weights (spec §6.2): with commit–reveal enabled,
// a registered hotkey with enough stake commits to weights by hash, at most
// once per WeightsSetRateLimit blocks and with at most
// MaxUnrevealedCommits outstanding. The commit sets LastUpdate.
func commitWeights(s *State, b Block, hotkey tao.AccountID, c tx.CommitWeights) error {
	n := c.NetUID
	uid, hp, err := commitRevealNeuron(s, n, hotkey)
	if err != nil {
		return err
	}
	if err := checkWeightsRateLimit(s, n, uid, b); err != nil {
		return err
	}
	epoch := s.currentEpoch(n, b.Height)
	commits, _ := splitExpired(s.WeightCommits(n, hotkey), epoch, hp.RevealPeriodEpochs)
	if len(commits) >= MaxUnrevealedCommits {
		return fmt.Errorf("%w: hotkey %s has %d on netuid %d, the limit is %d; reveal them (from epoch %d) or wait for them to expire",
			tx.ErrTooManyCommits, hotkey, len(commits), n, MaxUnrevealedCommits, satAdd(commits[0].Epoch, hp.RevealPeriodEpochs))
	}
	commits = append(commits, WeightCommit{Hash: c.Hash, Epoch: epoch, Block: b.Height})
	s.setWeightCommits(n, hotkey, commits)
	s.setLastUpdate(n, uid, b.Height)
	if s.recording() {
		s.emit(EventWeightsCommitted, netuidAttr(n), uidAttr(uid), accountAttr("hotkey", hotkey),
			Attr{"hash", hex.EncodeToString(c.Hash[:])}, Attr{"epoch", strconv.FormatUint(epoch, 10)},
			Attr{"reveal_epoch", strconv.FormatUint(satAdd(epoch, hp.RevealPeriodEpochs), 10)})
	}
	return nil
}

// commitRevealNeuron runs the checks commit_weights and reveal_weights
// share, in subtensor's order: the subnet takes weights, with
// commit–reveal enabled, from a registered hotkey with enough stake. It
// returns the hotkey's uid and the subnet's hyperparameters.
func commitRevealNeuron(s *State, n tao.NetUID, hotkey tao.AccountID) (tao.UID, Hyperparams, error) {
	if err := weightsSubnet(s, n); err != nil {
		return 0, Hyperparams{}, err
	}
	hp := s.Hyperparams(n)
	if !hp.CommitRevealEnabled {
		return 0, hp, fmt.Errorf("%w: netuid %d takes weights directly; use set_weights", tx.ErrCommitRevealDisabled, n)
	}
	uid, err := registeredUID(s, n, hotkey)
	if err != nil {
		return 0, hp, err
	}
	return uid, hp, checkWeightsStake(s, n, uid, hotkey)
}

// splitExpired splits commits (oldest first) into the live ones and the
// expired prefix, as subtensor pops expired commits off the front of the
// queue: a live commit stops the scan.
func splitExpired(commits []WeightCommit, current, period uint64) (live, expired []WeightCommit) {
	i := 0
	for i < len(commits) && commitExpired(commits[i].Epoch, current, period) {
		i++
	}
	return commits[i:], commits[:i]
}

// revealWeights is reveal_weights (spec §6.2): the hash of (hotkey,
// netuid, uids, values, salt, version_key) must match one of the hotkey's
// live commits, and the current epoch must be exactly its epoch +
// RevealPeriodEpochs. That commit and every older one are removed, and the
// weights go through the checks of set_weights (without its rate limit).
func revealWeights(s *State, b Block, hotkey tao.AccountID, c tx.RevealWeights) error {
	n := c.NetUID
	uid, hp, err := commitRevealNeuron(s, n, hotkey)
	if err != nil {
		return err
	}
	all := s.WeightCommits(n, hotkey)
	if len(all) == 0 {
		return fmt.Errorf("%w: hotkey %s has no commits on netuid %d; commit first with `gotensor weights commit`", tx.ErrNoCommit, hotkey, n)
	}
	current := s.currentEpoch(n, b.Height)
	live, expired := splitExpired(all, current, hp.RevealPeriodEpochs)
	hash := tx.CommitHash(hotkey, n, c.UIDs, c.Values, c.Salt, c.VersionKey)
	pos := -1
	for i := range live {
		if live[i].Hash == hash {
			pos = i
			break
		}
	}
	if pos < 0 {
		for _, e := range expired {
			if e.Hash == hash {
				return fmt.Errorf("%w: committed in epoch %d, the reveal was due in epoch %d, now epoch %d; commit again",
					tx.ErrCommitExpired, e.Epoch, satAdd(e.Epoch, hp.RevealPeriodEpochs), current)
			}
		}
		if len(live) == 0 {
			return fmt.Errorf("%w: every commit of hotkey %s on netuid %d has expired; commit again", tx.ErrNoCommit, hotkey, n)
		}
		return fmt.Errorf("%w: hash %x; reveal the exact uids, weights, salt and version key that were committed", tx.ErrRevealHashMismatch, hash[:])
	}
	if due := satAdd(live[pos].Epoch, hp.RevealPeriodEpochs); current != due {
		// Expired commits were split off, so current < due here.
		return fmt.Errorf("%w: committed in epoch %d, reveal in epoch %d, now epoch %d (about %d blocks left)",
			tx.ErrRevealTooEarly, live[pos].Epoch, due, current, s.blocksUntilEpoch(n, b.Height, due))
	}
	s.setWeightCommits(n, hotkey, live[pos+1:])
	if err := storeWeights(s, b, hotkey, tx.SetWeights{NetUID: n, UIDs: c.UIDs, Values: c.Values, VersionKey: c.VersionKey}); err != nil {
		return err
	}
	if s.recording() {
		s.emit(EventWeightsRevealed, netuidAttr(n), uidAttr(uid), accountAttr("hotkey", hotkey), Attr{"hash", hex.EncodeToString(hash[:])})
	}
	return nil
}

// blocksUntilEpoch estimates the blocks from height until subnet n's
// epoch index reaches epoch: the next epoch falls due per the schedule,
// later ones a tempo apart (deferrals may add a block or two).
func (s *State) blocksUntilEpoch(n tao.NetUID, height tao.BlockHeight, epoch uint64) uint64 {
	current := s.currentEpoch(n, height)
	if epoch <= current {
		return 0
	}
	next := s.BlocksUntilNextEpoch(n, height)
	if s.ShouldRunEpoch(n, height) { // the look-ahead already counts the due epoch
		next = uint64(s.Hyperparams(n).Tempo)
	}
	return satAdd(next, (epoch-current-1)*uint64(s.Hyperparams(n).Tempo))
}

// batchSetWeights is batch_set_weights: each item is set_weights on its own
// subnet, applied on its own or not at all. A failed item (commit–reveal
// enabled, a check of §6.1) emits EventBatchItemFailed and the others go
// on. Unlike subtensor, a batch none of whose items succeeds fails:
// otherwise a fee-free transaction that changes nothing could be included.
func batchSetWeights(s *State, b Block, hotkey tao.AccountID, c tx.BatchSetWeights) error {
	var firstErr error
	ok := 0
	for i, item := range c.Items {
		br := s.Branch()
		err := setWeights(br, b, hotkey, item)
		if err == nil {
			br.Write()
			ok++
			continue
		}
		if firstErr == nil {
			firstErr = fmt.Errorf("item %d (netuid %d): %w", i, item.NetUID, err)
		}
		if s.recording() {
			s.emit(EventBatchItemFailed, Attr{"index", strconv.Itoa(i)}, netuidAttr(item.NetUID),
				Attr{"code", strconv.FormatUint(uint64(tx.CodeOf(err)), 10)}, Attr{"error", err.Error()})
		}
	}
	if ok == 0 {
		return fmt.Errorf("%w: %d item(s), first failure: %v", tx.ErrBatchFailed, len(c.Items), firstErr)
	}
	return nil
}

func uidAttr(uid tao.UID) Attr { return Attr{"uid", strconv.Itoa(int(uid))} }
