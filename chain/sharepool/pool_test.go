package sharepool

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
	"github.com/stretchr/testify/require"
)

func sh(n uint64) fixed.U64F64 { return fixed.U64F64FromUint(n) }

func TestPool_Basics(t *testing.T) {
	var p Pool
	a, err := p.Stake(fixed.U64F64{}, 1000)
	require.NoError(t, err)
	require.Equal(t, sh(1000), a, "the first staker gets one share per rao")
	require.Equal(t, Pool{Shared: 1000, Total: sh(1000)}, p)

	b, err := p.Stake(fixed.U64F64{}, 3000)
	require.NoError(t, err)
	require.Equal(t, sh(3000), b)

	require.NoError(t, p.Distribute(400)) // 10% each
	require.Equal(t, tao.Rao(1100), p.Value(a))
	require.Equal(t, tao.Rao(3300), p.Value(b))

	// A new staker buys at the new value per share: 1100 rao → 1000 shares.
	c, err := p.Stake(fixed.U64F64{}, 1100)
	require.NoError(t, err)
	require.Equal(t, sh(1000), c)

	a, err = p.Unstake(a, 550)
	require.NoError(t, err)
	require.Equal(t, sh(500), a)
	require.Equal(t, tao.Rao(550), p.Value(a))

	v, err := p.UnstakeAll(b)
	require.NoError(t, err)
	require.Equal(t, tao.Rao(3300), v)
	require.Equal(t, Pool{Shared: 1650, Total: sh(1500)}, p)
}

func TestPool_ValueFloors(t *testing.T) {
	p := Pool{Shared: 10, Total: sh(3)}
	require.Equal(t, tao.Rao(3), p.Value(sh(1)), "10/3 floors")
	require.Equal(t, tao.Rao(10), p.Value(sh(3)))
	require.Zero(t, Pool{}.Value(sh(5)))
}

func TestPool_Errors(t *testing.T) {
	p := Pool{Shared: 1000, Total: sh(1000)}
	for _, tc := range []struct {
		name string
		pool Pool
		op   func(*Pool) error
		want error
	}{
		{"unstake more than the holder's value", p, func(p *Pool) error { _, err := p.Unstake(sh(10), 11); return err }, ErrInsufficient},
		{"distribute into an empty pool", Pool{}, func(p *Pool) error { return p.Distribute(5) }, ErrEmpty},
		{"distribution overflows", p, func(p *Pool) error { return p.Distribute(math.MaxUint64) }, ErrOverflow},
		{"stake overflows", p, func(p *Pool) error { _, err := p.Stake(sh(1), math.MaxUint64); return err }, ErrOverflow},
		{"shares without value", Pool{Total: sh(1)}, func(p *Pool) error { _, err := p.Stake(fixed.U64F64{}, 5); return err }, ErrInconsistent},
		{"value without shares", Pool{Shared: 9}, func(p *Pool) error { return p.Distribute(1) }, ErrInconsistent},
		{"holder above the total", p, func(p *Pool) error { _, err := p.UnstakeAll(sh(1001)); return err }, ErrInconsistent},
		{"stake into a coarse pool", Pool{Shared: 1 << 40, Total: fixed.U64F64FromBits(0, 1<<40-1)}, func(p *Pool) error { _, err := p.Stake(fixed.U64F64{}, 1<<30); return err }, ErrImprecise},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.pool
			require.ErrorIs(t, tc.op(&q), tc.want)
			require.Equal(t, tc.pool, q, "the pool is unchanged")
		})
	}
}

func TestPool_SoleHolderKeepsRemainder(t *testing.T) {
	// A dust pool worth 2^40 rao per share unit: burning ceil(amount·T/S)
	// would take every share; the holder keeps one unit for the rest.
	p := Pool{Shared: 3 << 40, Total: fixed.U64F64FromBits(0, 3)}
	holder, err := p.Unstake(p.Total, 1<<40+1)
	require.NoError(t, err)
	require.Equal(t, fixed.U64F64FromBits(0, 1), holder)
	require.Equal(t, Pool{Shared: 2<<40 - 1, Total: fixed.U64F64FromBits(0, 1)}, p)
	require.Equal(t, p.Shared, p.Value(holder), "the remainder still belongs to the holder")
}

