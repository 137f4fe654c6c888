package axon

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/sdk/synapse"
)

// Axon is a miner's server. Build it with New, attach handlers with Attach
// and AttachStream, then Start it (or mount it as an http.Handler) and Stop
// it. An Axon is safe for concurrent use once started.
type Axon struct {
	pair   *keys.Pair
	hotkey string // our SS58 address, as dendrites address us
	uuid   string
	cfg    Config

	// routes is replaced, never modified, so that requests read it without
	// a lock while handlers are still being attached.
	routes atomic.Pointer[routeTable]

	nonces  *nonceCache
	limits  *limiter
	sched   *scheduler
	metrics *metrics

	// handlers counts handler goroutines, which may outlive their request
	// when they overrun its timeout; Stop waits for them.
	handlers sync.WaitGroup

	mu      sync.Mutex
	started bool
	srv     *http.Server
	addr    net.Addr
	info    synapse.AxonInfo
}

// routeTable is the attached routes.
type routeTable struct {
	byName    map[string]*route
	order     []string // names in attach order
	available string   // Python repr of order, for 404 messages
}

// route is one attached synapse type.
type route struct {
	name string
	// newSyn allocates an empty synapse of the route's type.
	newSyn func() synapse.Synapse
	// Exactly one of handle and stream is set.
	handle    func(ctx context.Context, s synapse.Synapse) error
	stream    func(ctx context.Context, s synapse.Synapse, w *StreamWriter) error
	blacklist func(ctx context.Context, c Caller) error
	priority  func(c Caller) float64
}

// Option configures an attached route.
type Option func(*route)

// WithBlacklist adds a refusal hook, run after the signature, nonce and
// Config checks and before the body is read. A non-nil error refuses the
// request with 403 "Forbidden. Key is blacklisted: <error>.".
func WithBlacklist(fn func(ctx context.Context, c Caller) error) Option {
	return func(r *route) { r.blacklist = fn }
}

// WithPriority sets the queue priority of a request (higher is served
// first). The default is the caller's stake in rao.
func WithPriority(fn func(c Caller) float64) Option {
	return func(r *route) { r.priority = fn }
}

// New returns an axon that signs as pair. It serves the ping route
// /Synapse (synapse.Ping) from the start.
func New(pair *keys.Pair, cfg Config) (*Axon, error) {
	if pair == nil {
		return nil, fmt.Errorf("%w: no hotkey pair", ErrConfig)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	maxWindow := int64(AllowedDelta + cfg.MaxTimeout)
	a := &Axon{
		pair:    pair,
		hotkey:  pair.SS58(),
		uuid:    synapse.NewUUID(),
		cfg:     cfg,
		nonces:  newNonceCache(cfg.NonceCacheSize, maxWindow, int64(cfg.MaxClockSkew)),
		limits:  newLimiter(cfg.Rate, cfg.Burst, cfg.MaxTrackedHotkeys),
		metrics: m,
	}
	a.routes.Store(&routeTable{byName: map[string]*route{}})
	a.sched = newScheduler(cfg.Workers, cfg.QueueSize, func(n int) { m.queue.Set(float64(n)) })
	if err := Attach(a, func(context.Context, *synapse.Ping) error { return nil }); err != nil {
		return nil, err
	}
	return a, nil
}

// ErrStarted is returned by Attach, AttachStream and Start once the axon
// has started.
var ErrStarted = errors.New("axon: already started")

// Attach serves handler at /<Name>, where Name is the route name of P
// (synapse.NameOf). The handler gets the request synapse, its protocol
// fields already replaced by the verified header values, and fills in the
// response fields; a returned *StatusError chooses the status, any other
// error answers 500. ctx ends at the request's timeout (capped by
// Config.MaxTimeout) or when the caller goes away; a handler that ignores it
// is answered 408 on time but keeps its worker until it returns.
func Attach[T any, P synapse.Ptr[T]](a *Axon, handler func(ctx context.Context, syn P) error, opts ...Option) error {
	return a.attach(synapse.NameOf(P(new(T))), &route{
		newSyn: func() synapse.Synapse { return P(new(T)) },
		handle: func(ctx context.Context, s synapse.Synapse) error { return handler(ctx, s.(P)) },
	}, opts)
}

// AttachStream serves a streaming synapse at /<Name>: handler writes the
// response body through w as it goes (text/event-stream; the chunk framing
// is the synapse's own). The headers, carrying the synapse's protocol fields
// as they are at the first write, are sent before the first chunk. The
// timeout bounds the whole stream.
func AttachStream[T any, P synapse.Ptr[T]](a *Axon, handler func(ctx context.Context, syn P, w *StreamWriter) error, opts ...Option) error {
	return a.attach(synapse.NameOf(P(new(T))), &route{
		newSyn: func() synapse.Synapse { return P(new(T)) },
		stream: func(ctx context.Context, s synapse.Synapse, w *StreamWriter) error { return handler(ctx, s.(P), w) },
	}, opts)
}

func (a *Axon) attach(name string, r *route, opts []Option) error {
	if err := synapse.ValidName(name); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.started {
		return ErrStarted
	}
	old := a.routes.Load()
	if _, dup := old.byName[name]; dup {
		return fmt.Errorf("axon: synapse %q is already attached", name)
	}
	r.name = name
	for _, o := range opts {
		o(r)
	}
	next := &routeTable{byName: maps.Clone(old.byName), order: append(slices.Clip(old.order), name)}
	next.byName[name] = r
	next.available = synapse.PyStr(next.order)
	a.routes.Store(next)
	return nil
}

// Start listens on Config.IP and Config.Port, announces the axon through
// Config.Announce, and serves in the background until Stop.
func (a *Axon) Start(ctx context.Context) error {
	host := a.cfg.IP
	if host == "[::]" {
		host = ""
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(a.cfg.Port)))
	if err != nil {
		return fmt.Errorf("axon: %w", err)
	}
	return a.StartListener(ctx, ln)
}

