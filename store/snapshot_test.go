package store

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// exportAll exports a version of s into a slice of chunks.
func exportAll(t testing.TB, s *Store, version int64, chunkSize int) [][]byte {
	t.Helper()
	var chunks [][]byte
	require.NoError(t, s.ExportSnapshot(version, chunkSize, func(c []byte) error {
		chunks = append(chunks, c)
		return nil
	}))
	return chunks
}

func filledStore(t testing.TB, n, versions int) *Store {
	s := OpenMemory()
	for v := 0; v < versions; v++ {
		for i := v; i < n; i += versions {
			s.Set([]byte(fmt.Sprintf("key%05d", i)), []byte(fmt.Sprintf("value %d at %d", i, v)))
		}
		if v > 0 {
			s.Delete([]byte(fmt.Sprintf("key%05d", v-1)))
		}
		_, _, err := s.Commit()
		require.NoError(t, err)
	}
	return s
}

func TestSnapshot_RoundTrip(t *testing.T) {
	src := filledStore(t, 1000, 5)
	version := src.Version()
	chunks := exportAll(t, src, version, 4096)
	require.Greater(t, len(chunks), 3, "the chunk size splits the export")

	dst := OpenMemory()
	im, err := dst.Import(version)
	require.NoError(t, err)
	for _, c := range chunks {
		require.NoError(t, im.Add(c))
	}
	require.NoError(t, im.Commit(src.Hash()))
	require.Equal(t, version, dst.Version())
	require.Equal(t, src.Hash(), dst.Hash())
	require.Equal(t, collect(src.Latest().Iterator(nil, nil)), collect(dst.Latest().Iterator(nil, nil)))

	// The restored store keeps working: the same next block gives the same hash.
	for _, s := range []*Store{src, dst} {
		s.Set([]byte("key00500"), []byte("next"))
	}
	h1, _ := commit(t, src)
	h2, _ := commit(t, dst)
	require.Equal(t, h1, h2)
}

func TestSnapshot_EmptyTree(t *testing.T) {
	src := OpenMemory()
	commit(t, src)
	chunks := exportAll(t, src, 1, 1024)
	dst := OpenMemory()
	im, err := dst.Import(1)
	require.NoError(t, err)
	for _, c := range chunks {
		require.NoError(t, im.Add(c))
	}
	require.NoError(t, im.Commit(src.Hash()))
	require.Equal(t, src.Hash(), dst.Hash())
}

func TestSnapshot_WrongHashIsUndone(t *testing.T) {
	src := filledStore(t, 100, 2)
	chunks := exportAll(t, src, src.Version(), 1<<20)
	dst := OpenMemory()
	im, err := dst.Import(src.Version())
	require.NoError(t, err)
	for _, c := range chunks {
		require.NoError(t, im.Add(c))
	}
	err = im.Commit(make([]byte, 32))
	require.ErrorIs(t, err, ErrSnapshot)
	require.Zero(t, dst.Version())
	require.Nil(t, dst.Get([]byte("key00050")))

	// The emptied store accepts the right snapshot afterwards.
	im, err = dst.Import(src.Version())
	require.NoError(t, err)
	for _, c := range chunks {
		require.NoError(t, im.Add(c))
	}
	require.NoError(t, im.Commit(src.Hash()))
	require.Equal(t, src.Hash(), dst.Hash())
}