// A long random history of stakes, unstakes, exits and distributions over
// several holders never creates or loses rao: the pool's value is exactly
// what came in minus what went out, the holders' values sum to at most that
// (less than one rao of dust per holder), no operation lowers another
// holder's value, and no holder gains more than it staked.
func TestPool_NeverCreatesRao(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 99))
		var p Pool
		holders := make([]fixed.U64F64, 1+rng.IntN(8))
		var in, out uint64
		amount := func() tao.Rao { return tao.Rao(rng.Uint64N(1 << (1 + rng.UintN(50)))) }
		for step := range 2000 {
			before := make([]tao.Rao, len(holders))
			for i, h := range holders {
				before[i] = p.Value(h)
			}
			i := rng.IntN(len(holders))
			switch op := rng.IntN(10); {
			case op < 4:
				a := amount()
				coarse := p.coarse()
				h, err := p.Stake(holders[i], a)
				if err != nil {
					require.True(t, coarse, "seed %d step %d: %v", seed, step, err)
					require.ErrorIs(t, err, ErrImprecise)
					break
				}
				holders[i] = h
				in += uint64(a)
				require.LessOrEqual(t, p.Value(h), before[i]+a, "a staker gains at most its stake")
			case op < 7:
				a := tao.Rao(rng.Uint64N(uint64(before[i]) + 1))
				coarse := p.coarse()
				h, err := p.Unstake(holders[i], a)
				require.NoError(t, err)
				holders[i] = h
				out += uint64(a)
				if !coarse {
					require.GreaterOrEqual(t, p.Value(h)+a+1, before[i], "an unstaker loses at most one rao to rounding")
				}
			case op < 8:
				v, err := p.UnstakeAll(holders[i])
				require.NoError(t, err)
				require.Equal(t, before[i], v)
				holders[i] = fixed.U64F64{}
				out += uint64(v)
			default:
				a := amount()
				if err := p.Distribute(a); err != nil {
					require.ErrorIs(t, err, ErrEmpty)
					require.Zero(t, p.Shared)
					break
				}
				in += uint64(a)
			}

			require.Equal(t, in-out, uint64(p.Shared), "seed %d step %d: conservation", seed, step)
			total, sum := fixed.U64F64{}, uint64(0)
			for j, h := range holders {
				total = total.Add(h)
				v := p.Value(h)
				sum += uint64(v)
				if j != i {
					require.GreaterOrEqual(t, v, before[j], "seed %d step %d: holder %d lost value", seed, step, j)
				}
			}
			require.Equal(t, p.Total, total, "the denominator is the sum of the shares")
			require.LessOrEqual(t, sum, uint64(p.Shared))
			require.Less(t, uint64(p.Shared)-sum, uint64(len(holders))+1, "dust below one rao per holder")
			require.Equal(t, p.Total.IsZero(), p.Shared == 0)
		}
	}
}

func TestPool_CoarseAfterDrainAndPump(t *testing.T) {
	// One drain-and-pump cycle cannot make a pool coarse (a rao starts as
	// 2^64 share units and a pool holds under 2^64 rao); two can.
	var p Pool
	h, err := p.Stake(fixed.U64F64{}, 1)
	require.NoError(t, err)
	require.NoError(t, p.Distribute(1<<62))
	require.False(t, p.coarse())
	h, err = p.Unstake(h, 1<<62) // leaves one rao on a few share units
	require.NoError(t, err)
	require.Equal(t, tao.Rao(1), p.Shared)
	require.NoError(t, p.Distribute(1<<40))
	require.True(t, p.coarse())
	_, err = p.Stake(fixed.U64F64{}, tao.RaoPerTAO)
	require.ErrorIs(t, err, ErrImprecise)
	v, err := p.UnstakeAll(h)
	require.NoError(t, err)
	require.Equal(t, tao.Rao(1<<40+1), v, "the holder still gets everything")
	require.Equal(t, Pool{}, p, "and the empty pool starts afresh")
	_, err = p.Stake(fixed.U64F64{}, tao.RaoPerTAO)
	require.NoError(t, err)
}

func BenchmarkStake(b *testing.B) {
	p := Pool{Shared: 1_234_567_890_123, Total: sh(1_000_000_000_000)}
	for b.Loop() {
		q := p
		if _, err := q.Stake(sh(5), 987_654_321); err != nil {
			b.Fatal(err)
		}
	}
}
