package axon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gotensor/gotensor/sdk/synapse"
)

// StatusError is returned by a handler to answer with its own status and
// message instead of 500.
type StatusError struct {
	Code    int
	Message string
}

func (e *StatusError) Error() string { return fmt.Sprintf("axon: status %d: %s", e.Code, e.Message) }

// Errorf returns a *StatusError with the given code and formatted message.
func Errorf(code int, format string, args ...any) error {
	return &StatusError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// StatusClientClosed is recorded in metrics for requests whose caller went
// away before they were answered (nginx's convention; nothing is sent).
const StatusClientClosed = 499

// writeGrace is how long past its timeout an answer may take to write.
const writeGrace = 5 * time.Second

type callerKey struct{}

// CallerFrom returns the verified caller of the request a handler serves.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}

// refusal is a request refused before its handler runs.
type refusal struct {
	code int
	msg  string
}

func refuse(code int, format string, args ...any) *refusal {
	return &refusal{code: code, msg: fmt.Sprintf(format, args...)}
}

// ServeHTTP runs the request pipeline: route, size limit, headers, nonce
// pre-check, signature, nonce commit, blacklist, rate limit, body and body
// hash, admission by priority, then the handler under the request's
// timeout. Every refusal is a 4xx (or 503 when the queue is full) with
// Python's {"message": ...} body, sent before any handler runs.
func (a *Axon) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := a.cfg.Now()
	// refuseUnread answers a request whose body was not read: the
	// connection is closed after the answer, for net/http would otherwise
	// wait to drain the body, and a caller could stall it forever.
	refuseUnread := func(route string, b *synapse.Base, rf *refusal) {
		if r.ContentLength != 0 {
			w.Header()["Connection"] = []string{"close"}
		}
		a.fail(w, route, start, b, rf)
	}
	name, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	routes := a.routes.Load()
	rt := routes.byName[name]
	if rt == nil {
		shown := name
		if synapse.ValidName(name) != nil || len(name) > 64 {
			shown = strconv.QuoteToASCII(name[:min(len(name), 64)]) // no control characters in the answer's headers
			name = ""
		}
		refuseUnread(unknownRoute, &synapse.Base{Name: name},
			refuse(http.StatusNotFound, "Synapse name '%s' not found. Available synapses %s", shown, routes.available))
		return
	}
	b, caller, timeout, rf := a.admitHeaders(rt, r, start)
	if rf != nil {
		refuseUnread(rt.name, b, rf)
		return
	}
	// A caller that stalls its body or does not read the answer must not
	// hold the connection past the request's time (plus a grace to write).
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(start.Add(timeout))
	rc.SetWriteDeadline(start.Add(timeout + writeGrace))
	defer rc.SetWriteDeadline(time.Time{}) // the connection may serve another request
	syn, rf := a.readBody(rt, w, r, b)
	// Lift the read deadline again: net/http watches the idle connection for
	// the caller leaving, and a timeout there would cancel the request.
	rc.SetReadDeadline(time.Time{})
	if rf != nil {
		refuseUnread(rt.name, b, rf)
		return
	}

	ctx, cancel := context.WithDeadline(context.WithValue(r.Context(), callerKey{}, caller), start.Add(timeout))
	defer cancel()
	prio := float64(caller.Peer.Stake)
	if rt.priority != nil {
		prio = rt.priority(caller)
	}
	if err := a.sched.acquire(ctx, prio); err != nil {
		a.failCtx(w, rt.name, start, b, err)
		return
	}
	if rt.stream != nil {
		a.serveStream(ctx, w, rt, syn, start)
		return
	}
	done := a.run(ctx, func(ctx context.Context) error { return rt.handle(ctx, syn) })
	select {
	case err := <-done:
		if err != nil {
			a.fail(w, rt.name, start, b, a.handlerRefusal(rt.name, err))
			return
		}
		a.respond(w, rt.name, start, syn)
	case <-ctx.Done():
		a.failCtx(w, rt.name, start, b, ctx.Err())
	}
}

