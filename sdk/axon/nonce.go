package axon

import (
	"container/list"
	"errors"
	"fmt"
	"sync"

	"github.com/gotensor/gotensor/tao"
)

// errNonce is wrapped by every nonce refusal (whose text the 401 carries).
var errNonce = errors.New("axon: nonce refused")

// nonceKey identifies a dendrite instance: Python's "hotkey:uuid".
type nonceKey struct {
	hotkey tao.AccountID
	uuid   string
}

type nonceEntry struct {
	key  nonceKey
	last int64 // the newest nonce accepted
}

// nonceCache enforces Bittensor's nonce rules (§3.6) in bounded memory:
//
//   - a key's first nonce must be newer than now − AllowedDelta − timeout;
//   - a known key's nonce must exceed the last one it used;
//   - no nonce may lie more than maxSkew in the future (our addition).
//
// Python keeps every key forever. Here an entry is dropped once its last
// nonce has fallen out of every window (older than now − AllowedDelta −
// MaxTimeout): a replay of it would fail the first-nonce rule anyway. If the
// cache is full of live entries the least recently used one is evicted and
// floor is raised to its last nonce; first nonces must then also exceed
// floor, so an evicted key's old requests still cannot be replayed. The
// price, under that pressure only, is that a new dendrite whose clock lags
// the evicted one's is refused until its clock passes floor.
type nonceCache struct {
	mu      sync.Mutex
	entries map[nonceKey]*list.Element // of *nonceEntry
	order   *list.List                 // least recently updated first
	max     int
	// maxWindow is AllowedDelta + MaxTimeout in ns: the widest first-nonce
	// window any request can ask for.
	maxWindow int64
	maxSkew   int64
	floor     int64
}

func newNonceCache(max int, maxWindow, maxSkew int64) *nonceCache {
	return &nonceCache{entries: map[nonceKey]*list.Element{}, order: list.New(), max: max, maxWindow: maxWindow, maxSkew: maxSkew}
}

// check reports whether nonce is acceptable for k at now (ns), given the
// request's first-nonce window (AllowedDelta + its capped timeout, in ns),
// without recording it: the axon checks before the costly signature
// verification, so that replays are refused cheaply, and commits after.
func (c *nonceCache) check(k nonceKey, nonce, now, window int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.checkLocked(k, nonce, now, window)
}

func (c *nonceCache) checkLocked(k nonceKey, nonce, now, window int64) error {
	if nonce > now+c.maxSkew {
		return fmt.Errorf("%w: nonce is %.2f seconds in the future, at most %.2f allowed",
			errNonce, seconds(nonce-now), seconds(c.maxSkew))
	}
	if e, ok := c.entries[k]; ok {
		if nonce <= e.Value.(*nonceEntry).last {
			return fmt.Errorf("%w: Nonce is too old, a newer one was last processed", errNonce)
		}
		return nil
	}
	if nonce <= now-window {
		return fmt.Errorf("%w: Nonce is too old: acceptable delta is %.2f seconds but request was %.2f seconds old",
			errNonce, seconds(window), seconds(now-nonce))
	}
	if nonce <= c.floor {
		return fmt.Errorf("%w: Nonce is too old: the nonce cache is under pressure; retry with a current clock", errNonce)
	}
	return nil
}

// commit checks nonce again (another request of k may have been committed
// since check) and records it as k's last nonce.
func (c *nonceCache) commit(k nonceKey, nonce, now, window int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkLocked(k, nonce, now, window); err != nil {
		return err
	}
	if el, ok := c.entries[k]; ok {
		el.Value.(*nonceEntry).last = nonce
		c.order.MoveToBack(el)
	} else {
		c.entries[k] = c.order.PushBack(&nonceEntry{key: k, last: nonce})
	}
	c.pruneLocked(now)
	return nil
}

// pruneLocked drops entries that no window can reach any more, then evicts
// the least recently updated ones while over capacity.
func (c *nonceCache) pruneLocked(now int64) {
	for el := c.order.Front(); el != nil; el = c.order.Front() {
		e := el.Value.(*nonceEntry)
		expired := e.last <= now-c.maxWindow
		if !expired && c.order.Len() <= c.max {
			return
		}
		if !expired {
			c.floor = max(c.floor, e.last)
		}
		c.order.Remove(el)
		delete(c.entries, e.key)
	}
}

// len returns the number of entries.
func (c *nonceCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

func seconds(ns int64) float64 { return float64(ns) / 1e9 }
