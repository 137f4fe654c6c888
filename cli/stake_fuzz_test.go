package cli

import (
	"errors"
	"testing"

	"github.com/gotensor/gotensor/tao"
)

// FuzzSlippageLimit: any --tolerance either is refused as a usage error or
// gives limits on the right side of the price (at or above it for a buy,
// between 1 rao and the price for a sell); --unsafe gives no limit.
func FuzzSlippageLimit(f *testing.F) {
	for _, s := range []string{"0.005", "0", "0.999999999", "1", "-0.1", "1/3", "5e-3", "", "abc", "0x10"} {
		f.Add(s, uint64(250_000_000), false)
	}
	f.Add("0.5", uint64(1), true)
	f.Fuzz(func(t *testing.T, tol string, price uint64, unsafe bool) {
		s := slippageFlags{tolerance: tol, unsafe: unsafe}
		p := tao.Rao(price)
		up, err := s.limit(p, true)
		if err != nil {
			if !errors.Is(err, errUsage) || unsafe {
				t.Fatalf("tolerance %q: %v", tol, err)
			}
			return
		}
		down, err := s.limit(p, false)
		if err != nil {
			t.Fatalf("tolerance %q accepted for a buy, refused for a sell: %v", tol, err)
		}
		switch {
		case unsafe && (up != 0 || down != 0):
			t.Fatalf("--unsafe gave limits %d, %d", up, down)
		case unsafe:
		case up < p && up != max(p, 1):
			t.Fatalf("buy limit %d below price %d (tolerance %q)", up, p, tol)
		case down > max(p, 1) || down < 1:
			t.Fatalf("sell limit %d outside [1, %d] (tolerance %q)", down, p, tol)
		}
	})
}
