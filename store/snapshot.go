package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"

	"github.com/cosmos/iavl"
)

// SnapshotFormat is the version of the chunk encoding written by
// ExportSnapshot. Bump it when the encoding changes.
//
// Format 1: a chunk is a concatenation of tree nodes in IAVL export order
// (depth-first, post-order). Each node is
//
//	height   1 byte (0 = leaf)
//	version  uvarint, 1 ≤ version ≤ snapshot version
//	leaf only: uvarint key length, key, uvarint value length, value
//
// Inner nodes carry no key: the importer derives it (the smallest key of the
// right subtree), so a snapshot cannot smuggle in a search tree whose keys
// disagree with its leaves. Nodes never straddle chunks.
const SnapshotFormat uint32 = 1

// ErrSnapshot marks a malformed or inconsistent snapshot.
var ErrSnapshot = errors.New("store: bad snapshot")

// maxKeyLen bounds keys accepted from a snapshot; state keys are far shorter.
const maxKeyLen = 1 << 12

// exportCacheSize is the node cache of the tree a snapshot is exported
// from; the export reads each node once.
const exportCacheSize = 10_000

// ExportSnapshot streams the committed version as chunks of roughly
// chunkSize bytes (a chunk holds at least one node), calling emit for each in
// order. emit may keep the chunk. The version is protected from pruning while
// the export runs, so ExportSnapshot may run on its own goroutine while
// blocks are executed and committed.
func (s *Store) ExportSnapshot(version int64, chunkSize int, emit func(chunk []byte) error) error {
	s.mu.Lock()
	s.exports[version]++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if s.exports[version]--; s.exports[version] == 0 {
			delete(s.exports, version)
		}
		s.mu.Unlock()
	}()
	if !s.tree.VersionExists(version) {
		return fmt.Errorf("%w: %d", ErrVersionNotFound, version)
	}
	// Export from a tree of its own (own node cache): IAVL's exporter walks
	// the nodes on its own goroutine, and nodes shared with the working tree
	// may be modified in place by the next block (see Store.treeMu).
	reader := iavl.NewMutableTree(s.db, exportCacheSize, true, iavl.NewNopLogger())
	defer reader.Close() // closes its node database, not the shared db
	t, err := reader.GetImmutable(version)
	if err != nil {
		return fmt.Errorf("store: export version %d: %w", version, err)
	}
	if t.Size() == 0 {
		return emit([]byte{})
	}
	exp, err := t.Export()
	if err != nil {
		return fmt.Errorf("store: export version %d: %w", version, err)
	}
	defer exp.Close()
	var chunk []byte
	for {
		n, err := exp.Next()
		if errors.Is(err, iavl.ErrorExportDone) {
			break
		}
		if err != nil {
			return fmt.Errorf("store: export version %d: %w", version, err)
		}
		chunk = appendNode(chunk, n)
		if len(chunk) >= chunkSize {
			if err := emit(chunk); err != nil {
				return err
			}
			chunk = nil
		}
	}
	if len(chunk) > 0 {
		return emit(chunk)
	}
	return nil
}

func appendNode(b []byte, n *iavl.ExportNode) []byte {
	b = append(b, byte(n.Height))
	b = binary.AppendUvarint(b, uint64(n.Version))
	if n.Height == 0 {
		b = binary.AppendUvarint(b, uint64(len(n.Key)))
		b = append(b, n.Key...)
		b = binary.AppendUvarint(b, uint64(len(n.Value)))
		b = append(b, n.Value...)
	}
	return b
}

// Importer restores a snapshot into an empty Store, chunk by chunk. It is
// created by Store.Import and must be finished with Commit or Close.
type Importer struct {
	s       *Store
	tree    *iavl.MutableTree // the tree imported into, without fast storage
	imp     *iavl.Importer
	version int64
	// stack mirrors the importer's stack of unresolved subtrees, so bad input
	// is rejected here with an error instead of corrupting the tree.
	stack   []subtree
	lastKey []byte
	leaves  int64
	// skipHashCheck: the caller built the tree itself (ImportSorted), so
	// there is no expected hash to compare.
	skipHashCheck bool
}

