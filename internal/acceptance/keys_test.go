package acceptance

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// keyVectors is testdata/key-vectors.json: published and independently
// computed key vectors (sdk-vectors.json, see its _meta).
type keyVectors struct {
	Mnemonics []struct {
		Mnemonic   string `json:"mnemonic"`
		MiniSecret string `json:"mini_secret_seed"`
		PublicKey  string `json:"public_key"`
		SS58       string `json:"ss58_42"`
		SS58Polka  string `json:"ss58_0"`
	} `json:"mnemonics"`
	DevURIs      []uriVector `json:"dev_uris"`
	MnemonicURIs []uriVector `json:"mnemonic_uris"`
	Seeds        []struct {
		Seed      string `json:"seed"`
		PublicKey string `json:"public_key"`
		SS58      string `json:"ss58_42"`
	} `json:"seeds"`
	SS58Decode []struct {
		Address   string `json:"address"`
		PublicKey string `json:"public_key"`
		Error     string `json:"error"`
	} `json:"ss58_decode"`
	AlicePrefixes []struct {
		Prefix  int    `json:"prefix"`
		Address string `json:"address"`
	} `json:"alice_prefixes"`
	SubstrateBIP39 struct {
		Password string `json:"password"`
		Vectors  []struct {
			Mnemonic string `json:"mnemonic"`
			Seed     string `json:"seed"` // 64 bytes; the mini-secret is the first 32
		} `json:"vectors"`
	} `json:"substrate_bip39"`
}

type uriVector struct {
	URI       string `json:"uri"`
	PublicKey string `json:"public_key"`
	SS58      string `json:"ss58_42"`
}

func loadKeyVectors(t *testing.T) keyVectors {
	t.Helper()
	b, err := os.ReadFile("testdata/key-vectors.json")
	require.NoError(t, err)
	var v keyVectors
	require.NoError(t, json.Unmarshal(b, &v))
	return v
}

// inspect runs `keys inspect URI --json [more]` and returns its document.
func inspect(t *testing.T, uri string, more ...string) map[string]any {
	t.Helper()
	return okJSON(t, nil, append([]string{"keys", "inspect", uri}, more...)...)
}

func TestKeysInspect_Vectors(t *testing.T) {
	needBinary(t)
	v := loadKeyVectors(t)
	for _, m := range v.Mnemonics {
		doc := inspect(t, m.Mnemonic)
		require.Equal(t, m.PublicKey, doc["publicKey"], m.Mnemonic)
		require.Equal(t, m.SS58, doc["ss58Address"], m.Mnemonic)
		require.Equal(t, m.MiniSecret, doc["secretSeed"], "secretSeed is the 32-byte mini-secret")
		doc = inspect(t, m.Mnemonic, "--ss58-format", "0")
		require.Equal(t, m.SS58Polka, doc["ss58Address"])
	}
	for _, u := range append(v.DevURIs, v.MnemonicURIs...) {
		doc := inspect(t, u.URI)
		require.Equal(t, u.PublicKey, doc["publicKey"], u.URI)
		require.Equal(t, u.SS58, doc["ss58Address"], u.URI)
		require.NotContains(t, doc, "secretSeed", "%s has a derivation path", u.URI)
	}
	for _, s := range v.Seeds {
		doc := inspect(t, s.Seed)
		require.Equal(t, s.PublicKey, doc["publicKey"])
		require.Equal(t, s.SS58, doc["ss58Address"])
		require.Equal(t, s.Seed, doc["secretSeed"])
	}
	for _, p := range v.AlicePrefixes {
		doc := inspect(t, "//Alice", "--ss58-format", strconv.Itoa(p.Prefix))
		require.Equal(t, p.Address, doc["ss58Address"], "prefix %d", p.Prefix)
	}
	for _, a := range v.SS58Decode {
		if a.Error != "" {
			fails(t, nil, "bad checksum", "keys", "inspect", a.Address)
			continue
		}
		require.Equal(t, a.PublicKey, inspect(t, a.Address)["publicKey"], a.Address)
	}
	// 12 to 24 words with a BIP39 password (///password): the mini-secret
	// is substrate-bip39's, for every length.
	words := map[int]bool{}
	for _, b := range v.SubstrateBIP39.Vectors {
		doc := inspect(t, b.Mnemonic+"///"+v.SubstrateBIP39.Password)
		require.Equal(t, "0x"+b.Seed[:64], doc["secretSeed"], b.Mnemonic)
		words[len(strings.Fields(b.Mnemonic))] = true
	}
	require.Equal(t, map[int]bool{12: true, 18: true, 24: true}, words)
	for _, n := range []int{15, 21} {
		gen := okJSON(t, nil, "keys", "generate", "--words", strconv.Itoa(n))
		phrase := gen["secretPhrase"].(string)
		require.Len(t, strings.Fields(phrase), n)
		require.Equal(t, gen["publicKey"], inspect(t, phrase)["publicKey"])
	}
}

// TestKeysInspect_PasswordThenPath: in mnemonic//hard/soft///password the
// password makes the mini-secret and the junctions derive from it, so the
// key is that mini-secret's //hard/soft.
func TestKeysInspect_PasswordThenPath(t *testing.T) {
	needBinary(t)
	const m = "bottom drive obey lake curtain smoke basket hold race lonely fit walk"
	seed := inspect(t, m+"///password")["secretSeed"].(string)
	got := inspect(t, m+"//hard/soft///password")
	require.Equal(t, inspect(t, seed+"//hard/soft")["publicKey"], got["publicKey"])
	require.NotEqual(t, inspect(t, m+"//hard/soft")["publicKey"], got["publicKey"], "the password matters")
	require.NotContains(t, got, "secretSeed")
}

func TestKeysInspect_BadInput(t *testing.T) {
	needBinary(t)
	const m = "bottom drive obey lake curtain smoke basket hold race lonely fit"
	for _, c := range []struct{ uri, want string }{
		{m + " fit", "checksum does not match"},
		{m + " spacial", `word 12 "spacial" is not in the BIP39 English word list`},
		{m, "11 words"},
		{"0x1234", "64 hex digits"},
		{"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ", "bad checksum"},
		{"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKut", "bad length"},
		{"//", "empty junction"},
	} {
		fails(t, nil, c.want, "keys", "inspect", c.uri)
		r := gt(t, nil, "keys", "inspect", c.uri, "--json")
		require.NotZero(t, r.code)
		doc := decode(t, r.stdout)
		require.Equal(t, false, doc["success"])
		require.Contains(t, doc["error"], c.want)
	}
	fails(t, nil, "want a network prefix 0..16383", "keys", "inspect", "//Alice", "--ss58-format", "16384")
}
