package wallet_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/wallet"
)

// The btwallet test fixture: a polkadot-js export with scrypt.
func TestDecodePolkadotJSON_Vector(t *testing.T) {
	b, err := os.ReadFile("testdata/sdk-vectors.json")
	require.NoError(t, err)
	var doc struct {
		Published struct {
			Btwallet struct {
				Cases []struct {
					JSON       string `json:"json"`
					Passphrase string `json:"passphrase"`
					SS58       string `json:"expected_ss58"`
					Public     string `json:"expected_public_key"`
				} `json:"cases"`
			} `json:"btwallet_tests"`
		} `json:"published"`
	}
	require.NoError(t, json.Unmarshal(b, &doc))
	found := 0
	for _, c := range doc.Published.Btwallet.Cases {
		if c.JSON == "" {
			continue
		}
		found++
		p, err := wallet.DecodePolkadotJSON([]byte(c.JSON), c.Passphrase)
		require.NoError(t, err)
		require.Equal(t, c.SS58, p.SS58())
		require.Equal(t, c.Public, p.Public().Hex())

		_, err = wallet.DecodePolkadotJSON([]byte(c.JSON), "wrong")
		require.ErrorIs(t, err, wallet.ErrWrongPassword)
	}
	require.Equal(t, 1, found)

	for _, bad := range []string{`{}`, `{"encoding":{"version":"3","content":["pkcs8","ed25519"]}}`, `not json`,
		`{"encoded":"AAAA","encoding":{"version":"3","content":["sr25519"],"type":["scrypt"]}}`} {
		_, err := wallet.DecodePolkadotJSON([]byte(bad), "x")
		require.ErrorIs(t, err, wallet.ErrCorrupt, bad)
	}
}
