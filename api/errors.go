package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/tx"
)

// Fixed error answers. Handlers add detail with errorf.
var (
	errBadMethod = &apitypes.Error{Code: apitypes.CodeBadMethod, Message: "method not allowed on this path"}
	errNoRoute   = &apitypes.Error{Code: apitypes.CodeNotFound, Message: "no such endpoint; see docs/api.md"}
)

// errorf builds an error answer with a formatted message.
func errorf(code uint32, format string, args ...any) *apitypes.Error {
	return &apitypes.Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// writeJSON writes v with status. Encoding errors can only come from a
// closed connection by then, so there is nothing left to report them to.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError writes e as the JSON error document with status.
func writeError(w http.ResponseWriter, status int, e *apitypes.Error) {
	writeJSON(w, status, e)
}

// writeInternal reports a node-side failure without leaking its detail
// beyond one line.
func (s *Server) writeInternal(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ErrNotReady) {
		writeError(w, http.StatusServiceUnavailable, errorf(apitypes.CodeUnavailable, "%v", err))
		return
	}
	s.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, errorf(apitypes.CodeInternal, "internal error: %v", err))
}

// txStatus is the HTTP status of a transaction rejected by CheckTx or
// failed in its block, by the code's meaning in package tx's catalogue:
// a transaction that is malformed or not authorised is a bad request; a
// nonce out of order conflicts with the account's state; a well-formed
// call that the state does not allow now (balances, subnets, stake,
// weights: codes from 100 up, and an unaffordable fee) is unprocessable.
func txStatus(code uint32) int {
	switch {
	case code == 0:
		return http.StatusOK
	case code == tx.ErrTooLarge.Code:
		return http.StatusRequestEntityTooLarge
	case code == tx.ErrNotReady.Code:
		return http.StatusServiceUnavailable
	case code == tx.ErrNonceTooLow.Code, code == tx.ErrNonceTooHigh.Code:
		return http.StatusConflict
	case code == tx.ErrFeeUnaffordable.Code, code == tx.ErrBadOrigin.Code, code >= 100:
		return http.StatusUnprocessableEntity
	default:
		return http.StatusBadRequest
	}
}

// errBodyTooLarge reports whether err came from http.MaxBytesReader.
func errBodyTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
