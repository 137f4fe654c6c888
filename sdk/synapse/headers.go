package synapse

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// Header names in net/http's canonical form (Python sends them lower-case;
// HTTP header names are case-insensitive).
const (
	HeaderName       = "Name"
	HeaderTimeout    = "Timeout"
	HeaderTotalSize  = "Total_size"
	HeaderSize       = "Header_size"
	HeaderBodyHash   = "Computed_body_hash"
	HeaderAxon       = "Bt_header_axon_"      // prefix of the axon's TerminalInfo fields
	HeaderDendrite   = "Bt_header_dendrite_"  // prefix of the dendrite's TerminalInfo fields
	HeaderInputObj   = "Bt_header_input_obj_" // prefix of required-field placeholders
	terminalFieldNum = 10
)

// terminalFields are TerminalInfo's Python field names, in model order.
var terminalFields = [terminalFieldNum]string{
	"status_code", "status_message", "process_time", "ip", "port",
	"version", "nonce", "uuid", "hotkey", "signature",
}

// axonKeys and dendriteKeys are the canonical header names of each
// terminal field, built once so that requests do not canonicalise keys.
var axonKeys, dendriteKeys [terminalFieldNum]string

func init() {
	for i, f := range terminalFields {
		axonKeys[i] = http.CanonicalHeaderKey(HeaderAxon + f)
		dendriteKeys[i] = http.CanonicalHeaderKey(HeaderDendrite + f)
	}
}

// ErrHeader is returned (wrapped, with the header's name) by FromHeaders
// for a header whose value cannot be parsed.
var ErrHeader = errors.New("synapse: malformed header")

// WriteHeaders sets the protocol headers of s on h as Python's to_headers
// does (§3.3), every value formatted like Python's str(): name and timeout,
// a bt_header_axon_* and bt_header_dendrite_* header for each set terminal
// field, a bt_header_input_obj_* placeholder for each required field (see
// below), header_size, total_size and computed_body_hash (recomputed from
// s's fields, as Python's body_hash property is).
//
// Python sends, for each field without a default, the base64 JSON of an
// empty value of its type, so that a peer can build the synapse from the
// headers alone. A Go struct does not say which fields have defaults: a
// field counts as required unless it is a pointer or tagged omitempty, so
// declare optional fields (Python's Optional[...] = None) as pointers. Nil
// slices and maps are None and get no header, as in Python.
func WriteHeaders(h http.Header, s Synapse) {
	b := s.SynapseBase()
	name := b.Name
	if name == "" {
		name = NameOf(s)
	}
	timeout := b.Timeout
	if !(timeout > 0) {
		timeout = DefaultTimeout
	}
	w := headerWriter{h: h, vals: make([]string, 0, 32)}
	w.set(HeaderName, name)
	w.set(HeaderTimeout, PyFloat(timeout))
	w.terminal(&axonKeys, &b.Axon)
	w.terminal(&dendriteKeys, &b.Dendrite)
	w.inputObjs(s)
	w.set(HeaderSize, strconv.FormatInt(b.HeaderSize, 10))
	w.set(HeaderTotalSize, strconv.FormatInt(b.TotalSize, 10))
	w.set(HeaderBodyHash, BodyHash(s))
}

// headerWriter sets single-valued headers whose value slices share one
// backing array: a synapse has some twenty headers, and this is per request.
type headerWriter struct {
	h    http.Header
	vals []string
}

func (w *headerWriter) set(key, v string) {
	w.vals = append(w.vals, v)
	n := len(w.vals)
	w.h[key] = w.vals[n-1 : n : n]
}

func (w *headerWriter) terminal(keys *[terminalFieldNum]string, t *TerminalInfo) {
	if t.StatusCode != 0 {
		w.set(keys[0], strconv.Itoa(t.StatusCode))
	}
	if t.StatusMessage != "" {
		w.set(keys[1], t.StatusMessage)
	}
	if t.ProcessTime != 0 {
		w.set(keys[2], PyFloat(t.ProcessTime))
	}
	if t.IP != "" {
		w.set(keys[3], t.IP)
	}
	if t.Port != 0 {
		w.set(keys[4], strconv.Itoa(t.Port))
	}
	if t.Version != 0 {
		w.set(keys[5], strconv.Itoa(t.Version))
	}
	if t.Nonce != 0 {
		w.set(keys[6], strconv.FormatInt(t.Nonce, 10))
	}
	if t.UUID != "" {
		w.set(keys[7], t.UUID)
	}
	if t.Hotkey != "" {
		w.set(keys[8], t.Hotkey)
	}
	if t.Signature != "" {
		w.set(keys[9], t.Signature)
	}
}

// inputObj is one required field's placeholder header.
type inputObj struct {
	index   []int  // field index path, for nil checks
	key     string // canonical header name
	value   string // base64 of the JSON of an empty value of the field's type
	nilable bool   // slice or map: a nil value is None and sends nothing
}

var inputObjCache sync.Map // reflect.Type → []inputObj

func (w *headerWriter) inputObjs(s Synapse) {
	v := reflect.ValueOf(s)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	objs, ok := inputObjCache.Load(v.Type())
	if !ok {
		objs, _ = inputObjCache.LoadOrStore(v.Type(), inputObjsOf(v.Type()))
	}
	for _, o := range objs.([]inputObj) {
		if o.nilable && v.FieldByIndex(o.index).IsNil() {
			continue
		}
		w.set(o.key, o.value)
	}
}

var baseType = reflect.TypeFor[Base]()

