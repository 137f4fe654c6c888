package api

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/gotensor/gotensor/api/apitypes"
)

// PublishBlock hands a committed block and its results to the commit
// waiters and the event streams. The node calls it for every block, in
// height order, after the block's state is committed. It never blocks on
// a slow client.
func (s *Server) PublishBlock(b *cmttypes.Block, hash []byte, res *abci.ResponseFinalizeBlock) {
	if !s.waiters.any() && !s.hub.any() {
		return
	}
	doc := blockDoc(b, hash, res.TxResults, res.Events)
	s.waiters.resolve(doc.Txs)
	s.hub.publish(doc)
}

// waiters tracks POST /v1/tx?wait=commit requests by transaction hash.
type waiters struct {
	mu     sync.Mutex // guards m and closed
	m      map[[32]byte][]chan apitypes.TxResult
	closed bool
}

func newWaiters() *waiters { return &waiters{m: map[[32]byte][]chan apitypes.TxResult{}} }

// add registers a waiter for hash. The channel yields the result once, or
// is closed at shutdown; cancel must be called when done waiting.
func (ws *waiters) add(hash []byte) (<-chan apitypes.TxResult, func()) {
	var k [32]byte
	copy(k[:], hash)
	ch := make(chan apitypes.TxResult, 1)
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.closed {
		close(ch)
		return ch, func() {}
	}
	ws.m[k] = append(ws.m[k], ch)
	return ch, func() {
		ws.mu.Lock()
		defer ws.mu.Unlock()
		list := ws.m[k]
		for i, c := range list {
			if c == ch {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(ws.m, k)
		} else {
			ws.m[k] = list
		}
	}
}

func (ws *waiters) any() bool {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return len(ws.m) > 0
}

// resolve delivers the results of a block's transactions to their waiters.
func (ws *waiters) resolve(txs []apitypes.TxResult) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for _, r := range txs {
		var k [32]byte
		copy(k[:], r.Hash)
		for _, ch := range ws.m[k] {
			select {
			case ch <- r:
			default: // already resolved by an earlier inclusion
			}
		}
		delete(ws.m, k)
	}
}

func (ws *waiters) closeAll() {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	ws.closed = true
	for k, list := range ws.m {
		for _, ch := range list {
			close(ch)
		}
		delete(ws.m, k)
	}
}

// frame is one encoded Server-Sent Event.
type frame struct {
	height int64
	data   []byte
}

// hub fans committed blocks out to event-stream subscribers.
type hub struct {
	buffer int

	mu     sync.Mutex          // guards subs and closed
	subs   map[chan frame]bool // subscriber → brief (no tx events)
	closed bool
}

func newHub(buffer int) *hub { return &hub{buffer: buffer, subs: map[chan frame]bool{}} }

func (h *hub) any() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs) > 0
}

// subscribe returns a channel of frames, full or brief; it is closed when
// the subscriber falls more than the buffer behind or the hub closes.
func (h *hub) subscribe(brief bool) (chan frame, func()) {
	ch := make(chan frame, h.buffer)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(ch)
		return ch, func() {}
	}
	h.subs[ch] = brief
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[ch]; ok {
			delete(h.subs, ch)
			close(ch)
		}
	}
}

// publish sends b to every subscriber, encoding each variant once and
// only if someone wants it.
func (h *hub) publish(b apitypes.Block) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var full, brief *frame
	for ch, wantBrief := range h.subs {
		var f *frame
		switch {
		case wantBrief && brief == nil:
			fr := encodeFrame(briefDoc(b))
			brief, f = &fr, &fr
		case wantBrief:
			f = brief
		case full == nil:
			fr := encodeFrame(b)
			full, f = &fr, &fr
		default:
			f = full
		}
		select {
		case ch <- *f:
		default: // too slow: drop it; the client resumes with Last-Event-ID
			delete(h.subs, ch)
			close(ch)
		}
	}
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for ch := range h.subs {
		delete(h.subs, ch)
		close(ch)
	}
}

// encodeFrame writes a block as an SSE event whose id is the height.
func encodeFrame(b apitypes.Block) frame {
	data, err := json.Marshal(b)
	if err != nil {
		panic(fmt.Sprintf("api: encoding block %d: %v", b.Height, err)) // only plain data types: cannot fail
	}
	buf := fmt.Appendf(nil, "id: %d\nevent: %s\ndata: ", b.Height, apitypes.StreamEventBlock)
	buf = append(buf, data...)
	buf = append(buf, "\n\n"...)
	return frame{height: b.Height, data: buf}
}

// Stream tuning.
const (
	heartbeatEvery = 15 * time.Second
	writeDeadline  = 30 * time.Second
	maxBackfill    = 1000 // blocks replayed for a resuming client
)

func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	from, e := resumeHeight(r)
	if e != nil {
		writeError(w, http.StatusBadRequest, e)
		return
	}
	brief := r.URL.Query().Get("events") == "false"
	if _, e := queryBool(r, "events"); e != nil { // absent means true
		writeError(w, http.StatusBadRequest, e)
		return
	}
	rc := http.NewResponseController(w)
	ch, cancel := s.hub.subscribe(brief) // before the backfill, so nothing falls in between
	defer cancel()

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	write := func(b []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(writeDeadline))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write([]byte(": gotensor block stream\n\n")) {
		return
	}
	last, ok := s.backfill(r.Context(), from, brief, write)
	if !ok {
		return
	}
	tick := time.NewTicker(heartbeatEvery)
	defer tick.Stop()
	for {
		select {
		case f, open := <-ch:
			if !open {
				return
			}
			if f.height <= last {
				continue
			}
			if !write(f.data) {
				return
			}
			last = f.height
		case <-tick.C:
			if !write([]byte(": ping\n\n")) {
				return
			}
		case <-r.Context().Done():
			return
		}
	}
}

// resumeHeight returns the first height the client wants replayed: after
// its Last-Event-ID, or ?from=H. Zero means only new blocks.
func resumeHeight(r *http.Request) (int64, *apitypes.Error) {
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		h, ok := parseDecimal(id, 63)
		if !ok || h == math.MaxInt64 {
			return 0, errorf(apitypes.CodeBadHeight, "invalid Last-Event-ID %q: want the height of a block event", id)
		}
		return int64(h) + 1, nil
	}
	if q := r.URL.Query().Get("from"); q != "" {
		h, ok := parseHeight(q)
		if !ok {
			return 0, errorf(apitypes.CodeBadHeight, "invalid from=%q: want a block height (1 or more)", q)
		}
		return h, nil
	}
	return 0, nil
}

// backfill writes the committed blocks from height from to the latest
// (at most maxBackfill of them) and returns the last height written.
func (s *Server) backfill(ctx context.Context, from int64, brief bool, write func([]byte) bool) (int64, bool) {
	if from <= 0 {
		return 0, true
	}
	st, err := s.cons.Status(ctx)
	if err != nil {
		return 0, false
	}
	latest, err := s.committedHeight()
	if err != nil {
		return 0, false
	}
	from = max(from, latest-maxBackfill+1, st.SyncInfo.EarliestBlockHeight)
	last := from - 1
	for h := from; h <= latest; h++ {
		doc, _, apiErr := s.loadBlock(ctx, &h)
		if apiErr != nil {
			return last, false
		}
		if brief {
			doc = briefDoc(doc)
		}
		if !write(encodeFrame(doc).data) {
			return last, false
		}
		last = h
	}
	return last, true
}
