package weights

import (
	"encoding/binary"
	"math"
	"testing"
)

// FuzzConvertForEmit: any finite non-negative weights convert to a row the
// chain accepts as is — max 65535, no zeros, uids kept in order — and
// anything else is an error, never a panic.
func FuzzConvertForEmit(f *testing.F) {
	f.Add([]byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0x3f}) // 1.0, 0.5
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{0, 0, 0xc0, 0x7f}) // NaN
	f.Fuzz(func(t *testing.T, raw []byte) {
		n := len(raw) / 4
		w := make([]float32, n)
		uids := make([]int, n)
		finite := true
		for i := range w {
			w[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
			uids[i] = i
			if math.IsNaN(float64(w[i])) || math.IsInf(float64(w[i]), 0) || w[i] < 0 {
				finite = false
			}
		}
		gotUIDs, vals, err := ConvertForEmit(uids, w)
		if !finite {
			if err == nil {
				t.Fatalf("weights %v accepted", w)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(gotUIDs) != len(vals) {
			t.Fatalf("%d uids, %d values", len(gotUIDs), len(vals))
		}
		var mx uint16
		for i, v := range vals {
			if v == 0 {
				t.Fatalf("zero kept at uid %d", gotUIDs[i])
			}
			if i > 0 && gotUIDs[i] <= gotUIDs[i-1] {
				t.Fatalf("uids out of order: %v", gotUIDs)
			}
			mx = max(mx, v)
		}
		if len(vals) > 0 && mx != math.MaxUint16 {
			t.Fatalf("max %d, want 65535", mx)
		}
	})
}
