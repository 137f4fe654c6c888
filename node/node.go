package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	cmtcfg "github.com/cometbft/cometbft/config"
	cmtnode "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/proxy"
	rpclocal "github.com/cometbft/cometbft/rpc/client/local"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gotensor/gotensor/api"
)

// Options adjust how New opens a home. Empty address fields keep the
// configured value; "off" disables that listener.
type Options struct {
	// OpenApp opens the state machine (default: ChainApp, the gotensor
	// chain).
	OpenApp AppOpener
	// Logger receives the node's logs (default: stderr, in the configured
	// level and format).
	Logger *slog.Logger
	// LogLevel overrides the configured log level.
	LogLevel string

	APIAddr, RPCAddr, P2PAddr, MetricsAddr string
}

// Node is a running gotensor node: CometBFT in-process, the application,
// the HTTP API and the metrics endpoint.
type Node struct {
	home  string
	cfg   Config
	comet *cmtnode.Node
	rpc   *rpclocal.Local // CometBFT's RPC, in-process
	app   *App
	dbs   *dbTracker
	log   *slog.Logger

	api        *api.Server
	apiLn      net.Listener
	metricsSrv *http.Server
	cancel     context.CancelFunc
	wg         sync.WaitGroup

	stopOnce sync.Once
	stopErr  error

	// fresh is the home OpenLocalnet has just written: a failed Start
	// removes it again, so a run that never started leaves nothing behind.
	fresh *newHome

	mu    sync.Mutex         // guards final and the app's closing
	final *abci.ResponseInfo // the app's last commit, recorded at Stop
}

// ErrHomeInUse is returned (wrapped) by New when another process runs a
// node in the same home.
var ErrHomeInUse = errors.New("node: another node process is using this home")

// New opens the node in home: it reads both config files, opens the
// application and builds (but does not start) CometBFT, which replays any
// blocks the application missed.
func New(home string, o Options) (*Node, error) {
	cfg, err := LoadConfig(home)
	if err != nil {
		return nil, err
	}
	ccfg, err := loadCometConfig(home)
	if err != nil {
		return nil, err
	}
	if err := applyOverrides(&cfg, ccfg, o); err != nil {
		return nil, err
	}
	level, err := parseLevel(cfg.LogLevel)
	if err != nil {
		return nil, err
	}
	logger := o.Logger
	if logger == nil {
		logger = newLogger(cfg.LogFormat, level)
	}
	if cfg.MemoryLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(cfg.MemoryLimit))
	}
	cometLevel := slog.LevelError
	if level <= slog.LevelDebug {
		cometLevel = slog.LevelDebug
	}

	pv, err := loadPrivValidator(ccfg)
	if err != nil {
		return nil, err
	}
	nodeKey, err := p2p.LoadNodeKey(ccfg.NodeKeyFile())
	if err != nil {
		return nil, fmt.Errorf("node: node key: %w", err)
	}
	if o.OpenApp == nil {
		o.OpenApp = ChainApp
	}
	appDir := filepath.Join(home, dataDir, appDataDir)
	if err := os.MkdirAll(appDir, 0o700); err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	app, err := o.OpenApp(AppParams{Dir: appDir, CheckInvariants: cfg.CheckInvariants,
		SnapshotInterval: cfg.SnapshotInterval, SnapshotKeepRecent: cfg.SnapshotKeepRecent, Logger: logger})
	if errors.Is(err, syscall.EAGAIN) { // the store's file lock
		return nil, fmt.Errorf("%w: %s", ErrHomeInUse, home)
	}
	if err != nil {
		return nil, fmt.Errorf("node: opening the application: %w", err)
	}
	var creator proxy.ClientCreator
	if app.Concurrent {
		creator = proxy.NewConnSyncLocalClientCreator(app.ABCI)
	} else {
		creator = proxy.NewLocalClientCreator(app.ABCI)
	}
	metrics := cmtnode.DefaultMetricsProvider(cmtcfg.DefaultInstrumentationConfig()) // no-op
	var apiM *api.Metrics
	if cfg.MetricsAddr != "" {
		metrics, apiM = processMetrics()
	}
	dbs := &dbTracker{}
	comet, err := cmtnode.NewNode(ccfg, pv, nodeKey, creator,
		cmtnode.DefaultGenesisDocProviderFunc(ccfg), dbs.provide, metrics,
		cometLogger{log: logger.With("module", "cometbft"), level: cometLevel})
	if err != nil {
		dbs.closeAll()
		closeApp(app)
		return nil, fmt.Errorf("node: %w", err)
	}
	n := &Node{home: home, cfg: cfg, comet: comet, app: app, dbs: dbs, log: logger, rpc: localRPC(comet)}
	n.api = api.New(api.Config{
		CommitTimeout: time.Duration(cfg.CommitTimeout),
		Logger:        logger.With("module", "api"),
		Metrics:       apiM,
	}, app.Chain, n.rpc)
	return n, nil
}

