package api

import (
	"net/http"
	"strconv"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

func (s *Server) handleStakes(w http.ResponseWriter, r *http.Request) {
	id, err := tao.ParseAccountID(r.PathValue("address"))
	if err != nil {
		writeError(w, http.StatusBadRequest, errorf(apitypes.CodeBadAddress, "%v", err))
		return
	}
	st, height, ok := s.state(w, r)
	if !ok {
		return
	}
	doc := apitypes.AccountStakes{Address: id, Height: height, Stakes: []apitypes.Stake{}}
	for _, v := range chain.QueryStakes(st, id) {
		doc.Stakes = append(doc.Stakes, apitypes.Stake{
			Hotkey: v.Hotkey, NetUID: uint16(v.NetUID), Alpha: v.Alpha,
			Price: v.Price, Value: v.SpotValue, TAOValue: v.TAOValue,
		})
		doc.TotalValue = doc.TotalValue.SaturatingAdd(v.SpotValue)
		doc.TotalTAOValue = doc.TotalTAOValue.SaturatingAdd(v.TAOValue)
	}
	writeJSON(w, http.StatusOK, doc)
}

// handleQuote simulates a swap: ?side=buy|sell&amount=RAO, optionally
// &limit_price=RAO&allow_partial=true&fee_free=true. A swap the chain
// would refuse answers with the transaction error it would fail with.
//
// It quotes on the mempool's pending state, the one CheckTx admits the
// order on: the next block's start (its coinbase injects TAO and alpha
// into the pools, an epoch may run) and the swaps already waiting change
// the price the order meets, so a limit price taken from the committed
// pool can be past the market before the order even runs.
func (s *Server) handleQuote(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	side := q.Get("side")
	if side != "buy" && side != "sell" {
		writeError(w, http.StatusBadRequest, errorf(apitypes.CodeBadRequest, "side=%q: want buy or sell", side))
		return
	}
	var amount, limit uint64
	var partial, feeFree bool
	for _, p := range []struct {
		name     string
		required bool
		parse    func(string) error
	}{
		{"amount", true, func(v string) (err error) { amount, err = strconv.ParseUint(v, 10, 64); return }},
		{"limit_price", false, func(v string) (err error) { limit, err = strconv.ParseUint(v, 10, 64); return }},
		{"allow_partial", false, func(v string) (err error) { partial, err = strconv.ParseBool(v); return }},
		{"fee_free", false, func(v string) (err error) { feeFree, err = strconv.ParseBool(v); return }},
	} {
		v := q.Get(p.name)
		if v == "" && !p.required {
			continue
		}
		if err := p.parse(v); err != nil {
			writeError(w, http.StatusBadRequest, errorf(apitypes.CodeBadRequest, "%s=%q: want an integer (rao) or a boolean", p.name, v))
			return
		}
	}
	var (
		n      tao.NetUID
		height int64
		res    chain.Quote
		exists bool
	)
	n, err := tao.ParseNetUID(r.PathValue("netuid"))
	if err != nil {
		writeError(w, http.StatusBadRequest, errorf(apitypes.CodeBadRequest, "netuid: %v", err))
		return
	}
	if !s.chain.Pending(func(st *chain.State, h int64) {
		height, exists = h, st.SubnetExists(n)
		if exists {
			res, err = chain.QuoteSwap(st, n, side == "buy", tao.Rao(amount), tao.Rao(limit), partial, feeFree)
		}
	}) {
		s.writeInternal(w, r, ErrNotReady)
		return
	}
	if !exists {
		writeError(w, http.StatusNotFound, errorf(apitypes.CodeNotFound, "subnet %d does not exist", n))
		return
	}
	if err != nil {
		code := tx.CodeOf(err)
		writeError(w, txStatus(code), errorf(code, "%v", err))
		return
	}
	writeJSON(w, http.StatusOK, apitypes.Quote{
		NetUID: uint16(n), Height: height, Side: side, Amount: tao.Rao(amount), LimitPrice: tao.Rao(limit), AllowPartial: partial,
		In: res.In, Fee: res.Fee, Out: res.Out, Refund: res.Refund, PriceBefore: res.PriceBefore, PriceAfter: res.PriceAfter,
	})
}

func (s *Server) handleDelegate(w http.ResponseWriter, r *http.Request) {
	id, err := tao.ParseAccountID(r.PathValue("address"))
	if err != nil {
		writeError(w, http.StatusBadRequest, errorf(apitypes.CodeBadAddress, "%v", err))
		return
	}
	st, height, ok := s.state(w, r)
	if !ok {
		return
	}
	d := chain.QueryDelegate(st, id)
	doc := apitypes.Delegate{
		Hotkey: id, Height: height, Take: d.Take, MinTake: d.MinTake, MaxTake: d.MaxTake,
		IncreaseAllowedAt: uint64(d.IncreaseAllowedAt), Subnets: []apitypes.DelegatePool{},
	}
	if d.Owned {
		doc.Owner = &d.Owner
	}
	for _, p := range d.Subnets {
		doc.Subnets = append(doc.Subnets, apitypes.DelegatePool{NetUID: uint16(p.NetUID), Alpha: p.Alpha, Nominators: p.Nominators})
	}
	writeJSON(w, http.StatusOK, doc)
}
