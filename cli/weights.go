package cli

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/sdk/weights"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// newWeightsCmd builds the `weights` group: set (which commits and reveals
// when the subnet has commit–reveal on), commit, reveal and show.
func newWeightsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "weights",
		Aliases: []string{"wt", "weight"},
		Short:   "Set, commit and reveal validator weights",
		Long: `Validators weigh the miners of a subnet with their hotkey. On a subnet with
commit-reveal (the default), weights are first committed as a hash and
revealed a number of epochs later (commit_reveal_period); "weights set" does
both and waits in between. Pending commits (their salt) are saved under
<wallet path>/<wallet name>/reveals, so "weights reveal" can finish after an
interruption. See docs/weights.md.`,
	}
	cmd.AddCommand(newWeightsSetCmd(a), newWeightsCommitCmd(a), newWeightsRevealCmd(a), newWeightsShowCmd(a))
	return cmd
}

// weightsFlags are the options of the weights commands.
type weightsFlags struct {
	w          walletFlags
	net        networkFlag
	netuid     uint16
	uids       []int
	weights    []float32
	salt       []int
	versionKey uint64
}

func (f *weightsFlags) register(cmd *cobra.Command, row, salt bool) {
	f.w.register(cmd)
	f.net.register(cmd)
	netuidFlag(cmd, &f.netuid, "netuid", "subnet to set weights on")
	fl := cmd.Flags()
	if row {
		fl.IntSliceVarP(&f.uids, "uids", "u", nil, "uids to weigh, comma-separated: 1,2,5")
		fl.Float32SliceVarP(&f.weights, "weights", "w", nil, "their weights, comma-separated floats (any scale: max-upscaled to 65535)")
		fl.Uint64Var(&f.versionKey, "version-key", 0, "weights version key (default: the subnet's weights_version)")
	}
	if salt {
		fl.IntSliceVarP(&f.salt, "salt", "s", nil, "salt of the commit, comma-separated u16 (default: random, or the saved one)")
	}
}

// row converts --uids and --weights as the SDK does before emitting
// (sdk-spec §5.2): max-upscaled to u16, half to even, zeros dropped.
func (f *weightsFlags) row(cmd *cobra.Command) ([]tao.UID, []uint16, error) {
	if err := requireFlag(cmd, "uids"); err != nil {
		return nil, nil, err
	}
	if err := requireFlag(cmd, "weights"); err != nil {
		return nil, nil, err
	}
	uids, vals, err := weights.ConvertForEmit(f.uids, f.weights)
	if err != nil {
		return nil, nil, usageErrorf("%v", err)
	}
	if len(uids) == 0 {
		return nil, nil, usageErrorf("every weight is zero: nothing to set")
	}
	return uids, vals, nil
}

// saltValue returns --salt as u16s.
func (f *weightsFlags) saltValue() ([]uint16, error) {
	out := make([]uint16, len(f.salt))
	for i, v := range f.salt {
		if v < 0 || v > math.MaxUint16 {
			return nil, usageErrorf("--salt: %d is not a u16 (0 to 65535)", v)
		}
		out[i] = uint16(v)
	}
	return out, nil
}

// weightsDoc is the --json result of the weights commands.
type weightsDoc struct {
	Success      bool            `json:"success"`
	NetUID       uint16          `json:"netuid"`
	Hotkey       tao.AccountID   `json:"hotkey"`
	UID          uint16          `json:"uid"`
	UIDs         []tao.UID       `json:"uids"`
	Weights      []uint16        `json:"weights"` // as sent: max-upscaled u16
	VersionKey   uint64          `json:"version_key"`
	CommitReveal bool            `json:"commit_reveal"`
	Block        int64           `json:"block,omitempty"` // set_weights' block
	CommitHash   apitypes.Hash   `json:"commit_hash,omitempty"`
	Salt         []uint16        `json:"salt,omitempty"`
	CommitBlock  uint64          `json:"commit_block,omitempty"`
	RevealEpoch  uint64          `json:"reveal_epoch,omitempty"`
	RevealBlock  int64           `json:"reveal_block,omitempty"`
	SavedTo      string          `json:"saved_to,omitempty"` // a commit not yet revealed
	TxHashes     []apitypes.Hash `json:"tx_hashes"`
}

