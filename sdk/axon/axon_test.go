package axon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/sdk/axon"
	"github.com/gotensor/gotensor/sdk/synapse"
	"github.com/gotensor/gotensor/tao"
)

func TestAxon_ServesSignedRequest(t *testing.T) {
	var seen axon.Caller
	var seenBase synapse.Base
	e := newEnv(t, func(ctx context.Context, d *Dummy) error {
		seen, _ = axon.CallerFrom(ctx)
		seenBase = d.Base
		out := d.DummyInput * 2
		d.DummyOutput = &out
		return nil
	}, nil)
	alice := newCaller(t, "//Alice")
	req := e.request(t, alice, &Dummy{DummyInput: 21})
	// A forged body terminal info must not reach the handler.
	var body map[string]any
	raw, _ := io.ReadAll(req.Body)
	require.NoError(t, json.Unmarshal(raw, &body))
	body["dendrite"].(map[string]any)["hotkey"] = "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y"
	raw, _ = json.Marshal(body)
	req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(raw)), int64(len(raw))

	ans := do(t, req)
	require.Equal(t, http.StatusOK, ans.code, ans.message)

	var got Dummy
	require.NoError(t, json.Unmarshal(ans.body, &got))
	require.NotNil(t, got.DummyOutput)
	require.Equal(t, 42, *got.DummyOutput)
	require.Equal(t, 21, got.DummyInput)
	require.Equal(t, 200, got.Axon.StatusCode)
	require.Equal(t, "Success", got.Axon.StatusMessage)
	require.Equal(t, e.bob.SS58(), got.Axon.Hotkey)
	require.Equal(t, synapse.VersionInt, got.Axon.Version)
	require.NoError(t, synapse.VerifyResponse(&got.Base), "the axon signs its answer")

	// Headers carry the same terminal info, Python-formatted.
	hb, err := synapse.FromHeaders(ans.header)
	require.NoError(t, err)
	require.Equal(t, got.Axon, hb.Axon)
	require.Equal(t, "200", ans.header.Get("bt_header_axon_status_code"))
	require.Equal(t, "12.0", ans.header.Get("timeout"))

	// The handler saw the verified caller and header values.
	require.True(t, seen.Signed)
	require.True(t, seen.Registered)
	require.Equal(t, alice.pair.Public(), seen.Hotkey)
	require.Equal(t, 1000*tao.RaoPerTAO, seen.Peer.Stake)
	require.Equal(t, alice.pair.SS58(), seenBase.Dendrite.Hotkey)
	require.Equal(t, "127.0.0.1", seenBase.Dendrite.IP)
	require.NotZero(t, seenBase.Dendrite.Port)
	require.Equal(t, "Dummy", seenBase.Name)
}

func TestAxon_Ping(t *testing.T) {
	e := newEnv(t, nil, nil)
	ans := do(t, e.request(t, newCaller(t, "//Alice"), &synapse.Ping{}))
	require.Equal(t, http.StatusOK, ans.code, ans.message)
	require.Equal(t, "Synapse", ans.header.Get("name"))
}

