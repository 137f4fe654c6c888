package weights

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gotensor/gotensor/internal/atomicfile"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// SaltLen is the number of u16 in a salt NewCommit draws.
const SaltLen = 8

// Commit is one commit–reveal commit: the weights a hotkey will reveal and
// the salt that hides them until then. The committed fields are fixed when
// it is made; the chain fields are filled in once commit_weights is in a
// block.
type Commit struct {
	NetUID     tao.NetUID    `json:"netuid"`
	Hotkey     tao.AccountID `json:"hotkey"`
	UIDs       []tao.UID     `json:"uids"`
	Values     []uint16      `json:"weights"`
	Salt       []uint16      `json:"salt"`
	VersionKey uint64        `json:"version_key"`

	// CommitBlock is the block commit_weights was included in, 0 before.
	CommitBlock tao.BlockHeight `json:"commit_block,omitempty"`
	// RevealEpoch is the epoch in which the chain accepts the reveal (the
	// commit's epoch + RevealPeriodEpochs).
	RevealEpoch uint64 `json:"reveal_epoch,omitempty"`
	// CommitTx is the hash of the commit_weights transaction, in hex.
	CommitTx string `json:"commit_tx,omitempty"`
}

// NewCommit returns a commit of hotkey to (uids, values, versionKey) on
// netuid, with a random salt of SaltLen u16 from crypto/rand.
func NewCommit(hotkey tao.AccountID, netuid tao.NetUID, uids []tao.UID, values []uint16, versionKey uint64) (Commit, error) {
	if len(uids) != len(values) {
		return Commit{}, fmt.Errorf("%w: %d uids, %d weights", ErrLength, len(uids), len(values))
	}
	var b [2 * SaltLen]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Commit{}, fmt.Errorf("weights: drawing a salt: %w", err)
	}
	salt := make([]uint16, SaltLen)
	for i := range salt {
		salt[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return Commit{NetUID: netuid, Hotkey: hotkey, UIDs: slices.Clone(uids), Values: slices.Clone(values),
		Salt: salt, VersionKey: versionKey}, nil
}

// Hash returns the hash commit_weights carries: tx.CommitHash of the
// committed fields, the function the chain checks the reveal with.
func (c Commit) Hash() [32]byte {
	return tx.CommitHash(c.Hotkey, c.NetUID, c.UIDs, c.Values, c.Salt, c.VersionKey)
}

// CommitCall returns the commit_weights call for c.
func (c Commit) CommitCall() tx.CommitWeights {
	return tx.CommitWeights{NetUID: c.NetUID, Hash: c.Hash()}
}

// RevealCall returns the reveal_weights call for c.
func (c Commit) RevealCall() tx.RevealWeights {
	return tx.RevealWeights{NetUID: c.NetUID, UIDs: c.UIDs, Values: c.Values, Salt: c.Salt, VersionKey: c.VersionKey}
}

// ErrNoCommitFile is returned by CommitStore.Load for a commit it does not
// hold.
var ErrNoCommitFile = errors.New("weights: no saved commit")

// CommitStore keeps pending commits as one JSON file each in Dir, named
// <netuid>-<hash hex>.json (a wallet's is <wallet path>/<name>/reveals).
// Files are written atomically with mode 0600, since a salt lets anyone
// read the committed weights before they are revealed. A CommitStore is a
// value; concurrent writers of different commits do not interfere.
type CommitStore struct {
	Dir string
}

// Path returns the file a commit of hash on netuid is saved in.
func (s CommitStore) Path(netuid tao.NetUID, hash [32]byte) string {
	return filepath.Join(s.Dir, fmt.Sprintf("%d-%s.json", netuid, hex.EncodeToString(hash[:])))
}

// Save writes c to its file, replacing an earlier version, and returns
// the path.
func (s CommitStore) Save(c Commit) (string, error) {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return "", fmt.Errorf("weights: encoding commit: %w", err)
	}
	path := s.Path(c.NetUID, c.Hash())
	if err := writeAtomic(path, append(b, '\n')); err != nil {
		return "", err
	}
	return path, nil
}

// Load reads the commit of hash on netuid. It fails with ErrNoCommitFile
// if there is none, and if the file does not hash to its name.
func (s CommitStore) Load(netuid tao.NetUID, hash [32]byte) (Commit, error) {
	c, err := readCommit(s.Path(netuid, hash))
	if errors.Is(err, fs.ErrNotExist) {
		return Commit{}, fmt.Errorf("%w: netuid %d, hash %x in %s", ErrNoCommitFile, netuid, hash[:], s.Dir)
	}
	if err != nil {
		return Commit{}, err
	}
	if c.Hash() != hash || c.NetUID != netuid {
		return Commit{}, fmt.Errorf("weights: %s does not hold the commit its name says", s.Path(netuid, hash))
	}
	return c, nil
}

// List returns the saved commits of hotkey on netuid, oldest commit block
// first (commits not yet in a block last). A missing directory holds none.
func (s CommitStore) List(netuid tao.NetUID, hotkey tao.AccountID) ([]Commit, error) {
	names, err := filepath.Glob(filepath.Join(s.Dir, strconv.Itoa(int(netuid))+"-*.json"))
	if err != nil {
		return nil, fmt.Errorf("weights: listing %s: %w", s.Dir, err)
	}
	var out []Commit
	for _, name := range names {
		if strings.HasPrefix(filepath.Base(name), ".") {
			continue
		}
		c, err := readCommit(name)
		if err != nil {
			return nil, err
		}
		if c.Hotkey == hotkey && c.NetUID == netuid {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b Commit) int {
		switch {
		case a.CommitBlock == b.CommitBlock:
			return 0
		case a.CommitBlock == 0:
			return 1
		case b.CommitBlock == 0:
			return -1
		case a.CommitBlock < b.CommitBlock:
			return -1
		}
		return 1
	})
	return out, nil
}

// Remove deletes c's file; a file already gone is not an error.
func (s CommitStore) Remove(c Commit) error {
	if err := os.Remove(s.Path(c.NetUID, c.Hash())); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("weights: %w", err)
	}
	return nil
}

func readCommit(path string) (Commit, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Commit{}, err
	}
	var c Commit
	if err := json.Unmarshal(b, &c); err != nil {
		return Commit{}, fmt.Errorf("weights: %s: %w", path, err)
	}
	if len(c.UIDs) != len(c.Values) {
		return Commit{}, fmt.Errorf("weights: %s: %w", path, ErrLength)
	}
	return c, nil
}

// writeAtomic replaces path with data (0600) so that a crash leaves the old
// file or the new one.
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	if err := atomicfile.Write(path, data, 0o600); err != nil {
		return fmt.Errorf("weights: writing %s: %w", path, err)
	}
	return nil
}
