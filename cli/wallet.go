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

// walletChainCmds builds the wallet subcommands that talk to a node
// (balance, transfer), written in wallet_chain.go. It is a variable so that
// this file builds on its own; wallet_chain.go sets it from an init
// function.
var walletChainCmds = func(*app) []*cobra.Command { return nil }

// newWalletCmd builds the `wallet` group, in btcli's shape.
func newWalletCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "wallet",
		Aliases: []string{"w", "wallets"},
		Short:   "Create, restore and inspect coldkeys and hotkeys; balances and transfers",
		Long: `Bittensor-compatible wallets: <wallet-path>/<name>/coldkey, coldkeypub.txt,
hotkeys/<hotkey> and hotkeys/<hotkey>pub.txt, readable and writable by btcli
and the Python SDK. See docs/wallets.md.`,
	}
	cmd.AddCommand(
		newKeyCreateCmd(a, createBoth),
		newKeyCreateCmd(a, createColdkey),
		newKeyCreateCmd(a, createHotkey),
		newRegenCmd(a, coldkey),
		newRegenCmd(a, hotkey),
		newRegenPubCmd(a, coldkey),
		newRegenPubCmd(a, hotkey),
		newWalletListCmd(a),
		newWalletInspectCmd(a),
		newWalletSignCmd(a),
		newWalletVerifyCmd(a),
		newPasswordEnvCmd(a),
	)
	cmd.AddCommand(walletChainCmds(a)...)
	cmd.AddCommand(newAssociateHotkeyCmd(a))
	return cmd
}

// keyKind is which key of a wallet a command writes.
type keyKind string

const (
	coldkey keyKind = "coldkey"
	hotkey  keyKind = "hotkey"
)

func (k keyKind) files(wl wallet.Wallet) (secret, public wallet.Keyfile) {
	if k == coldkey {
		return wl.ColdkeyFile(), wl.ColdkeyPubFile()
	}
	return wl.HotkeyFile(), wl.HotkeyPubFile()
}

// keyWriteFlags are the options of every command that writes a key.
type keyWriteFlags struct {
	walletFlags
	usePassword, noUsePassword bool
	overwrite                  bool
}

func (f *keyWriteFlags) register(cmd *cobra.Command, passwordDefault bool) {
	f.walletFlags.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&f.usePassword, "use-password", passwordDefault, "encrypt the key with a password")
	fl.BoolVar(&f.noUsePassword, "no-use-password", false, "do not encrypt the key")
	fl.BoolVar(&f.overwrite, "overwrite", false, "replace existing key files (the old keys are lost unless you have their mnemonics)")
}

// encrypt reports whether to encrypt, given the default for this key.
func (f *keyWriteFlags) encrypt(cmd *cobra.Command, def bool) (bool, error) {
	use, no := cmd.Flags().Changed("use-password"), cmd.Flags().Changed("no-use-password")
	switch {
	case use && no:
		return false, usageErrorf("--use-password and --no-use-password contradict each other")
	case no:
		return !f.noUsePassword, nil
	case use:
		return f.usePassword, nil
	}
	return def, nil
}

// keyResult is what commands that write a key report.
type keyResult struct {
	Key         string `json:"key"` // "coldkey" or "hotkey"
	Name        string `json:"name"`
	SS58Address string `json:"ss58Address"`
	PublicKey   string `json:"publicKey"`
	File        string `json:"file"`
	Encrypted   bool   `json:"encrypted"`
	Mnemonic    string `json:"mnemonic,omitempty"` // only for a newly generated key
	Kept        bool   `json:"kept,omitempty"`     // an existing key left as it was
}

// plannedKey is a key a command is about to write, after every check.
type plannedKey struct {
	kind     keyKind
	pair     *keys.Pair // nil when keep
	pub      tao.AccountID
	mnemonic string // new mnemonic to show once
	password string // "" = not encrypted
	keep     bool   // an existing key stays
}

// checkOverwrite makes sure writing files is allowed: with --overwrite, or
// after a yes to a question; with --no-prompt it fails naming the files.
func (a *app) checkOverwrite(files []wallet.Keyfile, overwrite bool) error {
	if overwrite {
		return nil
	}
	var existing []string
	for _, f := range files {
		if f.Exists() {
			existing = append(existing, f.Path)
		}
	}
	if len(existing) == 0 {
		return nil
	}
	err := fmt.Errorf("%w: %s", wallet.ErrExists, strings.Join(existing, ", "))
	if a.noPrompt {
		return withHint(err, "pass --overwrite to replace it; the old key is lost unless you have its mnemonic")
	}
	ok, qerr := a.confirm("The key file already exists", [][2]string{{"file", strings.Join(existing, ", ")}},
		"Overwrite it? The old key is lost unless you have its mnemonic")
	if qerr != nil {
		return qerr
	}
	if !ok {
		return withHint(err, "nothing was written; pass --overwrite to replace it")
	}
	return nil
}

