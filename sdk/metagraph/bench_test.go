package metagraph_test

import (
	"context"
	"testing"

	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/sdk/metagraph"
)

// benchSync measures a lite sync without a cached snapshot: the request
// through the real API handler on a committed IAVL state of a populated
// subnet (64 validators weighting every uid, with bonds), the transfer
// over loopback, decoding and the conversion to a Snapshot.
func benchSync(b *testing.B, neurons int) {
	h := testutil.NewHarness(b, testutil.Genesis(0))
	sn := testutil.PopulatedSubnet(h, neurons, 64)
	c := serve(b, h, nil)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		s, err := metagraph.Sync(ctx, c, sn.NetUID)
		if err != nil {
			b.Fatal(err)
		}
		if s.N != neurons {
			b.Fatalf("%d neurons, want %d", s.N, neurons)
		}
	}
}

// BenchmarkSync256: a 256-uid lite sync.
func BenchmarkSync256(b *testing.B) { benchSync(b, 256) }

// BenchmarkSync4096: a 4,096-uid lite sync; target ≤ 100 ms.
func BenchmarkSync4096(b *testing.B) { benchSync(b, 4096) }

// BenchmarkSyncNotModified4096: a sync when no block has been committed
// since the snapshot held (a 304).
func BenchmarkSyncNotModified4096(b *testing.B) {
	h := testutil.NewHarness(b, testutil.Genesis(0))
	sn := testutil.PopulatedSubnet(h, 4096, 64)
	mg := metagraph.New(serve(b, h, nil), sn.NetUID)
	ctx := context.Background()
	first, err := mg.Sync(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if s, err := mg.Sync(ctx); err != nil || s != first {
			b.Fatal("not served from the cache", err)
		}
	}
}