type subtree struct {
	height int8
	minKey []byte // the smallest leaf key in the subtree
}

// Import starts restoring version into the store, which must be empty.
func (s *Store) Import(version int64) (*Importer, error) {
	if version <= 0 {
		return nil, fmt.Errorf("%w: version %d", ErrSnapshot, version)
	}
	if s.tree.Version() != 0 || !s.tree.IsEmpty() {
		return nil, fmt.Errorf("store: import into a store at version %d", s.tree.Version())
	}
	// Import into a tree without IAVL's fast index, and build the index once
	// the imported nodes are on disk (Commit): building it as IAVL's importer
	// does, while the caller still holds its source data, doubles the
	// memory a large genesis needs.
	tree, err := loadTree(s.db, s.opts, false)
	if err != nil {
		return nil, err
	}
	imp, err := tree.Import(version)
	if err != nil {
		return nil, fmt.Errorf("store: import: %w", err)
	}
	return &Importer{s: s, tree: tree, imp: imp, version: version}, nil
}

// Add decodes one chunk and adds its nodes. Chunks must be added in export
// order. A malformed chunk returns an error wrapping ErrSnapshot; the import
// must then be abandoned with Close.
func (im *Importer) Add(chunk []byte) error {
	nodes, err := decodeChunk(chunk, im.version)
	if err != nil {
		return err
	}
	for _, n := range nodes {
		if err := im.add(n); err != nil {
			return err
		}
	}
	return nil
}

func (im *Importer) add(n *iavl.ExportNode) error {
	if n.Height == 0 {
		if im.lastKey != nil && bytes.Compare(n.Key, im.lastKey) <= 0 {
			return fmt.Errorf("%w: leaf keys out of order", ErrSnapshot)
		}
		im.lastKey = n.Key
		im.leaves++
		im.stack = append(im.stack, subtree{height: 0, minKey: n.Key})
	} else {
		k := len(im.stack)
		if k < 2 || im.stack[k-1].height >= n.Height || im.stack[k-2].height >= n.Height {
			return fmt.Errorf("%w: inner node of height %d without two lower subtrees", ErrSnapshot, n.Height)
		}
		left, right := im.stack[k-2], im.stack[k-1]
		if n.Height != max(left.height, right.height)+1 {
			return fmt.Errorf("%w: inner node height %d does not match its children", ErrSnapshot, n.Height)
		}
		n.Key = right.minKey
		im.stack = append(im.stack[:k-2], subtree{height: n.Height, minKey: left.minKey})
	}
	if err := im.imp.Add(n); err != nil {
		return fmt.Errorf("%w: %v", ErrSnapshot, err)
	}
	return nil
}

// Commit finishes the import and checks that the restored tree's root hash
// is wantHash. On a mismatch the store is emptied again and an error
// wrapping ErrSnapshot is returned.
func (im *Importer) Commit(wantHash []byte) error {
	if len(im.stack) > 1 {
		return errors.Join(fmt.Errorf("%w: incomplete tree (%d unjoined subtrees)", ErrSnapshot, len(im.stack)), im.Close())
	}
	s := im.s
	if err := im.imp.Commit(); err != nil {
		return errors.Join(fmt.Errorf("store: import commit: %w", err), s.wipe())
	}
	if got := im.tree.Hash(); !im.skipHashCheck && !bytes.Equal(got, wantHash) {
		return errors.Join(fmt.Errorf("%w: restored hash %X, want %X", ErrSnapshot, got, wantHash), s.wipe())
	}
	// The import's source (a genesis in memory, say) is garbage by now;
	// collect it before IAVL walks the whole tree to build its index.
	runtime.GC()
	tree, err := loadTree(s.db, s.opts, true)
	if err != nil {
		return err
	}
	s.tree = tree
	return s.setLatest(im.version)
}

// Close abandons the import and empties the store again. It returns an
// error only if the store could not be emptied.
func (im *Importer) Close() error {
	im.imp.Close()
	return im.s.wipe()
}

