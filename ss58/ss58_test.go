package ss58

import (
	"encoding/hex"
	"errors"
	"testing"
)

// //Alice, from Substrate's subkey documentation.
const (
	alicePub  = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
	alice42   = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	alicePolk = "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"
)

func alice(t *testing.T) [32]byte {
	t.Helper()
	var pub [32]byte
	b, err := hex.DecodeString(alicePub)
	if err != nil {
		t.Fatal(err)
	}
	copy(pub[:], b)
	return pub
}

func TestEncodeDecode(t *testing.T) {
	pub := alice(t)
	if got := Encode(pub, 42); got != alice42 {
		t.Fatalf("Encode = %s, want %s", got, alice42)
	}
	if got := Encode(pub, 0); got != alicePolk {
		t.Fatalf("Encode(0) = %s, want %s", got, alicePolk)
	}
	for _, p := range []uint16{0, 2, 42, 63, 64, 255, 1000, 16383} {
		got, prefix, err := Decode(Encode(pub, p))
		if err != nil || got != pub || prefix != p {
			t.Fatalf("round trip prefix %d: %v %x %d", p, err, got, prefix)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	bad := []byte(alice42)
	bad[10] ^= 1 // still base58 alphabet for this position
	cases := map[string]error{
		"":                 ErrEncoding,
		"0OIl":             ErrEncoding,
		alice42[:40]:       ErrLength,
		string(bad):        ErrChecksum,
		alice42[:47] + "Z": ErrChecksum,
	}
	for in, want := range cases {
		if _, _, err := Decode(in); !errors.Is(err, want) {
			t.Errorf("Decode(%q) = %v, want %v", in, err, want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(alice42)
	f.Add(alicePolk)
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		pub, prefix, err := Decode(s)
		if err != nil {
			return
		}
		if Encode(pub, prefix) != s {
			// Leading-zero or non-canonical base58 forms may decode; re-encoding
			// must still decode to the same key.
			p2, pre2, err := Decode(Encode(pub, prefix))
			if err != nil || p2 != pub || pre2 != prefix {
				t.Fatalf("non-idempotent decode of %q", s)
			}
		}
	})
}
