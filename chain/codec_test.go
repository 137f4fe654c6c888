package chain

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/tao"
)

// The stored layouts are part of the app hash: these pin them byte for byte.
func TestCodec_SparseRowLayout(t *testing.T) {
	row := []yuma.Entry{{UID: 3, Value: 65535}, {UID: 700, Value: 12}}
	b := encodeEntries(row)
	require.Equal(t, []byte{0x00, 0x03, 0xff, 0xff, 0x02, 0xbc, 0x00, 0x0c}, b)
	require.Equal(t, row, decodeEntries("row", b))
	require.Empty(t, decodeEntries("row", nil))
	require.PanicsWithValue(t, "chain: corrupt bonds row: 3 bytes", func() { decodeEntries("bonds row", b[:3]) })
}

func TestCodec_U64VectorLayout(t *testing.T) {
	v := []tao.Rao{1, 1 << 40}
	b := encodeU64s(v)
	require.Equal(t, []byte{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0}, b) // 1<<40 = 0x0000_0100_0000_0000
	require.Equal(t, v, decodeU64s[tao.Rao]("v", b))
	require.Empty(t, decodeU64s[tao.BlockHeight]("v", nil))
	require.PanicsWithValue(t, "chain: corrupt emission vector: 9 bytes", func() { decodeU64s[tao.Rao]("emission vector", append(b[:8:8], 0)) })
}

func TestRecordCodec(t *testing.T) {
	type rec struct {
		A uint16
		B tao.Rao
	}
	c := recordCodec[rec]{what: "rec", version: 7, fields: []func(*rec) any{
		func(r *rec) any { return &r.A },
		func(r *rec) any { return &r.B },
	}}
	b := c.encode(&rec{A: 0x0102, B: 5})
	require.Equal(t, []byte{7, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 5}, b)

	got := rec{B: 99}
	require.NoError(t, c.decode(b[:9], &got), "a value written before B existed")
	require.Equal(t, rec{A: 0x0102, B: 99}, got, "B keeps its default")

	require.EqualError(t, c.decode(append(b, 0), &got), "1 trailing bytes")
	require.EqualError(t, c.decode(b[:12], &got), "field 1: truncated")
	require.EqualError(t, c.decode([]byte{1}, &got), "unknown encoding version")
	require.EqualError(t, c.decode(nil, &got), "unknown encoding version")
}
