package cli

import (
	"bytes"
	"context"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/tao"
)

// lockedBuffer is a bytes.Buffer written by a running command and read
// by the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// TestLocalnetDemo runs `gotensor localnet --demo` as the acceptance
// checks do: it prints where to watch, the API serves the demo subnet's
// metagraph with its seven neurons, one line per epoch follows, and the
// command stops cleanly when its context ends (as on SIGINT).
func TestLocalnetDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain and six neurons")
	}
	isolate(t)
	var out, errOut lockedBuffer
	a := newApp(strings.NewReader(""), &out, &errOut)
	root := newRootCmd(a)
	api := freePort(t)
	root.SetArgs([]string{"localnet", "--demo", "--home", t.TempDir(), "--api-addr", api, "--rpc-addr", "off",
		"--p2p-addr", freePort(t), "--block-time", "100ms"})
	root.SetOut(&out)
	root.SetErr(&errOut)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()

	require.Eventually(t, func() bool { return strings.Contains(out.String(), "Template subnet demo running on netuid 1") },
		60*time.Second, 100*time.Millisecond, "stdout:\n%s\nstderr:\n%s", &out, &errOut)
	require.Contains(t, out.String(), "http://"+api+"/v1/subnets/1/metagraph?lite=true")
	require.Contains(t, out.String(), "gotensor subnets show --netuid 1 --network http://"+api)

	c, err := client.New(api, client.Options{})
	require.NoError(t, err)
	m, err := c.Metagraph(ctx, tao.NetUID(1), true)
	require.NoError(t, err)
	require.Equal(t, "template-demo", m.Name)
	require.Len(t, m.Neurons, 7, "the owner, two validators and four miners")

	epochLine := regexp.MustCompile(`block \d+ · last epoch at \d+ · incentive: miner1\(honest\) [0-9.]+, miner2\(honest\) [0-9.]+, miner3\(slow\) [0-9.]+, miner4\(bad\) [0-9.]+ · dividends: validator1 [0-9.]+, validator2 [0-9.]+`)
	require.Eventually(t, func() bool { return epochLine.MatchString(out.String()) }, 30*time.Second, 100*time.Millisecond, "stdout:\n%s", &out)

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err, "stderr:\n%s", &errOut)
	case <-time.After(30 * time.Second):
		t.Fatal("the demo did not stop")
	}
}
