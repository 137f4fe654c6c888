package dendrite

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"github.com/gotensor/gotensor/sdk/synapse"
)

// StatusCanceled is the status of a query whose context was canceled by the
// caller (nginx's "client closed request"; Python has no equivalent).
const StatusCanceled = 499

// Errors a *Error matches with errors.Is, by status.
var (
	ErrTimeout     = errors.New("dendrite: timeout")          // 408
	ErrUnavailable = errors.New("dendrite: axon unavailable") // 503
)

// Error is Result.Err for a query that did not succeed.
type Error struct {
	StatusCode int
	Message    string
	// Err is the transport or decoding error behind the status, if any.
	Err error
}

func (e *Error) Error() string { return fmt.Sprintf("dendrite: %d %s", e.StatusCode, e.Message) }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches ErrTimeout for status 408 and ErrUnavailable for 503.
func (e *Error) Is(target error) bool {
	return target == ErrTimeout && e.StatusCode == http.StatusRequestTimeout ||
		target == ErrUnavailable && e.StatusCode == http.StatusServiceUnavailable
}

// errTooLarge reports a response body beyond Options.MaxResponseBytes.
var errTooLarge = errors.New("response body too large")

// query is one request to one axon.
type query[T any, P synapse.Ptr[T]] struct {
	d       *Dendrite
	axon    synapse.AxonInfo
	syn     P // the copy sent
	timeout time.Duration
	start   time.Time
}

// prepare copies syn for ax and fills in its protocol fields (§3.3). The
// copy is shallow: the caller's slices and maps are shared but never
// written. It is signed by send.
func prepare[T any, P synapse.Ptr[T]](d *Dendrite, ax synapse.AxonInfo, syn P, timeout time.Duration) *query[T, P] {
	c := P(new(T))
	*c = *syn
	b := c.SynapseBase()
	b.Name = synapse.NameOf(c)
	b.Timeout = timeout.Seconds()
	b.Dendrite = synapse.TerminalInfo{IP: d.opts.ExternalIP, Version: synapse.VersionInt, UUID: d.uuid, Hotkey: d.hotkey}
	b.Axon = synapse.TerminalInfo{Port: int(ax.Port), Hotkey: ax.Hotkey.String()}
	if ax.IP.IsValid() {
		b.Axon.IP = ax.IP.String()
	}
	return &query[T, P]{d: d, axon: ax, syn: c, timeout: timeout, start: d.opts.Now()}
}

// url returns where to send the query: the axon's address, or loopback
// when the axon is ourselves behind our external IP.
func (q *query[T, P]) url() string {
	ip := q.axon.IP
	if q.d.external.IsValid() && ip == q.d.external {
		ip = netip.IPv6Loopback()
		if ip4 := q.d.external.Unmap(); ip4.Is4() {
			ip = netip.AddrFrom4([4]byte{127, 0, 0, 1})
		}
	}
	return "http://" + netip.AddrPortFrom(ip, q.axon.Port).String() + "/" + q.syn.SynapseBase().Name
}

