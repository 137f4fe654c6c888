package yuma

import (
	"slices"

	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
)

// This file is the dense reference: a direct transcription of subtensor's
// epoch_dense_mechanism (tests only there too) over n×n matrices, written
// independently of the sparse production path. Where the two should agree
// (spec §1.4: liquid alpha off, no owner, no commit–reveal) the property
// test in epoch_test.go requires them to be bit-identical.

type dense [][]fixed.I32F32

func zeros(rows, cols int) dense {
	m := make(dense, rows)
	for i := range m {
		m[i] = make([]fixed.I32F32, cols)
	}
	return m
}

func width(m dense) int {
	if len(m) == 0 {
		return 0
	}
	return len(m[0])
}

func (m dense) clone() dense {
	c := make(dense, len(m))
	for i, r := range m {
		c[i] = slices.Clone(r)
	}
	return c
}

func denseSum(x []fixed.I32F32) fixed.I32F32 {
	var s fixed.I32F32
	for _, v := range x {
		s = s.Add(v)
	}
	return s
}

func denseNormalize(x []fixed.I32F32) {
	s := denseSum(x)
	if s.IsZero() {
		return
	}
	for i := range x {
		x[i] = x[i].SafeDiv(s)
	}
}

func (m dense) rowNormalize() {
	for _, r := range m {
		if s := denseSum(r); s.Cmp(fixed.I32F32{}) > 0 {
			for j := range r {
				r[j] = r[j].SafeDiv(s)
			}
		}
	}
}

func (m dense) colSums() []fixed.I32F32 {
	if len(m) == 0 {
		return nil
	}
	s := make([]fixed.I32F32, len(m[0]))
	for _, r := range m {
		for j, v := range r {
			s[j] = s[j].SaturatingAdd(v)
		}
	}
	return s
}

func (m dense) colNormalize() {
	s := m.colSums()
	for _, r := range m {
		for j := range r {
			if !s[j].IsZero() {
				r[j] = r[j].SafeDiv(s[j])
			}
		}
	}
}

func (m dense) colMaxUpscale() {
	if len(m) == 0 {
		return
	}
	mx := make([]fixed.I32F32, len(m[0]))
	for _, r := range m {
		for j, v := range r {
			mx[j] = mx[j].Max(v)
		}
	}
	for _, r := range m {
		for j := range r {
			if !mx[j].IsZero() {
				r[j] = r[j].SafeDiv(mx[j])
			}
		}
	}
}

// denseWeightedMedian is weighted_median transcribed with fresh slices.
func denseWeightedMedian(stake, score []fixed.I32F32, partition []int, minority, lo, hi fixed.I32F32) fixed.I32F32 {
	cur := slices.Clone(partition)
	for iter := 0; iter <= len(partition); iter++ {
		if len(cur) == 0 {
			return fixed.I32F32{}
		}
		if len(cur) == 1 {
			return score[cur[0]]
		}
		pivot := score[cur[len(cur)/2]]
		var loStake, hiStake fixed.I32F32
		var lower, upper []int
		for _, idx := range cur {
			switch {
			case score[idx] == pivot:
			case score[idx].Less(pivot):
				loStake = loStake.SaturatingAdd(stake[idx])
				lower = append(lower, idx)
			default:
				hiStake = hiStake.SaturatingAdd(stake[idx])
				upper = append(upper, idx)
			}
		}
		if minority.Less(lo.SaturatingAdd(loStake)) && len(lower) > 0 {
			cur, hi = lower, lo.SaturatingAdd(loStake)
		} else if !minority.Less(hi.SaturatingSub(hiStake)) && len(upper) > 0 {
			cur, lo = upper, hi.SaturatingSub(hiStake)
		} else {
			return pivot
		}
	}
	return fixed.I32F32{}
}

