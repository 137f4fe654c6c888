package api_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/mempool"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/api"
	"github.com/gotensor/gotensor/api/apitest"
	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

func newTestServer(t *testing.T, cfg api.Config) (*api.Server, *apitest.Consensus, *apitest.Chain, *httptest.Server) {
	t.Helper()
	cons := apitest.NewConsensus("test-chain")
	chain := apitest.NewChain()
	s := api.New(cfg, chain, cons)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		_ = s.Shutdown(context.Background())
		ts.Close()
	})
	return s, cons, chain, ts
}

// call sends a request and decodes the JSON answer into out (if not nil).
func call(t *testing.T, method, url, contentType, body string, out any) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"), string(b))
	if out != nil {
		require.NoError(t, json.Unmarshal(b, out), string(b))
	}
	return resp
}

// txs builds a block's transaction list.
func txs(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

var transferEvent = &abci.ExecTxResult{Events: []abci.Event{{
	Type: "transfer", Attributes: []abci.EventAttribute{{Key: "amount", Value: "5"}},
}}}

const alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"

func TestStatus(t *testing.T) {
	_, cons, chain, ts := newTestServer(t, api.Config{})
	b1, _ := cons.AddBlock(nil, nil)
	cons.AddBlock(nil, nil) // the block store may run ahead of the app's commit
	halving := uint64(42)
	chain.SetInfo(api.ChainInfo{
		AppHash:     []byte{0xaa},
		GenesisHash: make([]byte, 32), TotalIssuance: 5_000, BlockEmission: 1_000_000_000,
		BlocksUntilHalving: &halving, TxFee: 100_000, ExistentialDeposit: 500,
	})
	chain.SetHeight(1)
	var st apitypes.Status
	resp := call(t, "GET", ts.URL+"/v1/status", "", "", &st)
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "test-chain", st.ChainID)
	require.Equal(t, int64(1), st.Height, "the app's last commit, not the block store's")
	require.Equal(t, apitypes.Hash(b1.Header.Hash()), st.LatestBlockHash)
	require.Equal(t, b1.Time, st.LatestBlockTime)
	require.Equal(t, apitypes.Hash{0xaa}, st.AppHash)
	require.Equal(t, tao.Rao(5_000), st.TotalIssuance)
	require.Equal(t, tao.Rao(1_000_000_000), st.BlockEmission)
	require.Equal(t, uint64(42), *st.BlocksUntilHalving)
	require.Equal(t, tao.Rao(100_000), st.TxFee)
	require.Equal(t, tao.Rao(500), st.ExistentialDeposit)
	require.Len(t, st.GenesisHash, 32)
	require.Len(t, st.Validators, 1)
}

func TestAccount(t *testing.T) {
	_, _, chain, ts := newTestServer(t, api.Config{})
	id, err := tao.ParseAccountID(alice)
	require.NoError(t, err)
	chain.SetAccount(id, 1_500_000_000, 3)
	chain.SetNextNonce(id, 5) // two transactions in the mempool
	chain.SetHeight(7)

	for _, addr := range []string{alice, id.Hex()} {
		var a apitypes.Account
		resp := call(t, "GET", ts.URL+"/v1/accounts/"+addr, "", "", &a)
		require.Equal(t, 200, resp.StatusCode)
		require.Equal(t, apitypes.Account{Address: id, Free: 1_500_000_000, Nonce: 3, NextNonce: 5, Height: 7}, a)
	}
	// Amounts are integers in rao and the address is SS58.
	resp, err := http.Get(ts.URL + "/v1/accounts/" + alice)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.JSONEq(t, `{"address":"`+alice+`","free":1500000000,"nonce":3,"next_nonce":5,"height":7}`, string(b))
}

