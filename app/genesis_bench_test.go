package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gotensor/gotensor/app"
	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
)

// BenchmarkGenesis1M loads a genesis of 1,000,000 funded accounts into a
// leveldb-backed app (InitChain and the first Commit), restarts it, and
// reads random balances, reporting each figure as a metric: genesis-s,
// restart-ms, query-µs, peak RSS (MiB, the whole test process, genesis JSON
// included) and the Go heap in use after the restart. Run it alone:
//
//	go test ./app -run '^$' -bench Genesis1M -benchtime 1x
func BenchmarkGenesis1M(b *testing.B) {
	const n = 1_000_000
	g := chain.DefaultGenesis()
	ids := make([]tao.AccountID, n)
	for i := range ids {
		ids[i] = tao.AccountID(sha256.Sum256(binary.BigEndian.AppendUint64(nil, uint64(i))))
		g.Accounts = append(g.Accounts, chain.GenesisAccount{Address: ids[i], Balance: tao.Rao(1_000 + i)})
	}
	appState, err := json.Marshal(g)
	if err != nil {
		b.Fatal(err)
	}
	g = chain.Genesis{}
	runtime.GC()
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		cfg := app.Config{Dir: dir, Store: store.Options{KeepRecent: 100}}
		a, err := app.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, err := a.InitChain(ctx, &abci.RequestInitChain{ChainId: "big", AppStateBytes: appState, InitialHeight: 1, Time: time.Unix(0, 0)}); err != nil {
			b.Fatal(err)
		}
		if _, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: 1, Time: time.Unix(1, 0)}); err != nil {
			b.Fatal(err)
		}
		if _, err := a.Commit(ctx, &abci.RequestCommit{}); err != nil {
			b.Fatal(err)
		}
		genesis := time.Since(start)
		if err := a.Close(); err != nil {
			b.Fatal(err)
		}
		runtime.GC()

		start = time.Now()
		if a, err = app.New(cfg); err != nil {
			b.Fatal(err)
		}
		info, err := a.Info(ctx, &abci.RequestInfo{})
		if err != nil || info.LastBlockHeight != 1 {
			b.Fatalf("restart: height %d, %v", info.LastBlockHeight, err)
		}
		restart := time.Since(start)

		const queries = 10_000
		start = time.Now()
		for q := 0; q < queries; q++ {
			st, _, _ := a.LatestState()
			k := (q * 7919) % n
			if got := st.Account(ids[k]).Free; got != tao.Rao(1_000+k) {
				b.Fatalf("account %d: %d", k, got)
			}
		}
		query := time.Since(start) / queries
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(genesis.Seconds(), "genesis-s")
		b.ReportMetric(float64(restart.Milliseconds()), "restart-ms")
		b.ReportMetric(float64(query.Nanoseconds())/1e3, "query-µs")
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
		b.ReportMetric(peakRSSMiB(), "peak-rss-MiB")
		a.Close()
	}
}

// peakRSSMiB reads the process's peak resident set size (Linux).
func peakRSSMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
