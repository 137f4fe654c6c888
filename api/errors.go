package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gotensor/gotensor/api/apitypes"
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
	s.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, errorf(apitypes.CodeInternal, "internal error: %v", err))
}

// txStatus is the HTTP status of a transaction rejected (CheckTx) or
// failed with the chain's code. The classes follow the code ranges of the
// catalogue in package tx: 1–99 are pipeline checks (a malformed or
// unauthorised transaction: 400, except the nonce, which is a conflict
// with the account's state), 100 and up are the calls' own checks against
// state (422: well-formed but not applicable now).
func txStatus(code uint32) int {
	switch {
	case code == 0:
		return http.StatusOK
	case code < 100:
		return http.StatusBadRequest
	default:
		return http.StatusUnprocessableEntity
	}
}

// errBodyTooLarge reports whether err came from http.MaxBytesReader.
func errBodyTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
