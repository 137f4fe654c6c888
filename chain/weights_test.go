package chain

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// weightsEnv is a stakeEnv with subnet 1: acct(9) owns it, hot[0] is the
// owner's hotkey at uid 0, hot[1…] are neurons of acct(1) at uids 1…, and
// the epoch is pinned (tempo 1000, never due) so tests move it with
// setEpoch.
type weightsEnv struct {
	*stakeEnv
	hot []tao.AccountID
}

const wnet tao.NetUID = 1

func newWeightsEnv(t testing.TB, neurons int, commitReveal bool) *weightsEnv {
	t.Helper()
	e := &weightsEnv{stakeEnv: newStakeEnv(t)}
	e.subnet(wnet, 1000*tao.RaoPerTAO, 1000*tao.RaoPerTAO)
	hp := DefaultHyperparams(1000)
	hp.CommitRevealEnabled = commitReveal
	hp.MaxAllowedUids = max(hp.MaxAllowedUids, uint16(neurons))
	e.s.setHyperparams(wnet, hp)
	for i := range neurons {
		hk := tao.AccountID{100, byte(i >> 8), byte(i), 1}
		cold := acct(1)
		if i == 0 {
			cold = acct(9)
		}
		e.hotkey(cold, hk)
		e.s.appendNeuron(wnet, hk, Block{Height: e.height})
		e.hot = append(e.hot, hk)
	}
	info, _ := e.s.Subnet(wnet)
	info.OwnerHotkey = e.hot[0]
	e.s.setSubnet(wnet, info)
	e.s.setSchedule(wnet, Schedule{LastEpochBlock: e.height, StepBase: e.height})
	require.NoError(t, CheckInvariants(e.s))
	return e
}

// hp changes subnet 1's hyperparameters.
func (e *weightsEnv) hp(f func(*Hyperparams)) {
	h := e.s.Hyperparams(wnet)
	f(&h)
	e.s.setHyperparams(wnet, h)
}

// permits stores validator permits as an epoch would.
func (e *weightsEnv) permits(uids ...int) {
	out := make([]yuma.Result, len(e.hot))
	for _, u := range uids {
		out[u].ValidatorPermit = true
	}
	e.s.persistEpoch(wnet, out)
}

// skip moves the height on by n blocks.
func (e *weightsEnv) skip(n tao.BlockHeight) { e.height += n }

// setEpoch makes idx subnet 1's epoch index, with the next epoch not due.
func (e *weightsEnv) setEpoch(idx uint64) {
	sc := e.s.Schedule(wnet)
	sc.EpochIndex, sc.LastEpochBlock = idx, e.height
	e.s.setSchedule(wnet, sc)
}

func sw(uids []tao.UID, values []uint16, vk uint64) tx.SetWeights {
	return tx.SetWeights{NetUID: wnet, UIDs: uids, Values: values, VersionKey: vk}
}

