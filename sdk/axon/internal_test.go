package axon

import (
	"context"
	"encoding/json"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/sdk/synapse"
	"github.com/gotensor/gotensor/tao"
)

type nonceVectors struct {
	Window struct {
		AllowedDeltaNS int64 `json:"ALLOWED_DELTA_ns"`
		Examples       []struct {
			Now       int64   `json:"now_ns"`
			Timeout   float64 `json:"timeout_s"`
			Nonce     int64   `json:"nonce"`
			FirstSeen bool    `json:"first_seen"`
			Last      int64   `json:"last_nonce"`
			Accepted  bool    `json:"accepted"`
		} `json:"examples"`
	} `json:"nonce_window"`
	Published struct {
		Cases [][2]any `json:"cases_offset_seconds_to_accepted"`
	} `json:"sdk_nonce_window_test"`
}

func window(timeout float64) int64 {
	return int64(AllowedDelta) + int64(timeout*float64(time.Second))
}

func TestNonce_Vectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/nonce_vectors.json")
	require.NoError(t, err)
	var v nonceVectors
	require.NoError(t, json.Unmarshal(raw, &v))
	require.Equal(t, int64(AllowedDelta), v.Window.AllowedDeltaNS)
	k := nonceKey{uuid: "u"}
	for i, ex := range v.Window.Examples {
		c := newNonceCache(16, window(120), int64(DefaultMaxClockSkew))
		if !ex.FirstSeen {
			require.NoError(t, c.commit(k, ex.Last, ex.Now, window(ex.Timeout)))
		}
		err := c.commit(k, ex.Nonce, ex.Now, window(ex.Timeout))
		require.Equal(t, ex.Accepted, err == nil, "example %d: %v", i, err)
	}
	// Bittensor's test_nonce_within_allowed_window: timeout 12 s, a first
	// nonce offset seconds in the past.
	require.NotEmpty(t, v.Published.Cases)
	now := time.Now().UnixNano()
	for _, c := range v.Published.Cases {
		offset, accepted := int64(c[0].(float64)), c[1].(bool)
		cache := newNonceCache(16, window(120), int64(DefaultMaxClockSkew))
		err := cache.check(k, now-offset*int64(time.Second), now, window(12))
		require.Equal(t, accepted, err == nil, "offset %ds: %v", offset, err)
	}
}

func TestNonce_Future(t *testing.T) {
	c := newNonceCache(16, window(120), int64(time.Second))
	k := nonceKey{uuid: "u"}
	require.NoError(t, c.commit(k, 1_000+int64(time.Second), 1_000, window(12)))
	require.ErrorIs(t, c.commit(k, 1_001+2*int64(time.Second), 1_000, window(12)), errNonce)
}

// TestNonce_BoundedWithoutReplay fills the cache past its size and checks
// that evicted keys' old nonces are still refused.
func TestNonce_BoundedWithoutReplay(t *testing.T) {
	const size = 4
	c := newNonceCache(size, window(120), int64(DefaultMaxClockSkew))
	now := int64(1_718_000_000) * int64(time.Second)
	keyOf := func(i int) nonceKey { return nonceKey{hotkey: tao.AccountID{byte(i)}, uuid: "u"} }
	for i := range 10 {
		require.NoError(t, c.commit(keyOf(i), now+int64(i), now+int64(i), window(12)))
	}
	require.Equal(t, size, c.len())
	// Key 0 was evicted; its nonce is still inside the first-nonce window,
	// but the floor refuses its replay.
	err := c.check(keyOf(0), now, now+10, window(12))
	require.ErrorIs(t, err, errNonce)
	// A new key with a current nonce is accepted.
	require.NoError(t, c.commit(keyOf(99), now+100, now+100, window(12)))

	// Entries expire once no window can reach them, with no floor raised.
	later := now + window(120) + 1_000
	require.NoError(t, c.commit(keyOf(50), later, later, window(12)))
	require.Equal(t, 1, c.len())
}

