package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
)

// Version is reported to CometBFT in Info.
const Version = "0.1.0"

// AppVersion is the protocol version of the state machine, reported in
// Info; it changes when the state machine's rules change.
const AppVersion uint64 = 1

// Config configures an App. The zero value is an in-memory app.
type Config struct {
	// Dir holds the state database (and snapshots); empty keeps state in
	// memory.
	Dir string
	// Store tunes the state store (cache size, retained versions).
	Store store.Options
	// CheckInvariants runs chain.CheckInvariants after every block and
	// panics if one breaks. It reads every account: meant for tests and
	// for operators chasing a bug.
	CheckInvariants bool
	// SnapshotInterval takes a state-sync snapshot every that many heights;
	// 0 disables snapshots. Needs Dir.
	SnapshotInterval int64
	// SnapshotKeepRecent is how many snapshots to keep (default 2).
	SnapshotKeepRecent int
	// RetainBlocks, if positive, lets CometBFT prune blocks older than that
	// many heights (Commit's retain height). 0 keeps every block.
	RetainBlocks int64
	// SigCacheSize bounds the verified-signature cache (default 200,000).
	SigCacheSize int
	// Logger receives operational messages (snapshots); default: discard.
	Logger *slog.Logger
}

// App is gotensor's ABCI++ application.
type App struct {
	cfg   Config
	log   *slog.Logger
	store *store.Store
	sigs  *sigCache

	// Consensus connection state (one caller at a time).
	proposed  *execution // this node's last PrepareProposal, for FinalizeBlock to reuse
	reused    int        // blocks finalized from their proposal's execution (tests)
	finalTime int64      // time of the finalized, uncommitted block

	checkMu    sync.Mutex   // guards check and checkBlock
	check      *chain.State // the mempool's pending state; nil before InitChain
	checkBlock chain.Block  // the block CheckTx assumes: next height, last time

	snaps *snapshots

	closeOnce sync.Once
	closeErr  error
}

var _ abci.Application = (*App)(nil)

