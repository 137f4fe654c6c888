package atomicfile_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/internal/atomicfile"
)

func TestWrite_CreatesAndReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")

	require.NoError(t, atomicfile.Write(path, []byte("old"), 0o600))
	require.NoError(t, atomicfile.Write(path, []byte("new contents"), 0o644))

	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "new contents", string(b))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o644), fi.Mode().Perm(), "perm is set as given, umask or not")
	requireOnly(t, dir, "f")
}

func TestWrite_FailureLeavesOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	require.NoError(t, os.Mkdir(path, 0o700)) // a rename cannot replace a directory
	require.NoError(t, os.WriteFile(filepath.Join(path, "inside"), nil, 0o600))

	err := atomicfile.Write(path, []byte("x"), 0o600)
	var linkErr *os.LinkError
	require.ErrorAs(t, err, &linkErr)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.True(t, fi.IsDir())
	requireOnly(t, dir, "f")
}

func TestWrite_MissingDirectory(t *testing.T) {
	err := atomicfile.Write(filepath.Join(t.TempDir(), "no", "f"), []byte("x"), 0o600)
	require.ErrorIs(t, err, fs.ErrNotExist)
}

func TestWrite_Permission(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes anywhere")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	require.NoError(t, os.Mkdir(dir, 0o500))
	err := atomicfile.Write(filepath.Join(dir, "f"), []byte("x"), 0o600)
	require.ErrorIs(t, err, fs.ErrPermission)
}

// requireOnly checks that dir holds exactly the named entries: no
// temporary file is left behind.
func requireOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	require.Equal(t, names, got)
}
