package yuma

import (
	"slices"

	"github.com/gotensor/gotensor/fixed"
)

// matrix is a sparse n×n matrix in compressed-row form: row i holds the
// entries col[start[i]:start[i+1]] with values val[start[i]:start[i+1]].
// Entries keep the order in which they were produced, as subtensor's
// Vec<Vec<(u16, I32F32)>> does (the order is observable in liquid alpha).
type matrix struct {
	n     int // columns (and rows): the subnet size
	start []int
	col   []uint16
	val   []fixed.I32F32
	order rowOrder // whether every row is strictly increasing and below n
}

type rowOrder uint8

const (
	orderUnknown rowOrder = iota
	orderSorted
	orderUnsorted
)

// sorted reports whether every row is strictly increasing with uids
// below n, scanning once unless a builder already knows.
func (m *matrix) sorted() bool {
	if m.order == orderUnknown {
		m.order = orderSorted
		for i := range m.rows() {
			if cols, _ := m.row(i); !sortedBelow(cols, m.n) {
				m.order = orderUnsorted
				break
			}
		}
	}
	return m.order == orderSorted
}

func newMatrix(n, capacity int) *matrix { return (*matrix)(nil).reset(n, capacity) }

// reset empties m for reuse as an n-column matrix of up to capacity
// entries (more grow it), keeping its storage; a nil m is allocated.
func (m *matrix) reset(n, capacity int) *matrix {
	if m == nil {
		m = &matrix{}
	}
	m.n, m.order = n, orderUnknown
	m.start = append(m.start[:0], 0)
	if cap(m.col) < capacity {
		m.col, m.val = make([]uint16, 0, capacity), make([]fixed.I32F32, 0, capacity)
	}
	m.col, m.val = m.col[:0], m.val[:0]
	return m
}

func (m *matrix) push(j uint16, v fixed.I32F32) {
	m.col = append(m.col, j)
	m.val = append(m.val, v)
}

// endRow closes the row being pushed.
func (m *matrix) endRow() { m.start = append(m.start, len(m.col)) }

func (m *matrix) rows() int { return len(m.start) - 1 }

func (m *matrix) row(i int) ([]uint16, []fixed.I32F32) {
	a, b := m.start[i], m.start[i+1]
	return m.col[a:b], m.val[a:b]
}

// sum adds with wrapping `+`, as Rust's iter().sum() does in release builds.
func sum(x []fixed.I32F32) fixed.I32F32 {
	var s fixed.I32F32
	for _, v := range x {
		s = s.Add(v)
	}
	return s
}

// normalize divides x by its sum in place unless the sum is 0
// (inplace_normalize).
func normalize(x []fixed.I32F32) {
	normalizeBy(x, sum(x))
}

// normalizeBy divides x by s in place unless s is 0
// (inplace_normalize_using_sum).
func normalizeBy(x []fixed.I32F32, s fixed.I32F32) {
	if s.IsZero() {
		return
	}
	for i, v := range x {
		x[i] = v.SafeDiv(s)
	}
}

// colSums returns saturating column sums over columns < n.
func (m *matrix) colSums() []fixed.I32F32 {
	n, val := m.n, m.val
	s := make([]fixed.I32F32, n)
	for k, j := range m.col {
		if int(j) < n {
			s[j] = s[j].SaturatingAdd(val[k])
		}
	}
	return s
}

// colNormalize divides every entry by its column sum where that sum is not 0
// (inplace_col_normalize_sparse).
func (m *matrix) colNormalize() {
	s := m.colSums()
	for k, j := range m.col {
		if int(j) < m.n && !s[j].IsZero() {
			m.val[k] = m.val[k].SafeDiv(s[j])
		}
	}
}

// colMaxUpscale divides every entry by its column maximum where that
// maximum is not 0 (inplace_col_max_upscale_sparse).
func (m *matrix) colMaxUpscale() {
	mx := make([]fixed.I32F32, m.n)
	for k, j := range m.col {
		if int(j) < m.n && mx[j].Less(m.val[k]) {
			mx[j] = m.val[k]
		}
	}
	for k, j := range m.col {
		if int(j) < m.n && !mx[j].IsZero() {
			m.val[k] = m.val[k].SafeDiv(mx[j])
		}
	}
}

