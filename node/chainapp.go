package node

import (
	"context"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gotensor/gotensor/api"
	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/app"
	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/chain/emission"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
)

// keepVersions is how many recent state versions a node keeps: enough
// for queries at recent heights, little enough for the disk.
const keepVersions = 100

// ChainApp opens the gotensor chain (package app) in p.Dir. It is the
// default AppOpener.
func ChainApp(p AppParams) (*App, error) {
	a, err := app.New(app.Config{
		Dir:                p.Dir,
		Store:              store.Options{KeepRecent: keepVersions},
		CheckInvariants:    p.CheckInvariants,
		SnapshotInterval:   p.SnapshotInterval,
		SnapshotKeepRecent: p.SnapshotKeepRecent,
		Logger:             p.Logger,
	})
	if err != nil {
		return nil, err
	}
	return &App{ABCI: a, Chain: chainReader{a}, Close: a.Close, Concurrent: true}, nil
}

// chainReader is the API's view of the chain: the app's last committed
// state.
type chainReader struct{ app *app.App }

func (r chainReader) Account(id tao.AccountID) (apitypes.Account, error) {
	doc := apitypes.Account{Address: id}
	st, h, ok := r.app.LatestState()
	if !ok {
		return doc, nil
	}
	a := st.Account(id)
	doc.Free, doc.Nonce, doc.NextNonce, doc.Height = a.Free, a.Nonce, a.Nonce, h
	// Read after the committed state: a commit in between only raises the
	// pending nonce, which max keeps (another proposer's block may hold
	// transactions this mempool never saw).
	r.app.ReadPending(func(p *chain.State, _ int64) {
		doc.NextNonce = max(doc.NextNonce, p.Account(id).Nonce)
	})
	return doc, nil
}

func (r chainReader) LatestState() (*chain.State, int64, bool) { return r.app.LatestState() }

func (r chainReader) Pending(fn func(*chain.State, int64)) bool { return r.app.ReadPending(fn) }

func (r chainReader) Info() (api.ChainInfo, error) {
	// The figures and the app hash must describe the same commit; a
	// commit between the two reads is retried.
	for {
		st, height, ok := r.app.LatestState()
		if !ok {
			return api.ChainInfo{}, api.ErrNotReady
		}
		last, err := r.app.Info(context.Background(), &abci.RequestInfo{})
		if err != nil {
			return api.ChainInfo{}, err
		}
		if last.LastBlockHeight != height {
			continue
		}
		gh := st.GenesisHash()
		p := st.Params()
		info := api.ChainInfo{
			Height:             height,
			AppHash:            last.LastBlockAppHash,
			GenesisHash:        gh[:],
			TotalIssuance:      st.TotalIssuance(),
			BlockEmission:      st.NextBlockEmission(),
			TxFee:              p.TxFee,
			ExistentialDeposit: p.ExistentialDeposit,
		}
		if at, blocks, ok := emission.NextHalving(info.TotalIssuance); ok {
			info.BlocksUntilHalving, info.NextHalving = &blocks, &at
		}
		return info, nil
	}
}