func TestSnapshot_RejectsBadChunks(t *testing.T) {
	src := filledStore(t, 20, 1)
	good := exportAll(t, src, 1, 1<<20)[0]
	leaf := func(version uint64, key, value string) []byte {
		b := []byte{0}
		b = binary.AppendUvarint(b, version)
		b = binary.AppendUvarint(b, uint64(len(key)))
		b = append(b, key...)
		b = binary.AppendUvarint(b, uint64(len(value)))
		return append(b, value...)
	}
	inner := func(height byte) []byte { return []byte{height, 1} }
	cases := map[string][]byte{
		"truncated":            good[:len(good)-1],
		"version above import": leaf(2, "a", "x"),
		"version zero":         leaf(0, "a", "x"),
		"empty key":            leaf(1, "", "x"),
		"keys out of order":    append(leaf(1, "b", "x"), leaf(1, "a", "x")...),
		"duplicate keys":       append(leaf(1, "a", "x"), leaf(1, "a", "x")...),
		"inner without leaves": inner(1),
		"inner too high":       append(append(leaf(1, "a", "x"), leaf(1, "b", "x")...), inner(3)...),
		"negative height":      {0x80, 1},
		"oversized length":     {0, 1, 0xff, 0xff, 0xff, 0xff, 0x0f},
	}
	for name, chunk := range cases {
		t.Run(name, func(t *testing.T) {
			dst := OpenMemory()
			im, err := dst.Import(1)
			require.NoError(t, err)
			defer func() { require.NoError(t, im.Close()) }()
			require.ErrorIs(t, im.Add(chunk), ErrSnapshot)
		})
	}
	t.Run("incomplete tree", func(t *testing.T) {
		dst := OpenMemory()
		im, err := dst.Import(1)
		require.NoError(t, err)
		require.NoError(t, im.Add(append(leaf(1, "a", "x"), leaf(1, "b", "x")...)))
		require.ErrorIs(t, im.Commit(nil), ErrSnapshot)
	})
}

// FuzzSnapshotChunk feeds arbitrary chunks to the importer: it must return
// errors, never panic, and never accept a tree whose hash is wrong.
func FuzzSnapshotChunk(f *testing.F) {
	src := filledStore(f, 8, 2)
	for _, c := range exportAll(f, src, src.Version(), 1<<20) {
		f.Add(c)
	}
	f.Add([]byte{0, 1, 1, 'a', 0, 0, 1, 1, 'b', 0, 1, 2})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, chunk []byte) {
		dst := OpenMemory()
		im, err := dst.Import(src.Version())
		require.NoError(t, err)
		if err := im.Add(chunk); err != nil {
			require.ErrorIs(t, err, ErrSnapshot)
			require.NoError(t, im.Close())
			require.Zero(t, dst.Version())
			return
		}
		if err := im.Commit(src.Hash()); err == nil {
			require.Equal(t, src.Hash(), dst.Hash())
		}
	})
}

func TestImportSorted_BuildsAWorkingTree(t *testing.T) {
	const n = 1000
	build := func() *Store {
		s := OpenMemory()
		i := 0
		require.NoError(t, s.ImportSorted(7, n, func() ([]byte, []byte) {
			i++
			return []byte(fmt.Sprintf("key%05d", i)), []byte(fmt.Sprintf("v%d", i))
		}))
		return s
	}
	s := build()
	require.Equal(t, int64(7), s.Version())
	require.Equal(t, s.Hash(), build().Hash(), "the same pairs give the same tree")
	v := s.Latest()
	require.Equal(t, "v500", string(v.Get([]byte("key00500"))))
	require.Nil(t, v.Get([]byte("key00000")))
	require.Len(t, collect(v.Iterator(nil, nil)), n)
	val, proof, err := v.GetWithProof([]byte("key00321"))
	require.NoError(t, err)
	require.True(t, VerifyProof(v.Hash(), []byte("key00321"), val, proof))

	// The tree takes writes and commits like any other.
	s.Set([]byte("key00321"), []byte("changed"))
	s.Delete([]byte("key00001"))
	_, version := commit(t, s)
	require.Equal(t, int64(8), version)
	require.Equal(t, "changed", string(s.Get([]byte("key00321"))))
	require.Len(t, collect(s.Iterator(nil, nil)), n-1)

	// A snapshot of it restores to the same hash.
	dst := OpenMemory()
	im, err := dst.Import(8)
	require.NoError(t, err)
	for _, c := range exportAll(t, s, 8, 1<<20) {
		require.NoError(t, im.Add(c))
	}
	require.NoError(t, im.Commit(s.Hash()))
}

func TestImportSorted_RejectsUnsortedInput(t *testing.T) {
	s := OpenMemory()
	keys := []string{"a", "c", "b"}
	i := 0
	err := s.ImportSorted(1, len(keys), func() ([]byte, []byte) {
		k := keys[i]
		i++
		return []byte(k), []byte{}
	})
	require.ErrorIs(t, err, ErrSnapshot)
	require.Zero(t, s.Version())
	require.Nil(t, s.Get([]byte("a")))

	require.NoError(t, s.ImportSorted(1, 0, nil), "an empty tree is fine")
	require.Equal(t, int64(1), s.Version())
}
