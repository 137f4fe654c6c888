package api

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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
	body, ok := s.readBody(w, r)
	if !ok {
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

// writeBroadcastError writes the answer to a mempool refusal.
func (s *Server) writeBroadcastError(w http.ResponseWriter, r *http.Request, err error) {
	status, e := broadcastError(err)
	if e == nil {
		s.writeInternal(w, r, err)
		return
	}
	writeError(w, status, e)
}

// broadcastError maps the mempool's own refusals (CometBFT, before the app
// sees the tx) to a status and error document; other errors are the
// node's failures (nil document).
func broadcastError(err error) (int, *apitypes.Error) {
	var full mempool.ErrMempoolIsFull
	var large mempool.ErrTxTooLarge
	switch {
	case errors.Is(err, mempool.ErrTxInCache):
		return http.StatusConflict, errorf(apitypes.CodeDuplicateTx, "transaction already submitted")
	case errors.As(err, &full), errors.Is(err, mempool.ErrRecheckFull):
		return http.StatusServiceUnavailable, errorf(apitypes.CodeUnavailable, "mempool is full, retry later")
	case errors.As(err, &large):
		return http.StatusRequestEntityTooLarge, errorf(apitypes.CodeTooLarge,
			"transaction of %d bytes is over the limit of %d", large.Actual, large.Max)
	}
	return 0, nil
}

// parseBatch decodes a POST /v1/txs body: strict JSON, 1 to MaxBatch
// transactions, each base64 or 0x-hex.
func parseBatch(body []byte) ([][]byte, *apitypes.Error) {
	var req apitypes.SubmitTxsRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return nil, errorf(apitypes.CodeBadRequest, "invalid JSON body: %v", err)
	}
	if dec.More() {
		return nil, errorf(apitypes.CodeBadRequest, "invalid JSON body: data after the object")
	}
	if len(req.Txs) == 0 || len(req.Txs) > apitypes.MaxBatch {
		return nil, errorf(apitypes.CodeBadRequest, "a batch holds 1 to %d transactions, not %d", apitypes.MaxBatch, len(req.Txs))
	}
	txs := make([][]byte, len(req.Txs))
	for i, text := range req.Txs {
		b, err := decodeTxText(text)
		if err != nil {
			return nil, errorf(apitypes.CodeBadRequest, "txs[%d]: %v", i, err)
		}
		txs[i] = b
	}
	return txs, nil
}

func (s *Server) handleSubmitTxs(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if m, _, err := mime.ParseMediaType(ct); err != nil || m != "application/json" {
			writeError(w, http.StatusUnsupportedMediaType, errorf(apitypes.CodeBadRequest, "unsupported content type %q: send application/json", ct))
			return
		}
	}
	txs, apiErr := parseBatch(body)
	if apiErr != nil {
		writeError(w, http.StatusBadRequest, apiErr)
		return
	}
	out := apitypes.SubmitTxsResult{Results: make([]apitypes.TxSubmission, len(txs))}
	for i, raw := range txs {
		t := cmttypes.Tx(raw)
		sub := &out.Results[i]
		sub.Hash = t.Hash()
		res, err := s.cons.BroadcastTxSync(r.Context(), t)
		switch {
		case err != nil:
			_, e := broadcastError(err)
			if e == nil {
				s.cfg.Metrics.countSubmit("error")
				s.writeInternal(w, r, fmt.Errorf("txs[%d]: %w", i, err))
				return
			}
			s.cfg.Metrics.countSubmit("rejected")
			sub.Code, sub.Log = e.Code, e.Message
		case res.Code != 0:
			s.cfg.Metrics.countSubmit("rejected")
			sub.Code, sub.Log = res.Code, res.Log
		default:
			s.cfg.Metrics.countSubmit("accepted")
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// readBody reads a request body within the size limit, answering the
// error itself when it fails.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		if errBodyTooLarge(err) {
			writeError(w, http.StatusRequestEntityTooLarge,
				errorf(apitypes.CodeTooLarge, "request body over %d bytes", s.cfg.MaxBodyBytes))
			return nil, false
		}
		writeError(w, http.StatusBadRequest, errorf(apitypes.CodeBadRequest, "reading body: %v", err))
		return nil, false
	}
	return body, true
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