// weightsSession is what one weights command works with: the node, the
// hotkey's status on the subnet, and where its commits are saved.
type weightsSession struct {
	c      *client.Client
	n      tao.NetUID
	hotkey tao.AccountID
	status *apitypes.Weights
	store  weights.CommitStore
}

// session reads the hotkey's weights status and requires it registered.
func (a *app) weightsSession(ctx context.Context, f *weightsFlags) (*weightsSession, error) {
	hk, err := a.hotkeyPub(&f.w)
	if err != nil {
		return nil, err
	}
	wl, err := a.openWallet(&f.w)
	if err != nil {
		return nil, err
	}
	c, err := a.client(&f.net)
	if err != nil {
		return nil, err
	}
	if tao.NetUID(f.netuid) == tao.RootNetUID {
		return nil, withHint(fmt.Errorf("%w: weights cannot be set on netuid 0", tx.ErrRootSubnet),
			"set weights on the subnets themselves (netuid 1 and up)")
	}
	s := &weightsSession{c: c, n: tao.NetUID(f.netuid), hotkey: hk, store: weights.CommitStore{Dir: filepath.Join(wl.Dir(), "reveals")}}
	rctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	if s.status, err = c.Weights(rctx, s.n, hk); err != nil {
		if errors.Is(err, client.ErrNotFound) {
			return nil, withHint(fmt.Errorf("subnet %d does not exist", s.n), "list subnets with `gotensor subnets list`")
		}
		return nil, nodeError(c, err)
	}
	if !s.status.Registered {
		return nil, withHint(fmt.Errorf("%w: hotkey %s on netuid %d", tx.ErrNotRegistered, hk, s.n),
			"register it with `gotensor subnets register --netuid %d`", s.n)
	}
	return s, nil
}

// refresh re-reads the status.
func (s *weightsSession) refresh(ctx context.Context) error {
	rctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	st, err := s.c.Weights(rctx, s.n, s.hotkey)
	if err != nil {
		return nodeError(s.c, err)
	}
	s.status = st
	return nil
}

// checkRow refuses a row that set_weights would refuse whatever happens
// before it lands: the rules that depend only on the row and the subnet's
// size (docs/weights.md, rules 4, 10, 11 and 12), with the chain's
// messages. Under commit–reveal the chain checks them only at the reveal,
// an epoch after a commit that has already spent the rate limit.
func (s *weightsSession) checkRow(uids []tao.UID) error {
	st := s.status
	if len(uids) > int(st.N) {
		return fmt.Errorf("%w: %d weights, netuid %d has %d neurons", tx.ErrTooManyWeights, len(uids), s.n, st.N)
	}
	seen := make(map[tao.UID]bool, len(uids))
	for _, u := range uids {
		if seen[u] {
			return withHint(fmt.Errorf("%w: uid %d appears twice", tx.ErrDuplicateUIDs, u), "give each uid once")
		}
		seen[u] = true
	}
	for _, u := range uids {
		if u >= tao.UID(st.N) {
			return weightsError(s, fmt.Errorf("%w: uid %d, netuid %d has uids 0 to %d", tx.ErrInvalidUID, u, s.n, st.N-1))
		}
	}
	self := len(uids) == 1 && uids[0] == tao.UID(st.UID)
	if need := min(int(st.MinAllowedWeights), int(st.N)); !self && len(uids) < need {
		return weightsError(s, fmt.Errorf("%w: %d weights, netuid %d requires at least %d", tx.ErrTooFewWeights, len(uids), s.n, need))
	}
	return nil
}