// clip returns W̄, m with every entry above its column threshold lowered to
// it and dropped when the threshold is not positive (col_clip_sparse), and
// from the same pass the row sums of W̄ (row_sum_sparse: validator trust)
// and r_j = Σ_i stake_i·W̄_ij with saturating operations (matmul_sparse:
// ranks), accumulated in the same row-major order as subtensor.
func (m *matrix) clip(dst *matrix, threshold, stake []fixed.I32F32) (clipped *matrix, rowSums, ranks []fixed.I32F32) {
	out := dst.reset(m.n, len(m.col))
	col, val := out.col, out.val // locals keep the hot loop in registers
	rowSums = make([]fixed.I32F32, m.rows())
	ranks = make([]fixed.I32F32, m.n)
	start, mcol, mval := m.start, m.col, m.val
	for i := range m.rows() {
		cols, vals := mcol[start[i]:start[i+1]], mval[start[i]:start[i+1]]
		var s fixed.I32F32
		si := stake[i]
		for k, j := range cols {
			v := vals[k]
			if th := threshold[j]; th.Less(v) {
				if th.Cmp(fixed.I32F32{}) <= 0 {
					continue
				}
				v = th
			}
			col = append(col, j)
			val = append(val, v)
			s = s.Add(v)
			ranks[j] = ranks[j].SaturatingAdd(si.SaturatingMul(v))
		}
		rowSums[i] = s
		out.start = append(out.start, len(col))
	}
	out.col, out.val = col, val
	if m.order == orderSorted { // dropping entries keeps rows sorted
		out.order = orderSorted
	}
	return out, rowSums, ranks
}

// rowWeightedSums returns d_i = Σ_j v_j * m_ij with saturating operations
// (matmul_transpose_sparse).
func (m *matrix) rowWeightedSums(v []fixed.I32F32) []fixed.I32F32 {
	d := make([]fixed.I32F32, m.rows())
	for i := range d {
		cols, vals := m.row(i)
		var acc fixed.I32F32
		for k, j := range cols {
			var vj fixed.I32F32
			if int(j) < len(v) {
				vj = v[j]
			}
			acc = acc.SaturatingAdd(vj.SaturatingMul(vals[k]))
		}
		d[i] = acc
	}
	return d
}

// scaleRows returns m with row i multiplied by v_i (row_hadamard_sparse),
// in dst.
func (m *matrix) scaleRows(dst *matrix, v []fixed.I32F32) *matrix {
	out := dst.reset(m.n, len(m.col))
	for i := range m.rows() {
		cols, vals := m.row(i)
		for k, j := range cols {
			out.push(j, vals[k].SaturatingMul(v[i]))
		}
		out.endRow()
	}
	return out
}

// interpolate returns a + ratio*(b - a) (interpolate_sparse): a itself for
// ratio 0, b itself for ratio 1, otherwise each row densified over the n
// columns with only positive results kept, in ascending uid order, in dst.
func interpolate(dst, a, b *matrix, ratio fixed.I32F32) *matrix {
	switch ratio {
	case fixed.I32F32{}:
		return a
	case fixed.I32F32FromInt(1):
		return b
	}
	out := dst.reset(a.n, len(a.col))
	row1 := make([]fixed.I32F32, a.n)
	row2 := make([]fixed.I32F32, a.n)
	var touched []uint16
	for i := range a.rows() {
		touched = touched[:0]
		scatter := func(m *matrix, dst []fixed.I32F32) {
			cols, vals := m.row(i)
			for k, j := range cols {
				if int(j) < a.n {
					dst[j] = vals[k]
					touched = append(touched, j)
				}
			}
		}
		scatter(a, row1)
		scatter(b, row2)
		// Only touched columns can be positive: sort them instead of
		// scanning all n columns.
		slices.Sort(touched)
		touched = slices.Compact(touched)
		for _, j := range touched {
			v1, v2 := row1[j], row2[j]
			if r := v1.SaturatingAdd(ratio.SaturatingMul(v2.SaturatingSub(v1))); r.Cmp(fixed.I32F32{}) > 0 {
				out.push(j, r)
			}
			row1[j], row2[j] = fixed.I32F32{}, fixed.I32F32{}
		}
		out.endRow()
	}
	out.order = orderSorted
	return out
}

// ema returns alpha*next + (1-alpha)*prev over the union of entries, keeping
// positive results in ascending uid order (mat_ema_sparse), in dst.
func ema(dst, next, prev *matrix, alpha fixed.I32F32) *matrix {
	oneMinus := fixed.I32F32FromInt(1).SaturatingSub(alpha)
	out := dst.reset(next.n, len(next.col)+len(prev.col))
	rows := newEMARows(next.n)
	allSorted := next.sorted() && prev.sorted()
	for i := range next.rows() {
		nc, nv := next.row(i)
		pc, pv := prev.row(i)
		sorted := allSorted || sortedBelow(nc, next.n) && sortedBelow(pc, next.n)
		rows.row(out, nc, nv, pc, pv, alpha, oneMinus, sorted)
	}
	out.order = orderSorted
	return out
}

