package node_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/node"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// The tests in this file run the real gotensor binary as child processes,
// so they can SIGKILL it.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	binDir    string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// gotensorBin builds cmd/gotensor once per test run.
func gotensorBin(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "gotensor-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "gotensor")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/gotensor/gotensor/cmd/gotensor").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// proc is a gotensor child process.
type proc struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	done   chan struct{}
}

// startProc runs gotensor with args and kills it (by pid) at cleanup.
func startProc(t *testing.T, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(gotensorBin(t), args...)
	p := &proc{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan struct{})}
	cmd.Stderr = &syncWriter{w: p.stderr}
	require.NoError(t, cmd.Start())
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.kill() })
	return p
}

// kill SIGKILLs the process and waits for it to exit.
func (p *proc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// interrupt sends SIGINT and returns the exit code.
func (p *proc) interrupt(t *testing.T) int {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGINT))
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("no exit 30 s after SIGINT")
	}
	return p.cmd.ProcessState.ExitCode()
}

// syncWriter serialises writes from the process's stderr copier.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

// waitHeight polls the API until the chain reaches h.
func waitHeight(ctx context.Context, t *testing.T, c *client.Client, h int64) int64 {
	t.Helper()
	for {
		st, err := c.Status(ctx)
		if err == nil && st.Height >= h {
			return st.Height
		}
		select {
		case <-ctx.Done():
			t.Fatalf("chain at %s did not reach height %d: %v", c.URL(), h, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func TestProcess_SIGKILLAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the gotensor binary")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	home := t.TempDir()
	apiAddr := node.FreeAddr(t)
	args := []string{"localnet", "--home", home, "--api-addr", apiAddr, "--rpc-addr", "off",
		"--p2p-addr", node.FreeAddr(t), "--block-time", "100ms"}
	p := startProc(t, args...)
	c, err := client.New("http://"+apiAddr, client.Options{Timeout: 5 * time.Second})
	require.NoError(t, err)
	waitHeight(ctx, t, c, 2)

	alice, bob, charlie, dave := mustPair(t, "//Alice"), mustPair(t, "//Bob"), mustPair(t, "//Charlie"), mustPair(t, "//Dave")
	s, err := c.NewSender(ctx, alice)
	require.NoError(t, err)
	for i := 1; i <= 3; i++ {
		_, err := s.Send(ctx, tx.Transfer{Dest: bob.Public(), Amount: tao.Rao(i) * tao.RaoPerTAO}, true)
		require.NoError(t, err)
	}
	a1, err := c.Account(ctx, alice.Public())
	require.NoError(t, err)
	b1, err := c.Account(ctx, bob.Public())
	require.NoError(t, err)

	// Let blocks go on with transfers in flight from another account, and
	// remember the block hashes seen (each commits to the previous app hash).
	busy, err := c.NewSender(ctx, charlie)
	require.NoError(t, err)
	for range 20 {
		_, err := busy.Send(ctx, tx.Transfer{Dest: dave.Public(), Amount: tao.RaoPerTAO}, false)
		require.NoError(t, err)
	}
	top := waitHeight(ctx, t, c, a1.Height+5)
	seen := map[int64]string{}
	for h := top - 3; h <= top; h++ {
		b, err := c.Block(ctx, h)
		require.NoError(t, err)
		seen[h] = b.Hash.String() + "/" + b.AppHash.String()
	}
	p.kill() // mid-run: blocks are being produced every 100 ms

	p2 := startProc(t, args...)
	defer p2.kill()
	h2 := waitHeight(ctx, t, c, top)
	require.GreaterOrEqual(t, h2, top, "the chain continues from where it stopped")
	for h, want := range seen {
		b, err := c.Block(ctx, h)
		require.NoError(t, err)
		require.Equal(t, want, b.Hash.String()+"/"+b.AppHash.String(), "block %d", h)
	}
	a2, err := c.Account(ctx, alice.Public())
	require.NoError(t, err)
	b2, err := c.Account(ctx, bob.Public())
	require.NoError(t, err)
	require.Equal(t, a1.Free, a2.Free)
	require.Equal(t, a1.Nonce, a2.Nonce)
	require.Equal(t, b1.Free, b2.Free)
	waitHeight(ctx, t, c, h2+3) // and new blocks come

	// SIGINT stops it cleanly.
	require.Zero(t, p2.interrupt(t), p2.stderr.String())
	require.Contains(t, p2.stderr.String(), "Stopped at height")
}

func TestProcess_FourValidatorTestnet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs four gotensor processes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	base := node.FreePortBlock(t, 4)
	out, err := exec.Command(gotensorBin(t), "testnet", "init", "--validators", "4", "--output", dir,
		"--base-port", strconv.Itoa(base), "--block-time", "300ms", "--json").CombinedOutput()
	require.NoError(t, err, string(out))

	procs := make([]*proc, 4)
	clients := make([]*client.Client, 4)
	for i := range procs {
		home := filepath.Join(dir, "node"+strconv.Itoa(i))
		procs[i] = startProc(t, "node", "start", "--home", home, "--metrics-addr", "off")
		clients[i], err = client.New("http://127.0.0.1:"+strconv.Itoa(base+10*i+2), client.Options{Timeout: 5 * time.Second})
		require.NoError(t, err)
	}
	for _, c := range clients {
		waitHeight(ctx, t, c, 3)
	}

	// One of four validators down: the other three keep a 2/3 majority.
	procs[3].kill()
	h, err := clients[0].Status(ctx)
	require.NoError(t, err)
	for _, c := range clients[:3] {
		waitHeight(ctx, t, c, h.Height+5)
	}

	// Back up: it catches up with the others.
	procs[3] = startProc(t, "node", "start", "--home", filepath.Join(dir, "node3"), "--metrics-addr", "off")
	st0, err := clients[0].Status(ctx)
	require.NoError(t, err)
	target := st0.Height + 2
	for _, c := range clients {
		waitHeight(ctx, t, c, target)
	}
	// Every node has the same block, hence the same app hash, at each height.
	for h := int64(1); h <= target; h++ {
		var want string
		for i, c := range clients {
			b, err := c.Block(ctx, h)
			require.NoError(t, err)
			got := b.Hash.String() + "/" + b.AppHash.String()
			if i == 0 {
				want = got
			}
			require.Equal(t, want, got, "node%d at height %d", i, h)
		}
	}
}
