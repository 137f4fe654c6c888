package synapse_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/sdk/synapse"
	"github.com/gotensor/gotensor/tao"
)

// TestPyStr_Python checks PyStr against Python's own str() of JSON values
// (testdata/pystr.json, produced by CPython 3.11; see its _source).
func TestPyStr_Python(t *testing.T) {
	raw, err := os.ReadFile("testdata/pystr.json")
	require.NoError(t, err)
	var golden struct {
		Cases []struct {
			JSON string `json:"json"`
			Str  string `json:"str"`
		} `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(raw, &golden))
	require.NotEmpty(t, golden.Cases)
	for _, c := range golden.Cases {
		// json.RawMessage keeps the object key order, as Python's json does.
		require.Equal(t, c.Str, synapse.PyStr(json.RawMessage(c.JSON)), c.JSON)
	}
}

type inner struct {
	K *string `json:"k"`
}

type embedded struct {
	E int `json:"e"`
}

type record struct {
	embedded
	A      int     `json:"a"`
	B      string  `json:"b"`
	Skip   int     `json:"-"`
	F      float64 `json:"f"`
	In     inner   `json:"in"`
	hidden int
}

// TestPyStr_GoTypes checks Go values against the str() Python gives the
// value their JSON encoding decodes to.
func TestPyStr_GoTypes(t *testing.T) {
	alice, err := tao.ParseAccountID("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY")
	require.NoError(t, err)
	for _, c := range []struct {
		name string
		v    any
		want string
	}{
		{"nil", nil, "None"},
		{"nil pointer", (*int)(nil), "None"},
		{"nil slice", []string(nil), "None"},
		{"empty slice", []string{}, "[]"},
		{"bool", true, "True"},
		{"int", -42, "-42"},
		{"uint64 max", uint64(math.MaxUint64), "18446744073709551615"},
		{"float integral", 5.0, "5.0"},
		{"float32 shortest", float32(0.1), "0.1"},
		{"list of float32", []float32{0.1}, "[0.1]"},
		{"string top level", "it's", "it's"},
		{"string nested", []string{"it's"}, `["it's"]`},
		{"invalid utf8", "\xff", "\ufffd"},
		{"bytes are base64", []byte("hi"), "aGk="},
		{"bytes nested", [][]byte{[]byte("hi")}, "['aGk=']"},
		{"byte array is a list", [2]byte{1, 2}, "[1, 2]"},
		{"map sorted keys", map[string]int{"b": 2, "a": 1}, "{'a': 1, 'b': 2}"},
		{"int keys sort as strings", map[int]string{2: "b", 10: "a"}, "{'10': 'a', '2': 'b'}"},
		{"struct", record{embedded: embedded{E: 7}, A: 1, B: "x", Skip: 9, F: 2, hidden: 3}, "{'e': 7, 'a': 1, 'b': 'x', 'f': 2.0, 'in': {'k': None}}"},
		{"pointer to struct", &inner{K: new(string)}, "{'k': ''}"},
		{"text marshaler", alice, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"},
		{"text marshaler nested", []tao.AccountID{alice}, "['5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY']"},
		{"json number float", json.Number("1.50"), "1.5"},
		{"json number int", json.Number("15"), "15"},
		{"any holding values", []any{1, "a", nil, 2.5, false}, "[1, 'a', None, 2.5, False]"},
		{"inf", math.Inf(1), "inf"},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, synapse.PyStr(c.v))
		})
	}
}

func TestPyStr_Unsupported(t *testing.T) {
	require.Panics(t, func() { synapse.PyStr(make(chan int)) })
}

func BenchmarkBodyHash(b *testing.B) {
	p := &published{A: 1, B: 2, C: 3, D: []string{"foobar"}}
	for b.Loop() {
		synapse.BodyHash(p)
	}
}
