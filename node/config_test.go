package node

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestConfig_RoundTripAndStrictness(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, configDir), 0o700))
	c := DefaultConfig()
	c.MemoryLimit = 3 << 30
	c.APIAddr = "127.0.0.1:1"
	require.NoError(t, SaveConfig(home, c))
	got, err := LoadConfig(home)
	require.NoError(t, err)
	require.Equal(t, c, got)
	b, err := os.ReadFile(filepath.Join(home, configDir, ourConfigFile))
	require.NoError(t, err)
	require.Contains(t, string(b), `memory_limit = "3GiB"`)
	require.Contains(t, string(b), `commit_timeout = "30s"`)

	for name, body := range map[string]string{
		"unknown key":  "api_adr = \"127.0.0.1:1\"\n",
		"bad address":  "api_addr = \"nowhere\"\n",
		"bad level":    "log_level = \"loud\"\n",
		"bad format":   "log_format = \"xml\"\n",
		"bad duration": "commit_timeout = \"soon\"\n",
		"bad size":     "memory_limit = \"lots\"\n",
		"negative":     "memory_limit = \"-1MiB\"\n",
		"not TOML":     "api_addr = \n",
	} {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(filepath.Join(home, configDir, ourConfigFile), []byte(body), 0o600))
			_, err := LoadConfig(home)
			require.Error(t, err)
		})
	}
	_, err = LoadConfig(t.TempDir())
	require.ErrorIs(t, err, ErrNoHome)
}

func TestBytes(t *testing.T) {
	for in, want := range map[string]Bytes{"900MiB": 900 << 20, "1GiB": 1 << 30, "512KiB": 512 << 10, "123": 123, "7B": 7, "0": 0} {
		var b Bytes
		require.NoError(t, b.UnmarshalText([]byte(in)), in)
		require.Equal(t, want, b, in)
	}
	for _, bad := range []string{"", "MiB", "1.5GiB", "1TiB", "-5", "9999999999GiB"} {
		var b Bytes
		require.Error(t, b.UnmarshalText([]byte(bad)), bad)
	}
	txt, _ := Bytes(900 << 20).MarshalText()
	require.Equal(t, "900MiB", string(txt))
}