func denseWeightedMedianCol(stake []fixed.I32F32, score dense, majority fixed.I32F32) []fixed.I32F32 {
	if len(score) == 0 {
		return nil
	}
	out := make([]fixed.I32F32, len(score[0]))
	for c := range out {
		var useStake, useScore []fixed.I32F32
		for r, st := range stake {
			if st.Cmp(fixed.I32F32{}) > 0 {
				useStake = append(useStake, st)
				useScore = append(useScore, score[r][c])
			}
		}
		if len(useStake) > 0 {
			denseNormalize(useStake)
			s := denseSum(useStake)
			idx := make([]int, len(useStake))
			for i := range idx {
				idx[i] = i
			}
			out[c] = denseWeightedMedian(useStake, useScore, idx, s.SaturatingSub(majority), fixed.I32F32{}, s)
		}
	}
	return out
}

func denseInterpolate(a, b dense, ratio fixed.I32F32) dense {
	switch ratio {
	case fixed.I32F32{}:
		return a.clone()
	case fixed.I32F32FromInt(1):
		return b.clone()
	}
	out := a.clone()
	for i := range out {
		for j, v1 := range a[i] {
			out[i][j] = v1.SaturatingAdd(ratio.SaturatingMul(b[i][j].SaturatingSub(v1)))
		}
	}
	return out
}

func denseMatEma(next, prev dense, alpha fixed.I32F32) dense {
	oneMinus := fixed.I32F32FromInt(1).SaturatingSub(alpha)
	out := zeros(len(next), width(next))
	for i := range next {
		for j := range next[i] {
			out[i][j] = alpha.SaturatingMul(next[i][j]).SaturatingAdd(oneMinus.SaturatingMul(prev[i][j]))
		}
	}
	return out
}

func denseMatEmaAlpha(next, prev, alpha dense) dense {
	zero, one := fixed.I32F32{}, fixed.I32F32FromInt(1)
	out := zeros(len(next), width(next))
	for i := range next {
		for j := range next[i] {
			a := alpha[i][j]
			decayed := one.SaturatingSub(a).SaturatingMul(prev[i][j])
			inc := a.SaturatingMul(next[i][j]).Max(zero)
			out[i][j] = decayed.SaturatingAdd(inc).Min(one)
		}
	}
	return out
}

// denseResult is the dense epoch's outcome: Output with dense bond rows
// (nil for a row the dense path leaves untouched, empty for a cleared row).
type denseResult struct {
	out   Output
	bonds [][]uint16
}

