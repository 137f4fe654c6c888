// Package vectors loads conformance vectors in tests: the reference specs'
// JSON files, copied unchanged into a package's testdata directory.
//
// It imports only the standard library and testify, so the internal tests
// of any package can use it (internal/testutil imports chain and app, which
// the tests of their dependencies cannot). Every function takes a
// testing.TB and fails the test on error.
package vectors

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// ReadJSON decodes the JSON file at path into v.
func ReadJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v), path)
}

// Entry is one entry of subtensor-vectors.json: the test or function of the
// reference it comes from, its inputs and the expected results.
type Entry struct {
	Source   string          `json:"source"`
	Function string          `json:"function"`
	Inputs   json.RawMessage `json:"inputs"`
	Expected json.RawMessage `json:"expected"`
}

// Decode unmarshals the entry's inputs into inputs and its expected results
// into expected.
func (e Entry) Decode(t testing.TB, inputs, expected any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(e.Inputs, inputs), e.Source)
	require.NoError(t, json.Unmarshal(e.Expected, expected), e.Source)
}

// Find returns the first entry of the array of entries in the file at
// path that match accepts; what names the wanted entry if there is none.
func Find(t testing.TB, path, what string, match func(Entry) bool) Entry {
	t.Helper()
	var all []Entry
	ReadJSON(t, path, &all)
	for _, e := range all {
		if match(e) {
			return e
		}
	}
	t.Fatalf("%s: no vector %q", path, what)
	return Entry{}
}

// Subtensor decodes the inputs and expected results of the first entry of
// testdata/subtensor-vectors.json whose function starts with prefix.
func Subtensor(t testing.TB, prefix string, inputs, expected any) {
	t.Helper()
	Find(t, "testdata/subtensor-vectors.json", prefix, func(e Entry) bool {
		return strings.HasPrefix(e.Function, prefix)
	}).Decode(t, inputs, expected)
}
