package chain

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/gotensor/gotensor/chain/yuma"
)

// Value encodings: fixed-width big-endian integers and raw bytes. A value of
// the wrong length means the state is corrupt (or the layout changed without
// a migration): decoders panic with the key's collection in the message.

func encodeU64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func decodeU64(what string, b []byte) uint64 {
	if len(b) != 8 {
		panic(fmt.Sprintf("chain: corrupt %s: %d bytes, want 8", what, len(b)))
	}
	return binary.BigEndian.Uint64(b)
}

func decode32(what string, b []byte) [32]byte {
	if len(b) != 32 {
		panic(fmt.Sprintf("chain: corrupt %s: %d bytes, want 32", what, len(b)))
	}
	return [32]byte(b)
}

// encodeEntries encodes a sparse row (weights, bonds) as (uid u16, value
// u16) pairs, big-endian.
func encodeEntries(row []yuma.Entry) []byte {
	b := make([]byte, 0, 4*len(row))
	for _, e := range row {
		b = binary.BigEndian.AppendUint16(b, e.UID)
		b = binary.BigEndian.AppendUint16(b, e.Value)
	}
	return b
}

func decodeEntries(what string, b []byte) []yuma.Entry {
	if len(b)%4 != 0 {
		panic(fmt.Sprintf("chain: corrupt %s: %d bytes", what, len(b)))
	}
	out := make([]yuma.Entry, len(b)/4)
	for i := range out {
		out[i] = yuma.Entry{UID: binary.BigEndian.Uint16(b[4*i:]), Value: binary.BigEndian.Uint16(b[4*i+2:])}
	}
	return out
}

// encodeU64s encodes a per-uid vector of u64 (LastUpdate, epoch emission)
// big-endian.
func encodeU64s[T ~uint64](v []T) []byte {
	b := make([]byte, 0, 8*len(v))
	for _, x := range v {
		b = binary.BigEndian.AppendUint64(b, uint64(x))
	}
	return b
}

func decodeU64s[T ~uint64](what string, b []byte) []T {
	if len(b)%8 != 0 {
		panic(fmt.Sprintf("chain: corrupt %s: %d bytes", what, len(b)))
	}
	out := make([]T, len(b)/8)
	for i := range out {
		out[i] = T(binary.BigEndian.Uint64(b[8*i:]))
	}
	return out
}

// recordCodec stores a parameter record (NetworkParams, StakingParams,
// EmissionParams, a subnet's Hyperparams) as a version byte and then its
// fields in the order of fields, each as its slot encodes it. Fields are
// appended to the list, never reordered, so a shorter value (written
// before a field existed) decodes with the new fields at their defaults.
type recordCodec[T any] struct {
	what    string // the record's name in corruption panics
	version byte
	fields  []func(*T) any // pointers to the fields, see slot
}

func (c recordCodec[T]) encode(p *T) []byte {
	b := []byte{c.version}
	for _, f := range c.fields {
		b = slot{f(p)}.append(b)
	}
	return b
}

// decode reads b into p, which holds the defaults.
func (c recordCodec[T]) decode(b []byte, p *T) error {
	if len(b) == 0 || b[0] != c.version {
		return errors.New("unknown encoding version")
	}
	b = b[1:]
	for i, f := range c.fields {
		if len(b) == 0 {
			return nil
		}
		var err error
		if b, err = (slot{f(p)}).read(b); err != nil {
			return fmt.Errorf("field %d: %w", i, err)
		}
	}
	if len(b) != 0 {
		return fmt.Errorf("%d trailing bytes", len(b))
	}
	return nil
}

// load reads the record stored at key into p, which holds the defaults;
// without one, p keeps them.
func (c recordCodec[T]) load(s *State, key []byte, p *T) {
	b := s.kv.Get(key)
	if b == nil {
		return
	}
	if err := c.decode(b, p); err != nil {
		panic(fmt.Sprintf("chain: corrupt %s: %v", c.what, err))
	}
}

// recordParam makes the sudo_set_global row of a record field, which load
// and save read and write; sudo_set_global checks the bounds before set.
func recordParam[T any](load func(*State) T, save func(*State, T), name string, field func(*T) any, lo, hi int64, unit string) globalParam {
	return globalParam{
		name: name, min: lo, max: hi, unit: unit,
		get: func(s *State) int64 {
			p := load(s)
			return slot{field(&p)}.get()
		},
		set: func(s *State, v int64) {
			p := load(s)
			slot{field(&p)}.set(v)
			save(s, p)
		},
	}
}
