package keys_test

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/mr-tron/base58"
	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/ss58"
	"github.com/gotensor/gotensor/tao"
)

// vectors mirrors the parts of sdk-vectors.json (copied from
// /work/shared/reference) that concern keys.
type vectors struct {
	Published struct {
		BtwalletTests struct {
			Cases []struct {
				What       string          `json:"what"`
				Mnemonic   string          `json:"mnemonic"`
				URI        string          `json:"uri"`
				SS58       string          `json:"ss58"`
				PublicKey  string          `json:"public_key"`
				PrivateKey string          `json:"private_key"`
				Seed       string          `json:"seed"`
				Address    string          `json:"address"`
				Valid      *bool           `json:"is_valid_ss58_address"`
				Inputs     [][2]any        `json:"inputs"`
				Extra      json.RawMessage `json:"-"`
			} `json:"cases"`
		} `json:"btwallet_tests"`
		DevAccounts struct {
			DevPhrase string `json:"dev_phrase"`
			Accounts  []struct {
				URI       string `json:"uri"`
				PublicKey string `json:"public_key"`
				SS58      string `json:"ss58_42"`
			} `json:"accounts"`
			AliceMiniSecret string `json:"alice_mini_secret"`
		} `json:"substrate_dev_accounts"`
		Bip39 struct {
			Password string `json:"password"`
			Vectors  []struct {
				Mnemonic string `json:"mnemonic"`
				Entropy  string `json:"entropy"`
				Seed     string `json:"seed"`
			} `json:"vectors"`
		} `json:"substrate_bip39_vectors"`
	} `json:"published"`
	Computed struct {
		Keys struct {
			Mnemonics []struct {
				Mnemonic       string `json:"mnemonic"`
				Entropy        string `json:"entropy"`
				MiniSecret     string `json:"mini_secret_seed"`
				PrivateKey     string `json:"btwallet_private_key"`
				PolkadotSecret string `json:"polkadotjs_secret_key_ed25519_form"`
				PublicKey      string `json:"public_key"`
				SS58           string `json:"ss58_42"`
				SS58Prefix0    string `json:"ss58_0"`
			} `json:"mnemonics"`
			WithPassword struct {
				Mnemonic   string `json:"mnemonic"`
				Password   string `json:"password"`
				MiniSecret string `json:"mini_secret_seed"`
				PublicKey  string `json:"public_key"`
				SS58       string `json:"ss58_42"`
			} `json:"mnemonic_with_password"`
			DevURIs      []uriVector `json:"dev_uris"`
			MnemonicURIs []uriVector `json:"mnemonic_uris"`
			Seeds        []struct {
				Seed       string `json:"seed"`
				PrivateKey string `json:"btwallet_private_key"`
				PublicKey  string `json:"public_key"`
				SS58       string `json:"ss58_42"`
			} `json:"seeds"`
			SS58Decode []struct {
				Address   string `json:"address"`
				PublicKey string `json:"public_key"`
				Error     string `json:"error"`
			} `json:"ss58_decode"`
		} `json:"keys"`
		SS58 struct {
			Breakdown struct {
				PublicKey   string `json:"public_key"`
				Prefix      uint16 `json:"prefix"`
				Checksum    string `json:"checksum"`
				Base58Input string `json:"base58_input"`
				Address     string `json:"address"`
			} `json:"breakdown"`
			OtherPrefixes []struct {
				Prefix  uint16 `json:"prefix"`
				Address string `json:"address"`
			} `json:"other_prefixes_for_alice"`
		} `json:"ss58"`
		Verify struct {
			Context string `json:"signing_context"`
			Cases   []struct {
				PublicKey          string `json:"public_key"`
				MessageHex         string `json:"message_hex"`
				SigRaw             string `json:"signature_over_raw"`
				WrappedHex         string `json:"wrapped_message_hex"`
				SigWrapped         string `json:"signature_over_wrapped"`
				WrappedAgainstRaw  bool   `json:"wrapped_sig_verifies_against_raw_directly"`
				RawVerifies        bool   `json:"raw_verifies"`
				WrappedVerifiesOwn bool   `json:"wrapped_sig_verifies_against_wrapped"`
			} `json:"cases"`
		} `json:"sr25519_verify"`
		Synapse struct {
			DendriteURI     string `json:"dendrite_hotkey_uri"`
			DendriteHotkey  string `json:"dendrite_hotkey"`
			DendriteMessage string `json:"dendrite_message"`
			DendriteSig     string `json:"dendrite_signature_header_value"`
			AxonURI         string `json:"axon_hotkey_uri"`
			AxonHotkey      string `json:"axon_hotkey"`
			AxonMessage     string `json:"axon_message"`
			AxonSig         string `json:"axon_signature_header_value"`
		} `json:"synapse_signing"`
	} `json:"computed"`
}

