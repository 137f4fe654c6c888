package acceptance

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/internal/testutil"
)

// walkStep is one command of docs/walkthrough.md and the output lines the
// doc shows under it (its "# …" lines).
type walkStep struct {
	block  int
	cmd    string
	claims []string
}

// walkthroughSteps reads the ```sh blocks of the walkthrough in order.
func walkthroughSteps(t *testing.T, doc string) []walkStep {
	t.Helper()
	var steps []walkStep
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(doc, -1)
	require.NotEmpty(t, blocks)
	for i, b := range blocks {
		var open *walkStep // a for loop spans lines
		for _, line := range strings.Split(strings.TrimRight(b[1], "\n"), "\n") {
			trimmed := strings.TrimSpace(line)
			switch {
			case trimmed == "":
			case strings.HasPrefix(trimmed, "#"):
				require.NotEmpty(t, steps, "block %d starts with output", i)
				steps[len(steps)-1].claims = append(steps[len(steps)-1].claims, strings.TrimSpace(strings.TrimPrefix(trimmed, "#")))
			case open != nil:
				open.cmd += "\n" + line
				if trimmed == "done" {
					steps, open = append(steps, *open), nil
				}
			case strings.HasPrefix(trimmed, "for "):
				open = &walkStep{block: i, cmd: line}
			default:
				steps = append(steps, walkStep{block: i, cmd: line})
			}
		}
		require.Nil(t, open, "block %d: unterminated loop", i)
	}
	return steps
}

// claimPattern turns a line of output shown in the doc into a pattern for
// the real output: numbers may differ (blocks, prices), "…" abridges
// anything (with the word it ends), and runs of spaces are any spacing.
func claimPattern(claim string) *regexp.Regexp {
	var b strings.Builder
	re := regexp.MustCompile(`[0-9A-Za-z]*…|\d+|\s+`)
	last := 0
	for _, m := range re.FindAllStringIndex(claim, -1) {
		b.WriteString(regexp.QuoteMeta(claim[last:m[0]]))
		switch tok := claim[m[0]:m[1]]; {
		case strings.HasSuffix(tok, "…"):
			b.WriteString(`.*?`)
		case strings.TrimSpace(tok) == "":
			b.WriteString(`\s+`)
		default:
			b.WriteString(`\d+`)
		}
		last = m[1]
	}
	b.WriteString(regexp.QuoteMeta(claim[last:]))
	return regexp.MustCompile(b.String())
}

