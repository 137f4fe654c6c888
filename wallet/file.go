package wallet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gotensor/gotensor/internal/atomicfile"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
)

// Keyfile is one key's file on disk. Its methods read the file afresh on
// every call; nothing is cached.
type Keyfile struct {
	// Path is the file's path as btwallet forms it (the wallet path with
	// "~" expanded, then the names joined with '/'); it also names the
	// BT_PW_ password variable.
	Path string
}

// String returns the path.
func (k Keyfile) String() string { return k.Path }

// Exists reports whether the file exists.
func (k Keyfile) Exists() bool {
	_, err := os.Lstat(k.Path)
	return err == nil
}

// EnvVarName returns the name of the BT_PW_ variable for this file.
func (k Keyfile) EnvVarName() string { return EnvVarName(k.Path) }

// Read returns the file's raw contents.
func (k Keyfile) Read() ([]byte, error) {
	b, err := os.ReadFile(k.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%w: %s", ErrNotFound, k.Path)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("%w: cannot read %s", ErrPermission, k.Path)
	case err != nil:
		return nil, fmt.Errorf("wallet: reading %s: %w", k.Path, err)
	}
	return b, nil
}

// Encryption returns how the file is encrypted.
func (k Keyfile) Encryption() (Encryption, error) {
	b, err := k.Read()
	if err != nil {
		return Plain, err
	}
	return EncryptionOf(b), nil
}

// Public returns the public key in the file, which must not be encrypted
// (a …pub.txt file, or an unencrypted keyfile).
func (k Keyfile) Public() (tao.AccountID, error) {
	b, err := k.Read()
	if err != nil {
		return tao.AccountID{}, err
	}
	pub, err := DecodePublicKeyfile(b)
	if err != nil {
		return tao.AccountID{}, fmt.Errorf("%s: %w", k.Path, err)
	}
	return pub, nil
}

// PasswordFunc supplies the password of an encrypted keyfile. It is called
// only when one is needed, and again after a wrong password while it
// returns retry true (interactive prompts); a non-interactive source returns
// retry false.
type PasswordFunc func(k Keyfile, attempt int) (password string, retry bool, err error)

// Unlock reads the key pair in the file, decrypting it if needed with a
// password from the file's BT_PW_ variable or, failing that, from password
// (which may be nil for files that are known not to be encrypted).
func (k Keyfile) Unlock(password PasswordFunc) (*keys.Pair, error) {
	return k.unlock(func(data []byte) ([]byte, error) { return k.decrypt(data, password) })
}

// UnlockWith reads the key pair in the file, decrypting it if needed with
// password (an explicit password: the BT_PW_ variable is not consulted).
func (k Keyfile) UnlockWith(password string) (*keys.Pair, error) {
	return k.unlock(func(data []byte) ([]byte, error) { return k.open(data, password, "") })
}

func (k Keyfile) unlock(decrypt func([]byte) ([]byte, error)) (*keys.Pair, error) {
	data, err := k.Read()
	if err != nil {
		return nil, err
	}
	if EncryptionOf(data) != Plain {
		if data, err = decrypt(data); err != nil {
			return nil, err
		}
	}
	p, err := DecodeKeyfile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", k.Path, err)
	}
	return p, nil
}

func (k Keyfile) decrypt(data []byte, password PasswordFunc) ([]byte, error) {
	if v := os.Getenv(k.EnvVarName()); v != "" {
		pw, err := DecodeEnvPassword(k.EnvVarName(), v)
		if err != nil {
			return nil, err
		}
		return k.open(data, pw, " (from "+k.EnvVarName()+")")
	}
	if password == nil {
		return nil, fmt.Errorf("%w: %s needs a password", ErrEncrypted, k.Path)
	}
	for attempt := 1; ; attempt++ {
		pw, retry, err := password(k, attempt)
		if err != nil {
			return nil, err
		}
		plain, err := k.open(data, pw, "")
		if errors.Is(err, ErrWrongPassword) && retry {
			continue
		}
		return plain, err
	}
}

// open decrypts data, naming the file (and the password's source) in errors.
func (k Keyfile) open(data []byte, password, source string) ([]byte, error) {
	plain, err := Decrypt(data, password)
	switch {
	case errors.Is(err, ErrWrongPassword):
		return nil, fmt.Errorf("%w for %s%s", ErrWrongPassword, k.Path, source)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", k.Path, err)
	}
	return plain, nil
}

// SaveOptions say how Save writes a key.
type SaveOptions struct {
	// Password, when not empty, encrypts the file with NaCl.
	Password string
	// Overwrite allows replacing an existing file; without it Save fails
	// with ErrExists and changes nothing.
	Overwrite bool
}

// Save writes a key pair's keyfile.
func (k Keyfile) Save(p *keys.Pair, opt SaveOptions) error {
	if err := k.checkOverwrite(opt.Overwrite); err != nil {
		return err
	}
	data := EncodeKeyfile(p)
	if opt.Password != "" {
		var err error
		if data, err = Encrypt(data, opt.Password); err != nil {
			return err
		}
	}
	return writeAtomic(k.Path, data)
}

// SavePublic writes a public-only keyfile (coldkeypub.txt, …pub.txt).
func (k Keyfile) SavePublic(pub tao.AccountID, overwrite bool) error {
	if err := k.checkOverwrite(overwrite); err != nil {
		return err
	}
	return writeAtomic(k.Path, EncodePublicKeyfile(pub))
}

func (k Keyfile) checkOverwrite(overwrite bool) error {
	if !overwrite && k.Exists() {
		return fmt.Errorf("%w: %s", ErrExists, k.Path)
	}
	return nil
}

// writeAtomic replaces path with data so that a reader sees either the old
// file or the whole new one, never a mix, even across a crash; the file is
// 0600 from the start.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return permissionOr(err, "creating "+dir)
	}
	if err := atomicfile.Write(path, data, 0o600); err != nil {
		return permissionOr(err, "writing "+path)
	}
	return nil
}

func permissionOr(err error, what string) error {
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("%w: %s", ErrPermission, what)
	}
	return fmt.Errorf("wallet: %s: %w", what, err)
}
