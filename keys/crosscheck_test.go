package keys_test

import (
	"testing"

	schnorrkel "github.com/ChainSafe/go-schnorrkel"
	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/keys"
)

// The package runs on curve25519-voi; go-schnorrkel is a second, independent
// implementation. These tests check that the two agree on key expansion,
// derivation and signatures, for the vectors and for fresh keys.

// schnorrkelURI derives a dev-phrase URI path with go-schnorrkel, the way
// the spec describes (§1.4): hard junctions through
// HardDeriveMiniSecretKey then ExpandEd25519, soft ones through
// DeriveKeySimple.
func schnorrkelURI(t *testing.T, phrase string, path []keys.Junction) [32]byte {
	t.Helper()
	mini, err := schnorrkel.MiniSecretKeyFromMnemonic(phrase, "")
	require.NoError(t, err)
	sk := mini.ExpandEd25519()
	for _, j := range path {
		cc := j.ChainCode()
		if j.Hard {
			m, _, err := sk.HardDeriveMiniSecretKey([]byte{}, cc)
			require.NoError(t, err)
			sk = m.ExpandEd25519()
			continue
		}
		ek, err := schnorrkel.DeriveKeySimple(sk, []byte{}, cc)
		require.NoError(t, err)
		sk, err = ek.Secret()
		require.NoError(t, err)
	}
	pub, err := sk.Public()
	require.NoError(t, err)
	return pub.Encode()
}

func TestCrossCheck_DerivationAgrees(t *testing.T) {
	v := loadVectors(t)
	uris := append([]uriVector{}, v.Computed.Keys.DevURIs...)
	uris = append(uris, v.Computed.Keys.MnemonicURIs...)
	for _, extra := range []string{"//a/b//c/d", "/1/2/3", "//" + keys.DevPhrase} {
		uris = append(uris, uriVector{URI: extra})
	}
	for _, c := range uris {
		u, err := keys.ParseURI(c.URI)
		require.NoError(t, err)
		phrase := u.Phrase
		if phrase == "" {
			phrase = keys.DevPhrase
		}
		ours, err := u.Pair()
		require.NoError(t, err)
		require.Equal(t, [32]byte(ours.Public()), schnorrkelURI(t, phrase, u.Path), c.URI)
	}
}

func TestCrossCheck_SignaturesAgree(t *testing.T) {
	for _, uri := range []string{"//Alice", "//Bob/soft", keys.DevPhrase + "//x"} {
		p := mustURI(t, uri)
		msg := []byte("cross-check " + uri)

		var secret [64]byte
		copy(secret[:], p.Secret())
		var scalar, nonce [32]byte
		copy(scalar[:], secret[:32])
		copy(nonce[:], secret[32:])
		sk := schnorrkel.NewSecretKey(scalar, nonce)
		pub, err := sk.Public()
		require.NoError(t, err)
		require.Equal(t, [32]byte(p.Public()), pub.Encode())

		// voi signs, go-schnorrkel verifies.
		var sig [64]byte
		copy(sig[:], p.Sign(msg))
		var s schnorrkel.Signature
		require.NoError(t, s.Decode(sig))
		ok, err := pub.Verify(&s, schnorrkel.NewSigningContext([]byte("substrate"), msg))
		require.NoError(t, err)
		require.True(t, ok)

		// go-schnorrkel signs, voi verifies.
		theirs, err := sk.Sign(schnorrkel.NewSigningContext([]byte("substrate"), msg))
		require.NoError(t, err)
		enc := theirs.Encode()
		require.True(t, keys.Verify(p.Public(), msg, enc[:]))
		require.False(t, keys.Verify(p.Public(), append(msg, 0), enc[:]))
	}
}
