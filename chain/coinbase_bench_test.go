package chain

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain/swap"
	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
)

// benchAcct returns a distinct account per (kind, n, i).
func benchAcct(kind byte, n tao.NetUID, i int) tao.AccountID {
	var a tao.AccountID
	a[0] = kind
	binary.BigEndian.PutUint16(a[1:], uint16(n))
	binary.BigEndian.PutUint32(a[3:], uint32(i))
	return a
}

// coinbaseChain builds a mature chain for the coinbase benchmarks: root
// stake, so that each subnet's injection cap binds and the excess TAO buys
// alpha every block; subnets subnets registered at block 1 with
// neurons uids each, of which validators (uids 1…) are staked and set
// weights on every uid; pools at a price of 0.01 TAO with weights off 0.5,
// as injections leave them. The epochs of all subnets fall due at block
// 360.
func coinbaseChain(tb testing.TB, subnets, neurons, validators int) *State {
	tb.Helper()
	db := store.OpenMemory()
	s := NewState(db)
	require.NoError(tb, InitGenesis(s, "bench", [32]byte{}, DefaultGenesis()))
	root := s.Pool(tao.RootNetUID)
	rootStake := 1_000_000 * tao.RaoPerTAO
	s.issue(rootStake, ReasonEmission)
	root.TAO, root.AlphaOut = rootStake, rootStake
	s.setPool(tao.RootNetUID, root)
	require.NoError(tb, s.addStakeAlpha(benchAcct(9, 0, 0), benchAcct(8, 0, 0), tao.RootNetUID, rootStake))

	for n := tao.NetUID(1); int(n) <= subnets; n++ {
		sn := cbSubnet{owner: benchAcct(1, n, 0), ownerHotkey: benchAcct(2, n, 0)}
		for uid := 1; uid < neurons; uid++ {
			sn.hotkeys = append(sn.hotkeys, benchAcct(3, n, uid))
			sn.coldkeys = append(sn.coldkeys, benchAcct(4, n, uid))
		}
		buildSubnet(tb, s, n, 360, 10_000*tao.RaoPerTAO, 1_000_000*tao.RaoPerTAO, sn)
		p := s.Pool(n)
		p.QuoteWeight = swap.DefaultQuoteWeight + 123_456_789
		p.MovingPrice = fixed.I96F32FromRatio(1, 100)
		s.setPool(n, p)
		for v := 1; v <= validators && v < neurons; v++ {
			giveStake(tb, s, n, sn.coldkeys[v-1], sn.hotkeys[v-1], tao.Rao(1000+v)*tao.RaoPerTAO)
			values := make([]uint16, neurons)
			for uid := range values {
				values[uid] = uint16(1 + (uid*7919+v*104729)%65535)
			}
			row := make([]yuma.Entry, neurons)
			for uid, w := range yuma.MaxUpscale(values) {
				row[uid] = yuma.Entry{UID: uint16(uid), Value: w}
			}
			s.setWeightsRow(n, tao.UID(v), row)
			s.setLastUpdate(n, tao.UID(v), 2)
		}
		// Commit each subnet: blocks read committed state, as a node's do,
		// and IAVL iterates uncommitted writes slowly.
		_, _, err := db.Commit()
		require.NoError(tb, err)
	}
	return s
}

// BenchmarkCoinbase128Subnets is the coinbase of an ordinary block (no
// epoch due) with 128 emitting subnets on a mature chain: TAO split,
// injection with an excess buy on a weighted pool, alpha emission into the
// pending buckets and moving prices. Target: 2 ms.
func BenchmarkCoinbase128Subnets(b *testing.B) {
	s := coinbaseChain(b, 128, 4, 2)
	for b.Loop() {
		br := s.Branch()
		runCoinbase(br, Block{Height: 100})
	}
}

// BenchmarkWorstBlock128x256 is the block in which every subnet's epoch
// falls due, with 128 subnets of 256 uids and 64 weight-setting validators
// each: the coinbase, two epochs (MaxEpochsPerBlock) with their payouts,
// and 126 deferrals. Target: 100 ms.
func BenchmarkWorstBlock128x256(b *testing.B) {
	s := coinbaseChain(b, 128, 256, 64)
	for b.Loop() {
		br := s.Branch()
		BeginBlock(br, Block{Height: 360})
		b.StopTimer()
		var ran, deferred int
		for _, e := range br.TakeEvents() {
			switch e.Type {
			case EventEpoch:
				ran++
			case EventEpochDeferred:
				deferred++
			}
		}
		if ran != DefaultMaxEpochsPerBlock || deferred != 128-DefaultMaxEpochsPerBlock {
			b.Fatalf("%d epochs ran, %d deferred", ran, deferred)
		}
		b.StartTimer()
	}
}