// TestSetWeights_Rules: every check of spec §6.1, in order, each failing
// call changing nothing but the hotkey's nonce (weights calls are
// fee-free) and naming its rule.
func TestSetWeights_Rules(t *testing.T) {
	e := newWeightsEnv(t, 4, false)
	e.hp(func(h *Hyperparams) { h.MinAllowedWeights = 2; h.WeightsVersionKey = 5 })
	e.permits(1)
	e.ok(acct(1), tx.AddStake{Hotkey: e.hot[1], NetUID: wnet, AmountTAO: 10 * tao.RaoPerTAO})
	e.ok(acct(1), tx.AddStake{Hotkey: e.hot[2], NetUID: wnet, AmountTAO: 10 * tao.RaoPerTAO})
	found, err := e.s.setEmissionParam("stake_threshold", uint64(tao.RaoPerTAO))
	require.True(t, found)
	require.NoError(t, err)
	e.skip(100) // past the rate limit counted from registration

	u := func(x ...tao.UID) []tao.UID { return x }
	v := func(x ...uint16) []uint16 { return x }
	h1, h2, h3 := e.hot[1], e.hot[2], e.hot[3]
	for _, c := range []struct {
		name   string
		signer tao.AccountID
		call   tx.SetWeights
		code   *tx.Error
		msg    []string
	}{
		{"root subnet", h1, tx.SetWeights{NetUID: 0, UIDs: u(0), Values: v(1)}, tx.ErrRootSubnet, []string{"netuid 0"}},
		{"no subnet", h1, tx.SetWeights{NetUID: 7, UIDs: u(0), Values: v(1)}, tx.ErrSubnetNotFound, []string{"netuid 7"}},
		{"lengths", h1, sw(u(0, 2), v(1), 5), tx.ErrWeightsLength, []string{"2 uids, 1 weights"}},
		{"more than neurons", h1, sw(u(0, 1, 2, 3, 4), v(1, 1, 1, 1, 1), 5), tx.ErrTooManyWeights, []string{"5 weights", "4 neurons"}},
		{"not registered", acct(50), sw(u(0, 2), v(1, 1), 5), tx.ErrNotRegistered, []string{"gotensor subnets register"}},
		{"stake threshold", h3, sw(u(3), v(1), 5), tx.ErrWeightsStake, []string{"threshold 1.0", "gotensor stake add"}},
		{"version key", h1, sw(u(0, 2), v(1, 1), 4), tx.ErrWeightsVersionKey, []string{"version key 4", "at least 5"}},
		{"no permit", h2, sw(u(0, 1), v(1, 1), 5), tx.ErrNoValidatorPermit, []string{"uid 2", "own weight"}},
		{"duplicates", h1, sw(u(0, 0), v(1, 2), 5), tx.ErrDuplicateUIDs, []string{"uid 0 appears twice"}},
		{"uid out of range", h1, sw(u(0, 9), v(1, 2), 5), tx.ErrInvalidUID, []string{"uid 9", "uids 0 to 3"}},
		{"too few", h1, sw(u(0), v(1), 5), tx.ErrTooFewWeights, []string{"1 weights", "at least 2"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			e.fails(c.signer, c.call, c.code, c.msg...)
		})
	}
	e.t = t

	// The successful call: values max-upscaled, LastUpdate set, then rate
	// limited.
	res := e.ok(h1, sw(u(0, 2), v(1, 3), 5))
	require.Equal(t, []yuma.Entry{{UID: 0, Value: 21845}, {UID: 2, Value: 65535}}, e.s.WeightsRow(wnet, 1))
	require.Equal(t, e.height, e.s.LastUpdate(wnet)[1])
	require.Equal(t, map[string]string{"netuid": "1", "uid": "1", "hotkey": h1.String(), "count": "2"}, event(t, res, EventWeightsSet))
	e.fails(h1, sw(u(0, 2), v(1, 1), 5), tx.ErrWeightsRateLimit, "weights rate limit: 99 blocks left")
	e.skip(99)
	e.ok(h1, sw(u(2, 0), v(7, 0), 5))
	require.Equal(t, []yuma.Entry{{UID: 2, Value: 65535}, {UID: 0, Value: 0}}, e.s.WeightsRow(wnet, 1), "order and zeros kept")

	// A neuron without a permit may set its own weight alone, whatever
	// MinAllowedWeights; the owner's hotkey needs neither permit nor stake.
	e.ok(h2, sw(u(2), v(9), 5))
	require.Equal(t, []yuma.Entry{{UID: 2, Value: 65535}}, e.s.WeightsRow(wnet, 2))
	e.ok(e.hot[0], sw(u(1, 2), v(1, 1), 5))

	// With commit–reveal on, set_weights is refused.
	e.hp(func(h *Hyperparams) { h.CommitRevealEnabled = true })
	e.skip(100)
	e.fails(h1, sw(u(0, 2), v(1, 1), 5), tx.ErrCommitRevealEnabled, "commit them with commit_weights")
}

// TestSetWeights_MinWeightsCappedBySubnetSize: the minimum is
// min(MinAllowedWeights, n), and a version key of 0 accepts any.
func TestSetWeights_MinWeightsCappedBySubnetSize(t *testing.T) {
	e := newWeightsEnv(t, 3, false)
	e.hp(func(h *Hyperparams) { h.MinAllowedWeights = 1000 })
	e.skip(100)
	e.ok(e.hot[0], sw([]tao.UID{0, 1, 2}, []uint16{1, 1, 1}, 0))
	require.Equal(t, row(0, 65535, 1, 65535, 2, 65535), e.s.WeightsRow(wnet, 0))
}

