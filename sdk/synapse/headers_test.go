package synapse_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/sdk/synapse"
)

// Dummy is the subnet template's synapse.
type Dummy struct {
	synapse.Base
	DummyInput  int  `json:"dummy_input"`
	DummyOutput *int `json:"dummy_output"`
}

func (d *Dummy) HashFields() []any { return []any{d.DummyInput} }

func sampleDummy() *Dummy {
	d := &Dummy{DummyInput: 5}
	d.Timeout = 12
	d.Dendrite = synapse.TerminalInfo{
		IP: "1.2.3.4", Version: 10002000, Nonce: 1718000000123456789,
		UUID: "5ecbd69c-1cec-11ee-b0dc-e29ce36fec1a", Hotkey: "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
		Signature: "0xd004",
	}
	d.Axon = synapse.TerminalInfo{IP: "5.6.7.8", Port: 8091, Hotkey: "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"}
	d.ComputedBodyHash = synapse.BodyHash(d)
	return d
}

func TestWriteHeaders_PythonFormat(t *testing.T) {
	d := sampleDummy()
	d.Axon.ProcessTime = 0.25
	d.Axon.StatusCode = 200
	h := http.Header{}
	synapse.WriteHeaders(h, d)
	want := map[string]string{
		"name":                            "Dummy",
		"timeout":                         "12.0",
		"bt_header_dendrite_ip":           "1.2.3.4",
		"bt_header_dendrite_version":      "10002000",
		"bt_header_dendrite_nonce":        "1718000000123456789",
		"bt_header_dendrite_uuid":         "5ecbd69c-1cec-11ee-b0dc-e29ce36fec1a",
		"bt_header_dendrite_hotkey":       "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
		"bt_header_dendrite_signature":    "0xd004",
		"bt_header_axon_ip":               "5.6.7.8",
		"bt_header_axon_port":             "8091",
		"bt_header_axon_hotkey":           "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
		"bt_header_axon_status_code":      "200",
		"bt_header_axon_process_time":     "0.25",
		"bt_header_input_obj_dummy_input": "MA==",
		"header_size":                     "0",
		"total_size":                      "0",
		"computed_body_hash":              "4fae6364bdbf7a0def40e782ea7656d4bc96dd42a6eaf71d62b977d74e733ecf",
	}
	for k, v := range want {
		require.Equal(t, v, h.Get(k), k)
	}
	require.Len(t, h, len(want), "unset fields send no header: %v", h)
}

// TestFromHeaders_PythonRequest parses a request as a Python dendrite
// writes it (lower-case names) through net/http's own parser.
func TestFromHeaders_PythonRequest(t *testing.T) {
	raw := "POST /Dummy HTTP/1.1\r\nHost: x\r\n" +
		"name: Dummy\r\ntimeout: 12.0\r\n" +
		"bt_header_axon_ip: 5.6.7.8\r\nbt_header_axon_port: 8091\r\n" +
		"bt_header_axon_hotkey: 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty\r\n" +
		"bt_header_dendrite_ip: 1.2.3.4\r\nbt_header_dendrite_version: 10002000\r\n" +
		"bt_header_dendrite_nonce: 1718000000123456789\r\n" +
		"bt_header_dendrite_uuid: 5ecbd69c-1cec-11ee-b0dc-e29ce36fec1a\r\n" +
		"bt_header_dendrite_hotkey: 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\r\n" +
		"bt_header_dendrite_signature: 0xd004\r\n" +
		"bt_header_input_obj_dummy_input: MA==\r\n" +
		"header_size: 640\r\ntotal_size: 3012\r\n" +
		"computed_body_hash: 4fae6364bdbf7a0def40e782ea7656d4bc96dd42a6eaf71d62b977d74e733ecf\r\n" +
		"Content-Length: 0\r\n\r\n"
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	require.NoError(t, err)
	got, err := synapse.FromHeaders(req.Header)
	require.NoError(t, err)
	want := sampleDummy().Base
	want.HeaderSize, want.TotalSize = 640, 3012
	want.Name = "Dummy"
	require.Equal(t, want, got)
}

func TestFromHeaders_RoundTrip(t *testing.T) {
	d := sampleDummy()
	d.Name = "Dummy"
	d.Axon.StatusCode, d.Axon.StatusMessage, d.Axon.ProcessTime = 403, "Forbidden. Key is blacklisted: x.", 1e-05
	d.Timeout = 0.5
	h := http.Header{}
	synapse.WriteHeaders(h, d)
	got, err := synapse.FromHeaders(h)
	require.NoError(t, err)
	require.Equal(t, d.Base, got)
}

