package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	corestore "cosmossdk.io/core/store"
	"github.com/cosmos/iavl"
	iavldb "github.com/cosmos/iavl/db"
	"github.com/syndtr/goleveldb/leveldb/filter"
	"github.com/syndtr/goleveldb/leveldb/opt"
)

// Defaults for Options fields left zero.
const (
	// DefaultCacheSize is the number of IAVL nodes kept in memory. A cached
	// node costs about 1 KB of heap (measured: the node, its keys and hash,
	// and the LRU's bookkeeping), so this is about 100 MB.
	DefaultCacheSize = 100_000
	// DefaultPruneInterval is how often (in commits) old versions are
	// deleted when KeepRecent is set.
	DefaultPruneInterval = 10
)

// ErrVersionNotFound is returned for a version that was never committed or
// has been pruned.
var ErrVersionNotFound = errors.New("store: version not found")

// Options tunes a Store. The zero value is a durable store that keeps every
// version.
type Options struct {
	// CacheSize is the IAVL node cache size in nodes (0: DefaultCacheSize).
	CacheSize int
	// KeepRecent is the number of recent versions to keep; older ones are
	// pruned every PruneInterval commits. 0 keeps every version.
	KeepRecent int64
	// PruneInterval is the number of commits between prunings
	// (0: DefaultPruneInterval).
	PruneInterval int64
	// NoSync skips the fsync of each commit. A crash may then lose recent
	// versions; only benchmarks and throwaway tests should set it.
	NoSync bool
}

// Store is the versioned Merkle store: a working tree (the KV the current
// block writes to) over a history of committed versions. It implements KV on
// the working tree. Store is driven by one goroutine; Latest and View return
// read-only views that any goroutine may use.
type Store struct {
	db   iavldb.DB
	tree *iavl.MutableTree
	opts Options

	mu     sync.Mutex // guards latest and exports
	latest *View      // last committed version; nil before the first commit
	// treeMu is held for writing while the working tree changes (Set,
	// Delete) or a version is saved, and for reading by every View read.
	// IAVL shares nodes between versions and, when the working tree copies
	// one, clears the original's child pointers in place; and it updates
	// its flat index of latest values (fast storage) in place while saving.
	// Either would otherwise race with a View reading the same nodes.
	treeMu sync.RWMutex
	// exports counts snapshot exports in progress per version, so pruning
	// never deletes a version that is being read out.
	exports map[int64]int
}

// Open opens (or creates) the store in dir and loads its latest version.
func Open(dir string, opts Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db, err := iavldb.NewGoLevelDBWithOpts("state", dir, &opt.Options{
		Filter:             filter.NewBloomFilter(10),
		BlockCacheCapacity: 32 << 20,
		WriteBuffer:        32 << 20,
	})
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", filepath.Join(dir, "state.db"), err)
	}
	s, err := newStore(db, opts)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// OpenMemory returns an empty store held in memory, for tests.
func OpenMemory() *Store {
	s, err := newStore(iavldb.NewMemDB(), Options{NoSync: true})
	if err != nil {
		panic(err) // an empty memory database cannot fail to load
	}
	return s
}

