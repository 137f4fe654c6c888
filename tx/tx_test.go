package tx

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx/txpb"
)

func mustPair(t testing.TB, uri string) *keys.Pair {
	t.Helper()
	p, err := keys.FromURI(uri)
	require.NoError(t, err)
	return p
}

var (
	acct1 = tao.AccountID{1, 2, 3}
	acct2 = tao.AccountID{9, 8, 7}
)

// everyCall holds one populated call of each kind.
var everyCall = []Call{
	Transfer{Dest: acct1, Amount: 1_500_000_000},
	TransferAll{Dest: acct1, KeepAlive: true},
	TransferKeepAlive{Dest: acct1, Amount: 7},
	RegisterNetwork{Hotkey: acct1},
	RegisterNetwork{Hotkey: acct1, Identity: &SubnetIdentity{Name: "sn", URL: "https://x", GitHub: "g", Contact: "c", Description: "d", Discord: "dc", LogoURL: "l", TokenSymbol: "α", Additional: "a"}},
	StartCall{NetUID: 3},
	SetSubnetIdentity{NetUID: 65535, Identity: SubnetIdentity{Name: "n"}},
	BurnedRegister{NetUID: 1, Hotkey: acct2, LimitPrice: 10},
	ServeAxon{NetUID: 1, Version: 9, IP: [16]byte{10: 0xff, 11: 0xff, 12: 127, 15: 1}, Port: 8091, IPType: 4, Protocol: 4, Placeholder1: 1, Placeholder2: 2},
	SetHyperparameter{NetUID: 2, Name: "tempo", Value: -5},
	SudoSetGlobal{Name: "tx_fee", Value: 1},
	AddStake{Hotkey: acct1, NetUID: 1, AmountTAO: 5, LimitPrice: 6, AllowPartial: true},
	RemoveStake{Hotkey: acct1, NetUID: 1, AmountAlpha: 5, LimitPrice: 6},
	UnstakeAll{Hotkey: acct1},
	MoveStake{OriginHotkey: acct1, DestHotkey: acct2, OriginNetUID: 1, DestNetUID: 2, AmountAlpha: 3},
	TransferStake{DestColdkey: acct2, Hotkey: acct1, OriginNetUID: 1, DestNetUID: 1, AmountAlpha: 3},
	SwapStake{Hotkey: acct1, OriginNetUID: 1, DestNetUID: 2, AmountAlpha: 3, LimitPrice: 4, AllowPartial: true},
	IncreaseTake{Hotkey: acct1, Take: 11796},
	DecreaseTake{Hotkey: acct1, Take: 0},
	AssociateHotkey{Hotkey: acct2},
	SetWeights{NetUID: 1, UIDs: []tao.UID{0, 1, 65535}, Values: []uint16{65535, 0, 1}, VersionKey: 7},
	CommitWeights{NetUID: 1, Hash: [32]byte{1}},
	RevealWeights{NetUID: 1, UIDs: []tao.UID{0}, Values: []uint16{1}, Salt: []uint16{1, 2, 3}, VersionKey: 7},
	BatchSetWeights{Items: []SetWeights{{NetUID: 1, UIDs: []tao.UID{0}, Values: []uint16{1}}, {NetUID: 2, UIDs: []tao.UID{}, Values: []uint16{}}}},
}

func body(c Call) Body {
	return Body{ChainID: "gotensor-test", GenesisHash: [32]byte{0xaa}, Nonce: 42, ValidUntil: 100, Call: c}
}

func TestSignDecode_EveryCall(t *testing.T) {
	alice := mustPair(t, "//Alice")
	seen := map[Kind]bool{}
	for _, c := range everyCall {
		t.Run(c.Kind().String(), func(t *testing.T) {
			raw, err := Sign(alice, body(c))
			require.NoError(t, err)
			got, err := Decode(raw)
			require.NoError(t, err)
			require.Equal(t, normalize(body(c)), got.Body)
			require.Equal(t, alice.Public(), got.Signer)
			require.Equal(t, Hash(raw), got.Hash)
			require.Equal(t, len(raw), got.Size)
			require.True(t, got.VerifySignature())
			seen[c.Kind()] = true
		})
	}
	for k := KindTransfer; k <= KindBatchSetWeights; k++ {
		require.True(t, seen[k], "no test call of kind %s", k)
		require.NotEqual(t, "unknown", k.String())
	}
}

