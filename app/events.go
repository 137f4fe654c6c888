package app

import (
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gotensor/gotensor/chain"
)

// indexed lists the event attributes CometBFT's tx indexer should index,
// so transactions can be found by who sent them and who received funds.
// Every other attribute is stored but not indexed, to keep indexing cheap
// at thousands of transactions per block.
var indexed = map[[2]string]bool{
	{chain.EventTx, "signer"}:   true,
	{chain.EventTransfer, "to"}: true,
}

func abciEvents(evs []chain.Event) []abci.Event {
	if len(evs) == 0 {
		return nil
	}
	out := make([]abci.Event, len(evs))
	for i, e := range evs {
		attrs := make([]abci.EventAttribute, len(e.Attrs))
		for j, a := range e.Attrs {
			attrs[j] = abci.EventAttribute{Key: a.Key, Value: a.Value, Index: indexed[[2]string{e.Type, a.Key}]}
		}
		out[i] = abci.Event{Type: e.Type, Attributes: attrs}
	}
	return out
}