// TestAxon_RefusesBeforeHandler sends every kind of bad request and checks
// each is refused with its 4xx and that no handler ran.
func TestAxon_RefusesBeforeHandler(t *testing.T) {
	e := newEnv(t, nil, func(c *axon.Config) { c.MaxBodyBytes = 1 << 10 },
		axon.WithBlacklist(func(_ context.Context, c axon.Caller) error {
			if c.Header.Dendrite.UUID == "banned-uuid" {
				return errors.New("banned instance")
			}
			return nil
		}))
	alice := newCaller(t, "//Alice")
	bobHotkey := e.bob.SS58()
	signed := func(mutate func(*Dummy)) *http.Request {
		d := &Dummy{DummyInput: 1}
		alice.prepare(d, bobHotkey, 12)
		if mutate != nil {
			mutate(d)
		}
		return e.requestAsIs(t, d)
	}
	resign := func(d *Dummy) {
		d.ComputedBodyHash = synapse.BodyHash(d)
		synapse.SignRequest(alice.pair, &d.Base)
	}
	replayed := signed(nil)
	replayBody, _ := io.ReadAll(replayed.Body)
	first, _ := http.NewRequest(http.MethodPost, replayed.URL.String(), bytes.NewReader(replayBody))
	first.Header = replayed.Header.Clone()
	require.Equal(t, http.StatusOK, do(t, first).code)
	replayed.Body = io.NopCloser(bytes.NewReader(replayBody))
	require.Equal(t, int32(1), e.runs.Load())
	e.runs.Store(0)

	for _, c := range []struct {
		name string
		req  func() *http.Request
		code int
		msg  string
	}{
		{"unknown synapse", func() *http.Request {
			r := signed(nil)
			r.URL.Path = "/Nope"
			return r
		}, 404, "Synapse name 'Nope' not found. Available synapses ['Synapse', 'Dummy']"},
		{"unknown synapse with control characters", func() *http.Request {
			r := signed(nil)
			r.URL.Path = "/No\r\npe"
			return r
		}, 404, `Synapse name '"No\r\npe"' not found`},
		{"method", func() *http.Request {
			r := signed(nil)
			r.Method = http.MethodPut
			return r
		}, 405, "Method PUT"},
		{"unsigned", func() *http.Request {
			return signed(func(d *Dummy) { d.Dendrite.Signature = "" })
		}, 401, "Not Verified with error: request is not signed"},
		{"signed by another key", func() *http.Request {
			return signed(func(d *Dummy) { synapse.SignRequest(pair(t, "//Charlie"), &d.Base) })
		}, 401, "Not Verified with error: signature mismatch"},
		{"malformed signature", func() *http.Request {
			return signed(func(d *Dummy) { d.Dendrite.Signature = "0x1234" })
		}, 401, "malformed signature"},
		{"replayed nonce", func() *http.Request { return replayed }, 401, "Nonce is too old, a newer one was last processed"},
		{"stale nonce", func() *http.Request {
			return signed(func(d *Dummy) {
				d.Dendrite.UUID = "fresh-uuid-stale"
				d.Dendrite.Nonce = time.Now().Add(-17 * time.Second).UnixNano()
				resign(d)
			})
		}, 401, "Nonce is too old: acceptable delta is 16.00 seconds"},
		{"future nonce", func() *http.Request {
			return signed(func(d *Dummy) {
				d.Dendrite.Nonce = time.Now().Add(time.Minute).UnixNano()
				resign(d)
			})
		}, 401, "in the future"},
		{"missing nonce", func() *http.Request {
			return signed(func(d *Dummy) { d.Dendrite.Nonce = 0; resign(d) })
		}, 401, "Missing Nonce"},
		{"addressed to another axon", func() *http.Request {
			return signed(func(d *Dummy) { d.Axon.Hotkey = alice.pair.SS58(); resign(d) })
		}, 401, "addressed to hotkey"},
		{"bad dendrite hotkey", func() *http.Request {
			return signed(func(d *Dummy) { d.Dendrite.Hotkey = "not-an-address" })
		}, 401, "dendrite hotkey"},
		{"malformed nonce header", func() *http.Request {
			r := signed(nil)
			r.Header.Set("bt_header_dendrite_nonce", "soon")
			return r
		}, 400, "Could not parse headers"},
		{"non-positive timeout", func() *http.Request {
			r := signed(nil)
			r.Header.Set("timeout", "0.0")
			return r
		}, 400, "timeout 0.0 is not positive"},
		{"oversized declared body", func() *http.Request {
			r := signed(nil)
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(strings.Repeat(" ", 2000))), 2000
			return r
		}, 413, "exceeds the limit"},
		{"oversized chunked body", func() *http.Request {
			r := signed(nil)
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(strings.Repeat(" ", 2000))), -1
			return r
		}, 413, "exceeds the limit"},
		{"malformed body", func() *http.Request {
			r := signed(nil)
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(`{"dummy_input": 1`)), -1
			return r
		}, 400, "Improperly formatted request body"},
		{"body of the wrong shape", func() *http.Request {
			r := signed(nil)
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(`{"dummy_input": "one"}`)), -1
			return r
		}, 422, "does not match synapse Dummy"},
		{"tampered body", func() *http.Request {
			r := signed(nil)
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(`{"dummy_input": 2}`)), -1
			return r
		}, 400, "Body hash mismatch"},
		{"unregistered hotkey", func() *http.Request {
			return e.request(t, newCaller(t, "//Dave"), &Dummy{})
		}, 403, "Forbidden. Key is blacklisted: Unrecognized hotkey"},
		{"blacklist hook", func() *http.Request {
			return signed(func(d *Dummy) { d.Dendrite.UUID = "banned-uuid"; resign(d) })
		}, 403, "Forbidden. Key is blacklisted: banned instance."},
	} {
		t.Run(c.name, func(t *testing.T) {
			ans := do(t, c.req())
			require.Equal(t, c.code, ans.code, ans.message)
			require.Contains(t, ans.message, c.msg)
			require.Equal(t, ans.message, ans.header.Get("bt_header_axon_status_message"))
			require.Zero(t, e.runs.Load(), "the handler must not run")
		})
	}
}

