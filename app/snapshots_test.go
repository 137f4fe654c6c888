package app_test

import (
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/app"
	"github.com/gotensor/gotensor/internal/testutil"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// waitSnapshots polls until a has n snapshots.
func waitSnapshots(t *testing.T, a *app.App, n int) []*abci.Snapshot {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := a.ListSnapshots(ctx, &abci.RequestListSnapshots{})
		require.NoError(t, err)
		if len(res.Snapshots) >= n {
			return res.Snapshots
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d snapshots after 10s", len(res.Snapshots))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStateSync_RestoreFromSnapshot(t *testing.T) {
	g := testutil.Genesis(tao.RaoPerTAO, testutil.Pairs(t, "snap", 50)...)
	src := testutil.OpenHarness(t, app.Config{Dir: t.TempDir(), SnapshotInterval: 4, CheckInvariants: true}, g)
	alice, bob := testutil.Pair(t, "//Alice"), testutil.Pair(t, "//Bob")
	hashes := map[int64][]byte{}
	for src.Height < 4 {
		testutil.RequireOK(t, src.Block(src.Tx(alice, tx.Transfer{Dest: bob.Public(), Amount: 5000})))
		hashes[src.Height] = src.AppHash()
	}
	snaps := waitSnapshots(t, src.App, 1)
	sn := snaps[0]
	require.Equal(t, uint64(4), sn.Height)

	restoreInto := func(dir string, appHash []byte, corrupt bool) (*app.App, abci.ResponseApplySnapshotChunk_Result) {
		dst, err := app.New(app.Config{Dir: dir})
		require.NoError(t, err)
		t.Cleanup(func() { dst.Close() })
		offer, err := dst.OfferSnapshot(ctx, &abci.RequestOfferSnapshot{Snapshot: sn, AppHash: appHash})
		require.NoError(t, err)
		require.Equal(t, abci.ResponseOfferSnapshot_ACCEPT, offer.Result)
		var last abci.ResponseApplySnapshotChunk_Result
		for i := uint32(0); i < sn.Chunks; i++ {
			chunk, err := src.App.LoadSnapshotChunk(ctx, &abci.RequestLoadSnapshotChunk{Height: sn.Height, Format: sn.Format, Chunk: i})
			require.NoError(t, err)
			require.NotEmpty(t, chunk.Chunk)
			if corrupt {
				bad := append([]byte{}, chunk.Chunk...)
				bad[0] ^= 1
				res, err := dst.ApplySnapshotChunk(ctx, &abci.RequestApplySnapshotChunk{Index: i, Chunk: bad, Sender: "peer1"})
				require.NoError(t, err)
				require.Equal(t, abci.ResponseApplySnapshotChunk_RETRY, res.Result)
				require.Equal(t, []string{"peer1"}, res.RejectSenders)
			}
			res, err := dst.ApplySnapshotChunk(ctx, &abci.RequestApplySnapshotChunk{Index: i, Chunk: chunk.Chunk, Sender: "peer2"})
			require.NoError(t, err)
			last = res.Result
			if last != abci.ResponseApplySnapshotChunk_ACCEPT {
				break
			}
		}
		return dst, last
	}

	dstDir := t.TempDir()
	dst, result := restoreInto(dstDir, hashes[4], true)
	require.Equal(t, abci.ResponseApplySnapshotChunk_ACCEPT, result)
	info, err := dst.Info(ctx, &abci.RequestInfo{})
	require.NoError(t, err)
	require.Equal(t, int64(4), info.LastBlockHeight)
	require.Equal(t, hashes[4], info.LastBlockAppHash)
	st, _, ok := dst.LatestState()
	require.True(t, ok)
	require.Equal(t, uint64(3), st.Account(alice.Public()).Nonce, "blocks 2 to 4 each held one of its transfers")

	// The restored node executes the next block exactly as the source does.
	require.NoError(t, dst.Close())
	restored := testutil.OpenHarness(t, app.Config{Dir: dstDir, CheckInvariants: true}, g)
	require.Equal(t, int64(4), restored.Height)
	next := src.Tx(alice, tx.Transfer{Dest: bob.Public(), Amount: 7})
	require.Equal(t, src.Block(next).AppHash, restored.Block(next).AppHash)

	// A snapshot that does not match the verified app hash is refused, and
	// leaves the store empty.
	bad, result := restoreInto(t.TempDir(), make([]byte, 32), false)
	require.Equal(t, abci.ResponseApplySnapshotChunk_REJECT_SNAPSHOT, result)
	info, err = bad.Info(ctx, &abci.RequestInfo{})
	require.NoError(t, err)
	require.Zero(t, info.LastBlockHeight)
}

func TestOfferSnapshot_RejectsMalformed(t *testing.T) {
	a, err := app.New(app.Config{Dir: t.TempDir()})
	require.NoError(t, err)
	defer a.Close()
	for name, tc := range map[string]struct {
		sn   *abci.Snapshot
		want abci.ResponseOfferSnapshot_Result
	}{
		"no snapshot":    {nil, abci.ResponseOfferSnapshot_REJECT_FORMAT},
		"unknown format": {&abci.Snapshot{Height: 1, Format: 99, Chunks: 1, Metadata: make([]byte, 32)}, abci.ResponseOfferSnapshot_REJECT_FORMAT},
		"short metadata": {&abci.Snapshot{Height: 1, Format: 1, Chunks: 2, Metadata: make([]byte, 32)}, abci.ResponseOfferSnapshot_REJECT},
		"wrong hash":     {&abci.Snapshot{Height: 1, Format: 1, Chunks: 1, Metadata: make([]byte, 32), Hash: []byte{1}}, abci.ResponseOfferSnapshot_REJECT},
	} {
		res, err := a.OfferSnapshot(ctx, &abci.RequestOfferSnapshot{Snapshot: tc.sn})
		require.NoError(t, err)
		require.Equal(t, tc.want, res.Result, name)
	}
}
