package keys

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/oasisprotocol/curve25519-voi/primitives/sr25519"

	"github.com/gotensor/gotensor/ss58"
	"github.com/gotensor/gotensor/tao"
)

// Sizes of the byte forms used by this package.
const (
	SeedSize      = 32 // mini-secret (the keyfile's secretSeed)
	SecretSize    = 64 // scalar ‖ nonce (the keyfile's privateKey)
	PublicSize    = 32 // compressed Ristretto point
	SignatureSize = 64
)

// Errors returned when building a Pair. They are wrapped with detail; test
// with errors.Is.
var (
	ErrMnemonic = errors.New("keys: invalid mnemonic")
	ErrSeed     = errors.New("keys: invalid seed")
	ErrURI      = errors.New("keys: invalid secret URI")
)

// substrateContext is the signing context of Substrate's sr25519 Pair.
var substrateContext = []byte("substrate")

// Pair is an sr25519 key pair. The zero value is not usable; build one with
// FromURI, FromMnemonic or FromSeed. A Pair is immutable.
type Pair struct {
	kp     *sr25519.KeyPair
	public tao.AccountID

	// seed is the mini-secret the key was expanded from, when known
	// (Substrate keeps it through hard junctions only).
	seed []byte
	// phrase is the mnemonic the key was made from, when the key is exactly
	// that mnemonic's key (no password, no derivation).
	phrase string
}

// FromSeed builds a pair from a 32-byte mini-secret (expanded the
// Ed25519 way, as Substrate does) or from a 64-byte secret key in
// schnorrkel's scalar ‖ nonce form (the keyfile's privateKey).
func FromSeed(seed []byte) (*Pair, error) {
	switch len(seed) {
	case SeedSize:
		return fromMiniSecret(seed), nil
	case SecretSize:
		sk, err := sr25519.NewSecretKeyFromBytes(seed)
		if err != nil {
			return nil, fmt.Errorf("%w: secret key scalar is not canonical", ErrSeed)
		}
		return newPair(sk, nil), nil
	default:
		return nil, fmt.Errorf("%w: %d bytes, want %d (mini-secret) or %d (secret key)", ErrSeed, len(seed), SeedSize, SecretSize)
	}
}

// FromMnemonic builds the pair of a BIP39 mnemonic with an optional
// password (the substrate-bip39 passphrase; Bittensor wallets use "").
func FromMnemonic(phrase, password string) (*Pair, error) {
	mini, err := MiniSecretFromMnemonic(phrase, password)
	if err != nil {
		return nil, err
	}
	p := fromMiniSecret(mini)
	if password == "" {
		p.phrase = normalizePhrase(phrase)
	}
	return p, nil
}

func fromMiniSecret(seed []byte) *Pair {
	msk, err := sr25519.NewMiniSecretKeyFromBytes(seed)
	if err != nil {
		panic("keys: mini-secret of wrong size") // callers check the length
	}
	return newPair(msk.ExpandEd25519(), seed)
}

func newPair(sk *sr25519.SecretKey, seed []byte) *Pair {
	kp := sk.KeyPair()
	pub, err := kp.PublicKey().MarshalBinary()
	if err != nil {
		panic("keys: encoding a public key: " + err.Error())
	}
	p := &Pair{kp: kp}
	copy(p.public[:], pub)
	if seed != nil {
		p.seed = append([]byte(nil), seed...)
	}
	return p
}

// ParsePublicKey reads a public key written as 64 hex digits, with or
// without 0x (Bittensor's is_valid_ed25519_pubkey accepts the same; an SS58
// address is not a public key here: use tao.ParseAccountID for either).
func ParsePublicKey(s string) (tao.AccountID, error) {
	h := strings.TrimPrefix(strings.TrimSpace(s), "0x")
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != PublicSize {
		return tao.AccountID{}, fmt.Errorf("keys: invalid public key %q: want %d hex digits, 0x optional", s, 2*PublicSize)
	}
	return tao.AccountID(b), nil
}

// Public returns the public key, which is the account id.
func (p *Pair) Public() tao.AccountID { return p.public }

// SS58 returns the address of the public key with Bittensor's prefix 42.
func (p *Pair) SS58() string { return ss58.Encode(p.public, ss58.DefaultPrefix) }

// Secret returns the 64-byte secret key, scalar ‖ nonce: the form Bittensor
// stores as privateKey.
func (p *Pair) Secret() []byte {
	b, err := p.kp.SecretKey().MarshalBinary()
	if err != nil {
		panic("keys: encoding a secret key: " + err.Error())
	}
	return b
}

// Seed returns a copy of the 32-byte mini-secret the pair was expanded
// from, or nil when it is not known (a pair made from a 64-byte secret, or
// derived through a soft junction).
func (p *Pair) Seed() []byte {
	if p.seed == nil {
		return nil
	}
	return append([]byte(nil), p.seed...)
}

// Phrase returns the mnemonic the pair was made from, or "" when the pair
// is not exactly a mnemonic's key (derived, passworded, or from a seed).
func (p *Pair) Phrase() string { return p.phrase }

// Sign signs msg with the signing context "substrate", as Substrate's and
// Bittensor's sr25519 Pair.sign do. The 64-byte signature is randomised.
func (p *Pair) Sign(msg []byte) []byte { return p.SignContext(substrateContext, msg) }

// SignContext signs msg under an explicit signing context. Use a context of
// your own to keep signatures of one protocol from being valid in another.
func (p *Pair) SignContext(context, msg []byte) []byte {
	t := sr25519.NewSigningContext(context).NewTranscriptBytes(msg)
	sig, err := p.kp.Sign(rand.Reader, t)
	if err != nil {
		panic("keys: signing: " + err.Error()) // only a failing system RNG
	}
	b, err := sig.MarshalBinary()
	if err != nil {
		panic("keys: encoding a signature: " + err.Error())
	}
	return b
}

// String returns the SS58 address, so a Pair never prints its secret.
func (p *Pair) String() string { return p.SS58() }

// FromEd25519Secret builds a pair from a 64-byte secret key in the
// "ed25519 form" polkadot-js uses (scalar·8 ‖ nonce, a clamped scalar).
func FromEd25519Secret(b []byte) (*Pair, error) {
	sk, err := sr25519.NewSecretKeyFromEd25519Bytes(b)
	if err != nil {
		return nil, fmt.Errorf("%w: not an ed25519-form secret key", ErrSeed)
	}
	return newPair(sk, nil), nil
}

// Ed25519Secret returns the secret key in polkadot-js's ed25519 form:
// the scalar multiplied by the cofactor 8, then the nonce.
func (p *Pair) Ed25519Secret() []byte {
	b := p.Secret()
	var carry byte
	for i := 0; i < 32; i++ { // little-endian shift left by 3
		b[i], carry = b[i]<<3|carry, b[i]>>5
	}
	return b
}
