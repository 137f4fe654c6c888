package axon

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gotensor/gotensor/sdk/synapse"
	"github.com/gotensor/gotensor/tao"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultPort              = 8091
	DefaultWorkers           = 10 // Python's axon.max_workers
	DefaultQueueSize         = 256
	DefaultMaxBodyBytes      = 16 << 20
	DefaultMaxTimeout        = 120 * time.Second
	DefaultMaxClockSkew      = 10 * time.Second
	DefaultNonceCacheSize    = 1 << 16
	DefaultRate              = 50 // requests per second per hotkey
	DefaultBurst             = 100
	DefaultMaxTrackedHotkeys = 8192
)

// AllowedDelta is how old a caller's first nonce may be, beyond the
// request's timeout (Python's ALLOWED_DELTA).
const AllowedDelta = 4 * time.Second

// Config configures an Axon. The zero value of each field selects its
// default; a Config is copied by New and not retained.
type Config struct {
	// IP is the local address to bind; empty binds every interface (Python's
	// "[::]"). Port is the local port (default 8091).
	IP   string
	Port int
	// ExternalIP and ExternalPort are what Announce publishes, for axons
	// behind NAT or a proxy. ExternalPort defaults to the bound port;
	// ExternalIP defaults to IP when that is a specific address. The axon
	// never asks a third-party service for its address.
	ExternalIP   string
	ExternalPort int
	// Coldkey is the owner account published in AxonInfo (informational).
	Coldkey tao.AccountID

	// Announce, when set, is called by Start with the axon's public info
	// once it listens: the hook to submit serve_axon on chain. Start fails if
	// it fails.
	Announce func(ctx context.Context, info synapse.AxonInfo) error

	// Peers answers who a verified caller is. It is required unless
	// AllowUnregistered is set.
	Peers Peers
	// AllowUnregistered admits callers that Peers does not know.
	AllowUnregistered bool
	// RequireValidatorPermit refuses callers without a validator permit.
	RequireValidatorPermit bool
	// MinStake refuses callers with less stake.
	MinStake tao.Rao

	// AllowUnsigned admits requests without a signature (their hotkey is then
	// unverified). It exists only for compatibility with peers that do not
	// sign; a wrong signature is refused regardless.
	AllowUnsigned bool

	// Workers bounds the handlers running at once (default 10); QueueSize
	// bounds the requests waiting for one (default 256), highest priority
	// first (see WithPriority; by default the caller's stake).
	Workers   int
	QueueSize int
	// Rate and Burst set each hotkey's token bucket (defaults 50/s and 100).
	// A negative Rate disables rate limiting. MaxTrackedHotkeys bounds the
	// buckets kept (default 8192).
	Rate              float64
	Burst             int
	MaxTrackedHotkeys int

	// MaxBodyBytes bounds a request body (default 16 MiB).
	MaxBodyBytes int64
	// MaxTimeout caps the timeout a request asks for, which bounds both its
	// handler's run time and the age its first nonce may have (default 120s).
	MaxTimeout time.Duration
	// MaxClockSkew is how far in the future a nonce may lie (default 10s).
	// Python accepts any future nonce; refusing far-future ones keeps the
	// nonce cache bounded without letting old requests be replayed.
	MaxClockSkew time.Duration
	// NonceCacheSize bounds the hotkey:uuid nonce entries (default 65536).
	NonceCacheSize int

	// Registerer receives the axon's metrics; nil keeps them unregistered.
	Registerer prometheus.Registerer
	// Logger receives handler errors and refusals; nil discards them.
	Logger *slog.Logger
	// Now is the clock (default time.Now); tests replace it.
	Now func() time.Time
}

// Environment variables ApplyEnv reads (the Python SDK's names).
const (
	EnvPort         = "BT_AXON_PORT"
	EnvIP           = "BT_AXON_IP"
	EnvExternalPort = "BT_AXON_EXTERNAL_PORT"
	EnvExternalIP   = "BT_AXON_EXTERNAL_IP"
	EnvMaxWorkers   = "BT_AXON_MAX_WORKERS"
)

