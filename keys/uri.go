package keys

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/oasisprotocol/curve25519-voi/curve/scalar"
	"github.com/oasisprotocol/curve25519-voi/primitives/merlin"
	"github.com/oasisprotocol/curve25519-voi/primitives/sr25519"
	"golang.org/x/crypto/blake2b"
)

// DevPhrase is Substrate's development mnemonic. A secret URI without a
// phrase, such as "//Alice", derives from it.
const DevPhrase = "bottom drive obey lake curtain smoke basket hold race lonely fit walk"

// Junction is one step of a derivation path: "//name" (hard) or "/name"
// (soft).
type Junction struct {
	Name string // as written, without the slashes
	Hard bool
}

// ChainCode returns the junction's 32-byte chain code, as Substrate's
// DeriveJunction computes it: a decimal u64 name is its 8 little-endian
// bytes, any other name is its SCALE encoding (compact length ‖ UTF-8);
// codes longer than 32 bytes are blake2b-256 hashed, shorter ones
// zero-padded.
func (j Junction) ChainCode() [32]byte {
	var enc []byte
	if n, ok := parseU64(j.Name); ok {
		enc = binary.LittleEndian.AppendUint64(nil, n)
	} else {
		enc = appendCompact(nil, uint64(len(j.Name)))
		enc = append(enc, j.Name...)
	}
	if len(enc) > 32 {
		return blake2b.Sum256(enc)
	}
	var cc [32]byte
	copy(cc[:], enc)
	return cc
}

// String returns the junction as written in a URI.
func (j Junction) String() string {
	if j.Hard {
		return "//" + j.Name
	}
	return "/" + j.Name
}

// URI is a parsed secret URI: phrase or seed, derivation path, password.
type URI struct {
	Phrase      string     // mnemonic or 0x-hex seed as written; "" means DevPhrase
	Path        []Junction // applied left to right
	Password    string     // substrate-bip39 passphrase ("///password")
	HasPassword bool       // whether "///" was present (the password may be empty)
}

// ParseURI splits a secret URI, Substrate's grammar:
//
//	[<mnemonic> | 0x<64 hex digits>] (//hard | /soft)* [///password]
//
// It checks the form only; FromURI also checks the mnemonic or seed.
func ParseURI(s string) (URI, error) {
	var u URI
	if strings.TrimSpace(s) == "" {
		return u, fmt.Errorf("%w: empty", ErrURI)
	}
	i := strings.IndexByte(s, '/')
	if i < 0 {
		i = len(s)
	}
	u.Phrase = strings.TrimSpace(s[:i])
	for _, r := range u.Phrase {
		if r != ' ' && r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return URI{}, fmt.Errorf("%w: unexpected character %q in the phrase (want words, or 0x and hex digits)", ErrURI, r)
		}
	}
	rest := s[i:]
	for rest != "" {
		if strings.HasPrefix(rest, "///") {
			u.Password, u.HasPassword = rest[3:], true
			break
		}
		hard := strings.HasPrefix(rest, "//")
		name := strings.TrimPrefix(rest[1:], "/")
		end := strings.IndexByte(name, '/')
		if end < 0 {
			end = len(name)
		}
		if end == 0 {
			return URI{}, fmt.Errorf("%w: empty junction at the end of %q", ErrURI, redactURI(s))
		}
		u.Path = append(u.Path, Junction{Name: name[:end], Hard: hard})
		rest = name[end:]
	}
	return u, nil
}

// FromURI builds the pair a secret URI names, exactly as Substrate's
// Pair::from_string: a mnemonic (with the ///password as its passphrase), a
// 0x-prefixed 32-byte seed (the password is ignored), or nothing for
// DevPhrase; then each junction in turn.
func FromURI(suri string) (*Pair, error) {
	u, err := ParseURI(suri)
	if err != nil {
		return nil, err
	}
	return u.Pair()
}

// Pair builds the key pair u names.
func (u URI) Pair() (*Pair, error) {
	var root *Pair
	switch phrase := u.Phrase; {
	case strings.HasPrefix(phrase, "0x") || strings.HasPrefix(phrase, "0X"):
		seed, err := hex.DecodeString(phrase[2:])
		if err != nil || len(seed) != SeedSize {
			return nil, fmt.Errorf("%w: a 0x seed must be %d hex digits", ErrSeed, 2*SeedSize)
		}
		root = fromMiniSecret(seed)
	default:
		if phrase == "" {
			phrase = DevPhrase
		}
		var err error
		if root, err = FromMnemonic(phrase, u.Password); err != nil {
			return nil, err
		}
	}
	if len(u.Path) == 0 {
		return root, nil
	}
	return root.Derive(u.Path...), nil
}

