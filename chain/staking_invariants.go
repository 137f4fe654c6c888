package chain

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"

	"github.com/gotensor/gotensor/chain/sharepool"
	"github.com/gotensor/gotensor/chain/swap"
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
)

// checkStakingInvariants verifies the pools and stakes and returns the TAO
// the pools hold, which CheckInvariants adds to the free balances:
//
//   - per subnet, AlphaOut equals the value of every hotkey's share pool on
//     it plus the protocol's alpha, the dust and the pending emission;
//   - the root pool holds as much TAO as alpha is out (it swaps 1:1);
//   - a dynamic pool's quote weight is in range;
//   - each share pool's total equals its holders' shares, is zero exactly
//     when its value is, and no holder has more shares than the total;
//   - every stake record has its subnet index entry and no entry is
//     orphaned;
//   - no sum overflows.
//
// It reads every pool and stake record: O(stakes).
func checkStakingInvariants(s *State) (tao.Rao, error) {
	fail := func(format string, args ...any) (tao.Rao, error) {
		return 0, fmt.Errorf("chain: invariant: "+format, args...)
	}
	pools := map[tao.NetUID]Pool{}
	var netuids []tao.NetUID
	it := s.kv.Iterator([]byte{prefixPool}, store.PrefixEnd([]byte{prefixPool}))
	for ; it.Valid(); it.Next() {
		n := tao.NetUID(binary.BigEndian.Uint16(it.Key()[1:]))
		netuids = append(netuids, n)
	}
	it.Close()
	var poolTAO tao.Rao
	for _, n := range netuids {
		p := s.Pool(n)
		pools[n] = p
		var ok bool
		if poolTAO, ok = poolTAO.AddChecked(p.TAO); !ok {
			return fail("pool TAO reserves overflow at subnet %d", n)
		}
		if _, ok := p.AlphaIn.AddChecked(p.AlphaOut); !ok {
			return fail("subnet %d alpha issuance overflows: %d in + %d out", n, p.AlphaIn, p.AlphaOut)
		}
		switch {
		case p.Stable && p.TAO != p.AlphaOut:
			return fail("root pool holds %d rao for %d alpha out", p.TAO, p.AlphaOut)
		case !p.Stable && (p.QuoteWeight < swap.MinWeight || p.QuoteWeight > swap.PerquintillOne-swap.MinWeight):
			return fail("subnet %d quote weight %d out of range", n, p.QuoteWeight)
		}
	}

	// Share pools: value per subnet, and each pool's total for the holders.
	type poolID struct {
		hotkey tao.AccountID
		n      tao.NetUID
	}
	staked := map[tao.NetUID]tao.Rao{}
	shares := map[poolID]sharepool.Pool{}
	var ids []poolID
	it = s.kv.Iterator([]byte{prefixHotkeyPool}, store.PrefixEnd([]byte{prefixHotkeyPool}))
	for ; it.Valid(); it.Next() {
		k := it.Key()
		ids = append(ids, poolID{tao.AccountID(k[1:33]), tao.NetUID(binary.BigEndian.Uint16(k[33:]))})
	}
	it.Close()
	for _, id := range ids {
		sp := s.hotkeyPool(id.hotkey, id.n)
		if sp.Total.IsZero() != (sp.Shared == 0) {
			return fail("stake pool of %s on subnet %d: %d rao for %s shares", id.hotkey, id.n, sp.Shared, sp.Total)
		}
		shares[id] = sp
		var ok bool
		if staked[id.n], ok = staked[id.n].AddChecked(sp.Shared); !ok {
			return fail("stake on subnet %d overflows", id.n)
		}
	}

	// Stake records: shares add up to their pool's total; the index matches.
	held := map[poolID]fixed.U64F64{}
	records := 0
	it = s.kv.Iterator([]byte{prefixStake}, store.PrefixEnd([]byte{prefixStake}))
	for ; it.Valid(); it.Next() {
		k := it.Key()
		cold, hot := tao.AccountID(k[1:33]), tao.AccountID(k[33:65])
		id := poolID{hot, tao.NetUID(binary.BigEndian.Uint16(k[65:]))}
		sh := decodeShares(it.Value())
		if sh.IsZero() {
			it.Close()
			return fail("empty stake record of %s on %s, subnet %d", cold, hot, id.n)
		}
		sum, ok := held[id].CheckedAdd(sh)
		if !ok {
			it.Close()
			return fail("shares on %s, subnet %d overflow", hot, id.n)
		}
		held[id] = sum
		records++
		if !s.kv.Has(stakeIndexKey(id.n, hot, cold)) {
			it.Close()
			return fail("stake of %s on %s, subnet %d is missing from the subnet index", cold, hot, id.n)
		}
	}
	it.Close()
	indexed := 0
	it = s.kv.Iterator([]byte{prefixStakeIndex}, store.PrefixEnd([]byte{prefixStakeIndex}))
	for ; it.Valid(); it.Next() {
		indexed++
	}
	it.Close()
	if indexed != records {
		return fail("%d stake records, %d subnet index entries", records, indexed)
	}
	slices.SortFunc(ids, func(a, b poolID) int {
		if c := bytes.Compare(a.hotkey[:], b.hotkey[:]); c != 0 {
			return c
		}
		return int(a.n) - int(b.n)
	})
	for _, id := range ids {
		if held[id] != shares[id].Total {
			return fail("stake pool of %s on subnet %d has %s shares, its holders %s", id.hotkey, id.n, shares[id].Total, held[id])
		}
		delete(held, id)
	}
	if len(held) != 0 {
		return fail("%d stake records have no pool", len(held))
	}

	// Alpha: what is out is staked, pending, the protocol's, or dust.
	for _, n := range slices.Sorted(maps.Keys(staked)) { // the same report on every node
		if _, ok := pools[n]; !ok && n != tao.RootNetUID {
			return fail("%d alpha staked on subnet %d, which has no pool", staked[n], n)
		}
	}
	if _, ok := pools[tao.RootNetUID]; !ok {
		netuids = append([]tao.NetUID{tao.RootNetUID}, netuids...)
		pools[tao.RootNetUID] = s.Pool(tao.RootNetUID)
	}
	for _, n := range netuids {
		p := pools[n]
		want := staked[n]
		for _, part := range []tao.Rao{p.ProtocolAlpha, p.Dust, s.Pending(n).Total()} {
			var ok bool
			if want, ok = want.AddChecked(part); !ok {
				return fail("subnet %d alpha holdings overflow", n)
			}
		}
		if p.AlphaOut != want {
			return fail("subnet %d has %d alpha out, but %d staked + %d protocol + %d dust + %d pending = %d",
				n, p.AlphaOut, staked[n], p.ProtocolAlpha, p.Dust, s.Pending(n).Total(), want)
		}
	}
	return poolTAO, nil
}