type uriVector struct {
	URI       string `json:"uri"`
	PublicKey string `json:"public_key"`
	SS58      string `json:"ss58_42"`
}

func loadVectors(t testing.TB) *vectors {
	t.Helper()
	b, err := os.ReadFile("testdata/sdk-vectors.json")
	require.NoError(t, err)
	var v vectors
	require.NoError(t, json.Unmarshal(b, &v))
	return &v
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	require.NoError(t, err, s)
	return b
}

func account(t testing.TB, s string) tao.AccountID {
	t.Helper()
	var a tao.AccountID
	b := unhex(t, s)
	require.Len(t, b, 32)
	copy(a[:], b)
	return a
}

func TestVectors_Mnemonics(t *testing.T) {
	v := loadVectors(t)
	require.NotEmpty(t, v.Computed.Keys.Mnemonics)
	for _, c := range v.Computed.Keys.Mnemonics {
		t.Run(c.Mnemonic[:20], func(t *testing.T) {
			entropy, err := keys.MnemonicToEntropy(c.Mnemonic)
			require.NoError(t, err)
			require.Equal(t, unhex(t, c.Entropy), entropy)

			p, err := keys.FromMnemonic(c.Mnemonic, "")
			require.NoError(t, err)
			require.Equal(t, unhex(t, c.MiniSecret), p.Seed())
			require.Equal(t, unhex(t, c.PrivateKey), p.Secret())
			require.Equal(t, account(t, c.PublicKey), p.Public())
			require.Equal(t, c.SS58, p.SS58())
			require.Equal(t, c.SS58Prefix0, ss58.Encode(p.Public(), 0))
			require.Equal(t, c.Mnemonic, p.Phrase())

			// The same key from its mini-secret, its secret key and its URI.
			fromSeed, err := keys.FromSeed(unhex(t, c.MiniSecret))
			require.NoError(t, err)
			require.Equal(t, p.Secret(), fromSeed.Secret())
			fromSecret, err := keys.FromSeed(unhex(t, c.PrivateKey))
			require.NoError(t, err)
			require.Equal(t, p.Public(), fromSecret.Public())
			require.Nil(t, fromSecret.Seed())
			fromURI, err := keys.FromURI(c.Mnemonic)
			require.NoError(t, err)
			require.Equal(t, p.Secret(), fromURI.Secret())
			require.Equal(t, p.Seed(), fromURI.Seed())

			// The polkadot-js form is the ed25519 form: scalar·8 ‖ nonce.
			pj := unhex(t, c.PolkadotSecret)
			require.Equal(t, pj, p.Ed25519Secret())
			fromPJ, err := keys.FromEd25519Secret(pj)
			require.NoError(t, err)
			require.Equal(t, p.Secret(), fromPJ.Secret())
		})
	}
}

func TestVectors_MnemonicWithPassword(t *testing.T) {
	c := loadVectors(t).Computed.Keys.WithPassword
	p, err := keys.FromMnemonic(c.Mnemonic, c.Password)
	require.NoError(t, err)
	require.Equal(t, unhex(t, c.MiniSecret), p.Seed())
	require.Equal(t, account(t, c.PublicKey), p.Public())
	require.Equal(t, c.SS58, p.SS58())
	require.Empty(t, p.Phrase(), "a passworded key is not the phrase's key")

	u, err := keys.FromURI(c.Mnemonic + "///" + c.Password)
	require.NoError(t, err)
	require.Equal(t, p.Public(), u.Public())
}

