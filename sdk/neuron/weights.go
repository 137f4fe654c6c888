package neuron

import (
	"context"
	"errors"
	"math"
	"strconv"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/sdk/weights"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// weightsStep is the validator's weights work for one block: reveal the
// commits that are due, then, once per epoch, set or commit weights from
// the scores when the chain allows it. Failures are logged with their
// reason and retried (a backoff in blocks for failed transactions, the
// exact block for the rate limit, the next epoch for a missing permit);
// only a lost registration stops the validator.
func (v *Validator) weightsStep(ctx context.Context, height int64) error {
	pending, err := v.commits.List(v.cfg.NetUID, v.Hotkey())
	if err != nil {
		v.log.Error("reading saved commits", "err", err)
	}
	// A commit's reveal epoch does not wait for the next attempt to set
	// weights: with saved commits, the status is read every block.
	if height < v.retryAt && len(pending) == 0 {
		return nil
	}
	st, err := v.c.Weights(ctx, v.cfg.NetUID, v.Hotkey())
	if err != nil {
		if ctx.Err() == nil {
			v.log.Debug("reading the weights status", "err", err)
		}
		return nil
	}
	if !st.Registered {
		return &NotRegisteredError{Hotkey: v.Hotkey(), NetUID: v.cfg.NetUID}
	}
	v.revealDue(ctx, st, pending)
	if v.cfg.Neuron.DisableSetWeights || height < v.retryAt {
		return nil
	}
	v.mu.Lock()
	next := v.state.NextWeightsEpoch
	v.mu.Unlock()
	if st.Epoch < next {
		return nil // set this epoch already
	}
	call, err := v.setWeights(ctx, st)
	if ctx.Err() != nil {
		return nil // stopping: what was cut short says nothing
	}
	v.outcome(height, st, call, err)
	return nil
}

// setWeights checks what the chain would refuse, turns the scores into
// weights and sends set_weights or, under commit–reveal, commit_weights.
// It returns the call sent.
func (v *Validator) setWeights(ctx context.Context, st *apitypes.Weights) (string, error) {
	if !st.ValidatorPermit {
		return "", &NoPermitError{UID: tao.UID(st.UID)}
	}
	if next := st.NextUpdate; uint64(st.Block)+1 < next {
		return "", &RateLimitedError{BlocksLeft: next - uint64(st.Block) - 1, NextBlock: next, Limit: st.RateLimit}
	}
	if v.versionKey < st.VersionKey {
		return "", &VersionKeyError{Have: v.versionKey, Want: st.VersionKey}
	}
	maxLimit := 1.0
	if s := v.mg.Snapshot(); s != nil {
		if l, ok := s.Hparam("max_weights_limit"); ok && l > 0 {
			maxLimit = float64(l) / math.MaxUint16
		}
	}
	v.mu.Lock()
	uids, vals, err := v.scores.Weights(int(st.MinAllowedWeights), maxLimit)
	v.mu.Unlock()
	if err != nil {
		return "", err
	}
	sender, err := v.senderFor(ctx)
	if err != nil {
		return "", err
	}
	if !st.CommitReveal {
		_, err := sender.Send(ctx, tx.SetWeights{NetUID: v.cfg.NetUID, UIDs: uids, Values: vals, VersionKey: v.versionKey}, true)
		if err != nil {
			return "set_weights", &TxError{Call: "set_weights", Err: err}
		}
		return "set_weights", nil
	}
	cm, err := weights.NewCommit(v.Hotkey(), v.cfg.NetUID, uids, vals, v.versionKey)
	if err != nil {
		return "", err
	}
	if _, err := v.commits.Save(cm); err != nil { // before sending: a crash must not lose the salt
		return "", err
	}
	res, err := sender.Send(ctx, cm.CommitCall(), true)
	if err != nil {
		if res != nil || errors.As(err, new(*tx.Error)) { // refused, or failed in its block: not on chain
			_ = v.commits.Remove(cm)
		} else { // it may still land: keep the salt for a while
			v.unsure[cm.Hash()] = st.Block
		}
		return "commit_weights", &TxError{Call: "commit_weights", Err: err}
	}
	cm.CommitBlock, cm.CommitTx = tao.BlockHeight(res.Height), res.Hash.String()
	for _, e := range res.Events {
		if r, ok := e.Attr("reveal_epoch"); ok && e.Type == "weights_committed" {
			cm.RevealEpoch, _ = strconv.ParseUint(r, 10, 64)
		}
	}
	if _, err := v.commits.Save(cm); err != nil {
		v.log.Warn("recording the commit block", "err", err)
	}
	return "commit_weights", nil
}

// outcome records the result of setWeights: the next attempt, a log line
// saying why when the reason changes, and the metrics.
func (v *Validator) outcome(height int64, st *apitypes.Weights, call string, err error) {
	var (
		rl     *RateLimitedError
		perm   *NoPermitError
		vk     *VersionKeyError
		txErr  *TxError
		reason string
	)
	nextEpoch := height + int64(max(st.BlocksUntilEpoch, 1))
	switch {
	case err == nil:
		v.mu.Lock()
		v.state.NextWeightsEpoch = st.Epoch + 1
		v.mu.Unlock()
		v.backoff, v.lastReason = 1, ""
		result := "set"
		if call == "commit_weights" {
			result = "committed"
		}
		v.m.weights.WithLabelValues(result).Inc()
		v.log.Info("weights "+result, "epoch", st.Epoch, "block", height)
		if err := v.saveState(); err != nil {
			v.log.Error("saving the state", "err", err)
		}
		return
	case errors.As(err, &rl):
		v.retryAt, reason = int64(rl.NextBlock)-1, "rate_limited"
		v.m.weights.WithLabelValues("rate_limited").Inc()
	case errors.As(err, &perm):
		v.retryAt, reason = nextEpoch, "no_permit"
		v.m.weights.WithLabelValues("no_permit").Inc()
	case errors.As(err, &vk):
		v.retryAt, reason = nextEpoch, "version_key"
		v.m.weights.WithLabelValues("failed").Inc()
	case errors.Is(err, ErrNoScores):
		v.retryAt, reason = height+1, "no_scores"
	case errors.As(err, &txErr) && errors.Is(err, tx.ErrWeightsRateLimit):
		v.retryAt, reason = height+1, "rate_limited" // the status was a block behind; it says when next time
		v.m.weights.WithLabelValues("rate_limited").Inc()
	default: // a failed transaction or an unreachable node: back off
		v.m.weights.WithLabelValues("failed").Inc()
		v.log.Warn("setting weights failed; retrying", "err", err, "in_blocks", v.backoff)
		v.retryAt = height + v.backoff
		v.backoff = min(2*v.backoff, int64(max(st.Tempo, 1)))
		v.lastReason = ""
		return
	}
	if reason != v.lastReason {
		v.log.Info("not setting weights yet", "reason", err.Error())
		v.lastReason = reason
	}
}

// revealDue reveals the saved commits that are due, and forgets those the
// chain no longer holds or that expired.
func (v *Validator) revealDue(ctx context.Context, st *apitypes.Weights, saved []weights.Commit) {
	for _, cm := range saved {
		hash := cm.Hash()
		c, onChain := findCommit(st, hash)
		switch {
		case !onChain && cm.CommitBlock == 0 && st.Block < v.unsure[hash]+int64(st.Tempo):
			// Sent without an answer: it may still be included.
		case !onChain:
			// Revealed, dropped by a later reveal, or never included.
			_ = v.commits.Remove(cm)
			delete(v.unsure, hash)
		case c.State == "expired":
			v.log.Warn("a weight commit expired before its reveal", "commit_block", c.Block, "reveal_epoch", c.RevealEpoch)
			_ = v.commits.Remove(cm)
		case c.State == "due":
			v.reveal(ctx, cm)
		}
	}
}

// reveal sends reveal_weights for cm.
func (v *Validator) reveal(ctx context.Context, cm weights.Commit) {
	sender, err := v.senderFor(ctx)
	if err == nil {
		_, err = sender.Send(ctx, cm.RevealCall(), true)
	}
	switch {
	case err == nil:
		_ = v.commits.Remove(cm)
		v.m.weights.WithLabelValues("revealed").Inc()
		v.log.Info("weights revealed", "commit_block", cm.CommitBlock, "reveal_epoch", cm.RevealEpoch)
	case errors.Is(err, tx.ErrRevealTooEarly): // the epoch turned between the read and the block: next block
	case errors.Is(err, tx.ErrCommitExpired), errors.Is(err, tx.ErrNoCommit), errors.Is(err, tx.ErrRevealHashMismatch):
		v.log.Warn("a weight commit cannot be revealed; forgetting it", "err", err)
		_ = v.commits.Remove(cm)
	case ctx.Err() != nil:
	default:
		v.m.weights.WithLabelValues("failed").Inc()
		v.log.Warn("revealing weights failed; retrying next block", "err", &TxError{Call: "reveal_weights", Err: err})
	}
}

func findCommit(st *apitypes.Weights, hash [32]byte) (apitypes.WeightCommit, bool) {
	for _, c := range st.Commits {
		if [32]byte(c.Hash) == hash {
			return c, true
		}
	}
	return apitypes.WeightCommit{}, false
}
