package neuron_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/sdk/neuron"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/wallet"
)

// env is a fake environment for Load.
type env map[string]string

func (e env) lookup(k string) (string, bool) { v, ok := e[k]; return v, ok }

// load parses args for role and loads the configuration with e.
func load(t *testing.T, role neuron.Role, e env, args ...string) (neuron.Config, error) {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	f := neuron.RegisterFlags(fs, role)
	if err := fs.Parse(args); err != nil {
		return neuron.Config{}, err
	}
	return f.Load(e.lookup)
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func TestConfig_Defaults(t *testing.T) {
	c, err := load(t, neuron.RoleValidator, env{})
	require.NoError(t, err)
	want := neuron.DefaultConfig(neuron.RoleValidator)
	require.Equal(t, want, c)
	require.Equal(t, 0.1, c.Neuron.MovingAverageAlpha)
	require.Equal(t, 50, c.Neuron.SampleSize)
	require.Equal(t, 4096*tao.RaoPerTAO, c.Neuron.VPermitTAOLimit)
	require.Equal(t, tao.NetUID(1), c.NetUID)
}

// TestConfig_Precedence: defaults < file < environment < flags, and
// GOTENSOR_ before BT_.
func TestConfig_Precedence(t *testing.T) {
	file := writeFile(t, "validator.toml", `
netuid = 3
network = "http://10.0.0.1:9944"
[neuron]
sample_size = 7
timeout = "3s"
moving_average_alpha = 0.2
[logging]
format = "json"
`)
	e := env{
		"GOTENSOR_NEURON_SAMPLE_SIZE": "9", "BT_NEURON_SAMPLE_SIZE": "99",
		"BT_NEURON_TIMEOUT":    "4.5",
		"BT_SUBTENSOR_NETWORK": "http://10.0.0.2:9944",
	}
	c, err := load(t, neuron.RoleValidator, e, "--config", file, "--neuron.timeout", "750ms", "--neuron.disable-set-weights")
	require.NoError(t, err)
	require.Equal(t, tao.NetUID(3), c.NetUID, "file")
	require.Equal(t, 0.2, c.Neuron.MovingAverageAlpha, "file")
	require.Equal(t, "json", c.Logging.Format, "file")
	require.Equal(t, 9, c.Neuron.SampleSize, "GOTENSOR_ beats BT_ and the file")
	require.Equal(t, "http://10.0.0.2:9944", c.Network, "the Python SDK's variable beats the file")
	require.Equal(t, 750*time.Millisecond, c.Neuron.Timeout, "the flag beats the environment")
	require.True(t, c.Neuron.DisableSetWeights, "a bare boolean flag is true")

	c, err = load(t, neuron.RoleValidator, e)
	require.NoError(t, err)
	require.Equal(t, 4500*time.Millisecond, c.Neuron.Timeout, "plain seconds, as the Python template's options are")
}

func TestConfig_YAMLAndMinerOptions(t *testing.T) {
	file := writeFile(t, "miner.yaml", `
netuid: 2
axon:
  port: 9000
  external_ip: 203.0.113.7
blacklist.force_validator_permit: true
blacklist:
  min_stake: "12.5"
`)
	c, err := load(t, neuron.RoleMiner, env{"BT_AXON_PORT": "9100", neuron.EnvConfigFile: file})
	require.NoError(t, err)
	require.Equal(t, tao.NetUID(2), c.NetUID)
	require.Equal(t, 9100, c.Axon.Port, "BT_AXON_PORT, the axon's own variable, beats the file")
	require.Equal(t, "203.0.113.7", c.Axon.ExternalIP)
	require.True(t, c.Blacklist.ForceValidatorPermit, "dotted keys work too")
	require.Equal(t, tao.Rao(12_500_000_000), c.Blacklist.MinStake)
}

func TestConfig_BadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		role neuron.Role
		env  env
		args []string
		file string // TOML content; "" for none
		want string
	}{
		{name: "flag not a number", role: neuron.RoleValidator, args: []string{"--neuron.sample-size", "many"}, want: `"many" is not an integer`},
		{name: "validator flag on a miner", role: neuron.RoleMiner, args: []string{"--neuron.sample-size", "3"}, want: "unknown flag"},
		{name: "env not a bool", role: neuron.RoleMiner, env: env{"BT_BLACKLIST_FORCE_VALIDATOR_PERMIT": "maybe"}, want: `"maybe" is not true or false (env BT_BLACKLIST_FORCE_VALIDATOR_PERMIT)`},
		{name: "file unknown key", role: neuron.RoleValidator, file: "[neuron]\nsample_sise = 3\n", want: `unknown option "neuron.sample_sise"`},
		{name: "file miner key on a validator", role: neuron.RoleValidator, file: "[axon]\nport = 1\n", want: `"axon.port" is not an option of a validator`},
		{name: "file bad value", role: neuron.RoleValidator, file: "netuid = 70000\n", want: "netuid"},
		{name: "file not TOML", role: neuron.RoleValidator, file: "netuid = = 3\n", want: "validator.toml"},
		{name: "root subnet", role: neuron.RoleValidator, args: []string{"--netuid", "0"}, want: "netuid 0 is the root subnet"},
		{name: "alpha", role: neuron.RoleValidator, args: []string{"--neuron.moving-average-alpha", "1.5"}, want: "want 0 < alpha ≤ 1"},
		{name: "sample size", role: neuron.RoleValidator, args: []string{"--neuron.sample-size", "0"}, want: "neuron.sample_size 0"},
		{name: "timeout", role: neuron.RoleValidator, env: env{"GOTENSOR_NEURON_TIMEOUT": "-1s"}, want: "neuron.timeout -1s"},
		{name: "port", role: neuron.RoleMiner, args: []string{"--axon.port", "70000"}, want: "axon ports"},
		{name: "log level", role: neuron.RoleMiner, args: []string{"--logging.level", "loud"}, want: `logging.level "loud"`},
		{name: "missing file", role: neuron.RoleMiner, args: []string{"--config", "/nonexistent/neuron.toml"}, want: "no such file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := c.args
			if c.file != "" {
				args = append(args, "--config", writeFile(t, "validator.toml", c.file))
			}
			_, err := load(t, c.role, c.env, args...)
			require.ErrorContains(t, err, c.want)
		})
	}
}

