package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gotensor/gotensor/api/apitypes"
)

func (s *Server) handleBlock(w http.ResponseWriter, r *http.Request) {
	var height *int64
	if p := r.PathValue("height"); p != "latest" {
		h, err := parseHeight(p)
		if err != nil {
			writeError(w, http.StatusBadRequest, errorf(apitypes.CodeBadHeight, "%v", err))
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

// parseHeight parses a positive decimal block height.
func parseHeight(s string) (int64, error) {
	h, err := strconv.ParseInt(s, 10, 64)
	if err != nil || h <= 0 {
		return 0, fmt.Errorf("invalid height %q: want a positive integer or \"latest\"", s)
	}
	return h, nil
}

// loadBlock reads a committed block (nil height: the latest) with its
// results. On failure it returns the status and error document to send.
func (s *Server) loadBlock(ctx context.Context, height *int64) (apitypes.Block, int, *apitypes.Error) {
	b, err := s.cons.Block(ctx, height)
	if err != nil || b.Block == nil {
		status, apiErr := s.missingBlock(ctx, height, err)
		return apitypes.Block{}, status, apiErr
	}
	h := b.Block.Height
	res, err := s.cons.BlockResults(ctx, &h)
	if err != nil {
		return apitypes.Block{}, http.StatusInternalServerError,
			errorf(apitypes.CodeInternal, "results of block %d: %v", h, err)
	}
	return blockDoc(b.Block, b.BlockID.Hash, res.TxsResults, res.FinalizeBlockEvents), http.StatusOK, nil
}

// missingBlock explains why a block could not be read: not produced yet,
// pruned, or a node failure.
func (s *Server) missingBlock(ctx context.Context, height *int64, cause error) (int, *apitypes.Error) {
	st, err := s.cons.Status(ctx)
	switch {
	case err != nil || height == nil:
		return http.StatusInternalServerError, errorf(apitypes.CodeInternal, "reading block: %v", cause)
	case *height > st.SyncInfo.LatestBlockHeight:
		return http.StatusNotFound, errorf(apitypes.CodeFutureHeight,
			"block %d is not committed yet (latest is %d)", *height, st.SyncInfo.LatestBlockHeight)
	case *height < st.SyncInfo.EarliestBlockHeight:
		return http.StatusNotFound, errorf(apitypes.CodeNotFound,
			"block %d is pruned on this node (earliest is %d)", *height, st.SyncInfo.EarliestBlockHeight)
	default:
		return http.StatusInternalServerError, errorf(apitypes.CodeInternal, "reading block %d: %v", *height, cause)
	}
}
