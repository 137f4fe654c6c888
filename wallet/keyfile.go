package wallet

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
)

// Errors of keyfile handling. They are wrapped with detail (usually the
// file's path); test with errors.Is.
var (
	ErrNotFound      = errors.New("wallet: keyfile not found")
	ErrExists        = errors.New("wallet: keyfile already exists")
	ErrCorrupt       = errors.New("wallet: keyfile is corrupt")
	ErrNoSecret      = errors.New("wallet: keyfile holds no secret key")
	ErrEncrypted     = errors.New("wallet: keyfile is encrypted")
	ErrWrongPassword = errors.New("wallet: wrong password")
	ErrPermission    = errors.New("wallet: permission denied")
)

// keyfileJSON is the keyfile layout shared by btwallet and the legacy Python
// SDK. Fields are pointers because the legacy SDK wrote null for missing
// ones; btwallet omits them. Field order is alphabetical, which is also the
// order of btwallet's own test fixtures.
type keyfileJSON struct {
	AccountID    *string `json:"accountId,omitempty"`
	PublicKey    *string `json:"publicKey,omitempty"`
	PrivateKey   *string `json:"privateKey,omitempty"`
	SecretPhrase *string `json:"secretPhrase,omitempty"`
	SecretSeed   *string `json:"secretSeed,omitempty"`
	SS58Address  *string `json:"ss58Address,omitempty"`
}

// EncodeKeyfile returns the plaintext keyfile of a pair: public key,
// secret key, and the mnemonic and mini-secret when the pair knows them.
func EncodeKeyfile(p *keys.Pair) []byte {
	pub := p.Public()
	kf := publicJSON(pub)
	kf.PrivateKey = hexField(p.Secret())
	if phrase := p.Phrase(); phrase != "" {
		kf.SecretPhrase = &phrase
	}
	if seed := p.Seed(); seed != nil {
		kf.SecretSeed = hexField(seed)
	}
	return mustJSON(kf)
}

// EncodePublicKeyfile returns the keyfile of a public key alone, the
// contents of coldkeypub.txt and of a hotkey's …pub.txt.
func EncodePublicKeyfile(pub tao.AccountID) []byte { return mustJSON(publicJSON(pub)) }

func publicJSON(pub tao.AccountID) keyfileJSON {
	h, addr := pub.Hex(), pub.String()
	return keyfileJSON{AccountID: &h, PublicKey: &h, SS58Address: &addr}
}

func hexField(b []byte) *string {
	s := "0x" + hex.EncodeToString(b)
	return &s
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("wallet: encoding a keyfile: " + err.Error())
	}
	return b
}

// DecodeKeyfile parses a plaintext keyfile holding a secret key. Like
// btwallet it rebuilds the key from, in order of preference, secretPhrase,
// secretSeed, privateKey; unlike btwallet it then checks the result
// against the file's public key and address, so a damaged file is
// reported rather than silently giving a different key.
func DecodeKeyfile(data []byte) (*keys.Pair, error) {
	kf, err := parseKeyfile(data)
	if err != nil {
		return nil, err
	}
	var p *keys.Pair
	switch {
	case kf.SecretPhrase != nil:
		p, err = keys.FromMnemonic(*kf.SecretPhrase, "")
		if err != nil {
			return nil, fmt.Errorf("%w: secretPhrase: %w", ErrCorrupt, err)
		}
	case kf.SecretSeed != nil:
		seed, ok := decodeSeed(*kf.SecretSeed)
		if !ok {
			return nil, fmt.Errorf("%w: secretSeed is not 32 or 64 bytes of hex", ErrCorrupt)
		}
		if p, err = keys.FromSeed(seed); err != nil {
			return nil, fmt.Errorf("%w: secretSeed: %w", ErrCorrupt, err)
		}
	case kf.PrivateKey != nil:
		b, err := decodeHex(*kf.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("%w: privateKey is not hex", ErrCorrupt)
		}
		if p, err = keys.FromSeed(b); err != nil {
			return nil, fmt.Errorf("%w: privateKey: %w", ErrCorrupt, err)
		}
	default:
		return nil, ErrNoSecret
	}
	if pub, ok, err := kf.public(); err != nil {
		return nil, err
	} else if ok && pub != p.Public() {
		return nil, fmt.Errorf("%w: the secret key does not match the public key %s", ErrCorrupt, pub)
	}
	return p, nil
}

// DecodePublicKeyfile returns the public key of a plaintext keyfile (any
// keyfile: public or secret, btwallet's or the legacy null-field layout),
// or of a legacy coldkeypub.txt that is just "0x" and 64 hex digits.
func DecodePublicKeyfile(data []byte) (tao.AccountID, error) {
	if EncryptionOf(data) != Plain {
		return tao.AccountID{}, ErrEncrypted
	}
	if s := strings.Trim(string(bytes.TrimSpace(data)), `"`); strings.HasPrefix(s, "0x") && len(s) == 66 {
		if b, err := hex.DecodeString(s[2:]); err == nil {
			return tao.AccountID(b), nil
		}
	}
	kf, err := parseKeyfile(data)
	if err != nil {
		return tao.AccountID{}, err
	}
	pub, ok, err := kf.public()
	if err != nil {
		return tao.AccountID{}, err
	}
	if ok {
		return pub, nil
	}
	// No public fields: a secret-only file still names its key.
	p, err := DecodeKeyfile(data)
	if errors.Is(err, ErrNoSecret) {
		return tao.AccountID{}, fmt.Errorf("%w: no key in it", ErrCorrupt)
	} else if err != nil {
		return tao.AccountID{}, err
	}
	return p.Public(), nil
}

func parseKeyfile(data []byte) (*keyfileJSON, error) {
	if EncryptionOf(data) != Plain {
		return nil, ErrEncrypted
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: not text", ErrCorrupt)
	}
	var kf keyfileJSON
	if err := json.Unmarshal(data, &kf); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, fmt.Errorf("%w: not valid JSON (truncated or damaged)", ErrCorrupt)
		}
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return &kf, nil
}

// public returns the public key the file names, checking that all of its
// public fields agree. ok is false when it names none.
func (kf *keyfileJSON) public() (pub tao.AccountID, ok bool, err error) {
	for _, f := range []struct {
		name string
		v    *string
	}{{"accountId", kf.AccountID}, {"publicKey", kf.PublicKey}, {"ss58Address", kf.SS58Address}} {
		if f.v == nil {
			continue
		}
		id, perr := tao.ParseAccountID(*f.v)
		if perr != nil {
			return pub, false, fmt.Errorf("%w: %s: %v", ErrCorrupt, f.name, perr)
		}
		if ok && id != pub {
			return pub, false, fmt.Errorf("%w: %s does not match the other public fields", ErrCorrupt, f.name)
		}
		pub, ok = id, true
	}
	return pub, ok, nil
}

func decodeHex(s string) ([]byte, error) {
	return hex.DecodeString(strings.TrimPrefix(s, "0x"))
}

// decodeSeed reads a secretSeed: "0x" and hex, or btwallet's quirk of "0x"
// followed by the raw seed bytes when those happen to be valid UTF-8.
func decodeSeed(s string) ([]byte, bool) {
	if b, err := decodeHex(s); err == nil && (len(b) == keys.SeedSize || len(b) == keys.SecretSize) {
		return b, true
	}
	raw := []byte(strings.TrimPrefix(s, "0x"))
	if len(raw) == keys.SeedSize || len(raw) == keys.SecretSize {
		return raw, true
	}
	return nil, false
}
