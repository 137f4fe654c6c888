package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// transferConfig are the flags of `gotensor-load transfers`.
type transferConfig struct {
	network   string
	senders   int
	txs       int
	workers   int
	batch     int
	rate      int
	blockTime time.Duration
	indexer   string
	home      string
	settle    time.Duration
	profile   string
}

func runTransfers(ctx context.Context, args []string) error {
	var cfg transferConfig
	fs := flag.NewFlagSet("transfers", flag.ExitOnError)
	fs.StringVar(&cfg.network, "network", "", "API URL of a running node (default: an in-process localnet in a temporary home)")
	fs.IntVar(&cfg.senders, "senders", 2000, "sending accounts (each sends txs/senders transfers, nonces in order)")
	fs.IntVar(&cfg.txs, "txs", 60000, "transfers to submit")
	fs.IntVar(&cfg.workers, "workers", 64, "concurrent submitting connections")
	fs.IntVar(&cfg.batch, "batch", 1, "transactions per request (above 1: POST /v1/txs)")
	fs.IntVar(&cfg.rate, "rate", 0, "submissions per second (0: as fast as the node takes them)")
	fs.DurationVar(&cfg.blockTime, "block-time", 500*time.Millisecond, "in-process node: pause between blocks")
	fs.StringVar(&cfg.indexer, "indexer", "kv", "in-process node: CometBFT tx indexer (kv or null)")
	fs.StringVar(&cfg.home, "home", "", "in-process node: home directory (default: temporary, removed)")
	fs.DurationVar(&cfg.settle, "settle", 60*time.Second, "how long to wait for the last inclusions")
	fs.StringVar(&cfg.profile, "cpuprofile", "", "write a CPU profile of the submission phase to `file`")
	_ = fs.Parse(args)
	if cfg.senders < 1 || cfg.txs < cfg.senders || cfg.workers < 1 || cfg.batch < 1 || cfg.batch > apitypes.MaxBatch {
		return fmt.Errorf("want senders ≥ 1, txs ≥ senders, workers ≥ 1, 1 ≤ batch ≤ %d", apitypes.MaxBatch)
	}

	// nodeHeight tells the committed height at each submission: the
	// node's own when it runs in-process, else the last block streamed.
	var nodeHeight func() int64
	fmt.Printf("deriving %d sender keys…\n", cfg.senders)
	pairs := senderPairs(cfg.senders)
	url := cfg.network
	if url == "" {
		home := cfg.home
		if home == "" {
			dir, err := os.MkdirTemp("", "gotensor-load-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			home = dir
		}
		if _, _, err := initLocal(localOptions{home: home, senders: pairs, blockTime: cfg.blockTime, indexer: cfg.indexer}); err != nil {
			return err
		}
		n, err := openLocal(home, "127.0.0.1:0")
		if err != nil {
			return err
		}
		if err := n.Start(); err != nil {
			return err
		}
		defer n.Stop()
		if err := n.WaitForHeight(ctx, n.Height()+1); err != nil {
			return err
		}
		url = n.APIURL()
		nodeHeight = n.Height
		fmt.Printf("in-process node: %s, block time %s, tx indexer %s\n", url, cfg.blockTime, cfg.indexer)
	}
	c, err := client.New(url, client.Options{Timeout: 30 * time.Second})
	if err != nil {
		return err
	}
	if cfg.network != "" {
		if err := fund(ctx, c, pairs); err != nil {
			return err
		}
	}
	signed, err := presign(ctx, c, pairs, cfg.txs/cfg.senders)
	if err != nil {
		return err
	}
	return measure(ctx, c, signed, cfg, nodeHeight)
}

// fund gives every sender 100 TAO from //Alice on a remote node.
func fund(ctx context.Context, c *client.Client, pairs []*keys.Pair) error {
	alice, err := keys.FromURI("//Alice")
	if err != nil {
		return err
	}
	s, err := c.NewSender(ctx, alice)
	if err != nil {
		return err
	}
	fmt.Printf("funding %d senders from //Alice…\n", len(pairs))
	for i, p := range pairs {
		wait := i == len(pairs)-1
		if _, err := s.Send(ctx, tx.Transfer{Dest: p.Public(), Amount: 100 * tao.RaoPerTAO}, wait); err != nil {
			return fmt.Errorf("funding sender %d: %w", i, err)
		}
	}
	return nil
}

// presign signs perSender transfers for every sender, in nonce order, in
// parallel: signed[i] are sender i's transactions.
func presign(ctx context.Context, c *client.Client, pairs []*keys.Pair, perSender int) ([][][]byte, error) {
	st, err := c.Status(ctx)
	if err != nil {
		return nil, err
	}
	fmt.Printf("pre-signing %d transfers…\n", perSender*len(pairs))
	start := time.Now()
	signed := make([][][]byte, len(pairs))
	var wg sync.WaitGroup
	var firstErr atomic.Value
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(pairs); i += workers {
				acct, err := c.Account(ctx, pairs[i].Public())
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				dest := pairs[(i+1)%len(pairs)].Public()
				for k := range perSender {
					raw, err := tx.Sign(pairs[i], tx.Body{
						ChainID: st.ChainID, GenesisHash: [32]byte(st.GenesisHash), Nonce: acct.Nonce + uint64(k),
						Call: tx.Transfer{Dest: dest, Amount: tao.Rao(1000 + k)},
					})
					if err != nil {
						firstErr.CompareAndSwap(nil, err)
						return
					}
					signed[i] = append(signed[i], raw)
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return nil, err
	}
	fmt.Printf("  signed in %s\n", time.Since(start).Round(time.Millisecond))
	return signed, nil
}

// submit sends txs, one request each or as one batch, and returns each
// one's hash and refusal.
func submit(ctx context.Context, c *client.Client, txs [][]byte) ([][32]byte, []error) {
	hashes := make([][32]byte, len(txs))
	errs := make([]error, len(txs))
	if len(txs) == 1 {
		res, err := c.SubmitTx(ctx, txs[0], false)
		if err == nil {
			hashes[0] = [32]byte(res.Hash)
		}
		errs[0] = err
		return hashes, errs
	}
	res, err := c.SubmitTxs(ctx, txs)
	for i := range txs {
		if err != nil {
			errs[i] = err
			continue
		}
		hashes[i] = [32]byte(res.Results[i].Hash)
		errs[i] = client.SubmissionError(res.Results[i])
	}
	return hashes, errs
}

// sent is what the load generator knows of one submitted transaction.
type sent struct {
	at     time.Time
	height int64 // last committed height when submitted
}

// included is a transaction seen in a committed block.
type included struct {
	height int64
	at     time.Time // when the block reached the generator
	code   uint32
}

func measure(ctx context.Context, c *client.Client, signed [][][]byte, cfg transferConfig, nodeHeight func() int64) error {
	var (
		latest    atomic.Int64
		mu        sync.Mutex // guards submitted, seen, blocks
		submitted = map[[32]byte]sent{}
		seen      = map[[32]byte]included{}
		blocks    []apitypes.Block
	)
	st, err := c.Status(ctx)
	if err != nil {
		return err
	}
	latest.Store(st.Height)
	if nodeHeight == nil {
		nodeHeight = latest.Load
	}
	sub, err := c.SubscribeWith(ctx, 0, client.StreamOptions{Brief: true})
	if err != nil {
		return err
	}
	go func() {
		for b := range sub {
			now := time.Now()
			mu.Lock()
			for _, t := range b.Txs {
				seen[[32]byte(t.Hash)] = included{height: b.Height, at: now, code: t.Code}
			}
			b.Txs = nil
			blocks = append(blocks, b)
			mu.Unlock()
			latest.Store(b.Height)
		}
	}()

	total := 0
	for _, s := range signed {
		total += len(s)
	}
	fmt.Printf("submitting %d transfers from %d senders over %d connections, %d per request", total, len(signed), cfg.workers, cfg.batch)
	if cfg.rate > 0 {
		fmt.Printf(" at %d/s", cfg.rate)
	}
	fmt.Println("…")

	var rejected, failedSubmit atomic.Int64
	var rejectMsg atomic.Value
	var pace <-chan struct{}
	if cfg.rate > 0 {
		// Tokens are due by elapsed time, not counted per tick, so ticks
		// the scheduler delays or drops do not lower the rate.
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		ch := make(chan struct{}, cfg.rate)
		go func() {
			t0 := time.Now()
			issued := 0
			for range tick.C {
				due := int(time.Since(t0).Seconds() * float64(cfg.rate))
				for ; issued < due; issued++ {
					select {
					case ch <- struct{}{}:
					case <-ctx.Done():
						return
					}
				}
			}
		}()
		pace = ch
	}
	if cfg.profile != "" {
		f, err := os.Create(cfg.profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	cpu0 := cpuTime()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range cfg.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine [][][]byte
			for i := w; i < len(signed); i += cfg.workers {
				mine = append(mine, signed[i])
			}
			// Round-robin over this worker's senders keeps each sender's
			// nonces in order, within and across batches.
			var queue [][]byte
			for k := 0; ; k++ {
				more := false
				for _, txs := range mine {
					if k < len(txs) {
						queue = append(queue, txs[k])
						more = true
					}
				}
				if !more {
					break
				}
			}
			for len(queue) > 0 {
				n := min(cfg.batch, len(queue))
				chunk := queue[:n]
				queue = queue[n:]
				if pace != nil {
					for range n {
						select {
						case <-pace:
						case <-ctx.Done():
							return
						}
					}
				}
				s := sent{at: time.Now(), height: nodeHeight()}
				hashes, errs := submit(ctx, c, chunk)
				mu.Lock()
				for i, err := range errs {
					if err == nil {
						submitted[hashes[i]] = s
						continue
					}
					var te *client.TxError
					if errors.As(err, &te) {
						rejected.Add(1)
					} else {
						failedSubmit.Add(1)
					}
					rejectMsg.CompareAndSwap(nil, err.Error())
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	submitDur := time.Since(start)
	accepted := total - int(rejected.Load()) - int(failedSubmit.Load())
	fmt.Printf("  submitted in %s (%.0f/s): %d accepted, %d rejected, %d failed\n",
		submitDur.Round(time.Millisecond), float64(total)/submitDur.Seconds(), accepted, rejected.Load(), failedSubmit.Load())
	if m, ok := rejectMsg.Load().(string); ok {
		fmt.Printf("  first refusal: %s\n", m)
	}

	deadline := time.Now().Add(cfg.settle)
	for {
		mu.Lock()
		done := 0
		for h := range submitted {
			if _, ok := seen[h]; ok {
				done++
			}
		}
		mu.Unlock()
		if done == len(submitted) || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return report(submitted, seen, blocks, &mu, start, cpuTime()-cpu0)
}

func report(submitted map[[32]byte]sent, seen map[[32]byte]included, blocks []apitypes.Block, mu *sync.Mutex, start time.Time, cpu time.Duration) error {
	mu.Lock()
	defer mu.Unlock()
	var latBlocks []int64
	var latWall []time.Duration
	var last time.Time
	var okCount, failed int
	minH, maxH := int64(1<<62), int64(0)
	for h, s := range submitted {
		inc, ok := seen[h]
		if !ok {
			continue
		}
		if inc.code == 0 {
			okCount++
		} else {
			failed++
		}
		latBlocks = append(latBlocks, inc.height-s.height)
		latWall = append(latWall, inc.at.Sub(s.at))
		if inc.at.After(last) {
			last = inc.at
		}
		minH, maxH = min(minH, inc.height), max(maxH, inc.height)
	}
	missing := len(submitted) - len(latBlocks)
	span := last.Sub(start)
	fmt.Printf("\ncommitted: %d ok, %d failed in block, %d not seen\n", okCount, failed, missing)
	if span > 0 {
		fmt.Printf("throughput: %.0f committed tx/s (first submission to last inclusion, %s)\n",
			float64(okCount)/span.Seconds(), span.Round(time.Millisecond))
	}
	// Block-level figures over the blocks that carried load.
	var loadTxs int
	var first, lastB time.Time
	nb := 0
	for _, b := range blocks {
		if b.Height < minH || b.Height > maxH {
			continue
		}
		loadTxs += b.NumTxs
		if first.IsZero() {
			first = b.Time
		}
		lastB = b.Time
		nb++
	}
	if nb > 1 {
		d := lastB.Sub(first)
		fmt.Printf("blocks %d–%d: %d blocks, %.0f txs/block, %.2f s/block by header time, %.0f tx/s by header time\n",
			minH, maxH, nb, float64(loadTxs)/float64(nb), d.Seconds()/float64(nb-1), float64(loadTxs)/d.Seconds()*float64(nb)/float64(nb-1))
	}
	p := percentiles(latBlocks, 50, 90, 99, 100)
	fmt.Printf("inclusion latency in blocks: p50 %d, p90 %d, p99 %d, max %d\n", p[0], p[1], p[2], p[3])
	w := percentiles(latWall, 50, 90, 99, 100)
	fmt.Printf("inclusion latency in time:   p50 %s, p90 %s, p99 %s, max %s\n", ms(w[0]), ms(w[1]), ms(w[2]), ms(w[3]))
	if okCount > 0 {
		per := cpu / time.Duration(okCount)
		fmt.Printf("CPU time of this process: %s, %.0f µs per committed transfer (node and generator when in-process)\n",
			cpu.Round(time.Millisecond), float64(per)/float64(time.Microsecond))
	}
	fmt.Printf("peak RSS of this process (node + generator when in-process): %.0f MiB\n", peakRSS())
	if missing > 0 {
		return fmt.Errorf("%d accepted transfers were not seen in a block", missing)
	}
	return nil
}
