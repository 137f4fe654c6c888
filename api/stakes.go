package api

import (
	"net/http"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

func (s *Server) handleStakes(w http.ResponseWriter, r *http.Request) {
	id, st, height, ok := s.accountState(w, r, "address")
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
	o, e := parseQuote(r)
	if e != nil {
		writeError(w, http.StatusBadRequest, e)
		return
	}
	var (
		height int64
		exists bool
		res    chain.Quote
		err    error
	)
	if !s.chain.Pending(func(st *chain.State, h int64) {
		height, exists = h, st.SubnetExists(o.netuid)
		if exists {
			res, err = chain.QuoteSwap(st, o.netuid, o.buy, o.amount, o.limit, o.partial, o.feeFree)
		}
	}) {
		s.writeInternal(w, r, ErrNotReady)
		return
	}
	switch {
	case !exists:
		writeError(w, http.StatusNotFound, errNoSubnet(o.netuid))
		return
	case err != nil:
		code := tx.CodeOf(err)
		writeError(w, txStatus(code), errorf(code, "%v", err))
		return
	}
	doc := apitypes.Quote{
		NetUID: uint16(o.netuid), Height: height, Side: "sell", Amount: o.amount, LimitPrice: o.limit, AllowPartial: o.partial,
		In: res.In, Fee: res.Fee, Out: res.Out, Refund: res.Refund, PriceBefore: res.PriceBefore, PriceAfter: res.PriceAfter,
	}
	if o.buy {
		doc.Side = "buy"
	}
	writeJSON(w, http.StatusOK, doc)
}

// quoteOrder is the swap a quote request asks about.
type quoteOrder struct {
	netuid           tao.NetUID
	buy              bool
	amount, limit    tao.Rao
	partial, feeFree bool
}

func parseQuote(r *http.Request) (o quoteOrder, e *apitypes.Error) {
	if o.netuid, e = pathNetUID(r); e != nil {
		return o, e
	}
	q := r.URL.Query()
	switch side := q.Get("side"); side {
	case "buy":
		o.buy = true
	case "sell":
	case "":
		return o, errorf(apitypes.CodeBadRequest, "missing side: want side=buy (stake) or side=sell (unstake)")
	default:
		return o, errorf(apitypes.CodeBadRequest, "invalid side=%q: want buy or sell", side)
	}
	if q.Get("amount") == "" {
		return o, errorf(apitypes.CodeBadRequest, "missing amount: want the amount to swap, in rao")
	}
	if o.amount, e = queryRao(r, "amount"); e != nil {
		return o, e
	}
	if o.limit, e = queryRao(r, "limit_price"); e != nil {
		return o, e
	}
	if o.partial, e = queryBool(r, "allow_partial"); e != nil {
		return o, e
	}
	o.feeFree, e = queryBool(r, "fee_free")
	return o, e
}

func (s *Server) handleDelegate(w http.ResponseWriter, r *http.Request) {
	id, st, height, ok := s.accountState(w, r, "address")
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
