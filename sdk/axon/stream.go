package axon

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gotensor/gotensor/sdk/synapse"
)

// ErrStreamClosed is returned by StreamWriter.Write once the stream's
// request has ended (its timeout passed or the caller went away).
var ErrStreamClosed = errors.New("axon: stream closed")

// StreamWriter sends a streaming response. The first Write sends the
// status and the protocol headers (with the synapse's fields as they are
// then); every Write is flushed to the caller at once. It is safe for use by
// one handler goroutine; the axon closes it when the request ends.
type StreamWriter struct {
	mu      sync.Mutex
	w       http.ResponseWriter
	rc      *http.ResponseController
	started bool
	closed  bool
	begin   func() // sends the headers
	n       int64  // bytes written
}

// Write sends p as one chunk.
func (s *StreamWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, ErrStreamClosed
	}
	if !s.started {
		s.started = true
		s.begin()
	}
	n, err := s.w.Write(p)
	s.n += int64(n)
	if err != nil {
		return n, err
	}
	return n, s.rc.Flush()
}

// close ends the stream for the handler; it reports whether the headers
// had been sent.
func (s *StreamWriter) close() (started bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return s.started
}

// serveStream runs a streaming handler. Until its first write the request
// can still fail with an ordinary error answer; after it, the status is 200
// and an error or the timeout can only cut the stream short, which the
// caller sees as a broken connection.
func (a *Axon) serveStream(ctx context.Context, w http.ResponseWriter, rt *route, syn synapse.Synapse, start time.Time) {
	b := *syn.SynapseBase() // the header values, for an error answer
	sw := &StreamWriter{w: w, rc: http.NewResponseController(w)}
	sw.begin = func() {
		a.finish(syn, start)
		h := w.Header()
		synapse.WriteHeaders(h, syn)
		h["Content-Type"] = []string{"text/event-stream"}
		h["Cache-Control"] = []string{"no-cache"}
		w.WriteHeader(http.StatusOK)
	}
	done := a.run(ctx, func(ctx context.Context) error { return rt.stream(ctx, syn, sw) })
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if started := sw.close(); started {
		if err == nil {
			a.metrics.observe(rt.name, http.StatusOK, a.cfg.Now().Sub(start))
			return
		}
		code := http.StatusInternalServerError
		if errors.Is(err, context.DeadlineExceeded) {
			code = http.StatusRequestTimeout
		}
		a.metrics.observe(rt.name, code, a.cfg.Now().Sub(start)) // the status sent was 200
		a.cfg.Logger.Debug("axon: stream cut", "synapse", rt.name, "bytes", strconv.FormatInt(sw.n, 10), "err", err)
		// Break the connection rather than end the body cleanly, so that the
		// caller can tell a cut stream from a complete one.
		panic(http.ErrAbortHandler)
	}
	switch {
	case err == nil:
		sw.mu.Lock() // nothing written: send the headers and an empty body
		sw.begin()
		sw.mu.Unlock()
		a.metrics.observe(rt.name, http.StatusOK, a.cfg.Now().Sub(start))
	case ctx.Err() != nil:
		a.failCtx(w, rt.name, start, &b, ctx.Err())
	default:
		a.fail(w, rt.name, start, &b, a.handlerRefusal(rt.name, err))
	}
}
