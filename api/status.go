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
	// Every figure describes the block the app last committed. CometBFT's
	// block store runs ahead of it while a block executes, so its latest
	// height is not used.
	sync := st.SyncInfo
	doc := apitypes.Status{
		ChainID:            st.NodeInfo.Network,
		GenesisHash:        info.GenesisHash,
		Height:             info.Height,
		AppHash:            apitypes.Hash(info.AppHash),
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
	if info.Height > 0 {
		h := info.Height
		hdr, err := s.cons.Header(ctx, &h)
		if err != nil {
			s.writeInternal(w, r, err)
			return
		}
		doc.LatestBlockHash = apitypes.Hash(hdr.Header.Hash())
		doc.LatestBlockTime = hdr.Header.Time
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
