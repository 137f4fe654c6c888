package neuron

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gotensor/gotensor/internal/atomicfile"
	"github.com/gotensor/gotensor/tao"
)

// StateFile is the name of a neuron's state in its directory.
const StateFile = "state.json"

// stateVersion is the format of the state file.
const stateVersion = 1

// State is what a validator keeps across restarts (the template's
// state.npz): its step, its scores with the hotkey each belongs to, and
// when it may set weights again.
type State struct {
	Version int           `json:"version"`
	NetUID  tao.NetUID    `json:"netuid"`
	Hotkey  tao.AccountID `json:"hotkey"` // the validator's own
	Step    uint64        `json:"step"`
	Block   int64         `json:"block"` // last block seen
	// NextWeightsEpoch is the first epoch in which weights may be set
	// again: weights are set (or committed) at most once per epoch.
	NextWeightsEpoch uint64          `json:"next_weights_epoch"`
	Scores           []float32       `json:"scores"`
	Hotkeys          []tao.AccountID `json:"hotkeys"` // Hotkeys[uid] owns Scores[uid]
}

// LoadState reads the state in dir. A missing file is the zero State and
// no error.
func LoadState(dir string) (State, error) {
	path := filepath.Join(dir, StateFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return State{}, nil
	}
	if err != nil {
		return State{}, fmt.Errorf("neuron: %w", err)
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return State{}, fmt.Errorf("neuron: %s: %w", path, err)
	}
	if s.Version != stateVersion {
		return State{}, fmt.Errorf("neuron: %s: state version %d, want %d", path, s.Version, stateVersion)
	}
	if len(s.Scores) != len(s.Hotkeys) {
		return State{}, fmt.Errorf("neuron: %s: %d scores for %d hotkeys", path, len(s.Scores), len(s.Hotkeys))
	}
	return s, nil
}

// Save writes s to dir atomically (a crash leaves the old state or the
// new one), creating dir if needed.
func (s State) Save(dir string) error {
	s.Version = stateVersion
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("neuron: encoding state: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("neuron: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(dir, StateFile), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("neuron: saving state: %w", err)
	}
	return nil
}
