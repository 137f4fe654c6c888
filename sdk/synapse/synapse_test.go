package synapse_test

import (
	"encoding/json"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/sdk/synapse"
	"github.com/gotensor/gotensor/tao"
)

func TestBase_TimeoutDuration(t *testing.T) {
	for _, c := range []struct {
		seconds float64
		want    time.Duration
	}{
		{12, 12 * time.Second},
		{0.25, 250 * time.Millisecond},
		{0, 12 * time.Second},
		{-1, 12 * time.Second},
		{math.NaN(), 12 * time.Second},
		{math.Inf(1), 12 * time.Second},
		{1e300, math.MaxInt64},
	} {
		b := synapse.Base{Timeout: c.seconds}
		require.Equal(t, c.want, b.TimeoutDuration(), "%v", c.seconds)
	}
}

func TestBase_StatusAndMerge(t *testing.T) {
	var b synapse.Base
	b.Dendrite = synapse.TerminalInfo{StatusCode: 200, Hotkey: "mine", Nonce: 5}
	require.True(t, b.IsSuccess())
	for _, c := range []struct { // in order: the last code stays for the merge below
		code  int
		check func() bool
	}{{408, b.IsTimeout}, {403, b.IsBlacklisted}, {401, b.FailedVerification}} {
		b.Dendrite.StatusCode = c.code
		require.True(t, c.check(), "%d", c.code)
		require.False(t, b.IsSuccess())
	}
	// Server values win; fields the server left unset do not erase ours.
	b.Merge(synapse.Base{
		Dendrite: synapse.TerminalInfo{IP: "1.2.3.4", Port: 5000},
		Axon:     synapse.TerminalInfo{StatusCode: 200, StatusMessage: "Success", ProcessTime: 0.5, Version: 1, Nonce: 9, UUID: "u", Hotkey: "theirs", Signature: "0x1"},
	})
	require.Equal(t, synapse.TerminalInfo{StatusCode: 401, Hotkey: "mine", Nonce: 5, IP: "1.2.3.4", Port: 5000}, b.Dendrite)
	require.Equal(t, synapse.TerminalInfo{StatusCode: 200, StatusMessage: "Success", ProcessTime: 0.5, Version: 1, Nonce: 9, UUID: "u", Hotkey: "theirs", Signature: "0x1"}, b.Axon)
}

func TestValidName(t *testing.T) {
	for _, ok := range []string{"Dummy", "_x", "StreamPrompting2", "A"} {
		require.NoError(t, synapse.ValidName(ok), ok)
	}
	for _, bad := range []string{"", "2fast", "bad-name", "spa ce", "Ünicode", "a/b"} {
		require.ErrorIs(t, synapse.ValidName(bad), synapse.ErrName, bad)
	}
	require.Equal(t, "Dummy", synapse.NameOf(&Dummy{}))
	require.Equal(t, "Synapse", synapse.NameOf(&synapse.Ping{}))
}

func TestNewUUID(t *testing.T) {
	a, b := synapse.NewUUID(), synapse.NewUUID()
	require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, a)
	require.NotEqual(t, a, b)
}

// marshaled has fields whose JSON comes from their own marshalers; their
// placeholders follow the JSON they produce.
type marshaled struct {
	synapse.Base
	Key    tao.AccountID         `json:"key"`    // TextMarshaler: a string
	Scores synapse.Dict[float64] `json:"scores"` // json.Marshaler: an object
	Raw    json.RawMessage       `json:"raw"`    // a nil RawMessage is None: no header
	Bytes  []byte                `json:"bytes"`  // base64 text
	Arr    [2]int                `json:"arr"`
}

func TestWriteHeaders_MarshalerPlaceholders(t *testing.T) {
	h := http.Header{}
	synapse.WriteHeaders(h, &marshaled{Bytes: []byte{1}})
	require.Equal(t, "IiI=", h.Get("bt_header_input_obj_key"))
	require.Equal(t, "e30=", h.Get("bt_header_input_obj_scores"))
	require.Empty(t, h.Values("bt_header_input_obj_raw"))
	require.Equal(t, "IiI=", h.Get("bt_header_input_obj_bytes"))
	require.Equal(t, "W10=", h.Get("bt_header_input_obj_arr"))
}