// TestBadRequests checks every malformed-request path: a 4xx status and
// a JSON error document with the right code, whose message names the value
// at fault in the API's words (no parser's, no HTML).
func TestBadRequests(t *testing.T) {
	_, cons, chain, ts := newTestServer(t, api.Config{MaxBodyBytes: 1024})
	cons.AddBlock(txs("a=1"), nil)
	chain.SetHeight(1)
	quote := "/v1/pools/1/quote?side=buy&amount=5"
	for _, c := range []struct {
		name, method, path, ctype, body string
		status                          int
		code                            uint32
	}{
		// Path values and query parameters of every route, parsed strictly.
		{"height with a sign", "GET", "/v1/blocks/+5", "", "", 400, apitypes.CodeBadHeight},
		{"height with a leading zero", "GET", "/v1/blocks/01", "", "", 400, apitypes.CodeBadHeight},
		{"height with a space", "GET", "/v1/blocks/%205", "", "", 400, apitypes.CodeBadHeight},
		{"address with a space", "GET", "/v1/accounts/%20" + alice, "", "", 400, apitypes.CodeBadAddress},
		{"stakes of a bad address", "GET", "/v1/accounts/bob/stakes", "", "", 400, apitypes.CodeBadAddress},
		{"delegate with a bad address", "GET", "/v1/delegates/0x12", "", "", 400, apitypes.CodeBadAddress},
		{"netuid not a number", "GET", "/v1/subnets/x", "", "", 400, apitypes.CodeBadRequest},
		{"netuid with a sign", "GET", "/v1/subnets/+1/metagraph", "", "", 400, apitypes.CodeBadRequest},
		{"netuid too large", "GET", "/v1/subnets/65536/hyperparameters", "", "", 400, apitypes.CodeBadRequest},
		{"netuid of epoch input", "GET", "/v1/subnets/-1/epoch-input", "", "", 400, apitypes.CodeBadRequest},
		{"lite not a boolean", "GET", "/v1/subnets/1/metagraph?lite=maybe", "", "", 400, apitypes.CodeBadRequest},
		{"lite as a number", "GET", "/v1/subnets/1/metagraph?lite=1", "", "", 400, apitypes.CodeBadRequest},
		{"weights of a bad hotkey", "GET", "/v1/subnets/1/weights/bob", "", "", 400, apitypes.CodeBadAddress},
		{"weights on a bad netuid", "GET", "/v1/subnets/one/weights/" + alice, "", "", 400, apitypes.CodeBadRequest},
		{"quote netuid", "GET", "/v1/pools/x/quote?side=buy&amount=5", "", "", 400, apitypes.CodeBadRequest},
		{"quote without side", "GET", "/v1/pools/1/quote?amount=5", "", "", 400, apitypes.CodeBadRequest},
		{"quote side", "GET", "/v1/pools/1/quote?side=hold&amount=5", "", "", 400, apitypes.CodeBadRequest},
		{"quote without amount", "GET", "/v1/pools/1/quote?side=buy", "", "", 400, apitypes.CodeBadRequest},
		{"quote negative amount", "GET", "/v1/pools/1/quote?side=buy&amount=-1", "", "", 400, apitypes.CodeBadRequest},
		{"quote fractional amount", "GET", "/v1/pools/1/quote?side=buy&amount=1.5", "", "", 400, apitypes.CodeBadRequest},
		{"quote amount overflow", "GET", "/v1/pools/1/quote?side=buy&amount=18446744073709551616", "", "", 400, apitypes.CodeBadRequest},
		{"quote limit price", "GET", quote + "&limit_price=%2B7", "", "", 400, apitypes.CodeBadRequest},
		{"quote allow_partial", "GET", quote + "&allow_partial=yes", "", "", 400, apitypes.CodeBadRequest},
		{"quote fee_free", "GET", quote + "&fee_free=T", "", "", 400, apitypes.CodeBadRequest},
		{"stream start latest", "GET", "/v1/events?from=latest", "", "", 400, apitypes.CodeBadHeight},
		{"stream start zero", "GET", "/v1/events?from=0", "", "", 400, apitypes.CodeBadHeight},
		{"stream events flag", "GET", "/v1/events?events=1", "", "", 400, apitypes.CodeBadRequest},
		{"doubled slash", "GET", "//v1/status", "", "", 404, apitypes.CodeNotFound},
		{"dot element", "GET", "/v1/./status", "", "", 404, apitypes.CodeNotFound},
		{"dot-dot element", "GET", "/v1/accounts/../status", "", "", 404, apitypes.CodeNotFound},
		{"trailing slash", "GET", "/v1/status/", "", "", 404, apitypes.CodeNotFound},

		{"bad ss58 checksum", "GET", "/v1/accounts/" + alice[:47] + "Z", "", "", 400, apitypes.CodeBadAddress},
		{"not an address", "GET", "/v1/accounts/bob", "", "", 400, apitypes.CodeBadAddress},
		{"short hex key", "GET", "/v1/accounts/0x1234", "", "", 400, apitypes.CodeBadAddress},
		{"height not a number", "GET", "/v1/blocks/abc", "", "", 400, apitypes.CodeBadHeight},
		{"height zero", "GET", "/v1/blocks/0", "", "", 400, apitypes.CodeBadHeight},
		{"height negative", "GET", "/v1/blocks/-3", "", "", 400, apitypes.CodeBadHeight},
		{"height overflow", "GET", "/v1/blocks/99999999999999999999", "", "", 400, apitypes.CodeBadHeight},
		{"future height", "GET", "/v1/blocks/5", "", "", 404, apitypes.CodeFutureHeight},
		{"tx hash not hex", "GET", "/v1/tx/xyz", "", "", 400, apitypes.CodeBadHash},
		{"tx hash too short", "GET", "/v1/tx/0xabcd", "", "", 400, apitypes.CodeBadHash},
		{"unknown tx", "GET", "/v1/tx/0x" + strings.Repeat("ab", 32), "", "", 404, apitypes.CodeNotFound},
		{"body too large", "POST", "/v1/tx", "application/octet-stream", strings.Repeat("x", 2000), 413, apitypes.CodeTooLarge},
		{"empty raw body", "POST", "/v1/tx", "application/octet-stream", "", 400, apitypes.CodeBadRequest},
		{"bad JSON", "POST", "/v1/tx", "application/json", "{", 400, apitypes.CodeBadRequest},
		{"unknown JSON field", "POST", "/v1/tx", "application/json", `{"tx":"AQ==","x":1}`, 400, apitypes.CodeBadRequest},
		{"trailing JSON", "POST", "/v1/tx", "application/json", `{"tx":"AQ=="}{}`, 400, apitypes.CodeBadRequest},
		{"missing tx", "POST", "/v1/tx", "application/json", `{}`, 400, apitypes.CodeBadRequest},
		{"bad base64", "POST", "/v1/tx", "application/json", `{"tx":"!!"}`, 400, apitypes.CodeBadRequest},
		{"bad hex", "POST", "/v1/tx", "application/json", `{"tx":"0xzz"}`, 400, apitypes.CodeBadRequest},
		{"unsupported media", "POST", "/v1/tx", "text/plain", "abc", 415, apitypes.CodeBadRequest},
		{"bad wait", "POST", "/v1/tx?wait=forever", "application/octet-stream", "abc", 400, apitypes.CodeBadRequest},
		{"bad stream start", "GET", "/v1/events?from=x", "", "", 400, apitypes.CodeBadHeight},
		{"unknown route", "GET", "/v2/status", "", "", 404, apitypes.CodeNotFound},
		{"wrong method", "DELETE", "/v1/status", "", "", 405, apitypes.CodeBadMethod},
		{"get on submit", "GET", "/v1/tx", "", "", 405, apitypes.CodeBadMethod},
	} {
		t.Run(c.name, func(t *testing.T) {
			var e apitypes.Error
			resp := call(t, c.method, ts.URL+c.path, c.ctype, c.body, &e)
			require.Equal(t, c.status, resp.StatusCode, e.Message)
			require.Equal(t, c.code, e.Code, e.Message)
			require.NotEmpty(t, e.Message)
			for _, leak := range []string{"strconv", "Parse", "or a boolean", "<a href"} {
				require.NotContains(t, e.Message, leak)
			}
		})
	}
}

