package api

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/cometbft/cometbft/mempool"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/gotensor/gotensor/api/apitypes"
)

// parseTxBody extracts the raw transaction from a POST /v1/tx body: the
// bytes themselves for application/octet-stream, or a JSON SubmitTxRequest
// (base64 or 0x-hex) for application/json or no content type. On failure
// it returns the HTTP status and error document to send.
func parseTxBody(contentType string, body []byte) ([]byte, int, *apitypes.Error) {
	media := "application/json"
	if contentType != "" {
		m, _, err := mime.ParseMediaType(contentType)
		if err != nil {
			return nil, http.StatusUnsupportedMediaType, errorf(apitypes.CodeBadRequest, "invalid content type %q", contentType)
		}
		media = m
	}
	switch media {
	case "application/octet-stream":
		if len(body) == 0 {
			return nil, http.StatusBadRequest, errorf(apitypes.CodeBadRequest, "empty transaction")
		}
		return body, 0, nil
	case "application/json":
		var req apitypes.SubmitTxRequest
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			return nil, http.StatusBadRequest, errorf(apitypes.CodeBadRequest, "invalid JSON body: %v", err)
		}
		if dec.More() {
			return nil, http.StatusBadRequest, errorf(apitypes.CodeBadRequest, "invalid JSON body: data after the object")
		}
		tx, err := decodeTxText(req.Tx)
		if err != nil {
			return nil, http.StatusBadRequest, errorf(apitypes.CodeBadRequest, "%v", err)
		}
		return tx, 0, nil
	default:
		return nil, http.StatusUnsupportedMediaType, errorf(apitypes.CodeBadRequest,
			"unsupported content type %q: send application/octet-stream or application/json", media)
	}
}

var errTxText = errors.New(`"tx" must be base64 or 0x-prefixed hex of the signed transaction`)

// decodeTxText decodes the "tx" field: 0x-prefixed hex, or standard base64
// (padded or not).
func decodeTxText(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New(`missing "tx"`)
	}
	var b []byte
	var err error
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		b, err = hex.DecodeString(s[2:])
	} else {
		b, err = base64.StdEncoding.DecodeString(s)
		if err != nil {
			b, err = base64.RawStdEncoding.DecodeString(s)
		}
	}
	if err != nil || len(b) == 0 {
		return nil, errTxText
	}
	return b, nil
}

func (s *Server) handleSubmitTx(w http.ResponseWriter, r *http.Request) {
	wait := r.URL.Query().Get("wait")
	if wait != "" && wait != "commit" && wait != "none" {
		writeError(w, http.StatusBadRequest, errorf(apitypes.CodeBadRequest, "invalid wait=%q: want commit or none", wait))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		if errBodyTooLarge(err) {
			writeError(w, http.StatusRequestEntityTooLarge,
				errorf(apitypes.CodeTooLarge, "request body over %d bytes", s.cfg.MaxBodyBytes))
			return
		}
		writeError(w, http.StatusBadRequest, errorf(apitypes.CodeBadRequest, "reading body: %v", err))
		return
	}
	raw, status, apiErr := parseTxBody(r.Header.Get("Content-Type"), body)
	if apiErr != nil {
		writeError(w, status, apiErr)
		return
	}
	tx := cmttypes.Tx(raw)
	hash := tx.Hash()

	var done <-chan apitypes.TxResult
	if wait == "commit" {
		var cancel func()
		done, cancel = s.waiters.add(hash)
		defer cancel()
	}
	res, err := s.cons.BroadcastTxSync(r.Context(), tx)
	if err != nil {
		s.cfg.Metrics.countSubmit("error")
		s.writeBroadcastError(w, r, err)
		return
	}
	if res.Code != 0 {
		s.cfg.Metrics.countSubmit("rejected")
		writeError(w, txStatus(res.Code), &apitypes.Error{Code: res.Code, Message: res.Log})
		return
	}
	s.cfg.Metrics.countSubmit("accepted")
	if done == nil {
		writeJSON(w, http.StatusAccepted, apitypes.SubmitTxResult{Hash: hash})
		return
	}
	timer := time.NewTimer(s.cfg.CommitTimeout)
	defer timer.Stop()
	select {
	case out, ok := <-done:
		if !ok {
			writeError(w, http.StatusServiceUnavailable, errorf(apitypes.CodeUnavailable, "node shutting down"))
			return
		}
		writeJSON(w, http.StatusOK, apitypes.SubmitTxResult{
			Hash: hash, Committed: true, Height: out.Height, Index: out.Index,
			Code: out.Code, Log: out.Log, Events: out.Events,
		})
	case <-timer.C:
		writeError(w, http.StatusGatewayTimeout, errorf(apitypes.CodeTimeout,
			"transaction %s is in the mempool but was not committed within %s; look it up with GET /v1/tx/%s",
			apitypes.Hash(hash), s.cfg.CommitTimeout, apitypes.Hash(hash)))
	case <-r.Context().Done():
	}
}

// writeBroadcastError maps the mempool's own refusals (CometBFT, before
// the app sees the tx) to statuses.
func (s *Server) writeBroadcastError(w http.ResponseWriter, r *http.Request, err error) {
	var full mempool.ErrMempoolIsFull
	var large mempool.ErrTxTooLarge
	switch {
	case errors.Is(err, mempool.ErrTxInCache):
		writeError(w, http.StatusConflict, errorf(apitypes.CodeDuplicateTx, "transaction already submitted"))
	case errors.As(err, &full), errors.Is(err, mempool.ErrRecheckFull):
		writeError(w, http.StatusServiceUnavailable, errorf(apitypes.CodeUnavailable, "mempool is full, retry later"))
	case errors.As(err, &large):
		writeError(w, http.StatusRequestEntityTooLarge, errorf(apitypes.CodeTooLarge,
			"transaction of %d bytes is over the limit of %d", large.Actual, large.Max))
	default:
		s.writeInternal(w, r, err)
	}
}

func (s *Server) handleTx(w http.ResponseWriter, r *http.Request) {
	hash, err := apitypes.ParseHash(r.PathValue("hash"))
	if err != nil || len(hash) != 32 {
		writeError(w, http.StatusBadRequest, errorf(apitypes.CodeBadHash,
			"invalid transaction hash %q: want 32 bytes of hex", r.PathValue("hash")))
		return
	}
	res, err := s.cons.Tx(r.Context(), hash, false)
	switch {
	case err != nil && strings.Contains(err.Error(), "not found"):
		writeError(w, http.StatusNotFound, errorf(apitypes.CodeNotFound,
			"transaction %s is not in a committed block (it may still be in the mempool)", hash))
	case err != nil && strings.Contains(err.Error(), "indexing is disabled"):
		writeError(w, http.StatusServiceUnavailable, errorf(apitypes.CodeUnavailable, "this node does not index transactions"))
	case err != nil:
		s.writeInternal(w, r, err)
	default:
		doc := txResultDoc(res.Hash, res.Height, res.Index, &res.TxResult)
		doc.Tx = res.Tx
		writeJSON(w, http.StatusOK, doc)
	}
}
