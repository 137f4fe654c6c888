package testutil

import (
	"encoding/json"
	"testing"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
)

// ChainID is the chain id of test chains.
const ChainID = "gotensor-test"

// Genesis returns the dev genesis (//Alice … //Ferdie with
// chain.DevBalance each, //Alice sudo) plus pairs funded with balance each.
func Genesis(balance tao.Rao, pairs ...*keys.Pair) chain.Genesis {
	g := chain.DevGenesis(ChainID)
	for _, p := range pairs {
		g.Accounts = append(g.Accounts, chain.GenesisAccount{Address: p.Public(), Balance: balance})
	}
	return g
}

// AppState encodes a genesis as CometBFT's app_state.
func AppState(t testing.TB, g chain.Genesis) []byte {
	t.Helper()
	b, err := json.Marshal(g)
	if err != nil {
		t.Fatalf("testutil: encoding genesis: %v", err)
	}
	return b
}