// localRPC returns CometBFT's in-process RPC client for the API. Building
// it serialises the genesis into base64 chunks for the genesis_chunked
// endpoint and keeps them; the API never serves the genesis, so the chunks
// are built without app_state, which holds every genesis account (80 MiB
// for a million accounts). CometBFT's own RPC server, when enabled, keeps
// its full copy.
func localRPC(comet *cmtnode.Node) *rpclocal.Local {
	doc := comet.GenesisDoc()
	appState := doc.AppState
	doc.AppState = nil
	defer func() { doc.AppState = appState }()
	return rpclocal.New(comet)
}

// check validates o's per-run settings, naming the first bad one.
func (o Options) check() error {
	for _, a := range []struct {
		name, addr string
		check      func(name, addr string) error
		canBeOff   bool
	}{
		{"api address", o.APIAddr, checkHostPort, true},
		{"rpc address", o.RPCAddr, checkCometAddr, true},
		{"p2p address", o.P2PAddr, checkCometAddr, false},
		{"metrics address", o.MetricsAddr, checkHostPort, true},
	} {
		if a.addr == "" || (a.addr == "off" && a.canBeOff) {
			continue
		}
		if err := a.check(a.name, a.addr); err != nil {
			return err
		}
	}
	if o.LogLevel != "" {
		if _, err := parseLevel(o.LogLevel); err != nil {
			return err
		}
	}
	return nil
}

// applyOverrides applies the per-run settings of o over the files.
func applyOverrides(cfg *Config, ccfg *cmtcfg.Config, o Options) error {
	if err := o.check(); err != nil {
		return err
	}
	set := func(dst *string, v string) {
		switch v {
		case "":
		case "off":
			*dst = ""
		default:
			*dst = v
		}
	}
	set(&cfg.APIAddr, o.APIAddr)
	set(&cfg.MetricsAddr, o.MetricsAddr)
	if o.RPCAddr != "off" {
		o.RPCAddr = tcpAddr(o.RPCAddr)
	}
	set(&ccfg.RPC.ListenAddress, o.RPCAddr)
	set(&ccfg.P2P.ListenAddress, tcpAddr(o.P2PAddr))
	if o.LogLevel != "" {
		cfg.LogLevel = o.LogLevel
	}
	return cfg.Validate()
}

// newLogger builds the default stderr logger.
func newLogger(format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// Start starts CometBFT, the API and the metrics endpoint. On failure
// everything started is stopped again, and a home OpenLocalnet created
// for this node is removed.
func (n *Node) Start() error {
	if n.cfg.APIAddr != "" {
		ln, err := net.Listen("tcp", n.cfg.APIAddr)
		if err != nil {
			return n.failStart(fmt.Errorf("node: api address: %w", err))
		}
		n.apiLn = ln
	}
	if err := n.comet.Start(); err != nil {
		return n.failStart(fmt.Errorf("node: starting CometBFT: %w", err))
	}
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	sub, err := n.subscribeBlocks(ctx)
	if err != nil {
		return n.failStart(err)
	}
	n.wg.Add(1)
	go n.pumpBlocks(ctx, sub)
	if n.apiLn != nil {
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			if err := n.api.Serve(n.apiLn); err != nil {
				n.log.Error("api server stopped", "err", err)
			}
		}()
	}
	if n.cfg.MetricsAddr != "" {
		if err := n.startMetrics(); err != nil {
			return n.failStart(err)
		}
	}
	n.fresh = nil
	n.log.Info("node started", "chain_id", n.ChainID(), "home", n.home, "api", n.APIAddr(),
		"height", n.Height())
	return nil
}

