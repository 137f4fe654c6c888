package node

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/gotensor/gotensor/internal/atomicfile"
)

// Config is the node's own settings, kept in config/gotensor.toml under
// the home. CometBFT's settings (consensus timeouts, p2p, mempool, RPC)
// stay in its config/config.toml next to it.
type Config struct {
	// APIAddr is the host:port of the HTTP JSON API ("" disables it).
	APIAddr string `toml:"api_addr"`
	// MetricsAddr is the host:port serving Prometheus metrics at /metrics
	// ("" disables them).
	MetricsAddr string `toml:"metrics_addr"`
	// LogLevel is debug, info, warn or error. CometBFT's own logs are
	// shown at error level unless this is debug.
	LogLevel string `toml:"log_level"`
	// LogFormat is text or json.
	LogFormat string `toml:"log_format"`
	// CommitTimeout bounds POST /v1/tx?wait=commit, e.g. "30s".
	CommitTimeout Duration `toml:"commit_timeout"`
	// CheckInvariants makes the chain verify its supply invariant after
	// every block (slow; for tests and audits).
	CheckInvariants bool `toml:"check_invariants"`
	// MemoryLimit is the Go runtime's soft memory limit, e.g. "900MiB":
	// the garbage collector works harder near it instead of letting the
	// heap double. "0" disables it; the GOMEMLIMIT variable wins over it.
	MemoryLimit Bytes `toml:"memory_limit"`
	// SnapshotInterval makes the node take a state-sync snapshot every that
	// many heights, which new nodes can restore instead of replaying every
	// block (CometBFT's [statesync] section); 0 disables snapshots.
	SnapshotInterval int64 `toml:"snapshot_interval"`
	// SnapshotKeepRecent is how many snapshots to keep (0: the default, 2).
	SnapshotKeepRecent int `toml:"snapshot_keep_recent"`
}

// Default ports. 9944 is the port btcli's "local" network uses.
const (
	DefaultAPIAddr     = "127.0.0.1:9944"
	DefaultRPCAddr     = "127.0.0.1:26657"
	DefaultP2PAddr     = "0.0.0.0:26656"
	DefaultMetricsAddr = "127.0.0.1:26660"
)

// DefaultConfig returns the settings `node init` writes.
func DefaultConfig() Config {
	return Config{
		APIAddr:       DefaultAPIAddr,
		MetricsAddr:   DefaultMetricsAddr,
		LogLevel:      "info",
		LogFormat:     "text",
		CommitTimeout: Duration(30 * time.Second),
		MemoryLimit:   900 << 20,

		SnapshotInterval:   1000,
		SnapshotKeepRecent: 2,
	}
}

// Validate checks the settings, naming the first bad one.
func (c Config) Validate() error {
	for _, a := range []struct{ name, addr string }{{"api_addr", c.APIAddr}, {"metrics_addr", c.MetricsAddr}} {
		if a.addr == "" {
			continue
		}
		if err := checkHostPort(a.name, a.addr); err != nil {
			return err
		}
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	switch c.LogFormat {
	case "", "text", "json":
	default:
		return fmt.Errorf("node: log_format %q: want text or json", c.LogFormat)
	}
	if c.SnapshotInterval < 0 || c.SnapshotKeepRecent < 0 {
		return fmt.Errorf("node: snapshot_interval %d, snapshot_keep_recent %d: want 0 or more", c.SnapshotInterval, c.SnapshotKeepRecent)
	}
	if c.CommitTimeout < 0 {
		return fmt.Errorf("node: commit_timeout %s is negative", time.Duration(c.CommitTimeout))
	}
	return nil
}

// Duration is a time.Duration written in TOML as a string like "500ms".
type Duration time.Duration

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("invalid duration %q: %w", b, err)
	}
	*d = Duration(v)
	return nil
}

// Bytes is a size written in TOML as "900MiB", "1GiB", "512KiB" or a
// plain number of bytes.
type Bytes int64

var byteUnits = []struct {
	suffix string
	mult   int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}, {"", 1}}

// MarshalText implements encoding.TextMarshaler.
func (b Bytes) MarshalText() ([]byte, error) {
	for _, u := range byteUnits[:3] {
		if b != 0 && int64(b)%u.mult == 0 {
			return fmt.Appendf(nil, "%d%s", int64(b)/u.mult, u.suffix), nil
		}
	}
	return fmt.Appendf(nil, "%d", int64(b)), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (b *Bytes) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(string(text))
	for _, u := range byteUnits {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		if err != nil || n < 0 || n > (1<<62)/u.mult {
			break
		}
		*b = Bytes(n * u.mult)
		return nil
	}
	return fmt.Errorf("invalid size %q: want e.g. 900MiB, 1GiB or a number of bytes", s)
}

// ErrNoHome is returned (wrapped) when a home has not been initialised.
var ErrNoHome = errors.New("node: home not initialised")

// LoadConfig reads config/gotensor.toml under home. Unknown keys are an
// error, so a typo does not silently keep a default.
func LoadConfig(home string) (Config, error) {
	path := filepath.Join(home, configDir, ourConfigFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Config{}, fmt.Errorf("%w: %s is missing", ErrNoHome, path)
	}
	if err != nil {
		return Config{}, fmt.Errorf("node: %w", err)
	}
	c := DefaultConfig()
	md, err := toml.Decode(string(b), &c)
	if err != nil {
		return Config{}, fmt.Errorf("node: %s: %w", path, err)
	}
	if undec := md.Undecoded(); len(undec) > 0 {
		keys := make([]string, len(undec))
		for i, k := range undec {
			keys[i] = k.String()
		}
		return Config{}, fmt.Errorf("node: %s: unknown setting %s", path, strings.Join(keys, ", "))
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// SaveConfig writes c to config/gotensor.toml under home.
func SaveConfig(home string, c Config) error {
	var buf bytes.Buffer
	buf.WriteString("# gotensor node settings. CometBFT's own settings are in config.toml.\n\n")
	if err := toml.NewEncoder(&buf).Encode(c); err != nil {
		return fmt.Errorf("node: encoding config: %w", err)
	}
	return writeFileAtomic(filepath.Join(home, configDir, ourConfigFile), buf.Bytes(), 0o644)
}

// writeFileAtomic replaces path with data, so that a crash leaves either
// the old or the new file (internal/atomicfile).
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	if err := atomicfile.Write(path, data, mode); err != nil {
		return fmt.Errorf("node: writing %s: %w", path, err)
	}
	return nil
}
