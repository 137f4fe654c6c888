package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/api/apitypes"
)

// devWallet writes an unencrypted wallet whose coldkey and hotkey are the
// key of uri, and returns its flags.
func devWallet(t *testing.T, dir, name, uri string) []string {
	t.Helper()
	r := run(t, "", "wallet", "create", "--uri", uri, "--wallet-path", dir, "--wallet-name", name, "--no-use-password", "--no-prompt")
	require.Equal(t, 0, r.code, r.stderr)
	return []string{"--wallet-path", dir, "--wallet-name", name}
}

// TestSubnetsFlow runs the subnet commands against a localnet the way the
// walkthrough does: create, start, register, serve an axon, set a
// hyperparameter, and read it all back.
func TestSubnetsFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	isolate(t)
	url := startLocalnet(t)
	dir := t.TempDir()
	alice := append(devWallet(t, dir, "alice", "//Alice"), "--network", url)
	bob := append(devWallet(t, dir, "bob", "//Bob"), "--network", url)

	cost := runJSON(t, "subnets", "burn-cost", "--network", url)
	require.Equal(t, float64(1000e9), cost["lock_cost"])

	created := runJSON(t, append(alice, "subnets", "create", "--subnet-name", "demo", "--symbol", "D", "--no-prompt")...)
	require.Equal(t, true, created["success"])
	require.Equal(t, float64(1), created["netuid"])
	require.Equal(t, float64(1000e9), created["lock_cost"])
	require.Equal(t, aliceAddress, created["owner_coldkey"])
	require.Regexp(t, "^0x[0-9a-f]{64}$", created["tx_hash"])

	started := runJSON(t, append(alice, "subnets", "start", "--netuid", "1")...)
	require.Equal(t, started["block"].(float64)+1, started["first_emission_block"])

	reg := runJSON(t, append(bob, "subnets", "register", "--netuid", "1", "--hotkey", "default")...)
	require.Equal(t, true, reg["success"])
	require.Equal(t, float64(1), reg["uid"])
	require.Equal(t, bobAddress, reg["hotkey"])
	require.Positive(t, reg["burn"])

	axon := runJSON(t, append(bob, "axon", "set", "--netuid", "1", "--ip", "10.1.2.3", "--port", "8091")...)
	require.Equal(t, "10.1.2.3", axon["ip"])

	set := runJSON(t, append(alice, "sudo", "set", "--netuid", "1", "--param", "immunity_period", "--value", "123")...)
	require.Equal(t, "set_hyperparameter", set["call"])
	runJSON(t, append(alice, "sudo", "set", "--netuid", "1", "--param", "liquid_alpha_enabled", "--value", "true")...)
	runJSON(t, append(alice, "sudo", "set", "--netuid", "1", "--param", "alpha_values", "--value", "2000,3000")...)
	setGlobal := run(t, "", append(alice, "sudo", "set", "--global", "--param", "network_rate_limit", "--value", "5", "--no-prompt")...)
	require.Equal(t, 0, setGlobal.code, setGlobal.stderr)
	require.Contains(t, setGlobal.stdout, "network_rate_limit set to 5 on the chain in block ")

	hp := runJSON(t, "sudo", "get", "--netuid", "1", "--network", url)
	values := map[string]float64{}
	for _, p := range hp["hyperparameters"].([]any) {
		m := p.(map[string]any)
		values[m["name"].(string)] = m["value"].(float64)
	}
	require.Equal(t, float64(123), values["immunity_period"])
	require.Equal(t, float64(2000), values["alpha_low"])
	require.Equal(t, float64(3000), values["alpha_high"])
	global := runJSON(t, "sudo", "get", "--global", "--network", url)
	require.Contains(t, global["params"], map[string]any{"name": "network_rate_limit", "value": float64(5), "min": float64(0),
		"max": float64(1<<63 - 1), "unit": "blocks"})

	show := runJSON(t, "subnets", "show", "--netuid", "1", "--network", url)
	require.Equal(t, "demo", show["name"])
	neurons := show["neurons"].([]any)
	require.Len(t, neurons, 2)
	owner, miner := neurons[0].(map[string]any), neurons[1].(map[string]any)
	require.Equal(t, aliceAddress, owner["hotkey"], "the wallet's hotkey is uid 0")
	require.Equal(t, bobAddress, miner["coldkey"])
	for _, k := range []string{"uid", "hotkey", "coldkey", "stake", "stake_weight", "consensus", "incentive", "dividends",
		"validator_trust", "emission", "active", "validator_permit", "last_update", "registered_at", "axon"} {
		require.Contains(t, miner, k)
	}
	require.Equal(t, "10.1.2.3", miner["axon"].(map[string]any)["ip"])

	list := runJSON(t, "subnets", "list", "--network", url)
	subnets := list["subnets"].([]any)
	require.Len(t, subnets, 2)
	require.Equal(t, "D", subnets[1].(map[string]any)["symbol"])

	// People get tables.
	r := run(t, "", "subnets", "show", "--netuid", "1", "--network", url)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "Subnet demo  netuid 1")
	require.Contains(t, r.stdout, "10.1.2.3:8091")
	r = run(t, "", "subnets", "list", "--network", url)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "demo")
	r = run(t, "", "subnets", "hyperparameters", "--netuid", "1", "--network", url)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "immunity_period")
}

