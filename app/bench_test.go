package app_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gotensor/gotensor/app"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// BenchmarkFinalizeBlockTransfers executes blocks of 5,000 pre-signed
// transfers between 10,000 funded accounts through FinalizeBlock and Commit
// on a leveldb store with fsync. "verify" starts with an empty signature
// cache, so the block's signatures are batch-verified inside FinalizeBlock;
// "checked" first passes the transactions through CheckTx (as a node's
// mempool does) and measures the block alone. Besides wall time it reports
// cpu-ms/block, the process CPU time (all threads, leveldb's compactions
// included) per block, which stays meaningful on a busy machine.
func BenchmarkFinalizeBlockTransfers(b *testing.B) {
	for _, checked := range []bool{false, true} {
		name := "verify"
		if checked {
			name = "checked"
		}
		b.Run(name, func(b *testing.B) { benchmarkBlocks(b, 5000, checked) })
	}
}

func benchmarkBlocks(b *testing.B, perBlock int, checked bool) {
	accounts := testutil.Pairs(b, "bench", 2*perBlock)
	g := testutil.Genesis(1_000*tao.RaoPerTAO, accounts...)
	h := testutil.OpenHarness(b, app.Config{Dir: b.TempDir(), Store: store.Options{KeepRecent: 100}}, g)
	ctx := context.Background()
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		txs := make([][]byte, perBlock)
		for j := range txs {
			from := accounts[(i*perBlock+j)%len(accounts)]
			to := accounts[(i*7919+j*31)%len(accounts)].Public()
			txs[j] = h.Tx(from, tx.Transfer{Dest: to, Amount: 1_000_000})
		}
		if checked {
			for _, raw := range txs {
				if res := h.CheckTx(raw); res.Code != 0 {
					b.Fatal(res.Log)
				}
			}
		}
		height := h.Height + 1
		cpu0 := cpuTime()
		b.StartTimer()
		res, err := h.App.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Txs: txs, Height: height, Time: testutil.GenesisTime.Add(time.Duration(height) * time.Second)})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := h.App.Commit(ctx, &abci.RequestCommit{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += cpuTime() - cpu0
		h.Height = height
		for _, r := range res.TxResults {
			if r.Code != 0 {
				b.Fatalf("code %d: %s", r.Code, r.Log)
			}
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(perBlock*b.N)/b.Elapsed().Seconds(), "tx/s")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/block")
}

// cpuTime returns the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
