package metagraph

import (
	"fmt"
	"math"
	"net/netip"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/sdk/synapse"
	"github.com/gotensor/gotensor/sdk/weights"
	"github.com/gotensor/gotensor/tao"
)

// Snapshot is a subnet at one block. Per-uid slices have length N and are
// indexed by uid. A Snapshot is immutable: it is shared between the
// goroutines of a neuron, so its slices must not be modified.
type Snapshot struct {
	NetUID tao.NetUID
	Block  int64 // the block whose state this is
	N      int
	// Subnet is the header: identity, owner, tempo, epoch position,
	// hyperparameters (Subnet.Hparams by set_hyperparameter name), pool and
	// emission figures.
	Subnet apitypes.Subnet

	UIDs     []tao.UID
	Hotkeys  []tao.AccountID
	Coldkeys []tao.AccountID
	// Stake is AlphaStake + TaoStake, the stake weight the epoch uses (the
	// Python metagraph's S), in rao.
	Stake      []tao.Rao
	AlphaStake []tao.Rao
	TaoStake   []tao.Rao
	// The last epoch's outputs: u16 proportions (x/65535) and the alpha
	// each uid earned (rao).
	StakeWeight    []uint16
	Consensus      []uint16
	Incentive      []uint16
	Dividends      []uint16
	ValidatorTrust []uint16
	Emission       []tao.Rao
	Active         []bool
	// ValidatorPermit is the permit from the last epoch.
	ValidatorPermit []bool
	LastUpdate      []uint64 // block of the last weights (or commit, or registration)
	RegisteredAt    []uint64
	Axons           []synapse.AxonInfo

	// Weights and Bonds are the stored sparse rows (weights max-upscaled
	// to 65535), present only in a full snapshot (Metagraph.Full).
	Weights [][]Entry
	Bonds   [][]Entry

	byHotkey map[tao.AccountID]tao.UID
}

// Entry is one (uid, value) pair of a stored weights or bonds row.
type Entry struct {
	UID   tao.UID
	Value uint16
}

// IsFull reports whether the snapshot holds weights and bonds.
func (s *Snapshot) IsFull() bool { return s.Weights != nil }

// UID returns hotkey's uid, if it is registered.
func (s *Snapshot) UID(hotkey tao.AccountID) (tao.UID, bool) {
	uid, ok := s.byHotkey[hotkey]
	return uid, ok
}

// Tempo is the subnet's epoch length in blocks.
func (s *Snapshot) Tempo() uint64 { return uint64(s.Subnet.Tempo) }

// NextEpochBlock is the block in which the subnet's next epoch runs, as
// the chain schedules it at s.Block.
func (s *Snapshot) NextEpochBlock() int64 {
	return s.Block + int64(min(s.Subnet.BlocksUntilEpoch, math.MaxInt32))
}

// StaleAt reports whether the snapshot is out of date at height: the
// subnet's epoch has run since (its outputs, stakes and permits changed),
// or maxAge > 0 and at least maxAge blocks have passed.
func (s *Snapshot) StaleAt(height, maxAge int64) bool {
	if height <= s.Block {
		return false
	}
	return height >= s.NextEpochBlock() || (maxAge > 0 && height-s.Block >= maxAge)
}

// Hparam returns a hyperparameter by its set_hyperparameter name (e.g.
// "weights_rate_limit"), and whether the node served it.
func (s *Snapshot) Hparam(name string) (int64, bool) {
	v, ok := s.Subnet.Hparams[name]
	return v, ok
}

// WeightsRow returns uid's weights as a dense vector normalised to sum to
// 1 (the Python metagraph's W[uid]); nil unless the snapshot is full.
func (s *Snapshot) WeightsRow(uid tao.UID) []float32 {
	if !s.IsFull() || int(uid) >= s.N {
		return nil
	}
	uids, values := split(s.Weights[uid])
	row, _ := weights.DenseWeights(s.N, uids, values) // uids were checked against N
	return row
}

// BondsRow returns uid's bonds as a dense vector of raw u16 values (the
// Python metagraph's B[uid], unnormalised); nil unless the snapshot is
// full.
func (s *Snapshot) BondsRow(uid tao.UID) []int64 {
	if !s.IsFull() || int(uid) >= s.N {
		return nil
	}
	uids, values := split(s.Bonds[uid])
	row, _ := weights.DenseBonds(s.N, uids, values)
	return row
}

func split(row []Entry) ([]tao.UID, []uint16) {
	uids, values := make([]tao.UID, len(row)), make([]uint16, len(row))
	for i, e := range row {
		uids[i], values[i] = e.UID, e.Value
	}
	return uids, values
}

// Proportion converts a chain proportion (u16, x/65535) to a float64 in
// [0, 1], for scoring code; consensus code keeps the u16.
func Proportion(v uint16) float64 { return float64(v) / math.MaxUint16 }

