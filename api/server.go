package api

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/tao"
)

// Chain is the read side of the state machine the API serves, always at
// the last committed block. Implementations must be safe for concurrent
// use while blocks execute (the node's adapter reads an immutable version
// of the store).
type Chain interface {
	// Account returns an account as the last committed block left it
	// (free balance, nonce, the block's height), with the nonce its next
	// transaction must carry given the transactions of it in the mempool
	// (NextNonce ≥ Nonce). An account that never held anything is zero,
	// not an error.
	Account(id tao.AccountID) (apitypes.Account, error)
	// Info returns the chain-wide figures shown by GET /v1/status.
	Info() (ChainInfo, error)
	// LatestState returns a read-only state of the last committed block
	// and its height, for the routes that query the chain package (one
	// State per request); ok is false before the first commit.
	LatestState() (st *chain.State, height int64, ok bool)
	// Pending calls fn with the state the mempool judges new transactions
	// on (the last committed state moved on by the next block's start and
	// the transactions admitted since) and the next block's height. fn
	// must be quick and must not keep st (see app.App.ReadPending); ok is
	// false before the chain has a state.
	Pending(fn func(st *chain.State, height int64)) (ok bool)
}

// ErrNotReady is what a Chain returns before the chain's first block is
// committed; the API answers 503.
var ErrNotReady = errors.New("api: the chain has no committed block yet")

// ChainInfo holds the chain-wide figures of the last committed state.
type ChainInfo struct {
	// Height and AppHash identify the committed state the figures come
	// from: the last block the app committed and the state root after it.
	Height  int64
	AppHash []byte

	GenesisHash        []byte
	TotalIssuance      tao.Rao
	BlockEmission      tao.Rao  // what the next block mints at the current issuance
	BlocksUntilHalving *uint64  // nil when unknown
	NextHalving        *tao.Rao // issuance at which the emission next halves; nil once it has ended
	TxFee              tao.Rao
	ExistentialDeposit tao.Rao
}

// Config holds the server's settings. The zero value of each field means
// its default.
type Config struct {
	// MaxBodyBytes bounds a request body (default 1 MiB).
	MaxBodyBytes int64
	// CommitTimeout bounds how long POST /v1/tx?wait=commit waits for the
	// block (default 30 s).
	CommitTimeout time.Duration
	// StreamBuffer is how many blocks a slow event-stream client may lag
	// before it is disconnected (default 64); it can resume with
	// Last-Event-ID.
	StreamBuffer int
	// Logger receives request failures (default: discard).
	Logger *slog.Logger
	// Metrics, if set, counts requests and submitted transactions.
	Metrics *Metrics
}

func (c Config) withDefaults() Config {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.CommitTimeout <= 0 {
		c.CommitTimeout = 30 * time.Second
	}
	if c.StreamBuffer <= 0 {
		c.StreamBuffer = 64
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Server serves the API. It is safe for concurrent use.
type Server struct {
	cfg     Config
	chain   Chain
	cons    Consensus
	log     *slog.Logger
	handler http.Handler
	waiters *waiters
	hub     *hub

	mu   sync.Mutex // guards http
	http *http.Server
}

// New returns a server over chain and cons.
func New(cfg Config, chain Chain, cons Consensus) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:     cfg,
		chain:   chain,
		cons:    cons,
		log:     cfg.Logger,
		waiters: newWaiters(),
		hub:     newHub(cfg.StreamBuffer),
	}
	mux := http.NewServeMux()
	mount(mux, s.routes())
	s.handler = s.recoverer(s.instrument(canonicalPaths(mux)))
	return s
}

// Handler returns the API as an http.Handler (for httptest and for
// mounting under another server).
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers requests on l until Shutdown. It returns nil after a
// Shutdown.
func (s *Server) Serve(l net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Writes of ?wait=commit can take CommitTimeout; the event stream
		// extends its own deadline before every write.
		WriteTimeout:   s.cfg.CommitTimeout + 10*time.Second,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	s.mu.Lock()
	s.http = srv
	s.mu.Unlock()
	if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown ends the event streams, stops accepting requests and waits for
// the ones in flight until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	s.hub.close()
	s.waiters.closeAll()
	s.mu.Lock()
	srv := s.http
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Shutdown(ctx)
}

// recoverer turns a handler panic into a 500 instead of a dropped
// connection, and logs it.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("api handler panicked", "method", r.Method, "path", r.URL.Path, "panic", v)
				writeError(w, http.StatusInternalServerError, errorf(apitypes.CodeInternal, "internal error"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusWriter records the status code for metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach Flush and SetWriteDeadline.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// instrument counts requests by route pattern and status.
func (s *Server) instrument(next http.Handler) http.Handler {
	m := s.cfg.Metrics
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		route := r.Pattern
		if route == "" {
			route = "other"
		}
		m.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
		m.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}