func TestLimiter(t *testing.T) {
	l := newLimiter(10, 3, 2)
	t0 := time.Unix(1_000, 0)
	a, b, cc := tao.AccountID{1}, tao.AccountID{2}, tao.AccountID{3}
	for range 3 {
		require.True(t, l.allow(a, t0))
	}
	require.False(t, l.allow(a, t0), "burst spent")
	for range 3 {
		require.True(t, l.allow(b, t0), "another hotkey has its own bucket")
	}
	require.True(t, l.allow(a, t0.Add(100*time.Millisecond)), "one token back after 1/rate")
	require.False(t, l.allow(a, t0.Add(100*time.Millisecond)))
	require.False(t, l.allow(cc, t0.Add(200*time.Millisecond)), "table full of active hotkeys")
	require.True(t, l.allow(cc, t0.Add(2*time.Second)), "idle buckets are swept")
	require.True(t, newLimiter(-1, 0, 0).allow(a, t0), "negative rate disables")

	// Out-of-order arrival times never refill the same interval twice.
	l = newLimiter(10, 1, 10)
	require.True(t, l.allow(a, t0))
	require.True(t, l.allow(a, t0.Add(100*time.Millisecond)))
	require.False(t, l.allow(a, t0.Add(50*time.Millisecond)))
	require.False(t, l.allow(a, t0.Add(150*time.Millisecond)), "only half a token since 100ms")
}

func TestScheduler_PriorityOrder(t *testing.T) {
	s := newScheduler(1, 3, func(int) {})
	ctx := context.Background()
	require.NoError(t, s.acquire(ctx, 0)) // the only worker is busy
	var (
		mu    sync.Mutex
		order []float64
		wg    sync.WaitGroup
	)
	for i, p := range []float64{1, 3, 2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s.acquire(ctx, p) == nil {
				mu.Lock()
				order = append(order, p)
				mu.Unlock()
				s.release()
			}
		}()
		// Wait until it is queued, so arrival order is fixed.
		require.Eventually(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return len(s.waiting) == i+1 }, time.Second, time.Millisecond)
	}
	// The queue is full: a low priority newcomer is refused, a high one
	// displaces the lowest waiter (priority 1).
	require.ErrorIs(t, s.acquire(ctx, 0.5), errQueueFull)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if s.acquire(ctx, 5) == nil {
			mu.Lock()
			order = append(order, 5)
			mu.Unlock()
			s.release()
		}
	}()
	require.Eventually(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.waiting) == 3 && s.waiting[0].prio == 5
	}, time.Second, time.Millisecond)
	s.release()
	wg.Wait()
	require.Equal(t, []float64{5, 3, 2}, order)
	require.Equal(t, 1, s.free)
}

func TestScheduler_Deadline(t *testing.T) {
	s := newScheduler(1, 4, func(int) {})
	require.NoError(t, s.acquire(context.Background(), 0))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, s.acquire(ctx, 1), context.DeadlineExceeded)
	require.Empty(t, s.waiting)
	s.release()
	require.Equal(t, 1, s.free)
}

// FuzzDecodeBody feeds arbitrary bodies to the body decoder: it never
// panics, and a body it accepts survives re-encoding.
func FuzzDecodeBody(f *testing.F) {
	f.Add([]byte(`{"dummy_input": 5, "dendrite": {"nonce": 1718000000123456789, "hotkey": null}}`))
	f.Add([]byte(`{"name": "Dummy", "timeout": 12.0, "total_size": 0, "header_size": 0, "dendrite": {}, "axon": {}, "computed_body_hash": "", "dummy_input": 1, "dummy_output": null}`))
	f.Add([]byte(`{"dummy_input": "x"}`))
	f.Add([]byte(`[1, 2]`))
	f.Add([]byte(`{"axon": {"status_code": 1e400}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var d fuzzDummy
		if rf := decodeBody(body, &d, "Dummy"); rf != nil {
			require.Contains(t, []int{400, 422}, rf.code)
			return
		}
		synapse.BodyHash(&d)
		again, err := json.Marshal(&d)
		require.NoError(t, err)
		var d2 fuzzDummy
		require.Nil(t, decodeBody(again, &d2, "Dummy"))
		require.Equal(t, d, d2)
	})
}

type fuzzDummy struct {
	synapse.Base
	DummyInput  int      `json:"dummy_input"`
	DummyOutput *int     `json:"dummy_output"`
	Texts       []string `json:"texts"`
}

func (d *fuzzDummy) HashFields() []any { return []any{d.DummyInput, d.Texts} }
