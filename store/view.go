package store

import (
	"errors"
	"fmt"
	"sync"

	"github.com/cosmos/iavl"
	ics23 "github.com/cosmos/ics23/go"
)

// View is a read-only committed version of the store. It implements Reader
// and is safe for concurrent use by any number of goroutines, including
// while the Store executes and commits later blocks, as long as its version
// is not pruned.
type View struct {
	tree *iavl.ImmutableTree
	mu   *sync.RWMutex // the store's treeMu
}

// Version returns the version the view reads.
func (v *View) Version() int64 { return v.tree.Version() }

// Hash returns the root hash of the version (the app hash at that height).
func (v *View) Hash() []byte { return v.tree.Hash() }

// Get implements Reader.
func (v *View) Get(key []byte) []byte {
	mustKey(key)
	v.mu.RLock()
	val, err := v.tree.Get(key)
	v.mu.RUnlock()
	if err != nil {
		panic(fmt.Errorf("store: get %x at version %d: %w", key, v.Version(), err))
	}
	return val
}

// Has implements Reader.
func (v *View) Has(key []byte) bool { return v.Get(key) != nil }

// Iterator implements Reader.
func (v *View) Iterator(start, end []byte) Iterator { return v.iterator(start, end, true) }

// ReverseIterator implements Reader.
func (v *View) ReverseIterator(start, end []byte) Iterator { return v.iterator(start, end, false) }

func (v *View) iterator(start, end []byte, ascending bool) Iterator {
	v.mu.RLock()
	it, err := v.tree.Iterator(start, end, ascending)
	v.mu.RUnlock()
	if err != nil {
		panic(fmt.Errorf("store: iterator at version %d: %w", v.Version(), err))
	}
	return &treeIterator{it: it, mu: v.mu.RLocker()}
}

// GetWithProof returns the value at key (nil if absent) with an ICS23 proof
// against the view's Hash: a membership proof if the key is present, a
// non-membership proof otherwise. Check it with VerifyProof.
func (v *View) GetWithProof(key []byte) (value []byte, proof *ics23.CommitmentProof, err error) {
	if len(key) == 0 {
		return nil, nil, errors.New("store: empty key")
	}
	if v.tree.Size() == 0 {
		return nil, nil, errors.New("store: no proofs in an empty tree")
	}
	value = v.Get(key)
	v.mu.RLock()
	if value != nil {
		proof, err = v.tree.GetMembershipProof(key)
	} else {
		proof, err = v.tree.GetNonMembershipProof(key)
	}
	v.mu.RUnlock()
	if err != nil {
		return nil, nil, fmt.Errorf("store: proof of %x at version %d: %w", key, v.Version(), err)
	}
	return value, proof, nil
}

// ProofSpec is the ICS23 spec of the store's proofs (IAVL's).
var ProofSpec = ics23.IavlSpec

// VerifyProof checks proof against root: that key holds value, or, when
// value is nil, that key is absent.
func VerifyProof(root, key, value []byte, proof *ics23.CommitmentProof) bool {
	if proof == nil {
		return false
	}
	if value == nil {
		return ics23.VerifyNonMembership(ProofSpec, root, proof, key)
	}
	return ics23.VerifyMembership(ProofSpec, root, proof, key, value)
}
