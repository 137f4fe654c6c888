package wallet_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/wallet"
)

func TestResolve_Precedence(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yml")
	require.NoError(t, os.WriteFile(cfg, []byte(`
network: test
use_cache: true
wallet_hotkey: cfg-hot
wallet_name: cfg-name
wallet_path: ~/cfg-wallets
metagraph_cols:
  UID: true
  HOTKEY: false
`), 0o600))
	env := map[string]string{wallet.EnvConfigFile: cfg}
	getenv := func(k string) string { return env[k] }
	home, err := os.UserHomeDir()
	require.NoError(t, err)

	// Config file beats the defaults.
	s, err := wallet.Resolve(wallet.Overrides{}, getenv)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(home, "cfg-wallets"), s.Path)
	require.Equal(t, "cfg-name", s.Name)
	require.Equal(t, "cfg-hot", s.Hotkey)
	require.Equal(t, "test", s.Network)
	require.Equal(t, "config "+cfg, s.NameFrom)

	// The environment beats the config file.
	env[wallet.EnvName], env[wallet.EnvPath], env[wallet.EnvNetwork] = "env-name", "/env/path", "local"
	s, err = wallet.Resolve(wallet.Overrides{}, getenv)
	require.NoError(t, err)
	require.Equal(t, "env-name", s.Name)
	require.Equal(t, "/env/path", s.Path)
	require.Equal(t, "cfg-hot", s.Hotkey)
	require.Equal(t, "local", s.Network)
	require.Equal(t, "env BT_WALLET_NAME", s.NameFrom)

	// Flags beat everything.
	s, err = wallet.Resolve(wallet.Overrides{Name: "flag-name", Hotkey: "flag-hot", Path: "/flag", Network: "ws://x"}, getenv)
	require.NoError(t, err)
	require.Equal(t, wallet.Settings{
		Path: "/flag", Name: "flag-name", Hotkey: "flag-hot", Network: "ws://x",
		PathFrom: "flag", NameFrom: "flag", HotkeyFrom: "flag", NetworkFrom: "flag",
	}, s)
	w, err := s.Wallet()
	require.NoError(t, err)
	require.Equal(t, "/flag/flag-name/coldkey", w.ColdkeyFile().Path)
}

func TestResolve_Defaults(t *testing.T) {
	env := map[string]string{wallet.EnvConfigFile: filepath.Join(t.TempDir(), "missing.yml")}
	s, err := wallet.Resolve(wallet.Overrides{}, func(k string) string { return env[k] })
	require.NoError(t, err)
	home, err := os.UserHomeDir()
	require.NoError(t, err)
	require.Equal(t, filepath.Join(home, ".bittensor", "wallets"), s.Path)
	require.Equal(t, "default", s.Name)
	require.Equal(t, "default", s.Hotkey)
	require.Equal(t, "", s.Network)
	require.Equal(t, "default", s.PathFrom)
	require.Equal(t, "", s.NetworkFrom)
}

func TestResolve_NullsAndBadConfig(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.yml")
	getenv := func(k string) string {
		if k == wallet.EnvConfigFile {
			return cfg
		}
		return ""
	}
	require.NoError(t, os.WriteFile(cfg, []byte("wallet_name: null\nwallet_hotkey:\n"), 0o600))
	s, err := wallet.Resolve(wallet.Overrides{}, getenv)
	require.NoError(t, err)
	require.Equal(t, "default", s.Name)
	require.Equal(t, "default", s.Hotkey)

	require.NoError(t, os.WriteFile(cfg, []byte("wallet_name: [unclosed\n"), 0o600))
	_, err = wallet.Resolve(wallet.Overrides{}, getenv)
	require.ErrorContains(t, err, "not valid YAML")
	require.ErrorContains(t, err, cfg)
}