// admitHeaders parses and verifies the headers and applies the caller
// policy. It returns the protocol fields to answer with even when it
// refuses.
func (a *Axon) admitHeaders(rt *route, r *http.Request, now time.Time) (*synapse.Base, Caller, time.Duration, *refusal) {
	b := &synapse.Base{Name: rt.name}
	var caller Caller
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return b, caller, 0, refuse(http.StatusMethodNotAllowed, "Method %s not allowed: use POST", r.Method)
	}
	if r.ContentLength > a.cfg.MaxBodyBytes {
		return b, caller, 0, refuse(http.StatusRequestEntityTooLarge, "Request body of %d bytes exceeds the limit of %d", r.ContentLength, a.cfg.MaxBodyBytes)
	}
	parsed, err := synapse.FromHeaders(r.Header)
	if err != nil {
		return b, caller, 0, refuse(http.StatusBadRequest, "Improperly formatted request. Could not parse headers into synapse of type %s: %v", rt.name, err)
	}
	*b = parsed
	b.Name = rt.name
	b.Axon.Version, b.Axon.UUID, b.Axon.Nonce = synapse.VersionInt, a.uuid, now.UnixNano()
	b.Axon.StatusCode = 100
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		b.Dendrite.IP, b.Dendrite.Port = ap.Addr().Unmap().String(), int(ap.Port())
		caller.Addr = ap
	}
	if !(b.Timeout > 0) {
		return b, caller, 0, refuse(http.StatusBadRequest, "Improperly formatted request: timeout %s is not positive", synapse.PyFloat(b.Timeout))
	}
	timeout := min(b.TimeoutDuration(), a.cfg.MaxTimeout)

	if rf := a.verify(b, now, timeout, &caller); rf != nil {
		return b, caller, 0, rf
	}
	b.Axon.Hotkey = a.hotkey
	caller.Header = *b
	if a.cfg.Peers != nil {
		caller.Peer, caller.Registered = a.cfg.Peers.Lookup(caller.Hotkey)
	}
	if rf := a.blacklist(r.Context(), rt, caller); rf != nil {
		return b, caller, 0, rf
	}
	if !a.limits.allow(caller.Hotkey, now) {
		return b, caller, 0, refuse(http.StatusTooManyRequests, "Too many requests from %s: limit is %s per second", b.Dendrite.Hotkey, strconv.FormatFloat(a.cfg.Rate, 'g', -1, 64))
	}
	return b, caller, timeout, nil
}

// verify checks the signature and the nonce (§3.6), cheap checks first so
// that junk and replays cost no signature verification.
func (a *Axon) verify(b *synapse.Base, now time.Time, timeout time.Duration, caller *Caller) *refusal {
	notVerified := func(format string, args ...any) *refusal {
		return refuse(http.StatusUnauthorized, "Not Verified with error: "+format, args...)
	}
	if b.Axon.Hotkey != "" && b.Axon.Hotkey != a.hotkey {
		return notVerified("request is addressed to hotkey %s, this axon is %s", b.Axon.Hotkey, a.hotkey)
	}
	if b.Dendrite.Signature == "" && !a.cfg.AllowUnsigned {
		return notVerified("request is not signed")
	}
	hotkey, err := synapse.DecodeHotkey(b.Dendrite.Hotkey)
	if err != nil {
		return notVerified("dendrite hotkey %q: %v", b.Dendrite.Hotkey, err)
	}
	if b.Dendrite.Nonce == 0 {
		return notVerified("Missing Nonce")
	}
	key := nonceKey{hotkey: hotkey, uuid: b.Dendrite.UUID}
	nowNS, window := now.UnixNano(), int64(AllowedDelta+timeout)
	if err := a.nonces.check(key, b.Dendrite.Nonce, nowNS, window); err != nil {
		return notVerified("%s", nonceMessage(err))
	}
	if b.Dendrite.Signature != "" {
		if _, err := synapse.VerifyRequest(b, a.hotkey); err != nil {
			return notVerified("%s", strings.TrimPrefix(err.Error(), "synapse: "))
		}
	}
	if err := a.nonces.commit(key, b.Dendrite.Nonce, nowNS, window); err != nil {
		return notVerified("%s", nonceMessage(err))
	}
	caller.Hotkey, caller.Signed = hotkey, b.Dendrite.Signature != ""
	return nil
}