// StartListener is Start on a listener the caller opened (a test's
// 127.0.0.1:0, a socket handed over by systemd). The axon owns ln from then
// on: it closes it in Stop, or at once if starting fails (the axon can then
// be started again).
func (a *Axon) StartListener(ctx context.Context, ln net.Listener) (err error) {
	a.mu.Lock()
	if a.started {
		a.mu.Unlock()
		ln.Close()
		return ErrStarted
	}
	defer func() {
		if err != nil {
			ln.Close()
			a.mu.Lock()
			a.started, a.srv, a.addr = false, nil, nil
			a.mu.Unlock()
		}
	}()
	a.started = true
	a.addr = ln.Addr()
	info, infoErr := a.infoLocked()
	a.info = info
	a.srv = &http.Server{
		Handler:           a,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	srv := a.srv
	a.mu.Unlock()

	if a.cfg.Announce != nil {
		if infoErr != nil {
			return infoErr
		}
		if err := a.cfg.Announce(ctx, info); err != nil {
			return fmt.Errorf("axon: announcing %s: %w", info.IPStr(), err)
		}
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.cfg.Logger.Error("axon: serving stopped", "err", err)
		}
	}()
	return nil
}

// Info returns the axon's public endpoint as Announce publishes it. Before
// Start the port is the configured one.
func (a *Axon) Info() synapse.AxonInfo {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.started {
		return a.info
	}
	info, _ := a.infoLocked()
	return info
}

// infoLocked builds the AxonInfo from the config and the bound address; it
// fails when no external IP is known.
func (a *Axon) infoLocked() (synapse.AxonInfo, error) {
	port := a.cfg.Port
	if tcp, ok := a.addr.(*net.TCPAddr); ok {
		port = tcp.Port
	}
	if a.cfg.ExternalPort != 0 {
		port = a.cfg.ExternalPort
	}
	info := synapse.AxonInfo{
		Version:  synapse.VersionInt,
		IP:       netip.IPv4Unspecified(),
		Port:     uint16(port),
		IPType:   4,
		Hotkey:   a.pair.Public(),
		Coldkey:  a.cfg.Coldkey,
		Protocol: synapse.ProtocolTCP,
	}
	ext := a.cfg.ExternalIP
	if ext == "" {
		if ip, err := netip.ParseAddr(a.cfg.IP); err == nil && !ip.IsUnspecified() {
			ext = ip.String()
		}
	}
	if ext == "" {
		return info, fmt.Errorf("%w: no external ip to announce: set ExternalIP (BT_AXON_EXTERNAL_IP)", ErrConfig)
	}
	info.IP = netip.MustParseAddr(ext) // validated by Config.validate or parsed above
	info.IPType = synapse.IPType(info.IP)
	return info, nil
}

// Addr returns the address the axon listens on, or nil before Start.
func (a *Axon) Addr() net.Addr {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.addr
}

// Hotkey returns the axon's SS58 address.
func (a *Axon) Hotkey() string { return a.hotkey }

// Stop stops accepting requests and waits until the in-flight ones are
// answered and their handlers have returned, or ctx ends.
func (a *Axon) Stop(ctx context.Context) error {
	a.mu.Lock()
	srv := a.srv
	a.mu.Unlock()
	var err error
	if srv != nil {
		err = srv.Shutdown(ctx)
	}
	done := make(chan struct{})
	go func() {
		a.handlers.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		if err == nil {
			err = ctx.Err()
		}
	}
	return err
}