// runDense transcribes epoch_dense_mechanism. Like subtensor's dense path it
// ignores the owner and commit–reveal.
func runDense(in Input) denseResult {
	n := len(in.Neurons)
	p := in.Params
	active := make([]bool, n)
	for i, nr := range in.Neurons {
		active[i] = !(satAdd(nr.LastUpdate, p.ActivityCutoff) < in.Block)
	}

	// Stake.
	filtered := make([]fixed.I64F64, n)
	var total fixed.I64F64
	for i, nr := range in.Neurons {
		if nr.Stake.ToUint() >= p.StakeThreshold {
			filtered[i] = nr.Stake
		}
		total = total.Add(filtered[i])
	}
	stake := make([]fixed.I32F32, n)
	for i := range filtered {
		if !total.IsZero() {
			filtered[i] = filtered[i].SafeDiv(total)
		}
		stake[i] = fixed.Convert[fixed.I32F32](filtered[i])
	}

	permit := make([]bool, n)
	for i, nr := range in.Neurons {
		permit[i] = nr.ValidatorPermit
	}
	newPermit := denseTopKNonzero(stake, int(p.MaxAllowedValidators))

	activeStake := slices.Clone(stake)
	for i := range activeStake {
		if !active[i] || !permit[i] {
			activeStake[i] = fixed.I32F32{}
		}
	}
	denseNormalize(activeStake)

	// Weights: rows without permit, the diagonal, and outdated cells masked.
	w := zeros(n, n)
	for i, nr := range in.Neurons {
		for _, en := range nr.Weights {
			if int(en.UID) < n {
				w[i][en.UID] = fixed.I32F32FromInt(int64(en.Value))
			}
		}
	}
	for i, nr := range in.Neurons {
		for j := range w[i] {
			if !permit[i] || i == j || nr.LastUpdate <= in.Neurons[j].RegisteredAt {
				w[i][j] = fixed.I32F32{}
			}
		}
	}
	w.rowNormalize()

	cons := denseWeightedMedianCol(activeStake, w, fixed.I32F32FromU16Proportion(p.Kappa))
	clipped := w.clone()
	for i := range clipped {
		for j := range clipped[i] {
			clipped[i][j] = clipped[i][j].Min(cons[j])
		}
	}
	trust := make([]fixed.I32F32, n)
	for i := range clipped {
		trust[i] = denseSum(clipped[i])
	}
	incentive := make([]fixed.I32F32, n)
	for i := range clipped {
		for j, v := range clipped[i] {
			incentive[j] = incentive[j].SaturatingAdd(activeStake[i].SaturatingMul(v))
		}
	}
	denseNormalize(incentive)

	wb := denseInterpolate(w, clipped, fixed.I32F32FromU16Proportion(p.BondsPenalty))
	recent := func(j int) bool { return in.LastTempo <= in.Neurons[j].RegisteredAt }
	loadBonds := func(conv func(uint16) fixed.I32F32) dense {
		b := zeros(n, n)
		for i, nr := range in.Neurons {
			for _, en := range nr.Bonds {
				if int(en.UID) < n {
					b[i][en.UID] = conv(en.Value)
				}
			}
			for j := range b[i] {
				if recent(j) {
					b[i][j] = fixed.I32F32{}
				}
			}
		}
		return b
	}
	bma := fixed.I64F64FromUint(p.BondsMovingAverage).SafeDiv(fixed.I64F64FromUint(1_000_000))
	alpha := fixed.I32F32FromInt(1).SaturatingSub(fixed.Convert[fixed.I32F32](bma))

	var dividends []fixed.I32F32
	var emaBonds dense
	if p.Yuma3 {
		bonds := loadBonds(fixed.I32F32FromU16Proportion)
		if p.LiquidAlpha && slices.ContainsFunc(cons, func(c fixed.I32F32) bool { return !c.IsZero() }) {
			la := newLiquidAlpha(p)
			alphas := zeros(n, n)
			for i := range alphas {
				for j := range alphas[i] {
					alphas[i][j] = la.alpha(cons[j], wb[i][j], bonds[i][j])
				}
			}
			emaBonds = denseMatEmaAlpha(wb, bonds, alphas)
		} else {
			emaBonds = denseMatEma(wb, bonds, alpha)
		}
		norm := emaBonds.clone()
		norm.colNormalize()
		dividends = make([]fixed.I32F32, n)
		for i := range norm {
			var tb fixed.I32F32
			for j, v := range norm[i] {
				prod, _ := v.CheckedMul(incentive[j])
				tb = tb.Add(prod)
			}
			dividends[i], _ = tb.CheckedMul(activeStake[i])
		}
		denseNormalize(dividends)
	} else {
		bonds := loadBonds(func(x uint16) fixed.I32F32 { return fixed.I32F32FromInt(int64(x)) })
		bonds.colNormalize()
		delta := zeros(n, n)
		for i := range delta {
			for j := range delta[i] {
				delta[i][j] = activeStake[i].SaturatingMul(wb[i][j])
			}
		}
		delta.colNormalize()
		emaBonds = denseMatEma(delta, bonds, alpha)
		emaBonds.colNormalize()
		dividends = make([]fixed.I32F32, n)
		for i := range emaBonds {
			for j, v := range emaBonds[i] {
				dividends[i] = dividends[i].SaturatingAdd(v.SaturatingMul(incentive[j]))
			}
		}
		denseNormalize(dividends)
		emaBonds.colMaxUpscale()
	}

	combined := make([]fixed.I32F32, n)
	for i := range combined {
		combined[i] = incentive[i].SaturatingAdd(dividends[i])
	}
	emissionSum := denseSum(combined)
	server, validator := slices.Clone(incentive), slices.Clone(dividends)
	if !emissionSum.IsZero() {
		for i := range server {
			server[i] = server[i].SafeDiv(emissionSum)
			validator[i] = validator[i].SafeDiv(emissionSum)
		}
	}
	denseNormalize(combined)
	if emissionSum.IsZero() {
		src := activeStake
		if denseSum(activeStake).IsZero() {
			src = stake
		}
		validator, combined = slices.Clone(src), slices.Clone(src)
	}
	rao := fixed.I96F32FromUint(uint64(in.Emission))
	amount := func(x fixed.I32F32) uint64 {
		return fixed.Convert[fixed.I96F32](x).SaturatingMul(rao).ToUint()
	}

	res := denseResult{out: Output{Neurons: make([]Result, n)}, bonds: make([][]uint16, n)}
	for i := range n {
		r := &res.out.Neurons[i]
		r.Active, r.ValidatorPermit = active[i], newPermit[i]
		r.StakeWeight = stake[i].ToU16Proportion()
		r.Consensus = cons[i].ToU16Proportion()
		r.Incentive = incentive[i].ToU16Proportion()
		r.Dividends = dividends[i].ToU16Proportion()
		r.ValidatorTrust = trust[i].ToU16Proportion()
		r.ServerEmission = tao.Rao(amount(server[i]))
		r.ValidatorEmission = tao.Rao(amount(validator[i]))
		r.Emission = tao.Rao(amount(combined[i]))
		switch {
		case newPermit[i]:
			res.bonds[i] = make([]uint16, n)
			for j, v := range emaBonds[i] {
				res.bonds[i][j] = v.ToU16Proportion()
			}
		case permit[i]:
			res.bonds[i] = []uint16{}
		}
	}
	return res
}