// New opens the app's store and returns the app at its last committed
// version.
func New(cfg Config) (*App, error) {
	if cfg.SigCacheSize <= 0 {
		cfg.SigCacheSize = 200_000
	}
	if cfg.SnapshotKeepRecent <= 0 {
		cfg.SnapshotKeepRecent = 2
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.SnapshotInterval > 0 && cfg.Dir == "" {
		return nil, errors.New("app: snapshots need a data directory")
	}
	var st *store.Store
	if cfg.Dir == "" {
		st = store.OpenMemory()
	} else {
		var err error
		if st, err = store.Open(cfg.Dir, cfg.Store); err != nil {
			return nil, fmt.Errorf("app: %w", err)
		}
	}
	a := &App{cfg: cfg, log: cfg.Logger, store: st, sigs: newSigCache(cfg.SigCacheSize)}
	if cfg.Dir != "" {
		snaps, err := openSnapshots(cfg.Dir, cfg.SnapshotKeepRecent, cfg.Logger)
		if err != nil {
			st.Close()
			return nil, err
		}
		a.snaps = snaps
	}
	a.resetCheckState(0)
	return a, nil
}

// Close waits for a snapshot in progress and closes the store. Later calls
// return the first call's result.
func (a *App) Close() error {
	a.closeOnce.Do(func() {
		if a.snaps != nil {
			a.snaps.wait()
		}
		a.closeErr = a.store.Close()
	})
	return a.closeErr
}

// LatestState returns a read-only state of the last committed block (or of
// the genesis, before the first block) and its height; ok is false before
// InitChain. Each call returns a new State: use it from one goroutine, and
// drop it when done (its version stays readable for as long as the store
// keeps it, see store.Options.KeepRecent).
func (a *App) LatestState() (st *chain.State, height int64, ok bool) {
	v := a.store.Latest()
	if v == nil {
		return nil, 0, false
	}
	return chain.NewQueryState(v), heightOf(v.Version()), true
}

// The store saves the genesis state as a version of its own, so the state
// after block h is version h+1, and the genesis is version InitialHeight
// ("height InitialHeight−1").
func versionOf(height int64) int64 { return height + 1 }
func heightOf(version int64) int64 { return version - 1 }

// Info reports the last committed height and app hash, from which CometBFT
// decides what to replay.
func (a *App) Info(context.Context, *abci.RequestInfo) (*abci.ResponseInfo, error) {
	res := &abci.ResponseInfo{Data: "gotensor", Version: Version, AppVersion: AppVersion}
	if v := a.store.Latest(); v != nil {
		res.LastBlockHeight = heightOf(v.Version())
		res.LastBlockAppHash = v.Hash()
	}
	return res, nil
}

// InitChain builds the genesis state (app_state) and saves it as the
// store's first version, streaming a balanced tree to disk so a genesis of
// millions of accounts needs little memory. It returns the genesis root as
// the app hash. Called again after a crash before the first block, it
// checks that the genesis is the same and returns the same hash.
func (a *App) InitChain(_ context.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	initial := max(req.InitialHeight, 1)
	gh := chain.GenesisHash(req.ChainId, req.InitialHeight, req.Time.UnixNano(), req.AppStateBytes)
	if v := a.store.Latest(); v != nil {
		if heightOf(v.Version()) != initial-1 || chain.NewQueryState(v).GenesisHash() != gh {
			return nil, fmt.Errorf("app: InitChain on a store that holds another chain (version %d)", v.Version())
		}
		return &abci.ResponseInitChain{AppHash: v.Hash()}, nil
	}
	cache, err := a.buildGenesis(req.ChainId, gh, req.AppStateBytes)
	if err != nil {
		return nil, err
	}
	it := cache.Iterator(nil, nil)
	n := 0
	for ; it.Valid(); it.Next() {
		n++
	}
	it.Close()
	// Nothing below keeps the cache alive once the import has read it, so
	// its memory is free before IAVL indexes the new tree.
	it = cache.Iterator(nil, nil)
	err = a.store.ImportSorted(versionOf(initial-1), n, func() ([]byte, []byte) {
		k, v := it.Key(), it.Value()
		if it.Next(); !it.Valid() {
			it.Close()
		}
		return k, v
	})
	if err != nil {
		return nil, fmt.Errorf("app: writing the genesis state: %w", err)
	}
	a.resetCheckState(req.Time.UnixNano())
	return &abci.ResponseInitChain{AppHash: a.store.Hash()}, nil
}

// buildGenesis parses and validates the genesis and writes it into a cache
// over an empty state, whose sorted contents become the first version.
func (a *App) buildGenesis(chainID string, genesisHash [32]byte, appState []byte) (*store.Cache, error) {
	g, err := chain.ParseGenesis(appState)
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	cache := store.NewCache(store.Empty)
	st := chain.NewState(cache)
	if err := chain.InitGenesis(st, chainID, genesisHash, g); err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	if a.cfg.CheckInvariants {
		if err := chain.CheckInvariants(st); err != nil {
			panic(fmt.Sprintf("app: after genesis: %v", err))
		}
	}
	return cache, nil
}

// ExtendVote adds nothing to votes.
func (a *App) ExtendVote(context.Context, *abci.RequestExtendVote) (*abci.ResponseExtendVote, error) {
	return &abci.ResponseExtendVote{}, nil
}

// VerifyVoteExtension accepts the (empty) extensions.
func (a *App) VerifyVoteExtension(context.Context, *abci.RequestVerifyVoteExtension) (*abci.ResponseVerifyVoteExtension, error) {
	return &abci.ResponseVerifyVoteExtension{Status: abci.ResponseVerifyVoteExtension_ACCEPT}, nil
}

// blockOf converts a header's fields into the chain's block description.
func blockOf(height int64, unixNano int64, proposer []byte) chain.Block {
	return chain.Block{Height: tao.BlockHeight(height), Time: unixNano, Proposer: proposer}
}
