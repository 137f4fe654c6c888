package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/wallet"
)

// walletFlags are the options every command that uses a wallet takes:
// which wallet and hotkey, where wallets live, and a non-interactive
// password source. Commands embed one, call register, then use the app's
// coldkey/hotkey/coldkeyPub/hotkeyPub methods, which resolve the settings
// (flag > BT_WALLET_* > btcli config.yml > default), unlock the key at most
// once per process and turn failures into one-line errors with a hint.
type walletFlags struct {
	name, hotkey, path string
	passwordFile       string

	settings  *wallet.Settings
	cold, hot *keys.Pair // unlocked keys, so a process asks for a password once
}

// register adds --wallet-name (alias --name, --wallet.name), --hotkey
// (--wallet-hotkey, --wallet.hotkey), --wallet-path (--wallet.path) and
// --password-file to cmd.
func (w *walletFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&w.name, "wallet-name", "", "wallet (coldkey) name; else $BT_WALLET_NAME, btcli's config.yml, \"default\"")
	f.StringVar(&w.hotkey, "hotkey", "", "hotkey name; else $BT_WALLET_HOTKEY, btcli's config.yml, \"default\"")
	f.StringVar(&w.path, "wallet-path", "", "wallets directory; else $BT_WALLET_PATH, btcli's config.yml, ~/.bittensor/wallets")
	f.StringVar(&w.passwordFile, "password-file", "", "read the keyfile password from the first line of `FILE` (non-interactive)")
}

// walletSettings resolves the wallet settings, and the network from the
// given --network value (which commands that talk to a node register
// themselves), once per process.
func (a *app) walletSettings(w *walletFlags, network string) (wallet.Settings, error) {
	if w.settings != nil && (network == "" || network == w.settings.Network) {
		return *w.settings, nil
	}
	s, err := wallet.Resolve(wallet.Overrides{Path: w.path, Name: w.name, Hotkey: w.hotkey, Network: network}, os.Getenv)
	if err != nil {
		return wallet.Settings{}, withHint(err, "fix the file or point BTCLI_CONFIG_PATH elsewhere")
	}
	w.settings = &s
	return s, nil
}

// openWallet returns the wallet the flags select (nothing is read yet).
func (a *app) openWallet(w *walletFlags) (wallet.Wallet, error) {
	s, err := a.walletSettings(w, "")
	if err != nil {
		return wallet.Wallet{}, err
	}
	wl, err := s.Wallet()
	if err != nil {
		return wallet.Wallet{}, usageErrorf("%v", err)
	}
	return wl, nil
}

// coldkey unlocks the selected wallet's coldkey (asking for its password
// if it is encrypted and no BT_PW_ variable or --password-file gives it).
func (a *app) coldkey(w *walletFlags) (*keys.Pair, error) {
	if w.cold != nil {
		return w.cold, nil
	}
	wl, err := a.openWallet(w)
	if err != nil {
		return nil, err
	}
	p, err := a.unlock(w, wl.ColdkeyFile())
	if err != nil {
		return nil, a.keyError(err, wl, "coldkey")
	}
	w.cold = p
	return p, nil
}

// hotkey unlocks the selected hotkey.
func (a *app) hotkey(w *walletFlags) (*keys.Pair, error) {
	if w.hot != nil {
		return w.hot, nil
	}
	wl, err := a.openWallet(w)
	if err != nil {
		return nil, err
	}
	p, err := a.unlock(w, wl.HotkeyFile())
	if err != nil {
		return nil, a.keyError(err, wl, "hotkey")
	}
	w.hot = p
	return p, nil
}

// coldkeyPub returns the selected wallet's coldkey address without
// unlocking anything (coldkeypub.txt).
func (a *app) coldkeyPub(w *walletFlags) (tao.AccountID, error) {
	if w.cold != nil {
		return w.cold.Public(), nil
	}
	wl, err := a.openWallet(w)
	if err != nil {
		return tao.AccountID{}, err
	}
	pub, err := wl.ColdkeyPub()
	if err != nil {
		return tao.AccountID{}, a.keyError(err, wl, "coldkey")
	}
	return pub, nil
}

