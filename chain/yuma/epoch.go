package yuma

import (
	"slices"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
)

// Run computes one Yuma Consensus epoch: subtensor's sparse production path
// (epoch_mechanism, spec §1.3), bit for bit. It is a pure function of in:
// it does not modify in, keeps no state, and never panics, whatever the
// input (uids out of range in rows are ignored). It allocates its scratch
// memory; Workspace.Run reuses it across epochs.
func Run(in Input) Output {
	var ws Workspace
	return ws.Run(in)
}

// Workspace is the scratch memory of an epoch. Large subnets need tens of
// megabytes of it, and allocating (and page-faulting) that afresh costs
// more than the epoch's arithmetic, so a caller running many epochs keeps
// one Workspace and calls its Run. Results never alias it. The zero value
// is ready to use; a Workspace is not safe for concurrent use.
type Workspace struct {
	weights, clipped, interpolated, prev, bonds, delta matrix

	// For tests: reference forces the reference steps (see fused.go);
	// fused records which fused steps the last Run took.
	reference bool
	fused     uint8
}

const (
	fusedSteps = 1 << iota // steps 6–8
	fusedBonds             // steps 9–10
)

// Run is Run using w's memory.
func (w *Workspace) Run(in Input) Output {
	n := len(in.Neurons)
	e := epoch{in: in, n: n, owner: -1, ws: w}
	if in.HasOwner && int(in.OwnerUID) < n {
		e.owner = int(in.OwnerUID)
	}
	e.activity()
	e.stake()
	e.permits()
	e.activeStake()
	e.weights()
	w.fused = 0
	if e.fastPath() {
		w.fused = fusedSteps
		e.consensusClipRanks()
		if e.bondsFused() {
			w.fused |= fusedBonds
			return e.output()
		}
		// The reference bond steps read W̄, which the fused steps do not store.
		e.clipped, _, _ = e.w.clip(&e.ws.clipped, e.cons, e.activeStakes)
	} else {
		e.consensusAndIncentive()
	}
	e.bondsAndDividends()
	return e.output()
}

// epoch carries the vectors of one Run from step to step; every slice has
// one entry per uid.
type epoch struct {
	in    Input
	n     int
	owner int // uid of the subnet owner, or -1
	ws    *Workspace

	active         []bool
	stakeWeight    []fixed.I32F32 // S: normalised stake after the threshold
	oldPermit      []bool
	newPermit      []bool
	activeStakes   []fixed.I32F32 // A: S of active permitted validators, normalised
	w              *matrix        // masked, row-normalised weights
	clipped        *matrix        // W̄
	cons           []fixed.I32F32 // C
	validatorTrust []fixed.I32F32
	incentive      []fixed.I32F32 // I
	dividends      []fixed.I32F32 // D
	bonds          *matrix        // B' as stored
	regAt          []uint64       // registration block per uid
	unitWeights    bool           // every entry of w lies in [0, 1]
	storedBonds    []Entry        // bonds in stored form, by bonds' rows, if already made
}

func (e *epoch) isOwnerUID(i int) bool { return i == e.owner }

// Step 1: a neuron is active if it set weights within the activity cutoff.
func (e *epoch) activity() {
	e.active = make([]bool, e.n)
	e.regAt = make([]uint64, e.n)
	for i, nr := range e.in.Neurons {
		e.regAt[i] = nr.RegisteredAt
		e.active[i] = !(satAdd(nr.LastUpdate, e.in.Params.ActivityCutoff) < e.in.Block)
	}
}

// Step 2: stake below the threshold (owner exempt) is zeroed, the rest
// normalised in I64F64 and truncated to I32F32.
func (e *epoch) stake() {
	filtered := make([]fixed.I64F64, e.n)
	var total fixed.I64F64
	for i, nr := range e.in.Neurons {
		if e.isOwnerUID(i) || nr.Stake.ToUint() >= e.in.Params.StakeThreshold {
			filtered[i] = nr.Stake
		}
		total = total.Add(filtered[i])
	}
	e.stakeWeight = make([]fixed.I32F32, e.n)
	for i, s := range filtered {
		if !total.IsZero() {
			s = s.SafeDiv(total)
		}
		e.stakeWeight[i] = fixed.Convert[fixed.I32F32](s)
	}
}

// Step 3: this epoch masks with the previous permits; the new permits go to
// the top-k non-zero stakes (ties favour higher uids). The owner always
// holds one.
func (e *epoch) permits() {
	e.oldPermit = make([]bool, e.n)
	for i, nr := range e.in.Neurons {
		e.oldPermit[i] = nr.ValidatorPermit || e.isOwnerUID(i)
	}
	e.newPermit = topKNonzero(e.stakeWeight, int(e.in.Params.MaxAllowedValidators))
	if e.owner >= 0 {
		e.newPermit[e.owner] = true
	}
}