func nonceMessage(err error) string { return strings.TrimPrefix(err.Error(), errNonce.Error()+": ") }

// blacklist applies the Config policy, then the route's hook.
func (a *Axon) blacklist(ctx context.Context, rt *route, c Caller) *refusal {
	forbidden := func(format string, args ...any) *refusal {
		return refuse(http.StatusForbidden, "Forbidden. Key is blacklisted: "+format+".", args...)
	}
	switch {
	case !c.Registered && !a.cfg.AllowUnregistered:
		return forbidden("Unrecognized hotkey %s", c.Hotkey)
	case a.cfg.RequireValidatorPermit && !c.Peer.ValidatorPermit:
		return forbidden("Non-validator hotkey %s", c.Hotkey)
	case c.Peer.Stake < a.cfg.MinStake:
		return forbidden("Stake %s below the minimum %s", c.Peer.Stake, a.cfg.MinStake)
	}
	if rt.blacklist != nil {
		if err := rt.blacklist(ctx, c); err != nil {
			return forbidden("%v", err)
		}
	}
	return nil
}

// readBody reads and decodes the body into a new synapse, checks it against
// the signed body hash, and replaces its protocol fields with b.
func (a *Axon) readBody(rt *route, w http.ResponseWriter, r *http.Request, b *synapse.Base) (synapse.Synapse, *refusal) {
	body, err := readAll(http.MaxBytesReader(w, r.Body, a.cfg.MaxBodyBytes), r.ContentLength)
	if err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			return nil, refuse(http.StatusRequestEntityTooLarge, "Request body exceeds the limit of %d bytes", mbe.Limit)
		}
		return nil, refuse(http.StatusBadRequest, "Could not read request body: %v", err)
	}
	syn := rt.newSyn()
	if len(body) > 0 {
		if rf := decodeBody(body, syn, rt.name); rf != nil {
			return nil, rf
		}
	}
	if got := synapse.BodyHash(syn); got != b.ComputedBodyHash {
		return nil, refuse(http.StatusBadRequest, "Body hash mismatch: headers say %q, body hashes to %s", b.ComputedBodyHash, got)
	}
	*syn.SynapseBase() = *b
	return syn, nil
}

// readAll reads the body: exactly its declared length when it has one
// (net/http stops the body there, and the length was checked against the
// limit), else to the end.
func readAll(r io.Reader, declared int64) ([]byte, error) {
	if declared <= 0 {
		return io.ReadAll(r)
	}
	buf := make([]byte, declared)
	_, err := io.ReadFull(r, buf)
	return buf, err
}

// decodeBody unmarshals a JSON body into syn: malformed JSON is 400, JSON
// of the wrong shape is 422 (FastAPI's validation status).
func decodeBody(body []byte, syn synapse.Synapse, name string) *refusal {
	err := json.Unmarshal(body, syn)
	if err == nil {
		return nil
	}
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return refuse(http.StatusUnprocessableEntity, "Body does not match synapse %s: %v", name, err)
	}
	return refuse(http.StatusBadRequest, "Improperly formatted request body: %v", err)
}

// run starts fn on a worker goroutine that holds the admission slot until
// fn returns, however long after the request that is.
func (a *Axon) run(ctx context.Context, fn func(context.Context) error) <-chan error {
	done := make(chan error, 1)
	a.handlers.Add(1)
	a.metrics.inflight.Inc()
	go func() {
		defer a.handlers.Done()
		defer a.sched.release()
		defer a.metrics.inflight.Dec()
		defer func() {
			if p := recover(); p != nil {
				a.cfg.Logger.Error("axon: handler panicked", "panic", p, "stack", string(debug.Stack()))
				done <- fmt.Errorf("handler panicked: %v", p)
			}
		}()
		done <- fn(ctx)
	}()
	return done
}

