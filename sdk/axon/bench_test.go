package axon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gotensor/gotensor/sdk/axon"
	"github.com/gotensor/gotensor/sdk/synapse"
	"github.com/gotensor/gotensor/tao"
)

// signedRequests returns n signed Dummy requests from one dendrite instance
// (ascending nonces) as body and headers.
func signedRequests(b *testing.B, c *caller, axonHotkey string, n int) ([][]byte, []http.Header) {
	bodies, headers := make([][]byte, n), make([]http.Header, n)
	for i := range n {
		d := &Dummy{DummyInput: i}
		c.prepare(d, axonHotkey, 12)
		body, err := json.Marshal(d)
		if err != nil {
			b.Fatal(err)
		}
		h := http.Header{}
		synapse.WriteHeaders(h, d)
		h.Set("Content-Type", "application/json")
		bodies[i], headers[i] = body, h
	}
	return bodies, headers
}

// BenchmarkAxon_ServeHTTP measures the server's whole pipeline per signed
// request (signature verification, nonce, policy, body, admission, handler,
// signed answer) without the network: the CPU one request costs an axon.
func BenchmarkAxon_ServeHTTP(b *testing.B) {
	alice := newCaller(b, "//Alice")
	ax, err := axon.New(pair(b, "//Bob"), axon.Config{
		Peers: axon.StaticPeers{alice.pair.Public(): {Stake: tao.RaoPerTAO}}, Rate: -1,
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := axon.Attach(ax, func(_ context.Context, d *Dummy) error {
		out := d.DummyInput * 2
		d.DummyOutput = &out
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	bodies, headers := signedRequests(b, alice, pair(b, "//Bob").SS58(), b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		req := httptest.NewRequest(http.MethodPost, "/Dummy", bytes.NewReader(bodies[i]))
		req.Header = headers[i]
		w := httptest.NewRecorder()
		ax.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