// topKNonzero marks the k largest non-zero values (is_topk_nonzero): a
// stable ascending sort by value drops the first n-k, so among equal
// values the lower uids lose.
func topKNonzero(v []fixed.I32F32, k int) []bool {
	out := make([]bool, len(v))
	for i, x := range v {
		out[i] = !x.IsZero()
	}
	if len(v) < k {
		return out
	}
	if keys, ok := valueUIDKeys(v); ok {
		// Sorting the distinct (value, uid) keys orders as the stable sort.
		slices.Sort(keys)
		for _, key := range keys[:len(v)-k] {
			out[uint16(key)] = false
		}
		return out
	}
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return v[a].Cmp(v[b]) })
	for _, i := range idx[:len(v)-k] {
		out[i] = false
	}
	return out
}

// valueUIDKeys packs each value with its index, value<<16 | i, so that the
// keys order by value and then index; ok is false unless every value lies
// in [0, 2^48) and there are at most 2^16 of them.
func valueUIDKeys(v []fixed.I32F32) (keys []uint64, ok bool) {
	if len(v) > 1<<16 {
		return nil, false
	}
	keys = make([]uint64, len(v))
	for i, x := range v {
		if uint64(x.Bits()) >= 1<<48 {
			return nil, false
		}
		keys[i] = uint64(x.Bits())<<16 | uint64(i)
	}
	return keys, true
}

// Step 4: active stake is the stake of active validators holding a permit.
func (e *epoch) activeStake() {
	e.activeStakes = make([]fixed.I32F32, e.n)
	for i, s := range e.stakeWeight {
		if e.active[i] && e.oldPermit[i] {
			e.activeStakes[i] = s
		}
	}
	normalize(e.activeStakes)
}

// Step 5: weights are masked (rows without a permit, self-weights except the
// owner's, weights set before the target registered, and with commit–reveal
// weights committed before it registered), then row-normalised.
//
// A row out of uid order is put in order, for the fused steps, unless a uid
// repeats in it or liquid alpha is on: only liquid alpha reads the order
// of a row (alpha_sigmoid's lookups, the order of the stored bonds). Every
// other step reads entries by uid or adds a row's entries with wrapping,
// order-free sums, and a column, which gets at most one entry per row,
// still sums its entries in row order.
func (e *epoch) weights() {
	p := e.in.Params
	capacity := 0
	for i, nr := range e.in.Neurons {
		if e.oldPermit[i] {
			capacity += len(nr.Weights)
		}
	}
	w := e.ws.weights.reset(e.n, capacity)
	col, val := w.col[:capacity], w.val[:capacity]
	m := 0 // entries kept so far
	sorted := true
	e.unitWeights = true
	var order *rowSorter
	if !e.ws.reference && !(p.Yuma3 && p.LiquidAlpha) {
		order = &rowSorter{}
	}
	for i := range e.in.Neurons {
		nr := &e.in.Neurons[i]
		var total uint64 // Σ of the kept u16 values
		if e.oldPermit[i] {
			self := i // the owner's self-weight is kept
			if e.isOwnerUID(i) {
				self = -1
			}
			// A weight towards j survives the masks when
			// registered_at_j < last_update and, with commit–reveal,
			// registered_at_j <= commit_block: registered_at_j < bound.
			bound := nr.LastUpdate
			if p.CommitReveal && nr.CommitBlock < bound {
				bound = nr.CommitBlock + 1
			}
			kept := maskRow(col[m:], val[m:], nr.Weights, e.regAt, self, bound)
			total = weightSum(val[m : m+kept])
			inOrder := sortedBelow(col[m:m+kept], e.n)
			if !inOrder && order != nil {
				inOrder = order.sort(col[m:m+kept], val[m:m+kept])
			}
			sorted = sorted && inOrder
			normalizeWeightRow(val[m:m+kept], total)
			m += kept
		}
		if total >= 1<<31 { // see normalizeWeightRow: values may leave [0, 1]
			e.unitWeights = false
		}
		w.start = append(w.start, m)
	}
	w.col, w.val = col[:m], val[:m]
	if sorted {
		w.order = orderSorted
	} else {
		w.order = orderUnsorted
	}
	e.w = w
}

// maskRow writes the entries of a stored weight row towards uids j below
// len(regAt) with j != self and regAt[j] < bound to col and val (which
// have room for the whole row), as integers, and returns how many it kept.
func maskRow(col []uint16, val []fixed.I32F32, row []Entry, regAt []uint64, self int, bound uint64) (kept int) {
	col, val = col[:len(row)], val[:len(row)]
	for _, en := range row {
		if j := int(en.UID); j < len(regAt) && j != self && regAt[j] < bound {
			col[kept], val[kept] = en.UID, fixed.I32F32FromInt(int64(en.Value))
			kept++
		}
	}
	return kept
}