// TestSetWeights_RootStakeCounts: the stake threshold reads alpha plus
// root stake × TaoWeight.
func TestSetWeights_RootStakeCounts(t *testing.T) {
	e := newWeightsEnv(t, 2, false)
	_, err := e.s.setEmissionParam("stake_threshold", uint64(tao.RaoPerTAO))
	require.NoError(t, err)
	e.skip(100)
	self := sw([]tao.UID{1}, []uint16{1}, 0)
	e.fails(e.hot[1], self, tx.ErrWeightsStake, "stake weight 0.0")
	e.ok(acct(1), tx.AddStake{Hotkey: e.hot[1], NetUID: tao.RootNetUID, AmountTAO: 100 * tao.RaoPerTAO})
	_, err = e.s.setEmissionParam("tao_weight", 1<<63) // ≈ 0.5
	require.NoError(t, err)
	e.ok(e.hot[1], self)
}

// commitOf returns the hash hotkey commits to for c.
func commitOf(hotkey tao.AccountID, c tx.RevealWeights) tx.CommitWeights {
	return tx.CommitWeights{NetUID: c.NetUID, Hash: tx.CommitHash(hotkey, c.NetUID, c.UIDs, c.Values, c.Salt, c.VersionKey)}
}

func reveal(values []uint16, salt ...uint16) tx.RevealWeights {
	uids := make([]tao.UID, len(values))
	for i := range uids {
		uids[i] = tao.UID(i)
	}
	return tx.RevealWeights{NetUID: wnet, UIDs: uids, Values: values, Salt: salt}
}

// TestCommitReveal_Rules: commit and reveal, each rule of spec §6.2 as a
// failing call that changes nothing.
func TestCommitReveal_Rules(t *testing.T) {
	e := newWeightsEnv(t, 3, true)
	hk := e.hot[0] // the owner's hotkey: no permit or stake needed
	r := reveal([]uint16{1, 2, 3}, 7, 7)
	e.setEpoch(4)

	e.fails(hk, r, tx.ErrNoCommit, "has no commits", "gotensor weights commit")
	e.fails(hk, commitOf(hk, r), tx.ErrWeightsRateLimit, "blocks left") // LastUpdate is the registration
	e.fails(acct(50), commitOf(acct(50), r), tx.ErrNotRegistered)
	e.fails(hk, tx.CommitWeights{NetUID: 9}, tx.ErrSubnetNotFound)
	e.skip(100)
	res := e.ok(hk, commitOf(hk, r))
	require.Equal(t, "4", event(t, res, EventWeightsCommitted)["epoch"])
	require.Equal(t, "5", event(t, res, EventWeightsCommitted)["reveal_epoch"])
	require.Equal(t, e.height, e.s.LastUpdate(wnet)[0], "a commit counts as the weight update")
	require.Empty(t, e.s.WeightsRow(wnet, 0), "nothing set before the reveal")

	e.fails(hk, r, tx.ErrRevealTooEarly, "committed in epoch 4, reveal in epoch 5, now epoch 4", "blocks left")
	e.setEpoch(5)
	wrongSalt := r
	wrongSalt.Salt = []uint16{7, 8}
	e.fails(hk, wrongSalt, tx.ErrRevealHashMismatch, "salt")
	wrongVersion := r
	wrongVersion.VersionKey = 1
	e.fails(hk, wrongVersion, tx.ErrRevealHashMismatch)
	e.fails(e.hot[1], r, tx.ErrNoCommit) // another hotkey's reveal of the same weights

	lastUpdate := e.s.LastUpdate(wnet)[0]
	res = e.ok(hk, r)
	require.Equal(t, row(0, 21845, 1, 43690, 2, 65535), e.s.WeightsRow(wnet, 0))
	want := commitOf(hk, r).Hash
	require.Equal(t, want[:], mustHex(t, event(t, res, EventWeightsRevealed)["hash"]))
	require.Equal(t, "3", event(t, res, EventWeightsSet)["count"])
	require.Equal(t, lastUpdate, e.s.LastUpdate(wnet)[0], "with commit-reveal the reveal leaves LastUpdate alone")
	require.Empty(t, e.s.WeightCommits(wnet, hk))
	e.fails(hk, r, tx.ErrNoCommit, "has no commits")

	// Expiry: a commit not revealed in its reveal epoch can never be.
	e.skip(100)
	e.ok(hk, commitOf(hk, r))
	e.setEpoch(7)
	e.fails(hk, r, tx.ErrCommitExpired, "committed in epoch 5, the reveal was due in epoch 6, now epoch 7", "commit again")

	// Commit–reveal off: both halves are refused.
	e.hp(func(h *Hyperparams) { h.CommitRevealEnabled = false })
	e.fails(hk, commitOf(hk, r), tx.ErrCommitRevealDisabled, "use set_weights")
	e.fails(hk, r, tx.ErrCommitRevealDisabled)
}

