package chain

import (
	"encoding/binary"
	"fmt"

	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
)

// Weights state (subtensor-spec §6, docs/weights.md):
//
//   - Weights: one sparse row per (netuid, uid), the values max-upscaled as
//     set_weights stores them, in the order the neuron gave its uids;
//   - LastUpdate: one vector per subnet, the block of each uid's last weight
//     update (set_weights without commit–reveal, commit_weights with it, or
//     the registration);
//   - WeightCommits: one queue per (netuid, hotkey) of unrevealed hash
//     commits, oldest first, each tagged with the epoch and block of the
//     commit. Commits follow the hotkey, not the uid, as in subtensor.

func weightsKey(n tao.NetUID, uid tao.UID) []byte {
	return []byte{prefixWeights, byte(n >> 8), byte(n), byte(uid >> 8), byte(uid)}
}

func weightCommitsKey(n tao.NetUID, hotkey tao.AccountID) []byte {
	k := make([]byte, 0, 3+32)
	k = append(k, prefixWeightCommits, byte(n>>8), byte(n))
	return append(k, hotkey[:]...)
}

// WeightsRow returns the weights uid set on subnet n, as stored: (target
// uid, value) pairs, max-upscaled so that the largest value is 65535, in
// the order given to set_weights (zeros kept). A uid that never set
// weights has an empty row.
func (s *State) WeightsRow(n tao.NetUID, uid tao.UID) []yuma.Entry {
	return decodeEntries("weights row", s.kv.Get(weightsKey(n, uid)))
}

func (s *State) setWeightsRow(n tao.NetUID, uid tao.UID, row []yuma.Entry) {
	s.setRow(weightsKey(n, uid), row)
}

// LastUpdate returns, per uid of subnet n, the block of its last weight
// update (or of its registration), as long as the subnet (SubnetN): uids
// with no record read 0, as subtensor's get_last_update pads them.
func (s *State) LastUpdate(n tao.NetUID) []tao.BlockHeight {
	lu := decodeU64s[tao.BlockHeight]("last-update vector", s.kv.Get(keyNet(prefixLastUpdate, n)))
	if pad := int(s.SubnetN(n)) - len(lu); pad > 0 {
		lu = append(lu, make([]tao.BlockHeight, pad)...)
	}
	return lu
}

// setLastUpdate records block as uid's last weight update on subnet n.
// Registration calls it with the registration block (through
// resetNeuronWeights), so a new neuron's rate limit and activity count from
// there.
func (s *State) setLastUpdate(n tao.NetUID, uid tao.UID, block tao.BlockHeight) {
	lu := s.LastUpdate(n)
	if int(uid) >= len(lu) {
		lu = append(lu, make([]tao.BlockHeight, int(uid)+1-len(lu))...)
	}
	lu[uid] = block
	s.kv.Set(keyNet(prefixLastUpdate, n), encodeU64s(lu))
}

// WeightCommit is one unrevealed commit_weights: the hash and the epoch
// (SubnetEpochIndex with look-ahead) and block it was made in. It is
// revealed in epoch Epoch + RevealPeriodEpochs and expires after it.
type WeightCommit struct {
	Hash  [32]byte
	Epoch uint64
	Block tao.BlockHeight
}

const weightCommitLen = 32 + 8 + 8

// WeightCommits returns hotkey's unrevealed commits on subnet n, oldest
// first, including any that have expired but were not yet pruned (a commit
// or reveal by the hotkey prunes them).
func (s *State) WeightCommits(n tao.NetUID, hotkey tao.AccountID) []WeightCommit {
	return decodeWeightCommits(s.kv.Get(weightCommitsKey(n, hotkey)))
}