// rowSorter puts rows in uid order by placing each entry at its uid in a
// dense scratch row: linear in the row's length and uid range.
type rowSorter struct {
	seen []bool
	vals []fixed.I32F32
}

// sort orders the row (cols, vals) by uid and reports true, or reports
// false and leaves the row as it is if a uid repeats.
func (s *rowSorter) sort(cols []uint16, vals []fixed.I32F32) bool {
	if len(cols) == 0 {
		return true
	}
	lo, hi := cols[0], cols[0]
	for _, j := range cols {
		lo, hi = min(lo, j), max(hi, j)
	}
	span := int(hi-lo) + 1
	s.seen = slices.Grow(s.seen[:0], span)[:span]
	s.vals = slices.Grow(s.vals[:0], span)[:span]
	seen, at := s.seen, s.vals
	vals = vals[:len(cols)]
	for k, j := range cols {
		d := j - lo
		if seen[d] {
			clear(seen)
			return false
		}
		seen[d], at[d] = true, vals[k]
	}
	m := 0
	for d, ok := range seen {
		if ok {
			cols[m], vals[m] = lo+uint16(d), at[d]
			seen[d] = false
			m++
		}
	}
	return true
}

// weightSum returns the sum of a row of integer-valued weights as an
// integer.
func weightSum(row []fixed.I32F32) uint64 {
	var total uint64
	for _, v := range row {
		total += uint64(v.ToInt())
	}
	return total
}

// normalizeWeightRow divides a row of integer-valued weights by its sum
// when that is positive (inplace_row_normalize_sparse); total is the sum of
// the u16 values. While the I32F32 sum, total<<32, does not wrap,
// (w<<32).SafeDiv(total<<32) is w·2^32/total, an integer division, whose
// result lies in [0, 1].
func normalizeWeightRow(row []fixed.I32F32, total uint64) {
	if total >= 1<<31 { // the I32F32 sum wraps, as it does in Rust
		if s := sum(row); s.Cmp(fixed.I32F32{}) > 0 {
			normalizeBy(row, s)
		}
		return
	}
	if total == 0 {
		return
	}
	d := newDivisor(total)
	for k, v := range row {
		row[k] = fixed.I32F32FromBits(int64(d.div(uint64(v.Bits()))))
	}
}

// Steps 6–8: consensus is the κ-majority stake-weighted median per column;
// weights are clipped to it; incentive is the normalised active-stake
// weighted sum of clipped weights.
func (e *epoch) consensusAndIncentive() {
	kappa := fixed.I32F32FromU16Proportion(e.in.Params.Kappa)
	e.cons = consensus(e.activeStakes, e.w, kappa)
	e.clipped, e.validatorTrust, e.incentive = e.w.clip(&e.ws.clipped, e.cons, e.activeStakes)
	normalize(e.incentive)
}

// Steps 9–10: bonds move towards the penalised weights; dividends pay
// validators for bonds in what became incentive.
func (e *epoch) bondsAndDividends() {
	p := e.in.Params
	beta := fixed.I32F32FromU16Proportion(p.BondsPenalty)
	wb := interpolate(&e.ws.interpolated, e.w, e.clipped, beta)
	alpha := e.bondsAlpha()

	if p.Yuma3 {
		prev := e.loadBonds(true)
		if p.LiquidAlpha && slices.ContainsFunc(e.cons, func(c fixed.I32F32) bool { return !c.IsZero() }) {
			la := newLiquidAlpha(p)
			e.bonds = emaAlpha(&e.ws.bonds, wb, prev, func(j uint16, w, b fixed.I32F32) fixed.I32F32 {
				return la.alpha(e.cons[j], w, b)
			})
		} else {
			e.bonds = ema(&e.ws.bonds, wb, prev, alpha)
		}
		// Dividends: tb_i = Σ_j B̂_ij·I_j over the column-normalised bonds
		// (normalised on the fly: B' itself is what is stored), D_i = tb_i·A_i.
		colSum, incentive := e.bonds.colSums(), e.incentive
		e.dividends = make([]fixed.I32F32, e.n)
		for i := range e.n {
			cols, vals := e.bonds.row(i)
			var tb fixed.I32F32
			for k, j := range cols {
				b := vals[k]
				if s := colSum[j]; !s.IsZero() {
					b = b.SafeDiv(s)
				}
				tb = tb.Add(b.SaturatingMul(incentive[j]))
			}
			e.dividends[i], _ = tb.CheckedMul(e.activeStakes[i])
		}
		normalize(e.dividends)
		return
	}

	// Classic Yuma: bonds are column-normalised shares.
	prev := e.loadBonds(false)
	prev.colNormalize()
	delta := wb.scaleRows(&e.ws.delta, e.activeStakes)
	delta.colNormalize()
	e.bonds = ema(&e.ws.bonds, delta, prev, alpha)
	e.bonds.colNormalize()
	e.dividends = e.bonds.rowWeightedSums(e.incentive)
	normalize(e.dividends)
	e.bonds.colMaxUpscale()
}