// newPassword returns the password to encrypt k with: from --password-file,
// else from k's BT_PW_ variable, else asked twice (with a strength check).
func (a *app) newPassword(w *walletFlags, k wallet.Keyfile) (string, error) {
	if w.passwordFile != "" {
		return readPasswordFile(w.passwordFile)
	}
	if v := os.Getenv(k.EnvVarName()); v != "" {
		return wallet.DecodeEnvPassword(k.EnvVarName(), v)
	}
	if a.noPrompt {
		return "", usageErrorf("encrypting %s needs a password: pass --password-file FILE (or --no-use-password)", k.Path)
	}
	for tries := 0; tries < 3; tries++ {
		pw, err := a.askPassword("Enter a password for " + k.Path)
		if err != nil {
			return "", err
		}
		if err := wallet.CheckPassword(pw); err != nil {
			a.warn("%v", err)
			continue
		}
		again, err := a.askPassword("Retype your password")
		if err != nil {
			return "", err
		}
		if again != pw {
			a.warn("passwords do not match")
			continue
		}
		return pw, nil
	}
	return "", errors.New("no acceptable password given")
}

// writeKeys writes planned keys, each secret file with its public file,
// and returns what was written.
func (a *app) writeKeys(wl wallet.Wallet, plan ...plannedKey) ([]keyResult, error) {
	var out []keyResult
	for _, k := range plan {
		secret, _ := k.kind.files(wl)
		if !k.keep {
			opt := wallet.SaveOptions{Password: k.password, Overwrite: true}
			var err error
			if k.kind == coldkey {
				err = wl.SetColdkey(k.pair, opt)
			} else {
				err = wl.SetHotkey(k.pair, opt)
			}
			if err != nil {
				return nil, a.keyError(err, wl, string(k.kind))
			}
		}
		name := wl.Name
		if k.kind == hotkey {
			name = wl.Hotkey
		}
		enc, _ := secret.Encryption()
		out = append(out, keyResult{
			Key: string(k.kind), Name: name, SS58Address: k.pub.String(), PublicKey: k.pub.Hex(),
			File: secret.Path, Encrypted: enc != wallet.Plain, Mnemonic: k.mnemonic, Kept: k.keep,
		})
	}
	return out, nil
}

// showKeys prints written keys for people, with any new mnemonic once.
func (a *app) showKeys(results []keyResult) {
	for _, r := range results {
		if r.Kept {
			a.success("kept the existing %s %s (%s)", r.Key, r.Name, r.SS58Address)
			continue
		}
		how := "not encrypted"
		if r.Encrypted {
			how = "encrypted"
		}
		a.success("%s %s: %s (%s, %s)", r.Key, r.Name, r.SS58Address, r.File, how)
		if r.Mnemonic != "" {
			a.printf("\n%s\n", a.paint(red, "IMPORTANT: store this mnemonic in a secure (preferably offline) place. Anyone who has it can regenerate the key and take your tokens; it is shown only this once."))
			a.printf("The mnemonic of the new %s is:\n\n    %s\n\n", r.Key, a.paint(green, r.Mnemonic))
			a.printf("You can restore the key from it with `gotensor wallet regen-%s`.\n\n", r.Key)
		}
	}
}

// createMode is which keys a create command makes.
type createMode int

const (
	createBoth createMode = iota
	createColdkey
	createHotkey
)

