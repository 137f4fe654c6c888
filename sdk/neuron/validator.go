package neuron

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/gotensor/gotensor/sdk/dendrite"
	"github.com/gotensor/gotensor/sdk/metagraph"
	"github.com/gotensor/gotensor/sdk/synapse"
	"github.com/gotensor/gotensor/sdk/weights"
	"github.com/gotensor/gotensor/tao"
)

// ForwardFunc is a subnet's validation round: query miners (with
// v.Dendrite(), typically v.SampleMiners), score their answers, and
// return the rewards by uid. The validator folds them into its scores. An
// error skips the round's rewards and is logged.
type ForwardFunc func(ctx context.Context, v *Validator) (uids []tao.UID, rewards []float32, err error)

// Validator scores a subnet's miners and sets weights from the scores.
// Build it with NewValidator and Run it.
type Validator struct {
	*base
	forward    ForwardFunc
	d          *dendrite.Dendrite
	versionKey uint64
	dir        string
	commits    weights.CommitStore

	mu     sync.Mutex // guards scores and state
	scores Scores
	state  State

	// Chain-loop state (one goroutine).
	retryAt    int64 // first block to try weights again
	backoff    int64
	lastReason string // last reason weights were not set, logged once
	// unsure holds commits sent without an answer (a lost connection),
	// by the block they were sent in: they may still be included.
	unsure map[[32]byte]int64
}

// NewValidator returns a validator for cfg (Role validator) signing with
// k.Hotkey and running forward each step. Its state (scores, pending
// commits) lives in dir, normally Config.StateDir.
func NewValidator(cfg Config, k Keys, dir string, forward ForwardFunc, o Options) (*Validator, error) {
	cfg.Role = RoleValidator
	if forward == nil {
		return nil, fmt.Errorf("%w: no forward function", ErrConfig)
	}
	if dir == "" {
		return nil, fmt.Errorf("%w: no state directory", ErrConfig)
	}
	b, err := newBase(cfg, k, o)
	if err != nil {
		return nil, err
	}
	d, err := dendrite.New(k.Hotkey, dendrite.Options{})
	if err != nil {
		return nil, err
	}
	return &Validator{
		base: b, forward: forward, d: d, versionKey: o.VersionKey, dir: dir,
		commits: weights.CommitStore{Dir: filepath.Join(dir, "reveals")}, backoff: 1, unsure: map[[32]byte]int64{},
	}, nil
}

// Dendrite returns the validator's dendrite, for forward functions.
func (v *Validator) Dendrite() *dendrite.Dendrite { return v.d }

// Step returns the number of steps run (kept across restarts).
func (v *Validator) Step() uint64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.state.Step
}

// Scores returns a copy of the current scores by uid.
func (v *Validator) Scores() []float32 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]float32(nil), v.scores.Values...)
}

// SampleMiners returns up to k uids, drawn at random, of the neurons that
// serve an axon and are not validators (the template's get_random_uids),
// with their axons.
func (v *Validator) SampleMiners(k int) ([]tao.UID, []synapse.AxonInfo) {
	s := v.mg.Snapshot()
	if s == nil {
		return nil, nil
	}
	uids := MinerUIDs(s, v.Hotkey(), v.cfg.Neuron.VPermitTAOLimit)
	rand.Shuffle(len(uids), func(i, j int) { uids[i], uids[j] = uids[j], uids[i] })
	uids = uids[:min(k, len(uids))]
	axons := make([]synapse.AxonInfo, len(uids))
	for i, u := range uids {
		axons[i] = s.Axons[u]
	}
	return uids, axons
}

// MinerUIDs returns the uids of s that serve an axon and are not
// validators (a permit and more stake than vpermitLimit), excluding self:
// the candidates of the template's get_random_uids.
func MinerUIDs(s *metagraph.Snapshot, self tao.AccountID, vpermitLimit tao.Rao) []tao.UID {
	var out []tao.UID
	for uid := range s.N {
		switch {
		case !s.Axons[uid].IsServing(), s.Hotkeys[uid] == self:
		case s.ValidatorPermit[uid] && s.Stake[uid] > vpermitLimit:
		default:
			out = append(out, tao.UID(uid))
		}
	}
	return out
}