// hotkeyPub returns the selected hotkey's address without unlocking it.
func (a *app) hotkeyPub(w *walletFlags) (tao.AccountID, error) {
	if w.hot != nil {
		return w.hot.Public(), nil
	}
	wl, err := a.openWallet(w)
	if err != nil {
		return tao.AccountID{}, err
	}
	pub, err := wl.HotkeyPub()
	if err != nil {
		return tao.AccountID{}, a.keyError(err, wl, "hotkey")
	}
	return pub, nil
}

// unlock reads a keyfile with the password from --password-file, else
// from its BT_PW_ variable, else from a prompt (three tries).
func (a *app) unlock(w *walletFlags, k wallet.Keyfile) (*keys.Pair, error) {
	if w.passwordFile != "" {
		enc, err := k.Encryption()
		if err != nil {
			return nil, err
		}
		if enc != wallet.Plain {
			pw, err := readPasswordFile(w.passwordFile)
			if err != nil {
				return nil, err
			}
			return k.UnlockWith(pw)
		}
	}
	return k.Unlock(func(k wallet.Keyfile, attempt int) (string, bool, error) {
		if a.noPrompt {
			return "", false, usageErrorf("%s is encrypted: pass --password-file FILE or set %s", k.Path, k.EnvVarName())
		}
		if attempt > 1 {
			a.warn("wrong password, try again")
		}
		a.infof("Decrypting %s (argon2 takes a few seconds)\n", k.Path)
		pw, err := a.askPassword("Enter your password")
		return pw, attempt < 3, err
	})
}

// keyError adds the next step to a key loading failure.
func (a *app) keyError(err error, wl wallet.Wallet, which string) error {
	switch {
	case errors.Is(err, wallet.ErrNotFound):
		if which == "hotkey" {
			return withHint(err, "create it with `gotensor wallet new-hotkey --wallet-name %s --hotkey %s`, or pick another with --hotkey (see `gotensor wallet list`)", wl.Name, wl.Hotkey)
		}
		return withHint(err, "create it with `gotensor wallet create --wallet-name %s`, restore it with `gotensor wallet regen-coldkey`, or pick another with --wallet-name / --wallet-path (see `gotensor wallet list`)", wl.Name)
	case errors.Is(err, wallet.ErrWrongPassword):
		// NaCl cannot tell a wrong password from a damaged file: both fail
		// the MAC.
		return withHint(err, "check the password (or the BT_PW_ variable, which holds btwallet's encoded form: see `gotensor wallet password-env`); if it is right, the keyfile is damaged: restore it with `gotensor wallet regen-%s`", which)
	case errors.Is(err, wallet.ErrCorrupt):
		return withHint(err, "restore the key with `gotensor wallet regen-%s` from its mnemonic", which)
	case errors.Is(err, wallet.ErrPermission):
		return withHint(err, "check the file's owner and mode (keyfiles should be 0600 and yours)")
	}
	return err
}

// readPasswordFile returns the first line of path, without its line ending.
func readPasswordFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading --password-file: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return "", fmt.Errorf("--password-file %s: the first line is empty", path)
	}
	return line, nil
}

// parseAccountFlag parses an account given either as an SS58 address
// (addr, from the flag addrFlag; "" for an answer to a prompt) or as a
// public key in hex (pubHex, from the flag pubFlag), naming the flag at
// fault.
func parseAccountFlag(addrFlag, addr, pubFlag, pubHex string) (tao.AccountID, error) {
	if pubHex != "" {
		id, err := keys.ParsePublicKey(pubHex)
		if err != nil {
			return id, usageErrorf("%s: %v", pubFlag, err)
		}
		return id, nil
	}
	id, err := tao.ParseAccountID(addr)
	if err != nil {
		if addrFlag != "" {
			err = fmt.Errorf("%s: %w", addrFlag, err)
		}
		return id, withHint(usageErrorf("%v", err), "an SS58 address has 47 or 48 characters and starts with 5 on Bittensor")
	}
	return id, nil
}
