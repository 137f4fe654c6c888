package api

import (
	"net/http"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/tao"
)

// handleEpochInput serves the input the subnet's epoch would read if it
// ran in the next block (chain.PreviewEpochInput), in the format of
// `gotensor yuma epoch --input`.
func (s *Server) handleEpochInput(w http.ResponseWriter, r *http.Request) {
	st, height, n, ok := s.subnetState(w, r, nil)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, epochInputDoc(chain.PreviewEpochInput(st, n, tao.BlockHeight(height+1))))
}

func epochInputDoc(in yuma.Input) apitypes.EpochInput {
	p := in.Params
	doc := apitypes.EpochInput{
		Block: in.Block, LastTempo: in.LastTempo, Emission: in.Emission,
		Hyperparameters: apitypes.EpochHyperparams{
			Kappa: p.Kappa, BondsPenalty: p.BondsPenalty, BondsMovingAverage: p.BondsMovingAverage,
			Yuma3: p.Yuma3, LiquidAlpha: p.LiquidAlpha, AlphaLow: p.AlphaLow, AlphaHigh: p.AlphaHigh,
			AlphaSigmoidSteepness: p.AlphaSigmoidSteepness, MaxAllowedValidators: p.MaxAllowedValidators,
			ActivityCutoff: p.ActivityCutoff, StakeThreshold: p.StakeThreshold, CommitReveal: p.CommitReveal,
		},
		Neurons: make([]apitypes.EpochNeuron, len(in.Neurons)),
	}
	if in.HasOwner {
		uid := in.OwnerUID
		doc.OwnerUID = &uid
	}
	n := len(in.Neurons)
	for i, nr := range in.Neurons {
		en := apitypes.EpochNeuron{
			UID: uint16(i), Stake: apitypes.StakeWeight(nr.Stake.String()),
			RegisteredAt: nr.RegisteredAt, LastUpdate: nr.LastUpdate, ValidatorPermit: nr.ValidatorPermit,
			Weights: epochRow(nr.Weights, n), Bonds: epochRow(nr.Bonds, n),
		}
		if p.CommitReveal && nr.CommitBlock != yuma.NoCommit {
			cb := nr.CommitBlock
			en.CommitBlock = &cb
		}
		doc.Neurons[i] = en
	}
	return doc
}

// epochRow writes a stored row as [uid, value] pairs. Entries towards uids
// the subnet no longer has are left out: the epoch ignores them, and the
// epoch-io format refuses them.
func epochRow(row []yuma.Entry, n int) [][2]uint16 {
	out := make([][2]uint16, 0, len(row))
	for _, e := range row {
		if int(e.UID) < n {
			out = append(out, [2]uint16{e.UID, e.Value})
		}
	}
	return out
}
