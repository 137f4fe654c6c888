package dendrite

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/sdk/synapse"
)

// Defaults applied by New to zero Options fields.
const (
	DefaultTimeout          = 12 * time.Second
	DefaultMaxConnsPerHost  = 8
	DefaultMaxIdleConns     = 4096
	DefaultIdleConnTimeout  = 90 * time.Second
	DefaultMaxConcurrency   = 1024
	DefaultMaxResponseBytes = 64 << 20
)

// Options configures a Dendrite. Zero fields select their defaults.
type Options struct {
	// Transport sends the requests. Nil builds one shared *http.Transport
	// from the fields below (keep-alive, per-host limits); one Dendrite
	// should be reused for the life of the process so that connections are.
	Transport http.RoundTripper
	// MaxConnsPerHost bounds the connections to one axon (default 8);
	// requests beyond it wait for one, within their timeout.
	// MaxIdleConns bounds the idle connections kept (default 4096) and
	// IdleConnTimeout how long they are kept (default 90s).
	MaxConnsPerHost int
	MaxIdleConns    int
	IdleConnTimeout time.Duration
	// MaxConcurrency bounds the requests one Forward has in flight
	// (default 1024).
	MaxConcurrency int
	// MaxResponseBytes bounds a response body (default 64 MiB).
	MaxResponseBytes int64
	// ExternalIP is this machine's public address. Axons published at it
	// are dialled on the loopback address instead (Python substitutes
	// 0.0.0.0, which only some systems can dial), and it is sent as the
	// dendrite's ip.
	ExternalIP string
	// VerifyResponses checks each 200 answer's axon signature against the
	// target hotkey; a mismatch fails the query with 401. Python dendrites
	// never check it.
	VerifyResponses bool
	// Now is the clock (default time.Now); tests replace it.
	Now func() time.Time
}

// Dendrite is a validator's client. It is safe for concurrent use; create
// one per hotkey and reuse it.
type Dendrite struct {
	pair      *keys.Pair
	hotkey    string
	uuid      string
	opts      Options
	client    *http.Client
	transport *http.Transport // when owned, closed by Close
	external  netip.Addr
	nonce     atomic.Int64 // the last nonce sent
}

// ErrOptions is returned (wrapped) by New for invalid options.
var ErrOptions = errors.New("dendrite: invalid options")

// New returns a dendrite that signs as pair.
func New(pair *keys.Pair, opts Options) (*Dendrite, error) {
	if pair == nil {
		return nil, fmt.Errorf("%w: no hotkey pair", ErrOptions)
	}
	for _, v := range []int64{int64(opts.MaxConnsPerHost), int64(opts.MaxIdleConns), int64(opts.IdleConnTimeout), int64(opts.MaxConcurrency), opts.MaxResponseBytes} {
		if v < 0 {
			return nil, fmt.Errorf("%w: negative limit %d", ErrOptions, v)
		}
	}
	d := &Dendrite{pair: pair, hotkey: pair.SS58(), uuid: synapse.NewUUID()}
	if opts.ExternalIP != "" {
		ip, err := netip.ParseAddr(opts.ExternalIP)
		if err != nil {
			return nil, fmt.Errorf("%w: external ip %q is not an IP address", ErrOptions, opts.ExternalIP)
		}
		d.external = ip
	}
	opts.MaxConnsPerHost = cmp.Or(opts.MaxConnsPerHost, DefaultMaxConnsPerHost)
	opts.MaxIdleConns = cmp.Or(opts.MaxIdleConns, DefaultMaxIdleConns)
	opts.MaxConcurrency = cmp.Or(opts.MaxConcurrency, DefaultMaxConcurrency)
	opts.IdleConnTimeout = cmp.Or(opts.IdleConnTimeout, DefaultIdleConnTimeout)
	opts.MaxResponseBytes = cmp.Or(opts.MaxResponseBytes, DefaultMaxResponseBytes)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	rt := opts.Transport
	if rt == nil {
		d.transport = &http.Transport{
			DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        opts.MaxIdleConns,
			MaxIdleConnsPerHost: opts.MaxConnsPerHost,
			MaxConnsPerHost:     opts.MaxConnsPerHost,
			IdleConnTimeout:     opts.IdleConnTimeout,
		}
		rt = d.transport
	}
	d.opts = opts
	d.client = &http.Client{Transport: rt}
	return d, nil
}

// Hotkey returns the dendrite's SS58 address.
func (d *Dendrite) Hotkey() string { return d.hotkey }

// UUID returns the dendrite's instance identifier, sent with every request.
func (d *Dendrite) UUID() string { return d.uuid }

