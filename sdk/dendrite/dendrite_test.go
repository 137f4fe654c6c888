package dendrite_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/sdk/axon"
	"github.com/gotensor/gotensor/sdk/dendrite"
	"github.com/gotensor/gotensor/sdk/synapse"
)

// Dummy is the subnet template's synapse: the miner doubles the input.
type Dummy struct {
	synapse.Base
	DummyInput  int  `json:"dummy_input"`
	DummyOutput *int `json:"dummy_output"`
}

func (d *Dummy) HashFields() []any { return []any{d.DummyInput} }

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

// startAxon serves a Go axon (hotkey //Bob) with handler on 127.0.0.1 and
// returns its AxonInfo. It admits any caller.
func startAxon(t testing.TB, handler func(context.Context, *Dummy) error, mutate func(*axon.Config)) synapse.AxonInfo {
	t.Helper()
	cfg := axon.Config{AllowUnregistered: true, IP: "127.0.0.1", Rate: -1}
	if mutate != nil {
		mutate(&cfg)
	}
	ax, err := axon.New(pair(t, "//Bob"), cfg)
	require.NoError(t, err)
	if handler == nil {
		handler = func(_ context.Context, d *Dummy) error {
			out := d.DummyInput * 2
			d.DummyOutput = &out
			return nil
		}
	}
	require.NoError(t, axon.Attach(ax, handler))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	require.NoError(t, ax.StartListener(context.Background(), ln))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ax.Stop(ctx)
	})
	return ax.Info()
}

// fakeAxon serves handler as a raw HTTP server posing as //Bob's axon.
func fakeAxon(t testing.TB, handler http.HandlerFunc) synapse.AxonInfo {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return infoOf(t, srv.Listener.Addr().String())
}

func infoOf(t testing.TB, addr string) synapse.AxonInfo {
	t.Helper()
	ap := netip.MustParseAddrPort(addr)
	return synapse.AxonInfo{IP: ap.Addr(), Port: ap.Port(), IPType: 4, Hotkey: pair(t, "//Bob").Public()}
}

func newDendrite(t testing.TB, opts dendrite.Options) *dendrite.Dendrite {
	t.Helper()
	d, err := dendrite.New(pair(t, "//Alice"), opts)
	require.NoError(t, err)
	t.Cleanup(d.Close)
	return d
}

func TestForward_ServedByAxons(t *testing.T) {
	d := newDendrite(t, dendrite.Options{})
	axons := []synapse.AxonInfo{startAxon(t, nil, nil), startAxon(t, nil, nil), startAxon(t, nil, nil)}
	req := &Dummy{DummyInput: 21}
	results := dendrite.Forward(context.Background(), d, axons, req, 5*time.Second)
	require.Len(t, results, 3)
	for i, r := range results {
		require.True(t, r.OK(), "%d: %d %s", i, r.StatusCode, r.StatusMessage)
		require.Equal(t, 200, r.StatusCode)
		require.Equal(t, "Success", r.StatusMessage)
		require.Equal(t, axons[i], r.Axon)
		require.NotNil(t, r.Synapse.DummyOutput)
		require.Equal(t, 42, *r.Synapse.DummyOutput)
		require.Positive(t, r.Latency)
		require.Equal(t, 200, r.Synapse.Dendrite.StatusCode)
		require.Equal(t, d.Hotkey(), r.Synapse.Dendrite.Hotkey)
		require.NoError(t, synapse.VerifyResponse(&r.Synapse.Base))
	}
	require.Nil(t, req.DummyOutput, "the caller's synapse is not modified")
	require.Empty(t, req.Dendrite.Hotkey)
}

func TestCall_Ping(t *testing.T) {
	d := newDendrite(t, dendrite.Options{VerifyResponses: true})
	r := dendrite.Call(context.Background(), d, startAxon(t, nil, nil), &synapse.Ping{}, time.Second)
	require.True(t, r.OK(), r.StatusMessage)
}