func TestFromHeaders_Defaults(t *testing.T) {
	got, err := synapse.FromHeaders(http.Header{})
	require.NoError(t, err)
	require.Equal(t, synapse.Base{Timeout: synapse.DefaultTimeout}, got)
}

func TestFromHeaders_Malformed(t *testing.T) {
	for _, c := range []struct{ key, value string }{
		{"timeout", "soon"},
		{"timeout", "nan"},
		{"timeout", "inf"},
		{"timeout", "-1"},
		{"total_size", "1.5"},
		{"header_size", "x"},
		{"bt_header_dendrite_nonce", "1718000000.5"},
		{"bt_header_dendrite_nonce", "99999999999999999999"},
		{"bt_header_dendrite_version", "7.2.0"},
		{"bt_header_dendrite_port", "http"},
		{"bt_header_axon_status_code", ""},
		{"bt_header_axon_process_time", "fast"},
	} {
		t.Run(c.key+"="+c.value, func(t *testing.T) {
			h := http.Header{}
			h.Set(c.key, c.value)
			_, err := synapse.FromHeaders(h)
			require.ErrorIs(t, err, synapse.ErrHeader)
			require.Contains(t, err.Error(), c.key)
		})
	}
}

// FuzzFromHeaders feeds arbitrary values to two protocol headers: parsing
// never panics, and whatever parses survives WriteHeaders unchanged.
func FuzzFromHeaders(f *testing.F) {
	keys := []string{"name", "timeout", "total_size", "header_size", "computed_body_hash",
		"bt_header_dendrite_nonce", "bt_header_dendrite_version", "bt_header_dendrite_port",
		"bt_header_dendrite_process_time", "bt_header_axon_status_code", "bt_header_dendrite_hotkey",
		"bt_header_axon_status_message", "bt_header_dendrite_signature"}
	f.Add(uint8(1), "12.0", uint8(5), "1718000000123456789")
	f.Add(uint8(1), "1e-05", uint8(6), "10002000")
	f.Add(uint8(2), " 7 ", uint8(8), "0.0")
	f.Add(uint8(9), "+200", uint8(0), "Dummy")
	f.Add(uint8(1), "0x1p-2", uint8(3), "-0")
	f.Fuzz(func(t *testing.T, k1 uint8, v1 string, k2 uint8, v2 string) {
		h := http.Header{}
		h.Set(keys[int(k1)%len(keys)], v1)
		h.Set(keys[int(k2)%len(keys)], v2)
		b, err := synapse.FromHeaders(h)
		if err != nil {
			require.ErrorIs(t, err, synapse.ErrHeader)
			return
		}
		out := http.Header{}
		syn := &synapse.Ping{Base: b}
		synapse.WriteHeaders(out, syn)
		again, err := synapse.FromHeaders(out)
		require.NoError(t, err)
		require.Equal(t, synapse.BodyHash(syn), again.ComputedBodyHash, "the hash is recomputed")
		again.ComputedBodyHash = b.ComputedBodyHash
		if b.Name == "" {
			again.Name = ""
		}
		if b.Timeout == 0 { // written as the default, as Python has no unset timeout
			again.Timeout = 0
		}
		require.Equal(t, b, again)
	})
}

// TestTerminalInfo_PythonJSON decodes model_dump's form, nulls included.
func TestTerminalInfo_PythonJSON(t *testing.T) {
	var ti synapse.TerminalInfo
	require.NoError(t, json.Unmarshal([]byte(`{"status_code": null, "status_message": null, "process_time": 0.5,
		"ip": "1.2.3.4", "port": 8091, "version": 10002000, "nonce": 1718000000123456789,
		"uuid": "u", "hotkey": "5Grw", "signature": null}`), &ti))
	require.Equal(t, synapse.TerminalInfo{ProcessTime: 0.5, IP: "1.2.3.4", Port: 8091, Version: 10002000,
		Nonce: 1718000000123456789, UUID: "u", Hotkey: "5Grw"}, ti)
	out, err := json.Marshal(synapse.TerminalInfo{StatusCode: 200, Nonce: 7})
	require.NoError(t, err)
	require.JSONEq(t, `{"status_code": 200, "nonce": 7}`, string(out))
}
