package axon

import (
	"sync"
	"time"

	"github.com/gotensor/gotensor/tao"
)

// limiter is a token bucket per hotkey: each hotkey may send burst requests
// at once and rate per second after that, whatever the others do.
type limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second; <= 0 disables the limiter
	burst   float64
	max     int
	buckets map[tao.AccountID]bucket
	swept   time.Time // last full sweep, to run at most one a second
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was computed
}

func newLimiter(rate float64, burst, max int) *limiter {
	return &limiter{rate: rate, burst: float64(burst), max: max, buckets: map[tao.AccountID]bucket{}}
}

// allow takes a token from hotkey's bucket and reports whether there was
// one.
func (l *limiter) allow(hotkey tao.AccountID, now time.Time) bool {
	if l.rate <= 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[hotkey]
	if !ok {
		if len(l.buckets) >= l.max && !l.sweepLocked(now) {
			// Every tracked hotkey is active: refusing newcomers keeps memory
			// bounded. Only reachable when unregistered callers are admitted,
			// since registered hotkeys are far fewer than max.
			return false
		}
		b = bucket{tokens: l.burst, at: now}
	}
	// Requests are timed on arrival but may reach here out of order: never
	// move a bucket's clock back, or the same interval would refill twice.
	if now.After(b.at) {
		b.tokens, b.at = l.refill(b, now), now
	}
	if b.tokens < 1 {
		l.buckets[hotkey] = b
		return false
	}
	b.tokens--
	l.buckets[hotkey] = b
	return true
}

func (l *limiter) refill(b bucket, now time.Time) float64 {
	if el := now.Sub(b.at).Seconds(); el > 0 {
		b.tokens = min(l.burst, b.tokens+el*l.rate)
	}
	return b.tokens
}

// sweepLocked forgets hotkeys whose bucket has refilled (an idle hotkey
// starts full anyway) and reports whether that made room. It scans at most
// once a second, so a stream of newcomers cannot make every call O(max).
func (l *limiter) sweepLocked(now time.Time) bool {
	if now.Sub(l.swept) < time.Second {
		return false
	}
	l.swept = now
	for k, b := range l.buckets {
		if l.refill(b, now) >= l.burst {
			delete(l.buckets, k)
		}
	}
	return len(l.buckets) < l.max
}