func TestVectors_SubstrateBIP39(t *testing.T) {
	v := loadVectors(t).Published.Bip39
	require.NotEmpty(t, v.Vectors)
	for _, c := range v.Vectors {
		entropy, err := keys.MnemonicToEntropy(c.Mnemonic)
		require.NoError(t, err, c.Mnemonic)
		require.Equal(t, unhex(t, c.Entropy), entropy)
		seed, err := keys.SeedFromEntropy(entropy, v.Password)
		require.NoError(t, err)
		require.Equal(t, unhex(t, c.Seed), seed, c.Mnemonic)

		back, err := keys.EntropyToMnemonic(entropy)
		require.NoError(t, err)
		require.Equal(t, c.Mnemonic, back)

		p, err := keys.FromMnemonic(c.Mnemonic, v.Password)
		require.NoError(t, err)
		require.Equal(t, unhex(t, c.Seed)[:32], p.Seed())
	}
}

func TestVectors_URIs(t *testing.T) {
	v := loadVectors(t)
	var cases []uriVector
	cases = append(cases, v.Computed.Keys.DevURIs...)
	cases = append(cases, v.Computed.Keys.MnemonicURIs...)
	for _, a := range v.Published.DevAccounts.Accounts {
		cases = append(cases, uriVector{URI: a.URI, PublicKey: a.PublicKey, SS58: a.SS58})
	}
	for _, c := range v.Published.BtwalletTests.Cases {
		if c.URI != "" {
			cases = append(cases, uriVector{URI: c.URI, SS58: c.SS58})
		}
	}
	require.Greater(t, len(cases), 30)
	for _, c := range cases {
		t.Run(c.URI, func(t *testing.T) {
			p, err := keys.FromURI(c.URI)
			require.NoError(t, err)
			require.Equal(t, c.SS58, p.SS58())
			if c.PublicKey != "" {
				require.Equal(t, account(t, c.PublicKey), p.Public())
			}
			// Deterministic, soft junctions included.
			again, err := keys.FromURI(c.URI)
			require.NoError(t, err)
			require.Equal(t, p.Secret(), again.Secret())
		})
	}
}

func TestVectors_DevSeeds(t *testing.T) {
	v := loadVectors(t)
	dev := v.Published.DevAccounts
	require.Equal(t, dev.DevPhrase, keys.DevPhrase)

	// Substrate reports the derived mini-secret of a hard-only path.
	alice, err := keys.FromURI("//Alice")
	require.NoError(t, err)
	require.Equal(t, unhex(t, dev.AliceMiniSecret), alice.Seed())
	soft, err := keys.FromURI("//Alice/0")
	require.NoError(t, err)
	require.Nil(t, soft.Seed())

	for _, c := range v.Computed.Keys.Seeds {
		p, err := keys.FromSeed(unhex(t, c.Seed))
		require.NoError(t, err)
		require.Equal(t, unhex(t, c.PrivateKey), p.Secret())
		require.Equal(t, account(t, c.PublicKey), p.Public())
		require.Equal(t, c.SS58, p.SS58())
		u, err := keys.FromURI(c.Seed)
		require.NoError(t, err)
		require.Equal(t, p.Secret(), u.Secret())
	}
}

func TestVectors_BtwalletCases(t *testing.T) {
	for _, c := range loadVectors(t).Published.BtwalletTests.Cases {
		switch {
		case c.Mnemonic != "":
			p, err := keys.FromMnemonic(c.Mnemonic, "")
			require.NoError(t, err)
			require.Equal(t, c.SS58, p.SS58())
		case c.PrivateKey != "" && c.PublicKey != "":
			p, err := keys.FromSeed(unhex(t, c.PrivateKey))
			require.NoError(t, err)
			require.Equal(t, account(t, c.PublicKey), p.Public())
		case c.Seed != "":
			p, err := keys.FromSeed(unhex(t, c.Seed))
			require.NoError(t, err)
			m, err := keys.FromMnemonic("stool feel open east woman high can denial forget screen trust salt", "")
			require.NoError(t, err)
			require.Equal(t, m.Secret(), p.Secret())
		case c.PrivateKey != "":
			_, err := keys.FromSeed(unhex(t, c.PrivateKey))
			require.NoError(t, err)
		case c.Address != "" && c.Valid != nil:
			_, err := tao.ParseAccountID(c.Address)
			require.Equal(t, *c.Valid, err == nil, c.Address)
		case len(c.Inputs) > 0: // is_valid_ed25519_pubkey
			for _, in := range c.Inputs {
				_, err := keys.ParsePublicKey(in[0].(string))
				require.Equal(t, in[1].(bool), err == nil, in[0])
			}
		case c.SS58 != "" && c.PublicKey != "":
			pub, _, err := ss58.Decode(c.SS58)
			require.NoError(t, err)
			require.Equal(t, account(t, c.PublicKey), tao.AccountID(pub))
			require.Equal(t, c.SS58[0] == '5', ss58.Encode(pub, 42) == c.SS58)
		}
	}
}