func decodeWeightCommits(b []byte) []WeightCommit {
	if len(b)%weightCommitLen != 0 {
		panic(fmt.Sprintf("chain: corrupt weight commits: %d bytes", len(b)))
	}
	out := make([]WeightCommit, len(b)/weightCommitLen)
	for i := range out {
		r := b[i*weightCommitLen:]
		out[i] = WeightCommit{
			Hash:  [32]byte(r[:32]),
			Epoch: binary.BigEndian.Uint64(r[32:]),
			Block: tao.BlockHeight(binary.BigEndian.Uint64(r[40:])),
		}
	}
	return out
}

func (s *State) setWeightCommits(n tao.NetUID, hotkey tao.AccountID, cs []WeightCommit) {
	if len(cs) == 0 {
		s.kv.Delete(weightCommitsKey(n, hotkey))
		return
	}
	b := make([]byte, 0, weightCommitLen*len(cs))
	for _, c := range cs {
		b = append(b, c.Hash[:]...)
		b = binary.BigEndian.AppendUint64(b, c.Epoch)
		b = binary.BigEndian.AppendUint64(b, uint64(c.Block))
	}
	s.kv.Set(weightCommitsKey(n, hotkey), b)
}

// commitExpired reports whether a commit made in epoch commitEpoch can no
// longer be revealed in epoch current (is_commit_expired).
func commitExpired(commitEpoch, current, revealPeriod uint64) bool {
	return current > satAdd(commitEpoch, revealPeriod)
}

// EarliestCommitBlocks returns, per uid of subnet n, the block of its
// hotkey's earliest unexpired weight commit, or yuma.NoCommit: the
// commit–reveal column mask of the epoch (a validator's weights towards
// uids registered after that block are dropped). Expiry is judged at the
// subnet's current EpochIndex, so the epoch must call it after advancing
// the schedule, as runEpochs does (subtensor's look-ahead is then 0).
func (s *State) EarliestCommitBlocks(n tao.NetUID) []uint64 {
	out := make([]uint64, s.SubnetN(n))
	for i := range out {
		out[i] = yuma.NoCommit
	}
	current, period := s.EpochIndex(n), s.Hyperparams(n).RevealPeriodEpochs
	prefix := keyNet(prefixWeightCommits, n)
	it := s.kv.Iterator(prefix, store.PrefixEnd(prefix))
	defer it.Close()
	for ; it.Valid(); it.Next() {
		uid, ok := s.UIDOf(n, tao.AccountID(it.Key()[3:]))
		if !ok || int(uid) >= len(out) {
			continue
		}
		for _, c := range decodeWeightCommits(it.Value()) {
			if !commitExpired(c.Epoch, current, period) {
				out[uid] = min(out[uid], uint64(c.Block))
				break
			}
		}
	}
	return out
}

// resetNeuronWeights starts uid of subnet n afresh for a neuron registered
// at block b (part of resetNeuron, clear_neuron in subtensor): its own row
// is deleted, every other row's weight towards uid is zeroed (the entry is
// kept), and LastUpdate is set to b. Commits belong to hotkeys, so a
// replaced hotkey's commits stay until they expire; it can no longer reveal
// them.
func (s *State) resetNeuronWeights(n tao.NetUID, uid tao.UID, b Block) {
	s.kv.Delete(weightsKey(n, uid))
	type row struct {
		key []byte
		val []yuma.Entry
	}
	var changed []row // written after the iterator closes
	prefix := keyNet(prefixWeights, n)
	it := s.kv.Iterator(prefix, store.PrefixEnd(prefix))
	for ; it.Valid(); it.Next() {
		entries := decodeEntries("weights row", it.Value())
		hit := false
		for i := range entries {
			if entries[i].UID == uint16(uid) && entries[i].Value != 0 {
				entries[i].Value, hit = 0, true
			}
		}
		if hit {
			changed = append(changed, row{append([]byte(nil), it.Key()...), entries})
		}
	}
	it.Close()
	for _, r := range changed {
		s.kv.Set(r.key, encodeEntries(r.val))
	}
	s.setLastUpdate(n, uid, b.Height)
}