// TestWalkthrough runs every command of docs/walkthrough.md in order, as
// written, at a terminal (NO_COLOR), against the localnet it starts, and
// checks each output line the doc shows (numbers aside). The only
// changes: the binary TestMain built stands in for the doc's `go build`,
// its /tmp paths move into the test's directory, the localnet runs in the
// background, and the test waits where the doc says to wait. It runs in a
// network namespace of its own, so the doc's default ports are free.
func TestWalkthrough(t *testing.T) {
	needBinary(t)
	t.Parallel()
	doc, err := os.ReadFile("../../docs/walkthrough.md")
	require.NoError(t, err)
	steps := walkthroughSteps(t, string(doc))
	require.Equal(t, "go build -o bin/gotensor ./cmd/gotensor", steps[0].cmd)
	require.Equal(t, "export PATH=$PWD/bin:$PATH", steps[1].cmd)
	require.True(t, strings.HasPrefix(steps[2].cmd, "gotensor localnet --home /tmp/gotensor-walkthrough"), steps[2].cmd)
	for _, tool := range []string{"bash", "curl"} { // the doc's shell and its API examples
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the walkthrough needs %s: %v", tool, err)
		}
	}
	isolated := isolatedNetwork(t)

	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	require.NoError(t, os.MkdirAll(filepath.Join(repo, "bin"), 0o755))
	require.NoError(t, os.Symlink(bin, filepath.Join(repo, "bin", "gotensor")))
	move := func(cmd string) string {
		return strings.ReplaceAll(cmd, "/tmp/gotensor-walkthrough", dir+"/gotensor-walkthrough")
	}

	var script strings.Builder
	fmt.Fprintf(&script, "cd %q\n", repo)
	if isolated {
		script.WriteString("ip link set lo up\n")
	}
	script.WriteString(`wait_api() { for i in $(seq 600); do curl -sf http://127.0.0.1:9944/v1/status >/dev/null && return; sleep 0.1; done; echo "no API"; exit 1; }
# the validator's permit, from the next epoch on
wait_permit() { for i in $(seq 600); do curl -s http://127.0.0.1:9944/v1/subnets/1/weights/` + bobSS58 + ` | grep -q '"validator_permit":true' && return; sleep 0.1; done; echo "no permit"; exit 1; }
# the block of the subnet's last epoch
last_step() { curl -s http://127.0.0.1:9944/v1/subnets/1 | sed 's/.*"last_step":\([0-9]*\).*/\1/'; }
wait_epoch() { e=$(last_step); for i in $(seq 600); do [ "$(last_step)" -gt "$e" ] && return; sleep 0.1; done; echo "no epoch"; exit 1; }
`)
	script.WriteString(steps[1].cmd + "\n")
	fmt.Fprintf(&script, "%s > %q 2>&1 &\nLOCALNET=$!\nwait_api\n", move(steps[2].cmd), filepath.Join(dir, "localnet.log"))
	for i, s := range steps[3:] {
		switch {
		case strings.HasPrefix(s.cmd, "gotensor weights set"):
			script.WriteString("wait_permit\n") // "Wait for the next epoch … so the validator holds its permit."
		case strings.HasPrefix(s.cmd, "gotensor subnets show --netuid 1") && !strings.Contains(s.cmd, "--json"):
			script.WriteString("wait_epoch\n") // "After the next epoch:"
		}
		fmt.Fprintf(&script, "printf '\\n@@step %d\\n'\n%s\nprintf '\\n@@rc %%d\\n' $?\n", i+3, move(s.cmd))
	}
	script.WriteString("kill -INT $LOCALNET; wait $LOCALNET; printf '\\n@@localnet %d\\n' $?\n")

	ctl, tty := testutil.OpenPTY(t)
	args := []string{"bash", "-c", script.String()}
	if isolated {
		args = append([]string{"unshare", "-n"}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = env(t, "NO_COLOR=1", "TERM=dumb")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	require.NoError(t, cmd.Start())
	tty.Close()
	outc := make(chan string)
	go func() {
		b, _ := io.ReadAll(ctl) // until the last writer closes the terminal
		outc <- string(b)
	}()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	var out string
	select {
	case err = <-waited:
		out = <-outc
	case <-time.After(4 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("the walkthrough did not finish in 4 minutes")
	}
	require.NoError(t, err, "%s", out)
	require.NotContains(t, out, "\x1b", "NO_COLOR: no escape code at the terminal")

	sections := regexp.MustCompile(`\r?\n@@step (\d+)\r?\n`).Split(out, -1)
	ids := regexp.MustCompile(`\r?\n@@step (\d+)\r?\n`).FindAllStringSubmatch(out, -1)
	require.Len(t, ids, len(steps)-3, "every command ran\n%s", out)
	for k, id := range ids {
		i, _ := strconv.Atoi(id[1])
		s, section := steps[i], sections[k+1]
		rc := regexp.MustCompile(`\r?\n@@rc (\d+)\r?\n`).FindStringSubmatch(section)
		require.NotNil(t, rc, "step %d: %s\n%s", i, s.cmd, section)
		require.Equal(t, "0", rc[1], "step %d exits 0: %s\n%s", i, s.cmd, section)
		for _, c := range s.claims {
			require.Regexp(t, claimPattern(c), section, "step %d: %s\nthe doc shows %q; the command printed:\n%s", i, s.cmd, c, section)
		}
	}
	require.Contains(t, out, "@@localnet 0", "Ctrl-C stops the localnet cleanly")
}

// isolatedNetwork reports whether the walkthrough can run in a network
// namespace of its own (root with unshare and ip); otherwise it needs the
// doc's ports free on this machine, or the test is skipped.
func isolatedNetwork(t *testing.T) bool {
	t.Helper()
	if os.Geteuid() == 0 && exec.Command("unshare", "-n", "ip", "link", "set", "lo", "up").Run() == nil {
		return true
	}
	for _, port := range []string{"9944", "26656", "26657"} {
		l, err := net.Listen("tcp", "127.0.0.1:"+port)
		if err != nil {
			t.Skipf("no network namespace and port %s is taken: %v", port, err)
		}
		l.Close()
	}
	return false
}
