package swap

import (
	"testing"

	"github.com/gotensor/gotensor/tao"
)

// BenchmarkSwap is a market buy on a constant-product pool (w = 0.5), the
// common case; the target is ≥ 1,000,000 swaps per second.
func BenchmarkSwap(b *testing.B) {
	pool := Pool{TAO: 1_000_000 * tao.RaoPerTAO, AlphaIn: 4_000_000 * tao.RaoPerTAO, QuoteWeight: DefaultQuoteWeight, FeeRate: DefaultFeeRate}
	for b.Loop() {
		if _, err := pool.SimBuy(Order{Amount: 12_345 * tao.RaoPerTAO}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSwapWeighted is the same buy after an injection has moved the
// weights off 0.5: the pow takes the ln/exp series path.
func BenchmarkSwapWeighted(b *testing.B) {
	pool := Pool{TAO: 1_000_000 * tao.RaoPerTAO, AlphaIn: 4_000_000 * tao.RaoPerTAO, QuoteWeight: DefaultQuoteWeight + 123_456_789, FeeRate: DefaultFeeRate}
	for b.Loop() {
		if _, err := pool.SimBuy(Order{Amount: 12_345 * tao.RaoPerTAO}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSwapLimit is a limit buy whose limit binds (two swap steps and
// the exact square-root delta).
func BenchmarkSwapLimit(b *testing.B) {
	pool := Pool{TAO: 1_000_000 * tao.RaoPerTAO, AlphaIn: 4_000_000 * tao.RaoPerTAO, QuoteWeight: DefaultQuoteWeight, FeeRate: DefaultFeeRate}
	for b.Loop() {
		if _, err := pool.SimBuy(Order{Amount: 500_000 * tao.RaoPerTAO, Limit: 300_000_000, AllowPartial: true}); err != nil {
			b.Fatal(err)
		}
	}
}
