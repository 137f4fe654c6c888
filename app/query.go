package app

import (
	"context"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"

	"github.com/gotensor/gotensor/store"
)

// Query paths.
const (
	// QueryStoreKey reads the raw value at the store key in Data, in the
	// state after block Height (0: the latest), with an ICS23 proof
	// (ProofOps, type ProofOpICS23) when Prove is set, against the app hash
	// of the header at Height+1. Typed reads go through the HTTP API.
	QueryStoreKey = "/store/key"
	// ProofOpICS23 is the type of the proof operation QueryStoreKey
	// returns: an encoded ics23.CommitmentProof against the app hash.
	ProofOpICS23 = "ics23:iavl"
)

// Query codes (ResponseQuery.Code); they are not transaction codes.
const (
	queryCodeUnknownPath = 1
	queryCodeBadRequest  = 2
	queryCodeNoVersion   = 3
)

// Query answers reads of committed state.
func (a *App) Query(_ context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error) {
	if req.Path != QueryStoreKey {
		return &abci.ResponseQuery{Code: queryCodeUnknownPath, Log: fmt.Sprintf("unknown query path %q; known: %s", req.Path, QueryStoreKey)}, nil
	}
	if len(req.Data) == 0 {
		return &abci.ResponseQuery{Code: queryCodeBadRequest, Log: "empty key"}, nil
	}
	var v *store.View
	if req.Height == 0 {
		v = a.store.Latest()
		if v == nil {
			return &abci.ResponseQuery{Code: queryCodeNoVersion, Log: "no state yet: InitChain has not run"}, nil
		}
	} else {
		var err error
		if v, err = a.store.View(versionOf(req.Height)); err != nil {
			return &abci.ResponseQuery{Code: queryCodeNoVersion, Log: err.Error()}, nil
		}
	}
	res := &abci.ResponseQuery{Key: req.Data, Height: heightOf(v.Version())}
	if !req.Prove {
		res.Value = v.Get(req.Data)
		return res, nil
	}
	value, proof, err := v.GetWithProof(req.Data)
	if err != nil {
		return &abci.ResponseQuery{Code: queryCodeBadRequest, Log: err.Error()}, nil
	}
	pb, err := proof.Marshal()
	if err != nil {
		return nil, fmt.Errorf("app: encoding a proof: %w", err)
	}
	res.Value = value
	res.ProofOps = &cmtcrypto.ProofOps{Ops: []cmtcrypto.ProofOp{{Type: ProofOpICS23, Key: req.Data, Data: pb}}}
	return res, nil
}