func TestAxon_PolicyPermitAndStake(t *testing.T) {
	for _, c := range []struct {
		name   string
		mutate func(*axon.Config)
		msg    string
	}{
		{"validator permit", func(c *axon.Config) { c.RequireValidatorPermit = true }, "Non-validator hotkey"},
		{"minimum stake", func(c *axon.Config) { c.MinStake = 10 * tao.RaoPerTAO }, "below the minimum τ10"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil, c.mutate)
			ans := do(t, e.request(t, newCaller(t, "//Charlie"), &Dummy{}))
			require.Equal(t, http.StatusForbidden, ans.code)
			require.Contains(t, ans.message, c.msg)
			require.Zero(t, e.runs.Load())
			// Alice (validator, 1000 TAO) passes the same policy.
			require.Equal(t, http.StatusOK, do(t, e.request(t, newCaller(t, "//Alice"), &Dummy{})).code)
		})
	}
}

func TestAxon_AllowUnsigned(t *testing.T) {
	e := newEnv(t, nil, func(c *axon.Config) { c.AllowUnsigned = true })
	alice := newCaller(t, "//Alice")
	d := &Dummy{DummyInput: 3}
	alice.prepare(d, e.bob.SS58(), 12)
	d.Dendrite.Signature = ""
	require.Equal(t, http.StatusOK, do(t, e.requestAsIs(t, d)).code)
	// A wrong signature is still refused.
	alice.prepare(d, e.bob.SS58(), 12)
	d.Dendrite.Signature = "0x" + strings.Repeat("00", 64)
	require.Equal(t, http.StatusUnauthorized, do(t, e.requestAsIs(t, d)).code)
}

func TestAxon_HandlerErrors(t *testing.T) {
	e := newEnv(t, func(_ context.Context, d *Dummy) error {
		switch d.DummyInput {
		case 1:
			return axon.Errorf(http.StatusServiceUnavailable, "model loading")
		case 2:
			return errors.New("secret internal detail")
		default:
			panic("boom")
		}
	}, nil)
	alice := newCaller(t, "//Alice")
	ans := do(t, e.request(t, alice, &Dummy{DummyInput: 1}))
	require.Equal(t, http.StatusServiceUnavailable, ans.code)
	require.Equal(t, "model loading", ans.message)
	for _, in := range []int{2, 3} {
		ans = do(t, e.request(t, alice, &Dummy{DummyInput: in}))
		require.Equal(t, http.StatusInternalServerError, ans.code)
		require.Regexp(t, `^Internal Server Error #[0-9a-f-]{36}$`, ans.message)
	}
}

