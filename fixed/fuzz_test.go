package fixed

import "testing"

// FuzzParse checks that parsing never panics, that accepted text lies in
// range, and that String formats a value Parse reads back exactly.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"0", "1.5", "-0.1", "1e-3", "2147483647.9999999999", "-2147483648", "1e4", ".5", "5.", "+3", "1e", "e5", "--", "0.000000000116415321826934814453125"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, fm := range allFormats {
			r, err := parseDecimal(fm, s)
			if err != nil {
				continue
			}
			if b := bigOf(r, fm); b.Cmp(fm.bigMin()) < 0 || b.Cmp(fm.bigMax()) > 0 {
				t.Fatalf("%v parse %q out of range: %v", fm, s, b)
			}
			back, err := parseDecimal(fm, formatDecimal(fm, r))
			if err != nil || back != r {
				t.Fatalf("%v round trip of %q: %v %v", fm, s, bigOf(back, fm), err)
			}
		}
	})
}
