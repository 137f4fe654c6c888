package axon

import (
	"container/heap"
	"context"
	"errors"
	"sync"
)

// errQueueFull is returned by acquire when the queue is full of requests
// with at least the caller's priority, or when a higher-priority arrival
// evicted the caller.
var errQueueFull = errors.New("axon: too many requests queued")

// scheduler admits handlers: at most workers run at once, and up to
// maxQueue more wait, the highest priority first (first come first served
// among equals). When the queue is full a newcomer displaces the
// lowest-priority waiter if it outranks it, so a flood of low-stake callers
// cannot lock out high-stake ones.
type scheduler struct {
	mu       sync.Mutex
	free     int // idle worker slots
	maxQueue int
	seq      uint64
	waiting  waitHeap
	onDepth  func(int) // reports the queue depth after each change
}

type waiter struct {
	prio  float64
	seq   uint64
	ready chan error // receives nil (a slot) or errQueueFull (evicted); buffered
	index int        // position in waiting, -1 once removed
}

func newScheduler(workers, maxQueue int, onDepth func(int)) *scheduler {
	return &scheduler{free: workers, maxQueue: maxQueue, onDepth: onDepth}
}

// acquire waits for a worker slot. On success the caller must call release
// once its handler has returned. It fails with errQueueFull, or with
// ctx.Err() when ctx ends first.
func (s *scheduler) acquire(ctx context.Context, prio float64) error {
	s.mu.Lock()
	if s.free > 0 && len(s.waiting) == 0 {
		s.free--
		s.mu.Unlock()
		return nil
	}
	if len(s.waiting) >= s.maxQueue {
		low := s.waiting.lowest()
		if low < 0 || s.waiting[low].prio >= prio {
			s.mu.Unlock()
			return errQueueFull
		}
		ev := heap.Remove(&s.waiting, low).(*waiter)
		ev.ready <- errQueueFull
	}
	s.seq++
	w := &waiter{prio: prio, seq: s.seq, ready: make(chan error, 1)}
	heap.Push(&s.waiting, w)
	s.onDepth(len(s.waiting))
	s.mu.Unlock()

	select {
	case err := <-w.ready:
		return err
	case <-ctx.Done():
	}
	s.mu.Lock()
	if w.index >= 0 {
		heap.Remove(&s.waiting, w.index)
		s.onDepth(len(s.waiting))
		s.mu.Unlock()
		return ctx.Err()
	}
	s.mu.Unlock()
	// Granted or evicted just as ctx ended: hand a granted slot on.
	if err := <-w.ready; err == nil {
		s.release()
	}
	return ctx.Err()
}

// release returns a worker slot, handing it to the best waiter if any.
func (s *scheduler) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.waiting) == 0 {
		s.free++
		return
	}
	w := heap.Pop(&s.waiting).(*waiter)
	s.onDepth(len(s.waiting))
	w.ready <- nil
}

// waitHeap is a max-heap on (prio, -seq).
type waitHeap []*waiter

func (h waitHeap) Len() int { return len(h) }
func (h waitHeap) Less(i, j int) bool {
	if h[i].prio != h[j].prio {
		return h[i].prio > h[j].prio
	}
	return h[i].seq < h[j].seq
}
func (h waitHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *waitHeap) Push(x any) {
	w := x.(*waiter)
	w.index = len(*h)
	*h = append(*h, w)
}
func (h *waitHeap) Pop() any {
	old := *h
	w := old[len(old)-1]
	old[len(old)-1] = nil
	w.index = -1
	*h = old[:len(old)-1]
	return w
}

// lowest returns the index of the waiter that would be served last (lowest
// priority, latest among equals), or -1 if none. The heap's minimum is
// among its leaves, so only those are scanned; the queue is bounded and
// this runs only when it is full.
func (h waitHeap) lowest() int {
	low := -1
	for i := len(h) / 2; i < len(h); i++ {
		if low < 0 || h.Less(low, i) {
			low = i
		}
	}
	return low
}