// TestAxon_HangingHandler checks a handler that ignores its context is
// answered 408 at the request's timeout, while it still runs.
func TestAxon_HangingHandler(t *testing.T) {
	release := make(chan struct{})
	e := newEnv(t, func(context.Context, *Dummy) error {
		<-release
		return nil
	}, nil)
	defer close(release)
	alice := newCaller(t, "//Alice")
	d := &Dummy{}
	alice.prepare(d, e.bob.SS58(), 0.2)
	ans := do(t, e.requestAsIs(t, d))
	require.Equal(t, http.StatusRequestTimeout, ans.code)
	require.Equal(t, "Response timeout after: 0.2s", ans.message)
	require.Equal(t, int32(1), e.runs.Load(), "the handler is still running")
}

// TestAxon_FloodDoesNotStarveOthers floods the axon from one hotkey while
// another sends its usual traffic: all of the other's requests succeed, and
// the flood is cut by the flooder's own rate limit.
func TestAxon_FloodDoesNotStarveOthers(t *testing.T) {
	e := newEnv(t, func(ctx context.Context, d *Dummy) error {
		time.Sleep(time.Millisecond) // some work, so that queueing happens
		return nil
	}, func(c *axon.Config) {
		c.Rate, c.Burst, c.Workers, c.QueueSize = 20, 20, 2, 16
	})
	flooder := newCaller(t, "//Charlie")
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		counts = map[int]int{}
		stop   = make(chan struct{})
		start  = time.Now()
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each goroutine is its own dendrite instance so that nonces
			// stay ordered per hotkey:uuid.
			c := &caller{pair: flooder.pair, uuid: synapse.NewUUID()}
			c.nonce.Store(time.Now().UnixNano())
			for {
				select {
				case <-stop:
					return
				default:
				}
				ans := do(t, e.request(t, c, &Dummy{DummyInput: 1}))
				mu.Lock()
				counts[ans.code]++
				mu.Unlock()
			}
		}()
	}
	alice := newCaller(t, "//Alice")
	for range 20 {
		ans := do(t, e.request(t, alice, &Dummy{DummyInput: 2}))
		require.Equal(t, http.StatusOK, ans.code, ans.message)
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	elapsed := time.Since(start)
	require.Positive(t, counts[http.StatusTooManyRequests], "the flood hit its rate limit: %v", counts)
	allowed := 20 + int(20*elapsed.Seconds()) + 1
	require.LessOrEqual(t, counts[http.StatusOK], allowed, "the flooder got at most its burst and rate over %v: %v", elapsed, counts)
}

func TestAxon_Streaming(t *testing.T) {
	e := newEnv(t, nil, nil)
	require.NoError(t, axon.AttachStream(e.ax, func(ctx context.Context, s *Prompt, w *axon.StreamWriter) error {
		s.Completion = "set before the first write"
		for _, tok := range []string{"a", "b", "c"} {
			if _, err := w.Write([]byte("data: " + tok + "\n\n")); err != nil {
				return err
			}
		}
		return nil
	}))
	ans := do(t, e.request(t, newCaller(t, "//Alice"), &Prompt{Text: "hi"}))
	require.Equal(t, http.StatusOK, ans.code)
	require.Equal(t, "text/event-stream", ans.header.Get("Content-Type"))
	require.Equal(t, "data: a\n\ndata: b\n\ndata: c\n\n", string(ans.body))
	require.Equal(t, "200", ans.header.Get("bt_header_axon_status_code"))
}

// Prompt is a streaming synapse.
type Prompt struct {
	synapse.Base
	Text       string `json:"text"`
	Completion string `json:"completion"`
}

func (p *Prompt) HashFields() []any { return []any{p.Text} }

func TestAxon_AttachErrors(t *testing.T) {
	e := newEnv(t, nil, nil)
	err := axon.Attach(e.ax, func(context.Context, *Dummy) error { return nil })
	require.ErrorContains(t, err, "already attached")
	require.ErrorIs(t, axon.Attach(e.ax, func(context.Context, *badName) error { return nil }), synapse.ErrName)
}