// TestCall_WireFormat checks what a Python axon receives from us.
func TestCall_WireFormat(t *testing.T) {
	var (
		header http.Header
		body   map[string]any
		path   string
	)
	info := fakeAxon(t, func(w http.ResponseWriter, r *http.Request) {
		header, path = r.Header.Clone(), r.URL.Path
		raw, _ := io.ReadAll(r.Body)
		require.NoError(t, json.Unmarshal(raw, &body))
		w.WriteHeader(http.StatusOK)
		w.Write(raw)
	})
	d := newDendrite(t, dendrite.Options{})
	r := dendrite.Call(context.Background(), d, info, &Dummy{DummyInput: 5}, 12*time.Second)
	require.True(t, r.OK(), r.StatusMessage)

	require.Equal(t, "/Dummy", path)
	require.Equal(t, "Dummy", header.Get("name"))
	require.Equal(t, "12.0", header.Get("timeout"))
	require.Equal(t, strconv.Itoa(synapse.VersionInt), header.Get("bt_header_dendrite_version"))
	require.Equal(t, d.Hotkey(), header.Get("bt_header_dendrite_hotkey"))
	require.Equal(t, d.UUID(), header.Get("bt_header_dendrite_uuid"))
	require.Equal(t, "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty", header.Get("bt_header_axon_hotkey"))
	require.Equal(t, "MA==", header.Get("bt_header_input_obj_dummy_input"))
	require.Equal(t, "4fae6364bdbf7a0def40e782ea7656d4bc96dd42a6eaf71d62b977d74e733ecf", header.Get("computed_body_hash"))
	require.Equal(t, "application/json", header.Get("Content-Type"))
	require.Empty(t, header.Values("Idempotency-Key"))
	nonce, err := strconv.ParseInt(header.Get("bt_header_dendrite_nonce"), 10, 64)
	require.NoError(t, err)
	require.InDelta(t, time.Now().UnixNano(), nonce, float64(10*time.Second))

	// The body is the whole synapse, as model_dump; unset terminal fields
	// are left out (pydantic reads them as None).
	for _, k := range []string{"name", "timeout", "total_size", "header_size", "dendrite", "axon", "computed_body_hash", "dummy_input", "dummy_output"} {
		require.Contains(t, body, k)
	}
	require.Nil(t, body["dummy_output"])
	require.NotContains(t, body["dendrite"], "status_code")
	require.Equal(t, header.Get("bt_header_dendrite_signature"), body["dendrite"].(map[string]any)["signature"])

	// The signature verifies at the axon the request names.
	hb, err := synapse.FromHeaders(header)
	require.NoError(t, err)
	_, err = synapse.VerifyRequest(&hb, "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty")
	require.NoError(t, err)
}

func TestCall_Failures(t *testing.T) {
	d := newDendrite(t, dendrite.Options{MaxResponseBytes: 1 << 10})
	closedPort := func() synapse.AxonInfo {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		ln.Close()
		return infoOf(t, addr)
	}()
	hang := make(chan struct{})
	defer close(hang) // before the servers' cleanup, which waits for handlers
	for _, c := range []struct {
		name string
		ax   synapse.AxonInfo
		code int
		msg  string
		is   error
	}{
		{"connection refused", closedPort, 503, "Service unavailable at 127.0.0.1:" + strconv.Itoa(int(closedPort.Port)) + "/Dummy", dendrite.ErrUnavailable},
		{"not serving", synapse.AxonInfo{IP: netip.IPv4Unspecified(), Port: 8091}, 503, "the axon is not serving", dendrite.ErrUnavailable},
		{"hanging axon", fakeAxon(t, func(w http.ResponseWriter, r *http.Request) {
			io.ReadAll(r.Body) // so that the server notices the client leave
			select {
			case <-hang:
			case <-r.Context().Done():
			}
		}), 408, "Request timeout after 0.2 seconds", dendrite.ErrTimeout},
		{"refused by the axon", startAxon(t, nil, func(c *axon.Config) { c.AllowUnregistered = false; c.Peers = axon.StaticPeers{} }),
			403, "Forbidden. Key is blacklisted: Unrecognized hotkey", nil},
		{"garbage answer", fakeAxon(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>")) }),
			422, "Failed to parse response", nil},
		{"answer too large", fakeAxon(t, func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 4<<10)) }),
			400, "Payload error: response exceeds 1024 bytes", nil},
		{"connection dropped", fakeAxon(t, func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			require.NoError(t, err)
			conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"))
			conn.Close()
		}), 503, "Service disconnected", dendrite.ErrUnavailable},
		{"error answer not in Python form", fakeAxon(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
		}), 502, "Bad Gateway", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := &Dummy{DummyInput: 1}
			r := dendrite.Call(context.Background(), d, c.ax, req, 200*time.Millisecond)
			require.False(t, r.OK())
			require.Equal(t, c.code, r.StatusCode, r.StatusMessage)
			require.Contains(t, r.StatusMessage, c.msg)
			var de *dendrite.Error
			require.ErrorAs(t, r.Err, &de)
			require.Equal(t, c.code, de.StatusCode)
			if c.is != nil {
				require.ErrorIs(t, r.Err, c.is)
			}
			require.NotNil(t, r.Synapse)
			require.Equal(t, c.code, r.Synapse.Dendrite.StatusCode)
			require.Nil(t, req.DummyOutput)
		})
	}
}

