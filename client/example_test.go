package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/gotensor/gotensor/api"
	"github.com/gotensor/gotensor/api/apitest"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// A node stand-in for the examples: the real API handler over in-memory
// backends, funding //Alice and refusing transfers of more than she has.
func exampleNode() (*httptest.Server, func()) {
	alice, _ := keys.FromURI("//Alice")
	chain := apitest.NewChain()
	chain.SetAccount(alice.Public(), 10*tao.RaoPerTAO, 0)
	chain.SetInfo(api.ChainInfo{GenesisHash: make([]byte, 32), TxFee: 100_000})
	cons := apitest.NewConsensus("example")
	cons.SetBroadcast(func(raw cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
		t, err := tx.Decode(raw)
		if err != nil {
			return &coretypes.ResultBroadcastTx{Code: tx.CodeOf(err), Log: err.Error()}, nil
		}
		if call, ok := t.Call.(tx.TransferKeepAlive); ok && call.Amount > 10*tao.RaoPerTAO {
			return &coretypes.ResultBroadcastTx{Code: tx.ErrInsufficientBalance.Code, Log: "insufficient free balance"}, nil
		}
		return &coretypes.ResultBroadcastTx{Hash: raw.Hash()}, nil
	})
	srv := api.New(api.Config{}, chain, cons)
	ts := httptest.NewServer(srv.Handler())
	return ts, func() { _ = srv.Shutdown(context.Background()); ts.Close() }
}

func Example() {
	ts, stop := exampleNode()
	defer stop()
	ctx := context.Background()

	c, err := client.New(ts.URL, client.Options{}) // or client.New("local", …)
	if err != nil {
		panic(err)
	}
	alice, _ := keys.FromURI("//Alice")
	bob, _ := keys.FromURI("//Bob")

	acct, err := c.Account(ctx, alice.Public())
	if err != nil {
		panic(err)
	}
	fmt.Println("alice holds", acct.Free)

	// A Sender binds transactions to the node's chain and tracks the nonce.
	s, err := c.NewSender(ctx, alice)
	if err != nil {
		panic(err)
	}
	res, err := s.Send(ctx, tx.TransferKeepAlive{Dest: bob.Public(), Amount: 1_500_000_000}, false)
	if err != nil {
		panic(err)
	}
	fmt.Println("accepted:", !res.Committed && res.Code == 0)

	// The chain's error codes survive the wire.
	_, err = s.Send(ctx, tx.TransferKeepAlive{Dest: bob.Public(), Amount: 20 * tao.RaoPerTAO}, false)
	fmt.Println("insufficient balance:", errors.Is(err, tx.ErrInsufficientBalance))
	// Output:
	// alice holds τ10.000000000
	// accepted: true
	// insufficient balance: true
}
