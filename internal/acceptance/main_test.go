package acceptance

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// bin is the gotensor binary TestMain builds.
var bin string

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	flag.Parse()
	dir, err := os.MkdirTemp("", "gotensor-acceptance-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	// Readable by everyone, for the test that runs it as another user.
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	bin = filepath.Join(dir, "gotensor")
	if !testing.Short() {
		out, err := exec.Command("go", "build", "-o", bin, "github.com/gotensor/gotensor/cmd/gotensor").CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
			return 1
		}
	}
	return m.Run()
}

// needBinary skips a test under -short, where the binary is not built.
func needBinary(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the gotensor binary")
	}
}

// result is a finished command.
type result struct {
	args           []string
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("gotensor %s\nexit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

// env is the environment commands run in: a home of their own (so no
// btcli config or wallet of the machine is read) and nothing of ours or
// btcli's set, plus extra.
func env(t *testing.T, extra ...string) []string {
	t.Helper()
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "BT_"), strings.HasPrefix(name, "BTCLI_"), strings.HasPrefix(name, "GOTENSOR_"),
			name == "HOME", name == "NO_COLOR":
			continue
		}
		out = append(out, kv)
	}
	return append(append(out, "HOME="+t.TempDir()), extra...)
}

// gt runs the binary with args, stdin closed, in env(t, extra...) and
// checks the contracts every command keeps: it ends within two minutes,
// with --json its stdout is exactly one JSON document with no fractional
// number (amounts are integers in rao), and a failure prints "error: …"
// on stderr.
func gt(t *testing.T, extra []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env(t, extra...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut // stdin is /dev/null: nothing may wait for it
	err := cmd.Run()
	r := result{args: args, stdout: out.String(), stderr: errOut.String()}
	require.NoError(t, ctx.Err(), "command still running after 2 minutes (waiting for input?)\n%s", r)
	if err != nil {
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee, "%s", r)
		r.code = ee.ExitCode()
	}
	if slices.Contains(args, "--json") {
		requireOneIntegerDocument(t, r)
	}
	if r.code != 0 {
		require.True(t, strings.HasPrefix(r.stderr, "error: ") || strings.Contains(r.stderr, "\nerror: "),
			"a failure names itself on stderr\n%s", r)
	}
	return r
}

// ok runs a command that must succeed.
func ok(t *testing.T, extra []string, args ...string) result {
	t.Helper()
	r := gt(t, extra, args...)
	require.Zero(t, r.code, "%s", r)
	return r
}

// okJSON runs a command with --json that must succeed and decodes its
// document.
func okJSON(t *testing.T, extra []string, args ...string) map[string]any {
	t.Helper()
	r := ok(t, extra, append(args, "--json")...)
	return decode(t, r.stdout)
}

// fails runs a command that must fail the way the CLI promises: non-zero
// exit, and on stderr one line "error: …" containing want, plus at most
// one hint line.
func fails(t *testing.T, extra []string, want string, args ...string) result {
	t.Helper()
	r := gt(t, extra, args...)
	require.NotZero(t, r.code, "%s", r)
	requireErrorLine(t, r, want)
	return r
}

func requireErrorLine(t *testing.T, r result, want string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(errorPart(r.stderr), "\n"), "\n")
	require.LessOrEqual(t, len(lines), 2, "one error line and at most one hint\n%s", r)
	require.Contains(t, lines[0], want, "%s", r)
}

// errorPart is stderr from its "error: " line on (progress lines such as
// "Waiting for … to be included" may come first).
func errorPart(stderr string) string {
	if i := strings.Index(stderr, "error: "); i >= 0 {
		return stderr[i:]
	}
	return stderr
}

// decode parses one JSON document, numbers kept as written.
func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var doc map[string]any
	require.NoError(t, d.Decode(&doc), "not a JSON object:\n%s", s)
	return doc
}

// requireOneIntegerDocument checks a --json output: one JSON document,
// nothing after it, and no number with a fraction or exponent anywhere.
func requireOneIntegerDocument(t *testing.T, r result) {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(r.stdout))
	d.UseNumber()
	var doc any
	require.NoError(t, d.Decode(&doc), "--json prints one JSON document\n%s", r)
	var rest any
	require.ErrorIs(t, d.Decode(&rest), io.EOF, "--json prints exactly one document\n%s", r)
	requireIntegers(t, doc, "$", r)
}

