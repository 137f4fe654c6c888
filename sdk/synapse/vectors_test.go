package synapse_test

import (
	"bytes"
	"encoding/json"
	"math/big"
	"net/http"
	"net/netip"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/sdk/synapse"
)

// vectors mirrors testdata/vectors.json, the wire-protocol parts of
// sdk-vectors.json (copied from /work/shared/reference).
type vectors struct {
	Signing struct {
		DendriteURI     string `json:"dendrite_hotkey_uri"`
		DendriteHotkey  string `json:"dendrite_hotkey"`
		AxonURI         string `json:"axon_hotkey_uri"`
		AxonHotkey      string `json:"axon_hotkey"`
		DendriteNonce   string `json:"dendrite_nonce"`
		DendriteUUID    string `json:"dendrite_uuid"`
		BodyHash        string `json:"computed_body_hash"`
		DendriteMessage string `json:"dendrite_message"`
		DendriteSig     string `json:"dendrite_signature_header_value"`
		Verifies        bool   `json:"verifies"`
		AxonNonce       string `json:"axon_nonce"`
		AxonUUID        string `json:"axon_uuid"`
		AxonMessage     string `json:"axon_message"`
		AxonSig         string `json:"axon_signature_header_value"`
		AxonSigVerifies bool   `json:"axon_sig_verifies"`
	} `json:"synapse_signing"`
	Synapse struct {
		BodyHash struct {
			Cases []struct {
				Fields   []string          `json:"required_hash_fields"`
				Values   []json.RawMessage `json:"field_values"`
				PyStrs   []string          `json:"field_values_python_str"`
				PerField []string          `json:"per_field_sha3_hex"`
				Expected string            `json:"expected_body_hash"`
			} `json:"cases"`
		} `json:"body_hash"`
		VersionAsInt []struct {
			Version string `json:"version"`
			Int     int    `json:"int"`
		} `json:"version_as_int"`
		Placeholders []struct {
			FieldType string `json:"field_type"`
			Header    string `json:"header_value"`
		} `json:"header_input_obj_placeholder"`
		IPInt []struct {
			IP     string          `json:"ip"`
			Int    json.RawMessage `json:"int"`
			IPType int             `json:"ip_type"`
		} `json:"ip_int"`
		AxonIPStr []struct {
			IPType int    `json:"ip_type"`
			IP     string `json:"ip"`
			Port   uint16 `json:"port"`
			IPStr  string `json:"ip_str"`
		} `json:"axon_ip_str"`
	} `json:"synapse"`
	PublishedBodyHash struct {
		Fields   []string       `json:"required_hash_fields"`
		Values   map[string]any `json:"values"`
		Expected string         `json:"expected_body_hash"`
	} `json:"sdk_synapse_body_hash_test"`
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	raw, err := os.ReadFile("testdata/vectors.json")
	require.NoError(t, err)
	var v vectors
	require.NoError(t, json.Unmarshal(raw, &v))
	return v
}

// dynamic is a synapse whose hash fields are given at run time.
type dynamic struct {
	synapse.Base
	fields []any
}

func (d *dynamic) HashFields() []any { return d.fields }

func TestBodyHash_Vectors(t *testing.T) {
	v := loadVectors(t)
	require.NotEmpty(t, v.Synapse.BodyHash.Cases)
	for _, c := range v.Synapse.BodyHash.Cases {
		t.Run(c.Expected[:8], func(t *testing.T) {
			syn := &dynamic{}
			for i, raw := range c.Values {
				// JSON values as a Python peer would hold them: numbers with a
				// fraction are floats, the rest ints.
				dec := json.NewDecoder(bytes.NewReader(raw))
				dec.UseNumber()
				var val any
				require.NoError(t, dec.Decode(&val))
				require.Equal(t, c.PyStrs[i], synapse.PyStr(val), "python str of field %s", c.Fields[i])
				syn.fields = append(syn.fields, val)
			}
			require.Equal(t, c.Expected, synapse.BodyHash(syn))
		})
	}
}

// published is the synapse of Bittensor's test_synapse_body_hash: fields a,
// b, c, d with a, b and d hashed.
type published struct {
	synapse.Base
	A int      `json:"a"`
	B int      `json:"b"`
	C int      `json:"c"`
	D []string `json:"d"`
}

func (p *published) HashFields() []any { return []any{p.A, p.B, p.D} }

