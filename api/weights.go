package api

import (
	"net/http"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/tao"
)

// handleWeights serves a hotkey's weights status on a subnet: the rules,
// the rate limit, the stored row and the unrevealed commits with their
// reveal timing (what `gotensor weights set` waits on).
func (s *Server) handleWeights(w http.ResponseWriter, r *http.Request) {
	hotkey, e := pathAccount(r, "hotkey")
	st, height, n, ok := s.subnetState(w, r, e)
	if !ok {
		return
	}
	v, _ := chain.QueryWeights(st, n, hotkey, tao.BlockHeight(height))
	doc := apitypes.Weights{
		NetUID: uint16(n), Hotkey: hotkey, Block: height, Registered: v.Registered, UID: uint16(v.UID),
		ValidatorPermit: v.ValidatorPermit, CommitReveal: v.CommitReveal, RevealPeriodEpochs: v.RevealPeriodEpochs,
		VersionKey: v.VersionKey, RateLimit: v.RateLimit, MinAllowedWeights: v.MinAllowedWeights, N: v.SubnetN,
		Tempo: v.Tempo, LastUpdate: uint64(v.LastUpdate), NextUpdate: uint64(v.NextUpdate), Epoch: v.Epoch,
		BlocksUntilEpoch: v.BlocksUntilEpoch, Weights: pairs(v.Weights), Commits: []apitypes.WeightCommit{},
	}
	if doc.Weights == nil {
		doc.Weights = [][2]uint16{}
	}
	for _, c := range v.Commits {
		doc.Commits = append(doc.Commits, apitypes.WeightCommit{
			Hash: c.Hash[:], Epoch: c.Epoch, Block: uint64(c.Block), RevealEpoch: c.RevealEpoch,
			State: c.State, BlocksUntilReveal: c.BlocksUntilReveal,
		})
	}
	writeJSON(w, http.StatusOK, doc)
}
