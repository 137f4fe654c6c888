package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces the file at path with data. The data goes to a temporary
// file in path's directory, which is given mode perm before anything is
// written (so a secret is never readable with wider permissions), synced,
// and renamed over path; then the directory is synced so that the rename
// itself survives a crash (best effort: not every file system can).
//
// The directory must exist. On error, path is unchanged, the temporary
// file is gone, and the error is the *fs.PathError or *os.LinkError of the
// step that failed, so errors.Is(err, fs.ErrPermission) works.
func Write(path string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = f.Chmod(perm)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
