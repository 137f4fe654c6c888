package api

import (
	"net/http"

	"github.com/gotensor/gotensor/api/apitypes"
)

// maxValidatorsShown bounds the validator list in GET /v1/status.
const maxValidatorsShown = 100

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, err := s.cons.Status(ctx)
	if err != nil {
		s.writeInternal(w, r, err)
		return
	}
	info, err := s.chain.Info()
	if err != nil {
		s.writeInternal(w, r, err)
		return
	}
	sync := st.SyncInfo
	doc := apitypes.Status{
		ChainID:            st.NodeInfo.Network,
		GenesisHash:        info.GenesisHash,
		Height:             sync.LatestBlockHeight,
		LatestBlockTime:    sync.LatestBlockTime,
		LatestBlockHash:    apitypes.Hash(sync.LatestBlockHash),
		AppHash:            apitypes.Hash(sync.LatestAppHash),
		CatchingUp:         sync.CatchingUp,
		TotalIssuance:      info.TotalIssuance,
		BlockEmission:      info.BlockEmission,
		BlocksUntilHalving: info.BlocksUntilHalving,
		NextHalvingAt:      info.NextHalving,
		TxFee:              info.TxFee,
		ExistentialDeposit: info.ExistentialDeposit,
		NodeID:             string(st.NodeInfo.DefaultNodeID),
		Validators:         []apitypes.Validator{},
	}
	perPage := maxValidatorsShown
	if vals, err := s.cons.Validators(ctx, nil, nil, &perPage); err == nil {
		for _, v := range vals.Validators {
			doc.Validators = append(doc.Validators, apitypes.Validator{
				Address: apitypes.Hash(v.Address), VotingPower: v.VotingPower,
			})
		}
	}
	writeJSON(w, http.StatusOK, doc)
}
