package testutil

import (
	"math/rand/v2"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// AddStake stakes amount TAO of coldkey to hotkey on subnet n (market
// order) in one block, and returns the alpha it bought.
func AddStake(h *Harness, coldkey *keys.Pair, hotkey tao.AccountID, n tao.NetUID, amount tao.Rao) tao.Rao {
	h.T.Helper()
	return tao.Rao(callUint(h, coldkey, tx.AddStake{Hotkey: hotkey, NetUID: n, AmountTAO: amount}, chain.EventStakeAdded, "alpha", 64))
}

// AssociateHotkeys claims hotkeys for coldkey in one block.
func AssociateHotkeys(h *Harness, coldkey *keys.Pair, hotkeys ...*keys.Pair) {
	h.T.Helper()
	txs := make([][]byte, len(hotkeys))
	for i, hk := range hotkeys {
		txs[i] = h.Tx(coldkey, tx.AssociateHotkey{Hotkey: hk.Public()})
	}
	RequireOK(h.T, h.Block(txs...))
}

// StakeCalls generates random calls of the staking area for randomized
// tests: add_stake (market, limit, partial), remove_stake, unstake_all,
// move_stake, transfer_stake, swap_stake, increase_take, decrease_take
// and associate_hotkey. Most are valid for the given state (amounts drawn
// from the signer's balance and stakes); some are not (amounts below the
// minimum or above the stake, limits on the wrong side of the price,
// hotkeys nobody owns, takes out of bounds), so that failure paths run
// too.
type StakeCalls struct {
	Coldkeys []*keys.Pair // funded accounts that stake
	// Hotkeys are the hotkeys stakes go to. Hotkeys nobody owns make
	// calls fail until some coldkey associates them.
	Hotkeys []*keys.Pair
}

// Next returns a signer and a call for state st.
func (g StakeCalls) Next(r *rand.Rand, st *chain.State) (*keys.Pair, tx.Call) {
	ck := g.Coldkeys[r.IntN(len(g.Coldkeys))]
	hk := g.Hotkeys[r.IntN(len(g.Hotkeys))].Public()
	nets := append([]tao.NetUID{tao.RootNetUID}, st.NetUIDs()...)
	n := nets[r.IntN(len(nets))]
	if r.IntN(16) == 0 {
		n = tao.NetUID(r.IntN(8) + 1) // perhaps a subnet that does not exist
	}
	// A stake of the signer to act on, when it has one.
	stakes := st.StakesOf(ck.Public())
	var have chain.Stake
	if len(stakes) > 0 && r.IntN(5) != 0 {
		have = stakes[r.IntN(len(stakes))]
		hk, n = have.Hotkey, have.NetUID
	}
	alpha := portion(r, have.Alpha)
	spot := chain.PriceRao(st.Price(n))
	other := nets[r.IntN(len(nets))]

	switch r.IntN(12) {
	case 0, 1, 2:
		amount := portion(r, st.Account(ck.Public()).Free/20)
		c := tx.AddStake{Hotkey: hk, NetUID: n, AmountTAO: amount}
		if r.IntN(3) == 0 { // a limit a little above or below the price
			c.LimitPrice = spot + spot/tao.Rao(r.IntN(50)+2) - spot/40
			c.AllowPartial = r.IntN(2) == 0
		}
		return ck, c
	case 3, 4, 5:
		c := tx.RemoveStake{Hotkey: hk, NetUID: n, AmountAlpha: alpha}
		if r.IntN(3) == 0 {
			c.LimitPrice = spot - spot/tao.Rao(r.IntN(50)+2) + spot/40
			c.AllowPartial = r.IntN(2) == 0
		}
		return ck, c
	case 6:
		return ck, tx.UnstakeAll{Hotkey: hk}
	case 7:
		dest := g.Hotkeys[r.IntN(len(g.Hotkeys))].Public()
		return ck, tx.MoveStake{OriginHotkey: hk, DestHotkey: dest, OriginNetUID: n, DestNetUID: other, AmountAlpha: alpha}
	case 8:
		dest := g.Coldkeys[r.IntN(len(g.Coldkeys))].Public()
		return ck, tx.TransferStake{DestColdkey: dest, Hotkey: hk, OriginNetUID: n, DestNetUID: other, AmountAlpha: alpha}
	case 9:
		c := tx.SwapStake{Hotkey: hk, OriginNetUID: n, DestNetUID: other, AmountAlpha: alpha}
		if r.IntN(3) == 0 {
			c.LimitPrice = tao.Rao(r.IntN(3)) * tao.RaoPerTAO / 2
			c.AllowPartial = r.IntN(2) == 0
		}
		return ck, c
	case 10:
		take := uint16(r.IntN(13_000))
		if r.IntN(2) == 0 {
			return ck, tx.IncreaseTake{Hotkey: hk, Take: take}
		}
		return ck, tx.DecreaseTake{Hotkey: hk, Take: take}
	default:
		return ck, tx.AssociateHotkey{Hotkey: g.Hotkeys[r.IntN(len(g.Hotkeys))].Public()}
	}
}

// portion returns a random part of v: all of it, half, a small slice, or
// occasionally a little more than all (which the chain caps or refuses).
func portion(r *rand.Rand, v tao.Rao) tao.Rao {
	switch r.IntN(6) {
	case 0:
		return v
	case 1:
		return v / 2
	case 2:
		return v + tao.Rao(r.IntN(1000))
	case 3:
		return tao.Rao(r.IntN(3_000_000)) // around the minimum stake
	default:
		if v == 0 {
			return tao.Rao(r.IntN(5)) * tao.RaoPerTAO
		}
		return tao.Rao(r.Uint64N(uint64(v)) + 1)
	}
}
