package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/tao"
)

// LocalURL is the API of a node on this machine (the name "local").
const LocalURL = "http://127.0.0.1:9944"

// ResolveNetwork turns a --network value into the API's base URL: the
// name "local", an http(s) URL, or host:port (meaning http). Other names
// (btcli's "finney", "test") are refused: there is no public gotensor
// network under those names.
func ResolveNetwork(network string) (string, error) {
	switch network {
	case "", "local":
		return LocalURL, nil
	}
	s := network
	if !strings.Contains(s, "://") {
		if !strings.Contains(s, ":") {
			return "", fmt.Errorf("client: unknown network %q: want \"local\", host:port or an http(s) URL of a gotensor node", network)
		}
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("client: network %q: want \"local\" or an http(s) URL of a gotensor node", network)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// Options tune a Client. Zero fields take the defaults.
type Options struct {
	// Timeout bounds each call, retries included (default 10 s).
	Timeout time.Duration
	// CommitTimeout bounds a submission that waits for its block
	// (default 45 s; the node gives up after its own commit_timeout).
	CommitTimeout time.Duration
	// Retries is how often an idempotent call is retried after a
	// connection failure (default 3; negative: never).
	Retries int
	// Transport replaces the shared keep-alive transport (tests, metrics).
	Transport http.RoundTripper
}

// sharedTransport is the one connection pool of the process.
var sharedTransport = &http.Transport{
	Proxy:               http.ProxyFromEnvironment,
	DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	MaxIdleConns:        256,
	MaxIdleConnsPerHost: 256,
	IdleConnTimeout:     90 * time.Second,
	ForceAttemptHTTP2:   true,
}

// Client talks to one node's API. It is safe for concurrent use.
type Client struct {
	base string
	http *http.Client
	opts Options
}

// New returns a client of the node at network ("local" or a URL).
func New(network string, o Options) (*Client, error) {
	base, err := ResolveNetwork(network)
	if err != nil {
		return nil, err
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.CommitTimeout <= 0 {
		o.CommitTimeout = 45 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 3
	}
	rt := o.Transport
	if rt == nil {
		rt = sharedTransport
	}
	// No http.Client.Timeout: each call sets a context deadline, and the
	// event stream must be able to stay open.
	return &Client{base: base, http: &http.Client{Transport: rt}, opts: o}, nil
}

// URL returns the API base URL the client talks to.
func (c *Client) URL() string { return c.base }

// Status returns the node's view of the chain.
func (c *Client) Status(ctx context.Context) (*apitypes.Status, error) {
	var st apitypes.Status
	return &st, c.get(ctx, "/v1/status", &st)
}

// Account returns an account's free balance and nonce in the last
// committed block, and the nonce its next transaction must carry
// (NextNonce: its transactions in the node's mempool included).
func (c *Client) Account(ctx context.Context, id tao.AccountID) (*apitypes.Account, error) {
	var a apitypes.Account
	return &a, c.get(ctx, "/v1/accounts/"+id.String(), &a)
}

// Block returns the committed block at height with its results; height 0
// means the latest.
func (c *Client) Block(ctx context.Context, height int64) (*apitypes.Block, error) {
	h := "latest"
	if height > 0 {
		h = strconv.FormatInt(height, 10)
	}
	var b apitypes.Block
	return &b, c.get(ctx, "/v1/blocks/"+h, &b)
}

// Tx returns a committed transaction and its result by hash. A
// transaction still in the mempool is ErrNotFound.
func (c *Client) Tx(ctx context.Context, hash []byte) (*apitypes.TxResult, error) {
	var r apitypes.TxResult
	return &r, c.get(ctx, "/v1/tx/"+apitypes.Hash(hash).String(), &r)
}

// SubmitTx submits a signed transaction. Without wait it returns once the
// node's CheckTx accepted it (Committed false). With wait it returns the
// block result; a transaction included but failed returns the result and
// an error wrapping its *tx.Error. A rejected transaction returns only the
// error.
func (c *Client) SubmitTx(ctx context.Context, txBytes []byte, wait bool) (*apitypes.SubmitTxResult, error) {
	path, timeout := "/v1/tx", c.opts.Timeout
	if wait {
		path, timeout = "/v1/tx?wait=commit", c.opts.CommitTimeout
	}
	var res apitypes.SubmitTxResult
	err := c.do(ctx, request{method: http.MethodPost, path: path, contentType: "application/octet-stream", body: txBytes, timeout: timeout}, &res)
	if err != nil {
		return nil, err
	}
	if res.Code != 0 {
		return &res, txError(res.Code, res.Log)
	}
	return &res, nil
}

// SubmitTxs submits up to apitypes.MaxBatch signed transactions in one
// request; the node admits them to the mempool in order. The result holds
// one outcome per transaction (code 0: admitted); SubmissionError turns
// a non-zero code into an error. The error is for the request as a
// whole.
func (c *Client) SubmitTxs(ctx context.Context, txs [][]byte) (*apitypes.SubmitTxsResult, error) {
	req := apitypes.SubmitTxsRequest{Txs: make([]string, len(txs))}
	for i, t := range txs {
		req.Txs[i] = base64.StdEncoding.EncodeToString(t)
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	var res apitypes.SubmitTxsResult
	if err := c.do(ctx, request{method: http.MethodPost, path: "/v1/txs", contentType: "application/json", body: body}, &res); err != nil {
		return nil, err
	}
	if len(res.Results) != len(txs) {
		return nil, fmt.Errorf("client: %d outcomes for %d transactions", len(res.Results), len(txs))
	}
	return &res, nil
}

// SubmissionError returns the error of one outcome of SubmitTxs: nil for
// code 0, else a *TxError or *APIError as the single submissions return.
func SubmissionError(s apitypes.TxSubmission) error {
	switch {
	case s.Code == 0:
		return nil
	case s.Code < apitypes.CodeAPIBase:
		return txError(s.Code, s.Log)
	}
	return &APIError{Status: http.StatusOK, Code: s.Code, Message: s.Log}
}

func (c *Client) get(ctx context.Context, path string, out any) error {
	return c.do(ctx, request{method: http.MethodGet, path: path, idempotent: true}, out)
}

// request is one API call.
type request struct {
	method, path, contentType string
	body                      []byte
	idempotent                bool          // safe to send twice
	timeout                   time.Duration // 0: Options.Timeout
	ifNoneMatch               string        // entity tag the caller holds
}

// do runs one API call with a deadline, retrying connection failures with
// backoff: any failure for idempotent calls, only failed dials otherwise.
func (c *Client) do(ctx context.Context, req request, out any) error {
	timeout := req.timeout
	if timeout == 0 {
		timeout = c.opts.Timeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	backoff := 100 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err := c.once(ctx, req, out)
		if err == nil || !retryable(err, req.idempotent) || attempt >= c.opts.Retries || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(backoff):
		}
		backoff *= 2
	}
}

// connError marks a failure to reach the node, as opposed to an answer.
type connError struct {
	err  error
	dial bool // the request never left this process
}

func (e *connError) Error() string { return e.err.Error() }
func (e *connError) Unwrap() error { return e.err }

func retryable(err error, idempotent bool) bool {
	var ce *connError
	if !errors.As(err, &ce) {
		return false
	}
	return idempotent || ce.dial
}

func (c *Client) once(ctx context.Context, r request, out any) error {
	var rd io.Reader
	if r.body != nil {
		rd = bytes.NewReader(r.body)
	}
	method, path := r.method, r.path
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.ifNoneMatch != "" {
		req.Header.Set("If-None-Match", r.ifNoneMatch)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var op *net.OpError
		dial := errors.As(err, &op) && op.Op == "dial"
		return &connError{err: fmt.Errorf("client: %s %s: %w", method, c.base+path, err), dial: dial}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return &connError{err: fmt.Errorf("client: reading %s: %w", path, err)}
	}
	if resp.StatusCode == http.StatusNotModified && r.ifNoneMatch != "" {
		return ErrNotModified
	}
	if resp.StatusCode >= 300 {
		return decodeError(resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("client: decoding %s: %w", path, err)
	}
	return nil
}
