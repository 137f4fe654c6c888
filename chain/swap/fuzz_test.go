package swap

import (
	"testing"

	"github.com/gotensor/gotensor/tao"
)

// FuzzSwap drives random pools and orders through BuyAlpha and SellAlpha:
// nothing may panic, a failed swap changes nothing, a successful one
// accounts for every rao of the order, never pays out more than the output
// reserve, and leaves the price on the near side of the limit.
func FuzzSwap(f *testing.F) {
	f.Add(uint64(1_000_000_000), uint64(4_000_000_000), uint64(0), uint64(DefaultQuoteWeight), uint16(33), uint64(123456), uint64(0), uint8(0))
	f.Add(uint64(1_000_000_000), uint64(4_000_000_000), uint64(5), uint64(DefaultQuoteWeight), uint16(33), uint64(10_000_000_000), uint64(0), uint8(0))
	f.Add(uint64(1_000_000_000), uint64(4_000_000_000), uint64(9), uint64(DefaultQuoteWeight), uint16(33), uint64(999), uint64(0), uint8(1))
	f.Add(uint64(1<<50), uint64(1<<40), uint64(1<<30), uint64(PerquintillOne/4), uint16(10_000), uint64(1<<45), uint64(300_000_000_000), uint8(2))
	f.Add(uint64(1<<50), uint64(1<<40), uint64(1<<30), uint64(PerquintillOne/4), uint16(10_000), uint64(1<<41), uint64(1), uint8(3))
	f.Add(uint64(7), uint64(1_000_000), uint64(0), uint64(DefaultQuoteWeight+1), uint16(0), uint64(1), uint64(0), uint8(4))
	f.Add(uint64(1<<60), uint64(1<<62), uint64(1<<63), uint64(MinWeight), uint16(65535), uint64(1<<63), uint64(1<<62), uint8(7))
	f.Fuzz(func(t *testing.T, taoR, alpha, alphaOut, quote uint64, feeRate uint16, amount, limit uint64, flags uint8) {
		p := Pool{TAO: tao.Rao(taoR), AlphaIn: tao.Rao(alpha), AlphaOut: tao.Rao(alphaOut),
			QuoteWeight: Perquintill(quote), FeeRate: feeRate, Stable: flags&8 != 0}
		o := Order{Amount: tao.Rao(amount), Limit: tao.Rao(limit), AllowPartial: flags&2 != 0, NoFee: flags&4 != 0}
		isBuy := flags&1 == 0
		before := p
		var r Result
		var err error
		if isBuy {
			r, err = p.BuyAlpha(o)
		} else {
			r, err = p.SellAlpha(o)
		}
		if err != nil {
			if p != before {
				t.Fatalf("failed swap changed the pool: %+v -> %+v", before, p)
			}
			return
		}
		if r.In+r.Fee+r.Refund != o.Amount || r.In > o.Amount {
			t.Fatalf("order %d not accounted: %+v", o.Amount, r)
		}
		if o.NoFee && r.Fee != 0 {
			t.Fatalf("fee-free swap charged %d", r.Fee)
		}
		if p.Stable {
			return
		}
		reserveOut := before.AlphaIn
		if !isBuy {
			reserveOut = before.TAO
		}
		if r.Out > reserveOut {
			t.Fatalf("paid %d out of a reserve of %d", r.Out, reserveOut)
		}
		lim := marketLimit(side(isBuy))
		if o.Limit != 0 {
			lim = priceOf(o.Limit)
		}
		if c := p.Price().Cmp(lim); (isBuy && c > 0) || (!isBuy && c < 0) {
			t.Fatalf("price %s crossed the limit %s", p.Price(), lim)
		}
	})
}