func TestCall_Canceled(t *testing.T) {
	info := fakeAxon(t, func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	r := dendrite.Call(ctx, newDendrite(t, dendrite.Options{}), info, &Dummy{}, 10*time.Second)
	require.Equal(t, dendrite.StatusCanceled, r.StatusCode)
	require.ErrorIs(t, r.Err, context.Canceled)
}

func TestCall_VerifyResponses(t *testing.T) {
	// An answer signed by someone else than the axon queried is refused.
	impostor := pair(t, "//Eve")
	info := fakeAxon(t, func(w http.ResponseWriter, r *http.Request) {
		var d Dummy
		raw, _ := io.ReadAll(r.Body)
		json.Unmarshal(raw, &d)
		d.Axon.Nonce, d.Axon.UUID, d.Axon.StatusCode = time.Now().UnixNano(), "x", 200
		synapse.SignResponse(impostor, &d.Base)
		out, _ := json.Marshal(&d)
		w.Write(out)
	})
	r := dendrite.Call(context.Background(), newDendrite(t, dendrite.Options{VerifyResponses: true}), info, &Dummy{}, time.Second)
	require.Equal(t, http.StatusUnauthorized, r.StatusCode, r.StatusMessage)
	require.Contains(t, r.StatusMessage, "Axon signature mismatch")
	r = dendrite.Call(context.Background(), newDendrite(t, dendrite.Options{}), info, &Dummy{}, time.Second)
	require.True(t, r.OK(), "not checked by default, as in Python")
}

// TestCall_OwnExternalIP checks that an axon published at our own external
// IP is reached on loopback.
func TestCall_OwnExternalIP(t *testing.T) {
	info := startAxon(t, nil, nil)
	info.IP = netip.MustParseAddr("203.0.113.9")
	d := newDendrite(t, dendrite.Options{ExternalIP: "203.0.113.9"})
	r := dendrite.Call(context.Background(), d, info, &Dummy{DummyInput: 1}, time.Second)
	require.True(t, r.OK(), r.StatusMessage)
	require.Equal(t, "203.0.113.9", r.Synapse.Axon.IP)
}

// TestForward_ManyAxons fans out to many in-process axons, a tenth of which
// hang and a tenth of which are down: every result is there with the right
// status when Forward returns.
func TestForward_ManyAxons(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	hang := make(chan struct{})
	defer close(hang)
	hanging := func(ctx context.Context, d *Dummy) error {
		select {
		case <-hang:
		case <-ctx.Done():
		}
		return ctx.Err()
	}
	axons := make([]synapse.AxonInfo, n)
	for i := range axons {
		switch i % 10 {
		case 3:
			axons[i] = startAxon(t, hanging, nil)
		case 7:
			axons[i] = synapse.AxonInfo{IP: netip.MustParseAddr("127.0.0.1"), Port: 1, Hotkey: pair(t, "//Bob").Public()}
		default:
			axons[i] = startAxon(t, nil, nil)
		}
	}
	d := newDendrite(t, dendrite.Options{})
	timeout := 3 * time.Second // generous: the axons share the CPU with the test
	start := time.Now()
	results := dendrite.Forward(context.Background(), d, axons, &Dummy{DummyInput: 4}, timeout)
	elapsed := time.Since(start)
	t.Logf("%d axons: all results in %v (timeout %v)", n, elapsed, timeout)
	require.Len(t, results, n)
	for i, r := range results {
		want := 200
		switch i % 10 {
		case 3:
			want = 408
		case 7:
			want = 503
		}
		require.Equal(t, want, r.StatusCode, "axon %d: %s", i, r.StatusMessage)
		if want == 200 {
			require.Equal(t, 8, *r.Synapse.DummyOutput)
		}
	}
}

func TestForward_ConcurrencyBound(t *testing.T) {
	// With one request in flight at a time and every axon hanging, the
	// first query uses up the deadline and the rest time out unsent.
	info := fakeAxon(t, func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		<-r.Context().Done()
	})
	d := newDendrite(t, dendrite.Options{MaxConcurrency: 1})
	results := dendrite.Forward(context.Background(), d, []synapse.AxonInfo{info, info, info}, &Dummy{}, 100*time.Millisecond)
	for _, r := range results {
		require.Equal(t, 408, r.StatusCode)
		require.ErrorIs(t, r.Err, dendrite.ErrTimeout)
		require.GreaterOrEqual(t, r.Latency, 100*time.Millisecond, "latency counts from the start of Forward")
	}
}