// confirmRow checks the row, shows it and asks to go on.
func (a *app) confirmRow(s *weightsSession, f *weightsFlags, uids []tao.UID, vals []uint16, vk uint64, title string) (bool, error) {
	if err := s.checkRow(uids); err != nil {
		return false, err
	}
	given := map[int]float32{}
	for i, u := range f.uids {
		given[u] = f.weights[i]
	}
	parts := make([]string, len(uids))
	for i, u := range uids {
		parts[i] = fmt.Sprintf("%d: %g → %d", u, given[int(u)], vals[i])
	}
	st := s.status
	summary := [][2]string{
		{"Subnet", strconv.Itoa(int(s.n))},
		{"Hotkey", fmt.Sprintf("%s (uid %d)", s.hotkey, st.UID)},
		{"Weights (u16)", strings.Join(parts, ", ")},
		{"Version key", strconv.FormatUint(vk, 10)},
	}
	if st.CommitReveal {
		summary = append(summary, [2]string{"Commit-reveal", fmt.Sprintf("on: revealed %d epoch(s) after the commit (epoch %d now, next in about %d blocks)",
			st.RevealPeriodEpochs, st.Epoch, st.BlocksUntilEpoch)})
	}
	if !st.ValidatorPermit && !(len(uids) == 1 && uids[0] == tao.UID(st.UID)) {
		a.warn("uid %d holds no validator permit: the chain accepts only its own weight", st.UID)
	}
	return a.confirm(title, summary, "Send?")
}

// versionKey is --version-key, or the subnet's minimum.
func (f *weightsFlags) versionKeyFor(cmd *cobra.Command, st *apitypes.Weights) uint64 {
	if cmd.Flags().Changed("version-key") {
		return f.versionKey
	}
	return st.VersionKey
}

