package store

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func commit(t *testing.T, s *Store) ([]byte, int64) {
	t.Helper()
	h, v, err := s.Commit()
	require.NoError(t, err)
	return h, v
}

func TestStore_CommitAndReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	require.NoError(t, err)
	require.Zero(t, s.Version())
	require.Nil(t, s.Latest())

	s.Set([]byte("a"), []byte("1"))
	s.Set([]byte("b"), []byte{})
	working := s.WorkingHash()
	h1, v1 := commit(t, s)
	require.Equal(t, int64(1), v1)
	require.Equal(t, working, h1, "the working hash is the hash Commit saves")

	s.Set([]byte("a"), []byte("2"))
	s.Delete([]byte("b"))
	h2, v2 := commit(t, s)
	require.Equal(t, int64(2), v2)
	require.NotEqual(t, h1, h2)

	s.Set([]byte("c"), []byte("uncommitted")) // lost on close, like a crash before Commit
	require.NoError(t, s.Close())

	s, err = Open(dir, Options{})
	require.NoError(t, err)
	defer s.Close()
	require.Equal(t, int64(2), s.Version())
	require.Equal(t, h2, s.Hash())
	require.Equal(t, h2, s.Latest().Hash())
	require.Equal(t, "2", string(s.Get([]byte("a"))))
	require.False(t, s.Has([]byte("b")))
	require.False(t, s.Has([]byte("c")))

	v, err := s.View(1)
	require.NoError(t, err)
	require.Equal(t, h1, v.Hash())
	require.Equal(t, "1", string(v.Get([]byte("a"))))
	require.NotNil(t, v.Get([]byte("b")), "an empty value is present, not absent")
}

func TestStore_ViewIgnoresLaterBlocks(t *testing.T) {
	s := OpenMemory()
	s.Set([]byte("k"), []byte("old"))
	commit(t, s)
	v := s.Latest()
	s.Set([]byte("k"), []byte("new"))
	s.Set([]byte("k2"), []byte("x"))
	require.Equal(t, "old", string(v.Get([]byte("k"))))
	commit(t, s)
	require.Equal(t, "old", string(v.Get([]byte("k"))))
	require.Equal(t, [][2]string{{"k", "old"}}, collect(v.Iterator(nil, nil)))
	require.Equal(t, "new", string(s.Latest().Get([]byte("k"))))
}

func TestStore_RollbackDiscardsWorkingWrites(t *testing.T) {
	s := OpenMemory()
	s.Set([]byte("k"), []byte("v"))
	h, _ := commit(t, s)
	s.Set([]byte("k"), []byte("w"))
	s.Rollback()
	require.Equal(t, h, s.WorkingHash())
	require.Equal(t, "v", string(s.Get([]byte("k"))))
}

func TestStore_SameWritesSameHash(t *testing.T) {
	build := func() []byte {
		s := OpenMemory()
		c := NewCache(s)
		for i := 0; i < 100; i++ {
			c.Set([]byte(fmt.Sprintf("k%03d", (i*37)%100)), []byte{byte(i)})
		}
		c.Write()
		h, _ := commit(t, s)
		return h
	}
	require.Equal(t, build(), build())
}

func TestStore_ViewErrors(t *testing.T) {
	s := OpenMemory()
	_, err := s.View(1)
	require.True(t, errors.Is(err, ErrVersionNotFound), "%v", err)
	s.Set([]byte("k"), []byte("v"))
	commit(t, s)
	_, err = s.View(2)
	require.True(t, errors.Is(err, ErrVersionNotFound), "%v", err)
	_, err = s.View(0)
	require.True(t, errors.Is(err, ErrVersionNotFound), "%v", err)
}

func TestStore_Prune(t *testing.T) {
	s, err := Open(t.TempDir(), Options{KeepRecent: 3, PruneInterval: 2, NoSync: true})
	require.NoError(t, err)
	defer s.Close()
	for i := 1; i <= 10; i++ {
		s.Set([]byte("k"), []byte{byte(i)})
		commit(t, s)
	}
	// At commit 10, versions up to 7 were pruned; 8..10 remain.
	for v := int64(1); v <= 7; v++ {
		_, err := s.View(v)
		require.ErrorIs(t, err, ErrVersionNotFound, "version %d", v)
	}
	for v := int64(8); v <= 10; v++ {
		view, err := s.View(v)
		require.NoError(t, err, "version %d", v)
		require.Equal(t, []byte{byte(v)}, view.Get([]byte("k")))
	}
}

func TestView_Proofs(t *testing.T) {
	s := OpenMemory()
	for i := 0; i < 50; i += 2 {
		s.Set([]byte(fmt.Sprintf("k%02d", i)), []byte(fmt.Sprintf("v%d", i)))
	}
	commit(t, s)
	v := s.Latest()
	root := v.Hash()

	val, proof, err := v.GetWithProof([]byte("k10"))
	require.NoError(t, err)
	require.Equal(t, "v10", string(val))
	require.True(t, VerifyProof(root, []byte("k10"), val, proof))
	require.False(t, VerifyProof(root, []byte("k10"), []byte("forged"), proof))
	require.False(t, VerifyProof(bytes.Repeat([]byte{1}, 32), []byte("k10"), val, proof))

	for _, absent := range []string{"k11", "a", "z"} {
		val, proof, err = v.GetWithProof([]byte(absent))
		require.NoError(t, err)
		require.Nil(t, val)
		require.True(t, VerifyProof(root, []byte(absent), nil, proof), absent)
	}
	require.False(t, VerifyProof(root, []byte("k10"), nil, proof), "absence proof of another key")

	_, _, err = v.GetWithProof(nil)
	require.Error(t, err)
}
