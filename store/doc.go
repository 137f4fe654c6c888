// Package store is gotensor's versioned Merkle key-value store: an IAVL tree
// (github.com/cosmos/iavl v1) on goleveldb, or on memory for tests.
//
// It owns four things:
//
//   - KV, the read/write interface the state machine works on. Keys are
//     ordered bytewise; iterators visit [start, end) in that order.
//   - Cache, a write buffer over any KV (or read-only Reader). A transaction
//     runs on a Cache; Write flushes it into its parent in sorted key order,
//     dropping it discards the writes.
//   - Store, the working tree plus its committed versions: WorkingHash is the
//     root the next Commit will save (the app hash), Commit saves a version.
//   - View, a read-only committed version, safe for concurrent use with block
//     execution, that can prove its values (ICS23) and export itself as a
//     state-sync snapshot.
//
// Callers must follow these contracts:
//
//   - Aliasing. Slices returned by Get, Iterator.Key and Iterator.Value must
//     not be modified. They may be kept: the store never writes into a slice
//     it has handed out. Set copies its arguments, so callers may reuse their
//     buffers afterwards.
//   - Iterators must be closed. A Store or Cache must not be written while one
//     of its iterators is open (a Cache iterator does not see writes made
//     after it was created); a parent must not be written while iterators over
//     a child Cache are open.
//   - Concurrency. Store and Cache are for one goroutine (the one executing
//     blocks). Views may be shared by any number of goroutines while that
//     goroutine writes and commits, as long as their version is not pruned
//     (see Options.KeepRecent); the store serialises the few moments when
//     IAVL changes nodes or indexes that views read. A NewReadCache's parent
//     must not change under it; a NewCache's may.
//   - Failure. Errors of the underlying database while reading or writing the
//     working state mean the node's disk or database is broken; KV methods
//     panic with the cause rather than let consensus code continue on a
//     partial state. Commit, Open and snapshot import return errors.
//
// Durability: Commit writes the new version with fsync, so a process killed
// after Commit returns loses nothing; Open loads the latest saved version.
//
// Reads of the latest version use IAVL's fast storage, a flat index of the
// latest values: one database read per key. Older versions are read by
// walking their tree. Large states are loaded with ImportSorted (a
// balanced tree streamed to disk) and restored with Import.
package store
