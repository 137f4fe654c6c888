package store

// Reader reads a key-value state. Keys are non-empty byte strings ordered
// bytewise. Get returns nil for an absent key; values are never nil once set
// (an empty value is stored as an empty, non-nil slice).
type Reader interface {
	// Get returns the value stored at key, or nil.
	Get(key []byte) []byte
	// Has reports whether key is present.
	Has(key []byte) bool
	// Iterator visits the keys in [start, end) in ascending order. A nil
	// start means the first key, a nil end means past the last key.
	Iterator(start, end []byte) Iterator
	// ReverseIterator visits the keys in [start, end) in descending order.
	ReverseIterator(start, end []byte) Iterator
}

// KV is a Reader that can also be written.
type KV interface {
	Reader
	// Set stores value at key. Both are copied. Key must be non-empty and
	// value non-nil.
	Set(key, value []byte)
	// Delete removes key; deleting an absent key is a no-op.
	Delete(key []byte)
}

// Iterator walks a key range. Use it as
//
//	it := kv.Iterator(start, end)
//	defer it.Close()
//	for ; it.Valid(); it.Next() { ... it.Key(), it.Value() ... }
type Iterator interface {
	// Valid reports whether the iterator is positioned at a key.
	Valid() bool
	// Next moves to the next key. It must only be called while Valid.
	Next()
	// Key returns the current key. It must only be called while Valid.
	Key() []byte
	// Value returns the current value. It must only be called while Valid.
	Value() []byte
	// Close releases the iterator. It is safe to call more than once.
	Close()
}

// PrefixEnd returns the smallest key greater than every key that starts
// with prefix, for use as an iterator end: Iterator(p, PrefixEnd(p)) visits
// exactly the keys with prefix p. It returns nil (no upper bound) when
// prefix is empty or all 0xff.
func PrefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// mustKey panics on an empty key: IAVL and leveldb reject them, and an empty
// key always means a bug in the caller's key layout.
func mustKey(key []byte) {
	if len(key) == 0 {
		panic("store: empty key")
	}
}

// mustValue panics on a nil value, which the store could not tell apart from
// an absent key.
func mustValue(value []byte) {
	if value == nil {
		panic("store: nil value")
	}
}

// Empty is a Reader without keys, to put a Cache over when building a
// state from nothing.
var Empty Reader = empty{}

type empty struct{}

func (empty) Get([]byte) []byte                    { return nil }
func (empty) Has([]byte) bool                      { return false }
func (empty) Iterator(_, _ []byte) Iterator        { return emptyIterator{} }
func (empty) ReverseIterator(_, _ []byte) Iterator { return emptyIterator{} }

type emptyIterator struct{}

func (emptyIterator) Valid() bool   { return false }
func (emptyIterator) Next()         { panic("store: Next on an exhausted iterator") }
func (emptyIterator) Key() []byte   { panic("store: Key on an exhausted iterator") }
func (emptyIterator) Value() []byte { panic("store: Value on an exhausted iterator") }
func (emptyIterator) Close()        {}
