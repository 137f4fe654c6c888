package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gotensor/gotensor/api/apitypes"
)

// APIError is an error answer of the API other than a transaction code.
type APIError struct {
	Status  int    // HTTP status
	Code    uint32 // apitypes.Code…
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("client: %s (http %d, code %d)", e.Message, e.Status, e.Code)
}

// Is matches the sentinels by code.
func (e *APIError) Is(target error) bool {
	t, ok := target.(*APIError)
	return ok && t.Status == 0 && t.Code == e.Code
}

// Sentinels for errors.Is.
var (
	ErrNotFound    = &APIError{Code: apitypes.CodeNotFound, Message: "not found"}
	ErrTimeout     = &APIError{Code: apitypes.CodeTimeout, Message: "not committed in time"}
	ErrUnavailable = &APIError{Code: apitypes.CodeUnavailable, Message: "node unavailable"}
	ErrDuplicateTx = &APIError{Code: apitypes.CodeDuplicateTx, Message: "transaction already submitted"}
)

// ErrNotModified answers a conditional request (MetagraphSince) whose
// document has not changed.
var ErrNotModified = errors.New("client: not modified")

// decodeError turns an error answer into *APIError or a transaction error.
func decodeError(status int, body []byte) error {
	var e apitypes.Error
	if err := json.Unmarshal(body, &e); err != nil || e.Message == "" {
		msg := strings.TrimSpace(string(body))
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
		if msg == "" {
			msg = http.StatusText(status)
		}
		return &APIError{Status: status, Code: apitypes.CodeInternal, Message: "unexpected answer: " + msg}
	}
	if e.Code != 0 && e.Code < apitypes.CodeAPIBase {
		return txError(e.Code, e.Message)
	}
	return &APIError{Status: status, Code: e.Code, Message: e.Message}
}