// failStart stops what Start started and, for a localnet home written by
// this run, removes the home again.
func (n *Node) failStart(err error) error {
	_ = n.Stop()
	n.fresh.remove()
	return err
}

// blockSubscriber names the API's subscription on CometBFT's event bus.
const blockSubscriber = "gotensor-node"

func (n *Node) subscribeBlocks(ctx context.Context) (cmttypes.Subscription, error) {
	sub, err := n.comet.EventBus().Subscribe(ctx, blockSubscriber, cmttypes.EventQueryNewBlock, 256)
	if err != nil {
		return nil, fmt.Errorf("node: subscribing to blocks: %w", err)
	}
	return sub, nil
}

// pumpBlocks feeds committed blocks to the API. CometBFT publishes
// NewBlock after the application's Commit, so the API reads the new state.
func (n *Node) pumpBlocks(ctx context.Context, sub cmttypes.Subscription) {
	defer n.wg.Done()
	for {
		select {
		case msg := <-sub.Out():
			ev, ok := msg.Data().(cmttypes.EventDataNewBlock)
			if !ok {
				continue
			}
			res := ev.ResultFinalizeBlock
			n.api.PublishBlock(ev.Block, ev.BlockID.Hash, &res)
		case <-sub.Canceled():
			if ctx.Err() != nil {
				return
			}
			// Only a pump that fell 256 blocks behind gets cancelled.
			n.log.Warn("block subscription dropped; resubscribing", "err", sub.Err())
			var err error
			if sub, err = n.subscribeBlocks(ctx); err != nil {
				n.log.Error("block subscription lost", "err", err)
				return
			}
		case <-ctx.Done():
			return
		}
	}
}

func (n *Node) startMetrics() error {
	ln, err := net.Listen("tcp", n.cfg.MetricsAddr)
	if err != nil {
		return fmt.Errorf("node: metrics address: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.InstrumentMetricHandler(prometheus.DefaultRegisterer,
		promhttp.HandlerFor(prometheus.DefaultGatherer, promhttp.HandlerOpts{MaxRequestsInFlight: 4})))
	n.metricsSrv = &http.Server{
		Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second,
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		if err := n.metricsSrv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			n.log.Error("metrics server stopped", "err", err)
		}
	}()
	return nil
}

// Stop shuts the node down in order: API (ending streams and waiters),
// metrics, CometBFT (which flushes its stores), then the application. It
// is safe to call more than once and from a signal handler's goroutine.
func (n *Node) Stop() error {
	n.stopOnce.Do(func() {
		if n.cancel != nil {
			n.cancel() // the block pump first, so it does not resubscribe
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var errs []error
		if err := n.api.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("api: %w", err))
		}
		if n.apiLn != nil {
			n.apiLn.Close() // if Serve never ran
		}
		if n.metricsSrv != nil {
			if err := n.metricsSrv.Shutdown(ctx); err != nil {
				errs = append(errs, fmt.Errorf("metrics: %w", err))
			}
		}
		if n.comet.IsRunning() {
			// CometBFT v0.38 closes its stores while per-peer goroutines
			// of the consensus reactor may still read them (a panic on
			// "leveldb: closed"). Stopping the p2p switch first and
			// letting those goroutines notice closes that window.
			if sw := n.comet.Switch(); sw.IsRunning() && sw.Peers().Size() > 0 {
				_ = sw.Stop()
				time.Sleep(100 * time.Millisecond)
			}
			if err := n.comet.Stop(); err != nil {
				errs = append(errs, fmt.Errorf("cometbft: %w", err))
			}
			n.comet.Wait()
		}
		n.wg.Wait()
		// CometBFT's indexer may still be writing the last block's
		// transactions when Stop returns; give it a moment before its
		// database is closed, so that block stays findable by hash.
		time.Sleep(200 * time.Millisecond)
		n.dbs.closeAll()
		n.mu.Lock()
		// CometBFT has stopped: nothing else calls the app any more.
		if info, err := n.app.ABCI.Info(context.Background(), &abci.RequestInfo{}); err == nil {
			n.final = info
		} else {
			n.final = &abci.ResponseInfo{}
		}
		if err := closeApp(n.app); err != nil {
			errs = append(errs, err)
		}
		n.mu.Unlock()
		n.stopErr = errors.Join(errs...)
		n.log.Info("node stopped", "home", n.home)
	})
	return n.stopErr
}