func newWeightsSetCmd(a *app) *cobra.Command {
	var f weightsFlags
	cmd := &cobra.Command{
		Use:   "set",
		Short: "Set weights (committing and revealing them when commit-reveal is on)",
		Long: `Set the hotkey's weights on a subnet, e.g.

  gotensor weights set --netuid 1 --uids 1,2 --weights 0.3,0.7

The floats are converted as the Bittensor SDK does: scaled so the largest is
65535, rounded half to even, zeros dropped. Without commit-reveal this sends
set_weights. With it, it commits the weights (random salt, saved to disk
first), waits for the reveal epoch showing progress, and reveals them; with
--json it prints one document at the end.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlag(cmd, "netuid"); err != nil {
				return err
			}
			uids, vals, err := f.row(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			s, err := a.weightsSession(ctx, &f)
			if err != nil {
				return err
			}
			vk := f.versionKeyFor(cmd, s.status)
			if ok, err := a.confirmRow(s, &f, uids, vals, vk, "Set weights"); err != nil || !ok {
				return a.cancelled(err)
			}
			doc := weightsDoc{NetUID: f.netuid, Hotkey: s.hotkey, UID: s.status.UID, UIDs: uids, Weights: vals,
				VersionKey: vk, CommitReveal: s.status.CommitReveal, TxHashes: []apitypes.Hash{}}
			if !s.status.CommitReveal {
				return a.setWeightsDirect(ctx, s, &f, doc)
			}
			cm, err := weights.NewCommit(s.hotkey, s.n, uids, vals, vk)
			if err != nil {
				return err
			}
			sender, err := a.weightsSender(ctx, s, &f)
			if err != nil {
				return err
			}
			if err := a.commit(ctx, s, sender, &cm, &doc); err != nil {
				return err
			}
			if err := a.revealWhenDue(ctx, s, sender, cm, &doc); err != nil {
				return err
			}
			return a.result(doc, func() {
				a.success("Weights revealed on netuid %d in block %d (committed in block %d)", f.netuid, doc.RevealBlock, doc.CommitBlock)
				a.printf("  uids     %v\n  weights  %v\n", uids, vals)
			})
		},
	}
	f.register(cmd, true, false)
	return cmd
}

// weightsSender unlocks the hotkey and returns a Sender for it.
func (a *app) weightsSender(ctx context.Context, s *weightsSession, f *weightsFlags) (*client.Sender, error) {
	pair, err := a.hotkey(&f.w)
	if err != nil {
		return nil, err
	}
	sender, err := s.c.NewSender(ctx, pair)
	if err != nil {
		return nil, nodeError(s.c, err)
	}
	return sender, nil
}

// setWeightsDirect sends set_weights and prints the result.
func (a *app) setWeightsDirect(ctx context.Context, s *weightsSession, f *weightsFlags, doc weightsDoc) error {
	pair, err := a.hotkey(&f.w)
	if err != nil {
		return err
	}
	call := tx.SetWeights{NetUID: s.n, UIDs: doc.UIDs, Values: doc.Weights, VersionKey: doc.VersionKey}
	res, err := a.submit(ctx, s.c, pair, call)
	if err != nil {
		return weightsError(s, err)
	}
	doc.Success, doc.Block, doc.TxHashes = true, res.Height, []apitypes.Hash{res.Hash}
	return a.result(doc, func() {
		a.success("Weights set on netuid %d in block %d", s.n, res.Height)
		a.printf("  uids         %v\n  weights      %v\n  transaction  %s\n", doc.UIDs, doc.Weights, res.Hash)
	})
}

// commit saves cm, sends commit_weights, and records where it landed (in
// cm's file and in doc).
func (a *app) commit(ctx context.Context, s *weightsSession, sender *client.Sender, cm *weights.Commit, doc *weightsDoc) error {
	path, err := s.store.Save(*cm) // before sending: a crash must not lose the salt
	if err != nil {
		return withHint(err, "check that the wallet directory is writable")
	}
	stop := a.spin("Waiting for commit_weights to be included in a block…")
	res, err := sender.Send(ctx, cm.CommitCall(), true)
	stop()
	if err != nil {
		if !errors.Is(err, client.ErrTimeout) { // refused or failed: nothing on chain to reveal
			_ = s.store.Remove(*cm)
		}
		return weightsError(s, callError(s.c, cm.CommitCall(), res, err))
	}
	cm.CommitBlock, cm.CommitTx = tao.BlockHeight(res.Height), res.Hash.String()
	for _, e := range res.Events {
		if v, ok := e.Attr("reveal_epoch"); ok && e.Type == "weights_committed" {
			cm.RevealEpoch, _ = strconv.ParseUint(v, 10, 64)
		}
	}
	if _, err := s.store.Save(*cm); err != nil {
		a.warn("could not record the commit block in %s: %v", path, err)
	}
	hash := cm.Hash()
	doc.CommitHash, doc.Salt, doc.CommitBlock, doc.RevealEpoch = hash[:], cm.Salt, uint64(res.Height), cm.RevealEpoch
	doc.SavedTo = path
	doc.TxHashes = append(doc.TxHashes, res.Hash)
	a.infof("Committed in block %d; reveal in epoch %d. The salt is saved in %s\n", res.Height, cm.RevealEpoch, path)
	return nil
}

// revealWhenDue waits until cm's reveal epoch, showing progress, reveals
// it, and deletes its file. Interrupted, it leaves the file for `weights
// reveal`.
func (a *app) revealWhenDue(ctx context.Context, s *weightsSession, sender *client.Sender, cm weights.Commit, doc *weightsDoc) error {
	ctx, stopSignals := signal.NotifyContext(ctx, os.Interrupt)
	defer stopSignals()
	newBlocks, err := s.c.Subscribe(ctx, 0)
	if err != nil {
		newBlocks = nil // fall back to polling
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	hash := cm.Hash()
	update, stop := a.progress("Waiting for the reveal epoch…")
	defer stop()
	for {
		if err := s.refresh(ctx); err != nil {
			return err
		}
		c, found := findCommit(s.status, hash)
		switch {
		case !found:
			return withHint(fmt.Errorf("commit %x is no longer on chain (revealed, or dropped by a later reveal)", hash[:8]),
				"nothing left to reveal; `gotensor weights show --netuid %d` lists the hotkey's commits", s.n)
		case c.State == "expired":
			return withHint(fmt.Errorf("%w: committed in epoch %d, the reveal was due in epoch %d, now epoch %d", tx.ErrCommitExpired, c.Epoch, c.RevealEpoch, s.status.Epoch),
				"commit again with `gotensor weights set`")
		case c.State == "due":
			update(fmt.Sprintf("revealing in epoch %d…", c.RevealEpoch))
			res, err := sender.Send(ctx, cm.RevealCall(), true)
			switch {
			case err == nil:
				_ = s.store.Remove(cm)
				doc.Success, doc.RevealBlock, doc.SavedTo = true, res.Height, ""
				doc.TxHashes = append(doc.TxHashes, res.Hash)
				return nil
			case !errors.Is(err, tx.ErrRevealTooEarly): // too early: the epoch turned between the read and the check
				return weightsError(s, callError(s.c, cm.RevealCall(), res, err))
			}
		default:
			update(fmt.Sprintf("committed at block %d, revealing in epoch %d — about %s (epoch %d now)",
				c.Block, c.RevealEpoch, blocks(c.BlocksUntilReveal), s.status.Epoch))
		}
		select {
		case <-ctx.Done():
			stop()
			return withHint(errors.New("interrupted before the reveal"),
				"the commit is saved; finish with `gotensor weights reveal --netuid %d` before epoch %d ends", s.n, c.RevealEpoch)
		case <-newBlocks:
		case <-tick.C:
		}
	}
}

// blocks formats a block count: "1 block", "95 blocks".
func blocks(n uint64) string {
	if n == 1 {
		return "1 block"
	}
	return strconv.FormatUint(n, 10) + " blocks"
}

func findCommit(st *apitypes.Weights, hash [32]byte) (apitypes.WeightCommit, bool) {
	for _, c := range st.Commits {
		if [32]byte(c.Hash) == hash {
			return c, true
		}
	}
	return apitypes.WeightCommit{}, false
}

// weightsError adds the next step for the weights rules.
func weightsError(s *weightsSession, err error) error {
	hints := []struct {
		code *tx.Error
		hint string
	}{
		{tx.ErrWeightsRateLimit, fmt.Sprintf("one update per %d blocks; retry at block %d", s.status.RateLimit, s.status.NextUpdate)},
		{tx.ErrNoValidatorPermit, "permits go to the top validators by stake at each epoch; stake more, or set only your own uid's weight"},
		{tx.ErrWeightsStake, "stake more to the hotkey with `gotensor stake add`"},
		{tx.ErrWeightsVersionKey, fmt.Sprintf("pass --version-key %d or higher", s.status.VersionKey)},
		{tx.ErrTooFewWeights, fmt.Sprintf("weigh at least %d uids", min(s.status.MinAllowedWeights, s.status.N))},
		{tx.ErrInvalidUID, fmt.Sprintf("the subnet has uids 0 to %d", s.status.N-1)},
		{tx.ErrCommitRevealEnabled, "use `gotensor weights set`, which commits and reveals"},
		{tx.ErrCommitRevealDisabled, "use `gotensor weights set`, which sends set_weights directly"},
		{tx.ErrTooManyCommits, "reveal pending commits with `gotensor weights reveal`, or wait for them to expire"},
	}
	var ue *UserError
	if errors.As(err, &ue) && ue.Hint != "" {
		return err
	}
	for _, h := range hints {
		if errors.Is(err, h.code) {
			return withHint(err, "%s", h.hint)
		}
	}
	return err
}

func newWeightsCommitCmd(a *app) *cobra.Command {
	var f weightsFlags
	cmd := &cobra.Command{
		Use:   "commit",
		Short: "Commit weights by hash, to reveal them later",
		Long: `Commit the hotkey's weights on a commit-reveal subnet and return at once. The
commit (with its salt, random unless --salt is given) is saved under the
wallet's reveals directory; reveal it in its reveal epoch with
"gotensor weights reveal --netuid N".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlag(cmd, "netuid"); err != nil {
				return err
			}
			uids, vals, err := f.row(cmd)
			if err != nil {
				return err
			}
			salt, err := f.saltValue()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			s, err := a.weightsSession(ctx, &f)
			if err != nil {
				return err
			}
			if !s.status.CommitReveal {
				return withHint(fmt.Errorf("%w: netuid %d", tx.ErrCommitRevealDisabled, s.n), "use `gotensor weights set`, which sends set_weights directly")
			}
			vk := f.versionKeyFor(cmd, s.status)
			cm, err := weights.NewCommit(s.hotkey, s.n, uids, vals, vk)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("salt") {
				cm.Salt = salt
			}
			if ok, err := a.confirmRow(s, &f, uids, vals, vk, "Commit weights"); err != nil || !ok {
				return a.cancelled(err)
			}
			sender, err := a.weightsSender(ctx, s, &f)
			if err != nil {
				return err
			}
			doc := weightsDoc{NetUID: f.netuid, Hotkey: s.hotkey, UID: s.status.UID, UIDs: uids, Weights: vals,
				VersionKey: vk, CommitReveal: true, TxHashes: []apitypes.Hash{}}
			if err := a.commit(ctx, s, sender, &cm, &doc); err != nil {
				return err
			}
			doc.Success = true
			if err := s.refresh(ctx); err == nil {
				if c, ok := findCommit(s.status, cm.Hash()); ok {
					a.infof("The reveal is due in about %s.\n", blocks(c.BlocksUntilReveal))
				}
			}
			return a.result(doc, func() {
				a.success("Weights committed on netuid %d in block %d; reveal in epoch %d", s.n, doc.CommitBlock, doc.RevealEpoch)
				a.printf("  hash   %s\n  salt   %v\n  saved  %s\n  reveal `gotensor weights reveal --netuid %d`\n", doc.CommitHash, cm.Salt, doc.SavedTo, s.n)
			})
		},
	}
	f.register(cmd, true, true)
	return cmd
}

func newWeightsRevealCmd(a *app) *cobra.Command {
	var (
		f      weightsFlags
		noWait bool
	)
	cmd := &cobra.Command{
		Use:   "reveal",
		Short: "Reveal committed weights (waiting for their reveal epoch)",
		Long: `Reveal a commit of the hotkey on a subnet. Without --uids/--weights it reveals
the oldest commit saved under the wallet's reveals directory that is still on
chain; with them (and --salt, unless a saved commit has those weights) it
reveals exactly those. It waits for the reveal epoch, showing progress,
unless --no-wait is given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlag(cmd, "netuid"); err != nil {
				return err
			}
			ctx := cmd.Context()
			s, err := a.weightsSession(ctx, &f)
			if err != nil {
				return err
			}
			cm, err := a.pickCommit(cmd, s, &f)
			if err != nil {
				return err
			}
			c, _ := findCommit(s.status, cm.Hash())
			if noWait && c.State != "due" {
				return withHint(fmt.Errorf("%w: reveal in epoch %d, now epoch %d (about %s left)", tx.ErrRevealTooEarly, c.RevealEpoch, s.status.Epoch, blocks(c.BlocksUntilReveal)),
					"run again then, or without --no-wait to wait for it")
			}
			sender, err := a.weightsSender(ctx, s, &f)
			if err != nil {
				return err
			}
			hash := cm.Hash()
			doc := weightsDoc{NetUID: f.netuid, Hotkey: s.hotkey, UID: s.status.UID, UIDs: cm.UIDs, Weights: cm.Values,
				VersionKey: cm.VersionKey, CommitReveal: true, CommitHash: hash[:], Salt: cm.Salt, CommitBlock: c.Block,
				RevealEpoch: c.RevealEpoch, TxHashes: []apitypes.Hash{}}
			if err := a.revealWhenDue(ctx, s, sender, cm, &doc); err != nil {
				return err
			}
			return a.result(doc, func() {
				a.success("Weights revealed on netuid %d in block %d", s.n, doc.RevealBlock)
				a.printf("  uids     %v\n  weights  %v\n", cm.UIDs, cm.Values)
			})
		},
	}
	f.register(cmd, true, true)
	cmd.Flags().BoolVar(&noWait, "no-wait", false, "fail instead of waiting when the reveal epoch has not come")
	return cmd
}

// pickCommit chooses the commit to reveal: the one the flags describe, or
// the oldest saved commit still on chain. Saved commits the chain no
// longer holds are deleted.
func (a *app) pickCommit(cmd *cobra.Command, s *weightsSession, f *weightsFlags) (weights.Commit, error) {
	saved, err := s.store.List(s.n, s.hotkey)
	if err != nil {
		return weights.Commit{}, err
	}
	var live []weights.Commit
	for _, cm := range saved {
		c, ok := findCommit(s.status, cm.Hash())
		switch {
		case !ok && cm.CommitBlock == 0:
			continue // perhaps still in flight: leave it
		case !ok:
			a.warn("dropping saved commit %x: no longer on chain (revealed or dropped by a later reveal)", cm.Hash())
		case c.State == "expired":
			a.warn("dropping saved commit %x: expired in epoch %d", cm.Hash(), c.RevealEpoch)
		default:
			live = append(live, cm)
			continue
		}
		_ = s.store.Remove(cm)
	}
	if cmd.Flags().Changed("uids") || cmd.Flags().Changed("weights") {
		uids, vals, err := f.row(cmd)
		if err != nil {
			return weights.Commit{}, err
		}
		cm := weights.Commit{NetUID: s.n, Hotkey: s.hotkey, UIDs: uids, Values: vals, VersionKey: f.versionKeyFor(cmd, s.status)}
		if cmd.Flags().Changed("salt") {
			if cm.Salt, err = f.saltValue(); err != nil {
				return weights.Commit{}, err
			}
		} else {
			for _, l := range live {
				if slices.Equal(l.UIDs, cm.UIDs) && slices.Equal(l.Values, cm.Values) && (l.VersionKey == cm.VersionKey || !cmd.Flags().Changed("version-key")) {
					cm = l
					break
				}
			}
			if cm.Salt == nil {
				return weights.Commit{}, usageErrorf("no saved commit of these weights: pass --salt")
			}
		}
		if c, ok := findCommit(s.status, cm.Hash()); !ok || c.State == "expired" {
			return weights.Commit{}, withHint(fmt.Errorf("%w: the hotkey has no live commit of these weights, salt and version key", tx.ErrRevealHashMismatch),
				"check --uids, --weights, --salt and --version-key against the commit")
		}
		return cm, nil
	}
	if len(live) == 0 {
		return weights.Commit{}, withHint(fmt.Errorf("%w: no saved commit of hotkey %s on netuid %d in %s", tx.ErrNoCommit, s.hotkey, s.n, s.store.Dir),
			"commit with `gotensor weights commit`, or pass --uids, --weights and --salt of a commit made elsewhere")
	}
	return live[0], nil
}

func newWeightsShowCmd(a *app) *cobra.Command {
	var f weightsFlags
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Show the hotkey's weights, rate limit and pending commits on a subnet",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlag(cmd, "netuid"); err != nil {
				return err
			}
			s, err := a.weightsSession(cmd.Context(), &f)
			if err != nil {
				return err
			}
			st := s.status
			return a.result(st, func() {
				a.printf("netuid %d, hotkey %s (uid %d) at block %d\n", st.NetUID, st.Hotkey, st.UID, st.Block)
				cr := "off"
				if st.CommitReveal {
					cr = fmt.Sprintf("on (reveal %d epoch(s) after the commit)", st.RevealPeriodEpochs)
				}
				a.printf("  commit-reveal   %s\n  epoch           %d (next in %s, tempo %d)\n", cr, st.Epoch, blocks(st.BlocksUntilEpoch), st.Tempo)
				a.printf("  last update     block %d (next allowed at block %d, limit %d)\n", st.LastUpdate, st.NextUpdate, st.RateLimit)
				a.printf("  permit          %v, version key ≥ %d\n", st.ValidatorPermit, st.VersionKey)
				rows := make([][]string, len(st.Weights))
				for i, p := range st.Weights {
					rows[i] = []string{strconv.Itoa(int(p[0])), strconv.Itoa(int(p[1]))}
				}
				a.table("Weights", []string{"UID", "Value (u16)"}, rows, nil)
				rows = make([][]string, len(st.Commits))
				for i, c := range st.Commits {
					rows[i] = []string{c.Hash.String()[:18] + "…", strconv.FormatUint(c.Block, 10), strconv.FormatUint(c.RevealEpoch, 10), c.State, strconv.FormatUint(c.BlocksUntilReveal, 10)}
				}
				a.table("Commits", []string{"Hash", "Block", "Reveal epoch", "State", "Blocks left"}, rows, nil)
			})
		},
	}
	f.register(cmd, false, false)
	return cmd
}
