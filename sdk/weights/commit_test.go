package weights

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

func TestNewCommit(t *testing.T) {
	hk := tao.AccountID{7}
	c, err := NewCommit(hk, 3, []tao.UID{1, 2}, []uint16{10, 65535}, 9)
	require.NoError(t, err)
	require.Len(t, c.Salt, SaltLen)
	require.Equal(t, tx.CommitHash(hk, 3, []tao.UID{1, 2}, []uint16{10, 65535}, c.Salt, 9), c.Hash())
	require.Equal(t, tx.CommitWeights{NetUID: 3, Hash: c.Hash()}, c.CommitCall())
	require.Equal(t, tx.RevealWeights{NetUID: 3, UIDs: []tao.UID{1, 2}, Values: []uint16{10, 65535}, Salt: c.Salt, VersionKey: 9}, c.RevealCall())

	d, err := NewCommit(hk, 3, []tao.UID{1, 2}, []uint16{10, 65535}, 9)
	require.NoError(t, err)
	require.NotEqual(t, c.Salt, d.Salt, "salts are random")

	_, err = NewCommit(hk, 3, []tao.UID{1}, nil, 0)
	require.ErrorIs(t, err, ErrLength)
}

func TestCommitStore(t *testing.T) {
	s := CommitStore{Dir: filepath.Join(t.TempDir(), "reveals")}
	hk, other := tao.AccountID{1}, tao.AccountID{2}
	none, err := s.List(1, hk)
	require.NoError(t, err)
	require.Empty(t, none, "a missing directory holds nothing")

	mk := func(hotkey tao.AccountID, netuid tao.NetUID, block tao.BlockHeight) Commit {
		c, err := NewCommit(hotkey, netuid, []tao.UID{0}, []uint16{65535}, 0)
		require.NoError(t, err)
		c.CommitBlock = block
		return c
	}
	late, early, pending := mk(hk, 1, 50), mk(hk, 1, 20), mk(hk, 1, 0)
	for _, c := range []Commit{late, early, pending, mk(other, 1, 1), mk(hk, 2, 1)} {
		path, err := s.Save(c)
		require.NoError(t, err)
		info, err := os.Stat(path)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "salts are private")
	}
	list, err := s.List(1, hk)
	require.NoError(t, err)
	require.Equal(t, []Commit{early, late, pending}, list)

	got, err := s.Load(1, late.Hash())
	require.NoError(t, err)
	require.Equal(t, late, got)
	_, err = s.Load(2, late.Hash())
	require.ErrorIs(t, err, ErrNoCommitFile)

	// A file whose content does not hash to its name is refused.
	require.NoError(t, os.WriteFile(s.Path(1, late.Hash()), []byte(`{"netuid":1,"hotkey":"`+hk.String()+`","uids":[0],"weights":[1],"salt":[],"version_key":0}`), 0o600))
	_, err = s.Load(1, late.Hash())
	require.ErrorContains(t, err, "does not hold the commit")

	require.NoError(t, s.Remove(early))
	require.NoError(t, s.Remove(early), "removing twice is fine")
	_, err = s.Load(1, early.Hash())
	require.ErrorIs(t, err, ErrNoCommitFile)
}
