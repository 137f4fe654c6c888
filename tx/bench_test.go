package tx

import "testing"

// BenchmarkDecodeTransfer decodes a signed transfer (no signature check):
// the work every node does per transaction before executing it.
func BenchmarkDecodeTransfer(b *testing.B) {
	raw, err := Sign(mustPair(b, "//Alice"), body(Transfer{Dest: acct1, Amount: 1}))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyTransfer verifies a transfer's signature alone.
func BenchmarkVerifyTransfer(b *testing.B) {
	raw, _ := Sign(mustPair(b, "//Alice"), body(Transfer{Dest: acct1, Amount: 1}))
	t, _ := Decode(raw)
	for b.Loop() {
		if !t.VerifySignature() {
			b.Fatal("invalid")
		}
	}
}
