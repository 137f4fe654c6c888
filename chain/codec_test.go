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