// inputObjsOf lists the required JSON fields of the synapse struct t.
func inputObjsOf(t reflect.Type) []inputObj {
	var objs []inputObj
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous || f.Type == baseType || len(f.Index) > 1 && isBaseField(t, f.Index) {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" || strings.Contains(","+opts+",", ",omitempty,") ||
			f.Type.Kind() == reflect.Pointer || f.Type.Kind() == reflect.Interface {
			continue
		}
		if name == "" {
			name = f.Name
		}
		placeholder, ok := emptyJSON(f.Type)
		if !ok {
			continue
		}
		objs = append(objs, inputObj{
			index:   f.Index,
			key:     http.CanonicalHeaderKey(HeaderInputObj + name),
			value:   base64.StdEncoding.EncodeToString([]byte(placeholder)),
			nilable: f.Type.Kind() == reflect.Slice || f.Type.Kind() == reflect.Map,
		})
	}
	return objs
}

// isBaseField reports whether the field at index lies inside an embedded
// Base (whose fields Python sends in their own headers).
func isBaseField(t reflect.Type, index []int) bool {
	for _, i := range index[:len(index)-1] {
		f := t.Field(i)
		if f.Type == baseType {
			return true
		}
		t = f.Type
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
	}
	return false
}

// emptyJSON returns the JSON Python's json.dumps gives an empty instance of
// the Python type that t's JSON decodes to: 0, 0.0, "", false, [] or {}.
func emptyJSON(t reflect.Type) (string, bool) {
	if _, ok := implementation[json.Marshaler](reflect.Zero(t)); ok {
		raw, err := json.Marshal(reflect.Zero(t).Interface())
		if err != nil || len(raw) == 0 {
			return "", false
		}
		switch raw[0] {
		case '"':
			return `""`, true
		case '[':
			return "[]", true
		case '{':
			return "{}", true
		case 't', 'f':
			return "false", true
		case 'n':
			return "", false
		}
		if strings.ContainsAny(string(raw), ".eE") {
			return "0.0", true
		}
		return "0", true
	}
	if _, ok := implementation[encoding.TextMarshaler](reflect.Zero(t)); ok {
		return `""`, true
	}
	switch t.Kind() {
	case reflect.Bool:
		return "false", true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "0", true
	case reflect.Float32, reflect.Float64:
		return "0.0", true
	case reflect.String:
		return `""`, true
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return `""`, true // base64 text
		}
		return "[]", true
	case reflect.Array:
		return "[]", true
	case reflect.Map, reflect.Struct:
		return "{}", true
	}
	return "", false
}

// FromHeaders reads the protocol headers into a Base, as Python's
// from_headers does for the base fields: name, timeout, total_size,
// header_size, computed_body_hash and the axon and dendrite terminal infos.
// h must have canonical keys, as net/http provides. Missing headers leave
// fields unset (a missing timeout is DefaultTimeout); input_obj placeholders
// and unknown headers are ignored. A value that does not parse (a
// non-integer nonce, a timeout that is not a finite non-negative number)
// is an error wrapping ErrHeader.
func FromHeaders(h http.Header) (Base, error) {
	b := Base{Timeout: DefaultTimeout}
	get := func(key string) (string, bool) {
		v, ok := h[key]
		if !ok || len(v) == 0 {
			return "", false
		}
		return v[0], true
	}
	b.Name, _ = get(HeaderName)
	b.ComputedBodyHash, _ = get(HeaderBodyHash)
	if v, ok := get(HeaderTimeout); ok {
		t, err := parseFloat(v)
		if err != nil || t < 0 {
			return Base{}, headerErr("timeout", v, "want a non-negative number of seconds")
		}
		b.Timeout = t
	}
	var err error
	if b.TotalSize, err = intHeader(h, HeaderTotalSize, "total_size"); err != nil {
		return Base{}, err
	}
	if b.HeaderSize, err = intHeader(h, HeaderSize, "header_size"); err != nil {
		return Base{}, err
	}
	if err := readTerminal(h, &axonKeys, "bt_header_axon_", &b.Axon); err != nil {
		return Base{}, err
	}
	if err := readTerminal(h, &dendriteKeys, "bt_header_dendrite_", &b.Dendrite); err != nil {
		return Base{}, err
	}
	return b, nil
}

func headerErr(name, value, want string) error {
	if len(value) > 64 {
		value = value[:64] + "…"
	}
	return fmt.Errorf("%w: %s=%q: %s", ErrHeader, name, value, want)
}

// parseFloat parses a finite float the way Python's float() reads what
// str(float) wrote.
func parseFloat(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, errors.New("not a finite number")
	}
	return f, nil
}

func intHeader(h http.Header, key, name string) (int64, error) {
	v, ok := h[key]
	if !ok || len(v) == 0 {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v[0]), 10, 64)
	if err != nil {
		return 0, headerErr(name, v[0], "want an integer")
	}
	return n, nil
}

func readTerminal(h http.Header, keys *[terminalFieldNum]string, prefix string, t *TerminalInfo) error {
	for i, key := range keys {
		vs, ok := h[key]
		if !ok || len(vs) == 0 {
			continue
		}
		v := vs[0]
		var err error
		switch i {
		case 0:
			t.StatusCode, err = atoi(v)
		case 1:
			t.StatusMessage = v
		case 2:
			t.ProcessTime, err = parseFloat(v)
		case 3:
			t.IP = v
		case 4:
			t.Port, err = atoi(v)
		case 5:
			t.Version, err = atoi(v)
		case 6:
			t.Nonce, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		case 7:
			t.UUID = v
		case 8:
			t.Hotkey = v
		case 9:
			t.Signature = v
		}
		if err != nil {
			want := "want an integer"
			if i == 2 {
				want = "want a finite number"
			}
			return headerErr(prefix+terminalFields[i], v, want)
		}
	}
	return nil
}

func atoi(s string) (int, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
	return int(n), err
}
