package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// LocalnetOptions describe a single-validator development chain.
type LocalnetOptions struct {
	// Home holds the chain; an existing localnet home is reopened and its
	// chain continues.
	Home string
	// ChainID names a new chain (default "gotensor-localnet").
	ChainID string
	// Genesis returns the chain genesis (app_state) for a new home. It is
	// not called when the home exists.
	Genesis func(chainID string) (json.RawMessage, error)
	// BlockTime is the pause between blocks of a new home (default
	// 500 ms).
	BlockTime time.Duration

	// Listen addresses for this run; empty means the localnet default
	// (API 127.0.0.1:9944, CometBFT RPC 127.0.0.1:26657, p2p
	// 127.0.0.1:26656, metrics off); "off" disables one.
	APIAddr, RPCAddr, P2PAddr, MetricsAddr string

	OpenApp  AppOpener
	Logger   *slog.Logger
	LogLevel string
}

// Localnet defaults.
const (
	LocalnetChainID   = "gotensor-localnet"
	LocalnetBlockTime = 500 * time.Millisecond
	localnetP2PAddr   = "127.0.0.1:26656"
)

// OpenLocalnet opens the localnet in o.Home, initialising the home on
// first use, and returns the node ready to Start. created says whether the
// home was new. Every option is checked before anything is written, and a
// home created here is removed again if opening it or the node's first
// Start fails.
func OpenLocalnet(o LocalnetOptions) (n *Node, created bool, err error) {
	if o.Home == "" {
		return nil, false, errors.New("node: localnet needs a home directory")
	}
	opts := Options{
		OpenApp: o.OpenApp, Logger: o.Logger, LogLevel: o.LogLevel,
		APIAddr:     or(o.APIAddr, DefaultAPIAddr),
		RPCAddr:     or(o.RPCAddr, DefaultRPCAddr),
		P2PAddr:     or(o.P2PAddr, localnetP2PAddr),
		MetricsAddr: or(o.MetricsAddr, "off"),
	}
	if err := opts.check(); err != nil {
		return nil, false, err
	}
	var fresh *newHome
	_, statErr := os.Stat(filepath.Join(o.Home, configDir, "genesis.json"))
	switch {
	case errors.Is(statErr, os.ErrNotExist):
		if fresh, err = initLocalnet(o); err != nil {
			return nil, false, err
		}
	case statErr != nil:
		return nil, false, fmt.Errorf("node: %w", statErr)
	}
	n, err = New(o.Home, opts)
	if err != nil {
		fresh.remove()
		return nil, false, err
	}
	n.fresh = fresh
	return n, fresh != nil, nil
}

func initLocalnet(o LocalnetOptions) (*newHome, error) {
	if o.Genesis == nil {
		return nil, errors.New("node: localnet needs a genesis for a new home")
	}
	chainID := or(o.ChainID, LocalnetChainID)
	if err := CheckChainID(chainID); err != nil {
		return nil, fmt.Errorf("node: chain id %q: %w", chainID, err)
	}
	appState, err := o.Genesis(chainID)
	if err != nil {
		return nil, fmt.Errorf("node: localnet genesis: %w", err)
	}
	cfg := DefaultConfig()
	cfg.MetricsAddr = ""  // several localnets may run side by side
	cfg.LogLevel = "warn" // the CLI prints what a developer needs
	_, fresh, err := initHome(o.Home, InitOptions{
		ChainID: chainID, Moniker: "localnet", AppState: appState, Config: cfg,
		RPCAddr: DefaultRPCAddr, P2PAddr: localnetP2PAddr,
		BlockTime: or(o.BlockTime, LocalnetBlockTime), Standalone: true,
	})
	return fresh, err
}
