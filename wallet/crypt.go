package wallet

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/nacl/secretbox"
)

// Encryption is how a keyfile's contents are protected.
type Encryption int

// The keyfile encryptions Bittensor has used, recognised by their prefix.
const (
	Plain        Encryption = iota // JSON, not encrypted
	NaCl                           // "$NACL": argon2i + XSalsa20-Poly1305, what btwallet writes
	AnsibleVault                   // "$ANSIBLE_VAULT": legacy Python SDK, read only
	Fernet                         // "gAAAAA": very old Python SDK, read only
)

func (e Encryption) String() string {
	switch e {
	case Plain:
		return "none"
	case NaCl:
		return "NaCl"
	case AnsibleVault:
		return "Ansible Vault"
	case Fernet:
		return "Fernet (legacy)"
	}
	return fmt.Sprintf("Encryption(%d)", int(e))
}

const (
	naclPrefix    = "$NACL"
	ansiblePrefix = "$ANSIBLE_VAULT"
	fernetPrefix  = "gAAAAA"
)

// EncryptionOf tells how keyfile data is encrypted, from its first bytes.
func EncryptionOf(data []byte) Encryption {
	switch {
	case bytes.HasPrefix(data, []byte(naclPrefix)):
		return NaCl
	case bytes.HasPrefix(data, []byte(ansiblePrefix)):
		return AnsibleVault
	case bytes.HasPrefix(data, []byte(fernetPrefix)):
		return Fernet
	}
	return Plain
}

// NaCl key derivation, as btwallet and the Python SDK ≥ 6 do it: libsodium's
// crypto_pwhash_argon2i with OPSLIMIT_SENSITIVE and MEMLIMIT_SENSITIVE and a
// salt that is a fixed constant (so equal passwords give equal keys; the
// random nonce still makes every file different).
const (
	naclOpsLimit = 8
	naclMemKiB   = 512 * 1024
)

var naclSalt = []byte("\x13q\x83\xdf\xf1Z\t\xbc\x9c\x90\xb5Q\x879\xe9\xb1")

// naclKeys remembers the last few derived keys, by a hash of the password,
// so a process that encrypts or decrypts several files with one password
// (wallet create, a test suite) pays for argon2 once. The process holds the
// decrypted keys anyway, so this adds little exposure.
var naclKeys struct {
	sync.Mutex
	order [][sha256.Size]byte
	keys  map[[sha256.Size]byte]*[32]byte
}

const naclKeysMax = 4

func naclKey(password string) *[32]byte {
	id := sha256.Sum256([]byte(password))
	naclKeys.Lock()
	defer naclKeys.Unlock()
	if k, ok := naclKeys.keys[id]; ok {
		return k
	}
	var key [32]byte
	copy(key[:], argon2.Key([]byte(password), naclSalt, naclOpsLimit, naclMemKiB, 1, 32))
	if naclKeys.keys == nil {
		naclKeys.keys = map[[sha256.Size]byte]*[32]byte{}
	}
	if len(naclKeys.order) == naclKeysMax {
		delete(naclKeys.keys, naclKeys.order[0])
		naclKeys.order = naclKeys.order[1:]
	}
	naclKeys.keys[id] = &key
	naclKeys.order = append(naclKeys.order, id)
	return &key
}

// Encrypt returns plain encrypted the way btwallet does: "$NACL" ‖ a random
// 24-byte nonce ‖ secretbox(plain). Deriving the key takes about a second
// and 512 MiB of memory.
func Encrypt(plain []byte, password string) ([]byte, error) {
	var nonce [24]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return nil, fmt.Errorf("wallet: reading randomness: %w", err)
	}
	return sealNaCl(plain, naclKey(password), &nonce), nil
}

func sealNaCl(plain []byte, key *[32]byte, nonce *[24]byte) []byte {
	out := append([]byte(naclPrefix), nonce[:]...)
	return secretbox.Seal(out, plain, nonce, key)
}

// Decrypt opens encrypted keyfile data of any supported kind. A wrong
// password gives ErrWrongPassword; damaged data gives ErrCorrupt (for NaCl
// and Ansible Vault the two cannot be told apart, and ErrWrongPassword is
// returned).
func Decrypt(data []byte, password string) ([]byte, error) {
	switch EncryptionOf(data) {
	case NaCl:
		return openNaCl(data, naclKey(password))
	case AnsibleVault:
		return openAnsibleVault(data, password)
	case Fernet:
		return openFernet(data, password)
	}
	return nil, fmt.Errorf("%w: not encrypted", ErrCorrupt)
}

