package node

import (
	"log/slog"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gotensor/gotensor/api"
)

// App is the state machine a node runs.
type App struct {
	// ABCI is the ABCI++ application CometBFT drives.
	ABCI abci.Application
	// Chain is its read side for the HTTP API (last committed state).
	Chain api.Chain
	// Close releases the application's store; called once at Stop.
	Close func() error
	// Concurrent says ABCI may be called concurrently from CometBFT's
	// mempool and consensus connections (CheckTx while a block executes).
	// Otherwise every call is serialised by one mutex.
	Concurrent bool
}

// AppParams tell an AppOpener where and how to open the application.
type AppParams struct {
	// Dir is the application's data directory (home/data/app).
	Dir string
	// CheckInvariants asks the chain to verify its invariants after
	// every block.
	CheckInvariants bool
	// SnapshotInterval and SnapshotKeepRecent configure state-sync
	// snapshots (see Config).
	SnapshotInterval   int64
	SnapshotKeepRecent int
	// Logger is the node's logger.
	Logger *slog.Logger
}

// AppOpener opens the application a node runs.
type AppOpener func(AppParams) (*App, error)
