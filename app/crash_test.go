package app_test

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/app"
	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tx"
)

const crashDirEnv = "GOTENSOR_CRASH_WORKER_DIR"

// TestCrash_SIGKILLKeepsCommittedState runs blocks in a child process,
// kills it with SIGKILL mid-run, and reopens its store: every version the
// child reported committed is there with the same app hash, and the chain
// continues from the last one.
func TestCrash_SIGKILLKeepsCommittedState(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWorker$", "-test.v")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	committed := map[int64]string{}
	var last int64
	sc := bufio.NewScanner(out)
	for sc.Scan() && last < 15 {
		var h int64
		var hash string
		if n, _ := fmt.Sscanf(sc.Text(), "committed %d %s", &h, &hash); n == 2 {
			committed[h], last = hash, h
		}
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	require.GreaterOrEqual(t, last, int64(15), "the worker stopped early")

	// The store keeps the genesis as version 1: block h is version h+1.
	s, err := store.Open(dir, store.Options{})
	require.NoError(t, err)
	require.GreaterOrEqual(t, s.Version(), last+1)
	for h, hash := range committed {
		v, err := s.View(h + 1)
		require.NoError(t, err)
		require.Equal(t, hash, hex.EncodeToString(v.Hash()), "height %d", h)
	}
	require.NoError(t, chain.CheckInvariants(chain.NewQueryState(s.Latest())))
	require.NoError(t, s.Close())

	h := testutil.OpenHarness(t, app.Config{Dir: dir, CheckInvariants: true}, testutil.Genesis(0))
	alice := testutil.Pair(t, "//Alice")
	testutil.RequireOK(t, h.Block(h.Tx(alice, tx.Transfer{Dest: testutil.Pair(t, "//Bob").Public(), Amount: 1000})))
}

// TestCrashWorker is the child of TestCrash_SIGKILLKeepsCommittedState: it
// commits blocks of transfers until killed, reporting each commit.
func TestCrashWorker(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("run by TestCrash_SIGKILLKeepsCommittedState")
	}
	h := testutil.OpenHarness(t, app.Config{Dir: dir}, testutil.Genesis(0))
	alice, bob := testutil.Pair(t, "//Alice"), testutil.Pair(t, "//Bob")
	for {
		txs := make([][]byte, 50)
		for i := range txs {
			txs[i] = h.Tx(alice, tx.Transfer{Dest: bob.Public(), Amount: 1000})
		}
		h.Block(txs...)
		fmt.Println("committed", h.Height, strings.ToLower(hex.EncodeToString(h.AppHash())))
	}
}