func openNaCl(data []byte, key *[32]byte) ([]byte, error) {
	body := data[len(naclPrefix):]
	if len(body) < 24+secretbox.Overhead {
		return nil, fmt.Errorf("%w: $NACL data is truncated", ErrCorrupt)
	}
	var nonce [24]byte
	copy(nonce[:], body)
	plain, ok := secretbox.Open(nil, body[24:], &nonce, key)
	if !ok {
		return nil, ErrWrongPassword
	}
	return plain, nil
}

// openAnsibleVault decrypts Ansible Vault 1.1 (AES256), which the Python SDK
// used for keyfiles before NaCl: the body is hex of three hex lines (salt,
// HMAC, ciphertext); PBKDF2-SHA256 with 10,000 iterations gives the AES key,
// the HMAC key and the CTR IV; the plaintext is PKCS#7 padded.
func openAnsibleVault(data []byte, password string) ([]byte, error) {
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	header := strings.Split(strings.TrimSpace(lines[0]), ";")
	if len(header) < 3 || header[1] != "1.1" || strings.TrimSpace(header[2]) != "AES256" {
		return nil, fmt.Errorf("%w: unsupported Ansible Vault header %q", ErrCorrupt, lines[0])
	}
	outer, err := hex.DecodeString(strings.Join(lines[1:], ""))
	if err != nil {
		return nil, fmt.Errorf("%w: Ansible Vault body is not hex", ErrCorrupt)
	}
	parts := strings.Split(string(outer), "\n")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: Ansible Vault body has %d parts, want 3", ErrCorrupt, len(parts))
	}
	var fields [3][]byte
	for i, p := range parts {
		if fields[i], err = hex.DecodeString(strings.TrimSpace(p)); err != nil {
			return nil, fmt.Errorf("%w: Ansible Vault field %d is not hex", ErrCorrupt, i+1)
		}
	}
	salt, mac, ciphertext := fields[0], fields[1], fields[2]
	if len(ciphertext) == 0 || len(ciphertext)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: Ansible Vault ciphertext length %d", ErrCorrupt, len(ciphertext))
	}
	d, err := pbkdf2.Key(sha256.New, password, salt, 10000, 80)
	if err != nil {
		return nil, fmt.Errorf("wallet: pbkdf2: %w", err)
	}
	h := hmac.New(sha256.New, d[32:64])
	h.Write(ciphertext)
	if !hmac.Equal(h.Sum(nil), mac) {
		return nil, ErrWrongPassword
	}
	block, err := aes.NewCipher(d[:32])
	if err != nil {
		return nil, fmt.Errorf("wallet: aes: %w", err)
	}
	plain := make([]byte, len(ciphertext))
	cipher.NewCTR(block, d[64:80]).XORKeyStream(plain, ciphertext)
	return unpadPKCS7(plain)
}

// Fernet (the oldest Python SDK keyfiles): the key is PBKDF2-SHA256 of the
// password with a fixed salt and ten million iterations, which takes
// seconds. btwallet 4 cannot read these files; we can.
const (
	fernetSalt  = "Iguesscyborgslikemyselfhaveatendencytobeparanoidaboutourorigins"
	fernetIters = 10_000_000
)

func openFernet(data []byte, password string) ([]byte, error) {
	token, err := base64.URLEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: Fernet token is not base64", ErrCorrupt)
	}
	const head, tag = 1 + 8 + aes.BlockSize, sha256.Size
	if len(token) < head+aes.BlockSize+tag || token[0] != 0x80 || (len(token)-head-tag)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: malformed Fernet token", ErrCorrupt)
	}
	key, err := pbkdf2.Key(sha256.New, password, []byte(fernetSalt), fernetIters, 32)
	if err != nil {
		return nil, fmt.Errorf("wallet: pbkdf2: %w", err)
	}
	h := hmac.New(sha256.New, key[:16])
	h.Write(token[:len(token)-tag])
	if !hmac.Equal(h.Sum(nil), token[len(token)-tag:]) {
		return nil, ErrWrongPassword
	}
	block, err := aes.NewCipher(key[16:])
	if err != nil {
		return nil, fmt.Errorf("wallet: aes: %w", err)
	}
	ciphertext := token[head : len(token)-tag]
	plain := make([]byte, len(ciphertext))
	cipher.NewCBCDecrypter(block, token[9:head]).CryptBlocks(plain, ciphertext)
	return unpadPKCS7(plain)
}

func unpadPKCS7(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty plaintext", ErrCorrupt)
	}
	n := int(b[len(b)-1])
	if n == 0 || n > aes.BlockSize || n > len(b) {
		return nil, fmt.Errorf("%w: bad padding", ErrCorrupt)
	}
	for _, c := range b[len(b)-n:] {
		if int(c) != n {
			return nil, fmt.Errorf("%w: bad padding", ErrCorrupt)
		}
	}
	return b[:len(b)-n], nil
}
