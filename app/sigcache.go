package app

import "sync"

// sigCache remembers the hashes of transactions whose signature this node
// has verified (in CheckTx or ProcessProposal), so FinalizeBlock verifies
// only the others. It is bounded: the oldest entries are evicted first.
// Whether a hash is cached never changes a result, only the work done.
type sigCache struct {
	mu   sync.Mutex
	set  map[[32]byte]struct{}
	ring [][32]byte
	next int
}

func newSigCache(size int) *sigCache {
	return &sigCache{set: make(map[[32]byte]struct{}, size), ring: make([][32]byte, size)}
}

func (c *sigCache) has(h [32]byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.set[h]
	return ok
}

func (c *sigCache) add(h [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.set[h]; ok {
		return
	}
	if old := c.ring[c.next]; old != ([32]byte{}) {
		delete(c.set, old)
	}
	c.ring[c.next] = h
	c.set[h] = struct{}{}
	c.next = (c.next + 1) % len(c.ring)
}