// normalize maps nil slices to empty ones, as decoding does.
func normalize(b Body) Body {
	switch c := b.Call.(type) {
	case BatchSetWeights:
		for i := range c.Items {
			if c.Items[i].UIDs == nil {
				c.Items[i].UIDs = []tao.UID{}
			}
		}
	}
	return b
}

func TestRoles(t *testing.T) {
	hot := map[Kind]bool{KindServeAxon: true, KindSetWeights: true, KindCommitWeights: true, KindRevealWeights: true, KindBatchSetWeights: true}
	for k := KindTransfer; k <= KindBatchSetWeights; k++ {
		want := Coldkey
		if hot[k] {
			want = Hotkey
		}
		require.Equal(t, want, k.Role(), k.String())
	}
}

// TestEncodeBody_WireFormat checks the body encoding against bytes assembled
// by hand from the protobuf wire format and the field numbers in tx.proto.
func TestEncodeBody_WireFormat(t *testing.T) {
	dest := tao.AccountID(bytes.Repeat([]byte{0xbb}, 32))
	got, err := EncodeBody(Body{ChainID: "gt", GenesisHash: [32]byte(bytes.Repeat([]byte{0xaa}, 32)), Nonce: 5, Call: Transfer{Dest: dest, Amount: 1000}})
	require.NoError(t, err)
	want := "0801" + // 1 version = 1
		"12026774" + // 2 chain_id = "gt"
		"1a20" + strings.Repeat("aa", 32) + // 3 genesis_hash
		"2005" + // 4 nonce = 5 (5 valid_until = 0 is omitted)
		"5225" + // 10 transfer, 37 bytes
		"0a20" + strings.Repeat("bb", 32) + // 1 dest
		"10e807" // 2 amount = 1000
	require.Equal(t, want, hex.EncodeToString(got))
}

func TestSignature_BoundToContextAndBytes(t *testing.T) {
	alice := mustPair(t, "//Alice")
	raw, err := Sign(alice, body(Transfer{Dest: acct1, Amount: 1}))
	require.NoError(t, err)
	tx, err := Decode(raw)
	require.NoError(t, err)

	// A "wallet sign" signature (context "substrate") of the same bytes is not
	// a transaction signature.
	tx.Signature = alice.Sign(tx.BodyBytes)
	require.False(t, tx.VerifySignature())

	// Another signer's key does not verify.
	tx, _ = Decode(raw)
	tx.Signer = mustPair(t, "//Bob").Public()
	require.False(t, tx.VerifySignature())

	// Batch verification agrees.
	good, _ := Decode(raw)
	bv := keys.NewBatchVerifier()
	good.AddTo(bv)
	tx.AddTo(bv)
	all, valid := bv.Verify()
	require.False(t, all)
	require.Equal(t, []bool{true, false}, valid)
}

// envelope builds raw transaction bytes around arbitrary body bytes.
func envelope(bodyBytes []byte) []byte {
	b, _ := proto.Marshal(&txpb.Tx{Body: bodyBytes, Signer: make([]byte, 32), Signature: make([]byte, 64)})
	return b
}

func pbBody(mut func(*txpb.Body)) []byte {
	b := &txpb.Body{Version: 1, ChainId: "c", GenesisHash: make([]byte, 32), Call: &txpb.Body_Transfer{Transfer: &txpb.Transfer{Dest: make([]byte, 32), Amount: 1}}}
	mut(b)
	bz, _ := proto.Marshal(b)
	return bz
}