func TestVectors_SS58(t *testing.T) {
	v := loadVectors(t)
	for _, c := range v.Computed.Keys.SS58Decode {
		pub, _, err := ss58.Decode(c.Address)
		if c.Error != "" {
			require.ErrorIs(t, err, ss58.ErrChecksum, c.Address)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, account(t, c.PublicKey), tao.AccountID(pub))
	}
	b := v.Computed.SS58.Breakdown
	pub := account(t, b.PublicKey)
	require.Equal(t, b.Address, ss58.Encode(pub, b.Prefix))
	raw, err := base58.Decode(b.Address)
	require.NoError(t, err)
	require.Equal(t, unhex(t, b.Base58Input), raw)
	require.Equal(t, unhex(t, b.Checksum), raw[len(raw)-2:])

	alice, err := keys.FromURI("//Alice")
	require.NoError(t, err)
	for _, c := range v.Computed.SS58.OtherPrefixes {
		require.Equal(t, c.Address, ss58.Encode(alice.Public(), c.Prefix))
		pub, prefix, err := ss58.Decode(c.Address)
		require.NoError(t, err)
		require.Equal(t, c.Prefix, prefix)
		require.Equal(t, alice.Public(), tao.AccountID(pub))
	}
}

func TestVectors_Verify(t *testing.T) {
	v := loadVectors(t)
	require.Equal(t, "substrate", v.Computed.Verify.Context)
	for _, c := range v.Computed.Verify.Cases {
		pub := account(t, c.PublicKey)
		msg, wrapped := unhex(t, c.MessageHex), unhex(t, c.WrappedHex)
		raw, overWrapped := unhex(t, c.SigRaw), unhex(t, c.SigWrapped)

		require.Equal(t, c.RawVerifies, keys.Verify(pub, msg, raw))
		require.Equal(t, c.RawVerifies, keys.VerifyContext([]byte("substrate"), pub, msg, raw))
		require.Equal(t, c.WrappedVerifiesOwn, keys.VerifyContext([]byte("substrate"), pub, wrapped, overWrapped))
		require.Equal(t, c.WrappedAgainstRaw, keys.VerifyContext([]byte("substrate"), pub, msg, overWrapped))
		// Verify accepts the <Bytes> form, as Bittensor's Keypair.verify does.
		require.True(t, keys.Verify(pub, msg, overWrapped))
		// Wrong context, message or key: rejected.
		require.False(t, keys.VerifyContext([]byte("gotensor"), pub, msg, raw))
		require.False(t, keys.Verify(pub, append(msg, '!'), raw))
		bob, err := keys.FromURI("//Bob")
		require.NoError(t, err)
		require.False(t, keys.Verify(bob.Public(), msg, raw))
	}

	s := v.Computed.Synapse
	for _, c := range []struct{ uri, addr, msg, sig string }{
		{s.DendriteURI, s.DendriteHotkey, s.DendriteMessage, s.DendriteSig},
		{s.AxonURI, s.AxonHotkey, s.AxonMessage, s.AxonSig},
	} {
		p, err := keys.FromURI(c.uri)
		require.NoError(t, err)
		require.Equal(t, c.addr, p.SS58())
		require.True(t, keys.Verify(p.Public(), []byte(c.msg), unhex(t, c.sig)))
	}
}
