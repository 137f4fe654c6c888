package cli

import (
	"encoding/hex"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/wallet"
)

// newRegenCmd builds `wallet regen-coldkey` and `wallet regen-hotkey`:
// restore a key from its mnemonic, seed, secret URI or polkadot-js export.
func newRegenCmd(a *app, kind keyKind) *cobra.Command {
	var f keyWriteFlags
	var mnemonic, seed, uri, jsonFile, jsonPassword string
	cmd := &cobra.Command{
		Use:     "regen-" + string(kind),
		Aliases: []string{"regen_" + string(kind)},
		Short:   "Restore the " + string(kind) + " from its mnemonic, seed, secret URI or polkadot-js JSON",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			wl, err := a.openWallet(&f.walletFlags)
			if err != nil {
				return err
			}
			given := 0
			for _, v := range []string{mnemonic, seed, uri, jsonFile} {
				if v != "" {
					given++
				}
			}
			if given > 1 {
				return usageErrorf("give only one of --mnemonic, --seed, --uri and --json-file")
			}
			if given == 0 {
				if a.noPrompt {
					return usageErrorf("the key to restore is required: pass --mnemonic, --seed, --uri or --json-file")
				}
				if mnemonic, err = a.askPassword("Enter the mnemonic, 0x seed or secret URI (input hidden)"); err != nil {
					return err
				}
			}
			secret, public := kind.files(wl)
			if err := a.checkOverwrite([]wallet.Keyfile{secret, public}, f.overwrite); err != nil {
				return err
			}
			p, err := restoreKey(mnemonic, seed, uri, jsonFile, jsonPassword)
			if err != nil {
				return err
			}
			k := plannedKey{kind: kind, pair: p, pub: p.Public()}
			encrypt, err := f.encrypt(cmd, kind == coldkey)
			if err != nil {
				return err
			}
			if encrypt {
				if k.password, err = a.newPassword(&f.walletFlags, secret); err != nil {
					return err
				}
			}
			results, err := a.writeKeys(wl, k)
			if err != nil {
				return err
			}
			return a.reportKeys(wl, results)
		},
	}
	f.register(cmd, kind == coldkey)
	fl := cmd.Flags()
	fl.StringVar(&mnemonic, "mnemonic", "", "the key's BIP39 mnemonic, in quotes")
	fl.StringVar(&seed, "seed", "", "the key's 0x-hex seed: 32-byte mini-secret (secretSeed) or 64-byte secret key (privateKey)")
	fl.StringVar(&uri, "uri", "", "a secret URI (mnemonic or seed, //hard and /soft junctions, ///password)")
	fl.StringVar(&jsonFile, "json-file", "", "a polkadot-js account export (JSON) to import")
	fl.StringVar(&jsonPassword, "json-password", "", "the passphrase of --json-file")
	return cmd
}

// restoreKey builds the pair from whichever source was given; a mnemonic
// may also be a seed or URI typed at the prompt.
func restoreKey(mnemonic, seed, uri, jsonFile, jsonPassword string) (*keys.Pair, error) {
	switch {
	case jsonFile != "":
		data, err := os.ReadFile(jsonFile)
		if err != nil {
			return nil, err
		}
		p, err := wallet.DecodePolkadotJSON(data, jsonPassword)
		if err != nil {
			return nil, withHint(err, "check --json-password; the file must be a polkadot-js sr25519 export")
		}
		return p, nil
	case seed != "":
		b, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(seed), "0x"))
		if err != nil {
			return nil, usageErrorf("--seed is not hex: want 0x and 64 or 128 hex digits")
		}
		return keys.FromSeed(b)
	case uri != "":
		return keys.FromURI(uri)
	}
	m := strings.TrimSpace(mnemonic)
	if strings.HasPrefix(m, "0x") || strings.Contains(m, "/") {
		return keys.FromURI(m)
	}
	p, err := keys.FromMnemonic(m, "")
	if err != nil {
		return nil, withHint(err, `pass the words of your backup, in order, as one quoted argument: --mnemonic "word1 word2 …"`)
	}
	return p, nil
}

// newRegenPubCmd builds `wallet regen-coldkeypub` and `regen-hotkeypub`:
// write only the public file, for a watch-only wallet.
func newRegenPubCmd(a *app, kind keyKind) *cobra.Command {
	var f walletFlags
	var overwrite bool
	var address, pubHex string
	cmd := &cobra.Command{
		Use:     "regen-" + string(kind) + "pub",
		Aliases: []string{"regen_" + string(kind) + "pub"},
		Short:   "Write only the " + string(kind) + "'s public file, from its address or public key",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			wl, err := a.openWallet(&f)
			if err != nil {
				return err
			}
			if address != "" && pubHex != "" {
				return usageErrorf("give only one of --ss58 and --public-key-hex")
			}
			from := "--ss58"
			if address == "" && pubHex == "" {
				if address, err = a.ask("SS58 address or 0x public key", "--ss58 or --public-key-hex"); err != nil {
					return err
				}
				from = ""
			}
			pub, err := parseAccountFlag(from, address, "--public-key-hex", pubHex)
			if err != nil {
				return err
			}
			_, public := kind.files(wl)
			if err := a.checkOverwrite([]wallet.Keyfile{public}, overwrite); err != nil {
				return err
			}
			if err := public.SavePublic(pub, true); err != nil {
				return a.keyError(err, wl, string(kind))
			}
			name := wl.Name
			if kind == hotkey {
				name = wl.Hotkey
			}
			doc := map[string]any{"success": true, "wallet": wl.Name, "path": wl.Path, "key": string(kind) + "pub",
				"name": name, "ss58Address": pub.String(), "publicKey": pub.Hex(), "file": public.Path}
			return a.result(doc, func() { a.success("%s public file %s: %s", kind, public.Path, pub) })
		},
	}
	f.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&address, "ss58", "", "the key's SS58 address")
	fl.StringVar(&pubHex, "public-key-hex", "", "the key's public key, 64 hex digits (0x optional)")
	fl.BoolVar(&overwrite, "overwrite", false, "replace an existing public file")
	return cmd
}
