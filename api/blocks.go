package api

import (
	"context"
	"net/http"

	"github.com/gotensor/gotensor/api/apitypes"
)

func (s *Server) handleBlock(w http.ResponseWriter, r *http.Request) {
	var height *int64
	if p := r.PathValue("height"); p != "latest" {
		h, ok := parseHeight(p)
		if !ok {
			writeError(w, http.StatusBadRequest, errorf(apitypes.CodeBadHeight, `invalid height %q: want a block height (1 or more) or "latest"`, p))
			return
		}
		height = &h
	}
	doc, status, apiErr := s.loadBlock(r.Context(), height)
	if apiErr != nil {
		if status == http.StatusInternalServerError {
			s.log.Error("api block lookup failed", "path", r.URL.Path, "err", apiErr.Message)
		}
		writeError(w, status, apiErr)
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

// loadBlock reads a committed block (nil height: the latest) with its
// results. On failure it returns the status and error document to send.
// "Committed" means committed by the app: CometBFT stores a block before
// executing it, and that block has no results yet.
func (s *Server) loadBlock(ctx context.Context, height *int64) (apitypes.Block, int, *apitypes.Error) {
	committed, err := s.committedHeight()
	if err != nil {
		return apitypes.Block{}, http.StatusServiceUnavailable, errorf(apitypes.CodeUnavailable, "%v", err)
	}
	if height == nil {
		height = &committed
	}
	if *height > committed {
		return apitypes.Block{}, http.StatusNotFound, errorf(apitypes.CodeFutureHeight,
			"block %d is not committed yet (latest is %d)", *height, committed)
	}
	b, err := s.cons.Block(ctx, height)
	if err != nil || b.Block == nil {
		status, apiErr := s.missingBlock(ctx, *height, err)
		return apitypes.Block{}, status, apiErr
	}
	res, err := s.cons.BlockResults(ctx, height)
	if err != nil {
		return apitypes.Block{}, http.StatusInternalServerError,
			errorf(apitypes.CodeInternal, "results of block %d: %v", *height, err)
	}
	return blockDoc(b.Block, b.BlockID.Hash, res.TxsResults, res.FinalizeBlockEvents), http.StatusOK, nil
}

// committedHeight is the height of the last block the app committed.
func (s *Server) committedHeight() (int64, error) {
	info, err := s.chain.Info()
	if err != nil {
		return 0, err
	}
	return info.Height, nil
}

// missingBlock explains why a committed height has no block: pruned, or a
// node failure.
func (s *Server) missingBlock(ctx context.Context, height int64, cause error) (int, *apitypes.Error) {
	st, err := s.cons.Status(ctx)
	if err == nil && height < st.SyncInfo.EarliestBlockHeight {
		return http.StatusNotFound, errorf(apitypes.CodeNotFound,
			"block %d is pruned on this node (earliest is %d)", height, st.SyncInfo.EarliestBlockHeight)
	}
	return http.StatusInternalServerError, errorf(apitypes.CodeInternal, "reading block %d: %v", height, cause)
}
