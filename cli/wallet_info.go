package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/wallet"
)

// keyInfoJSON is one key in `wallet list` and `wallet inspect`.
type keyInfoJSON struct {
	Name        string `json:"name"`
	WatchOnly   bool   `json:"watchOnly,omitempty"` // only the public key is present
	SS58Address string `json:"ss58Address,omitempty"`
	PublicKey   string `json:"publicKey,omitempty"`
	// Encryption is the secret keyfile's; absent when there is none.
	Encryption string `json:"encryption,omitempty"`
	// File is the secret keyfile, or the public one when there is no
	// secret.
	File  string `json:"file,omitempty"`
	Error string `json:"error,omitempty"`
}

// publicKeyOnly describes, in the place of an encryption, a key whose
// secret is not on this machine.
const publicKeyOnly = "public key only"

type walletInfoJSON struct {
	Name    string        `json:"name"`
	Coldkey keyInfoJSON   `json:"coldkey"`
	Hotkeys []keyInfoJSON `json:"hotkeys"`
}

// toKeyInfo describes k, whose secret and public keyfiles are secret and
// pub ("" leaves the file out).
func toKeyInfo(k wallet.KeyInfo, secret, pub string) keyInfoJSON {
	out := keyInfoJSON{Name: k.Name, SS58Address: k.Address, File: secret, WatchOnly: k.NoSecret}
	if k.NoSecret {
		out.File = pub
	} else {
		out.Encryption = k.Encryption.String()
	}
	if k.Err != nil {
		out.Error = k.Err.Error()
	}
	if pub, err := tao.ParseAccountID(k.Address); err == nil {
		out.PublicKey = pub.Hex()
	}
	return out
}

func toWalletInfo(info wallet.Info, path string, withFiles bool) walletInfoJSON {
	w := wallet.Wallet{Path: path, Name: info.Name}
	files := func(secret, pub wallet.Keyfile) (string, string) {
		if withFiles {
			return secret.Path, pub.Path
		}
		return "", ""
	}
	cold, coldPub := files(w.ColdkeyFile(), w.ColdkeyPubFile())
	out := walletInfoJSON{Name: info.Name, Coldkey: toKeyInfo(info.Coldkey, cold, coldPub), Hotkeys: []keyInfoJSON{}}
	for _, h := range info.Hotkeys {
		hw := w
		hw.Hotkey = h.Name
		hot, hotPub := files(hw.HotkeyFile(), hw.HotkeyPubFile())
		out.Hotkeys = append(out.Hotkeys, toKeyInfo(h, hot, hotPub))
	}
	return out
}

// newWalletListCmd builds `wallet list`: every wallet and hotkey under the
// wallet path, without unlocking anything.
func newWalletListCmd(a *app) *cobra.Command {
	var f walletFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the wallets and hotkeys under the wallet path",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.walletSettings(&f, "")
			if err != nil {
				return err
			}
			infos, err := wallet.List(s.Path)
			if err != nil {
				return err
			}
			doc := struct {
				Path    string           `json:"path"`
				Wallets []walletInfoJSON `json:"wallets"`
			}{Path: s.Path, Wallets: []walletInfoJSON{}}
			for _, info := range infos {
				doc.Wallets = append(doc.Wallets, toWalletInfo(info, s.Path, false))
			}
			return a.result(doc, func() {
				if len(infos) == 0 {
					a.printf("No wallets in %s (from %s). Create one with `gotensor wallet create`.\n", s.Path, s.PathFrom)
					return
				}
				a.printf("Wallets in %s\n", a.paint(bold, s.Path))
				for i, w := range doc.Wallets {
					last := i == len(doc.Wallets)-1
					a.printf("%s %s %s\n", branch(last), a.paint(bold, w.Name), a.describeKey("coldkey", w.Coldkey))
					for j, h := range w.Hotkeys {
						a.printf("%s   %s %s %s\n", indent(last), branch(j == len(w.Hotkeys)-1), h.Name, a.describeKey("", h))
					}
				}
			})
		},
	}
	f.register(cmd)
	return cmd
}

func branch(last bool) string {
	if last {
		return "└──"
	}
	return "├──"
}