// TestCommitReveal_Queue: at most MaxUnrevealedCommits per hotkey; expired
// commits leave the front of the queue on the next commit; a reveal drops
// the commits older than the one revealed; a reveal failing the set_weights
// checks keeps its commit.
func TestCommitReveal_Queue(t *testing.T) {
	e := newWeightsEnv(t, 3, true)
	hk := e.hot[0]
	e.hp(func(h *Hyperparams) { h.WeightsSetRateLimit = 0; h.RevealPeriodEpochs = 2 })
	e.setEpoch(1)
	rs := make([]tx.RevealWeights, MaxUnrevealedCommits+1)
	for i := range rs {
		rs[i] = reveal([]uint16{1, uint16(i)}, uint16(i))
	}
	for i := range MaxUnrevealedCommits {
		if i == 5 {
			e.setEpoch(2)
		}
		e.ok(hk, commitOf(hk, rs[i]))
	}
	e.fails(hk, commitOf(hk, rs[10]), tx.ErrTooManyCommits, "has 10", "limit is 10", "from epoch 3")

	// Epoch 4: the five commits of epoch 1 expired (reveal epoch 3).
	e.setEpoch(4)
	e.ok(hk, commitOf(hk, rs[10]))
	require.Len(t, e.s.WeightCommits(wnet, hk), 6)
	require.Equal(t, uint64(e.s.WeightCommits(wnet, hk)[0].Block), e.s.EarliestCommitBlocks(wnet)[0])

	// rs[7] is due (epoch 2 + 2); revealing it drops rs[5] and rs[6] too.
	e.fails(hk, rs[10], tx.ErrRevealTooEarly, "committed in epoch 4, reveal in epoch 6") // not due yet
	e.fails(hk, rs[0], tx.ErrRevealHashMismatch)                                         // expired, and pruned by the last commit
	e.ok(hk, rs[7])
	left := e.s.WeightCommits(wnet, hk)
	require.Len(t, left, 3)
	require.Equal(t, commitOf(hk, rs[8]).Hash, left[0].Hash)
	e.fails(hk, rs[6], tx.ErrRevealHashMismatch)
}

// TestCommitReveal_RevealRunsSetWeightsChecks: the revealed weights must
// pass set_weights' checks, or the reveal fails and its commit stays.
func TestCommitReveal_RevealRunsSetWeightsChecks(t *testing.T) {
	e := newWeightsEnv(t, 3, true)
	hk := e.hot[0]
	e.skip(100)
	e.setEpoch(1)
	bad := tx.RevealWeights{NetUID: wnet, UIDs: []tao.UID{1, 1}, Values: []uint16{1, 2}}
	e.ok(hk, commitOf(hk, bad))
	e.setEpoch(2)
	e.fails(hk, bad, tx.ErrDuplicateUIDs)
	require.Len(t, e.s.WeightCommits(wnet, hk), 1)
}

