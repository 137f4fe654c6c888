package wallet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
)

// ErrBadName is returned for a wallet or hotkey name that is not a plain
// file name.
var ErrBadName = errors.New("wallet: bad name")

// Wallet names one coldkey (Name, a directory under Path) and one of its
// hotkeys (Hotkey). It is a value; nothing is read until a method is called.
type Wallet struct {
	Path   string // wallets directory, "~" already expanded
	Name   string // coldkey (wallet) name
	Hotkey string // hotkey name
}

// New returns the wallet name/hotkey under path, expanding a leading "~".
// Names must be plain file names (no separators, not "." or "..").
func New(path, name, hotkey string) (Wallet, error) {
	if err := checkName("wallet name", name); err != nil {
		return Wallet{}, err
	}
	if err := checkName("hotkey name", hotkey); err != nil {
		return Wallet{}, err
	}
	return Wallet{Path: ExpandHome(path), Name: name, Hotkey: hotkey}, nil
}

func checkName(what, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty %s", ErrBadName, what)
	case name == "." || name == ".." || strings.ContainsAny(name, `/\`+"\x00"):
		return fmt.Errorf("%w: %s %q must be a plain name, without slashes", ErrBadName, what, name)
	}
	return nil
}

// ExpandHome replaces a leading "~" or "~/" with the user's home directory.
func ExpandHome(path string) string {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return path
	}
	return home + path[1:]
}

// join joins path elements the way Rust's PathBuf::join does for relative
// names (no cleaning), so file paths, and with them the BT_PW_ variable
// names, are exactly btwallet's.
func join(base string, elems ...string) string {
	for _, e := range elems {
		switch {
		case base == "":
			base = e
		case strings.HasSuffix(base, "/"):
			base += e
		default:
			base += "/" + e
		}
	}
	return base
}

// Dir is the wallet's directory, <path>/<name>.
func (w Wallet) Dir() string { return join(w.Path, w.Name) }

// ColdkeyFile is <path>/<name>/coldkey.
func (w Wallet) ColdkeyFile() Keyfile { return Keyfile{join(w.Dir(), "coldkey")} }

// ColdkeyPubFile is <path>/<name>/coldkeypub.txt.
func (w Wallet) ColdkeyPubFile() Keyfile { return Keyfile{join(w.Dir(), "coldkeypub.txt")} }

// HotkeyFile is <path>/<name>/hotkeys/<hotkey>.
func (w Wallet) HotkeyFile() Keyfile { return Keyfile{join(w.Dir(), "hotkeys", w.Hotkey)} }

// HotkeyPubFile is <path>/<name>/hotkeys/<hotkey>pub.txt.
func (w Wallet) HotkeyPubFile() Keyfile { return Keyfile{join(w.Dir(), "hotkeys", w.Hotkey+"pub.txt")} }

// WithHotkey returns w with another hotkey name.
func (w Wallet) WithHotkey(hotkey string) (Wallet, error) {
	if err := checkName("hotkey name", hotkey); err != nil {
		return Wallet{}, err
	}
	w.Hotkey = hotkey
	return w, nil
}

// SetColdkey writes the coldkey and coldkeypub.txt. Unless opt.Overwrite,
// it fails with ErrExists before writing anything if either file exists.
func (w Wallet) SetColdkey(p *keys.Pair, opt SaveOptions) error {
	return savePair(w.ColdkeyFile(), w.ColdkeyPubFile(), p, opt)
}

// SetHotkey writes the hotkey and its …pub.txt, like SetColdkey.
func (w Wallet) SetHotkey(p *keys.Pair, opt SaveOptions) error {
	return savePair(w.HotkeyFile(), w.HotkeyPubFile(), p, opt)
}

// SetColdkeyPub writes coldkeypub.txt alone (a watch-only wallet).
func (w Wallet) SetColdkeyPub(pub tao.AccountID, overwrite bool) error {
	return w.ColdkeyPubFile().SavePublic(pub, overwrite)
}

// SetHotkeyPub writes the hotkey's …pub.txt alone.
func (w Wallet) SetHotkeyPub(pub tao.AccountID, overwrite bool) error {
	return w.HotkeyPubFile().SavePublic(pub, overwrite)
}

// savePair writes a secret keyfile and its public file as one change: if
// the second write fails, the first file is put back as it was.
func savePair(secret, public Keyfile, p *keys.Pair, opt SaveOptions) error {
	if !opt.Overwrite {
		for _, k := range []Keyfile{secret, public} {
			if k.Exists() {
				return fmt.Errorf("%w: %s", ErrExists, k.Path)
			}
		}
	}
	old, readErr := os.ReadFile(secret.Path)
	if err := secret.Save(p, opt); err != nil {
		return err
	}
	if err := public.SavePublic(p.Public(), true); err != nil {
		if readErr == nil {
			_ = writeAtomic(secret.Path, old)
		} else {
			_ = os.Remove(secret.Path)
		}
		return err
	}
	return nil
}

// ColdkeyPub returns the coldkey's public key from coldkeypub.txt, or from
// an unencrypted coldkey when coldkeypub.txt is missing.
func (w Wallet) ColdkeyPub() (tao.AccountID, error) {
	return publicOf(w.ColdkeyPubFile(), w.ColdkeyFile())
}

// HotkeyPub returns the hotkey's public key from its …pub.txt, or from the
// hotkey file itself (btwallet before 3.1 wrote no …pub.txt) when that is
// not encrypted.
func (w Wallet) HotkeyPub() (tao.AccountID, error) {
	return publicOf(w.HotkeyPubFile(), w.HotkeyFile())
}

func publicOf(pubFile, secretFile Keyfile) (tao.AccountID, error) {
	pub, err := pubFile.Public()
	if !errors.Is(err, ErrNotFound) {
		return pub, err
	}
	pub, err2 := secretFile.Public()
	switch {
	case err2 == nil:
		return pub, nil
	case errors.Is(err2, ErrEncrypted):
		return tao.AccountID{}, fmt.Errorf("%w (and %s is encrypted)", err, secretFile.Path)
	case errors.Is(err2, ErrNotFound):
		return tao.AccountID{}, err
	}
	return tao.AccountID{}, err2
}

// UnlockColdkey reads (and if need be decrypts) the coldkey.
func (w Wallet) UnlockColdkey(password PasswordFunc) (*keys.Pair, error) {
	return w.ColdkeyFile().Unlock(password)
}

// UnlockHotkey reads (and if need be decrypts) the hotkey.
func (w Wallet) UnlockHotkey(password PasswordFunc) (*keys.Pair, error) {
	return w.HotkeyFile().Unlock(password)
}

// Info summarises a wallet directory for listing.
type Info struct {
	Name    string
	Coldkey KeyInfo
	Hotkeys []KeyInfo
}

// KeyInfo describes one key without unlocking it.
type KeyInfo struct {
	Name       string
	Address    string     // SS58, "" when unknown (encrypted without a pub file, or unreadable)
	Encryption Encryption // of the secret keyfile
	NoSecret   bool       // only the public file exists (watch-only)
	Err        error      // why the address is unknown, if it is
}

// List returns the wallets under path, sorted by name, each with its
// hotkeys sorted by name. Directories that hold neither a coldkey nor a
// coldkeypub.txt are skipped. A missing path is an empty list.
func List(path string) ([]Info, error) {
	path = ExpandHome(path)
	entries, err := os.ReadDir(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, permissionOr(err, "listing "+path)
	}
	var out []Info
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		w := Wallet{Path: path, Name: e.Name()}
		hasCold, hasPub := w.ColdkeyFile().Exists(), w.ColdkeyPubFile().Exists()
		if !hasCold && !hasPub {
			continue
		}
		info := Info{Name: e.Name()}
		info.Coldkey = describe("coldkey", w.ColdkeyPubFile(), w.ColdkeyFile())
		names, err := hotkeyNames(join(w.Dir(), "hotkeys"))
		if err != nil {
			return nil, err
		}
		for _, h := range names {
			hw := w
			hw.Hotkey = h
			info.Hotkeys = append(info.Hotkeys, describe(h, hw.HotkeyPubFile(), hw.HotkeyFile()))
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func describe(name string, pubFile, secretFile Keyfile) KeyInfo {
	ki := KeyInfo{Name: name, NoSecret: !secretFile.Exists()}
	if enc, err := secretFile.Encryption(); err == nil {
		ki.Encryption = enc
	}
	pub, err := publicOf(pubFile, secretFile)
	if err != nil {
		ki.Err = err
		return ki
	}
	ki.Address = pub.String()
	return ki
}

// hotkeyNames lists the hotkeys in dir: the names of its files, with a
// "<name>pub.txt" standing for <name> (which may have only its public file)
// and our temporary files skipped.
func hotkeyNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, permissionOr(err, "listing "+dir)
	}
	seen := map[string]bool{}
	var names []string
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		name := e.Name()
		if base, ok := strings.CutSuffix(name, "pub.txt"); ok && base != "" {
			name = base
		}
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}