// denseTopKNonzero is is_topk_nonzero transcribed.
func denseTopKNonzero(v []fixed.I32F32, k int) []bool {
	res := make([]bool, len(v))
	for i, x := range v {
		res[i] = !x.IsZero()
	}
	if len(v) < k {
		return res
	}
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return v[a].Cmp(v[b]) })
	for _, i := range idx[:len(v)-k] {
		res[i] = false
	}
	return res
}

// literalLiquidEMA transcribes compute_liquid_alpha_values_sparse (the
// merge walk over each row for every column j) and mat_ema_alpha_sparse,
// for checking emaAlpha on rows in any order.
func literalLiquidEMA(next, prev [][]Entry, n int, alphaAt func(j uint16, w, b fixed.I32F32) fixed.I32F32, conv func(uint16) fixed.I32F32) [][]Entry {
	zero, one := fixed.I32F32{}, fixed.I32F32FromInt(1)
	out := make([][]Entry, len(next))
	for i := range next {
		alphas := make([]fixed.I32F32, n)
		w, b := 0, 0
		for j := range n {
			var weight, bond fixed.I32F32
			for w < len(next[i]) && int(next[i][w].UID) < j {
				w++
			}
			if w < len(next[i]) && int(next[i][w].UID) == j {
				weight = conv(next[i][w].Value)
			}
			for b < len(prev[i]) && int(prev[i][b].UID) < j {
				b++
			}
			if b < len(prev[i]) && int(prev[i][b].UID) == j {
				bond = conv(prev[i][b].Value)
			}
			alphas[j] = alphaAt(uint16(j), weight, bond)
		}
		decayed := make([]fixed.I32F32, n)
		for _, e := range prev[i] {
			if int(e.UID) < n {
				decayed[e.UID] = one.SaturatingSub(alphas[e.UID]).SaturatingMul(conv(e.Value))
			}
		}
		for _, e := range next[i] {
			if int(e.UID) >= n {
				continue
			}
			a := alphas[e.UID]
			inc := a.SaturatingMul(conv(e.Value)).Max(zero)
			if v := decayed[e.UID].SaturatingAdd(inc).Min(one); v.Cmp(zero) > 0 {
				out[i] = append(out[i], Entry{e.UID, v.ToU16Proportion()})
			}
		}
	}
	return out
}