func indent(last bool) string {
	if last {
		return " "
	}
	return "│"
}

// describeKey is the human form of a key: address, then notes.
func (a *app) describeKey(what string, k keyInfoJSON) string {
	s := k.SS58Address
	if s == "" {
		s = a.paint(yellow, "(address unknown)")
	}
	var notes []string
	if what != "" {
		notes = append(notes, what)
	}
	switch {
	case k.WatchOnly:
		notes = append(notes, publicKeyOnly)
	case k.Encryption != wallet.Plain.String():
		notes = append(notes, "encrypted: "+k.Encryption)
	}
	if len(notes) > 0 {
		s += a.paint(dim, " ("+strings.Join(notes, ", ")+")")
	}
	return s
}

// newWalletInspectCmd builds `wallet inspect`: one wallet's keys, files and
// encryption, without unlocking anything.
func newWalletInspectCmd(a *app) *cobra.Command {
	var f walletFlags
	cmd := &cobra.Command{
		Use:   "inspect",
		Short: "Show one wallet's keys, files and encryption (never its secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			wl, err := a.openWallet(&f)
			if err != nil {
				return err
			}
			infos, err := wallet.List(wl.Path)
			if err != nil {
				return err
			}
			for _, info := range infos {
				if info.Name != wl.Name {
					continue
				}
				doc := toWalletInfo(info, wl.Path, true)
				return a.result(doc, func() {
					row := func(kind, name string, k keyInfoJSON) []string {
						enc := k.Encryption
						if k.WatchOnly {
							enc = publicKeyOnly
						}
						return []string{kind, name, k.SS58Address, enc, k.File}
					}
					rows := [][]string{row("coldkey", doc.Name, doc.Coldkey)}
					for _, h := range doc.Hotkeys {
						rows = append(rows, row("hotkey", h.Name, h))
					}
					a.table("Wallet "+doc.Name, []string{"KEY", "NAME", "ADDRESS", "ENCRYPTION", "FILE"}, rows, nil)
				})
			}
			return withHint(fmt.Errorf("no wallet %q in %s", wl.Name, wl.Path), "see the wallets there with `gotensor wallet list --wallet-path %s`", wl.Path)
		},
	}
	f.register(cmd)
	return cmd
}

// newPasswordEnvCmd builds `wallet password-env`: print the BT_PW_ variable
// that lets btwallet, btcli and gotensor unlock a key without a prompt.
func newPasswordEnvCmd(a *app) *cobra.Command {
	var f walletFlags
	var useHotkey bool
	cmd := &cobra.Command{
		Use:   "password-env",
		Short: "Print the BT_PW_… variable that unlocks a key without a prompt",
		Long: `Print an export line for the environment variable btwallet and gotensor read
a keyfile's password from (BT_PW_ and the file's path; the value is the
password XOR-ed with the name, base64: obfuscated, not encrypted). The
password is checked against the keyfile first.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			wl, err := a.openWallet(&f)
			if err != nil {
				return err
			}
			k, which := wl.ColdkeyFile(), "coldkey"
			if useHotkey {
				k, which = wl.HotkeyFile(), "hotkey"
			}
			enc, err := k.Encryption()
			if err != nil {
				return a.keyError(err, wl, which)
			}
			if enc == wallet.Plain {
				return withHint(fmt.Errorf("%s is not encrypted: it needs no password", k.Path), "encrypt it by restoring it with --use-password")
			}
			var pw string
			if f.passwordFile != "" {
				pw, err = readPasswordFile(f.passwordFile)
			} else if a.noPrompt {
				err = usageErrorf("a password is needed: pass --password-file FILE")
			} else {
				pw, err = a.askPassword("Enter the password of " + k.Path)
			}
			if err != nil {
				return err
			}
			if _, err := k.UnlockWith(pw); err != nil {
				return a.keyError(err, wl, which)
			}
			name := k.EnvVarName()
			value := wallet.EncodeEnvPassword(name, pw)
			return a.result(map[string]string{"name": name, "value": value, "file": k.Path}, func() {
				fmt.Fprintf(a.out, "export %s='%s'\n", name, value)
			})
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&useHotkey, "use-hotkey", false, "for the hotkey instead of the coldkey")
	return cmd
}
