package tx

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/tao"
)

// TestCommitHash_SDKVectors: the hash matches the Bittensor SDK's
// generate_weight_hash (sdk-vectors.json, computed.weights), so commits
// made by the Python SDK reveal on gotensor and the other way round.
func TestCommitHash_SDKVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/generate_weight_hash.json")
	require.NoError(t, err)
	var vs []struct {
		Hotkey     string   `json:"hotkey_ss58"`
		NetUID     uint16   `json:"netuid"`
		UIDs       []uint16 `json:"uids"`
		Values     []uint16 `json:"values"`
		Salt       []uint16 `json:"salt"`
		VersionKey uint64   `json:"version_key"`
		Expected   string   `json:"expected_hash"`
	}
	require.NoError(t, json.Unmarshal(raw, &vs))
	require.NotEmpty(t, vs)
	for _, v := range vs {
		hk, err := tao.ParseAccountID(v.Hotkey)
		require.NoError(t, err)
		uids := make([]tao.UID, len(v.UIDs))
		for i, u := range v.UIDs {
			uids[i] = tao.UID(u)
		}
		h := CommitHash(hk, tao.NetUID(v.NetUID), uids, v.Values, v.Salt, v.VersionKey)
		require.Equal(t, v.Expected, "0x"+hex.EncodeToString(h[:]), "netuid %d uids %v", v.NetUID, v.UIDs)
	}
}

// TestAppendCompact: SCALE compact lengths at every mode boundary (the
// values are the SCALE codec's documented examples).
func TestAppendCompact(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{
		{0, "00"}, {1, "04"}, {63, "fc"}, {64, "0101"}, {16383, "fdff"},
		{16384, "02000100"}, {65535, "feff0300"}, {65536, "02000400"},
	} {
		require.Equal(t, c.want, hex.EncodeToString(appendCompact(nil, c.n)), "n=%d", c.n)
	}
}

// TestCommitHash_Distinguishes: every field is bound by the hash, and the
// boundary between vectors is unambiguous.
func TestCommitHash_Distinguishes(t *testing.T) {
	hk := tao.AccountID{1}
	base := CommitHash(hk, 1, []tao.UID{1, 2}, []uint16{3, 4}, []uint16{5}, 6)
	for name, h := range map[string][32]byte{
		"hotkey":      CommitHash(tao.AccountID{2}, 1, []tao.UID{1, 2}, []uint16{3, 4}, []uint16{5}, 6),
		"netuid":      CommitHash(hk, 2, []tao.UID{1, 2}, []uint16{3, 4}, []uint16{5}, 6),
		"uids":        CommitHash(hk, 1, []tao.UID{2, 1}, []uint16{3, 4}, []uint16{5}, 6),
		"values":      CommitHash(hk, 1, []tao.UID{1, 2}, []uint16{4, 3}, []uint16{5}, 6),
		"salt":        CommitHash(hk, 1, []tao.UID{1, 2}, []uint16{3, 4}, []uint16{6}, 6),
		"version key": CommitHash(hk, 1, []tao.UID{1, 2}, []uint16{3, 4}, []uint16{5}, 7),
		"boundary":    CommitHash(hk, 1, []tao.UID{1, 2}, []uint16{3}, []uint16{4, 5}, 6),
	} {
		require.NotEqual(t, base, h, name)
	}
}
