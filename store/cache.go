package store

import (
	"bytes"

	"github.com/google/btree"
)

// Cache buffers writes over a parent Reader. Reads fall through to the
// parent for keys the cache has not written (and, for a cache made by
// NewReadCache, are remembered). Write flushes the buffered writes into the
// parent (which must then be a KV) in ascending key order; dropping the
// Cache without Write discards them.
//
// Caches nest: a transaction's Cache sits over the block's Cache, which sits
// over the Store. A Cache is not safe for concurrent use.
type Cache struct {
	parent Reader
	// entries orders the known keys for Write and iterators; index finds
	// them faster for Get.
	entries   *btree.BTreeG[*entry]
	index     map[string]*entry
	keepReads bool
}

// entry is a key the cache knows: a buffered write (a value, or a deletion
// tombstone), or a value read from the parent (clean), which Write skips.
type entry struct {
	key     []byte
	value   []byte
	deleted bool
	clean   bool
}

func entryLess(a, b *entry) bool { return bytes.Compare(a.key, b.key) < 0 }

// NewCache returns an empty Cache over parent. The parent may change
// underneath (say, a branch's parent is written): reads of keys the cache
// has not written see the parent's current values.
func NewCache(parent Reader) *Cache {
	return &Cache{parent: parent, entries: btree.NewG(32, entryLess), index: map[string]*entry{}}
}

// NewReadCache returns a Cache that also remembers what it reads from
// parent, so repeated reads of a key cost one lookup in the parent. The
// parent must not change while the cache is in use, except through the
// cache's own Write: true of a Store under its block's cache and of any
// View. It is the cache to put directly over a tree, whose reads are costly.
func NewReadCache(parent Reader) *Cache {
	c := NewCache(parent)
	c.keepReads = true
	return c
}

// Len returns the number of keys the cache holds, written or read.
func (c *Cache) Len() int { return c.entries.Len() }

// Get implements Reader.
func (c *Cache) Get(key []byte) []byte {
	mustKey(key)
	if e, ok := c.index[string(key)]; ok {
		if e.deleted {
			return nil
		}
		return e.value
	}
	v := c.parent.Get(key)
	if c.keepReads { // absent keys too, as clean tombstones
		c.put(&entry{key: bytes.Clone(key), value: v, deleted: v == nil, clean: true})
	}
	return v
}

func (c *Cache) put(e *entry) {
	c.entries.ReplaceOrInsert(e)
	c.index[string(e.key)] = e
}

// Has implements Reader.
func (c *Cache) Has(key []byte) bool { return c.Get(key) != nil }

// Set implements KV.
func (c *Cache) Set(key, value []byte) {
	mustKey(key)
	mustValue(value)
	c.put(&entry{key: bytes.Clone(key), value: append([]byte{}, value...)})
}

// Delete implements KV. The deletion reaches the parent on Write even if the
// key was never read through this cache.
func (c *Cache) Delete(key []byte) {
	mustKey(key)
	c.put(&entry{key: bytes.Clone(key), deleted: true})
}

// Write flushes the buffered writes into the parent in ascending key order
// and empties the cache, which stays usable. It panics if there are writes
// and the parent is a read-only Reader.
func (c *Cache) Write() {
	kv, writable := c.parent.(KV)
	c.entries.Ascend(func(e *entry) bool {
		switch {
		case e.clean:
		case !writable:
			panic("store: Write on a cache over a read-only parent")
		case e.deleted:
			kv.Delete(e.key)
		default:
			kv.Set(e.key, e.value)
		}
		return true
	})
	c.entries.Clear(false)
	clear(c.index)
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