func closeApp(a *App) error {
	if a.Close == nil {
		return nil
	}
	if err := a.Close(); err != nil {
		return fmt.Errorf("node: closing the application: %w", err)
	}
	return nil
}

// Home returns the node's home directory.
func (n *Node) Home() string { return n.home }

// ChainID returns the chain id from the genesis.
func (n *Node) ChainID() string { return n.comet.GenesisDoc().ChainID }

// APIAddr returns the address the API listens on (the real port when the
// configured one was 0), or "" when the API is off.
func (n *Node) APIAddr() string {
	if n.apiLn == nil {
		return ""
	}
	return n.apiLn.Addr().String()
}

// APIURL returns the API's base URL, e.g. http://127.0.0.1:9944.
func (n *Node) APIURL() string {
	if n.apiLn == nil {
		return ""
	}
	return "http://" + n.APIAddr()
}

// Height returns the height of the last block the application
// committed (CometBFT's block store may be one block ahead for a moment).
func (n *Node) Height() int64 {
	h, _, _ := n.AppHash()
	return h
}

// AppHash returns the application's last committed height and state
// root, as the application itself reports them (ABCI Info). After Stop it
// returns what the application held when it closed.
func (n *Node) AppHash() (height int64, hash []byte, err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.final != nil {
		return n.final.LastBlockHeight, n.final.LastBlockAppHash, nil
	}
	// Through CometBFT's query connection, which serialises the call with
	// the others as the App's Concurrent flag requires.
	info, err := n.comet.ProxyApp().Query().Info(context.Background(), &abci.RequestInfo{})
	if err != nil {
		return 0, nil, fmt.Errorf("node: %w", err)
	}
	return info.LastBlockHeight, info.LastBlockAppHash, nil
}

// WaitForHeight blocks until a block at height h or above is committed,
// or ctx is done.
func (n *Node) WaitForHeight(ctx context.Context, h int64) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for n.Height() < h {
		select {
		case <-ctx.Done():
			return fmt.Errorf("node: waiting for height %d (at %d): %w", h, n.Height(), ctx.Err())
		case <-t.C:
		}
	}
	return nil
}

// dbTracker opens CometBFT's databases and remembers them, because
// CometBFT v0.38 does not close its transaction index at Stop, and a node
// restarted in the same process could not open it again.
type dbTracker struct {
	mu  sync.Mutex // guards dbs
	dbs []dbm.DB
}

func (t *dbTracker) provide(ctx *cmtcfg.DBContext) (dbm.DB, error) {
	db, err := cmtcfg.DefaultDBProvider(ctx)
	if err == nil {
		t.mu.Lock()
		t.dbs = append(t.dbs, db)
		t.mu.Unlock()
	}
	return db, err
}

// closeAll closes every database; those CometBFT closed already just
// report an error, which is ignored.
func (t *dbTracker) closeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, db := range t.dbs {
		_ = db.Close()
	}
	t.dbs = nil
}