// call sends one query within ctx and reads its answer. With onChunk set,
// a 200 answer is streamed to it.
func call[T any, P synapse.Ptr[T]](ctx context.Context, d *Dendrite, ax synapse.AxonInfo, syn P, timeout time.Duration, onChunk func([]byte) error) Result[P] {
	q := prepare[T, P](d, ax, syn, timeout)
	if !ax.IsServing() {
		return q.fail(http.StatusServiceUnavailable, q.unavailable()+": the axon is not serving", nil)
	}
	b := q.syn.SynapseBase()
	b.Dendrite.Nonce = d.nextNonce()
	b.ComputedBodyHash = synapse.BodyHash(q.syn)
	synapse.SignRequest(d.pair, b)
	body, err := json.Marshal(q.syn)
	if err != nil {
		return q.fail(http.StatusInternalServerError, "Client error: encoding the synapse: "+err.Error(), err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, q.url(), bytes.NewReader(body))
	if err != nil {
		return q.fail(http.StatusInternalServerError, "Client error: "+err.Error(), err)
	}
	synapse.WriteHeaders(req.Header, q.syn)
	req.Header["Content-Type"] = []string{"application/json"}
	// Marks the POST as safe to resend when a kept-alive connection turns
	// out closed before any of it was written (Python axons close idle
	// connections after 5s); the header itself is not sent.
	req.Header["Idempotency-Key"] = nil
	resp, err := d.client.Do(req)
	if err != nil {
		return q.failure(ctx, err)
	}
	defer resp.Body.Close()
	limited := &io.LimitedReader{R: resp.Body, N: d.opts.MaxResponseBytes + 1}
	if onChunk != nil && resp.StatusCode == http.StatusOK {
		return q.stream(ctx, resp, limited, onChunk)
	}
	raw, err := io.ReadAll(limited)
	if err == nil && limited.N == 0 {
		err = errTooLarge
	}
	if err != nil {
		return q.failure(ctx, err)
	}
	return q.answer(resp, raw)
}

// answer builds the result of a complete HTTP answer, as Python's
// process_server_response does: on 200 the synapse is the axon's, else the
// request copy with the axon's status and message; then the response
// headers' terminal info is merged in, and the dendrite status set.
func (q *query[T, P]) answer(resp *http.Response, raw []byte) Result[P] {
	out := q.syn
	if resp.StatusCode == http.StatusOK {
		out = P(new(T))
		if err := json.Unmarshal(raw, out); err != nil {
			return q.fail(http.StatusUnprocessableEntity, "Failed to parse response: "+err.Error(), err)
		}
	}
	ob := out.SynapseBase()
	if resp.StatusCode != http.StatusOK {
		var m struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(raw, &m) // a body that is not Python's error form leaves the status text
		if m.Message == "" {
			m.Message = http.StatusText(resp.StatusCode)
		}
		ob.Axon.StatusCode, ob.Axon.StatusMessage = resp.StatusCode, m.Message
	}
	if hb, err := synapse.FromHeaders(resp.Header); err == nil {
		ob.Merge(hb)
	}
	if ob.Axon.StatusCode == 0 {
		ob.Axon.StatusCode = resp.StatusCode
	}
	if resp.StatusCode == http.StatusOK && q.d.opts.VerifyResponses {
		if err := q.verifyAnswer(ob); err != nil {
			return q.fail(http.StatusUnauthorized, "Axon signature mismatch: "+err.Error(), err)
		}
	}
	return q.result(out, ob.Axon.StatusCode, ob.Axon.StatusMessage, nil)
}

// verifyAnswer checks that the answer is signed by the axon queried.
func (q *query[T, P]) verifyAnswer(b *synapse.Base) error {
	if b.Axon.Hotkey != q.axon.Hotkey.String() {
		return fmt.Errorf("answered by %s, not %s", b.Axon.Hotkey, q.axon.Hotkey)
	}
	return synapse.VerifyResponse(b)
}

// stream hands a 200 answer's body to onChunk, framed by the synapse's
// Splitter or as it arrives.
func (q *query[T, P]) stream(ctx context.Context, resp *http.Response, body *io.LimitedReader, onChunk func([]byte) error) Result[P] {
	ob := q.syn.SynapseBase()
	if hb, err := synapse.FromHeaders(resp.Header); err == nil {
		ob.Merge(hb)
	}
	var err error
	if sp, ok := any(q.syn).(Splitter); ok {
		sc := bufio.NewScanner(body)
		sc.Buffer(make([]byte, 0, 64<<10), int(min(q.d.opts.MaxResponseBytes, 1<<30)))
		sc.Split(sp.SplitStream())
		for err == nil && sc.Scan() {
			err = onChunk(sc.Bytes())
		}
		if err == nil {
			err = sc.Err()
		}
	} else {
		buf := make([]byte, 32<<10)
		for err == nil {
			var n int
			n, err = body.Read(buf)
			if n > 0 {
				if cbErr := onChunk(buf[:n]); cbErr != nil {
					err = cbErr
				}
			}
		}
		if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	if err == nil && body.N == 0 {
		err = errTooLarge
	}
	if err != nil {
		if ctx.Err() == nil && !isTransport(err) && !errors.Is(err, errTooLarge) {
			// onChunk stopped the stream: the axon's status stands.
			return q.result(q.syn, http.StatusOK, ob.Axon.StatusMessage, err)
		}
		return q.failure(ctx, err)
	}
	if ob.Axon.StatusCode == 0 {
		ob.Axon.StatusCode = http.StatusOK
	}
	return q.result(q.syn, ob.Axon.StatusCode, ob.Axon.StatusMessage, nil)
}

// failure maps a transport error to Python's dendrite statuses.
func (q *query[T, P]) failure(ctx context.Context, err error) Result[P] {
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return q.fail(http.StatusRequestTimeout, "Request timeout after "+synapse.PyFloat(q.timeout.Seconds())+" seconds", err)
	case errors.Is(err, context.Canceled):
		return q.fail(StatusCanceled, "Request canceled: "+err.Error(), err)
	case errors.Is(err, errTooLarge):
		return q.fail(http.StatusBadRequest, fmt.Sprintf("Payload error: response exceeds %d bytes", q.d.opts.MaxResponseBytes), err)
	case isDial(err):
		return q.fail(http.StatusServiceUnavailable, q.unavailable(), err)
	case isTransport(err):
		return q.fail(http.StatusServiceUnavailable, "Service disconnected: "+err.Error(), err)
	}
	return q.fail(http.StatusInternalServerError, "Client error: "+err.Error(), err)
}

func (q *query[T, P]) unavailable() string {
	return fmt.Sprintf("Service unavailable at %s:%d/%s", q.syn.SynapseBase().Axon.IP, q.axon.Port, q.syn.SynapseBase().Name)
}

// isDial reports a failure to connect (refused, unreachable).
func isDial(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// isTransport reports a connection that broke while in use.
func isTransport(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed)
}

// fail returns a result for a query that got no usable answer: the request
// copy with the dendrite status set.
func (q *query[T, P]) fail(code int, msg string, cause error) Result[P] {
	return q.result(q.syn, code, msg, &Error{StatusCode: code, Message: msg, Err: cause})
}

// result finishes out with the dendrite's status and process time.
func (q *query[T, P]) result(out P, code int, msg string, err error) Result[P] {
	latency := q.d.opts.Now().Sub(q.start)
	ob := out.SynapseBase()
	ob.Dendrite.StatusCode, ob.Dendrite.StatusMessage = code, msg
	ob.Dendrite.ProcessTime = latency.Seconds()
	if err == nil && code != http.StatusOK {
		err = &Error{StatusCode: code, Message: msg}
	}
	return Result[P]{Axon: q.axon, Synapse: out, StatusCode: code, StatusMessage: msg, Latency: latency, Err: err}
}
