package wallet

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/bits"
	"slices"

	"golang.org/x/crypto/nacl/secretbox"
	"golang.org/x/crypto/scrypt"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
)

// PKCS#8 framing of a polkadot-js sr25519 export: header, 64-byte secret in
// ed25519 form, divider, 32-byte public key.
var (
	pkcs8Header  = []byte{48, 83, 2, 1, 1, 48, 5, 6, 3, 43, 101, 112, 4, 34, 4, 32}
	pkcs8Divider = []byte{161, 35, 3, 33, 0}
)

// polkadotJSON is the account export of polkadot-js (version 3).
type polkadotJSON struct {
	Encoded  string `json:"encoded"`
	Encoding struct {
		Content []string `json:"content"`
		Type    []string `json:"type"`
		Version string   `json:"version"`
	} `json:"encoding"`
	Address string `json:"address"`
}

// DecodePolkadotJSON opens a polkadot-js account export (the JSON file of
// "export account", version 3, sr25519) with its passphrase, as btwallet's
// create_from_encrypted_json does: scrypt (or a zero-padded passphrase for
// exports without scrypt), secretbox, then the PKCS#8 body.
func DecodePolkadotJSON(data []byte, passphrase string) (*keys.Pair, error) {
	var j polkadotJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("%w: not a polkadot-js JSON export: %v", ErrCorrupt, err)
	}
	if j.Encoding.Version != "3" {
		return nil, fmt.Errorf("%w: polkadot-js export version %q, want \"3\"", ErrCorrupt, j.Encoding.Version)
	}
	if !slices.Contains(j.Encoding.Content, "sr25519") {
		return nil, fmt.Errorf("%w: only sr25519 accounts are supported (content %v)", ErrCorrupt, j.Encoding.Content)
	}
	enc, err := base64.StdEncoding.DecodeString(j.Encoded)
	if err != nil {
		return nil, fmt.Errorf("%w: encoded is not base64", ErrCorrupt)
	}
	var key [32]byte
	if slices.Contains(j.Encoding.Type, "scrypt") {
		if len(enc) < 44 {
			return nil, fmt.Errorf("%w: scrypt parameters truncated", ErrCorrupt)
		}
		salt := enc[:32]
		n := binary.LittleEndian.Uint32(enc[32:36])
		p := binary.LittleEndian.Uint32(enc[36:40])
		r := binary.LittleEndian.Uint32(enc[40:44])
		// Bound the cost so a hostile file cannot exhaust memory: polkadot-js
		// writes N=2^15, p=1, r=8.
		if bits.OnesCount32(n) != 1 || n > 1<<20 || p == 0 || p > 16 || r == 0 || r > 32 {
			return nil, fmt.Errorf("%w: unsupported scrypt parameters N=%d p=%d r=%d", ErrCorrupt, n, p, r)
		}
		k, err := scrypt.Key([]byte(passphrase), salt, int(n), int(r), int(p), 32)
		if err != nil {
			return nil, fmt.Errorf("%w: scrypt: %v", ErrCorrupt, err)
		}
		copy(key[:], k)
		enc = enc[44:]
	} else {
		if len(passphrase) > 32 {
			return nil, ErrWrongPassword
		}
		copy(key[:], passphrase)
	}
	if len(enc) < 24+secretbox.Overhead {
		return nil, fmt.Errorf("%w: encrypted body truncated", ErrCorrupt)
	}
	var nonce [24]byte
	copy(nonce[:], enc)
	body, ok := secretbox.Open(nil, enc[24:], &nonce, &key)
	if !ok {
		return nil, ErrWrongPassword
	}
	const secretLen, pubLen = 64, 32
	if len(body) < len(pkcs8Header)+secretLen+len(pkcs8Divider)+pubLen ||
		!bytes.HasPrefix(body, pkcs8Header) ||
		!bytes.Equal(body[len(pkcs8Header)+secretLen:][:len(pkcs8Divider)], pkcs8Divider) {
		return nil, fmt.Errorf("%w: bad PKCS#8 body", ErrCorrupt)
	}
	secret := body[len(pkcs8Header):][:secretLen]
	var pub tao.AccountID
	copy(pub[:], body[len(pkcs8Header)+secretLen+len(pkcs8Divider):])
	pair, err := keys.FromEd25519Secret(secret)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if pair.Public() != pub {
		return nil, fmt.Errorf("%w: the secret key does not match the public key", ErrCorrupt)
	}
	return pair, nil
}
