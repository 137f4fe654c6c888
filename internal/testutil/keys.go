package testutil

import (
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/gotensor/gotensor/keys"
)

// Pair returns the key pair of a secret URI such as "//Alice".
func Pair(t testing.TB, uri string) *keys.Pair {
	t.Helper()
	p, err := keys.FromURI(uri)
	if err != nil {
		t.Fatalf("testutil: key %s: %v", uri, err)
	}
	return p
}

// Pairs returns n distinct key pairs whose mini-secrets are
// SHA-256("gotensor-test/<prefix>/<i>"). The same arguments always give the
// same keys; generating them is cheap enough for thousands.
func Pairs(t testing.TB, prefix string, n int) []*keys.Pair {
	t.Helper()
	out := make([]*keys.Pair, n)
	for i := range out {
		seed := sha256.Sum256(fmt.Appendf(nil, "gotensor-test/%s/%d", prefix, i))
		p, err := keys.FromSeed(seed[:])
		if err != nil {
			t.Fatalf("testutil: key %d: %v", i, err)
		}
		out[i] = p
	}
	return out
}
