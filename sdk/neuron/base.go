package neuron

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/sdk/metagraph"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/wallet"
)

// Keys are the keys a neuron runs with.
type Keys struct {
	// Hotkey signs queries, answers, serve_axon and weights.
	Hotkey *keys.Pair
	// Coldkey owns the hotkey; it is published with the axon
	// (informational).
	Coldkey tao.AccountID
}

// LoadKeys reads the configured wallet's hotkey (decrypting it with its
// BT_PW_ variable if it is encrypted: a neuron never prompts) and its
// coldkey's address, resolving the wallet with getenv (os.Getenv).
func (c *Config) LoadKeys(getenv func(string) string) (Keys, wallet.Settings, error) {
	s, err := c.WalletSettings(getenv)
	if err != nil {
		return Keys{}, s, err
	}
	w, err := s.Wallet()
	if err != nil {
		return Keys{}, s, err
	}
	hot, err := w.UnlockHotkey(nil)
	if err != nil {
		return Keys{}, s, fmt.Errorf("neuron: hotkey %q of wallet %q: %w", s.Hotkey, s.Name, err)
	}
	cold, err := w.ColdkeyPub()
	if err != nil {
		return Keys{}, s, fmt.Errorf("neuron: coldkey of wallet %q: %w", s.Name, err)
	}
	return Keys{Hotkey: hot, Coldkey: cold}, s, nil
}

// Options are a neuron's collaborators. Zero fields get defaults built
// from the Config.
type Options struct {
	// Client talks to the node (default: client.New(Config.Network)).
	Client *client.Client
	// Logger receives the neuron's structured log (default: Config.Logging
	// to stderr).
	Logger *slog.Logger
	// Registry receives the neuron's metrics (default: a registry of its
	// own, served at Config.MetricsAddr when that is set).
	Registry *prometheus.Registry
	// VersionKey is the validator's weights version key, the subnet's
	// spec_version (default 0).
	VersionKey uint64
	// Listener, if set, is where the miner's axon serves instead of
	// binding axon.ip:axon.port (tests, sockets handed over by systemd);
	// the miner owns it.
	Listener net.Listener
}

// base is what miners and validators share: the chain connection, the
// metagraph, the log and the metrics.
type base struct {
	cfg  Config
	keys Keys
	c    *client.Client
	mg   *metagraph.Metagraph
	log  *slog.Logger
	reg  *prometheus.Registry
	m    *metrics

	senderMu sync.Mutex
	sender   *client.Sender
}

func newBase(cfg Config, k Keys, o Options) (*base, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if k.Hotkey == nil {
		return nil, fmt.Errorf("%w: no hotkey", ErrConfig)
	}
	b := &base{cfg: cfg, keys: k, c: o.Client, log: o.Logger, reg: o.Registry}
	if b.c == nil {
		c, err := client.New(cfg.Network, client.Options{})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrConfig, err)
		}
		b.c = c
	}
	if b.log == nil {
		b.log = NewLogger(os.Stderr, cfg.Logging)
	}
	b.log = b.log.With("role", string(cfg.Role), "netuid", int(cfg.NetUID), "hotkey", short(k.Hotkey.Public()))
	if b.reg == nil {
		b.reg = prometheus.NewRegistry()
	}
	m, err := newMetrics(b.reg, cfg.Role)
	if err != nil {
		return nil, err
	}
	b.m = m
	b.mg = metagraph.New(b.c, cfg.NetUID)
	return b, nil
}

// NewLogger returns a slog logger writing to w as cfg says (text or JSON,
// at cfg.Level).
func NewLogger(w io.Writer, cfg LoggingConfig) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(strings.ToUpper(cfg.Level))) // validated by Config.Validate
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// short abbreviates an address for logs: 5F3sa2…xyz1.
func short(a tao.AccountID) string {
	s := a.String()
	return s[:6] + "…" + s[len(s)-4:]
}

// Metagraph returns the neuron's metagraph (synced by the neuron's loop).
func (b *base) Metagraph() *metagraph.Metagraph { return b.mg }

// Client returns the neuron's API client.
func (b *base) Client() *client.Client { return b.c }

// Logger returns the neuron's logger.
func (b *base) Logger() *slog.Logger { return b.log }

// Hotkey returns the neuron's hotkey address.
func (b *base) Hotkey() tao.AccountID { return b.keys.Hotkey.Public() }

// Config returns the neuron's configuration.
func (b *base) Config() Config { return b.cfg }

// senderFor returns the Sender of the hotkey, made on first use.
func (b *base) senderFor(ctx context.Context) (*client.Sender, error) {
	b.senderMu.Lock()
	defer b.senderMu.Unlock()
	if b.sender == nil {
		s, err := b.c.NewSender(ctx, b.keys.Hotkey)
		if err != nil {
			return nil, err
		}
		b.sender = s
	}
	return b.sender, nil
}

// sync syncs the metagraph and checks that the neuron is registered.
func (b *base) sync(ctx context.Context) (*metagraph.Snapshot, tao.UID, error) {
	prev := b.mg.Snapshot()
	s, err := b.mg.Sync(ctx)
	switch {
	case err != nil:
		b.m.syncs.WithLabelValues("error").Inc()
		return nil, 0, err
	case s == prev:
		b.m.syncs.WithLabelValues("not_modified").Inc()
	default:
		b.m.syncs.WithLabelValues("ok").Inc()
	}
	uid, ok := s.UID(b.Hotkey())
	if !ok {
		return s, 0, &NotRegisteredError{Hotkey: b.Hotkey(), NetUID: b.cfg.NetUID}
	}
	return s, uid, nil
}

// follow calls onBlock with the height of each new block (the latest one
// only, when several arrived meanwhile) until ctx ends or onBlock returns
// an error. Blocks come from the node's event stream; polling the status
// every second takes over while the stream is down.
func (b *base) follow(ctx context.Context, onBlock func(ctx context.Context, height int64) error) error {
	blocks, err := b.c.SubscribeWith(ctx, 0, client.StreamOptions{Brief: true}) // heights are all it needs
	if err != nil {
		b.log.Warn("no block stream: polling the node", "err", err)
	}
	poll := time.NewTicker(time.Second)
	defer poll.Stop()
	var last int64
	for {
		var height int64
		select {
		case <-ctx.Done():
			return nil
		case blk, ok := <-blocks:
			if !ok {
				blocks = nil // the stream ended with ctx; polling covers the rest
				continue
			}
			height = blk.Height
		drain:
			for { // skip to the newest block already waiting
				select {
				case blk, ok := <-blocks:
					if !ok {
						break drain
					}
					height = blk.Height
				default:
					break drain
				}
			}
		case <-poll.C:
			st, err := b.c.Status(ctx)
			if err != nil {
				if ctx.Err() == nil {
					b.log.Debug("node status", "err", err)
				}
				continue
			}
			height = st.Height
		}
		if height <= last {
			continue
		}
		last = height
		b.m.block.Set(float64(height))
		if err := onBlock(ctx, height); err != nil {
			return err
		}
	}
}

// serveMetrics serves the registry at cfg.MetricsAddr until stop is
// called; it does nothing when no address is set.
func (b *base) serveMetrics() (stop func(), err error) {
	if b.cfg.MetricsAddr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", b.cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("neuron: metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(b.reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			b.log.Error("metrics server stopped", "err", err)
		}
	}()
	b.log.Info("serving metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	return func() { _ = srv.Close() }, nil
}
