package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	cmtcfg "github.com/cometbft/cometbft/config"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/libs/service"
	"github.com/cometbft/cometbft/privval"
	"github.com/mitchellh/mapstructure"
)

// Layout of a home, as CometBFT lays it out, plus our own files.
const (
	configDir     = "config"
	dataDir       = "data"
	ourConfigFile = "gotensor.toml"
	appDataDir    = "app" // under data/: the state machine's store
)

// loadCometConfig reads CometBFT's config/config.toml under home over
// CometBFT's defaults, the way CometBFT's own command line does (TOML keys
// are the mapstructure tags of its Config). Unknown keys are an error.
func loadCometConfig(home string) (*cmtcfg.Config, error) {
	path := filepath.Join(home, configDir, "config.toml")
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s is missing", ErrNoHome, path)
	}
	if err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	var raw map[string]any
	if _, err := toml.Decode(string(b), &raw); err != nil {
		return nil, fmt.Errorf("node: %s: %w", path, err)
	}
	c := cmtcfg.DefaultConfig()
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		// The same decoding viper applies for CometBFT's own command line:
		// its template writes some numbers and lists as strings.
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.StringToSliceHookFunc(","),
		),
		WeaklyTypedInput: true,
		ErrorUnused:      true,
		Result:           c,
	})
	if err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	if err := dec.Decode(raw); err != nil {
		return nil, fmt.Errorf("node: %s: %w", path, err)
	}
	c.SetRoot(home)
	if err := c.ValidateBasic(); err != nil {
		return nil, fmt.Errorf("node: %s: %w", path, err)
	}
	return c, nil
}

// writeCometConfig renders c with CometBFT's template into
// config/config.toml under home.
func writeCometConfig(home string, c *cmtcfg.Config) (err error) {
	// CometBFT's writer exits the process on a write error; render into a
	// scratch file first so the real write is ours.
	dir, err := os.MkdirTemp(filepath.Join(home, configDir), ".render")
	if err != nil {
		return fmt.Errorf("node: %w", err)
	}
	defer os.RemoveAll(dir)
	scratch := filepath.Join(dir, "config.toml")
	cmtcfg.WriteConfigFile(scratch, c)
	b, err := os.ReadFile(scratch)
	if err != nil {
		return fmt.Errorf("node: %w", err)
	}
	return writeFileAtomic(filepath.Join(home, configDir, "config.toml"), b, 0o644)
}

// loadPrivValidator loads the validator key and last-sign state. It checks
// both files first because CometBFT's loader exits the process on a bad
// file.
func loadPrivValidator(c *cmtcfg.Config) (*privval.FilePV, error) {
	keyPath, statePath := c.PrivValidatorKeyFile(), c.PrivValidatorStateFile()
	b, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, fmt.Errorf("node: validator key: %w", err)
	}
	var key privval.FilePVKey
	if err := cmtjson.Unmarshal(b, &key); err != nil {
		return nil, fmt.Errorf("node: validator key %s: %w", keyPath, err)
	}
	b, err = os.ReadFile(statePath)
	if errors.Is(err, os.ErrNotExist) {
		// A lost state file is recreated empty, as CometBFT's init does;
		// the key's double-sign protection then relies on the chain.
		pv := privval.NewFilePV(key.PrivKey, keyPath, statePath)
		pv.LastSignState.Save()
		return pv, nil
	}
	if err != nil {
		return nil, fmt.Errorf("node: validator state: %w", err)
	}
	var state privval.FilePVLastSignState
	if err := cmtjson.Unmarshal(b, &state); err != nil {
		return nil, fmt.Errorf("node: validator state %s: %w", statePath, err)
	}
	return privval.LoadFilePV(keyPath, statePath), nil
}

// tcpAddr turns host:port into CometBFT's tcp://host:port form; an
// address that already has a scheme is kept.
func tcpAddr(hostport string) string {
	if hostport == "" || strings.Contains(hostport, "://") {
		return hostport
	}
	return "tcp://" + hostport
}

// hostPort strips CometBFT's scheme from a listen address.
func hostPort(laddr string) string {
	if _, rest, ok := strings.Cut(laddr, "://"); ok {
		return rest
	}
	return laddr
}

// CheckListenAddr checks a listen address: host:port whose port is a
// number from 0 to 65535 (0: any free port). The host may be empty
// (every interface), an IP or a name.
func CheckListenAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		_, err = strconv.ParseUint(port, 10, 16)
	}
	if err != nil {
		return errors.New("want host:port with a port from 0 to 65535")
	}
	return nil
}

// checkHostPort validates the listen address of the setting name.
func checkHostPort(name, addr string) error {
	if err := CheckListenAddr(addr); err != nil {
		return fmt.Errorf("node: %s %q: %w", name, addr, err)
	}
	return nil
}

// checkCometAddr validates one of CometBFT's listen addresses, which may
// carry its tcp:// prefix.
func checkCometAddr(name, addr string) error {
	if err := CheckListenAddr(hostPort(addr)); err != nil {
		return fmt.Errorf("node: %s %q: %w", name, addr, err)
	}
	return nil
}

// cometLogger adapts CometBFT's logger interface to slog. CometBFT logs a
// lot at info level, so it gets its own minimum level.
type cometLogger struct {
	log   *slog.Logger
	level slog.Level
}

// shutdownNoise reports CometBFT error-level messages that a normal
// shutdown produces.
func shutdownNoise(msg string, kv []any) bool {
	if msg == "Stopped accept routine, as transport is closed" {
		return true
	}
	for i := 1; i < len(kv); i += 2 {
		if err, ok := kv[i].(error); ok && (errors.Is(err, net.ErrClosed) || errors.Is(err, service.ErrAlreadyStopped)) {
			return true
		}
	}
	return false
}

func (l cometLogger) emit(level slog.Level, msg string, kv []any) {
	if level < l.level || (level >= slog.LevelError && shutdownNoise(msg, kv)) {
		return
	}
	l.log.Log(context.Background(), level, msg, kv...)
}

func (l cometLogger) Debug(msg string, kv ...any) { l.emit(slog.LevelDebug, msg, kv) }
func (l cometLogger) Info(msg string, kv ...any)  { l.emit(slog.LevelInfo, msg, kv) }
func (l cometLogger) Error(msg string, kv ...any) { l.emit(slog.LevelError, msg, kv) }
func (l cometLogger) With(kv ...any) cmtlog.Logger {
	return cometLogger{log: l.log.With(kv...), level: l.level}
}

// parseLevel parses a log level name ("": info).
func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if s == "" {
		return slog.LevelInfo, nil
	}
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("node: log level %q: %w", s, errLogLevel)
	}
	return l, nil
}

var errLogLevel = errors.New("want debug, info, warn or error")

// CheckLogLevel checks a log level name: debug, info, warn or error.
func CheckLogLevel(s string) error {
	if _, err := parseLevel(s); err != nil || s == "" {
		return errLogLevel
	}
	return nil
}