// Run syncs the metagraph, loads the saved state, and then runs two loops
// until ctx ends: steps (NumConcurrentForwards forwards, their rewards
// folded into the scores, the state saved, a pause of StepInterval), and
// the chain loop, which on every block resyncs the metagraph when it is
// stale (aligning the scores with it), reveals due weight commits, and
// once per epoch sets or commits weights from the scores when the rate
// limit and the permit allow. It returns a *NotRegisteredError if the
// hotkey is (or becomes) unregistered.
func (v *Validator) Run(ctx context.Context) error {
	s, uid, err := v.sync(ctx)
	if err != nil {
		return err
	}
	if err := v.loadState(s); err != nil {
		return err
	}
	stopMetrics, err := v.serveMetrics()
	if err != nil {
		return err
	}
	defer stopMetrics()
	v.log.Info("validator started", "uid", int(uid), "step", v.Step(), "state", filepath.Join(v.dir, StateFile))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chainErr := make(chan error, 1)
	go func() {
		err := v.follow(ctx, v.onBlock)
		cancel()
		chainErr <- err
	}()
	v.stepLoop(ctx)
	err = <-chainErr
	if saveErr := v.saveState(); err == nil {
		err = saveErr
	}
	v.d.Close()
	v.log.Info("validator stopped", "step", v.Step())
	return err
}

// loadState restores the saved scores and step, if they belong to this
// hotkey and subnet, and aligns the scores with s.
func (v *Validator) loadState(s *metagraph.Snapshot) error {
	st, err := LoadState(v.dir)
	if err != nil {
		return err
	}
	if st.Version != 0 && (st.NetUID != v.cfg.NetUID || st.Hotkey != v.Hotkey()) {
		v.log.Warn("ignoring the saved state of another subnet or hotkey", "dir", v.dir, "netuid", int(st.NetUID), "hotkey", short(st.Hotkey))
		st = State{}
	}
	st.NetUID, st.Hotkey = v.cfg.NetUID, v.Hotkey()
	v.mu.Lock()
	defer v.mu.Unlock()
	v.state = st
	v.scores = Scores{Values: st.Scores, Hotkeys: st.Hotkeys}
	if reset := v.scores.Align(s.Hotkeys); len(reset) > 0 {
		v.log.Info("scores reset: new neurons took these uids", "uids", reset)
	}
	return nil
}

// saveState writes the state file.
func (v *Validator) saveState() error {
	v.mu.Lock()
	st := v.state
	st.Scores, st.Hotkeys = append([]float32(nil), v.scores.Values...), append([]tao.AccountID(nil), v.scores.Hotkeys...)
	v.mu.Unlock()
	return st.Save(v.dir)
}

// stepLoop runs steps until ctx ends.
func (v *Validator) stepLoop(ctx context.Context) {
	for ctx.Err() == nil {
		v.step(ctx)
		if err := v.saveState(); err != nil {
			v.log.Error("saving the state", "err", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(v.cfg.Neuron.StepInterval):
		}
	}
}

// step runs the concurrent forwards of one step and folds in their
// rewards.
func (v *Validator) step(ctx context.Context) {
	n := v.cfg.Neuron.NumConcurrentForwards
	type result struct {
		uids    []tao.UID
		rewards []float32
		err     error
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Go(func() {
			r := &results[i]
			r.uids, r.rewards, r.err = v.forward(ctx, v)
		})
	}
	wg.Wait()
	v.m.forward.Observe(time.Since(start).Seconds())
	if ctx.Err() != nil {
		return // a round cut short says nothing about the miners
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, r := range results {
		if r.err == nil {
			r.err = v.scores.Update(r.uids, r.rewards, v.cfg.Neuron.MovingAverageAlpha)
		}
		if r.err != nil {
			v.log.Warn("forward failed", "step", v.state.Step, "err", r.err)
		}
	}
	v.state.Step++
	v.m.steps.Inc()
	for uid, sc := range v.scores.Values {
		v.m.scores.WithLabelValues(strconv.Itoa(uid)).Set(float64(sc))
	}
	v.log.Debug("step", "step", v.state.Step, "scores", v.scores.Values)
}

// onBlock is the chain loop's work for one block.
func (v *Validator) onBlock(ctx context.Context, height int64) error {
	if s := v.mg.Snapshot(); s.StaleAt(height, v.cfg.Neuron.EpochLength) {
		s, _, err := v.sync(ctx)
		if errors.As(err, new(*NotRegisteredError)) {
			return err
		}
		if err != nil {
			v.log.Warn("metagraph sync failed", "err", err)
		} else {
			v.mu.Lock()
			reset := v.scores.Align(s.Hotkeys)
			v.mu.Unlock()
			if len(reset) > 0 {
				v.log.Info("scores reset: new neurons took these uids", "uids", reset)
			}
		}
	}
	v.mu.Lock()
	v.state.Block = height
	v.mu.Unlock()
	return v.weightsStep(ctx, height)
}
