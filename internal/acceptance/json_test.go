package acceptance

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// gtOpenStdin runs a command whose stdin stays open and never delivers
// anything, as at an idle terminal: a command that prompted would wait
// forever, so it must finish within a minute without reading.
func gtOpenStdin(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env(t)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	defer stdin.Close()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	r := result{args: args, stdout: out.String(), stderr: errOut.String()}
	require.NoError(t, ctx.Err(), "still running after a minute: waiting for input despite --json\n%s", r)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	}
	requireOneIntegerDocument(t, r)
	return r
}

// TestJSON_NeverPrompts: with --json (and no --no-prompt) every command
// that asks for a confirmation, a password or a secret goes on, or fails
// saying what to pass, without reading its input.
func TestJSON_NeverPrompts(t *testing.T) {
	needBinary(t)
	t.Parallel()
	sn := newSubnetNet(t)
	succeed := func(args ...string) map[string]any {
		t.Helper()
		r := gtOpenStdin(t, append(args, "--json")...)
		require.Zero(t, r.code, "%s", r)
		return decode(t, r.stdout)
	}
	refuse := func(want string, args ...string) {
		t.Helper()
		r := gtOpenStdin(t, append(args, "--json")...)
		require.NotZero(t, r.code, "%s", r)
		require.Contains(t, decode(t, r.stdout)["error"], want)
	}

	refuse("--password-file", append(walletArgs(sn.wallets, "new"), "wallet", "create")...)
	refuse("--mnemonic", append(walletArgs(sn.wallets, "new"), "wallet", "regen-coldkey", "--no-use-password")...)
	succeed(append(walletArgs(sn.wallets, "ferdie"), "wallet", "create", "--uri", "//Ferdie", "--no-use-password")...)
	succeed(sn.args("alice", "wallet", "transfer", "--dest", bobSS58, "--amount", "1")...)
	n := num(t, succeed(sn.args("alice", "subnets", "create", "--hotkey", "owner")...), "netuid")
	netuid := strconv.FormatInt(n, 10)
	succeed(sn.args("alice", "subnets", "start", "--netuid", netuid)...)
	succeed(sn.args("alice", "sudo", "set", "--netuid", netuid, "--param", "tempo", "--value", "6")...)
	succeed(sn.args("alice", "sudo", "set", "--netuid", netuid, "--param", "weights_rate_limit", "--value", "0")...)
	succeed(sn.args("bob", "subnets", "register", "--netuid", netuid)...)
	succeed(sn.args("bob", "axon", "set", "--netuid", netuid, "--ip", "127.0.0.1", "--port", "8091")...)
	succeed(sn.args("alice", "stake", "add", "--netuid", netuid, "--hotkey-ss58", bobSS58, "--amount", "10")...)
	succeed(sn.args("alice", "stake", "remove", "--netuid", netuid, "--hotkey-ss58", bobSS58, "--amount", "1")...)
	// The owner's hotkey needs no permit: commit, wait, reveal, one document.
	doc := succeed(sn.args("alice", "weights", "set", "--hotkey", "owner", "--netuid", netuid, "--uids", "1", "--weights", "1")...)
	require.Equal(t, true, doc["commit_reveal"])
	require.Positive(t, num(t, doc, "reveal_block"))
}