// Prompt is a streaming synapse framed by lines.
type Prompt struct {
	synapse.Base
	Text string `json:"text"`
}

func (p *Prompt) HashFields() []any { return []any{p.Text} }

// Lines frames Prompt streams by line.
type Lines struct{ Prompt }

func (*Lines) SynapseName() string          { return "Prompt" }
func (*Lines) SplitStream() bufio.SplitFunc { return bufio.ScanLines }

func TestStream(t *testing.T) {
	ax, err := axon.New(pair(t, "//Bob"), axon.Config{AllowUnregistered: true, IP: "127.0.0.1"})
	require.NoError(t, err)
	require.NoError(t, axon.AttachStream(ax, func(ctx context.Context, p *Prompt, w *axon.StreamWriter) error {
		for _, word := range strings.Fields(p.Text) {
			if _, err := w.Write([]byte(word + "\n")); err != nil {
				return err
			}
			if word == "hang" {
				<-ctx.Done()
				return ctx.Err()
			}
		}
		return nil
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	require.NoError(t, ax.StartListener(context.Background(), ln))
	defer ax.Stop(context.Background())
	info := infoOf(t, ln.Addr().String())
	d := newDendrite(t, dendrite.Options{})

	var chunks []string
	collect := func(c []byte) error { chunks = append(chunks, string(c)); return nil }
	r := dendrite.Stream(context.Background(), d, info, &Lines{Prompt{Text: "a bb ccc"}}, time.Second, collect)
	require.True(t, r.OK(), r.StatusMessage)
	require.Equal(t, []string{"a", "bb", "ccc"}, chunks)
	require.Equal(t, 200, r.Synapse.Axon.StatusCode, "fields from the answer's headers")
	require.Equal(t, "a bb ccc", r.Synapse.Text)

	// A stream cut by our deadline keeps what arrived.
	chunks = nil
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	r = dendrite.Stream(ctx, d, info, &Lines{Prompt{Text: "x hang y"}}, 10*time.Second, collect)
	require.Equal(t, 408, r.StatusCode, r.StatusMessage)
	require.Equal(t, []string{"x", "hang"}, chunks)

	// onChunk can stop the stream.
	stop := errors.New("enough")
	raw := dendrite.Stream(context.Background(), d, info, &Prompt{Text: "p q r"}, time.Second, func([]byte) error { return stop })
	require.ErrorIs(t, raw.Err, stop)
	require.Equal(t, 200, raw.StatusCode)
}

func TestNew_Options(t *testing.T) {
	_, err := dendrite.New(nil, dendrite.Options{})
	require.ErrorIs(t, err, dendrite.ErrOptions)
	_, err = dendrite.New(pair(t, "//Alice"), dendrite.Options{ExternalIP: "my.host"})
	require.ErrorIs(t, err, dendrite.ErrOptions)
	_, err = dendrite.New(pair(t, "//Alice"), dendrite.Options{MaxConcurrency: -1})
	require.ErrorIs(t, err, dendrite.ErrOptions)
}
