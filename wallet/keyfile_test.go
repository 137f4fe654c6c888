package wallet_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/wallet"
)

const (
	testPhrase  = "old leopard transfer rib spatial phone calm indicate online fire caution review"
	testAddress = "5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX"
	testPublic  = "0xe4359ad3e2716c539a1d663ebd0a51bdc5c98a12e663bb4c4402db47828c9446"
	testSeed    = "0xda3cf5b1e9144931a0f0db65664aab662673b099415a7f8121b7245fb0be4143"
	testSecret  = "0x1f1995bdf3a17b60626a26cfe6f564b337d46056b7a1281b64c649d592ccda0a9cffd34d9fb01cae1fba61aeed184c817442a2186d5172416729a4b54dd4b84e"
)

func TestDecodeKeyfile_Layouts(t *testing.T) {
	cases := []struct{ name, data string }{
		{"btwallet, phrase", `{"secretPhrase":"` + testPhrase + `","ss58Address":"` + testAddress + `"}`},
		{"seed only", `{"secretSeed":"` + testSeed + `"}`},
		{"private key only", `{"privateKey":"` + testSecret + `","publicKey":"` + testPublic + `"}`},
		// The Python SDK ≤ 7 wrote every field, with null for missing ones.
		{"legacy nulls", `{"accountId": "` + testPublic + `", "publicKey": "` + testPublic + `", "secretPhrase": null, "secretSeed": "` + testSeed + `", "privateKey": null, "ss58Address": "` + testAddress + `"}`},
		{"legacy all nulls but private key", `{"accountId": null, "publicKey": null, "secretPhrase": null, "secretSeed": null, "privateKey": "` + testSecret + `", "ss58Address": null}`},
		{"upper-case phrase, extra keys", `{"secretPhrase":"OLD LEOPARD transfer rib spatial phone calm indicate online fire caution review","name":"x"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := wallet.DecodeKeyfile([]byte(c.data))
			require.NoError(t, err)
			require.Equal(t, testAddress, p.SS58())
			pub, err := wallet.DecodePublicKeyfile([]byte(c.data))
			require.NoError(t, err)
			require.Equal(t, testAddress, pub.String())
		})
	}
}

// btwallet writes "0x" + the raw seed when the seed bytes happen to be UTF-8.
func TestDecodeKeyfile_RawUTF8SeedQuirk(t *testing.T) {
	seed := []byte("an ascii seed of 32 bytes length")
	require.Len(t, seed, 32)
	want, err := keys.FromSeed(seed)
	require.NoError(t, err)
	p, err := wallet.DecodeKeyfile([]byte(`{"secretSeed":"0x` + string(seed) + `"}`))
	require.NoError(t, err)
	require.Equal(t, want.Public(), p.Public())
}

func TestDecodePublicKeyfile_LegacyBareHex(t *testing.T) {
	for _, data := range []string{testPublic, testPublic + "\n", `"` + testPublic + `"`} {
		pub, err := wallet.DecodePublicKeyfile([]byte(data))
		require.NoError(t, err, data)
		require.Equal(t, testAddress, pub.String())
	}
}

func TestDecodeKeyfile_Errors(t *testing.T) {
	cases := []struct {
		name, data string
		want       error
		text       string
	}{
		{"truncated", `{"secretPhrase":"old leopard`, wallet.ErrCorrupt, "not valid JSON"},
		{"empty", ``, wallet.ErrCorrupt, "not valid JSON"},
		{"binary", "\xff\xfe\x00", wallet.ErrCorrupt, "not text"},
		{"not an object", `["x"]`, wallet.ErrCorrupt, ""},
		{"no secret", `{"ss58Address":"` + testAddress + `"}`, wallet.ErrNoSecret, ""},
		{"bad phrase", `{"secretPhrase":"old leopard"}`, wallet.ErrCorrupt, "secretPhrase"},
		{"bad seed", `{"secretSeed":"0x1234"}`, wallet.ErrCorrupt, "secretSeed"},
		{"bad private key", `{"privateKey":"0xzz"}`, wallet.ErrCorrupt, "privateKey"},
		{"mismatched public key", `{"secretSeed":"` + testSeed + `","publicKey":"0x` + strings.Repeat("aa", 32) + `"}`, wallet.ErrCorrupt, "does not match"},
		{"fields disagree", `{"secretSeed":"` + testSeed + `","publicKey":"` + testPublic + `","ss58Address":"5FvUhL6sQ5egLAvnyiY1n7gTuhmYg9sD3oJbvASWkpNULt3n"}`, wallet.ErrCorrupt, "does not match"},
		{"bad address checksum", `{"secretSeed":"` + testSeed + `","ss58Address":"5F3sa2TJAWMqDhXG6jhV4N8ko9rLbc4B52kmxXJoN5D3ue8w"}`, wallet.ErrCorrupt, "checksum"},
		{"encrypted", "$NACL" + strings.Repeat("\x00", 60), wallet.ErrEncrypted, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := wallet.DecodeKeyfile([]byte(c.data))
			require.ErrorIs(t, err, c.want)
			if c.text != "" {
				require.ErrorContains(t, err, c.text)
			}
		})
	}
	_, err := wallet.DecodePublicKeyfile([]byte(`{}`))
	require.ErrorIs(t, err, wallet.ErrCorrupt)
}

func TestEncodeKeyfile_RoundTrip(t *testing.T) {
	for _, uri := range []string{testPhrase, "//Alice", "//Alice/soft", testSeed} {
		p, err := keys.FromURI(uri)
		require.NoError(t, err)
		back, err := wallet.DecodeKeyfile(wallet.EncodeKeyfile(p))
		require.NoError(t, err)
		require.Equal(t, p.Secret(), back.Secret(), uri)
	}
}
