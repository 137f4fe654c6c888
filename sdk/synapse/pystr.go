package synapse

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// PyStr formats v the way Python's str() formats the value a pydantic model
// holds after parsing v's JSON encoding. The body hash (§3.4) and the header
// values (§3.3) are built from these strings, so they must match Python byte
// for byte:
//
//   - nil and nil pointers, slices and maps are None; bools are True/False
//   - integers are decimal; floats use Python's repr ("12.0", "1e-05", "inf")
//   - a top-level string is itself; strings inside containers use repr quoting
//   - slices and arrays are lists "[1, 'a']"; []byte is its base64 string,
//     as encoding/json sends it
//   - maps are dicts with keys in encoding/json's (sorted) order; structs are
//     dicts of their JSON fields in declaration order, as pydantic's
//     model_dump gives nested models
//   - values implementing json.Marshaler or encoding.TextMarshaler are
//     formatted from their JSON (numbers with a fraction or exponent become
//     floats), in the order the JSON lists them
//
// PyStr panics only if a json.Marshaler or TextMarshaler returns an error or
// invalid JSON, as encoding/json would refuse to send such a value.
func PyStr(v any) string {
	switch x := v.(type) { // the common hash field types, without reflection
	case nil:
		return "None"
	case string:
		return strings.ToValidUTF8(x, "\uFFFD")
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return PyFloat(x)
	case bool:
		if x {
			return "True"
		}
		return "False"
	}
	var b strings.Builder
	writePy(&b, reflect.ValueOf(v), true)
	return b.String()
}

// pyFormatter is implemented by this package's types that know their
// Python form better than their JSON tells (Dict: its values' Go types).
type pyFormatter interface {
	writePy(b *strings.Builder)
}

// writePy appends Python's str (top) or repr (nested) of v.
func writePy(b *strings.Builder, v reflect.Value, top bool) {
	if !v.IsValid() {
		b.WriteString("None")
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		if v.IsNil() {
			b.WriteString("None")
			return
		}
	}
	if f, ok := implementation[pyFormatter](v); ok {
		f.writePy(b)
		return
	}
	if m, ok := implementation[json.Marshaler](v); ok {
		raw, err := m.MarshalJSON()
		if err != nil {
			panic(fmt.Sprintf("synapse: formatting %s: %v", v.Type(), err))
		}
		writeJSONPy(b, raw, top)
		return
	}
	if m, ok := implementation[encoding.TextMarshaler](v); ok {
		txt, err := m.MarshalText()
		if err != nil {
			panic(fmt.Sprintf("synapse: formatting %s: %v", v.Type(), err))
		}
		writePyString(b, string(txt), top)
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		writePy(b, v.Elem(), top)
	case reflect.Bool:
		if v.Bool() {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32:
		// encoding/json sends a float32's shortest 32-bit digits, which the
		// peer parses as a double.
		f, _ := strconv.ParseFloat(strconv.FormatFloat(v.Float(), 'g', -1, 32), 64)
		b.WriteString(PyFloat(f))
	case reflect.Float64:
		b.WriteString(PyFloat(v.Float()))
	case reflect.String:
		if v.Type() == reflect.TypeFor[json.Number]() {
			writeJSONPy(b, []byte(v.String()), top)
			return
		}
		writePyString(b, v.String(), top)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			writePyString(b, base64.StdEncoding.EncodeToString(v.Bytes()), top)
			return
		}
		b.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				b.WriteString(", ")
			}
			writePy(b, v.Index(i), false)
		}
		b.WriteByte(']')
	case reflect.Map:
		writePyMap(b, v)
	case reflect.Struct:
		b.WriteByte('{')
		first := true
		writePyStructFields(b, v, &first)
		b.WriteByte('}')
	default:
		// Channels, funcs and complex numbers have no JSON form.
		panic(fmt.Sprintf("synapse: cannot format %s", v.Type()))
	}
}

// implementation returns v as an I when v's type or its pointer type
// implements I. Pointer-receiver methods are reached through a copy: the
// values handed to PyStr are copies of fields that encoding/json marshals
// in place, through their address.
func implementation[I any](v reflect.Value) (I, bool) {
	it := reflect.TypeFor[I]()
	if !v.CanInterface() { // a field reached through an unexported embedded struct
		var zero I
		return zero, false
	}
	if v.Type().Implements(it) {
		return v.Interface().(I), true
	}
	if v.Kind() != reflect.Pointer && v.Kind() != reflect.Interface && reflect.PointerTo(v.Type()).Implements(it) {
		p := reflect.New(v.Type())
		p.Elem().Set(v)
		return p.Interface().(I), true
	}
	var zero I
	return zero, false
}

// writePyString writes s as Python str (top level) or repr (nested).
func writePyString(b *strings.Builder, s string, top bool) {
	if top {
		// encoding/json replaces invalid UTF-8 with U+FFFD, so that is what
		// a Python peer holds.
		b.WriteString(strings.ToValidUTF8(s, "\uFFFD"))
		return
	}
	b.WriteString(PyRepr(s))
}

