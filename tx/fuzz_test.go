package tx

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzDecodeTx checks that Decode never panics, that every failure is a
// catalog *Error, and that whatever it accepts re-encodes to a body that
// decodes to the same value.
func FuzzDecodeTx(f *testing.F) {
	alice := mustPair(f, "//Alice")
	for _, c := range everyCall {
		raw, err := Sign(alice, body(c))
		require.NoError(f, err)
		f.Add(raw)
	}
	f.Add([]byte{})
	f.Add([]byte{0x0a, 0x00, 0x12, 0x20})
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := Decode(raw)
		if err != nil {
			var e *Error
			require.True(t, errors.As(err, &e), "%v is not a *tx.Error", err)
			require.Equal(t, Rejected, e.Class())
			return
		}
		again, err := EncodeBody(got.Body)
		require.NoError(t, err)
		back, err := decodeBody(again)
		require.NoError(t, err)
		require.Equal(t, got.Body, back)
	})
}