// TestBadRequests_NameTheValue: an error names the parameter at fault and
// what it wants.
func TestBadRequests_NameTheValue(t *testing.T) {
	_, _, _, ts := newTestServer(t, api.Config{})
	for path, want := range map[string]string{
		"/v1/subnets/1/metagraph?lite=maybe":               `invalid lite="maybe": want true or false`,
		"/v1/pools/1/quote?side=buy&amount=-1":             `invalid amount="-1": want a whole number of rao`,
		"/v1/pools/1/quote?side=buy&amount=1&fee_free=yes": `invalid fee_free="yes": want true or false`,
		"/v1/blocks/+5":             `invalid height "+5"`,
		"/v1/subnets/+1":            `invalid netuid "+1": want an integer from 0 to 65535`,
		"/v1/events?from=latest":    `invalid from="latest": want a block height`,
		"//v1/status":               `did you mean "/v1/status"?`,
		"/v1/subnets/1/weights/bob": `hotkey: invalid address "bob"`,
	} {
		var e apitypes.Error
		call(t, "GET", ts.URL+path, "", "", &e)
		require.Contains(t, e.Message, want, path)
	}
	req, err := http.NewRequest("GET", ts.URL+"/v1/events", nil)
	require.NoError(t, err)
	req.Header.Set("Last-Event-ID", "+3")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func rejectWith(e *tx.Error) apitest.BroadcastFunc {
	return func(t cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
		return &coretypes.ResultBroadcastTx{Code: e.Code, Log: e.Msg + ": detail", Hash: t.Hash()}, nil
	}
}

func failWith(err error) apitest.BroadcastFunc {
	return func(cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) { return nil, err }
}

func TestSubmitTx_Outcomes(t *testing.T) {
	_, cons, _, ts := newTestServer(t, api.Config{})
	for _, c := range []struct {
		name   string
		answer apitest.BroadcastFunc
		status int
		code   uint32
	}{
		{"accepted", apitest.AcceptAll, 202, 0},
		{"bad signature", rejectWith(tx.ErrSignature), 400, tx.ErrSignature.Code},
		{"malformed", rejectWith(tx.ErrDecode), 400, tx.ErrDecode.Code},
		{"no state yet", rejectWith(tx.ErrNotReady), 503, tx.ErrNotReady.Code},
		{"nonce reused", rejectWith(tx.ErrNonceTooLow), 409, tx.ErrNonceTooLow.Code},
		{"nonce gap", rejectWith(tx.ErrNonceTooHigh), 409, tx.ErrNonceTooHigh.Code},
		{"fee unaffordable", rejectWith(tx.ErrFeeUnaffordable), 422, tx.ErrFeeUnaffordable.Code},
		{"insufficient balance", rejectWith(tx.ErrInsufficientBalance), 422, tx.ErrInsufficientBalance.Code},
		{"duplicate", failWith(mempool.ErrTxInCache), 409, apitypes.CodeDuplicateTx},
		{"mempool full", failWith(mempool.ErrMempoolIsFull{}), 503, apitypes.CodeUnavailable},
		{"too large for the mempool", failWith(mempool.ErrTxTooLarge{Max: 1, Actual: 2}), 413, apitypes.CodeTooLarge},
		{"node failure", failWith(errors.New("disk on fire")), 500, apitypes.CodeInternal},
	} {
		t.Run(c.name, func(t *testing.T) {
			cons.SetBroadcast(c.answer)
			var doc struct {
				Code uint32        `json:"code"`
				Hash apitypes.Hash `json:"hash"`
			}
			resp := call(t, "POST", ts.URL+"/v1/tx", "application/json", `{"tx":"0x0102"}`, &doc)
			require.Equal(t, c.status, resp.StatusCode)
			require.Equal(t, c.code, doc.Code)
			if c.status == 202 {
				require.Equal(t, apitypes.Hash(cmttypes.Tx{1, 2}.Hash()), doc.Hash)
			}
		})
	}
}

func TestSubmitTx_WaitCommit(t *testing.T) {
	s, cons, _, ts := newTestServer(t, api.Config{})
	raw := []byte("signed transfer")
	// This mempool puts the tx in a block as soon as it is accepted.
	cons.SetBroadcast(func(t cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
		go func() {
			b, res := cons.AddBlock([][]byte{t}, []*abci.ExecTxResult{transferEvent})
			s.PublishBlock(b, b.Hash(), res)
		}()
		return &coretypes.ResultBroadcastTx{Hash: t.Hash()}, nil
	})
	var res apitypes.SubmitTxResult
	body := `{"tx":"` + base64.StdEncoding.EncodeToString(raw) + `"}`
	resp := call(t, "POST", ts.URL+"/v1/tx?wait=commit", "application/json", body, &res)
	require.Equal(t, 200, resp.StatusCode)
	require.True(t, res.Committed)
	require.Equal(t, int64(1), res.Height)
	require.Equal(t, apitypes.Hash(cmttypes.Tx(raw).Hash()), res.Hash)
	require.Len(t, res.Events, 1)
	v, ok := res.Events[0].Attr("amount")
	require.True(t, ok)
	require.Equal(t, "5", v)

	var tr apitypes.TxResult
	resp = call(t, "GET", ts.URL+"/v1/tx/"+res.Hash.String(), "", "", &tr)
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, raw, tr.Tx)
	require.Equal(t, int64(1), tr.Height)
}