func requireIntegers(t *testing.T, v any, path string, r result) {
	t.Helper()
	switch v := v.(type) {
	case json.Number:
		require.NotContainsf(t, v.String(), ".", "%s = %s is not an integer\n%s", path, v, r)
		require.False(t, strings.ContainsAny(v.String(), "eE"), "%s = %s is not an integer\n%s", path, v, r)
	case map[string]any:
		for k, x := range v {
			requireIntegers(t, x, path+"."+k, r)
		}
	case []any:
		for i, x := range v {
			requireIntegers(t, x, fmt.Sprintf("%s[%d]", path, i), r)
		}
	}
}

// num reads an integer field of a decoded document.
func num(t *testing.T, doc map[string]any, key string) int64 {
	t.Helper()
	n, ok := doc[key].(json.Number)
	require.True(t, ok, "%s is not a number in %v", key, doc)
	v, err := n.Int64()
	require.NoError(t, err)
	return v
}

// freeAddr returns a loopback address with a port free at the time of the
// call.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// proc is a gotensor process running in the background.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	done           chan struct{}
}

// start runs the binary in the background; cleanup kills it if it still
// runs.
func start(t *testing.T, extra []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env(t, extra...)
	p := &proc{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	require.NoError(t, cmd.Start())
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(p.kill)
	return p
}

// kill SIGKILLs the process and waits for it.
func (p *proc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop sends sig and returns the exit code.
func (p *proc) stop(t *testing.T, sig os.Signal) int {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(sig))
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("still running 30 s after %v\nstderr:\n%s", sig, p.stderr)
	}
	return p.cmd.ProcessState.ExitCode()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// localnet is a localnet process and its addresses.
type localnet struct {
	*proc
	home, api, rpc, p2p string
	url                 string // the API's base URL, for --network
}

// startLocalnet runs `gotensor localnet` in home (a new temporary
// directory if empty) on free ports and waits for its first block.
func startLocalnet(t *testing.T, home string, extra ...string) *localnet {
	t.Helper()
	if home == "" {
		home = t.TempDir()
	}
	ln := &localnet{home: home, api: freeAddr(t), rpc: freeAddr(t), p2p: freeAddr(t)}
	ln.url = "http://" + ln.api
	args := append([]string{"localnet", "--home", home, "--api-addr", ln.api, "--rpc-addr", ln.rpc,
		"--p2p-addr", ln.p2p, "--block-time", "200ms"}, extra...)
	ln.proc = start(t, nil, args...)
	ln.waitHeight(t, 1)
	return ln
}

// status reads GET /v1/status.
func (ln *localnet) status(t *testing.T) map[string]any {
	t.Helper()
	code, doc := getJSON(t, ln.url+"/v1/status")
	require.Equal(t, http.StatusOK, code, "%v", doc)
	return doc
}

// waitHeight waits until the chain has committed block h and returns the
// height reached.
func (ln *localnet) waitHeight(t *testing.T, h int64) int64 {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-ln.done:
			t.Fatalf("localnet exited\nstdout:\n%s\nstderr:\n%s", ln.stdout, ln.stderr)
		default:
		}
		if code, doc := tryGetJSON(ln.url + "/v1/status"); code == http.StatusOK {
			if got, _ := doc["height"].(json.Number).Int64(); got >= h {
				return got
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("localnet at %s did not reach height %d\nstderr:\n%s", ln.url, h, ln.stderr)
	return 0
}

// getJSON fetches url and decodes its JSON object.
func getJSON(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	code, doc := tryGetJSON(url)
	require.NotZero(t, code, "GET %s failed", url)
	return code, doc
}

func tryGetJSON(url string) (int, map[string]any) {
	res, err := http.Get(url)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	d := json.NewDecoder(res.Body)
	d.UseNumber()
	var doc map[string]any
	if d.Decode(&doc) != nil {
		return 0, nil
	}
	return res.StatusCode, doc
}
