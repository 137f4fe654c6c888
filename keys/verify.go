package keys

import (
	"github.com/oasisprotocol/curve25519-voi/primitives/sr25519"

	"github.com/gotensor/gotensor/tao"
)

// substrateSigning is the prepared "substrate" signing context; contexts are
// immutable and cloned per message.
var substrateSigning = sr25519.NewSigningContext(substrateContext)

// Verify reports whether sig is pub's signature of msg under the signing
// context "substrate". Like Bittensor's Keypair.verify it also accepts a
// signature of "<Bytes>" ‖ msg ‖ "</Bytes>", the wrapping polkadot-js
// signRaw applies.
func Verify(pub tao.AccountID, msg, sig []byte) bool {
	pk, s, ok := decode(pub, sig)
	if !ok {
		return false
	}
	if pk.Verify(substrateSigning.NewTranscriptBytes(msg), s) {
		return true
	}
	return pk.Verify(substrateSigning.NewTranscriptBytes(wrapBytes(msg)), s)
}

// VerifyContext reports whether sig is pub's signature of exactly msg under
// context. No wrapping is tried.
func VerifyContext(context []byte, pub tao.AccountID, msg, sig []byte) bool {
	pk, s, ok := decode(pub, sig)
	if !ok {
		return false
	}
	return pk.Verify(signingContext(context).NewTranscriptBytes(msg), s)
}

func signingContext(context []byte) *sr25519.SigningContext {
	if string(context) == string(substrateContext) {
		return substrateSigning
	}
	return sr25519.NewSigningContext(context)
}

// decode parses a public key and a signature; either can be malformed
// (not a valid point, no schnorrkel marker bit, wrong length).
func decode(pub tao.AccountID, sig []byte) (*sr25519.PublicKey, *sr25519.Signature, bool) {
	if len(sig) != SignatureSize {
		return nil, nil, false
	}
	pk, err := sr25519.NewPublicKeyFromBytes(pub[:])
	if err != nil {
		return nil, nil, false
	}
	s, err := sr25519.NewSignatureFromBytes(sig)
	if err != nil {
		return nil, nil, false
	}
	return pk, s, true
}

func wrapBytes(msg []byte) []byte {
	w := make([]byte, 0, len(msg)+15)
	w = append(w, "<Bytes>"...)
	w = append(w, msg...)
	return append(w, "</Bytes>"...)
}

// BatchVerifier checks many signatures at once, faster than one by one when
// (as is usual) all of them are valid. It checks raw messages only, like
// VerifyContext. A BatchVerifier is not safe for concurrent use.
type BatchVerifier struct {
	bv       *sr25519.BatchVerifier
	contexts map[string]*sr25519.SigningContext
	// index maps the i-th Add to its entry in bv, or -1 when its key or
	// signature did not decode (such entries never reach bv).
	index []int
	n     int // entries in bv
}

// NewBatchVerifier returns an empty BatchVerifier.
func NewBatchVerifier() *BatchVerifier {
	return &BatchVerifier{bv: sr25519.NewBatchVerifier(), contexts: map[string]*sr25519.SigningContext{}}
}

// Add queues sig as pub's signature of msg under context. The slices are
// read before Add returns and may be reused afterwards.
func (b *BatchVerifier) Add(context []byte, pub tao.AccountID, msg, sig []byte) {
	pk, s, ok := decode(pub, sig)
	if !ok {
		b.index = append(b.index, -1)
		return
	}
	sc, found := b.contexts[string(context)]
	if !found {
		sc = signingContext(context)
		b.contexts[string(context)] = sc
	}
	b.bv.Add(pk, sc.NewTranscriptBytes(msg), s)
	b.index = append(b.index, b.n)
	b.n++
}

// Len returns the number of queued signatures.
func (b *BatchVerifier) Len() int { return len(b.index) }

// Verify checks every queued signature. allValid is true only when there is
// at least one signature and all are valid; valid[i] is the result of the
// i-th Add. The verifier is then empty and can be reused.
func (b *BatchVerifier) Verify() (allValid bool, valid []bool) {
	if len(b.index) == 0 {
		return false, nil
	}
	allValid = true
	var inner []bool
	if b.n > 0 {
		allValid, inner = b.bv.Verify(nil)
	}
	valid = make([]bool, len(b.index))
	for i, j := range b.index {
		if j < 0 {
			allValid = false
			continue
		}
		valid[i] = inner[j]
	}
	b.bv.Reset()
	b.index, b.n = b.index[:0], 0
	return allValid, valid
}
