package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/node"
	"github.com/gotensor/gotensor/tao"
)

// senderPairs derives n deterministic load-test keys in parallel.
func senderPairs(n int) []*keys.Pair {
	out := make([]*keys.Pair, n)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				seed := sha256.Sum256(fmt.Appendf(nil, "gotensor-load/sender/%d", i))
				p, err := keys.FromSeed(seed[:])
				if err != nil {
					panic(err) // a 32-byte seed is always valid
				}
				out[i] = p
			}
		}()
	}
	wg.Wait()
	return out
}

// fillerAccount is the i-th extra genesis account: a fixed 32-byte id no
// one holds the key of (receiving needs no valid key).
func fillerAccount(i int) tao.AccountID {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(i))
	return tao.AccountID(sha256.Sum256(append([]byte("gotensor-load/filler/"), b[:]...)))
}

// localOptions describe an in-process node for a measurement.
type localOptions struct {
	home      string
	senders   []*keys.Pair
	fillers   int
	blockTime time.Duration
	indexer   string // CometBFT tx indexer: kv or null
	apiAddr   string
}

// initLocal writes a localnet home whose genesis funds the senders and
// fillers on top of the dev accounts, and returns the time taken.
func initLocal(o localOptions) (time.Duration, int64, error) {
	start := time.Now()
	var size int64
	genesis := func(id string) (json.RawMessage, error) {
		g := chain.DevGenesis(id)
		for _, p := range o.senders {
			g.Accounts = append(g.Accounts, chain.GenesisAccount{Address: p.Public(), Balance: 1000 * tao.RaoPerTAO})
		}
		for i := range o.fillers {
			g.Accounts = append(g.Accounts, chain.GenesisAccount{Address: fillerAccount(i), Balance: tao.RaoPerTAO})
		}
		b, err := json.Marshal(g)
		size = int64(len(b))
		return b, err
	}
	n, _, err := node.OpenLocalnet(node.LocalnetOptions{
		Home: o.home, Genesis: genesis, BlockTime: o.blockTime, APIAddr: "off", RPCAddr: "off",
		P2PAddr: "127.0.0.1:0", Logger: quietLogger(),
	})
	if err != nil {
		return 0, 0, err
	}
	// Opening ran no block yet; the node is closed again so that the run
	// measures a fresh start with the wanted settings.
	if err := n.Stop(); err != nil {
		return 0, 0, err
	}
	if o.indexer != "" && o.indexer != "kv" {
		if err := setIndexer(o.home, o.indexer); err != nil {
			return 0, 0, err
		}
	}
	return time.Since(start), size, nil
}

// setIndexer switches CometBFT's transaction indexer in config.toml.
func setIndexer(home, indexer string) error {
	path := filepath.Join(home, "config", "config.toml")
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := strings.Replace(string(b), `indexer = "kv"`, fmt.Sprintf("indexer = %q", indexer), 1)
	return os.WriteFile(path, []byte(s), 0o644)
}

// openLocal opens the node of an initialised home.
func openLocal(home, apiAddr string) (*node.Node, error) {
	return node.New(home, node.Options{
		APIAddr: apiAddr, RPCAddr: "off", P2PAddr: "127.0.0.1:0", MetricsAddr: "off", Logger: quietLogger(),
	})
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// cpuTime returns the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS returns this process's peak resident memory in MiB (Linux).
func peakRSS() float64 { return childRSS(os.Getpid(), "VmHWM") }
