package client_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/api"
	"github.com/gotensor/gotensor/api/apitest"
	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

type fixture struct {
	srv   *api.Server
	cons  *apitest.Consensus
	chain *apitest.Chain
	ts    *httptest.Server
	c     *client.Client
}

func newFixture(t *testing.T, o client.Options) *fixture {
	t.Helper()
	f := &fixture{cons: apitest.NewConsensus("test-chain"), chain: apitest.NewChain()}
	f.srv = api.New(api.Config{CommitTimeout: 2 * time.Second}, f.chain, f.cons)
	f.ts = httptest.NewServer(f.srv.Handler())
	t.Cleanup(func() {
		_ = f.srv.Shutdown(context.Background())
		f.ts.Close()
	})
	var err error
	f.c, err = client.New(f.ts.URL, o)
	require.NoError(t, err)
	return f
}

// publish commits a block of txs with results and announces it.
func (f *fixture) publish(txs [][]byte, results []*abci.ExecTxResult) {
	f.commit(txs, results)
}

// commit adds a block, moves the chain to it and announces it.
func (f *fixture) commit(txs [][]byte, results []*abci.ExecTxResult) {
	b, res := f.cons.AddBlock(txs, results)
	f.chain.SetHeight(b.Height)
	f.srv.PublishBlock(b, b.Header.Hash(), res)
}

// store adds a committed block without announcing it (as if the stream
// was down).
func (f *fixture) store(txs [][]byte, results []*abci.ExecTxResult) {
	b, _ := f.cons.AddBlock(txs, results)
	f.chain.SetHeight(b.Height)
}