// emaRows holds the scratch space of ema's rows.
type emaRows struct {
	acc     []fixed.I32F32 // dense accumulator for rows not in uid order
	touched []uint16
}

func newEMARows(n int) *emaRows { return &emaRows{acc: make([]fixed.I32F32, n)} }

// row appends to out, as one row, alpha*next + (1-alpha)*prev over the
// union of the two rows' entries below n, the positive results in
// ascending uid order; sorted tells that both rows are strictly increasing
// and below n, so that a merge replaces the accumulator. Accumulation
// follows the dense accumulator's order (next's entries, then prev's), so
// repeated uids add up as in subtensor.
func (s *emaRows) row(out *matrix, nc []uint16, nv []fixed.I32F32, pc []uint16, pv []fixed.I32F32, alpha, oneMinus fixed.I32F32, sorted bool) {
	if sorted {
		if slices.Equal(nc, pc) { // bonds covering exactly the weights: the common case
			out.col, out.val = emaPairRow(out.col, out.val, nc, nv, pv, alpha, oneMinus)
		} else {
			out.col, out.val = emaMergeRow(out.col, out.val, nc, nv, pc, pv, alpha, oneMinus)
		}
		out.endRow()
		return
	}
	n, acc, touched := out.n, s.acc, s.touched[:0]
	for k, j := range nc {
		if int(j) < n {
			acc[j] = acc[j].SaturatingAdd(alpha.SaturatingMul(nv[k]))
			touched = append(touched, j)
		}
	}
	for k, j := range pc {
		if int(j) < n {
			acc[j] = acc[j].SaturatingAdd(oneMinus.SaturatingMul(pv[k]))
			touched = append(touched, j)
		}
	}
	slices.Sort(touched)
	touched = slices.Compact(touched)
	for _, j := range touched {
		if acc[j].Cmp(fixed.I32F32{}) > 0 {
			out.push(j, acc[j])
		}
		acc[j] = fixed.I32F32{}
	}
	out.endRow()
	s.touched = touched
}

// emaMergeRow is ema for one row whose two inputs are strictly increasing:
// a merge, with the same accumulation order as the dense accumulator.
func emaMergeRow(col []uint16, val []fixed.I32F32, nc []uint16, nv []fixed.I32F32, pc []uint16, pv []fixed.I32F32, alpha, oneMinus fixed.I32F32) ([]uint16, []fixed.I32F32) {
	a, b := 0, 0
	for a < len(nc) || b < len(pc) {
		var j uint16
		var acc fixed.I32F32
		switch {
		case b == len(pc) || (a < len(nc) && nc[a] < pc[b]):
			j, acc = nc[a], alpha.SaturatingMul(nv[a])
			a++
		case a == len(nc) || pc[b] < nc[a]:
			j, acc = pc[b], oneMinus.SaturatingMul(pv[b])
			b++
		default:
			j = nc[a]
			acc = alpha.SaturatingMul(nv[a]).SaturatingAdd(oneMinus.SaturatingMul(pv[b]))
			a++
			b++
		}
		if acc.Cmp(fixed.I32F32{}) > 0 {
			col = append(col, j)
			val = append(val, acc)
		}
	}
	return col, val
}

// emaPairRow is emaMergeRow for two rows with the same columns.
func emaPairRow(col []uint16, val []fixed.I32F32, cols []uint16, nv, pv []fixed.I32F32, alpha, oneMinus fixed.I32F32) ([]uint16, []fixed.I32F32) {
	pv = pv[:len(nv)]
	for k, j := range cols {
		acc := alpha.SaturatingMul(nv[k]).SaturatingAdd(oneMinus.SaturatingMul(pv[k]))
		if acc.Cmp(fixed.I32F32{}) > 0 {
			col = append(col, j)
			val = append(val, acc)
		}
	}
	return col, val
}

// sortedBelow reports whether cols is strictly increasing and below n.
func sortedBelow(cols []uint16, n int) bool {
	for k := 1; k < len(cols); k++ {
		if cols[k] <= cols[k-1] {
			return false
		}
	}
	return len(cols) == 0 || int(cols[len(cols)-1]) < n
}
