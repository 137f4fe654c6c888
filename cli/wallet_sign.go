package cli

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/keys"
)

// errReported ends a command that has already printed its result (verify's
// {"verified": false}) and only needs a non-zero exit code.
var errReported = errors.New("result already reported")

// newWalletSignCmd builds `wallet sign`: sign a UTF-8 message with the
// coldkey (or the hotkey), as btcli does, with the "substrate" context.
func newWalletSignCmd(a *app) *cobra.Command {
	var f walletFlags
	var message string
	var useHotkey bool
	cmd := &cobra.Command{
		Use:   "sign",
		Short: "Sign a message with the coldkey (or the hotkey with --use-hotkey)",
		Long: `Sign the UTF-8 bytes of a message with the wallet's coldkey, or its hotkey with
--use-hotkey (sr25519, signing context "substrate", as btcli and polkadot-js
do). The signature is printed as hex without 0x, as btcli prints it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if message == "" {
				m, err := a.ask("Message to sign", "--message")
				if err != nil {
					return err
				}
				message = m
			}
			unlock := a.coldkey
			if useHotkey {
				unlock = a.hotkey
			}
			p, err := unlock(&f)
			if err != nil {
				return err
			}
			sig := hex.EncodeToString(p.Sign([]byte(message)))
			doc := map[string]string{"signed_message": sig, "signer_address": p.SS58(), "message": message}
			return a.result(doc, func() {
				a.infof("Signed by %s:\n", p.SS58())
				fmt.Fprintln(a.out, sig)
			})
		},
	}
	f.register(cmd)
	cmd.Flags().StringVarP(&message, "message", "m", "", "the message to sign (its UTF-8 bytes are signed)")
	cmd.Flags().BoolVar(&useHotkey, "use-hotkey", false, "sign with the hotkey instead of the coldkey")
	return cmd
}

// newWalletVerifyCmd builds `wallet verify`. It needs no wallet: only the
// signer's address or public key. An invalid signature exits with code 1.
func newWalletVerifyCmd(a *app) *cobra.Command {
	var message, signature, address, publicKey string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Verify a message's signature against an address or public key",
		Long: `Verify an sr25519 signature (context "substrate") of a message's UTF-8 bytes.
Like btwallet, a signature of "<Bytes>message</Bytes>" (polkadot-js signRaw)
is accepted too. Exits with code 1 when the signature does not verify.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if address != "" && publicKey != "" {
				return usageErrorf("give only one of --address and --public-key")
			}
			for _, req := range []struct{ v, flag string }{{message, "--message"}, {signature, "--signature"}, {address + publicKey, "--address or --public-key"}} {
				if req.v == "" {
					return usageErrorf("%s is required", req.flag)
				}
			}
			signer, err := parseAccountFlag("--address", address, "--public-key", publicKey)
			if err != nil {
				return err
			}
			sig, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(signature), "0x"))
			if err != nil || len(sig) != keys.SignatureSize {
				return usageErrorf("--signature must be %d hex digits (0x optional)", 2*keys.SignatureSize)
			}
			ok := keys.Verify(signer, []byte(message), sig)
			doc := map[string]any{"verified": ok, "signer_address": signer.String(), "public_key": signer.Hex(), "message": message}
			if err := a.result(doc, func() {
				if ok {
					a.success("signature is valid: signed by %s", signer)
				} else {
					fmt.Fprintf(a.errOut, "%s signature is not valid for %s and this message\n", a.paintErr(red, "error:"), signer)
				}
			}); err != nil {
				return err
			}
			if !ok {
				return errReported
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&message, "message", "m", "", "the signed message")
	fl.StringVarP(&signature, "signature", "s", "", "the signature, hex (0x optional)")
	fl.StringVarP(&address, "address", "a", "", "the signer's SS58 address")
	fl.StringVarP(&publicKey, "public-key", "p", "", "the signer's public key, hex (0x optional)")
	return cmd
}