// PyRepr returns Python's repr of the string s: single quotes unless s holds
// a single quote and no double quote, backslash escapes for the quote, the
// backslash, \t \n \r and non-printable characters.
func PyRepr(s string) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(quote)
	for _, r := range s { // invalid UTF-8 yields U+FFFD, as encoding/json sends it
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < ' ' || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x7f:
			b.WriteRune(r)
		case unicode.IsPrint(r):
			// Go's IsPrint and Python's isprintable agree: letters, marks,
			// numbers, punctuation and symbols, and no separator but ' '.
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// PyFloat returns Python's repr of f: the shortest digits that round-trip,
// positional when the decimal exponent is in [-4, 16), else scientific with
// a signed exponent of at least two digits; integral values keep ".0".
func PyFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // "-d.ddde±XX"
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1)
	decpt := exp + 1 // value = 0.digits × 10^decpt
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case decpt > -4 && decpt <= 16:
		switch {
		case decpt <= 0:
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", -decpt))
			b.WriteString(digits)
		case decpt >= len(digits):
			b.WriteString(digits)
			b.WriteString(strings.Repeat("0", decpt-len(digits)))
			b.WriteString(".0")
		default:
			b.WriteString(digits[:decpt])
			b.WriteByte('.')
			b.WriteString(digits[decpt:])
		}
	default:
		b.WriteString(digits[:1])
		if len(digits) > 1 {
			b.WriteByte('.')
			b.WriteString(digits[1:])
		}
		b.WriteByte('e')
		x := decpt - 1
		if x < 0 {
			b.WriteByte('-')
			x = -x
		} else {
			b.WriteByte('+')
		}
		if x < 10 {
			b.WriteByte('0')
		}
		b.WriteString(strconv.Itoa(x))
	}
	return b.String()
}

// writePyMap writes a map as a dict whose keys are the JSON object keys
// encoding/json would send, in its sorted order.
func writePyMap(b *strings.Builder, v reflect.Value) {
	type entry struct {
		key string
		val reflect.Value
	}
	entries := make([]entry, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		entries = append(entries, entry{jsonMapKey(it.Key()), it.Value()})
	}
	slices.SortFunc(entries, func(x, y entry) int { return strings.Compare(x.key, y.key) })
	b.WriteByte('{')
	for i, e := range entries {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(PyRepr(e.key))
		b.WriteString(": ")
		writePy(b, e.val, false)
	}
	b.WriteByte('}')
}

// jsonMapKey returns the object key encoding/json uses for a map key.
func jsonMapKey(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return k.String()
	}
	if tm, ok := k.Interface().(encoding.TextMarshaler); ok {
		txt, err := tm.MarshalText()
		if err != nil {
			panic(fmt.Sprintf("synapse: formatting map key: %v", err))
		}
		return string(txt)
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10)
	}
	panic(fmt.Sprintf("synapse: cannot format map key of type %s", k.Type()))
}

// writePyStructFields writes "'name': value" pairs for the JSON fields of
// the struct v, flattening untagged embedded structs as encoding/json does.
func writePyStructFields(b *strings.Builder, v reflect.Value, first *bool) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if f.Anonymous && name == "" {
			fv := v.Field(i)
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			if fv.Kind() == reflect.Struct {
				writePyStructFields(b, fv, first)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if !*first {
			b.WriteString(", ")
		}
		*first = false
		b.WriteString(PyRepr(name))
		b.WriteString(": ")
		writePy(b, v.Field(i), false)
	}
}

// writeJSONPy writes the Python value of a JSON document, keeping the order
// of object keys as Python's json module does.
func writeJSONPy(b *strings.Builder, raw []byte, top bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := writeJSONValue(b, dec, top); err != nil {
		panic(fmt.Sprintf("synapse: formatting marshaled JSON %q: %v", raw, err))
	}
}

func writeJSONValue(b *strings.Builder, dec *json.Decoder, top bool) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok := tok.(type) {
	case nil:
		b.WriteString("None")
	case bool:
		if tok {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case json.Number:
		s := string(tok)
		if strings.ContainsAny(s, ".eE") {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil && !isRangeErr(err) {
				return err
			}
			b.WriteString(PyFloat(f))
		} else {
			b.WriteString(s) // Python ints are unbounded
		}
	case string:
		writePyString(b, tok, top)
	case json.Delim:
		switch tok {
		case '[':
			b.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					b.WriteString(", ")
				}
				if err := writeJSONValue(b, dec, false); err != nil {
					return err
				}
			}
			b.WriteByte(']')
		case '{':
			b.WriteByte('{')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					b.WriteString(", ")
				}
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := kt.(string)
				b.WriteString(PyRepr(key))
				b.WriteString(": ")
				if err := writeJSONValue(b, dec, false); err != nil {
					return err
				}
			}
			b.WriteByte('}')
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return err
		}
	}
	return nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}
