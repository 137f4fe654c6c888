package keys_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/keys"
)

func mustURI(t testing.TB, uri string) *keys.Pair {
	t.Helper()
	p, err := keys.FromURI(uri)
	require.NoError(t, err)
	return p
}

func TestGenerateMnemonic_AllLengths(t *testing.T) {
	for _, n := range keys.MnemonicWordCounts {
		phrase, err := keys.GenerateMnemonic(n)
		require.NoError(t, err)
		require.Len(t, strings.Fields(phrase), n)
		entropy, err := keys.MnemonicToEntropy(phrase)
		require.NoError(t, err)
		require.Len(t, entropy, n*4/3)
		other, err := keys.GenerateMnemonic(n)
		require.NoError(t, err)
		require.NotEqual(t, phrase, other)
	}
	for _, n := range []int{0, 11, 13, 25} {
		_, err := keys.GenerateMnemonic(n)
		require.ErrorIs(t, err, keys.ErrMnemonic)
	}
}

func TestMnemonicToEntropy_Errors(t *testing.T) {
	const good = "old leopard transfer rib spatial phone calm indicate online fire caution review"
	cases := []struct {
		name, phrase, want string
	}{
		{"unknown word named", strings.Replace(good, "rib", "ribbit", 1), `word 4 "ribbit" is not in the BIP39 English word list`},
		{"checksum", strings.Replace(good, "review", "abandon", 1), "checksum does not match"},
		{"swapped words", "leopard old transfer rib spatial phone calm indicate online fire caution review", "checksum does not match"},
		{"too short", "old leopard transfer", "3 words, want 12, 15, 18, 21 or 24"},
		{"13 words", good + " review", "13 words"},
		{"empty", "", "0 words"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := keys.MnemonicToEntropy(c.phrase)
			require.ErrorIs(t, err, keys.ErrMnemonic)
			require.ErrorContains(t, err, c.want)
			_, err = keys.FromMnemonic(c.phrase, "")
			require.ErrorIs(t, err, keys.ErrMnemonic)
		})
	}
}

func TestMnemonic_CaseAndSpacingInsensitive(t *testing.T) {
	a, err := keys.FromMnemonic("  OLD leopard\ttransfer rib spatial phone calm indicate online fire caution review\n", "")
	require.NoError(t, err)
	require.Equal(t, "5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX", a.SS58())
	require.Equal(t, "old leopard transfer rib spatial phone calm indicate online fire caution review", a.Phrase())
}

func TestFromSeed_Errors(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 63, 65} {
		_, err := keys.FromSeed(make([]byte, n))
		require.ErrorIs(t, err, keys.ErrSeed, "%d bytes", n)
	}
	// A 64-byte secret whose scalar is not reduced mod ℓ is rejected.
	bad := bytes.Repeat([]byte{0xff}, 64)
	_, err := keys.FromSeed(bad)
	require.ErrorIs(t, err, keys.ErrSeed)
}

func TestJunction_ChainCode(t *testing.T) {
	pad := func(b ...byte) [32]byte {
		var cc [32]byte
		copy(cc[:], b)
		return cc
	}
	// "Alice" is SCALE-encoded: compact length 5 (0x14) then the bytes.
	require.Equal(t, pad(0x14, 'A', 'l', 'i', 'c', 'e'), keys.Junction{Name: "Alice"}.ChainCode())
	// Decimal names are u64 little-endian.
	require.Equal(t, pad(42), keys.Junction{Name: "42"}.ChainCode())
	require.Equal(t, pad(0x00, 0x01), keys.Junction{Name: "256"}.ChainCode())
	require.Equal(t, pad(7), keys.Junction{Name: "+7"}.ChainCode(), "Rust's u64 parser accepts a leading +")
	require.Equal(t, pad(0x08, '-', '1'), keys.Junction{Name: "-1"}.ChainCode())
	// 2^64 does not fit a u64, so it is a string.
	require.Equal(t, byte(20<<2), keys.Junction{Name: "18446744073709551616"}.ChainCode()[0])
	// Longer than 32 bytes encoded: hashed, so not a prefix of the name.
	long := keys.Junction{Name: strings.Repeat("x", 40)}.ChainCode()
	require.NotEqual(t, byte('x'), long[1])
}

func TestParseURI(t *testing.T) {
	cases := []struct {
		in       string
		phrase   string
		path     string
		password string
		hasPw    bool
	}{
		{"//Alice", "", "//Alice", "", false},
		{"//Alice///secret", "", "//Alice", "secret", true},
		{"///pw", "", "", "pw", true},
		{"//a///", "", "//a", "", true},
		{"/a////b", "", "/a", "/b", true},
		{"0x00ff//x/y", "0x00ff", "//x/y", "", false},
		{"word word//hard/soft/0", "word word", "//hard/soft/0", "", false},
		{"//a//b/c//d", "", "//a//b/c//d", "", false},
	}
	for _, c := range cases {
		u, err := keys.ParseURI(c.in)
		require.NoError(t, err, c.in)
		require.Equal(t, c.phrase, u.Phrase, c.in)
		var path strings.Builder
		for _, j := range u.Path {
			path.WriteString(j.String())
		}
		require.Equal(t, c.path, path.String(), c.in)
		require.Equal(t, c.password, u.Password, c.in)
		require.Equal(t, c.hasPw, u.HasPassword, c.in)
	}
}

