package metagraph

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/tao"
)

func hotkey(b byte) tao.AccountID { return tao.AccountID{0: b} }

func neuron(uid uint16, hk byte) apitypes.Neuron {
	return apitypes.Neuron{UID: uid, Hotkey: hotkey(hk), Axon: apitypes.AxonInfo{IP: "0.0.0.0"}}
}

func TestStaleAt(t *testing.T) {
	s := &Snapshot{Block: 100, Subnet: apitypes.Subnet{BlocksUntilEpoch: 7}}
	require.Equal(t, int64(107), s.NextEpochBlock())
	for _, c := range []struct {
		height, maxAge int64
		want           bool
	}{
		{100, 1, false}, // the snapshot's own block
		{90, 1, false},  // older than the snapshot
		{106, 0, false}, // before the epoch, no age limit
		{107, 0, true},  // the epoch ran
		{103, 3, true},  // old enough
		{102, 3, false},
	} {
		require.Equal(t, c.want, s.StaleAt(c.height, c.maxAge), "height %d, max age %d", c.height, c.maxAge)
	}
}

func TestReplaced(t *testing.T) {
	snap := func(hks ...byte) *Snapshot {
		doc := &apitypes.Metagraph{Lite: true}
		for i, hk := range hks {
			doc.Neurons = append(doc.Neurons, neuron(uint16(i), hk))
		}
		s, err := newSnapshot(doc)
		require.NoError(t, err)
		return s
	}
	require.Nil(t, Replaced(nil, snap(1, 2)))
	require.Empty(t, Replaced(snap(1, 2), snap(1, 2, 3)), "new uids are not replacements")
	require.Equal(t, []tao.UID{1}, Replaced(snap(1, 2, 3), snap(1, 9, 3)))
	require.Equal(t, []tao.UID{0, 2}, Replaced(snap(1, 2, 3), snap(7, 2, 8, 4)))
}

func TestNewSnapshot_RefusesBadDocuments(t *testing.T) {
	for _, c := range []struct {
		name string
		doc  apitypes.Metagraph
		want string
	}{
		{"uids out of order", apitypes.Metagraph{Lite: true, Neurons: []apitypes.Neuron{neuron(1, 1)}}, "neuron 0 of netuid 0 has uid 1"},
		{"bad ip", apitypes.Metagraph{Lite: true, Neurons: []apitypes.Neuron{{Axon: apitypes.AxonInfo{IP: "300.1.1.1"}}}}, `uid 0: axon ip "300.1.1.1"`},
		{"weights beyond n", apitypes.Metagraph{Neurons: []apitypes.Neuron{{Axon: apitypes.AxonInfo{IP: "::"}, Weights: [][2]uint16{{1, 5}}}}}, "uid 0: row names uid 1 of 1"},
		{"bonds beyond n", apitypes.Metagraph{Neurons: []apitypes.Neuron{{Axon: apitypes.AxonInfo{IP: "::"}, Bonds: [][2]uint16{{3, 5}}}}}, "uid 0: row names uid 3 of 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := newSnapshot(&c.doc)
			require.ErrorContains(t, err, c.want)
		})
	}
}

// FuzzNewSnapshot: any document the JSON decoder accepts either converts
// to a consistent snapshot or is refused; it never panics.
func FuzzNewSnapshot(f *testing.F) {
	f.Add(`{"netuid":1,"block":5,"lite":true,"neurons":[{"uid":0,"hotkey":"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY","axon":{"ip":"1.2.3.4","port":8091}}]}`)
	f.Add(`{"lite":false,"neurons":[{"uid":0,"axon":{"ip":"::1"},"weights":[[0,65535]],"bonds":[[0,3]]},{"uid":1,"axon":{"ip":"0.0.0.0"}}]}`)
	f.Add(`{"neurons":[{"uid":1}]}`)
	f.Fuzz(func(t *testing.T, js string) {
		var doc apitypes.Metagraph
		if json.Unmarshal([]byte(js), &doc) != nil {
			return
		}
		s, err := newSnapshot(&doc)
		if err != nil {
			return
		}
		require.Equal(t, len(doc.Neurons), s.N)
		for _, field := range [][]tao.AccountID{s.Hotkeys, s.Coldkeys} {
			require.Len(t, field, s.N)
		}
		require.Len(t, s.Axons, s.N)
		require.Equal(t, !doc.Lite, s.IsFull())
		for uid := range s.N {
			if s.IsFull() {
				require.Len(t, s.WeightsRow(tao.UID(uid)), s.N)
				require.Len(t, s.BondsRow(tao.UID(uid)), s.N)
			}
		}
	})
}
