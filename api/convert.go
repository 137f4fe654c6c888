package api

import (
	abci "github.com/cometbft/cometbft/abci/types"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/gotensor/gotensor/api/apitypes"
)

// blockDoc converts a committed block and its execution results into the
// wire form. results may be shorter than the block's txs only if the node
// discarded them; missing results are left zero.
func blockDoc(b *cmttypes.Block, hash []byte, results []*abci.ExecTxResult, events []abci.Event) apitypes.Block {
	doc := apitypes.Block{
		Height:   b.Height,
		Hash:     hash,
		Time:     b.Time,
		Proposer: apitypes.Hash(b.ProposerAddress),
		AppHash:  apitypes.Hash(b.AppHash),
		NumTxs:   len(b.Txs),
		Txs:      make([]apitypes.TxResult, len(b.Txs)),
		Events:   eventDocs(events),
	}
	for i, tx := range b.Txs {
		r := &doc.Txs[i]
		r.Hash = tx.Hash()
		r.Height = b.Height
		r.Index = uint32(i)
		r.Events = []apitypes.Event{}
		if i < len(results) && results[i] != nil {
			r.Code = results[i].Code
			r.Log = results[i].Log
			r.Events = eventDocs(results[i].Events)
		}
	}
	return doc
}

// briefDoc returns doc without its transactions' events and logs, for
// event streams opened with ?events=false.
func briefDoc(doc apitypes.Block) apitypes.Block {
	txs := make([]apitypes.TxResult, len(doc.Txs))
	for i, t := range doc.Txs {
		txs[i] = apitypes.TxResult{Hash: t.Hash, Height: t.Height, Index: t.Index, Code: t.Code, Events: []apitypes.Event{}}
	}
	doc.Txs = txs
	return doc
}

// eventDocs converts ABCI events, keeping their order and attribute order.
func eventDocs(evs []abci.Event) []apitypes.Event {
	out := make([]apitypes.Event, len(evs))
	for i, e := range evs {
		attrs := make([]apitypes.Attribute, len(e.Attributes))
		for j, a := range e.Attributes {
			attrs[j] = apitypes.Attribute{Key: a.Key, Value: a.Value}
		}
		out[i] = apitypes.Event{Type: e.Type, Attributes: attrs}
	}
	return out
}

// txResultDoc converts one indexed transaction result.
func txResultDoc(hash []byte, height int64, index uint32, res *abci.ExecTxResult) apitypes.TxResult {
	return apitypes.TxResult{
		Hash:   hash,
		Height: height,
		Index:  index,
		Code:   res.Code,
		Log:    res.Log,
		Events: eventDocs(res.Events),
	}
}
