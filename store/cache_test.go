package store

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// model is the reference the store is checked against: a plain map.
type model map[string]string

func (m model) between(start, end []byte, desc bool) [][2]string {
	var out [][2]string
	for k, v := range m {
		if start != nil && k < string(start) || end != nil && k >= string(end) {
			continue
		}
		out = append(out, [2]string{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] != desc })
	return out
}

func collect(it Iterator) [][2]string {
	defer it.Close()
	var out [][2]string
	for ; it.Valid(); it.Next() {
		out = append(out, [2]string{string(it.Key()), string(it.Value())})
	}
	return out
}

func requireSame(t *testing.T, m model, r Reader) {
	t.Helper()
	for _, rng := range [][2][]byte{{nil, nil}, {[]byte("b"), []byte("d")}, {[]byte("c"), nil}, {nil, []byte("c")}} {
		require.Equal(t, m.between(rng[0], rng[1], false), collect(r.Iterator(rng[0], rng[1])), "range %q", rng)
		require.Equal(t, m.between(rng[0], rng[1], true), collect(r.ReverseIterator(rng[0], rng[1])), "reverse range %q", rng)
	}
	for _, k := range []string{"a", "b", "bb", "c", "d", "e"} {
		v, ok := m[k]
		require.Equal(t, ok, r.Has([]byte(k)), k)
		if ok {
			require.Equal(t, v, string(r.Get([]byte(k))), k)
		} else {
			require.Nil(t, r.Get([]byte(k)), k)
		}
	}
}

// TestCache_MatchesModel applies random writes to two nested caches over a
// store and checks every read and iteration against maps, before and after
// each Write.
func TestCache_MatchesModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	keys := []string{"a", "b", "ba", "bb", "c", "ca", "d", "e"}
	s := OpenMemory()
	base := model{}
	for i := 0; i < 200; i++ {
		outer := NewCache(s)
		inner := NewCache(outer)
		outerM := base.with(nil)
		innerWrites := map[string]*string{} // nil: deleted
		for j := 0; j < 10; j++ {
			k := keys[rng.IntN(len(keys))]
			var v *string
			if rng.IntN(4) > 0 {
				s := fmt.Sprintf("v%d", rng.IntN(1000))
				v = &s
			}
			if rng.IntN(3) == 0 { // write the outer cache under the inner one
				write(outer, k, v)
				outerM = outerM.with(map[string]*string{k: v})
			} else {
				write(inner, k, v)
				innerWrites[k] = v
			}
			requireSame(t, outerM, outer)
			requireSame(t, outerM.with(innerWrites), inner)
		}
		inner.Write()
		outerM = outerM.with(innerWrites)
		requireSame(t, outerM, outer)
		requireSame(t, outerM, inner)
		if rng.IntN(2) == 0 {
			outer.Write()
			base = outerM
		}
		requireSame(t, base, s)
	}
}

// with returns a copy of m with writes applied (a nil value deletes).
func (m model) with(writes map[string]*string) model {
	out := model{}
	for k, v := range m {
		out[k] = v
	}
	for k, v := range writes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = *v
		}
	}
	return out
}

func write(kv KV, k string, v *string) {
	if v == nil {
		kv.Delete([]byte(k))
	} else {
		kv.Set([]byte(k), []byte(*v))
	}
}

func TestCache_WriteInSortedOrder(t *testing.T) {
	rec := &recorder{Reader: OpenMemory()}
	c := NewReadCache(rec)
	require.Nil(t, c.Get([]byte("r"))) // remembered reads are never written back
	c.Set([]byte("c"), []byte("3"))
	c.Set([]byte("a"), []byte("1"))
	c.Delete([]byte("b"))
	c.Set([]byte("a"), []byte("2"))
	c.Write()
	require.Equal(t, []string{"set a=2", "del b", "set c=3"}, rec.ops)
	require.Zero(t, c.Len())
}

// TestReadCache_MatchesModel checks a read cache under a plain cache
// against maps, with reads and writes mixed, over a committed store.
func TestReadCache_MatchesModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	keys := []string{"a", "b", "ba", "c", "d"}
	s := OpenMemory()
	s.Set([]byte("b"), []byte("base"))
	s.Set([]byte("d"), []byte("base"))
	_, _, err := s.Commit()
	require.NoError(t, err)
	base := model{"b": "base", "d": "base"}
	for i := 0; i < 100; i++ {
		block := NewReadCache(s)
		blockM := base.with(nil)
		for j := 0; j < 5; j++ {
			tx := NewCache(block)
			writes := map[string]*string{}
			for k := 0; k < 4; k++ {
				key := keys[rng.IntN(len(keys))]
				tx.Get([]byte(key)) // read first, so the block cache remembers
				var v *string
				if rng.IntN(3) > 0 {
					s := fmt.Sprintf("v%d", rng.IntN(100))
					v = &s
				}
				write(tx, key, v)
				writes[key] = v
				requireSame(t, blockM.with(writes), tx)
			}
			if rng.IntN(2) == 0 {
				tx.Write()
				blockM = blockM.with(writes)
			}
			requireSame(t, blockM, block)
		}
		block.Write()
		base = blockM
		requireSame(t, base, s)
	}
}

func TestCache_CopiesArguments(t *testing.T) {
	c := NewCache(OpenMemory())
	k, v := []byte("key"), []byte("value")
	c.Set(k, v)
	k[0], v[0] = 'X', 'X'
	require.Equal(t, "value", string(c.Get([]byte("key"))))
}

func TestCache_IteratorIgnoresLaterWrites(t *testing.T) {
	c := NewCache(OpenMemory())
	c.Set([]byte("a"), []byte("1"))
	it := c.Iterator(nil, nil)
	c.Set([]byte("b"), []byte("2"))
	require.Equal(t, [][2]string{{"a", "1"}}, collect(it))
}

func TestCache_RejectsBadArguments(t *testing.T) {
	c := NewCache(OpenMemory())
	require.PanicsWithValue(t, "store: empty key", func() { c.Set(nil, []byte{}) })
	require.PanicsWithValue(t, "store: nil value", func() { c.Set([]byte("k"), nil) })
	require.PanicsWithValue(t, "store: Write on a cache over a read-only parent", func() {
		s := OpenMemory()
		s.Set([]byte("k"), []byte("v"))
		_, _, err := s.Commit()
		require.NoError(t, err)
		ro := NewCache(s.Latest())
		ro.Set([]byte("k"), []byte("w"))
		ro.Write()
	})
}

func TestPrefixEnd(t *testing.T) {
	for _, tc := range []struct{ in, want []byte }{
		{[]byte{1}, []byte{2}},
		{[]byte{1, 0xff}, []byte{2}},
		{[]byte{0xff, 0xff}, nil},
		{nil, nil},
	} {
		require.True(t, bytes.Equal(tc.want, PrefixEnd(tc.in)), "%x", tc.in)
	}
}

// recorder is a KV that logs writes, to observe Cache.Write's order.
type recorder struct {
	ops []string
	Reader
}

func (r *recorder) Set(k, v []byte) { r.ops = append(r.ops, fmt.Sprintf("set %s=%s", k, v)) }
func (r *recorder) Delete(k []byte) { r.ops = append(r.ops, fmt.Sprintf("del %s", k)) }
