package testutil

import (
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

// Pairs returns n distinct key pairs derived from the dev phrase with the
// path //gotensor-test//<prefix>//<i>. The same arguments always give the
// same keys.
func Pairs(t testing.TB, prefix string, n int) []*keys.Pair {
	t.Helper()
	out := make([]*keys.Pair, n)
	for i := range out {
		out[i] = Pair(t, fmt.Sprintf("//gotensor-test//%s//%d", prefix, i))
	}
	return out
}
