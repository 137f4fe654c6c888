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
// home was new.
func OpenLocalnet(o LocalnetOptions) (n *Node, created bool, err error) {
	if o.Home == "" {
		return nil, false, errors.New("node: localnet needs a home directory")
	}
	_, statErr := os.Stat(filepath.Join(o.Home, configDir, "genesis.json"))
	if errors.Is(statErr, os.ErrNotExist) {
		if err := initLocalnet(o); err != nil {
			return nil, false, err
		}
		created = true
	} else if statErr != nil {
		return nil, false, fmt.Errorf("node: %w", statErr)
	}
	n, err = New(o.Home, Options{
		OpenApp: o.OpenApp, Logger: o.Logger, LogLevel: o.LogLevel,
		APIAddr:     or(o.APIAddr, DefaultAPIAddr),
		RPCAddr:     or(o.RPCAddr, DefaultRPCAddr),
		P2PAddr:     or(o.P2PAddr, localnetP2PAddr),
		MetricsAddr: or(o.MetricsAddr, "off"),
	})
	return n, created, err
}

func initLocalnet(o LocalnetOptions) error {
	if o.Genesis == nil {
		return errors.New("node: localnet needs a genesis for a new home")
	}
	chainID := or(o.ChainID, LocalnetChainID)
	appState, err := o.Genesis(chainID)
	if err != nil {
		return fmt.Errorf("node: localnet genesis: %w", err)
	}
	cfg := DefaultConfig()
	cfg.MetricsAddr = ""  // several localnets may run side by side
	cfg.LogLevel = "warn" // the CLI prints what a developer needs
	_, err = Init(o.Home, InitOptions{
		ChainID: chainID, Moniker: "localnet", AppState: appState, Config: cfg,
		RPCAddr: DefaultRPCAddr, P2PAddr: localnetP2PAddr,
		BlockTime: or(o.BlockTime, LocalnetBlockTime), Standalone: true,
	})
	return err
}