func TestSubmitTx_FailedInBlock(t *testing.T) {
	s, cons, _, ts := newTestServer(t, api.Config{})
	failed := &abci.ExecTxResult{Code: tx.ErrInsufficientBalance.Code, Log: "insufficient free balance: have 1, want 2"}
	cons.SetBroadcast(func(t cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
		go func() {
			b, res := cons.AddBlock([][]byte{t}, []*abci.ExecTxResult{failed})
			s.PublishBlock(b, b.Hash(), res)
		}()
		return &coretypes.ResultBroadcastTx{Hash: t.Hash()}, nil
	})
	var res apitypes.SubmitTxResult
	resp := call(t, "POST", ts.URL+"/v1/tx?wait=commit", "application/octet-stream", "tx", &res)
	require.Equal(t, 200, resp.StatusCode, "included: the fee was charged")
	require.True(t, res.Committed)
	require.Equal(t, tx.ErrInsufficientBalance.Code, res.Code)
	require.Equal(t, failed.Log, res.Log)
}

func TestSubmitTx_WaitCommitTimesOut(t *testing.T) {
	_, _, _, ts := newTestServer(t, api.Config{CommitTimeout: 50 * time.Millisecond})
	var e apitypes.Error
	resp := call(t, "POST", ts.URL+"/v1/tx?wait=commit", "application/octet-stream", "never included", &e)
	require.Equal(t, 504, resp.StatusCode)
	require.Equal(t, apitypes.CodeTimeout, e.Code)
}