// newKeyCreateCmd builds `wallet create`, `new-coldkey` and `new-hotkey`.
func newKeyCreateCmd(a *app, mode createMode) *cobra.Command {
	var f keyWriteFlags
	var nWords int
	var uri string
	cmd := &cobra.Command{Args: cobra.NoArgs}
	switch mode {
	case createBoth:
		cmd.Use, cmd.Short = "create", "Create a wallet: a new coldkey (kept if it exists) and a new hotkey"
		cmd.Long = `Create a wallet: a coldkey (encrypted unless --no-use-password) and a
hotkey (not encrypted), each from a new mnemonic that is shown once. An
existing coldkey is kept, so this also adds a hotkey to a wallet. With --uri
both keys are that URI's key (e.g. //Alice for development), unencrypted
unless --use-password is given.`
	case createColdkey:
		cmd.Use, cmd.Short, cmd.Aliases = "new-coldkey", "Create a new coldkey from a new mnemonic", []string{"new_coldkey"}
	case createHotkey:
		cmd.Use, cmd.Short, cmd.Aliases = "new-hotkey", "Create a new hotkey from a new mnemonic", []string{"new_hotkey"}
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		wl, err := a.openWallet(&f.walletFlags)
		if err != nil {
			return err
		}
		if !validWords(nWords) {
			return usageErrorf("--n-words %d: want 12, 15, 18, 21 or 24", nWords)
		}
		var fromURI *keys.Pair
		if uri != "" {
			if fromURI, err = keys.FromURI(uri); err != nil {
				return withHint(err, "a URI is a mnemonic or 0x seed, then //hard and /soft junctions, e.g. //Alice")
			}
		}
		var kinds []keyKind
		if mode != createHotkey {
			kinds = append(kinds, coldkey)
		}
		if mode != createColdkey {
			kinds = append(kinds, hotkey)
		}
		var plan []plannedKey
		for _, kind := range kinds {
			k := plannedKey{kind: kind, pair: fromURI}
			secret, public := kind.files(wl)
			if kind == coldkey && mode == createBoth && !f.overwrite && (secret.Exists() || public.Exists()) {
				// `create` on an existing wallet adds a hotkey; the coldkey stays.
				pub, err := wl.ColdkeyPub()
				if err != nil {
					return a.keyError(err, wl, "coldkey")
				}
				if fromURI != nil && pub != fromURI.Public() {
					return a.checkOverwrite([]wallet.Keyfile{secret, public}, false)
				}
				a.infof("Using the existing coldkey %s of wallet %s\n", pub, wl.Name)
				plan = append(plan, plannedKey{kind: kind, pub: pub, keep: true})
				continue
			}
			if err := a.checkOverwrite([]wallet.Keyfile{secret, public}, f.overwrite); err != nil {
				return err
			}
			if k.pair == nil {
				if k.mnemonic, err = keys.GenerateMnemonic(nWords); err != nil {
					return err
				}
				if k.pair, err = keys.FromMnemonic(k.mnemonic, ""); err != nil {
					return err
				}
			}
			k.pub = k.pair.Public()
			// btcli writes --uri keys unencrypted; new coldkeys are encrypted.
			// In `create` the password options are the coldkey's: its hotkey
			// is never encrypted (new-hotkey --use-password encrypts one).
			encrypt, err := f.encrypt(cmd, kind == coldkey && fromURI == nil)
			if err != nil {
				return err
			}
			if mode == createBoth && kind == hotkey {
				encrypt = false
			}
			if encrypt {
				if k.password, err = a.newPassword(&f.walletFlags, secret); err != nil {
					return err
				}
			}
			plan = append(plan, k)
		}
		results, err := a.writeKeys(wl, plan...)
		if err != nil {
			return err
		}
		return a.reportKeys(wl, results)
	}
	f.register(cmd, mode != createHotkey)
	cmd.Flags().IntVar(&nWords, "n-words", 12, "words in a new mnemonic: 12, 15, 18, 21 or 24")
	cmd.Flags().StringVar(&uri, "uri", "", "make the key(s) from a secret URI instead of a new mnemonic (e.g. //Alice)")
	return cmd
}

// reportKeys prints the result of a command that wrote keys: for one key a
// flat JSON object, for two the coldkey's fields plus both keys.
func (a *app) reportKeys(wl wallet.Wallet, results []keyResult) error {
	doc := map[string]any{"success": true, "wallet": wl.Name, "path": wl.Path}
	for k, v := range flatten(results[0]) {
		doc[k] = v
	}
	if len(results) > 1 {
		for _, r := range results {
			doc[r.Key] = r
		}
	}
	return a.result(doc, func() { a.showKeys(results) })
}

func flatten(r keyResult) map[string]any {
	m := map[string]any{
		"key": r.Key, "name": r.Name, "ss58Address": r.SS58Address, "publicKey": r.PublicKey,
		"file": r.File, "encrypted": r.Encrypted,
	}
	if r.Mnemonic != "" {
		m["mnemonic"] = r.Mnemonic
	}
	if r.Kept {
		m["kept"] = true
	}
	return m
}

func validWords(n int) bool {
	for _, c := range keys.MnemonicWordCounts {
		if c == n {
			return true
		}
	}
	return false
}
