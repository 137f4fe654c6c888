package synapse

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"reflect"
	"time"
)

// DefaultTimeout is the query timeout a synapse carries when none is set,
// in seconds (Python's Synapse.timeout default).
const DefaultTimeout = 12.0

// Status codes the protocol gives a meaning to, beyond plain HTTP.
const (
	StatusSuccess            = 200
	StatusFailedVerification = 401
	StatusBlacklisted        = 403
	StatusTimeout            = 408
)

// Synapse is a request type of the wire protocol. Implement it by embedding
// Base in a struct whose JSON fields are the request and response fields:
//
//	type Dummy struct {
//		synapse.Base
//		DummyInput  int  `json:"dummy_input"`
//		DummyOutput *int `json:"dummy_output"`
//	}
//
// The route is the Go type name ("/Dummy"), as Python uses the class name;
// implement Namer to choose another. Implement Hasher to cover fields with
// the body hash.
type Synapse interface {
	// SynapseBase returns the embedded protocol fields. Base implements it.
	SynapseBase() *Base
}

// Ptr constrains a type parameter to a pointer to a synapse struct, so that
// generic code (axon.Attach, dendrite.Forward) can allocate fresh ones.
type Ptr[T any] interface {
	*T
	Synapse
}

// Namer is implemented by synapses whose route name is not their Go type
// name.
type Namer interface {
	SynapseName() string
}

// Hasher is implemented by synapses whose body hash covers fields: Python's
// required_hash_fields. HashFields returns the values of those fields, in
// that tuple's order.
type Hasher interface {
	HashFields() []any
}

// Base holds the fields every synapse carries, in Python's model_dump order
// and with its JSON names. Embed it first in each synapse struct.
type Base struct {
	// Name is the route name; the dendrite and the axon set it.
	Name string `json:"name"`
	// Timeout is the total query time in seconds (Python float).
	Timeout float64 `json:"timeout"`
	// TotalSize and HeaderSize are informational (CPython object sizes in
	// Python); any integer is accepted.
	TotalSize  int64 `json:"total_size"`
	HeaderSize int64 `json:"header_size"`
	// Dendrite and Axon describe the caller and the server.
	Dendrite TerminalInfo `json:"dendrite"`
	Axon     TerminalInfo `json:"axon"`
	// ComputedBodyHash is the body hash the dendrite signed (see BodyHash).
	ComputedBodyHash string `json:"computed_body_hash"`
}

// SynapseBase returns b; it makes every struct embedding Base a Synapse.
func (b *Base) SynapseBase() *Base { return b }

// TimeoutDuration returns Timeout as a duration, or the default timeout when
// Timeout is not a positive finite number of seconds.
func (b *Base) TimeoutDuration() time.Duration {
	t := b.Timeout
	if !(t > 0) || math.IsInf(t, 0) {
		t = DefaultTimeout
	}
	if t > math.MaxInt64/float64(time.Second) {
		return math.MaxInt64
	}
	return time.Duration(t * float64(time.Second))
}

// IsSuccess reports whether the query succeeded (dendrite status 200).
func (b *Base) IsSuccess() bool { return b.Dendrite.StatusCode == StatusSuccess }

// IsTimeout reports whether the query timed out (dendrite status 408).
func (b *Base) IsTimeout() bool { return b.Dendrite.StatusCode == StatusTimeout }

// IsBlacklisted reports whether the axon refused the caller (status 403).
func (b *Base) IsBlacklisted() bool { return b.Dendrite.StatusCode == StatusBlacklisted }

// FailedVerification reports whether the axon could not verify the request
// (status 401).
func (b *Base) FailedVerification() bool { return b.Dendrite.StatusCode == StatusFailedVerification }

// TerminalInfo describes one end of a query. Every field is optional; its
// zero value means unset (Python None): it is left out of the JSON object
// and of the headers. Python's model_dump writes unset fields as null; a
// pydantic peer reads a missing field as None too, and leaving them out
// keeps encoding/json on its fast path. Null and missing fields decode as
// unset.
type TerminalInfo struct {
	StatusCode    int     `json:"status_code,omitzero"`    // HTTP-like status
	StatusMessage string  `json:"status_message,omitzero"` // status text
	ProcessTime   float64 `json:"process_time,omitzero"`   // seconds
	IP            string  `json:"ip,omitzero"`             // IP address
	Port          int     `json:"port,omitzero"`           // TCP port
	Version       int     `json:"version,omitzero"`        // protocol version, see VersionAsInt
	Nonce         int64   `json:"nonce,omitzero"`          // Unix time in ns, unique per hotkey and uuid
	UUID          string  `json:"uuid,omitzero"`           // per-process identifier of the terminal
	Hotkey        string  `json:"hotkey,omitzero"`         // SS58 address
	Signature     string  `json:"signature,omitzero"`      // 0x-prefixed hex
}

// merge copies the set fields of src over t, as the dendrite merges the
// server's headers into its own copy (server values win, unset ones do not
// erase).
func (t *TerminalInfo) merge(src TerminalInfo) {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	if src.StatusCode != 0 {
		t.StatusCode = src.StatusCode
	}
	set(&t.StatusMessage, src.StatusMessage)
	if src.ProcessTime != 0 {
		t.ProcessTime = src.ProcessTime
	}
	set(&t.IP, src.IP)
	if src.Port != 0 {
		t.Port = src.Port
	}
	if src.Version != 0 {
		t.Version = src.Version
	}
	if src.Nonce != 0 {
		t.Nonce = src.Nonce
	}
	set(&t.UUID, src.UUID)
	set(&t.Hotkey, src.Hotkey)
	set(&t.Signature, src.Signature)
}

// Merge copies the set fields of src's terminal infos over b's, the way
// Python's dendrite merges response headers into its synapse.
func (b *Base) Merge(src Base) {
	b.Dendrite.merge(src.Dendrite)
	b.Axon.merge(src.Axon)
}

// ErrName is returned (wrapped) for a route name that is not a valid
// Python class name.
var ErrName = errors.New("synapse: invalid name")

// NameOf returns the route name of s's type: SynapseName when s implements
// Namer, otherwise the name of the struct type s points to.
func NameOf(s Synapse) string {
	if n, ok := s.(Namer); ok {
		return n.SynapseName()
	}
	t := reflect.TypeOf(s)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

// ValidName returns nil when name can be a route: a Python identifier in
// ASCII (what a class name on the Python side can be).
func ValidName(name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty", ErrName)
	}
	for i, c := range []byte(name) {
		letter := c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z')
		digit := c >= '0' && c <= '9'
		if !letter && !(digit && i > 0) {
			return fmt.Errorf("%w: %q is not an identifier", ErrName, name)
		}
	}
	return nil
}

// Ping is the base synapse every axon serves at /Synapse: it carries no
// fields of its own and is answered with the terminal info only.
type Ping struct {
	Base
}

// SynapseName returns "Synapse", the Python base class name.
func (*Ping) SynapseName() string { return "Synapse" }

// NewUUID returns a random RFC 4122 version-4 UUID string, the per-process
// identifier a terminal sends (Python uses uuid1; peers only compare it).
func NewUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("synapse: reading random bytes: " + err.Error()) // only a failing system RNG
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