func TestBlock(t *testing.T) {
	_, cons, chain, ts := newTestServer(t, api.Config{})
	cons.AddBlock(nil, nil)
	cons.AddBlock(txs("x=1", "y=2"), []*abci.ExecTxResult{nil, transferEvent})
	chain.SetHeight(2)
	for _, path := range []string{"/v1/blocks/2", "/v1/blocks/latest"} {
		var b apitypes.Block
		resp := call(t, "GET", ts.URL+path, "", "", &b)
		require.Equal(t, 200, resp.StatusCode)
		require.Equal(t, int64(2), b.Height)
		require.Equal(t, 2, b.NumTxs)
		require.Equal(t, apitypes.Hash(cmttypes.Tx("y=2").Hash()), b.Txs[1].Hash)
		require.Equal(t, uint32(1), b.Txs[1].Index)
		require.Empty(t, b.Txs[0].Events)
		require.Equal(t, "transfer", b.Txs[1].Events[0].Type)
	}
}

// A block CometBFT stored but the app has not committed yet (it is being
// executed) has no results: it is not served before its commit.
func TestBlock_StoredButNotCommitted(t *testing.T) {
	_, cons, chain, ts := newTestServer(t, api.Config{})
	cons.AddBlock(nil, nil)
	cons.AddBlock(txs("x=1"), nil)
	chain.SetHeight(1)
	var e apitypes.Error
	resp := call(t, "GET", ts.URL+"/v1/blocks/2", "", "", &e)
	require.Equal(t, 404, resp.StatusCode)
	require.Equal(t, apitypes.CodeFutureHeight, e.Code)
	var b apitypes.Block
	resp = call(t, "GET", ts.URL+"/v1/blocks/latest", "", "", &b)
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, int64(1), b.Height)
}

// readEvents reads n block events from an SSE stream.
func readEvents(t *testing.T, r *bufio.Reader, n int) []apitypes.Block {
	t.Helper()
	var out []apitypes.Block
	var event, id string
	for len(out) < n {
		line, err := r.ReadString('\n')
		require.NoError(t, err)
		line = strings.TrimRight(line, "\n")
		switch {
		case strings.HasPrefix(line, "id: "):
			id = line[4:]
		case strings.HasPrefix(line, "event: "):
			event = line[7:]
		case strings.HasPrefix(line, "data: "):
			require.Equal(t, "block", event)
			var b apitypes.Block
			require.NoError(t, json.Unmarshal([]byte(line[6:]), &b))
			require.Equal(t, fmt.Sprint(b.Height), id)
			out = append(out, b)
		}
	}
	return out
}

func TestEvents_StreamAndResume(t *testing.T) {
	s, cons, chain, ts := newTestServer(t, api.Config{})
	cons.AddBlock(nil, nil)
	cons.AddBlock(nil, nil)
	chain.SetHeight(2)

	// Resume after block 1: block 2 is replayed, then live blocks follow.
	req, err := http.NewRequest("GET", ts.URL+"/v1/events", nil)
	require.NoError(t, err)
	req.Header.Set("Last-Event-ID", "1")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	r := bufio.NewReader(resp.Body)
	got := readEvents(t, r, 1)
	require.Equal(t, int64(2), got[0].Height)

	b, res := cons.AddBlock(txs("z=9"), nil)
	chain.SetHeight(3)
	s.PublishBlock(b, b.Hash(), res)
	got = readEvents(t, r, 1)
	require.Equal(t, int64(3), got[0].Height)
	require.Equal(t, 1, got[0].NumTxs)
}