// bondsAlpha is the EMA factor α = 1 − bonds_moving_average/10^6 (the
// quotient in I64F64, truncated to I32F32); it leaves [0, 1] only for a
// moving average above 10^6.
func (e *epoch) bondsAlpha() fixed.I32F32 {
	bma := fixed.I64F64FromUint(e.in.Params.BondsMovingAverage).SafeDiv(fixed.I64F64FromUint(1_000_000))
	return fixed.I32F32FromInt(1).SaturatingSub(fixed.Convert[fixed.I32F32](bma))
}

// loadBonds reads the stored bond rows, as u16 proportions (x/65535, Yuma
// 3) or as raw integers (classic), dropping bonds towards uids registered
// since the last epoch step (last_tempo <= registered_at).
func (e *epoch) loadBonds(proportions bool) *matrix {
	capacity := 0
	for i := range e.in.Neurons {
		capacity += len(e.in.Neurons[i].Bonds)
	}
	b := e.ws.prev.reset(e.n, capacity)
	col, val := b.col, b.val // locals keep the hot loop in registers
	n, regAt, lastTempo := e.n, e.regAt, e.in.LastTempo
	for i := range e.in.Neurons {
		for _, en := range e.in.Neurons[i].Bonds {
			var reg uint64 // a uid beyond n counts as registered at 0
			if int(en.UID) < n {
				reg = regAt[en.UID]
			}
			if lastTempo <= reg {
				continue
			}
			v := fixed.I32F32FromInt(int64(en.Value))
			if proportions {
				v = fixed.I32F32FromU16Proportion(en.Value)
			}
			col = append(col, en.UID)
			val = append(val, v)
		}
		b.start = append(b.start, len(col))
	}
	b.col, b.val = col, val
	return b
}

// Steps 11–12: emission shares, rao amounts, and the stored terms.
func (e *epoch) output() Output {
	out := Output{Neurons: make([]Result, e.n)}
	combined := make([]fixed.I32F32, e.n)
	for i := range combined {
		combined[i] = e.incentive[i].SaturatingAdd(e.dividends[i])
	}
	emissionSum := sum(combined)
	server := slices.Clone(e.incentive)
	validator := slices.Clone(e.dividends)
	normalizeBy(server, emissionSum)
	normalizeBy(validator, emissionSum)
	normalize(combined)
	if emissionSum.IsZero() { // no usable weights: pay validators by stake
		fallback := e.activeStakes
		if sum(e.activeStakes).IsZero() {
			fallback = e.stakeWeight
		}
		validator = slices.Clone(fallback)
		combined = slices.Clone(fallback)
	}

	emission := uint64(e.in.Emission)
	stored := e.storedBonds // one backing array for every row
	if stored == nil {
		stored = make([]Entry, len(e.bonds.col))
	}
	for i := range out.Neurons {
		r := &out.Neurons[i]
		r.Active = e.active[i]
		r.ValidatorPermit = e.newPermit[i]
		r.StakeWeight = e.stakeWeight[i].ToU16Proportion()
		r.Consensus = e.cons[i].ToU16Proportion()
		r.Incentive = e.incentive[i].ToU16Proportion()
		r.Dividends = e.dividends[i].ToU16Proportion()
		r.ValidatorTrust = e.validatorTrust[i].ToU16Proportion()
		r.ServerEmission = tao.Rao(amount(server[i], emission))
		r.ValidatorEmission = tao.Rao(amount(validator[i], emission))
		r.Emission = tao.Rao(amount(combined[i], emission))
		if e.newPermit[i] {
			a, z := e.bonds.start[i], e.bonds.start[i+1]
			r.Bonds = stored[a:z:z]
			if e.storedBonds == nil {
				storeBonds(r.Bonds, e.bonds.col[a:z], e.bonds.val[a:z])
			}
		}
	}
	return out
}

// storeBonds writes a row of B' in stored form, floor(b·65535), to dst.
func storeBonds(dst []Entry, cols []uint16, vals []fixed.I32F32) {
	dst, vals = dst[:len(cols)], vals[:len(cols)]
	for k, j := range cols {
		dst[k] = Entry{UID: j, Value: vals[k].ToU16Proportion()}
	}
}

func satAdd(a, b uint64) uint64 {
	if s := a + b; s >= a {
		return s
	}
	return ^uint64(0)
}