// Close closes idle connections of the dendrite's own transport. In-flight
// queries are not affected; the dendrite stays usable.
func (d *Dendrite) Close() {
	if d.transport != nil {
		d.transport.CloseIdleConnections()
	}
}

// nextNonce returns the current time in ns, or the last nonce plus one if
// the clock has not moved on: an axon refuses a nonce that is not above the
// last one it saw from this hotkey and uuid.
func (d *Dendrite) nextNonce() int64 {
	now := d.opts.Now().UnixNano()
	for {
		last := d.nonce.Load()
		n := max(now, last+1)
		if d.nonce.CompareAndSwap(last, n) {
			return n
		}
	}
}

// Result is the outcome of one query to one axon.
type Result[P any] struct {
	// Axon is the target.
	Axon synapse.AxonInfo
	// Synapse is the axon's answer (on 200) or a copy of the request with
	// its status set; it is never the caller's synapse and never nil.
	Synapse P
	// StatusCode and StatusMessage are the dendrite's status, as Python sets
	// synapse.dendrite.status_code: the axon's answer, or the mapping of a
	// transport failure (408 timeout, 503 unreachable, ...).
	StatusCode    int
	StatusMessage string
	// Latency is the time from sending to the end of the answer.
	Latency time.Duration
	// Err is nil on success and a *Error otherwise.
	Err error
}

// OK reports whether the query succeeded.
func (r Result[P]) OK() bool { return r.Err == nil }

// Splitter is implemented by streaming synapses that frame their stream:
// Stream hands onChunk one token of SplitStream at a time. Without it,
// chunks are the reads as they arrive.
type Splitter interface {
	SplitStream() bufio.SplitFunc
}

// Stream queries one axon with a copy of syn and hands each chunk of a 200
// answer's body to onChunk as it arrives (the chunk is only valid during
// the call). The timeout (0 means 12s) bounds the whole stream. The result's
// synapse is the request copy with the answer's header fields merged in (a
// streaming axon sends its fields as headers before the body). If onChunk
// returns an error the stream stops and Result.Err is that error.
func Stream[T any, P synapse.Ptr[T]](ctx context.Context, d *Dendrite, axon synapse.AxonInfo, syn P, timeout time.Duration, onChunk func(chunk []byte) error) Result[P] {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return call[T, P](ctx, d, axon, syn, timeout, onChunk)
}

// Call queries one axon with a copy of syn, within timeout (0 means 12s).
func Call[T any, P synapse.Ptr[T]](ctx context.Context, d *Dendrite, axon synapse.AxonInfo, syn P, timeout time.Duration) Result[P] {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return call[T, P](ctx, d, axon, syn, timeout, nil)
}

// Forward queries every axon concurrently with its own copy of syn and
// returns their results in the order of axons. The timeout (0 means 12s)
// bounds the whole fan-out: Forward returns when every result is in or the
// timeout passes, whichever is first, and then reports the queries still
// open as timed out (408) without waiting for their connections to be torn
// down. At most Options.MaxConcurrency requests are in flight; the others
// wait their turn within the same deadline.
func Forward[T any, P synapse.Ptr[T]](ctx context.Context, d *Dendrite, axons []synapse.AxonInfo, syn P, timeout time.Duration) []Result[P] {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	begin := d.opts.Now()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	unanswered := func(ax synapse.AxonInfo) Result[P] {
		q := prepare[T, P](d, ax, syn, timeout)
		q.start = begin
		return q.failure(ctx, ctx.Err())
	}
	var (
		mu      sync.Mutex
		results = make([]Result[P], len(axons))
		done    = make([]bool, len(axons))
		open    = len(axons)
		closed  bool // results are final; late calls are dropped
		all     = make(chan struct{})
	)
	if open == 0 {
		return results
	}
	record := func(i int, r Result[P]) {
		mu.Lock()
		defer mu.Unlock()
		if closed {
			return
		}
		results[i], done[i] = r, true
		if open--; open == 0 {
			close(all)
		}
	}
	sem := make(chan struct{}, d.opts.MaxConcurrency)
	for i, ax := range axons {
		go func() {
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
				record(i, call[T, P](ctx, d, ax, syn, timeout, nil))
			case <-ctx.Done():
				record(i, unanswered(ax))
			}
		}()
	}
	select {
	case <-all:
	case <-ctx.Done():
	}
	mu.Lock()
	defer mu.Unlock()
	closed = true
	for i, ok := range done {
		if !ok {
			results[i] = unanswered(axons[i])
		}
	}
	return results
}
