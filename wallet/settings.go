package wallet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"go.yaml.in/yaml/v3"
)

// Defaults, as in btwallet and btcli.
const (
	DefaultPath   = "~/.bittensor/wallets"
	DefaultName   = "default"
	DefaultHotkey = "default"
	// DefaultConfigFile is btcli's config file; BTCLI_CONFIG_PATH overrides it.
	DefaultConfigFile = "~/.bittensor/config.yml"
)

// Environment variables read by Resolve.
const (
	EnvPath       = "BT_WALLET_PATH"
	EnvName       = "BT_WALLET_NAME"
	EnvHotkey     = "BT_WALLET_HOTKEY"
	EnvNetwork    = "BT_SUBTENSOR_NETWORK"
	EnvConfigFile = "BTCLI_CONFIG_PATH"
)

// Settings say where wallets live, which wallet and hotkey to use and which
// network to talk to. Each value has a matching From naming its source
// ("flag", "env BT_WALLET_PATH", "config /path/config.yml" or "default"),
// so commands can tell the user where a surprising value came from.
type Settings struct {
	Path, Name, Hotkey, Network                 string
	PathFrom, NameFrom, HotkeyFrom, NetworkFrom string
}

// Overrides are values given explicitly (command-line flags); "" means not
// given.
type Overrides struct {
	Path, Name, Hotkey, Network string
}

// btcliConfig is the part of btcli's config.yml we use. Other keys are
// ignored; null or missing values count as unset.
type btcliConfig struct {
	WalletPath   string `yaml:"wallet_path"`
	WalletName   string `yaml:"wallet_name"`
	WalletHotkey string `yaml:"wallet_hotkey"`
	Network      string `yaml:"network"`
}

// Resolve picks each setting from, in order: flags, the environment
// (getenv, normally os.Getenv), btcli's config file, the default. Network
// has no default: it stays "" when unset, and the caller picks its own.
// Path is returned with "~" expanded.
func Resolve(flags Overrides, getenv func(string) string) (Settings, error) {
	cfgPath := getenv(EnvConfigFile)
	if cfgPath == "" {
		cfgPath = DefaultConfigFile
	}
	cfgPath = ExpandHome(cfgPath)
	cfg, err := readBtcliConfig(cfgPath)
	if err != nil {
		return Settings{}, err
	}
	fromCfg := "config " + cfgPath
	pick := func(flag, env, conf, def string) (string, string) {
		switch {
		case flag != "":
			return flag, "flag"
		case getenv(env) != "":
			return getenv(env), "env " + env
		case conf != "":
			return conf, fromCfg
		case def != "":
			return def, "default"
		}
		return "", ""
	}
	var s Settings
	s.Path, s.PathFrom = pick(flags.Path, EnvPath, cfg.WalletPath, DefaultPath)
	s.Name, s.NameFrom = pick(flags.Name, EnvName, cfg.WalletName, DefaultName)
	s.Hotkey, s.HotkeyFrom = pick(flags.Hotkey, EnvHotkey, cfg.WalletHotkey, DefaultHotkey)
	s.Network, s.NetworkFrom = pick(flags.Network, EnvNetwork, cfg.Network, "")
	s.Path = ExpandHome(s.Path)
	return s, nil
}

// Wallet returns the wallet the settings name.
func (s Settings) Wallet() (Wallet, error) { return New(s.Path, s.Name, s.Hotkey) }

func readBtcliConfig(path string) (btcliConfig, error) {
	var cfg btcliConfig
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, nil
	} else if err != nil {
		return cfg, fmt.Errorf("wallet: reading config %s: %w", path, err)
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		return cfg, fmt.Errorf("wallet: config %s is not valid YAML: %w", path, err)
	}
	return cfg, nil
}
