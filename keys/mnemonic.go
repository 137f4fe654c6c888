package keys

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"sort"
	"strings"

	"github.com/tyler-smith/go-bip39/wordlists"
)

// MnemonicWordCounts are the mnemonic lengths accepted and generated.
var MnemonicWordCounts = []int{12, 15, 18, 21, 24}

// wordlist is BIP39's English list, which is sorted, so lookups are a binary
// search and need no index built at start-up.
var wordlist = wordlists.English

// GenerateMnemonic returns a new random English BIP39 mnemonic of words
// words (12, 15, 18, 21 or 24).
func GenerateMnemonic(words int) (string, error) {
	if !validWordCount(words) {
		return "", fmt.Errorf("%w: cannot generate %d words, want 12, 15, 18, 21 or 24", ErrMnemonic, words)
	}
	entropy := make([]byte, words*4/3)
	if _, err := rand.Read(entropy); err != nil {
		return "", fmt.Errorf("keys: reading randomness: %w", err)
	}
	return EntropyToMnemonic(entropy)
}

// EntropyToMnemonic encodes 16, 20, 24, 28 or 32 bytes of entropy as an
// English BIP39 mnemonic.
func EntropyToMnemonic(entropy []byte) (string, error) {
	n := len(entropy)
	if n < 16 || n > 32 || n%4 != 0 {
		return "", fmt.Errorf("%w: entropy of %d bytes, want 16, 20, 24, 28 or 32", ErrMnemonic, n)
	}
	sum := sha256.Sum256(entropy)
	bits := append(append([]byte(nil), entropy...), sum[0]) // checksum is the first n/4 bits
	words := make([]string, n*3/4)
	for i := range words {
		words[i] = wordlist[readBits(bits, i*11, 11)]
	}
	return strings.Join(words, " "), nil
}

// MnemonicToEntropy validates an English BIP39 mnemonic (word count, words,
// checksum) and returns its entropy. Words are matched case-insensitively
// and may be separated by any whitespace.
func MnemonicToEntropy(phrase string) ([]byte, error) {
	words := strings.Fields(normalizePhrase(phrase))
	if !validWordCount(len(words)) {
		return nil, fmt.Errorf("%w: %d words, want 12, 15, 18, 21 or 24", ErrMnemonic, len(words))
	}
	bits := make([]byte, (len(words)*11+7)/8)
	for i, w := range words {
		idx := sort.SearchStrings(wordlist, w)
		if idx == len(wordlist) || wordlist[idx] != w {
			return nil, fmt.Errorf("%w: word %d %q is not in the BIP39 English word list", ErrMnemonic, i+1, w)
		}
		writeBits(bits, i*11, 11, idx)
	}
	n := len(words) * 4 / 3 // entropy bytes
	entropy := bits[:n]
	csBits := n / 4
	sum := sha256.Sum256(entropy)
	if readBits(bits, n*8, csBits) != int(sum[0]>>(8-csBits)) {
		return nil, fmt.Errorf("%w: checksum does not match (a word is wrong or out of order)", ErrMnemonic)
	}
	return append([]byte(nil), entropy...), nil
}

// SeedFromEntropy is substrate-bip39's seed_from_entropy: PBKDF2-HMAC-SHA512
// over the entropy (not the phrase, unlike BIP39 seeds), salt "mnemonic" ‖
// password, 2048 iterations, 64 bytes. Its first 32 bytes are the
// mini-secret.
func SeedFromEntropy(entropy []byte, password string) ([]byte, error) {
	n := len(entropy)
	if n < 16 || n > 32 || n%4 != 0 {
		return nil, fmt.Errorf("%w: entropy of %d bytes, want 16, 20, 24, 28 or 32", ErrMnemonic, n)
	}
	// The "password" of PBKDF2 is the entropy; the standard library takes
	// it as a string of bytes, which is exact for any byte values.
	seed, err := pbkdf2.Key(sha512.New, string(entropy), []byte("mnemonic"+password), 2048, 64)
	if err != nil {
		return nil, fmt.Errorf("keys: pbkdf2: %w", err)
	}
	return seed, nil
}

// MiniSecretFromMnemonic returns the 32-byte mini-secret of a mnemonic and
// password: the secretSeed Bittensor stores in keyfiles.
func MiniSecretFromMnemonic(phrase, password string) ([]byte, error) {
	entropy, err := MnemonicToEntropy(phrase)
	if err != nil {
		return nil, err
	}
	seed, err := SeedFromEntropy(entropy, password)
	if err != nil {
		return nil, err
	}
	return seed[:SeedSize], nil
}

// normalizePhrase is the form a mnemonic is stored in: lower case, single
// spaces.
func normalizePhrase(phrase string) string {
	return strings.Join(strings.Fields(strings.ToLower(phrase)), " ")
}

func validWordCount(n int) bool {
	for _, c := range MnemonicWordCounts {
		if n == c {
			return true
		}
	}
	return false
}

// readBits returns n bits of b starting at bit offset off (big-endian bit order).
func readBits(b []byte, off, n int) int {
	v := 0
	for i := off; i < off+n; i++ {
		v = v<<1 | int(b[i/8]>>(7-i%8)&1)
	}
	return v
}

// writeBits stores the low n bits of v into b at bit offset off.
func writeBits(b []byte, off, n, v int) {
	for i := 0; i < n; i++ {
		if v>>(n-1-i)&1 == 1 {
			p := off + i
			b[p/8] |= 1 << (7 - p%8)
		}
	}
}
