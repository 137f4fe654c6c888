package keys_test

import (
	"fmt"
	"testing"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
)

type signed struct {
	pub      tao.AccountID
	msg, sig []byte
}

// signedSet returns n signatures by n distinct keys over 100-byte messages,
// roughly what a block of transactions holds.
func signedSet(b *testing.B, n int) []signed {
	b.Helper()
	out := make([]signed, n)
	for i := range out {
		p := mustURI(b, fmt.Sprintf("//bench//%d", i))
		msg := make([]byte, 100)
		msg[0], msg[1] = byte(i), byte(i>>8)
		out[i] = signed{p.Public(), msg, p.Sign(msg)}
	}
	return out
}

func BenchmarkVerify(b *testing.B) {
	set := signedSet(b, 64)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := set[i%len(set)]
		if !keys.VerifyContext([]byte("substrate"), s.pub, s.msg, s.sig) {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkBatchVerify(b *testing.B) {
	for _, n := range []int{16, 64, 256} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			set := signedSet(b, n)
			bv := keys.NewBatchVerifier()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, s := range set {
					bv.Add([]byte("substrate"), s.pub, s.msg, s.sig)
				}
				if ok, _ := bv.Verify(); !ok {
					b.Fatal("invalid")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n)/1e3, "µs/sig")
		})
	}
}

func BenchmarkSign(b *testing.B) {
	p := mustURI(b, "//Alice")
	msg := make([]byte, 100)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Sign(msg)
	}
}

func BenchmarkFromURI(b *testing.B) {
	for i := 0; i < b.N; i++ {
		mustURI(b, "//Alice//stash/0")
	}
}