// Proportions converts a vector of chain proportions (e.g. s.Incentive).
func Proportions(v []uint16) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = Proportion(x)
	}
	return out
}

// Tokens converts rao to whole TAO (or alpha) as a float64.
func Tokens(r tao.Rao) float64 { return float64(r) / float64(tao.RaoPerTAO) }

// Replaced returns the uids of next whose hotkey differs from prev's: a
// new neuron took the uid over, so whatever a validator knew about it is
// void. Uids beyond prev's N are new, not replaced. A nil prev replaces
// nothing.
func Replaced(prev, next *Snapshot) []tao.UID {
	if prev == nil || next == nil {
		return nil
	}
	var out []tao.UID
	for uid := range min(prev.N, next.N) {
		if prev.Hotkeys[uid] != next.Hotkeys[uid] {
			out = append(out, tao.UID(uid))
		}
	}
	return out
}

// newSnapshot converts the API's document into a Snapshot, in one pass
// over the neurons.
func newSnapshot(doc *apitypes.Metagraph) (*Snapshot, error) {
	n := len(doc.Neurons)
	s := &Snapshot{
		NetUID: tao.NetUID(doc.NetUID), Block: doc.Block, N: n, Subnet: doc.Subnet,
		UIDs: make([]tao.UID, n), Hotkeys: make([]tao.AccountID, n), Coldkeys: make([]tao.AccountID, n),
		Stake: make([]tao.Rao, n), AlphaStake: make([]tao.Rao, n), TaoStake: make([]tao.Rao, n),
		StakeWeight: make([]uint16, n), Consensus: make([]uint16, n), Incentive: make([]uint16, n),
		Dividends: make([]uint16, n), ValidatorTrust: make([]uint16, n), Emission: make([]tao.Rao, n),
		Active: make([]bool, n), ValidatorPermit: make([]bool, n),
		LastUpdate: make([]uint64, n), RegisteredAt: make([]uint64, n), Axons: make([]synapse.AxonInfo, n),
		byHotkey: make(map[tao.AccountID]tao.UID, n),
	}
	if !doc.Lite {
		s.Weights, s.Bonds = make([][]Entry, n), make([][]Entry, n)
	}
	for i := range doc.Neurons {
		nr := &doc.Neurons[i]
		if int(nr.UID) != i {
			return nil, fmt.Errorf("metagraph: neuron %d of netuid %d has uid %d: the node must list uids in order", i, doc.NetUID, nr.UID)
		}
		ax, err := axonInfo(nr)
		if err != nil {
			return nil, err
		}
		s.UIDs[i], s.Hotkeys[i], s.Coldkeys[i] = tao.UID(i), nr.Hotkey, nr.Coldkey
		s.Stake[i], s.AlphaStake[i], s.TaoStake[i] = nr.Stake, nr.AlphaStake, nr.TaoStake
		s.StakeWeight[i], s.Consensus[i], s.Incentive[i] = nr.StakeWeight, nr.Consensus, nr.Incentive
		s.Dividends[i], s.ValidatorTrust[i], s.Emission[i] = nr.Dividends, nr.ValidatorTrust, nr.Emission
		s.Active[i], s.ValidatorPermit[i] = nr.Active, nr.Permit
		s.LastUpdate[i], s.RegisteredAt[i], s.Axons[i] = nr.LastUpdate, nr.RegisteredAt, ax
		s.byHotkey[nr.Hotkey] = tao.UID(i)
		if s.Weights != nil {
			if s.Weights[i], err = entries(nr.Weights, n); err == nil {
				s.Bonds[i], err = entries(nr.Bonds, n)
			}
			if err != nil {
				return nil, fmt.Errorf("metagraph: uid %d: %w", i, err)
			}
		}
	}
	return s, nil
}

// axonInfo converts a neuron's served endpoint; a neuron that never served
// gets the unspecified address (not serving).
func axonInfo(nr *apitypes.Neuron) (synapse.AxonInfo, error) {
	a := nr.Axon
	ip, err := netip.ParseAddr(a.IP)
	if err != nil {
		return synapse.AxonInfo{}, fmt.Errorf("metagraph: uid %d: axon ip %q: %w", nr.UID, a.IP, err)
	}
	return synapse.AxonInfo{
		Version: int(a.Version), IP: ip, Port: a.Port, IPType: int(a.IPType),
		Hotkey: nr.Hotkey, Coldkey: nr.Coldkey, Protocol: int(a.Protocol),
	}, nil
}

// entries converts a stored row of [uid, value] pairs, checking the uids.
func entries(pairs [][2]uint16, n int) ([]Entry, error) {
	out := make([]Entry, len(pairs))
	for i, p := range pairs {
		if int(p[0]) >= n {
			return nil, fmt.Errorf("row names uid %d of %d", p[0], n)
		}
		out[i] = Entry{UID: tao.UID(p[0]), Value: p[1]}
	}
	return out, nil
}
