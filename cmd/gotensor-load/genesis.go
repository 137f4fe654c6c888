package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/node"
	"github.com/gotensor/gotensor/tao"
)

// runGenesis measures a chain with many funded accounts: writing the
// genesis, the node's first start (InitChain over the genesis), a restart,
// balance-query latency and the node's memory. The node runs as a child
// process (`gotensor node start`) so its memory is its own.
func runGenesis(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("genesis", flag.ExitOnError)
	accounts := fs.Int("accounts", 1_000_000, "funded accounts in the genesis (besides the dev accounts)")
	queries := fs.Int("queries", 2000, "balance queries of random accounts")
	bin := fs.String("bin", "", "gotensor binary (default: gotensor next to this program, else in PATH)")
	home := fs.String("home", "", "node home (default: temporary, removed)")
	_ = fs.Parse(args)
	gotensor, err := findGotensor(*bin)
	if err != nil {
		return err
	}
	if *home == "" {
		dir, err := os.MkdirTemp("", "gotensor-genesis-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*home = dir
	}

	start := time.Now()
	g := chain.DevGenesis(node.LocalnetChainID)
	for i := range *accounts {
		g.Accounts = append(g.Accounts, chain.GenesisAccount{Address: fillerAccount(i), Balance: tao.RaoPerTAO})
	}
	appState, err := json.Marshal(g)
	if err != nil {
		return err
	}
	g.Accounts = nil
	apiAddr := freeAddr()
	cfg := node.DefaultConfig()
	cfg.APIAddr, cfg.MetricsAddr, cfg.LogLevel = apiAddr, "", "warn"
	if _, err := node.Init(*home, node.InitOptions{
		ChainID: node.LocalnetChainID, AppState: appState, Config: cfg, Standalone: true,
		RPCAddr: "off", P2PAddr: freeAddr(), BlockTime: 500 * time.Millisecond,
	}); err != nil {
		return err
	}
	size := len(appState)
	appState = nil
	fmt.Printf("genesis: %d accounts, app_state %.1f MiB, written in %s\n",
		*accounts+len(chain.DevAccounts), float64(size)/(1<<20), time.Since(start).Round(time.Millisecond))

	c, err := client.New("http://"+apiAddr, client.Options{Timeout: 10 * time.Second})
	if err != nil {
		return err
	}
	// First start: CometBFT reads the genesis, the app runs InitChain.
	first, d, err := startChild(ctx, gotensor, *home, c, 1)
	if err != nil {
		return err
	}
	fmt.Printf("first start (genesis load, InitChain, first block): %s\n", d.Round(time.Millisecond))
	st, err := c.Status(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("  total issuance %s\n", st.TotalIssuance)
	fmt.Printf("  node RSS after the first block: %.0f MiB (peak %.0f MiB)\n", childRSS(first.Process.Pid, "VmRSS"), childRSS(first.Process.Pid, "VmHWM"))
	height := st.Height
	if err := stopChild(first); err != nil {
		return err
	}

	// Restart: the store is opened at its last version, no genesis work.
	second, d, err := startChild(ctx, gotensor, *home, c, height+1)
	if err != nil {
		return err
	}
	defer stopChild(second)
	fmt.Printf("restart (open, handshake, next block): %s\n", d.Round(time.Millisecond))

	lat := make([]time.Duration, 0, *queries)
	for range *queries {
		i := rand.IntN(*accounts)
		t0 := time.Now()
		a, err := c.Account(ctx, fillerAccount(i))
		if err != nil {
			return err
		}
		lat = append(lat, time.Since(t0))
		if a.Free != tao.RaoPerTAO {
			return fmt.Errorf("account %d holds %s, want τ1", i, a.Free)
		}
	}
	p := percentiles(lat, 50, 90, 99, 100)
	fmt.Printf("balance query (GET /v1/accounts, %d random accounts, one connection): p50 %s, p90 %s, p99 %s, max %s\n",
		*queries, ms(p[0]), ms(p[1]), ms(p[2]), ms(p[3]))
	fmt.Printf("node RSS after the queries: %.0f MiB (peak since restart %.0f MiB)\n",
		childRSS(second.Process.Pid, "VmRSS"), childRSS(second.Process.Pid, "VmHWM"))
	return nil
}

// findGotensor locates the gotensor binary.
func findGotensor(bin string) (string, error) {
	if bin != "" {
		return bin, nil
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), "gotensor")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	p, err := exec.LookPath("gotensor")
	if err != nil {
		return "", errors.New("no gotensor binary: build it (go build ./cmd/gotensor) and pass --bin")
	}
	return p, nil
}

// startChild runs `gotensor node start` on home and waits until the API
// reports height h; it returns the process and the time that took.
func startChild(ctx context.Context, bin, home string, c *client.Client, h int64) (*exec.Cmd, time.Duration, error) {
	start := time.Now()
	cmd := exec.Command(bin, "node", "start", "--home", home, "--quiet")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	for {
		st, err := c.Status(ctx)
		if err == nil && st.Height >= h {
			return cmd, time.Since(start), nil
		}
		select {
		case <-ctx.Done():
			_ = cmd.Process.Kill()
			return nil, 0, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// stopChild sends SIGINT and waits for a clean exit.
func stopChild(cmd *exec.Cmd) error {
	_ = cmd.Process.Signal(syscall.SIGINT)
	return cmd.Wait()
}

// childRSS reads a memory figure (VmRSS, VmHWM) of a process in MiB.
func childRSS(pid int, field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field+":") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, field+":")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "127.0.0.1:0"
	}
	defer l.Close()
	return l.Addr().String()
}
