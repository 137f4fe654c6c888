package chain

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/tao"
)

func TestWeightsRow_RoundTrip(t *testing.T) {
	s := newTestState(t)
	require.Empty(t, s.WeightsRow(1, 0), "never set")
	row := []yuma.Entry{{UID: 3, Value: 65535}, {UID: 0, Value: 0}, {UID: 700, Value: 12}}
	s.setWeightsRow(1, 2, row)
	require.Equal(t, row, s.WeightsRow(1, 2), "order and zeros kept")
	require.Empty(t, s.WeightsRow(1, 3))
	require.Empty(t, s.WeightsRow(2, 2))
	s.setWeightsRow(1, 2, nil)
	require.Nil(t, s.kv.Get(weightsKey(1, 2)), "an empty row is deleted")
}

func TestLastUpdate_PaddedToSubnetN(t *testing.T) {
	s := newTestState(t)
	require.Empty(t, s.LastUpdate(1))
	for i := range 3 {
		s.appendNeuron(1, acct(byte(10+i)), Block{Height: 5})
	}
	s.kv.Delete(keyNet(prefixLastUpdate, 1))
	require.Equal(t, []tao.BlockHeight{0, 0, 0}, s.LastUpdate(1), "padded with zeros as subtensor's get_last_update")
	s.setLastUpdate(1, 1, 42)
	require.Equal(t, []tao.BlockHeight{0, 42, 0}, s.LastUpdate(1))
	s.setLastUpdate(1, 5, 7) // beyond SubnetN: grows, never truncates
	require.Equal(t, []tao.BlockHeight{0, 42, 0, 0, 0, 7}, s.LastUpdate(1))
}

func TestEarliestCommitBlocks_SkipsExpiredAndUnregistered(t *testing.T) {
	s := newTestState(t)
	hk := []tao.AccountID{acct(10), acct(11), acct(12)}
	for _, h := range hk {
		s.appendNeuron(1, h, Block{Height: 1})
	}
	sc := s.Schedule(1)
	sc.EpochIndex = 5
	s.setSchedule(1, sc) // reveal period 1: commits of epoch 3 have expired
	s.setWeightCommits(1, hk[0], []WeightCommit{{Epoch: 3, Block: 100}, {Epoch: 4, Block: 200}, {Epoch: 5, Block: 150}})
	s.setWeightCommits(1, hk[2], []WeightCommit{{Epoch: 3, Block: 90}})
	s.setWeightCommits(1, acct(99), []WeightCommit{{Epoch: 5, Block: 1}}) // not registered
	s.setWeightCommits(2, hk[1], []WeightCommit{{Epoch: 5, Block: 1}})    // other subnet
	require.Equal(t, []uint64{200, yuma.NoCommit, yuma.NoCommit}, s.EarliestCommitBlocks(1),
		"the first unexpired commit counts, as subtensor's loop breaks there")
}

func TestWeightCommits_RoundTrip(t *testing.T) {
	s := newTestState(t)
	cs := []WeightCommit{{Hash: [32]byte{1}, Epoch: 2, Block: 3}, {Hash: [32]byte{4}, Epoch: 5, Block: 6}}
	s.setWeightCommits(1, acct(1), cs)
	require.Equal(t, cs, s.WeightCommits(1, acct(1)))
	s.setWeightCommits(1, acct(1), nil)
	require.Nil(t, s.kv.Get(weightCommitsKey(1, acct(1))))
}

func TestResetNeuronWeights(t *testing.T) {
	s := newTestState(t)
	for i := range 3 {
		s.appendNeuron(1, acct(byte(10+i)), Block{Height: 1})
	}
	s.setWeightsRow(1, 0, []yuma.Entry{{UID: 1, Value: 65535}, {UID: 2, Value: 100}})
	s.setWeightsRow(1, 1, []yuma.Entry{{UID: 0, Value: 65535}})
	s.setWeightsRow(1, 2, []yuma.Entry{{UID: 0, Value: 3}, {UID: 1, Value: 65535}})
	s.setWeightsRow(2, 0, []yuma.Entry{{UID: 1, Value: 65535}}) // other subnet
	s.setLastUpdate(1, 1, 50)

	s.resetNeuronWeights(1, 1, Block{Height: 77})
	require.Equal(t, []yuma.Entry{{UID: 1, Value: 0}, {UID: 2, Value: 100}}, s.WeightsRow(1, 0))
	require.Empty(t, s.WeightsRow(1, 1), "its own row is cleared")
	require.Equal(t, []yuma.Entry{{UID: 0, Value: 3}, {UID: 1, Value: 0}}, s.WeightsRow(1, 2))
	require.Equal(t, []yuma.Entry{{UID: 1, Value: 65535}}, s.WeightsRow(2, 0))
	require.Equal(t, tao.BlockHeight(77), s.LastUpdate(1)[1])

	s.setWeightCommits(1, acct(10), []WeightCommit{{Epoch: 1}})
	s.removeWeights(1)
	require.Empty(t, s.WeightsRow(1, 0))
	require.Empty(t, s.WeightCommits(1, acct(10)))
	s.kv.Delete(subnetKey(prefixSubnetN, 1))
	require.Empty(t, s.LastUpdate(1))
	require.Equal(t, []yuma.Entry{{UID: 1, Value: 65535}}, s.WeightsRow(2, 0))
}