func TestFromURI_Errors(t *testing.T) {
	cases := []struct {
		in   string
		want error
		text string
	}{
		{"", keys.ErrURI, "empty"},
		{"   ", keys.ErrURI, "empty"},
		{"//", keys.ErrURI, "empty junction"},
		{"//Alice/", keys.ErrURI, "empty junction"},
		{"bad-phrase//x", keys.ErrURI, "unexpected character"},
		{"0x1234", keys.ErrSeed, "64 hex digits"},
		{"0xzz", keys.ErrSeed, "64 hex digits"},
		{"0x" + strings.Repeat("00", 64), keys.ErrSeed, "64 hex digits"},
		{"old leopard//Alice", keys.ErrMnemonic, "2 words"},
	}
	for _, c := range cases {
		_, err := keys.FromURI(c.in)
		require.ErrorIs(t, err, c.want, "%q", c.in)
		require.ErrorContains(t, err, c.text, "%q", c.in)
	}
	// Error text never repeats the secret phrase.
	_, err := keys.FromURI("abandon abandon secretword//x/")
	require.Error(t, err)
	require.NotContains(t, err.Error(), "secretword")
}

func TestFromURI_SeedIgnoresPassword(t *testing.T) {
	alice := "0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a"
	require.Equal(t, mustURI(t, "//Alice").Public(), mustURI(t, alice).Public())
	require.Equal(t, mustURI(t, alice).Public(), mustURI(t, alice+"///whatever").Public())
}

func TestDerive_MatchesURI(t *testing.T) {
	root := mustURI(t, keys.DevPhrase)
	d := root.Derive(keys.Junction{Name: "Alice", Hard: true}, keys.Junction{Name: "0"})
	require.Equal(t, mustURI(t, "//Alice/0").Public(), d.Public())
	// Soft derivation is deterministic (unlike schnorrkel's random nonce).
	require.Equal(t, d.Secret(), mustURI(t, "//Alice/0").Secret())
}

func TestSignVerify(t *testing.T) {
	p := mustURI(t, "//Alice")
	msg := []byte("hello bittensor")
	s1, s2 := p.Sign(msg), p.Sign(msg)
	require.Len(t, s1, keys.SignatureSize)
	require.NotEqual(t, s1, s2, "sr25519 signatures are randomised")
	require.True(t, keys.Verify(p.Public(), msg, s1))
	require.True(t, keys.Verify(p.Public(), msg, s2))
	require.True(t, keys.VerifyContext([]byte("substrate"), p.Public(), msg, s1))

	tx := p.SignContext([]byte("gotensor-tx"), msg)
	require.True(t, keys.VerifyContext([]byte("gotensor-tx"), p.Public(), msg, tx))
	require.False(t, keys.Verify(p.Public(), msg, tx), "a context-bound signature is not a wallet signature")

	require.False(t, keys.Verify(p.Public(), msg, s1[:63]))
	require.False(t, keys.Verify(p.Public(), msg, nil))
	unmarked := append([]byte(nil), s1...)
	unmarked[63] &^= 0x80 // without schnorrkel's marker bit
	require.False(t, keys.Verify(p.Public(), msg, unmarked))
	var notAPoint [32]byte
	for i := range notAPoint {
		notAPoint[i] = 0xff
	}
	require.False(t, keys.Verify(notAPoint, msg, s1))
}

func TestBatchVerifier(t *testing.T) {
	ctx := []byte("substrate")
	alice, bob := mustURI(t, "//Alice"), mustURI(t, "//Bob")
	b := keys.NewBatchVerifier()

	all, valid := b.Verify()
	require.False(t, all, "an empty batch is not valid")
	require.Nil(t, valid)

	for i := 0; i < 10; i++ {
		msg := []byte{byte(i)}
		b.Add(ctx, alice.Public(), msg, alice.Sign(msg))
	}
	require.Equal(t, 10, b.Len())
	all, valid = b.Verify()
	require.True(t, all)
	require.Equal(t, []bool{true, true, true, true, true, true, true, true, true, true}, valid)
	require.Equal(t, 0, b.Len(), "Verify empties the batch")

	msg := []byte("m")
	b.Add(ctx, alice.Public(), msg, alice.Sign(msg))
	b.Add(ctx, bob.Public(), msg, alice.Sign(msg))               // wrong key
	b.Add(ctx, alice.Public(), msg, []byte("short"))             // malformed
	b.Add([]byte("other"), alice.Public(), msg, alice.Sign(msg)) // wrong context
	b.Add([]byte("other"), bob.Public(), msg, bob.SignContext([]byte("other"), msg))
	all, valid = b.Verify()
	require.False(t, all)
	require.Equal(t, []bool{true, false, false, false, true}, valid)

	b.Add(ctx, alice.Public(), msg, nil)
	all, valid = b.Verify()
	require.False(t, all)
	require.Equal(t, []bool{false}, valid)
}

func TestPair_StringHidesSecret(t *testing.T) {
	p := mustURI(t, "//Alice")
	require.Equal(t, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", p.String())
}

// Pairs and the package's shared signing context are used from many
// goroutines (axon handlers, the node's CheckTx); run with -race.
func TestConcurrentUse(t *testing.T) {
	p := mustURI(t, "//Alice")
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func(g int) {
			ok := true
			for i := 0; i < 20; i++ {
				msg := []byte{byte(g), byte(i)}
				ok = ok && keys.Verify(p.Public(), msg, p.Sign(msg))
			}
			done <- ok
		}(g)
	}
	for g := 0; g < 4; g++ {
		require.True(t, <-done)
	}
}