// TestCommitReveal_LookAhead: in a block where the subnet's epoch is due
// but has not run (deferred), a commit belongs to the epoch about to fire.
func TestCommitReveal_LookAhead(t *testing.T) {
	e := newWeightsEnv(t, 2, true)
	hk := e.hot[0]
	e.skip(100)
	e.setEpoch(3)
	e.hp(func(h *Hyperparams) { h.Tempo = 50 })
	sc := e.s.Schedule(wnet)
	sc.LastEpochBlock = e.height + 1 - 50 // due at the next block
	e.s.setSchedule(wnet, sc)
	r := reveal([]uint16{5, 5})
	res := e.ok(hk, commitOf(hk, r))
	require.Equal(t, "4", event(t, res, EventWeightsCommitted)["epoch"])
	require.Equal(t, "5", event(t, res, EventWeightsCommitted)["reveal_epoch"])
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// TestBatchSetWeights: items apply independently; a failed item (here
// commit–reveal on its subnet) is reported by an event and the others
// stand; a batch where every item fails fails and changes nothing.
func TestBatchSetWeights(t *testing.T) {
	e := newWeightsEnv(t, 2, false)
	hk := e.hot[0]
	e.subnet(2, 1000*tao.RaoPerTAO, 1000*tao.RaoPerTAO) // commit–reveal on (the default)
	e.s.appendNeuron(2, hk, Block{Height: e.height})
	e.skip(100)

	res := e.ok(hk, tx.BatchSetWeights{Items: []tx.SetWeights{
		{NetUID: 2, UIDs: []tao.UID{0}, Values: []uint16{1}},
		sw([]tao.UID{1}, []uint16{4}, 0),
	}})
	failed := event(t, res, EventBatchItemFailed)
	require.Equal(t, "0", failed["index"])
	require.Equal(t, "2", failed["netuid"])
	require.Equal(t, "409", failed["code"])
	require.Contains(t, failed["error"], "commit-reveal is enabled")
	require.Equal(t, "1", event(t, res, EventWeightsSet)["netuid"])
	require.Equal(t, row(1, 65535), e.s.WeightsRow(wnet, 0))
	require.Empty(t, e.s.WeightsRow(2, 0))

	e.fails(hk, tx.BatchSetWeights{Items: []tx.SetWeights{
		{NetUID: 2, UIDs: []tao.UID{0}, Values: []uint16{1}},
		sw([]tao.UID{1}, []uint16{4}, 0), // rate limited now
	}}, tx.ErrBatchFailed, "2 item(s)", "item 0 (netuid 2): commit-reveal is enabled")
}

// row builds a sparse row from (uid, value) pairs.
func row(pairs ...uint16) []yuma.Entry {
	out := make([]yuma.Entry, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, yuma.Entry{UID: pairs[i], Value: pairs[i+1]})
	}
	return out
}

// TestQueryWeights: the status a client reads before and between commit
// and reveal.
func TestQueryWeights(t *testing.T) {
	e := newWeightsEnv(t, 3, true)
	hk := e.hot[0]
	_, ok := QueryWeights(e.s, 9, hk, e.height)
	require.False(t, ok)

	e.setEpoch(2)
	st, ok := QueryWeights(e.s, wnet, hk, e.height)
	require.True(t, ok)
	require.True(t, st.Registered)
	require.Equal(t, tao.UID(0), st.UID)
	require.True(t, st.CommitReveal)
	require.True(t, st.ValidatorPermit, "the owner's uid needs no permit")
	require.Equal(t, uint64(2), st.Epoch)
	require.Equal(t, uint64(1000-1), st.BlocksUntilEpoch, "tempo 1000, last epoch at this height")
	require.Equal(t, e.height+100, st.NextUpdate, "rate limit from the registration")

	e.skip(100)
	r := reveal([]uint16{1, 2, 3})
	e.ok(hk, commitOf(hk, r))
	st, _ = QueryWeights(e.s, wnet, hk, e.height)
	require.Len(t, st.Commits, 1)
	c := st.Commits[0]
	require.Equal(t, e.height, c.Block)
	require.Equal(t, uint64(3), c.RevealEpoch)
	require.Equal(t, "waiting", c.State)
	require.Equal(t, st.BlocksUntilEpoch, c.BlocksUntilReveal)
	require.Equal(t, e.height+100, st.NextUpdate)

	e.setEpoch(3)
	st, _ = QueryWeights(e.s, wnet, hk, e.height)
	require.Equal(t, "due", st.Commits[0].State)
	e.setEpoch(4)
	st, _ = QueryWeights(e.s, wnet, hk, e.height)
	require.Equal(t, "expired", st.Commits[0].State)

	other, _ := QueryWeights(e.s, wnet, acct(77), e.height)
	require.False(t, other.Registered)
	require.Empty(t, other.Commits)
}
