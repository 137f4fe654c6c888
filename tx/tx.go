package tx

import (
	"crypto/sha256"
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx/txpb"
)

// Version is the body encoding version this package writes and accepts.
const Version = 1

// SigningContext is the sr25519 signing context of transaction signatures.
// It differs from Substrate's "substrate", so a message signed with
// `wallet sign` can never be a valid transaction.
var SigningContext = []byte("gotensor-tx-v1")

// Size limits, checked by Decode.
const (
	// MaxSize bounds an encoded transaction.
	MaxSize = 256 << 10
	// MaxChainIDLen is CometBFT's limit on chain ids.
	MaxChainIDLen = 50
)

// Body is what a transaction's signer signs.
type Body struct {
	ChainID     string
	GenesisHash [32]byte
	// Nonce must equal the signer's account nonce.
	Nonce uint64
	// ValidUntil is the last height that may include the transaction; 0
	// means no limit.
	ValidUntil tao.BlockHeight
	Call       Call
}

// Tx is a decoded transaction. Decode has checked everything that can be
// checked without state: the encoding, lengths and ranges, and that a call
// is present. The signature is not yet verified (see VerifySignature).
type Tx struct {
	Body
	// Signer is the account that signed: the nonce, fee and call's origin.
	Signer    tao.AccountID
	Signature []byte
	// BodyBytes are the signed bytes, exactly as transmitted.
	BodyBytes []byte
	// Hash is Hash of the whole encoded transaction.
	Hash [32]byte
	// Size is the encoded transaction's length in bytes.
	Size int
}

// Hash returns a transaction's hash: SHA-256 of its encoding, as CometBFT
// computes it.
func Hash(b []byte) [32]byte { return sha256.Sum256(b) }

// VerifySignature reports whether Signature is Signer's signature of
// BodyBytes.
func (t *Tx) VerifySignature() bool {
	return keys.VerifyContext(SigningContext, t.Signer, t.BodyBytes, t.Signature)
}

// AddTo queues the transaction's signature on a batch verifier.
func (t *Tx) AddTo(bv *keys.BatchVerifier) {
	bv.Add(SigningContext, t.Signer, t.BodyBytes, t.Signature)
}

// EncodeBody returns the canonical encoding of b, after checking it as
// Decode would.
func EncodeBody(b Body) ([]byte, error) {
	pb := &txpb.Body{
		Version:     Version,
		ChainId:     b.ChainID,
		GenesisHash: b.GenesisHash[:],
		Nonce:       b.Nonce,
		ValidUntil:  uint64(b.ValidUntil),
	}
	if err := encodeCall(pb, b.Call); err != nil {
		return nil, err
	}
	bz, err := proto.MarshalOptions{Deterministic: true}.Marshal(pb)
	if err != nil { // proto3 refuses only strings that are not UTF-8
		return nil, fmt.Errorf("%w: a string is not valid UTF-8", ErrInvalidArgument)
	}
	if _, err := decodeBody(bz); err != nil {
		return nil, err
	}
	return bz, nil
}

// Sign encodes body, signs it with pair under SigningContext and returns the
// encoded transaction, ready to submit. The signer is pair's public key, so
// pair must be the key the call's Role names.
func Sign(pair *keys.Pair, body Body) ([]byte, error) {
	bz, err := EncodeBody(body)
	if err != nil {
		return nil, err
	}
	signer := pair.Public()
	return proto.MarshalOptions{Deterministic: true}.Marshal(&txpb.Tx{
		Body:      bz,
		Signer:    signer[:],
		Signature: pair.SignContext(SigningContext, bz),
	})
}

// Decode parses an encoded transaction strictly: size limit, well-formed
// protobuf with no unknown fields, 32-byte signer, 64-byte signature, a
// supported version, a known call, and every argument in range. Errors are
// *Error values (ErrTooLarge, ErrDecode, ErrVersion, ErrUnknownCall,
// ErrInvalidArgument) with detail. The returned Tx does not alias b.
func Decode(b []byte) (*Tx, error) {
	if len(b) > MaxSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(b), MaxSize)
	}
	var env txpb.Tx
	if err := proto.Unmarshal(b, &env); err != nil {
		// Not the protobuf library's text: it varies between builds on
		// purpose, and results must read the same on every node.
		return nil, fmt.Errorf("%w: envelope is not valid protobuf", ErrDecode)
	}
	if hasUnknown(env.ProtoReflect()) {
		return nil, fmt.Errorf("%w: unknown fields in envelope", ErrDecode)
	}
	if len(env.Signer) != len(tao.AccountID{}) {
		return nil, fmt.Errorf("%w: signer: want 32 bytes, have %d", ErrDecode, len(env.Signer))
	}
	if len(env.Signature) != keys.SignatureSize {
		return nil, fmt.Errorf("%w: signature: want %d bytes, have %d", ErrDecode, keys.SignatureSize, len(env.Signature))
	}
	body, err := decodeBody(env.Body)
	if err != nil {
		return nil, err
	}
	return &Tx{
		Body:      body,
		Signer:    tao.AccountID(env.Signer),
		Signature: env.Signature,
		BodyBytes: env.Body,
		Hash:      Hash(b),
		Size:      len(b),
	}, nil
}

func decodeBody(bz []byte) (Body, error) {
	var pb txpb.Body
	if err := proto.Unmarshal(bz, &pb); err != nil {
		return Body{}, fmt.Errorf("%w: body is not valid protobuf (or has a string that is not UTF-8)", ErrDecode)
	}
	if pb.Version != Version {
		return Body{}, fmt.Errorf("%w: have %d, want %d", ErrVersion, pb.Version, Version)
	}
	if pb.Call == nil {
		return Body{}, ErrUnknownCall
	}
	if hasUnknown(pb.ProtoReflect()) {
		return Body{}, fmt.Errorf("%w: unknown fields in body", ErrDecode)
	}
	if pb.ChainId == "" || len(pb.ChainId) > MaxChainIDLen {
		return Body{}, fmt.Errorf("%w: chain_id: want 1 to %d bytes, have %d", ErrInvalidArgument, MaxChainIDLen, len(pb.ChainId))
	}
	if len(pb.GenesisHash) != 32 {
		return Body{}, fmt.Errorf("%w: genesis_hash: want 32 bytes, have %d", ErrInvalidArgument, len(pb.GenesisHash))
	}
	call, err := decodeCall(&pb)
	if err != nil {
		return Body{}, err
	}
	return Body{
		ChainID:     pb.ChainId,
		GenesisHash: [32]byte(pb.GenesisHash),
		Nonce:       pb.Nonce,
		ValidUntil:  tao.BlockHeight(pb.ValidUntil),
		Call:        call,
	}, nil
}

// hasUnknown reports whether m or any message inside it carries fields this
// version of the schema does not know.
func hasUnknown(m protoreflect.Message) bool {
	if len(m.GetUnknown()) > 0 {
		return true
	}
	unknown := false
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Message() == nil {
			return true
		}
		if fd.IsList() {
			l := v.List()
			for i := 0; i < l.Len() && !unknown; i++ {
				unknown = hasUnknown(l.Get(i).Message())
			}
		} else {
			unknown = hasUnknown(v.Message())
		}
		return !unknown
	})
	return unknown
}
