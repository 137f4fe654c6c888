package axon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/sdk/axon"
	"github.com/gotensor/gotensor/sdk/synapse"
	"github.com/gotensor/gotensor/tao"
)

// Dummy is the subnet template's synapse: the miner doubles the input.
type Dummy struct {
	synapse.Base
	DummyInput  int  `json:"dummy_input"`
	DummyOutput *int `json:"dummy_output"`
}

func (d *Dummy) HashFields() []any { return []any{d.DummyInput} }

// pairs caches derived dev keys: deriving one runs PBKDF2.
var pairs sync.Map

func pair(t testing.TB, uri string) *keys.Pair {
	t.Helper()
	if p, ok := pairs.Load(uri); ok {
		return p.(*keys.Pair)
	}
	p, err := keys.FromURI(uri)
	require.NoError(t, err)
	pairs.Store(uri, p)
	return p
}

// env is an axon (hotkey //Bob) behind an httptest server, with a Dummy
// handler that counts its runs.
type env struct {
	ax    *axon.Axon
	srv   *httptest.Server
	bob   *keys.Pair
	runs  atomic.Int32
	peers axon.StaticPeers
}

// newEnv starts an axon; peers registers //Alice (validator, 1000 TAO) and
// //Charlie (no permit, 1 TAO) unless cfg.Peers is set. handler may be nil
// (doubling); mutate edits the config.
func newEnv(t testing.TB, handler func(context.Context, *Dummy) error, mutate func(*axon.Config), opts ...axon.Option) *env {
	t.Helper()
	e := &env{bob: pair(t, "//Bob"), peers: axon.StaticPeers{
		pair(t, "//Alice").Public():   {UID: 0, Stake: 1000 * tao.RaoPerTAO, ValidatorPermit: true},
		pair(t, "//Charlie").Public(): {UID: 2, Stake: tao.RaoPerTAO},
	}}
	cfg := axon.Config{Peers: e.peers}
	if mutate != nil {
		mutate(&cfg)
	}
	if handler == nil {
		handler = func(_ context.Context, d *Dummy) error {
			out := d.DummyInput * 2
			d.DummyOutput = &out
			return nil
		}
	}
	ax, err := axon.New(e.bob, cfg)
	require.NoError(t, err)
	require.NoError(t, axon.Attach(ax, func(ctx context.Context, d *Dummy) error {
		e.runs.Add(1)
		return handler(ctx, d)
	}, opts...))
	e.ax = ax
	e.srv = httptest.NewServer(ax)
	t.Cleanup(e.srv.Close)
	return e
}

// caller signs requests as one dendrite instance (one hotkey and uuid) with
// increasing nonces.
type caller struct {
	pair  *keys.Pair
	uuid  string
	nonce atomic.Int64
}

func newCaller(t testing.TB, uri string) *caller {
	c := &caller{pair: pair(t, uri), uuid: synapse.NewUUID()}
	c.nonce.Store(time.Now().UnixNano())
	return c
}

// prepare fills the synapse's protocol fields for axonHotkey and signs it,
// as a dendrite does.
func (c *caller) prepare(s synapse.Synapse, axonHotkey string, timeout float64) {
	b := s.SynapseBase()
	b.Name = synapse.NameOf(s)
	b.Timeout = timeout
	b.Dendrite = synapse.TerminalInfo{
		IP: "127.0.0.1", Version: synapse.VersionInt, Nonce: c.nonce.Add(1),
		UUID: c.uuid, Hotkey: c.pair.SS58(),
	}
	b.Axon = synapse.TerminalInfo{IP: "127.0.0.1", Port: 8091, Hotkey: axonHotkey}
	b.ComputedBodyHash = synapse.BodyHash(s)
	synapse.SignRequest(c.pair, b)
}

// request returns a signed POST of s to the env's axon.
func (e *env) request(t testing.TB, c *caller, s synapse.Synapse) *http.Request {
	t.Helper()
	c.prepare(s, e.bob.SS58(), 12)
	return e.requestAsIs(t, s)
}

// requestAsIs returns a POST of s without touching its fields.
func (e *env) requestAsIs(t testing.TB, s synapse.Synapse) *http.Request {
	t.Helper()
	return requestTo(t, e.srv.URL, s)
}

// requestTo returns a POST of s to the axon at base.
func requestTo(t testing.TB, base string, s synapse.Synapse) *http.Request {
	t.Helper()
	body, err := json.Marshal(s)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, base+"/"+synapse.NameOf(s), bytes.NewReader(body))
	require.NoError(t, err)
	synapse.WriteHeaders(req.Header, s)
	req.Header.Set("Content-Type", "application/json")
	return req
}

type answer struct {
	code    int
	header  http.Header
	body    []byte
	message string
}

func do(t testing.TB, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := answer{code: resp.StatusCode, header: resp.Header, body: body}
	var m struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &m) == nil {
		a.message = m.Message
	}
	return a
}
