package synapse

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
)

// Dict is a JSON object that keeps its keys in order, as a Python dict
// does. Use it for dict fields covered by the body hash: Python's str() of
// a dict lists the keys in insertion order, which a Go map forgets (PyStr
// writes maps with sorted keys). The zero Dict is empty and ready to use;
// a Dict is not safe for concurrent writes.
type Dict[V any] struct {
	keys []string
	m    map[string]V
}

// Set sets k to v. A new key goes last; an existing key keeps its place,
// as in Python.
func (d *Dict[V]) Set(k string, v V) {
	if d.m == nil {
		d.m = map[string]V{}
	}
	if _, ok := d.m[k]; !ok {
		d.keys = append(d.keys, k)
	}
	d.m[k] = v
}

// Get returns the value of k.
func (d Dict[V]) Get(k string) (V, bool) {
	v, ok := d.m[k]
	return v, ok
}

// Keys returns the keys in order. The slice must not be modified.
func (d Dict[V]) Keys() []string { return d.keys }

// Len returns the number of keys.
func (d Dict[V]) Len() int { return len(d.keys) }

// writePy writes Python's str of the dict: keys in order, values by their
// Go types (so a float64 2 is "2.0", as a Dict[str, float] holds it).
func (d Dict[V]) writePy(b *strings.Builder) {
	b.WriteByte('{')
	for i, k := range d.keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(PyRepr(k))
		b.WriteString(": ")
		writePy(b, reflect.ValueOf(d.m[k]), false)
	}
	b.WriteByte('}')
}

// MarshalJSON writes the object with its keys in order.
func (d Dict[V]) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range d.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kj, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		vj, err := json.Marshal(d.m[k])
		if err != nil {
			return nil, err
		}
		b.Write(kj)
		b.WriteByte(':')
		b.Write(vj)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object, keeping its keys in order; a repeated
// key keeps its first place and its last value, as Python's json does.
func (d *Dict[V]) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		*d = Dict[V]{}
		return nil
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		return errors.New("synapse: Dict: want a JSON object")
	}
	var next Dict[V]
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		var v V
		if err := dec.Decode(&v); err != nil {
			return err
		}
		next.Set(kt.(string), v)
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	*d = next
	return nil
}