// ErrConfig is returned (wrapped) for an invalid configuration.
var ErrConfig = errors.New("axon: invalid config")

// ApplyEnv overrides c's address fields and worker count with the
// BT_AXON_* environment variables that lookup (os.LookupEnv) finds set. On
// error c is unchanged.
func (c *Config) ApplyEnv(lookup func(string) (string, bool)) error {
	next := *c
	ports := []struct {
		env string
		dst *int
	}{{EnvPort, &next.Port}, {EnvExternalPort, &next.ExternalPort}, {EnvMaxWorkers, &next.Workers}}
	for _, p := range ports {
		v, ok := lookup(p.env)
		if !ok || v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%w: %s=%q is not an integer", ErrConfig, p.env, v)
		}
		*p.dst = n
	}
	if v, ok := lookup(EnvIP); ok && v != "" {
		next.IP = v
	}
	if v, ok := lookup(EnvExternalIP); ok && v != "" {
		next.ExternalIP = v
	}
	if err := next.validate(); err != nil {
		return err
	}
	*c = next
	return nil
}

// validate checks the fields a user sets by hand or through the
// environment; zero values are valid (they select defaults).
func (c *Config) validate() error {
	for _, p := range []struct {
		name string
		v    int
	}{{"port", c.Port}, {"external port", c.ExternalPort}} {
		if p.v < 0 || p.v > 65535 {
			return fmt.Errorf("%w: %s %d is outside 1..65535", ErrConfig, p.name, p.v)
		}
	}
	if c.IP != "" && c.IP != "[::]" {
		if _, err := netip.ParseAddr(c.IP); err != nil {
			return fmt.Errorf("%w: ip %q is not an IP address", ErrConfig, c.IP)
		}
	}
	if c.ExternalIP != "" {
		ip, err := netip.ParseAddr(c.ExternalIP)
		if err != nil {
			return fmt.Errorf("%w: external ip %q is not an IP address", ErrConfig, c.ExternalIP)
		}
		if ip.IsUnspecified() {
			return fmt.Errorf("%w: external ip %s cannot be dialed", ErrConfig, ip)
		}
	}
	for _, n := range []struct {
		name string
		v    int64
	}{
		{"workers", int64(c.Workers)}, {"queue size", int64(c.QueueSize)}, {"burst", int64(c.Burst)},
		{"max tracked hotkeys", int64(c.MaxTrackedHotkeys)}, {"max body bytes", c.MaxBodyBytes},
		{"max timeout", int64(c.MaxTimeout)}, {"max clock skew", int64(c.MaxClockSkew)},
		{"nonce cache size", int64(c.NonceCacheSize)},
	} {
		if n.v < 0 {
			return fmt.Errorf("%w: %s %d is negative", ErrConfig, n.name, n.v)
		}
	}
	if c.Peers == nil && !c.AllowUnregistered {
		return fmt.Errorf("%w: Peers is required unless AllowUnregistered is set", ErrConfig)
	}
	return nil
}

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	c.Port = cmp.Or(c.Port, DefaultPort)
	c.Workers = cmp.Or(c.Workers, DefaultWorkers)
	c.QueueSize = cmp.Or(c.QueueSize, DefaultQueueSize)
	c.Burst = cmp.Or(c.Burst, DefaultBurst)
	c.MaxTrackedHotkeys = cmp.Or(c.MaxTrackedHotkeys, DefaultMaxTrackedHotkeys)
	c.NonceCacheSize = cmp.Or(c.NonceCacheSize, DefaultNonceCacheSize)
	c.Rate = cmp.Or(c.Rate, DefaultRate)
	c.MaxBodyBytes = cmp.Or(c.MaxBodyBytes, DefaultMaxBodyBytes)
	c.MaxTimeout = cmp.Or(c.MaxTimeout, DefaultMaxTimeout)
	c.MaxClockSkew = cmp.Or(c.MaxClockSkew, DefaultMaxClockSkew)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}
