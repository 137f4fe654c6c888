package dendrite_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/gotensor/gotensor/sdk/dendrite"
	"github.com/gotensor/gotensor/sdk/synapse"
)

// BenchmarkForward_1000Axons queries 1,000 in-process axons (real TCP on
// loopback, each verifying and signing). "healthy": all answer; the
// figure is the time for every result. "10pct_hanging": a tenth never
// answer; overrun_ms is how long after the timeout Forward returned.
func BenchmarkForward_1000Axons(b *testing.B) {
	const n = 1000
	hang := make(chan struct{})
	b.Cleanup(func() { close(hang) })
	healthy := make([]synapse.AxonInfo, n)
	for i := range healthy {
		healthy[i] = startAxon(b, nil, nil)
	}
	hanging := make([]synapse.AxonInfo, n)
	copy(hanging, healthy)
	for i := 0; i < n; i += 10 {
		hanging[i] = startAxon(b, func(ctx context.Context, d *Dummy) error {
			select {
			case <-hang:
			case <-ctx.Done():
			}
			return ctx.Err()
		}, nil)
	}
	d := newDendrite(b, dendrite.Options{})
	// Open the connections once, as a long-running validator has them.
	dendrite.Forward(context.Background(), d, hanging, &Dummy{}, 5*time.Second)

	b.Run("healthy", func(b *testing.B) {
		for b.Loop() {
			for i, r := range dendrite.Forward(context.Background(), d, healthy, &Dummy{DummyInput: 1}, 5*time.Second) {
				if !r.OK() {
					b.Fatalf("axon %d: %d %s", i, r.StatusCode, r.StatusMessage)
				}
			}
		}
	})
	b.Run("10pct_hanging", func(b *testing.B) {
		const timeout = 2 * time.Second
		var worst time.Duration
		for b.Loop() {
			start := time.Now()
			results := dendrite.Forward(context.Background(), d, hanging, &Dummy{DummyInput: 1}, timeout)
			worst = max(worst, time.Since(start)-timeout)
			for i, r := range results {
				if want := map[bool]int{true: 408, false: 200}[i%10 == 0]; r.StatusCode != want {
					b.Fatalf("axon %d: %d %s", i, r.StatusCode, r.StatusMessage)
				}
			}
		}
		b.ReportMetric(float64(worst.Microseconds())/1000, "worst_overrun_ms")
	})
}

// BenchmarkCall measures the dendrite's own cost per query (sign, encode,
// send, read, decode) against a server that answers a canned synapse.
func BenchmarkCall(b *testing.B) {
	canned := []byte(`{"name":"Dummy","timeout":12,"total_size":0,"header_size":0,"dendrite":{},"axon":{"status_code":200,"status_message":"Success"},"computed_body_hash":"","dummy_input":1,"dummy_output":2}`)
	info := fakeAxon(b, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("bt_header_axon_status_code", "200")
		w.Write(canned)
	})
	d := newDendrite(b, dendrite.Options{})
	b.ReportAllocs()
	for b.Loop() {
		if r := dendrite.Call(context.Background(), d, info, &Dummy{DummyInput: 1}, 5*time.Second); !r.OK() {
			b.Fatal(r.StatusMessage)
		}
	}
}
