package api_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gotensor/gotensor/api"
	"github.com/gotensor/gotensor/api/apitest"
)

// BenchmarkSubmitTx measures the API's own cost of POST /v1/tx (HTTP,
// body parsing, hashing, the answer) with a mempool that accepts
// everything, over parallel keep-alive connections.
func BenchmarkSubmitTx(b *testing.B) {
	srv := api.New(api.Config{}, apitest.NewChain(), apitest.NewConsensus("bench"))
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	body := strings.Repeat("x", 200) // a transfer is about 200 bytes
	b.ReportAllocs()
	b.SetParallelism(16) // many connections, as a load generator has
	b.ResetTimer()
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			req, _ := http.NewRequest("POST", ts.URL+"/v1/tx", strings.NewReader(body+strconv.FormatInt(i, 10)))
			req.Header.Set("Content-Type", "application/octet-stream")
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body) // drained, so the connection is reused
			resp.Body.Close()
			if resp.StatusCode != http.StatusAccepted {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
}

// BenchmarkPublishBlock5000 measures turning a committed block of 5,000
// transfers (six events each) into the event-stream frame and resolving
// its commit waiters, which the node does once per block.
func BenchmarkPublishBlock5000(b *testing.B) {
	cons := apitest.NewConsensus("bench")
	srv := api.New(api.Config{}, apitest.NewChain(), cons)
	txs := make([][]byte, 5000)
	results := make([]*abci.ExecTxResult, 5000)
	for i := range txs {
		txs[i] = []byte(fmt.Sprintf("transfer %d %s", i, strings.Repeat("x", 180)))
		h := sha256.Sum256(txs[i])
		var evs []abci.Event
		for _, typ := range []string{"debit", "recycle", "debit", "credit", "transfer", "tx"} {
			evs = append(evs, abci.Event{Type: typ, Attributes: []abci.EventAttribute{
				{Key: "account", Value: "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"},
				{Key: "amount", Value: "1500000000"}, {Key: "reason", Value: fmt.Sprintf("%x", h[:2])},
			}})
		}
		results[i] = &abci.ExecTxResult{Events: evs}
	}
	block, res := cons.AddBlock(txs, results)
	// A subscriber, so the block is encoded.
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/v1/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	go func() {
		buf := make([]byte, 1<<20)
		for {
			if _, err := resp.Body.Read(buf); err != nil {
				return
			}
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		srv.PublishBlock(block, block.Hash(), res)
	}
}