func TestBodyHash_Published(t *testing.T) {
	v := loadVectors(t).PublishedBodyHash
	require.Equal(t, []string{"a", "b", "d"}, v.Fields)
	p := &published{A: 1, B: 2, C: 3, D: []string{"foobar"}}
	require.Equal(t, v.Expected, synapse.BodyHash(p))
	p.C = 4 // not hashed
	require.Equal(t, v.Expected, synapse.BodyHash(p))
	p.D = []string{"foobaz"}
	require.NotEqual(t, v.Expected, synapse.BodyHash(p))
}

func TestSigning_Vectors(t *testing.T) {
	v := loadVectors(t).Signing
	alice, err := keys.FromURI(v.DendriteURI)
	require.NoError(t, err)
	bob, err := keys.FromURI(v.AxonURI)
	require.NoError(t, err)
	require.Equal(t, v.DendriteHotkey, alice.SS58())
	require.Equal(t, v.AxonHotkey, bob.SS58())

	var b synapse.Base
	require.NoError(t, json.Unmarshal([]byte(v.DendriteNonce), &b.Dendrite.Nonce))
	require.NoError(t, json.Unmarshal([]byte(v.AxonNonce), &b.Axon.Nonce))
	b.Dendrite.Hotkey, b.Dendrite.UUID, b.Dendrite.Signature = v.DendriteHotkey, v.DendriteUUID, v.DendriteSig
	b.Axon.Hotkey, b.Axon.UUID, b.Axon.Signature = v.AxonHotkey, v.AxonUUID, v.AxonSig
	b.ComputedBodyHash = v.BodyHash
	require.Equal(t, v.BodyHash, synapse.BodyHash(&dynamic{}))

	require.Equal(t, v.DendriteMessage, string(synapse.RequestMessage(b.Dendrite.Nonce, b.Dendrite.Hotkey, b.Axon.Hotkey, b.Dendrite.UUID, b.ComputedBodyHash)))
	require.Equal(t, v.AxonMessage, string(synapse.ResponseMessage(b.Axon.Nonce, b.Dendrite.Hotkey, b.Axon.Hotkey, b.Axon.UUID)))

	pub, err := synapse.VerifyRequest(&b, v.AxonHotkey)
	require.Equal(t, v.Verifies, err == nil, "verify request: %v", err)
	require.Equal(t, alice.Public(), pub)
	require.Equal(t, v.AxonSigVerifies, synapse.VerifyResponse(&b) == nil)

	// Our own signatures verify, and any change to a signed field breaks them.
	synapse.SignRequest(alice, &b)
	synapse.SignResponse(bob, &b)
	_, err = synapse.VerifyRequest(&b, v.AxonHotkey)
	require.NoError(t, err)
	require.NoError(t, synapse.VerifyResponse(&b))
	for name, mutate := range map[string]func(*synapse.Base){
		"nonce":     func(b *synapse.Base) { b.Dendrite.Nonce++ },
		"uuid":      func(b *synapse.Base) { b.Dendrite.UUID += "x" },
		"body hash": func(b *synapse.Base) { b.ComputedBodyHash = "00" + b.ComputedBodyHash[2:] },
		"hotkey":    func(b *synapse.Base) { b.Dendrite.Hotkey = v.AxonHotkey },
	} {
		c := b
		mutate(&c)
		_, err := synapse.VerifyRequest(&c, v.AxonHotkey)
		require.ErrorIs(t, err, synapse.ErrBadSignature, name)
	}
	// The message names the verifying axon: a request for Bob fails at Charlie.
	_, err = synapse.VerifyRequest(&b, "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y")
	require.ErrorIs(t, err, synapse.ErrBadSignature)
}

func TestVerifyRequest_Malformed(t *testing.T) {
	alice, err := keys.FromURI("//Alice")
	require.NoError(t, err)
	good := synapse.Base{ComputedBodyHash: synapse.BodyHash(&dynamic{})}
	good.Dendrite = synapse.TerminalInfo{Nonce: 1, Hotkey: alice.SS58(), UUID: "u"}
	synapse.SignRequest(alice, &good)
	for _, c := range []struct {
		name   string
		mutate func(*synapse.Base)
		want   error
	}{
		{"unsigned", func(b *synapse.Base) { b.Dendrite.Signature = "" }, synapse.ErrUnsigned},
		{"no 0x", func(b *synapse.Base) { b.Dendrite.Signature = b.Dendrite.Signature[2:] }, synapse.ErrSignature},
		{"short", func(b *synapse.Base) { b.Dendrite.Signature = b.Dendrite.Signature[:100] }, synapse.ErrSignature},
		{"not hex", func(b *synapse.Base) { b.Dendrite.Signature = "0x" + string(bytes.Repeat([]byte("zz"), 64)) }, synapse.ErrSignature},
		{"bad hotkey", func(b *synapse.Base) { b.Dendrite.Hotkey = "5Grwva" }, synapse.ErrHotkey},
		{"long hotkey", func(b *synapse.Base) { b.Dendrite.Hotkey = string(bytes.Repeat([]byte("5"), 10000)) }, synapse.ErrHotkey},
		{"zero signature", func(b *synapse.Base) { b.Dendrite.Signature = "0x" + string(bytes.Repeat([]byte("00"), 64)) }, synapse.ErrBadSignature},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := good
			c.mutate(&b)
			_, err := synapse.VerifyRequest(&b, "axon")
			require.ErrorIs(t, err, c.want)
		})
	}
}

