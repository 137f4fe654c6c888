package api

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/api/apitypes"
)

func TestHub_DropsSlowSubscriber(t *testing.T) {
	h := newHub(2)
	ch, cancel := h.subscribe(false)
	defer cancel()
	for i := 1; i <= 3; i++ {
		h.publish(apitypes.Block{Height: int64(i)})
	}
	var heights []int64
	for f := range ch {
		heights = append(heights, f.height)
	}
	require.Equal(t, []int64{1, 2}, heights, "the third block overflowed the buffer and closed the stream")
}

func FuzzParseTxBody(f *testing.F) {
	f.Add("application/json", []byte(`{"tx":"AQID"}`))
	f.Add("application/json", []byte(`{"tx":"0x010203"}`))
	f.Add("application/octet-stream", []byte{1, 2, 3})
	f.Add("", []byte(`{"tx":""}`))
	f.Add("application/json; charset=utf-8", []byte(`{"tx":"AQID"}{}`))
	f.Add("text/plain", []byte("x"))
	f.Add("application/json", []byte(`{"tx":"AQID","extra":true}`))
	f.Fuzz(func(t *testing.T, ctype string, body []byte) {
		raw, status, e := parseTxBody(ctype, body)
		if e != nil {
			if status < 400 || status > 499 || raw != nil || e.Message == "" {
				t.Fatalf("bad failure: status %d raw %x err %+v", status, raw, e)
			}
			return
		}
		if len(raw) == 0 {
			t.Fatal("accepted an empty transaction")
		}
	})
}

// TestRoutesDocumented keeps docs/openapi.yaml and docs/api.md true to
// routes.go.
func TestRoutesDocumented(t *testing.T) {
	spec, err := os.ReadFile("../docs/openapi.yaml")
	require.NoError(t, err)
	prose, err := os.ReadFile("../docs/api.md")
	require.NoError(t, err)
	s := New(Config{}, nil, nil)
	for _, r := range s.routes() {
		require.Contains(t, string(spec), "\n  "+r.path+":\n", "openapi.yaml lacks %s", r.path)
		require.Contains(t, string(spec), "\n    "+strings.ToLower(r.method)+":", "openapi.yaml lacks %s", r.method)
		require.Contains(t, string(prose), "`"+r.method+" "+r.path+"`", "api.md lacks %s %s", r.method, r.path)
	}
}

func FuzzParseBatch(f *testing.F) {
	f.Add([]byte(`{"txs": ["AQID", "0x0102"]}`))
	f.Add([]byte(`{"txs": []}`))
	f.Add([]byte(`{"txs": ["AQID"]}{}`))
	f.Add([]byte(`{"txs": [""]}`))
	f.Add([]byte(`{"txs": "AQID"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		txs, e := parseBatch(body)
		if e != nil {
			if txs != nil || e.Message == "" {
				t.Fatalf("bad failure: %v %+v", txs, e)
			}
			return
		}
		if len(txs) == 0 || len(txs) > apitypes.MaxBatch {
			t.Fatalf("accepted a batch of %d", len(txs))
		}
		for i, tx := range txs {
			if len(tx) == 0 {
				t.Fatalf("accepted an empty transaction at %d", i)
			}
		}
	})
}
