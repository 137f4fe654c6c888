package cli

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/ss58"
	"github.com/gotensor/gotensor/tao"
)

// newKeysCmd builds the `keys` group: key tools that need no wallet, in the
// shape of Substrate's subkey.
func newKeysCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "Inspect secret URIs and keys (like subkey inspect)"}
	cmd.AddCommand(newKeysInspectCmd(a), newKeysGenerateCmd(a))
	return cmd
}

// keyReport is the JSON of `keys inspect` and `keys generate`, with
// subkey's field names.
type keyReport struct {
	SecretPhrase  string `json:"secretPhrase,omitempty"`
	NetworkID     uint16 `json:"networkId"`
	SecretSeed    string `json:"secretSeed,omitempty"`
	PublicKey     string `json:"publicKey"`
	AccountID     string `json:"accountId"`
	SS58PublicKey string `json:"ss58PublicKey"`
	SS58Address   string `json:"ss58Address"`
}

func newKeyReport(pub tao.AccountID, format uint16) keyReport {
	addr := ss58.Encode(pub, format)
	return keyReport{NetworkID: format, PublicKey: pub.Hex(), AccountID: pub.Hex(), SS58PublicKey: addr, SS58Address: addr}
}

func (a *app) showKeyReport(r keyReport) {
	rows := [][2]string{
		{"Secret phrase", r.SecretPhrase}, {"Network ID", fmt.Sprint(r.NetworkID)}, {"Secret seed", r.SecretSeed},
		{"Public key (hex)", r.PublicKey}, {"Account ID", r.AccountID}, {"Public key (SS58)", r.SS58PublicKey},
		{"SS58 Address", r.SS58Address},
	}
	for _, row := range rows {
		if row[1] != "" {
			a.printf("%-19s %s\n", row[0]+":", row[1])
		}
	}
}

// ss58Format validates --ss58-format.
func ss58Format(n int) (uint16, error) {
	if n < 0 || n > 16383 {
		return 0, usageErrorf("--ss58-format %d: want a network prefix 0..16383 (Bittensor uses 42)", n)
	}
	return uint16(n), nil
}

// newKeysInspectCmd builds `keys inspect`, like `subkey inspect`.
func newKeysInspectCmd(a *app) *cobra.Command {
	var format int
	var public bool
	cmd := &cobra.Command{
		Use:   "inspect [SURI | ADDRESS]",
		Short: "Show the keys of a secret URI, or decode an address",
		Long: `Show the public key and addresses of a secret URI:
  <mnemonic | 0x seed>[//hard][/soft]...[///password]
A URI without a phrase derives from the development phrase, so //Alice is
Alice. secretSeed (the 32-byte mini-secret) is shown when the URI has no
derivation path. An SS58 address, or a public key with --public, is decoded
instead. Without an argument the URI is read from a hidden prompt.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := ss58Format(format)
			if err != nil {
				return err
			}
			var in string
			if len(args) == 1 {
				in = args[0]
			} else if a.noPrompt {
				return usageErrorf("a secret URI or address is required as the argument")
			} else if in, err = a.askPassword("Secret URI"); err != nil {
				return err
			}
			var r keyReport
			if pub, prefix, ok := asPublic(in, public); ok {
				if !cmd.Flags().Changed("ss58-format") {
					f = prefix
				}
				r = newKeyReport(pub, f)
			} else if public {
				return usageErrorf("--public: %q is neither an SS58 address nor 64 hex digits", in)
			} else if looksLikeAddress(in) {
				_, _, err := ss58.Decode(in)
				return withHint(fmt.Errorf("invalid address %q: %w", in, err), "a secret URI is a mnemonic (12+ words) or a 0x seed, or starts with /")
			} else {
				u, err := keys.ParseURI(in)
				if err != nil {
					return withHint(err, "a URI is a mnemonic or 0x seed, then //hard and /soft junctions, e.g. //Alice")
				}
				p, err := u.Pair()
				if err != nil {
					return err
				}
				r = newKeyReport(p.Public(), f)
				r.SecretPhrase = in
				if seed := p.Seed(); seed != nil && len(u.Path) == 0 {
					r.SecretSeed = "0x" + hex.EncodeToString(seed)
				}
			}
			return a.result(r, func() { a.showKeyReport(r) })
		},
	}
	cmd.Flags().IntVar(&format, "ss58-format", ss58.DefaultPrefix, "SS58 network prefix of the addresses shown")
	cmd.Flags().BoolVar(&public, "public", false, "the argument is a public key (hex) or address, not a secret")
	return cmd
}

// asPublic reads in as an SS58 address, or (with --public) as hex.
func asPublic(in string, public bool) (tao.AccountID, uint16, bool) {
	if pub, prefix, err := ss58.Decode(in); err == nil {
		return pub, prefix, true
	}
	if public {
		if pub, err := keys.ParsePublicKey(in); err == nil {
			return pub, ss58.DefaultPrefix, true
		}
	}
	return tao.AccountID{}, 0, false
}

// looksLikeAddress tells a mistyped address from a secret URI: one word,
// no slash, not 0x (a single word is never a valid mnemonic).
func looksLikeAddress(in string) bool {
	return !strings.ContainsAny(in, " \t\n/") && !strings.HasPrefix(in, "0x") && in != ""
}

// newKeysGenerateCmd builds `keys generate`, like `subkey generate`.
func newKeysGenerateCmd(a *app) *cobra.Command {
	var format, words int
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Generate a new mnemonic and show its keys (nothing is saved)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := ss58Format(format)
			if err != nil {
				return err
			}
			if !validWords(words) {
				return usageErrorf("--words %d: want 12, 15, 18, 21 or 24", words)
			}
			phrase, err := keys.GenerateMnemonic(words)
			if err != nil {
				return err
			}
			p, err := keys.FromMnemonic(phrase, "")
			if err != nil {
				return err
			}
			r := newKeyReport(p.Public(), f)
			r.SecretPhrase, r.SecretSeed = phrase, "0x"+hex.EncodeToString(p.Seed())
			return a.result(r, func() { a.showKeyReport(r) })
		},
	}
	cmd.Flags().IntVar(&format, "ss58-format", ss58.DefaultPrefix, "SS58 network prefix of the addresses shown")
	cmd.Flags().IntVar(&words, "words", 12, "mnemonic length: 12, 15, 18, 21 or 24")
	return cmd
}