// handlerRefusal maps a handler's error to its answer; errors other than
// *StatusError are logged and hidden behind an id, as Python does.
func (a *Axon) handlerRefusal(route string, err error) *refusal {
	if se := (*StatusError)(nil); errors.As(err, &se) && se.Code >= 400 && se.Code <= 599 {
		return &refusal{code: se.Code, msg: se.Message}
	}
	id := synapse.NewUUID()
	a.cfg.Logger.Error("axon: handler failed", "synapse", route, "error_id", id, "err", err)
	return refuse(http.StatusInternalServerError, "Internal Server Error #%s", id)
}

// failCtx answers a request whose admission or handler ended with err.
func (a *Axon) failCtx(w http.ResponseWriter, route string, start time.Time, b *synapse.Base, err error) {
	switch {
	case errors.Is(err, errQueueFull):
		a.fail(w, route, start, b, refuse(http.StatusServiceUnavailable, "Service unavailable: too many requests queued"))
	case errors.Is(err, context.DeadlineExceeded):
		a.fail(w, route, start, b, refuse(http.StatusRequestTimeout, "Response timeout after: %ss", synapse.PyFloat(b.Timeout)))
	default: // the caller went away; there is no one to answer
		a.metrics.observe(route, StatusClientClosed, a.cfg.Now().Sub(start))
	}
}

// fail answers with Python's error form: the status, {"message": msg}, and
// the protocol headers with the axon's status set.
func (a *Axon) fail(w http.ResponseWriter, route string, start time.Time, b *synapse.Base, rf *refusal) {
	elapsed := a.cfg.Now().Sub(start)
	b.Axon.StatusCode, b.Axon.StatusMessage = rf.code, rf.msg
	b.Axon.ProcessTime = elapsed.Seconds()
	b.Axon.Version, b.Axon.UUID, b.Axon.Hotkey = synapse.VersionInt, a.uuid, a.hotkey
	body, _ := json.Marshal(struct {
		Message string `json:"message"`
	}{rf.msg})
	h := w.Header()
	synapse.WriteHeaders(h, &synapse.Ping{Base: *b})
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(rf.code)
	w.Write(body)
	a.metrics.observe(route, rf.code, elapsed)
	a.cfg.Logger.Debug("axon: refused", "synapse", route, "code", rf.code, "message", rf.msg, "dendrite", b.Dendrite.Hotkey)
}

// respond answers a handled request with the full synapse, signed.
func (a *Axon) respond(w http.ResponseWriter, route string, start time.Time, syn synapse.Synapse) {
	code := a.finish(syn, start)
	body, err := json.Marshal(syn)
	if err != nil {
		b := *syn.SynapseBase()
		a.fail(w, route, start, &b, a.handlerRefusal(route, fmt.Errorf("encoding the response: %w", err)))
		return
	}
	h := w.Header()
	synapse.WriteHeaders(h, syn)
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(code)
	w.Write(body)
	a.metrics.observe(route, code, a.cfg.Now().Sub(start))
}

// finish sets the axon's status (200 "Success" unless the handler chose
// another), process time and signature on syn, and returns the status.
func (a *Axon) finish(syn synapse.Synapse, start time.Time) int {
	b := syn.SynapseBase()
	code := b.Axon.StatusCode
	if code < 200 || code > 599 {
		code = http.StatusOK
	}
	b.Axon.StatusCode = code
	if code == http.StatusOK && b.Axon.StatusMessage == "" {
		b.Axon.StatusMessage = "Success"
	}
	b.Axon.Hotkey = a.hotkey
	b.Axon.ProcessTime = a.cfg.Now().Sub(start).Seconds()
	synapse.SignResponse(a.pair, b)
	return code
}
