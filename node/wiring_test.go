package node

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cometbft/cometbft/abci/example/kvstore"
	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/api"
	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/tao"
)

// kvChain is a stand-in read side for CometBFT's example kvstore app, so
// the node's wiring is tested independently of the chain. It knows the
// app's last commit (through the node); accounts and figures are zero.
type kvChain struct{ node atomic.Pointer[Node] }

func (*kvChain) Account(id tao.AccountID) (apitypes.Account, error) {
	return apitypes.Account{Address: id}, nil
}
func (*kvChain) LatestState() (*chain.State, int64, bool) { return nil, 0, false }
func (*kvChain) Pending(func(*chain.State, int64)) bool   { return false }

func (c *kvChain) Info() (api.ChainInfo, error) {
	n := c.node.Load()
	if n == nil {
		return api.ChainInfo{}, api.ErrNotReady
	}
	h, hash, err := n.AppHash()
	return api.ChainInfo{Height: h, AppHash: hash}, err
}

func openKVStore(p AppParams) (*App, error) {
	app := kvstore.NewPersistentApplication(p.Dir)
	return &App{ABCI: app, Chain: &kvChain{}, Close: app.Close}, nil
}

// newKVNode opens a node over the kvstore app in home.
func newKVNode(t *testing.T, home string, o Options) *Node {
	t.Helper()
	o.OpenApp = openKVStore
	n, err := New(home, o)
	require.NoError(t, err)
	n.app.Chain.(*kvChain).node.Store(n)
	return n
}

// freeAddr returns a loopback host:port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v), string(b))
	return resp.StatusCode
}

func TestNode_WiringWithKVStore(t *testing.T) {
	if testing.Short() {
		t.Skip("starts CometBFT")
	}
	home := t.TempDir()
	_, err := Init(home, InitOptions{
		ChainID: "wiring", AppState: json.RawMessage(`{}`), BlockTime: 100 * time.Millisecond,
		RPCAddr: "off", P2PAddr: freeAddr(t), Standalone: true,
		Config: Config{APIAddr: "127.0.0.1:0", LogLevel: "error"},
	})
	require.NoError(t, err)

	n := newKVNode(t, home, Options{})
	require.NoError(t, n.Start())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, n.WaitForHeight(ctx, 2))

	var st apitypes.Status
	require.Equal(t, 200, getJSON(t, n.APIURL()+"/v1/status", &st))
	require.Equal(t, "wiring", st.ChainID)
	require.Len(t, st.Validators, 1)

	resp, err := http.Post(n.APIURL()+"/v1/tx?wait=commit", "application/octet-stream", strings.NewReader("name=satoshi"))
	require.NoError(t, err)
	var res apitypes.SubmitTxResult
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&res))
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	require.True(t, res.Committed)
	require.Zero(t, res.Code)
	require.Positive(t, res.Height)

	var tx apitypes.TxResult
	require.Eventually(t, func() bool { // the indexer trails the block by a moment
		return getJSON(t, n.APIURL()+"/v1/tx/"+res.Hash.String(), &tx) == 200
	}, 5*time.Second, 10*time.Millisecond)
	require.Equal(t, res.Height, tx.Height)
	require.Equal(t, "name=satoshi", string(tx.Tx))

	var blk apitypes.Block
	require.Equal(t, 200, getJSON(t, fmt.Sprintf("%s/v1/blocks/%d", n.APIURL(), res.Height), &blk))
	require.Equal(t, 1, blk.NumTxs)
	require.Equal(t, res.Hash, blk.Txs[0].Hash)

	height := n.Height()
	require.NoError(t, n.Stop())
	require.NoError(t, n.Stop(), "Stop is idempotent")

	// Restart on the same home: the chain continues.
	n = newKVNode(t, home, Options{})
	require.NoError(t, n.Start())
	defer n.Stop()
	require.GreaterOrEqual(t, n.Height(), height)
	require.NoError(t, n.WaitForHeight(ctx, height+2))
}