func TestResolveNetwork(t *testing.T) {
	for in, want := range map[string]string{
		"":                         client.LocalURL,
		"local":                    client.LocalURL,
		"http://10.0.0.1:9944/":    "http://10.0.0.1:9944",
		"https://node.example:443": "https://node.example:443",
		"127.0.0.1:9000":           "http://127.0.0.1:9000",
	} {
		got, err := client.ResolveNetwork(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, bad := range []string{"finney", "ws://127.0.0.1:9944", "http://", "::"} {
		_, err := client.ResolveNetwork(bad)
		require.Error(t, err, bad)
	}
}

func TestReads(t *testing.T) {
	f := newFixture(t, client.Options{})
	alice, err := keys.FromURI("//Alice")
	require.NoError(t, err)
	f.chain.SetAccount(alice.Public(), 42, 3)
	f.store(nil, nil)
	ctx := context.Background()

	st, err := f.c.Status(ctx)
	require.NoError(t, err)
	require.Equal(t, "test-chain", st.ChainID)
	require.Equal(t, int64(1), st.Height)

	a, err := f.c.Account(ctx, alice.Public())
	require.NoError(t, err)
	require.Equal(t, tao.Rao(42), a.Free)
	require.Equal(t, uint64(3), a.Nonce)

	b, err := f.c.Block(ctx, 0)
	require.NoError(t, err)
	require.Equal(t, int64(1), b.Height)

	_, err = f.c.Block(ctx, 9)
	var apiErr *client.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 404, apiErr.Status)

	_, err = f.c.Tx(ctx, make([]byte, 32))
	require.ErrorIs(t, err, client.ErrNotFound)
}

func TestSubmitTx_ErrorsMatchTheCatalogue(t *testing.T) {
	f := newFixture(t, client.Options{})
	ctx := context.Background()
	f.cons.SetBroadcast(func(t cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
		return &coretypes.ResultBroadcastTx{Code: tx.ErrSignature.Code, Log: "invalid signature: by 5Grw…"}, nil
	})
	_, err := f.c.SubmitTx(ctx, []byte("tx"), false)
	require.ErrorIs(t, err, tx.ErrSignature)
	require.NotErrorIs(t, err, tx.ErrDecode)
	var te *client.TxError
	require.ErrorAs(t, err, &te)
	require.Equal(t, "invalid signature: by 5Grw…", te.Message)
	var entry *tx.Error
	require.ErrorAs(t, err, &entry)
	require.Equal(t, tx.Rejected, entry.Class())

	// A code this client does not know still compares by code.
	f.cons.SetBroadcast(func(t cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
		return &coretypes.ResultBroadcastTx{Code: 999, Log: "from the future"}, nil
	})
	_, err = f.c.SubmitTx(ctx, []byte("tx"), false)
	require.ErrorIs(t, err, &tx.Error{Code: 999})
}

func TestSubmitTx_FailedInBlockReturnsResultAndError(t *testing.T) {
	f := newFixture(t, client.Options{})
	failed := &abci.ExecTxResult{Code: tx.ErrInsufficientBalance.Code, Log: "insufficient free balance: have 1, want 2"}
	f.cons.SetBroadcast(func(t cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
		go f.publish([][]byte{t}, []*abci.ExecTxResult{failed})
		return &coretypes.ResultBroadcastTx{Hash: t.Hash()}, nil
	})
	res, err := f.c.SubmitTx(context.Background(), []byte("tx"), true)
	require.ErrorIs(t, err, tx.ErrInsufficientBalance)
	require.NotNil(t, res)
	require.True(t, res.Committed)
	require.Equal(t, int64(1), res.Height)
}

// flakyTransport fails the first n round trips as a refused dial would.
type flakyTransport struct {
	n     atomic.Int32
	calls atomic.Int32
}

func (ft *flakyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ft.calls.Add(1)
	if ft.n.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestRetriesConnectionFailures(t *testing.T) {
	ft := &flakyTransport{}
	f := newFixture(t, client.Options{Transport: ft})
	ft.n.Store(2)
	_, err := f.c.Status(context.Background())
	require.NoError(t, err)
	require.Equal(t, int32(3), ft.calls.Load())

	// A refused dial never reached the node, so a submission is retried too.
	ft.n.Store(1)
	ft.calls.Store(0)
	_, err = f.c.SubmitTx(context.Background(), []byte("tx"), false)
	require.NoError(t, err)
	require.Equal(t, int32(2), ft.calls.Load())

	// Retries are bounded.
	ft.n.Store(100)
	ft.calls.Store(0)
	_, err = f.c.Status(context.Background())
	require.Error(t, err)
	require.Equal(t, int32(4), ft.calls.Load())
}

func TestTimeoutOnEveryCall(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	c, err := client.New(slow.URL, client.Options{Timeout: 100 * time.Millisecond})
	require.NoError(t, err)
	start := time.Now()
	_, err = c.Status(context.Background())
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 3*time.Second)
}

func TestSender_TracksNonces(t *testing.T) {
	f := newFixture(t, client.Options{})
	alice, err := keys.FromURI("//Alice")
	require.NoError(t, err)
	bob, err := keys.FromURI("//Bob")
	require.NoError(t, err)
	genesis := make([]byte, 32)
	genesis[0] = 7
	f.chain.SetInfo(api.ChainInfo{GenesisHash: genesis})
	f.chain.SetAccount(alice.Public(), 1_000, 5)

	var mu sync.Mutex
	var nonces []uint64
	f.cons.SetBroadcast(func(raw cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
		d, err := tx.Decode(raw)
		if err != nil {
			return &coretypes.ResultBroadcastTx{Code: tx.CodeOf(err), Log: err.Error()}, nil
		}
		if !d.VerifySignature() || d.ChainID != "test-chain" || d.GenesisHash[0] != 7 {
			return &coretypes.ResultBroadcastTx{Code: tx.ErrSignature.Code, Log: "bad"}, nil
		}
		mu.Lock()
		defer mu.Unlock()
		nonces = append(nonces, d.Nonce)
		return &coretypes.ResultBroadcastTx{Hash: raw.Hash()}, nil
	})
	s, err := f.c.NewSender(context.Background(), alice)
	require.NoError(t, err)
	for range 3 {
		_, err := s.Send(context.Background(), tx.Transfer{Dest: bob.Public(), Amount: 1}, false)
		require.NoError(t, err)
	}
	require.Equal(t, []uint64{5, 6, 7}, nonces)

	// Someone else used nonces 8 and 9: the node refuses 8, the Sender
	// reloads the account and signs again with 10.
	f.chain.SetAccount(alice.Public(), 1_000, 10)
	var refused atomic.Bool
	f.cons.SetBroadcast(func(raw cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
		d, err := tx.Decode(raw)
		require.NoError(t, err)
		if d.Nonce != 10 {
			refused.Store(true)
			return &coretypes.ResultBroadcastTx{Code: tx.ErrNonceTooLow.Code, Log: "nonce already used"}, nil
		}
		return &coretypes.ResultBroadcastTx{Hash: raw.Hash()}, nil
	})
	_, err = s.Send(context.Background(), tx.Transfer{Dest: bob.Public(), Amount: 1}, false)
	require.NoError(t, err)
	require.True(t, refused.Load())
}

func TestSubscribe_ResumesAfterDisconnect(t *testing.T) {
	f := newFixture(t, client.Options{Timeout: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	blocks, err := f.c.Subscribe(ctx, 0)
	require.NoError(t, err)

	next := func() int64 {
		select {
		case b := <-blocks:
			return b.Height
		case <-ctx.Done():
			t.Fatal("no block")
			return 0
		}
	}
	// The subscription is registered once the server has answered; give
	// the first block a few tries.
	var h int64
	require.Eventually(t, func() bool {
		f.publish(nil, nil)
		for {
			select {
			case b := <-blocks:
				h = b.Height
			case <-time.After(50 * time.Millisecond):
				return h >= 1
			}
		}
	}, 5*time.Second, 10*time.Millisecond)

	// Cut the connection; blocks committed meanwhile are replayed.
	f.ts.CloseClientConnections()
	f.store(nil, nil)
	f.store(nil, nil)
	require.Equal(t, h+1, next())
	require.Equal(t, h+2, next())
	f.publish(nil, nil)
	require.Equal(t, h+3, next())
}

func TestSubmitTxs(t *testing.T) {
	f := newFixture(t, client.Options{})
	f.cons.SetBroadcast(func(raw cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
		if string(raw) == "late" {
			return &coretypes.ResultBroadcastTx{Code: tx.ErrNonceTooHigh.Code, Log: "nonce too high"}, nil
		}
		return &coretypes.ResultBroadcastTx{Hash: raw.Hash()}, nil
	})
	res, err := f.c.SubmitTxs(context.Background(), [][]byte{[]byte("a"), []byte("late"), []byte("b")})
	require.NoError(t, err)
	require.Len(t, res.Results, 3)
	require.NoError(t, client.SubmissionError(res.Results[0]))
	require.ErrorIs(t, client.SubmissionError(res.Results[1]), tx.ErrNonceTooHigh)
	require.Equal(t, apitypes.Hash(cmttypes.Tx("b").Hash()), res.Results[2].Hash)

	_, err = f.c.SubmitTxs(context.Background(), nil)
	var apiErr *client.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 400, apiErr.Status)
}

func TestSubscribeBrief(t *testing.T) {
	f := newFixture(t, client.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	withEvents := &abci.ExecTxResult{Events: []abci.Event{{Type: "transfer"}}}
	f.store([][]byte{[]byte("x")}, []*abci.ExecTxResult{withEvents})
	blocks, err := f.c.SubscribeWith(ctx, 1, client.StreamOptions{Brief: true})
	require.NoError(t, err)
	b := <-blocks
	require.Equal(t, int64(1), b.Height)
	require.Len(t, b.Txs, 1)
	require.Empty(t, b.Txs[0].Events)
}

// TestSender_ConcurrentSendersOfOneKey: Senders of one key in separate
// processes (here: separate Senders) all get their transactions in. The
// mempool admits only the key's next nonce, as CheckTx does, and the
// node's next_nonce counts what it admitted.
func TestSender_ConcurrentSendersOfOneKey(t *testing.T) {
	f := newFixture(t, client.Options{})
	alice, err := keys.FromURI("//Alice")
	require.NoError(t, err)
	f.chain.SetAccount(alice.Public(), 1_000, 3) // committed nonce 3, nothing pending
	var mu sync.Mutex
	next := uint64(3)
	var admitted []uint64
	f.cons.SetBroadcast(func(raw cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
		d, err := tx.Decode(raw)
		require.NoError(t, err)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case d.Nonce < next:
			return &coretypes.ResultBroadcastTx{Code: tx.ErrNonceTooLow.Code, Log: "nonce already used"}, nil
		case d.Nonce > next:
			return &coretypes.ResultBroadcastTx{Code: tx.ErrNonceTooHigh.Code, Log: "nonce too high"}, nil
		}
		next++
		f.chain.SetNextNonce(alice.Public(), next)
		admitted = append(admitted, d.Nonce)
		return &coretypes.ResultBroadcastTx{Hash: raw.Hash()}, nil
	})
	const senders = 8
	errs := make(chan error, senders)
	var start sync.WaitGroup
	start.Add(1)
	for range senders {
		s, err := f.c.NewSender(context.Background(), alice)
		require.NoError(t, err)
		go func() {
			start.Wait()
			_, err := s.Send(context.Background(), tx.Transfer{Dest: alice.Public(), Amount: 1}, false)
			errs <- err
		}()
	}
	start.Done()
	for range senders {
		require.NoError(t, <-errs)
	}
	require.ElementsMatch(t, []uint64{3, 4, 5, 6, 7, 8, 9, 10}, admitted)
}
