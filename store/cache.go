package store

import (
	"bytes"

	"github.com/google/btree"
)

// Cache buffers writes over a parent Reader. Reads fall through to the
// parent for keys the cache has not written. Write flushes the buffered
// writes into the parent (which must then be a KV) in ascending key order;
// dropping the Cache without Write discards them.
//
// Caches nest: a transaction's Cache sits over the block's Cache, which sits
// over the Store. A Cache is not safe for concurrent use.
type Cache struct {
	parent  Reader
	entries *btree.BTreeG[*entry]
}

// entry is one buffered write: a value, or a deletion (tombstone).
type entry struct {
	key     []byte
	value   []byte
	deleted bool
}

func entryLess(a, b *entry) bool { return bytes.Compare(a.key, b.key) < 0 }

// NewCache returns an empty Cache over parent.
func NewCache(parent Reader) *Cache {
	return &Cache{parent: parent, entries: btree.NewG(32, entryLess)}
}

// Len returns the number of buffered writes (sets and deletes).
func (c *Cache) Len() int { return c.entries.Len() }

// Get implements Reader.
func (c *Cache) Get(key []byte) []byte {
	mustKey(key)
	if e, ok := c.entries.Get(&entry{key: key}); ok {
		if e.deleted {
			return nil
		}
		return e.value
	}
	return c.parent.Get(key)
}

// Has implements Reader.
func (c *Cache) Has(key []byte) bool {
	mustKey(key)
	if e, ok := c.entries.Get(&entry{key: key}); ok {
		return !e.deleted
	}
	return c.parent.Has(key)
}

// Set implements KV.
func (c *Cache) Set(key, value []byte) {
	mustKey(key)
	mustValue(value)
	c.entries.ReplaceOrInsert(&entry{key: bytes.Clone(key), value: append([]byte{}, value...)})
}

// Delete implements KV. The deletion reaches the parent on Write even if the
// key was never read through this cache.
func (c *Cache) Delete(key []byte) {
	mustKey(key)
	c.entries.ReplaceOrInsert(&entry{key: bytes.Clone(key), deleted: true})
}

// Write flushes the buffered writes into the parent in ascending key order
// and empties the cache, which stays usable. It panics if the parent is a
// read-only Reader.
func (c *Cache) Write() {
	if c.entries.Len() == 0 {
		return
	}
	kv, ok := c.parent.(KV)
	if !ok {
		panic("store: Write on a cache over a read-only parent")
	}
	c.entries.Ascend(func(e *entry) bool {
		if e.deleted {
			kv.Delete(e.key)
		} else {
			kv.Set(e.key, e.value)
		}
		return true
	})
	c.entries.Clear(false)
}

// Iterator implements Reader. It sees the cache's writes made before it was
// created.
func (c *Cache) Iterator(start, end []byte) Iterator {
	return newMergeIterator(c.parent.Iterator(start, end), c.snapshot(start, end, false), false)
}

// ReverseIterator implements Reader.
func (c *Cache) ReverseIterator(start, end []byte) Iterator {
	return newMergeIterator(c.parent.ReverseIterator(start, end), c.snapshot(start, end, true), true)
}

// snapshot returns the buffered entries in [start, end) in iteration order.
func (c *Cache) snapshot(start, end []byte, desc bool) []*entry {
	var out []*entry
	collect := func(e *entry) bool {
		if end != nil && bytes.Compare(e.key, end) >= 0 {
			return true
		}
		out = append(out, e)
		return true
	}
	if start == nil {
		c.entries.Ascend(collect)
	} else {
		c.entries.AscendGreaterOrEqual(&entry{key: start}, collect)
	}
	if desc {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out
}

// mergeIterator merges a parent iterator with a sorted slice of buffered
// entries; an entry shadows the parent's value for the same key, and a
// tombstone hides it.
type mergeIterator struct {
	parent Iterator
	cache  []*entry
	i      int
	desc   bool

	valid      bool
	fromParent bool // the current key came from the parent
	fromCache  bool // the current key came from the cache (both may be set)
	key, value []byte
}

func newMergeIterator(parent Iterator, cache []*entry, desc bool) *mergeIterator {
	m := &mergeIterator{parent: parent, cache: cache, desc: desc}
	m.seek()
	return m
}

// order compares a and b in iteration order.
func (m *mergeIterator) order(a, b []byte) int {
	if m.desc {
		return bytes.Compare(b, a)
	}
	return bytes.Compare(a, b)
}

// seek positions the iterator on the next visible key, skipping tombstones.
func (m *mergeIterator) seek() {
	for {
		pv, cv := m.parent.Valid(), m.i < len(m.cache)
		m.fromParent, m.fromCache = false, false
		switch {
		case !pv && !cv:
			m.valid = false
			return
		case cv && (!pv || m.order(m.cache[m.i].key, m.parent.Key()) <= 0):
			e := m.cache[m.i]
			m.fromCache = true
			m.fromParent = pv && bytes.Equal(e.key, m.parent.Key())
			if e.deleted {
				m.step()
				continue
			}
			m.key, m.value, m.valid = e.key, e.value, true
			return
		default:
			m.fromParent = true
			m.key, m.value, m.valid = m.parent.Key(), m.parent.Value(), true
			return
		}
	}
}

// step moves past the current key in whichever sources it came from.
func (m *mergeIterator) step() {
	if m.fromCache {
		m.i++
	}
	if m.fromParent {
		m.parent.Next()
	}
}

func (m *mergeIterator) Valid() bool { return m.valid }

func (m *mergeIterator) Next() {
	if !m.valid {
		panic("store: Next on an exhausted iterator")
	}
	m.step()
	m.seek()
}

func (m *mergeIterator) Key() []byte {
	if !m.valid {
		panic("store: Key on an exhausted iterator")
	}
	return m.key
}

func (m *mergeIterator) Value() []byte {
	if !m.valid {
		panic("store: Value on an exhausted iterator")
	}
	return m.value
}

func (m *mergeIterator) Close() { m.parent.Close() }