func TestSubmitTxs_Batch(t *testing.T) {
	_, cons, _, ts := newTestServer(t, api.Config{})
	var got [][]byte
	cons.SetBroadcast(func(raw cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
		got = append(got, raw)
		switch string(raw) {
		case "dup":
			return nil, mempool.ErrTxInCache
		case "bad":
			return &coretypes.ResultBroadcastTx{Code: tx.ErrSignature.Code, Log: "invalid signature"}, nil
		}
		return &coretypes.ResultBroadcastTx{Hash: raw.Hash()}, nil
	})
	body := `{"txs": ["` + base64.StdEncoding.EncodeToString([]byte("one")) + `", "0x646570", "0x627574", "0x` + fmt.Sprintf("%x", "bad") + `", "0x` + fmt.Sprintf("%x", "dup") + `"]}`
	var res apitypes.SubmitTxsResult
	resp := call(t, "POST", ts.URL+"/v1/txs", "application/json", body, &res)
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, []string{"one", "dep", "but", "bad", "dup"}, func() []string {
		var out []string
		for _, g := range got {
			out = append(out, string(g))
		}
		return out
	}(), "submitted in order")
	require.Len(t, res.Results, 5)
	require.Equal(t, apitypes.Hash(cmttypes.Tx("one").Hash()), res.Results[0].Hash)
	require.Zero(t, res.Results[0].Code)
	require.Equal(t, tx.ErrSignature.Code, res.Results[3].Code)
	require.Equal(t, apitypes.CodeDuplicateTx, res.Results[4].Code)
}

func TestSubmitTxs_BadBatchSubmitsNothing(t *testing.T) {
	_, cons, _, ts := newTestServer(t, api.Config{})
	submitted := 0
	cons.SetBroadcast(func(raw cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
		submitted++
		return &coretypes.ResultBroadcastTx{Hash: raw.Hash()}, nil
	})
	many := `{"txs": [` + strings.TrimSuffix(strings.Repeat(`"AQ==",`, apitypes.MaxBatch+1), ",") + `]}`
	for _, c := range []struct {
		name, ctype, body string
		status            int
	}{
		{"empty", "application/json", `{"txs": []}`, 400},
		{"too many", "application/json", many, 400},
		{"one not base64", "application/json", `{"txs": ["AQ==", "!!"]}`, 400},
		{"unknown field", "application/json", `{"txs": ["AQ=="], "wait": "commit"}`, 400},
		{"not JSON", "application/json", `txs`, 400},
		{"raw bytes", "application/octet-stream", "\x01\x02", 415},
	} {
		t.Run(c.name, func(t *testing.T) {
			var e apitypes.Error
			resp := call(t, "POST", ts.URL+"/v1/txs", c.ctype, c.body, &e)
			require.Equal(t, c.status, resp.StatusCode, e.Message)
			require.Zero(t, submitted)
		})
	}
}

func TestEvents_Brief(t *testing.T) {
	s, cons, chain, ts := newTestServer(t, api.Config{})
	cons.AddBlock(nil, nil)
	chain.SetHeight(1)
	resp, err := http.Get(ts.URL + "/v1/events?events=false&from=1")
	require.NoError(t, err)
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	require.Equal(t, int64(1), readEvents(t, r, 1)[0].Height)

	b, res := cons.AddBlock(txs("x"), []*abci.ExecTxResult{{Code: 100, Log: "insufficient", Events: transferEvent.Events}})
	chain.SetHeight(2)
	s.PublishBlock(b, b.Hash(), res)
	got := readEvents(t, r, 1)[0]
	require.Equal(t, int64(2), got.Height)
	require.Len(t, got.Txs, 1)
	require.Equal(t, uint32(100), got.Txs[0].Code)
	require.Empty(t, got.Txs[0].Events)
	require.Empty(t, got.Txs[0].Log)

	var e apitypes.Error
	require.Equal(t, 400, call(t, "GET", ts.URL+"/v1/events?events=maybe", "", "", &e).StatusCode)
}
