package chain

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// FuzzStakeCalls decodes the input as a sequence of stake calls (9 bytes
// each: kind, signer, hotkey, netuids, amount) against two subnets and
// root. Every call must either succeed or fail changing nothing but its
// signer's nonce and fee, and the invariants must hold after each
// (stakeEnv checks both).
func FuzzStakeCalls(f *testing.F) {
	f.Add([]byte{0, 1, 1, 0x10, 0, 0, 0, 10, 0})
	f.Add([]byte{0, 1, 1, 0x10, 0, 0, 0, 10, 0, 1, 1, 1, 0x10, 0, 0, 0, 5, 0})
	f.Add([]byte{0, 1, 1, 0x20, 0, 0, 1, 0, 0, 5, 1, 1, 0x21, 0, 0, 0, 8, 0, 2, 1, 1, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0, 2, 2, 0x00, 0, 0, 3, 0, 0, 3, 2, 2, 0x01, 0, 0, 1, 0, 0, 4, 2, 3, 0x11, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{6, 1, 1, 0, 0, 0, 0, 0, 7, 7, 1, 1, 0, 0, 0, 0, 0, 9, 8, 3, 4, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 9*24 {
			data = data[:9*24]
		}
		e := newStakeEnv(t)
		e.subnet(1, 1000*tao.RaoPerTAO, 1000*tao.RaoPerTAO)
		e.subnet(2, 10*tao.RaoPerTAO, 40*tao.RaoPerTAO)
		for i := byte(1); i <= 3; i++ {
			e.hotkey(acct(i), acct(10+i))
		}
		for ; len(data) >= 9; data = data[9:] {
			signer := acct(data[1]%4 + 1)
			hot := acct(10 + data[2]%5) // acct(14) and acct(10) belong to nobody at first
			from, to := tao.NetUID(data[3]>>4%3), tao.NetUID(data[3]&0xf%3)
			amount := tao.Rao(binary.BigEndian.Uint32(data[4:8])) * (tao.Rao(data[8]%4)*1000 + 1)
			var call tx.Call
			switch data[0] % 10 {
			case 0:
				call = tx.AddStake{Hotkey: hot, NetUID: from, AmountTAO: amount, LimitPrice: tao.Rao(data[8]) * 10_000_000, AllowPartial: data[8]&1 == 1}
			case 1:
				call = tx.RemoveStake{Hotkey: hot, NetUID: from, AmountAlpha: amount, LimitPrice: tao.Rao(data[8]) * 1_000_000, AllowPartial: data[8]&1 == 1}
			case 2:
				call = tx.UnstakeAll{Hotkey: hot}
			case 3:
				call = tx.MoveStake{OriginHotkey: hot, DestHotkey: acct(10 + data[8]%5), OriginNetUID: from, DestNetUID: to, AmountAlpha: amount}
			case 4:
				call = tx.TransferStake{DestColdkey: acct(data[8]%4 + 1), Hotkey: hot, OriginNetUID: from, DestNetUID: to, AmountAlpha: amount}
			case 5:
				call = tx.SwapStake{Hotkey: hot, OriginNetUID: from, DestNetUID: to, AmountAlpha: amount, LimitPrice: tao.Rao(data[8]) * 10_000_000, AllowPartial: data[8]&1 == 1}
			case 6:
				call = tx.DecreaseTake{Hotkey: hot, Take: uint16(amount)}
			case 7:
				call = tx.IncreaseTake{Hotkey: hot, Take: uint16(amount)}
			default:
				call = tx.AssociateHotkey{Hotkey: hot}
			}
			before, acctBefore := e.digest(signer), e.s.Account(signer)
			res := e.apply(signer, call)
			if res.Code != 0 {
				require.Equal(t, before, e.digest(signer), "%s failed (%s) but changed state", call.Kind(), res.Log)
				require.Equal(t, acctBefore.Free-res.Fee, e.s.Account(signer).Free)
			}
		}
	})
}