func TestConfig_StateDirAndKeys(t *testing.T) {
	dir := t.TempDir()
	w, err := wallet.New(filepath.Join(dir, "wallets"), "val", "hot1")
	require.NoError(t, err)
	hot, err := keys.FromURI("//Validator1")
	require.NoError(t, err)
	cold, err := keys.FromURI("//ValidatorCold")
	require.NoError(t, err)
	require.NoError(t, w.SetHotkey(hot, wallet.SaveOptions{}))
	require.NoError(t, w.SetColdkeyPub(cold.Public(), false))

	c, err := load(t, neuron.RoleValidator, env{}, "--wallet-path", filepath.Join(dir, "wallets"), "--wallet-name", "val", "--hotkey", "hot1", "--netuid", "4")
	require.NoError(t, err)
	noEnv := func(string) string { return "" }
	k, s, err := c.LoadKeys(noEnv)
	require.NoError(t, err)
	require.Equal(t, hot.Public(), k.Hotkey.Public())
	require.Equal(t, cold.Public(), k.Coldkey)
	require.Equal(t, filepath.Join(dir, "miners", "val", "hot1", "netuid4", "validator"), c.StateDir(s), "the template's full_path")
	c.Neuron.Dir = "/srv/neuron"
	require.Equal(t, "/srv/neuron", c.StateDir(s))

	c.Wallet.Hotkey = "missing"
	_, _, err = c.LoadKeys(noEnv)
	require.ErrorContains(t, err, `hotkey "missing" of wallet "val"`)
}
