package chain

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
)

func TestPersistEpoch_RoundTrip(t *testing.T) {
	s := NewState(store.OpenMemory())
	require.Empty(t, s.Incentive(1), "no epoch yet")
	require.Empty(t, s.BondsRow(1, 0))
	out := []yuma.Result{
		{Active: true, ValidatorPermit: true, StakeWeight: 65535, Dividends: 65535, ValidatorTrust: 40000,
			ValidatorEmission: 500, Emission: 500, Bonds: []yuma.Entry{{UID: 1, Value: 30000}, {UID: 2, Value: 7}}},
		{Active: true, Consensus: 65535, Incentive: 60000, ServerEmission: 400, Emission: 400},
		{Incentive: 5535, Emission: 1 << 40, Bonds: []yuma.Entry{{UID: 0, Value: 1}}}, // no permit: row dropped
	}
	s.persistEpoch(1, out)
	require.Equal(t, []bool{true, true, false}, s.Active(1))
	require.Equal(t, []bool{true, false, false}, s.ValidatorPermit(1))
	require.Equal(t, []uint16{65535, 0, 0}, s.StakeWeight(1))
	require.Equal(t, []uint16{0, 65535, 0}, s.Consensus(1))
	require.Equal(t, []uint16{0, 60000, 5535}, s.Incentive(1))
	require.Equal(t, []uint16{65535, 0, 0}, s.Dividends(1))
	require.Equal(t, []uint16{40000, 0, 0}, s.ValidatorTrust(1))
	require.Equal(t, []tao.Rao{500, 400, 1 << 40}, s.Emission(1))
	require.Equal(t, out[0].Bonds, s.BondsRow(1, 0))
	require.Empty(t, s.BondsRow(1, 2))
	require.Empty(t, s.Incentive(2), "other subnets untouched")

	s.resetEpochOutputs(1, 0)
	require.Equal(t, []bool{false, true, false}, s.Active(1))
	require.Equal(t, []bool{false, false, false}, s.ValidatorPermit(1))
	require.Equal(t, []uint16{0, 60000, 5535}, s.Incentive(1))
	require.Equal(t, []tao.Rao{0, 400, 1 << 40}, s.Emission(1))
	require.Empty(t, s.BondsRow(1, 0))
	s.resetEpochOutputs(1, 9) // beyond the vectors: nothing to clear
	require.Len(t, s.Consensus(1), 3)

	s.persistEpoch(2, out)
	s.persistEpoch(3, out)
	s.persistEpoch(3, out[1:2]) // the subnet shrank to one uid: uid 0's old row would be stale
	require.Empty(t, s.BondsRow(3, 0))
	s.persistEpoch(3, out[:1])
	require.Equal(t, out[0].Bonds, s.BondsRow(3, 0))
	s.persistEpoch(3, nil)
	require.Empty(t, s.BondsRow(3, 0), "an empty subnet keeps no rows")
	s.removeEpochOutputs(1)
	require.Empty(t, s.Emission(1))
	require.Equal(t, []tao.Rao{500, 400, 1 << 40}, s.Emission(2))
	require.Equal(t, out[0].Bonds, s.BondsRow(2, 0))
}