// wipe deletes every key of the database and reloads an empty tree. Import
// only starts on an empty store, so this undoes a failed import exactly.
func (s *Store) wipe() error {
	it, err := s.db.Iterator(nil, nil)
	if err != nil {
		return fmt.Errorf("store: wipe: %w", err)
	}
	batch := s.db.NewBatch()
	defer batch.Close()
	for ; it.Valid(); it.Next() {
		if err := batch.Delete(bytes.Clone(it.Key())); err != nil {
			it.Close()
			return fmt.Errorf("store: wipe: %w", err)
		}
	}
	if err := errors.Join(it.Error(), it.Close(), batch.WriteSync()); err != nil {
		return fmt.Errorf("store: wipe: %w", err)
	}
	tree, err := loadTree(s.db, s.opts, true)
	if err != nil {
		return err
	}
	s.tree = tree
	s.mu.Lock()
	s.latest = nil
	s.mu.Unlock()
	return nil
}

// decodeChunk parses a format-1 chunk, checking every length and range.
func decodeChunk(chunk []byte, version int64) ([]*iavl.ExportNode, error) {
	var nodes []*iavl.ExportNode
	for len(chunk) > 0 {
		h := int8(chunk[0])
		chunk = chunk[1:]
		if h < 0 || h > 64 {
			return nil, fmt.Errorf("%w: node height %d", ErrSnapshot, h)
		}
		v, n := binary.Uvarint(chunk)
		if n <= 0 || v == 0 || v > uint64(version) {
			return nil, fmt.Errorf("%w: node version out of range 1..%d", ErrSnapshot, version)
		}
		chunk = chunk[n:]
		node := &iavl.ExportNode{Height: h, Version: int64(v)}
		if h == 0 {
			var err error
			if node.Key, chunk, err = readBytes(chunk, maxKeyLen); err != nil {
				return nil, err
			}
			if len(node.Key) == 0 {
				return nil, fmt.Errorf("%w: empty key", ErrSnapshot)
			}
			if node.Value, chunk, err = readBytes(chunk, len(chunk)); err != nil {
				return nil, err
			}
		}
		nodes = append(nodes, node)
	}
	return nodes, nil
}

// readBytes reads a uvarint length (at most limit) and that many bytes.
// The result is a copy, never nil.
func readBytes(b []byte, limit int) ([]byte, []byte, error) {
	l, n := binary.Uvarint(b)
	if n <= 0 || l > uint64(limit) || l > uint64(len(b)-n) {
		return nil, nil, fmt.Errorf("%w: truncated or oversized field", ErrSnapshot)
	}
	b = b[n:]
	return append([]byte{}, b[:l]...), b[l:], nil
}

// ImportSorted builds version from n key-value pairs that next returns in
// strictly ascending key order, into the (empty) store, as a balanced tree
// streamed to the database: memory stays proportional to the tree's
// height, not to n. It suits loading a large genesis. The tree's shape (and
// so its hash) is a function of the pairs alone. Keys must be non-empty and
// values non-nil; a violation returns an error wrapping ErrSnapshot, and
// the store is emptied again.
func (s *Store) ImportSorted(version int64, n int, next func() (key, value []byte)) error {
	im, err := s.Import(version)
	if err != nil {
		return err
	}
	if err := im.addBalanced(n, next); err != nil {
		return errors.Join(err, im.Close())
	}
	im.skipHashCheck = true
	return im.Commit(nil)
}

// addBalanced emits a balanced tree over the next n pairs in post-order:
// left half, right half, then their parent. Sibling subtrees differ in size
// by at most one, so in height by at most one, as AVL requires.
func (im *Importer) addBalanced(n int, next func() (key, value []byte)) error {
	if n == 0 {
		return nil
	}
	if n == 1 {
		k, v := next()
		if len(k) == 0 || v == nil {
			return fmt.Errorf("%w: empty key or nil value", ErrSnapshot)
		}
		return im.add(&iavl.ExportNode{Key: k, Value: v, Version: im.version, Height: 0})
	}
	if err := im.addBalanced(n/2, next); err != nil {
		return err
	}
	if err := im.addBalanced(n-n/2, next); err != nil {
		return err
	}
	top := im.stack[len(im.stack)-1]
	left := im.stack[len(im.stack)-2]
	return im.add(&iavl.ExportNode{Version: im.version, Height: max(top.height, left.height) + 1})
}