func TestVersionAsInt_Vectors(t *testing.T) {
	for _, c := range loadVectors(t).Synapse.VersionAsInt {
		got, err := synapse.VersionAsInt(c.Version)
		require.NoError(t, err)
		require.Equal(t, c.Int, got, c.Version)
	}
	got, err := synapse.VersionAsInt(synapse.Version)
	require.NoError(t, err)
	require.Equal(t, synapse.VersionInt, got)
	got, err = synapse.VersionAsInt("9.0.2rc1") // Python ignores suffixes
	require.NoError(t, err)
	require.Equal(t, 9_000_002, got)
	for _, bad := range []string{"", "1.2", "1.2.x", "1.1000.0", "a.b.c", "-1.2.3"} {
		_, err := synapse.VersionAsInt(bad)
		require.ErrorIs(t, err, synapse.ErrVersion, bad)
	}
}

// placeholders has one required field of each type the vectors name, plus
// optional ones that must not produce a header.
type placeholders struct {
	synapse.Base
	Int      int            `json:"int"`
	Str      string         `json:"str"`
	List     []int          `json:"list"`
	Dict     map[string]int `json:"dict"`
	Float    float64        `json:"float"`
	Optional *int           `json:"optional"`
	Omitted  string         `json:"omitted,omitempty"`
}

func TestWriteHeaders_InputObjPlaceholders(t *testing.T) {
	s := &placeholders{List: []int{1, 2}, Dict: map[string]int{"a": 1}, Int: 5, Str: "x", Float: 1.5}
	h := http.Header{}
	synapse.WriteHeaders(h, s)
	for _, c := range loadVectors(t).Synapse.Placeholders {
		require.Equal(t, c.Header, h.Get("bt_header_input_obj_"+c.FieldType), c.FieldType)
	}
	require.Empty(t, h.Values("bt_header_input_obj_optional"))
	require.Empty(t, h.Values("bt_header_input_obj_omitted"))
	require.Empty(t, h.Values("bt_header_input_obj_name"), "base fields travel in their own headers")

	// A nil slice is Python None: no placeholder.
	s.List = nil
	h = http.Header{}
	synapse.WriteHeaders(h, s)
	require.Empty(t, h.Values("bt_header_input_obj_list"))
}

func TestIPInt_Vectors(t *testing.T) {
	for _, c := range loadVectors(t).Synapse.IPInt {
		n, ok := new(big.Int).SetString(string(c.Int), 10)
		require.True(t, ok, "int %s", c.Int)
		ip := netip.MustParseAddr(c.IP)
		require.Equal(t, 0, n.Cmp(synapse.IPToInt(ip)), c.IP)
		got, err := synapse.IPFromInt(n)
		require.NoError(t, err)
		require.Equal(t, ip, got, c.IP)
		require.Equal(t, c.IPType, synapse.IPType(got), c.IP)
	}
	_, err := synapse.IPFromInt(big.NewInt(-1))
	require.ErrorIs(t, err, synapse.ErrIPInt)
	_, err = synapse.IPFromInt(new(big.Int).Lsh(big.NewInt(1), 128))
	require.ErrorIs(t, err, synapse.ErrIPInt)
}

func TestAxonInfo_IPStr(t *testing.T) {
	for _, c := range loadVectors(t).Synapse.AxonIPStr {
		a := synapse.AxonInfo{IP: netip.MustParseAddr(c.IP), Port: c.Port, IPType: c.IPType}
		require.Equal(t, c.IPStr, a.IPStr())
		require.True(t, a.IsServing())
	}
	require.False(t, synapse.AxonInfo{IP: netip.MustParseAddr("0.0.0.0"), Port: 1}.IsServing())
	require.False(t, synapse.AxonInfo{}.IsServing())
}