// badName has a route name no Python class can have.
type badName struct{ synapse.Base }

func (*badName) SynapseName() string { return "bad-name" }

func TestNew_ConfigErrors(t *testing.T) {
	bob := pair(t, "//Bob")
	_, err := axon.New(bob, axon.Config{})
	require.ErrorIs(t, err, axon.ErrConfig, "Peers is required unless AllowUnregistered")
	_, err = axon.New(nil, axon.Config{AllowUnregistered: true})
	require.ErrorIs(t, err, axon.ErrConfig)
	_, err = axon.New(bob, axon.Config{AllowUnregistered: true, Port: 70000})
	require.ErrorIs(t, err, axon.ErrConfig)
	_, err = axon.New(bob, axon.Config{AllowUnregistered: true, ExternalIP: "0.0.0.0"})
	require.ErrorIs(t, err, axon.ErrConfig)
	_, err = axon.New(bob, axon.Config{AllowUnregistered: true, Workers: -1})
	require.ErrorIs(t, err, axon.ErrConfig)
}

func TestConfig_ApplyEnv(t *testing.T) {
	env := map[string]string{
		axon.EnvPort: "9000", axon.EnvIP: "127.0.0.1", axon.EnvExternalIP: "203.0.113.7",
		axon.EnvExternalPort: "19000", axon.EnvMaxWorkers: "4",
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	c := axon.Config{AllowUnregistered: true}
	require.NoError(t, c.ApplyEnv(lookup))
	require.Equal(t, 9000, c.Port)
	require.Equal(t, "127.0.0.1", c.IP)
	require.Equal(t, "203.0.113.7", c.ExternalIP)
	require.Equal(t, 19000, c.ExternalPort)
	require.Equal(t, 4, c.Workers)

	for k, v := range map[string]string{axon.EnvPort: "80x", axon.EnvExternalPort: "70000", axon.EnvExternalIP: "my.host"} {
		before := c
		env := map[string]string{k: v}
		err := c.ApplyEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
		require.ErrorIs(t, err, axon.ErrConfig, k)
		require.Equal(t, before, c, "a bad variable changes nothing")
	}
}

// TestAxon_StalledBody checks that a caller who declares a body and never
// sends it is cut off at the request's timeout, before any handler runs.
func TestAxon_StalledBody(t *testing.T) {
	e := newEnv(t, nil, nil)
	alice := newCaller(t, "//Alice")
	d := &Dummy{}
	alice.prepare(d, e.bob.SS58(), 0.3)
	req := e.requestAsIs(t, d)
	pr, pw := io.Pipe()
	defer pw.Close()
	req.Body, req.ContentLength = pr, 100 // declares 100 bytes, sends none
	ans := do(t, req)
	require.Equal(t, http.StatusBadRequest, ans.code)
	require.Contains(t, ans.message, "Could not read request body")

	// Refused on its headers, the stalled body is not waited for either.
	d.Dendrite.Signature = ""
	req = e.requestAsIs(t, d)
	pr2, pw2 := io.Pipe()
	defer pw2.Close()
	req.Body, req.ContentLength = pr2, 100
	ans = do(t, req)
	require.Equal(t, http.StatusUnauthorized, ans.code)
	require.Zero(t, e.runs.Load())
}

// TestAxon_StreamCutByTimeout checks that a stream the axon cuts at the
// request's timeout ends with a broken connection, not a clean end.
func TestAxon_StreamCutByTimeout(t *testing.T) {
	e := newEnv(t, nil, nil)
	require.NoError(t, axon.AttachStream(e.ax, func(ctx context.Context, s *Prompt, w *axon.StreamWriter) error {
		w.Write([]byte("partial"))
		<-ctx.Done()
		return ctx.Err()
	}))
	alice := newCaller(t, "//Alice")
	p := &Prompt{Text: "x"}
	alice.prepare(p, e.bob.SS58(), 0.2)
	resp, err := http.DefaultClient.Do(e.requestAsIs(t, p))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.Equal(t, "partial", string(body))
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
}
