package synapse

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/ss58"
	"github.com/gotensor/gotensor/tao"
)

// Errors returned by VerifyRequest and VerifyResponse; test with errors.Is.
var (
	ErrUnsigned     = errors.New("synapse: request is not signed")
	ErrHotkey       = errors.New("synapse: invalid hotkey")
	ErrSignature    = errors.New("synapse: malformed signature")
	ErrBadSignature = errors.New("synapse: signature mismatch")
)

// maxAddressLen bounds an SS58 address of a 32-byte account (at most 50
// characters with a two-byte prefix).
const maxAddressLen = 64

// substrate is the signing context of Bittensor's Keypair.sign.
var substrate = []byte("substrate")

// RequestMessage returns the message a dendrite signs (§3.5):
// "{nonce}.{dendrite_hotkey}.{axon_hotkey}.{uuid}.{body_hash}".
func RequestMessage(nonce int64, dendriteHotkey, axonHotkey, uuid, bodyHash string) []byte {
	m := make([]byte, 0, 20+len(dendriteHotkey)+len(axonHotkey)+len(uuid)+len(bodyHash)+4)
	m = strconv.AppendInt(m, nonce, 10)
	for _, s := range [...]string{dendriteHotkey, axonHotkey, uuid, bodyHash} {
		m = append(m, '.')
		m = append(m, s...)
	}
	return m
}

// ResponseMessage returns the message an axon signs (§3.5):
// "{axon_nonce}.{dendrite_hotkey}.{axon_hotkey}.{axon_uuid}".
func ResponseMessage(nonce int64, dendriteHotkey, axonHotkey, uuid string) []byte {
	m := make([]byte, 0, 20+len(dendriteHotkey)+len(axonHotkey)+len(uuid)+3)
	m = strconv.AppendInt(m, nonce, 10)
	for _, s := range [...]string{dendriteHotkey, axonHotkey, uuid} {
		m = append(m, '.')
		m = append(m, s...)
	}
	return m
}

// EncodeSignature returns a signature as sent in headers: "0x" + hex.
func EncodeSignature(sig []byte) string { return "0x" + hex.EncodeToString(sig) }

// DecodeSignature parses a "0x"-prefixed 64-byte hex signature.
func DecodeSignature(s string) ([]byte, error) {
	h, ok := strings.CutPrefix(s, "0x")
	if !ok || len(h) != 2*keys.SignatureSize {
		return nil, fmt.Errorf("%w: want 0x and %d hex digits", ErrSignature, 2*keys.SignatureSize)
	}
	sig, err := hex.DecodeString(h)
	if err != nil {
		return nil, fmt.Errorf("%w: not hex", ErrSignature)
	}
	return sig, nil
}

// DecodeHotkey parses a hotkey header value: an SS58 address of any
// network prefix.
func DecodeHotkey(s string) (tao.AccountID, error) {
	if len(s) > maxAddressLen { // base58 decoding is quadratic: refuse junk early
		return tao.AccountID{}, fmt.Errorf("%w: %d characters", ErrHotkey, len(s))
	}
	pub, _, err := ss58.Decode(s)
	if err != nil {
		return tao.AccountID{}, fmt.Errorf("%w: %w", ErrHotkey, err)
	}
	return tao.AccountID(pub), nil
}

// SignRequest sets b.Dendrite.Signature to pair's signature of the request
// message built from b (dendrite nonce, hotkey and uuid, axon hotkey, and
// ComputedBodyHash, which the caller sets first).
func SignRequest(pair *keys.Pair, b *Base) {
	msg := RequestMessage(b.Dendrite.Nonce, b.Dendrite.Hotkey, b.Axon.Hotkey, b.Dendrite.UUID, b.ComputedBodyHash)
	b.Dendrite.Signature = EncodeSignature(pair.Sign(msg))
}

// VerifyRequest checks b.Dendrite.Signature against the request message, with
// axonHotkey (the verifying axon's own address, as Python uses) in place of
// b.Axon.Hotkey. It returns the dendrite's public key. Only a signature over
// the raw message is accepted: dendrites never wrap it in <Bytes>.
func VerifyRequest(b *Base, axonHotkey string) (tao.AccountID, error) {
	if b.Dendrite.Signature == "" {
		return tao.AccountID{}, ErrUnsigned
	}
	pub, err := DecodeHotkey(b.Dendrite.Hotkey)
	if err != nil {
		return tao.AccountID{}, err
	}
	sig, err := DecodeSignature(b.Dendrite.Signature)
	if err != nil {
		return tao.AccountID{}, err
	}
	msg := RequestMessage(b.Dendrite.Nonce, b.Dendrite.Hotkey, axonHotkey, b.Dendrite.UUID, b.ComputedBodyHash)
	if !keys.VerifyContext(substrate, pub, msg, sig) {
		return tao.AccountID{}, fmt.Errorf("%w with %s and %s", ErrBadSignature, msg, b.Dendrite.Signature)
	}
	return pub, nil
}

// SignResponse sets b.Axon.Signature to pair's signature of the response
// message built from b (axon nonce, hotkey and uuid, dendrite hotkey).
func SignResponse(pair *keys.Pair, b *Base) {
	msg := ResponseMessage(b.Axon.Nonce, b.Dendrite.Hotkey, b.Axon.Hotkey, b.Axon.UUID)
	b.Axon.Signature = EncodeSignature(pair.Sign(msg))
}

// VerifyResponse checks b.Axon.Signature, made by the axon whose hotkey is
// b.Axon.Hotkey. Python dendrites never check it; a Go dendrite may.
func VerifyResponse(b *Base) error {
	if b.Axon.Signature == "" {
		return ErrUnsigned
	}
	pub, err := DecodeHotkey(b.Axon.Hotkey)
	if err != nil {
		return err
	}
	sig, err := DecodeSignature(b.Axon.Signature)
	if err != nil {
		return err
	}
	msg := ResponseMessage(b.Axon.Nonce, b.Dendrite.Hotkey, b.Axon.Hotkey, b.Axon.UUID)
	if !keys.VerifyContext(substrate, pub, msg, sig) {
		return ErrBadSignature
	}
	return nil
}
