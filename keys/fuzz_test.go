package keys_test

import (
	"strings"
	"testing"

	"github.com/gotensor/gotensor/keys"
)

func FuzzParseURI(f *testing.F) {
	for _, s := range []string{
		"//Alice", "/Bob//test", "//Alice///pw", "///", "//", "/a////b", "0x00//1",
		keys.DevPhrase + "//hard/soft///password", "0x" + strings.Repeat("ab", 32) + "/0",
		"é//ü", "a b c", "//\x00", "//+1/-1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := keys.ParseURI(s)
		if err != nil {
			return
		}
		// Writing the URI back and parsing again gives the same parts.
		var b strings.Builder
		b.WriteString(u.Phrase)
		for _, j := range u.Path {
			if j.Name == "" || strings.Contains(j.Name, "/") {
				t.Fatalf("bad junction %q from %q", j.Name, s)
			}
			b.WriteString(j.String())
		}
		if u.HasPassword {
			b.WriteString("///" + u.Password)
		}
		again, err := keys.ParseURI(b.String())
		if err != nil {
			t.Fatalf("re-parse of %q (from %q): %v", b.String(), s, err)
		}
		if again.Phrase != u.Phrase || len(again.Path) != len(u.Path) || again.Password != u.Password {
			t.Fatalf("re-parse of %q differs: %+v vs %+v", s, again, u)
		}
		// Building the pair must never panic; only the phrase can be wrong.
		if len(u.Path) < 8 {
			_, _ = u.Pair()
		}
	})
}

func FuzzMnemonicToEntropy(f *testing.F) {
	f.Add(keys.DevPhrase)
	f.Add("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about")
	f.Add("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong")
	f.Add("zoo zoo")
	f.Add("")
	f.Fuzz(func(t *testing.T, phrase string) {
		entropy, err := keys.MnemonicToEntropy(phrase)
		if err != nil {
			return
		}
		back, err := keys.EntropyToMnemonic(entropy)
		if err != nil {
			t.Fatalf("entropy of %q does not encode: %v", phrase, err)
		}
		if back != strings.Join(strings.Fields(strings.ToLower(phrase)), " ") {
			t.Fatalf("round trip of %q gave %q", phrase, back)
		}
	})
}