func TestDecode_Rejects(t *testing.T) {
	valid := envelope(pbBody(func(*txpb.Body) {}))
	_, err := Decode(valid)
	require.NoError(t, err)

	withUnknown := func(b []byte) []byte {
		return protowire.AppendBytes(protowire.AppendTag(b, 99, protowire.BytesType), []byte("x"))
	}
	sw := func(w *txpb.SetWeights) func(*txpb.Body) {
		return func(b *txpb.Body) { b.Call = &txpb.Body_SetWeights{SetWeights: w} }
	}
	cases := []struct {
		name string
		raw  []byte
		want *Error
		msg  string
	}{
		{"empty", nil, ErrDecode, "signer"},
		{"garbage", []byte{0xff, 0xff, 0xff}, ErrDecode, "envelope is not valid protobuf"},
		{"too large", make([]byte, MaxSize+1), ErrTooLarge, "limit"},
		{"trailing garbage", append(append([]byte{}, valid...), 0x07), ErrDecode, ""},
		{"unknown envelope field", withUnknown(valid), ErrDecode, "envelope"},
		{"short signer", func() []byte {
			b, _ := proto.Marshal(&txpb.Tx{Body: pbBody(func(*txpb.Body) {}), Signer: make([]byte, 31), Signature: make([]byte, 64)})
			return b
		}(), ErrDecode, "signer: want 32 bytes, have 31"},
		{"long signature", func() []byte {
			b, _ := proto.Marshal(&txpb.Tx{Body: pbBody(func(*txpb.Body) {}), Signer: make([]byte, 32), Signature: make([]byte, 65)})
			return b
		}(), ErrDecode, "signature"},
		{"body not protobuf", envelope([]byte{0xff}), ErrDecode, "body"},
		{"unknown body field", envelope(withUnknown(pbBody(func(*txpb.Body) {}))), ErrDecode, "unknown fields in body"},
		{"unknown nested field", envelope(pbBody(func(b *txpb.Body) {
			tr := b.GetTransfer()
			tr.ProtoReflect().SetUnknown(withUnknown(nil))
		})), ErrDecode, "unknown fields"},
		{"version 2", envelope(pbBody(func(b *txpb.Body) { b.Version = 2 })), ErrVersion, "have 2, want 1"},
		{"version 0", envelope(pbBody(func(b *txpb.Body) { b.Version = 0 })), ErrVersion, ""},
		{"no call", envelope(pbBody(func(b *txpb.Body) { b.Call = nil })), ErrUnknownCall, ""},
		{"call from a newer schema", envelope(withUnknown(pbBody(func(b *txpb.Body) { b.Call = nil }))), ErrUnknownCall, ""},
		{"empty chain id", envelope(pbBody(func(b *txpb.Body) { b.ChainId = "" })), ErrInvalidArgument, "chain_id"},
		{"long chain id", envelope(pbBody(func(b *txpb.Body) { b.ChainId = strings.Repeat("c", 51) })), ErrInvalidArgument, "chain_id"},
		{"short genesis hash", envelope(pbBody(func(b *txpb.Body) { b.GenesisHash = make([]byte, 31) })), ErrInvalidArgument, "genesis_hash"},
		{"short dest", envelope(pbBody(func(b *txpb.Body) { b.GetTransfer().Dest = make([]byte, 20) })), ErrInvalidArgument, "transfer.dest: want a 32-byte public key, have 20 bytes"},
		{"empty transfer message", envelope(pbBody(func(b *txpb.Body) { b.Call = &txpb.Body_Transfer{Transfer: &txpb.Transfer{}} })), ErrInvalidArgument, "transfer.dest"},
		{"netuid above u16", envelope(pbBody(func(b *txpb.Body) { b.Call = &txpb.Body_StartCall{StartCall: &txpb.StartCall{Netuid: 65536}} })), ErrInvalidArgument, "start_call.netuid: 65536 does not fit in 16 bits"},
		{"weight above u16", envelope(pbBody(sw(&txpb.SetWeights{Uids: []uint32{0, 1}, Values: []uint32{1, 1 << 16}}))), ErrInvalidArgument, "set_weights.values[1]"},
		{"uids and values differ", envelope(pbBody(sw(&txpb.SetWeights{Uids: []uint32{0, 1}, Values: []uint32{1}}))), ErrInvalidArgument, "1 values for 2 uids"},
		{"ip of 4 bytes", envelope(pbBody(func(b *txpb.Body) { b.Call = &txpb.Body_ServeAxon{ServeAxon: &txpb.ServeAxon{Ip: []byte{1, 2, 3, 4}}} })), ErrInvalidArgument, "serve_axon.ip"},
		{"protocol above u8", envelope(pbBody(func(b *txpb.Body) {
			b.Call = &txpb.Body_ServeAxon{ServeAxon: &txpb.ServeAxon{Ip: make([]byte, 16), Protocol: 256}}
		})), ErrInvalidArgument, "serve_axon.protocol"},
		{"empty parameter name", envelope(pbBody(func(b *txpb.Body) { b.Call = &txpb.Body_SudoSetGlobal{SudoSetGlobal: &txpb.SudoSetGlobal{}} })), ErrInvalidArgument, "sudo_set_global.name"},
		{"long identity name", envelope(pbBody(func(b *txpb.Body) {
			b.Call = &txpb.Body_SetSubnetIdentity{SetSubnetIdentity: &txpb.SetSubnetIdentity{Identity: &txpb.SubnetIdentity{Name: strings.Repeat("n", 257)}}}
		})), ErrInvalidArgument, "identity.name"},
		{"empty batch", envelope(pbBody(func(b *txpb.Body) { b.Call = &txpb.Body_BatchSetWeights{BatchSetWeights: &txpb.BatchSetWeights{}} })), ErrInvalidArgument, "batch_set_weights.items"},
		{"short commit hash", envelope(pbBody(func(b *txpb.Body) {
			b.Call = &txpb.Body_CommitWeights{CommitWeights: &txpb.CommitWeights{Hash: []byte{1}}}
		})), ErrInvalidArgument, "commit_weights.hash"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.raw)
			require.Error(t, err)
			require.True(t, errors.Is(err, tc.want), "got %v, want code %d", err, tc.want.Code)
			require.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestEncodeBody_RejectsInvalidCalls(t *testing.T) {
	_, err := EncodeBody(body(nil))
	require.ErrorIs(t, err, ErrUnknownCall)
	_, err = EncodeBody(body(&Transfer{}))
	require.ErrorIs(t, err, ErrUnknownCall)
	_, err = EncodeBody(body(SetWeights{UIDs: []tao.UID{1}}))
	require.ErrorIs(t, err, ErrInvalidArgument)
	b := body(Transfer{})
	b.ChainID = ""
	_, err = EncodeBody(b)
	require.ErrorIs(t, err, ErrInvalidArgument)
	_, err = EncodeBody(body(SudoSetGlobal{Name: "\xff", Value: 1}))
	require.ErrorIs(t, err, ErrInvalidArgument)
	require.ErrorContains(t, err, "not valid UTF-8")
}

func TestCodes(t *testing.T) {
	require.Equal(t, uint32(0), CodeOf(nil))
	require.Equal(t, uint32(0), CodeOf(errors.New("plain")))
	wrapped := fmt.Errorf("%w: have %s, want %s", ErrInsufficientBalance, tao.Rao(1), tao.Rao(2))
	require.Equal(t, uint32(100), CodeOf(wrapped))
	require.ErrorIs(t, wrapped, ErrInsufficientBalance)
	require.NotErrorIs(t, wrapped, ErrKeepAlive)
	// A copy of the catalog entry (as a client decodes it) matches by code.
	require.ErrorIs(t, &Error{Code: 100, Msg: "from the wire"}, ErrInsufficientBalance)
	require.Same(t, ErrNonceTooLow, Lookup(7))
	require.Nil(t, Lookup(99))
	for code, e := range codes {
		require.Equal(t, code, e.Code)
		require.Contains(t, []Class{Rejected, Failed}, e.Class(), "code %d", code)
		require.Equal(t, strings.ToLower(e.Msg[:1]), e.Msg[:1], "code %d: messages are lower case", code)
		require.False(t, strings.HasSuffix(e.Msg, "."), "code %d: no final period", code)
	}
	require.Panics(t, func() { register(1, Rejected, "again") })
}