// removeWeights deletes every weights row, the LastUpdate vector and every
// commit of subnet n, for a dissolved subnet.
func (s *State) removeWeights(n tao.NetUID) {
	for _, p := range [...]byte{prefixWeights, prefixWeightCommits} {
		k := keyNet(p, n)
		s.deleteRange(k, store.PrefixEnd(k))
	}
	s.kv.Delete(keyNet(prefixLastUpdate, n))
}

func satAdd(a, b uint64) uint64 {
	if a+b < a {
		return ^uint64(0)
	}
	return a + b
}

// checkWeightsInvariants verifies the weights state: rows, LastUpdate
// vectors and commits exist only for subnets that exist; a row belongs to
// a uid of its subnet, names no uid twice and none beyond the subnet; a
// LastUpdate vector is no longer than its subnet; a hotkey holds at most
// MaxUnrevealedCommits commits, in epoch order.
func checkWeightsInvariants(s *State) error {
	sizes := map[tao.NetUID]uint16{}
	size := func(n tao.NetUID) (uint16, error) {
		if v, ok := sizes[n]; ok {
			return v, nil
		}
		if !s.SubnetExists(n) {
			return 0, fmt.Errorf("chain: invariant: weights state of subnet %d, which does not exist", n)
		}
		sizes[n] = s.SubnetN(n)
		return sizes[n], nil
	}
	netOf := func(k []byte) tao.NetUID { return tao.NetUID(binary.BigEndian.Uint16(k[1:])) }

	it := s.kv.Iterator([]byte{prefixWeights}, store.PrefixEnd([]byte{prefixWeights}))
	defer it.Close()
	for ; it.Valid(); it.Next() {
		n, uid := netOf(it.Key()), binary.BigEndian.Uint16(it.Key()[3:])
		sn, err := size(n)
		if err != nil {
			return err
		}
		row := decodeEntries("weights row", it.Value())
		uids := make([]tao.UID, len(row))
		for i, e := range row {
			if e.UID >= sn {
				return fmt.Errorf("chain: invariant: weights row %d/%d names uid %d of %d", n, uid, e.UID, sn)
			}
			uids[i] = tao.UID(e.UID)
		}
		if uid >= sn {
			return fmt.Errorf("chain: invariant: weights row of uid %d on subnet %d of %d", uid, n, sn)
		}
		if dup, ok := duplicateUID(uids); ok {
			return fmt.Errorf("chain: invariant: weights row %d/%d names uid %d twice", n, uid, dup)
		}
	}

	lu := s.kv.Iterator([]byte{prefixLastUpdate}, store.PrefixEnd([]byte{prefixLastUpdate}))
	defer lu.Close()
	for ; lu.Valid(); lu.Next() {
		n := netOf(lu.Key())
		sn, err := size(n)
		if err != nil {
			return err
		}
		if l := len(lu.Value()) / 8; l > int(sn) {
			return fmt.Errorf("chain: invariant: LastUpdate of subnet %d has %d entries for %d uids", n, l, sn)
		}
	}

	cs := s.kv.Iterator([]byte{prefixWeightCommits}, store.PrefixEnd([]byte{prefixWeightCommits}))
	defer cs.Close()
	for ; cs.Valid(); cs.Next() {
		n := netOf(cs.Key())
		if _, err := size(n); err != nil {
			return err
		}
		commits := decodeWeightCommits(cs.Value())
		if len(commits) > MaxUnrevealedCommits {
			return fmt.Errorf("chain: invariant: %s holds %d commits on subnet %d", tao.AccountID(cs.Key()[3:]), len(commits), n)
		}
		for i := 1; i < len(commits); i++ {
			if commits[i].Epoch < commits[i-1].Epoch {
				return fmt.Errorf("chain: invariant: commits of %s on subnet %d out of epoch order", tao.AccountID(cs.Key()[3:]), n)
			}
		}
	}
	return nil
}