// TestSubnets_BadInputChangesNothing: every refused command names the
// problem, and no transaction reaches the chain (the nonce is unchanged).
func TestSubnets_BadInputChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	isolate(t)
	url := startLocalnet(t)
	dir := t.TempDir()
	alice := append(devWallet(t, dir, "alice", "//Alice"), "--network", url)
	bob := append(devWallet(t, dir, "bob", "//Bob"), "--network", url)
	poor := append(devWallet(t, dir, "poor", "//Poor"), "--network", url)
	runJSON(t, append(alice, "subnets", "create", "--no-prompt")...)

	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"create unaffordable", append(poor, "subnets", "create"), "subnet lock cost is 1999.99"},
		{"register unaffordable", append(poor, "subnets", "register", "--netuid", "1"), "registration burn is 1"},
		{"register unknown subnet", append(bob, "subnets", "register", "--netuid", "7"), "subnet 7 does not exist"},
		{"register without netuid", append(bob, "subnets", "register"), "--netuid is required"},
		{"register bad tolerance", append(bob, "subnets", "register", "--netuid", "1", "--tolerance", "2"), "--tolerance"},
		{"start not owner", append(bob, "subnets", "start", "--netuid", "1"), "signer is not the subnet owner"},
		{"set unknown param", append(alice, "sudo", "set", "--netuid", "1", "--param", "kapa", "--value", "1"), "unknown hyperparameter"},
		{"set out of bounds", append(alice, "sudo", "set", "--netuid", "1", "--param", "kappa", "--value", "70000"), "kappa must be ≤ 65535"},
		{"set not owner", append(bob, "sudo", "set", "--netuid", "1", "--param", "immunity_period", "--value", "1"), "only the subnet owner or sudo"},
		{"set global not sudo", append(bob, "sudo", "set", "--global", "--param", "tx_fee", "--value", "1"), "only the sudo account"},
		{"set no value", append(alice, "sudo", "set", "--netuid", "1", "--param", "kappa"), "value is required"},
		{"set bad value", append(alice, "sudo", "set", "--netuid", "1", "--param", "kappa", "--value", "x"), "want an integer"},
		{"set both targets", append(alice, "sudo", "set", "--global", "--netuid", "1", "--param", "kappa", "--value", "1"), "exclusive"},
		{"get without netuid", []string{"sudo", "get", "--network", url}, "--netuid is required"},
		{"show unknown", []string{"subnets", "show", "--netuid", "9", "--network", url}, "subnet 9 does not exist"},
		{"axon not registered", append(bob, "axon", "set", "--netuid", "1", "--ip", "10.0.0.1", "--port", "1"), "not registered"},
		{"axon bad ip", append(bob, "axon", "set", "--netuid", "1", "--ip", "10.0.0", "--port", "1"), "not an IPv4 or IPv6 address"},
		{"axon unspecified", append(bob, "axon", "set", "--netuid", "1", "--ip", "0.0.0.0", "--port", "1"), "unspecified"},
		{"axon no port", append(bob, "axon", "set", "--netuid", "1", "--ip", "10.0.0.1"), "port is required"},
		{"axon type mismatch", append(bob, "axon", "set", "--netuid", "1", "--ip", "10.0.0.1", "--port", "1", "--ip-type", "6"), "does not match"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var before []uint64
			for _, addr := range []string{aliceAddress, bobAddress} {
				_, n := account(t, url, addr)
				before = append(before, n)
			}
			// --quiet leaves out the "Waiting for the block" line of the
			// calls that reach the node and are refused there.
			requireFails(t, run(t, "", append(c.args, "--no-prompt", "--quiet")...), c.want)
			for i, addr := range []string{aliceAddress, bobAddress} {
				_, n := account(t, url, addr)
				require.Equal(t, before[i], n, "nonce of %s", addr)
			}
		})
	}

	// Declining the confirmation sends nothing.
	_, nonce := account(t, url, bobAddress)
	r := run(t, "n\n", append(bob, "subnets", "register", "--netuid", "1")...)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stderr, "Burn limit")
	require.Contains(t, r.stderr, "Cancelled")
	_, after := account(t, url, bobAddress)
	require.Equal(t, nonce, after)
}

// TestPrintMetagraph_BlocksWording: one block is "1 block".
func TestPrintMetagraph_BlocksWording(t *testing.T) {
	for left, want := range map[uint64]string{1: "next epoch in 1 block,", 7: "next epoch in 7 blocks,"} {
		var out strings.Builder
		a := newApp(strings.NewReader(""), &out, &out)
		m := &apitypes.Metagraph{}
		m.NetUID, m.Tempo, m.BlocksUntilEpoch = 1, 10, left
		a.printMetagraph(m)
		require.Contains(t, out.String(), want)
	}
}
