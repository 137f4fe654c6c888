package neuron

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/wallet"
)

// Role is what a neuron does on its subnet.
type Role string

// Roles.
const (
	RoleMiner     Role = "miner"
	RoleValidator Role = "validator"
)

// Config is a neuron's configuration: the subnet template's options
// (sdk-spec §8) under the same names. Resolve one with Flags and Load
// (defaults, then a file, then the environment, then the command line), or
// build it in code from DefaultConfig.
type Config struct {
	Role Role
	// Network is the node's API: "local", host:port or a URL.
	Network string
	NetUID  tao.NetUID
	Wallet  WalletConfig
	Neuron  NeuronConfig
	// Axon is the miner's server.
	Axon AxonConfig
	// Blacklist is the miner's caller policy.
	Blacklist BlacklistConfig
	Logging   LoggingConfig
	// MetricsAddr, if set, serves Prometheus metrics at
	// http://MetricsAddr/metrics.
	MetricsAddr string
}

// WalletConfig selects the wallet and hotkey; empty fields fall back to
// BT_WALLET_*, btcli's config.yml and "default" (package wallet).
type WalletConfig struct {
	Name, Hotkey, Path string
}

// NeuronConfig holds the neuron loop's options.
type NeuronConfig struct {
	// Dir holds the neuron's state (state.json, pending weight commits).
	// Default: <wallet path>/../miners/<wallet>/<hotkey>/netuid<N>/<role>,
	// the template's full_path.
	Dir string
	// EpochLength is the most blocks between two metagraph syncs; the
	// metagraph is also synced after each of the subnet's epochs.
	EpochLength int64

	// Validator options.
	Timeout               time.Duration // per forward query
	SampleSize            int           // miners queried per forward
	NumConcurrentForwards int
	StepInterval          time.Duration // pause between steps
	MovingAverageAlpha    float64       // EMA factor of the scores
	DisableSetWeights     bool
	// VPermitTAOLimit: uids with a validator permit and more stake than
	// this are validators and are not queried.
	VPermitTAOLimit tao.Rao
}

// AxonConfig is where the miner's axon listens and what it announces.
type AxonConfig struct {
	IP           string
	Port         int
	ExternalIP   string
	ExternalPort int
	MaxWorkers   int
}

// BlacklistConfig is the miner's caller policy, applied by the axon
// before any handler runs.
type BlacklistConfig struct {
	// AllowNonRegistered admits hotkeys not registered on the subnet.
	AllowNonRegistered bool
	// ForceValidatorPermit admits only callers holding a validator permit.
	ForceValidatorPermit bool
	// MinStake admits only callers with at least this stake.
	MinStake tao.Rao
}

// LoggingConfig sets the structured log.
type LoggingConfig struct {
	Level  string // debug, info, warn or error
	Format string // text or json
}

// DefaultConfig returns the template's defaults for role.
func DefaultConfig(role Role) Config {
	return Config{
		Role: role, Network: "local", NetUID: 1,
		Neuron: NeuronConfig{
			EpochLength: 100, Timeout: 10 * time.Second, SampleSize: 50, NumConcurrentForwards: 1,
			StepInterval: 5 * time.Second, MovingAverageAlpha: 0.1, VPermitTAOLimit: 4096 * tao.RaoPerTAO,
		},
		Axon:    AxonConfig{Port: 8091},
		Logging: LoggingConfig{Level: "info", Format: "text"},
	}
}

// ErrConfig is returned (wrapped) for an invalid configuration.
var ErrConfig = errors.New("neuron: invalid config")

// Validate checks the options a user sets.
func (c *Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	n := c.Neuron
	switch {
	case c.Role != RoleMiner && c.Role != RoleValidator:
		return bad("role %q: want miner or validator", c.Role)
	case c.NetUID == tao.RootNetUID:
		return bad("netuid 0 is the root subnet, which has no miners or validators")
	case n.EpochLength < 1:
		return bad("neuron.epoch_length %d: want at least 1 block", n.EpochLength)
	case n.Timeout <= 0:
		return bad("neuron.timeout %s: want a positive duration", n.Timeout)
	case n.SampleSize < 1:
		return bad("neuron.sample_size %d: want at least 1", n.SampleSize)
	case n.NumConcurrentForwards < 1:
		return bad("neuron.num_concurrent_forwards %d: want at least 1", n.NumConcurrentForwards)
	case n.StepInterval <= 0:
		return bad("neuron.step_interval %s: want a positive duration", n.StepInterval)
	case !(n.MovingAverageAlpha > 0 && n.MovingAverageAlpha <= 1):
		return bad("neuron.moving_average_alpha %v: want 0 < alpha ≤ 1", n.MovingAverageAlpha)
	case c.Axon.Port < 0 || c.Axon.Port > 65535 || c.Axon.ExternalPort < 0 || c.Axon.ExternalPort > 65535:
		return bad("axon ports must be 0 to 65535")
	case c.Axon.MaxWorkers < 0:
		return bad("axon.max_workers %d is negative", c.Axon.MaxWorkers)
	}
	switch strings.ToLower(c.Logging.Level) {
	case "debug", "info", "warn", "error":
	default:
		return bad("logging.level %q: want debug, info, warn or error", c.Logging.Level)
	}
	if c.Logging.Format != "text" && c.Logging.Format != "json" {
		return bad("logging.format %q: want text or json", c.Logging.Format)
	}
	return nil
}

// WalletSettings resolves the wallet options (flags or file, then
// BT_WALLET_*, btcli's config.yml, the defaults) with getenv.
func (c *Config) WalletSettings(getenv func(string) string) (wallet.Settings, error) {
	return wallet.Resolve(wallet.Overrides{Path: c.Wallet.Path, Name: c.Wallet.Name, Hotkey: c.Wallet.Hotkey}, getenv)
}

// StateDir returns Neuron.Dir, or the template's default for the wallet
// settings s: <wallet path>/../miners/<wallet>/<hotkey>/netuid<N>/<role>.
func (c *Config) StateDir(s wallet.Settings) string {
	if c.Neuron.Dir != "" {
		return c.Neuron.Dir
	}
	return filepath.Join(filepath.Dir(filepath.Clean(s.Path)), "miners", s.Name, s.Hotkey, "netuid"+strconv.Itoa(int(c.NetUID)), string(c.Role))
}