// Derive returns the pair at path below p. Hard junctions keep a known seed
// (the derived mini-secret, as Substrate reports it); a soft junction
// forgets it.
func (p *Pair) Derive(path ...Junction) *Pair {
	sk, seed := p.kp.SecretKey(), p.seed
	for _, j := range path {
		cc := j.ChainCode()
		if j.Hard {
			mini := hardDerive(sk, cc)
			sk = mini.ExpandEd25519()
			if seed != nil {
				seed = mini[:]
			}
		} else {
			sk = softDerive(sk, cc)
			seed = nil
		}
	}
	return newPair(sk, seed)
}

// hardDerive is schnorrkel's hard_derive_mini_secret_key with an empty
// "sign-bytes" message, as Substrate calls it.
func hardDerive(sk *sr25519.SecretKey, cc [32]byte) *sr25519.MiniSecretKey {
	b := mustMarshal(sk)
	t := merlin.NewTranscript("SchnorrRistrettoHDKD")
	t.AppendMessage("sign-bytes", nil)
	t.AppendMessage("chain-code", cc[:])
	t.AppendMessage("secret-key", b[:32])
	var mini sr25519.MiniSecretKey
	t.ExtractBytes(mini[:], "HDKD-hard")
	return &mini
}

// softDerive is schnorrkel's derived_key_simple with an empty message: the
// new scalar is scalar + H(chain code, public key), so the new public key
// is computable from the old one alone.
//
// Schnorrkel draws the new nonce from the system RNG, so a soft-derived
// secret key differs from run to run (its public key does not). We derive
// the nonce from the old secret and the chain code instead, so the same URI
// always gives the same secret key; the nonce only seeds signing
// randomness and never affects verification or addresses.
func softDerive(sk *sr25519.SecretKey, cc [32]byte) *sr25519.SecretKey {
	b := mustMarshal(sk)
	pub, err := sk.PublicKey().MarshalBinary()
	if err != nil {
		panic("keys: encoding a public key: " + err.Error())
	}
	t := merlin.NewTranscript("SchnorrRistrettoHDKD")
	t.AppendMessage("sign-bytes", nil)
	t.AppendMessage("chain-code", cc[:])
	t.AppendMessage("public-key", pub)
	var wide [64]byte
	t.ExtractBytes(wide[:], "HDKD-scalar")
	delta, err := scalar.NewFromBytesModOrderWide(wide[:])
	if err != nil {
		panic("keys: reducing a scalar: " + err.Error())
	}
	key, err := scalar.NewFromCanonicalBytes(b[:32])
	if err != nil {
		panic("keys: secret scalar not canonical: " + err.Error())
	}
	key.Add(key, delta)

	out := make([]byte, SecretSize)
	if err := key.ToBytes(out[:32]); err != nil {
		panic("keys: encoding a scalar: " + err.Error())
	}
	t.AppendMessage("HDKD-nonce-witness", b) // old scalar ‖ old nonce
	t.ExtractBytes(out[32:], "HDKD-nonce")
	derived, err := sr25519.NewSecretKeyFromBytes(out)
	if err != nil {
		panic("keys: derived secret key: " + err.Error())
	}
	return derived
}

func mustMarshal(sk *sr25519.SecretKey) []byte {
	b, err := sk.MarshalBinary()
	if err != nil {
		panic("keys: encoding a secret key: " + err.Error())
	}
	return b
}

// parseU64 parses a junction name as Rust's u64::from_str does (decimal,
// optional leading '+').
func parseU64(s string) (uint64, bool) {
	s = strings.TrimPrefix(s, "+")
	if s == "" || s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// appendCompact appends n in SCALE compact encoding.
func appendCompact(b []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(b, byte(n<<2))
	case n < 1<<14:
		return binary.LittleEndian.AppendUint16(b, uint16(n<<2|1))
	case n < 1<<30:
		return binary.LittleEndian.AppendUint32(b, uint32(n<<2|2))
	default:
		var tmp [8]byte
		binary.LittleEndian.PutUint64(tmp[:], n)
		l := 8
		for l > 4 && tmp[l-1] == 0 {
			l--
		}
		b = append(b, byte((l-4)<<2|3))
		return append(b, tmp[:l]...)
	}
}

// redactURI hides the phrase and password of a URI for error messages.
func redactURI(s string) string {
	u := s
	if i := strings.IndexByte(u, '/'); i > 0 {
		u = "<secret>" + u[i:]
	} else if i < 0 {
		return "<secret>"
	}
	if i := strings.Index(u, "///"); i >= 0 {
		u = u[:i] + "///<password>"
	}
	return u
}