func newStore(db iavldb.DB, opts Options) (*Store, error) {
	if opts.CacheSize <= 0 {
		opts.CacheSize = DefaultCacheSize
	}
	if opts.PruneInterval <= 0 {
		opts.PruneInterval = DefaultPruneInterval
	}
	tree, err := loadTree(db, opts, true)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, tree: tree, opts: opts, exports: map[int64]int{}}
	if v := tree.Version(); v > 0 {
		if err := s.setLatest(v); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// loadTree opens the IAVL tree on db at its latest version. With fast set,
// it uses IAVL's fast storage: a flat index of the latest values, so reading
// a key of the latest version costs one database read instead of a walk
// down the tree; IAVL builds the index on load if the database lacks it.
// Imports run on a tree without it, and the store reloads afterwards.
func loadTree(db iavldb.DB, opts Options, fast bool) (*iavl.MutableTree, error) {
	tree := iavl.NewMutableTree(db, opts.CacheSize, !fast, iavl.NewNopLogger(), iavl.SyncOption(!opts.NoSync))
	if _, err := tree.Load(); err != nil {
		return nil, fmt.Errorf("store: load latest version: %w", err)
	}
	return tree, nil
}

// Get implements Reader on the working tree.
func (s *Store) Get(key []byte) []byte {
	mustKey(key)
	v, err := s.tree.Get(key)
	if err != nil {
		panic(fmt.Errorf("store: get %x: %w", key, err))
	}
	return v
}

// Has implements Reader on the working tree.
func (s *Store) Has(key []byte) bool { return s.Get(key) != nil }

// Set implements KV on the working tree.
func (s *Store) Set(key, value []byte) {
	mustKey(key)
	mustValue(value)
	s.treeMu.Lock()
	defer s.treeMu.Unlock()
	if _, err := s.tree.Set(append([]byte(nil), key...), append([]byte{}, value...)); err != nil {
		panic(fmt.Errorf("store: set %x: %w", key, err))
	}
}

// Delete implements KV on the working tree.
func (s *Store) Delete(key []byte) {
	mustKey(key)
	s.treeMu.Lock()
	defer s.treeMu.Unlock()
	if _, _, err := s.tree.Remove(key); err != nil {
		panic(fmt.Errorf("store: delete %x: %w", key, err))
	}
}

// Iterator implements Reader on the working tree.
func (s *Store) Iterator(start, end []byte) Iterator {
	return s.iterator(start, end, true)
}

// ReverseIterator implements Reader on the working tree.
func (s *Store) ReverseIterator(start, end []byte) Iterator {
	return s.iterator(start, end, false)
}

func (s *Store) iterator(start, end []byte, ascending bool) Iterator {
	it, err := s.tree.Iterator(start, end, ascending)
	if err != nil {
		panic(fmt.Errorf("store: iterator: %w", err))
	}
	return &treeIterator{it: it, mu: noLock{}}
}

// WorkingHash returns the root hash of the working tree: the app hash the
// next Commit will save. It costs a hash of every node changed since the
// last commit, and nothing when called again without writes.
func (s *Store) WorkingHash() []byte { return s.tree.WorkingHash() }

// Version returns the last committed version (0 before the first commit).
func (s *Store) Version() int64 { return s.tree.Version() }

// Hash returns the root hash of the last committed version.
func (s *Store) Hash() []byte {
	if s.tree.Version() == 0 {
		return s.tree.WorkingHash() // the hash of the empty tree
	}
	return s.tree.Hash()
}

// SetInitialVersion makes the first Commit save version v instead of 1 (for
// a chain whose first block has a height above 1). It has no effect once a
// version exists.
func (s *Store) SetInitialVersion(v int64) {
	if v > 1 && s.tree.Version() == 0 {
		s.tree.SetInitialVersion(uint64(v))
	}
}

// Commit saves the working tree as the next version, durably, and returns
// its hash and number. It then prunes old versions when due.
func (s *Store) Commit() (hash []byte, version int64, err error) {
	s.treeMu.Lock()
	hash, version, err = s.tree.SaveVersion()
	s.treeMu.Unlock()
	if err != nil {
		return nil, 0, fmt.Errorf("store: commit: %w", err)
	}
	if err := s.setLatest(version); err != nil {
		return nil, 0, err
	}
	if err := s.prune(version); err != nil {
		return nil, 0, err
	}
	return hash, version, nil
}

// Rollback discards the working tree's uncommitted writes.
func (s *Store) Rollback() { s.tree.Rollback() }

// prune deletes versions older than KeepRecent, every PruneInterval commits,
// sparing versions that are being exported.
func (s *Store) prune(version int64) error {
	if s.opts.KeepRecent <= 0 || version%s.opts.PruneInterval != 0 {
		return nil
	}
	to := version - s.opts.KeepRecent
	s.mu.Lock()
	for v := range s.exports {
		to = min(to, v-1)
	}
	s.mu.Unlock()
	if to < 1 {
		return nil
	}
	// Pruning may also touch nodes that views share (treeMu).
	s.treeMu.Lock()
	defer s.treeMu.Unlock()
	if err := s.tree.DeleteVersionsTo(to); err != nil {
		return fmt.Errorf("store: prune to %d: %w", to, err)
	}
	return nil
}

func (s *Store) setLatest(version int64) error {
	v, err := s.view(version)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.latest = v
	s.mu.Unlock()
	return nil
}

// Latest returns a view of the last committed version, or nil before the
// first commit. It is safe to call from any goroutine.
func (s *Store) Latest() *View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.latest
}

// View returns a read-only view of a committed version.
func (s *Store) View(version int64) (*View, error) {
	if version <= 0 {
		return nil, fmt.Errorf("%w: %d", ErrVersionNotFound, version)
	}
	if l := s.Latest(); l != nil && l.Version() == version {
		return l, nil
	}
	return s.view(version)
}

func (s *Store) view(version int64) (*View, error) {
	if !s.tree.VersionExists(version) {
		return nil, fmt.Errorf("%w: %d", ErrVersionNotFound, version)
	}
	t, err := s.tree.GetImmutable(version)
	if err != nil {
		return nil, fmt.Errorf("store: load version %d: %w", version, err)
	}
	return &View{tree: t, mu: &s.treeMu}, nil
}

// Close closes the database. The store must not be used afterwards.
func (s *Store) Close() error {
	err := s.tree.Close()
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// treeIterator adapts an IAVL iterator, turning a read error (a broken
// database) into a panic instead of a silently short iteration. A View's
// iterator walks shared nodes, so it steps under the store's read lock.
type treeIterator struct {
	it     corestore.Iterator
	mu     sync.Locker
	closed bool
}

func (t *treeIterator) Valid() bool {
	if t.it.Valid() {
		return true
	}
	if err := t.it.Error(); err != nil {
		panic(fmt.Errorf("store: iterate: %w", err))
	}
	return false
}

func (t *treeIterator) Next() {
	t.mu.Lock()
	t.it.Next()
	t.mu.Unlock()
}

func (t *treeIterator) Key() []byte   { return t.it.Key() }
func (t *treeIterator) Value() []byte { return t.it.Value() }

// noLock is the Locker of the working tree's iterators: the goroutine that
// writes the tree is the one iterating it.
type noLock struct{}

func (noLock) Lock()   {}
func (noLock) Unlock() {}

func (t *treeIterator) Close() {
	if !t.closed {
		t.closed = true
		t.it.Close()
	}
}
