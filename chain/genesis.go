package chain

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/params"
	"github.com/gotensor/gotensor/tao"
)

// Genesis is the chain's initial state, the app_state of CometBFT's genesis
// file. Amounts are integers in rao; accounts are SS58 addresses (or 0x
// public keys).
type Genesis struct {
	// ChainID, if set, must equal the CometBFT chain id.
	ChainID  string           `json:"chain_id,omitempty"`
	Params   GenesisParams    `json:"params"`
	Accounts []GenesisAccount `json:"accounts"`
	// InitialIssuance, if set, is TotalIssuance at genesis; what the
	// listed accounts do not hold goes to the treasury (params.Treasury), so
	// the supply invariant holds from the first block.
	InitialIssuance tao.Rao `json:"initial_issuance,omitempty"`
}

// GenesisParams are the initial chain parameters. Omitted fields take the
// defaults of package params.
type GenesisParams struct {
	ExistentialDeposit tao.Rao `json:"existential_deposit"`
	TxFee              tao.Rao `json:"tx_fee"`
	// Sudo is the sudo account; omitted means none.
	Sudo *tao.AccountID `json:"sudo,omitempty"`
	// Network sets the subnet parameters; omitted means
	// DefaultNetworkParams, omitted fields keep their defaults.
	Network *NetworkParams `json:"network,omitempty"`
}

// GenesisAccount is an account funded at genesis.
type GenesisAccount struct {
	Address tao.AccountID `json:"address"`
	Balance tao.Rao       `json:"balance"`
}

// ErrGenesis marks an invalid genesis.
var ErrGenesis = errors.New("invalid genesis")

// DefaultGenesis returns an empty genesis with default parameters.
func DefaultGenesis() Genesis {
	return Genesis{Params: GenesisParams{
		ExistentialDeposit: params.DefaultExistentialDeposit,
		TxFee:              params.DefaultTxFee,
	}}
}

// DevAccounts are Substrate's development accounts, //Alice to //Ferdie.
var DevAccounts = []string{"//Alice", "//Bob", "//Charlie", "//Dave", "//Eve", "//Ferdie"}

// DevBalance is what DevGenesis gives each development account.
const DevBalance = 1_000_000 * tao.RaoPerTAO

// DevGenesis returns the genesis of a development chain: DevAccounts funded
// with DevBalance each, and //Alice as sudo, as on Substrate's dev chain.
func DevGenesis(chainID string) Genesis {
	g := DefaultGenesis()
	g.ChainID = chainID
	for i, uri := range DevAccounts {
		p, err := keys.FromURI(uri)
		if err != nil {
			panic(fmt.Sprintf("chain: dev account %s: %v", uri, err)) // fixed, valid URIs
		}
		id := p.Public()
		if i == 0 {
			g.Params.Sudo = &id
		}
		g.Accounts = append(g.Accounts, GenesisAccount{Address: id, Balance: DevBalance})
	}
	g.Params.Network = DevNetworkParams()
	return g
}

// ParseGenesis decodes a genesis strictly (unknown fields are errors) over
// DefaultGenesis, and validates it.
func ParseGenesis(b []byte) (Genesis, error) {
	g := DefaultGenesis()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return Genesis{}, fmt.Errorf("%w: %v", ErrGenesis, err)
	}
	if dec.More() {
		return Genesis{}, fmt.Errorf("%w: trailing data after the JSON object", ErrGenesis)
	}
	return g, g.Validate()
}

// Supply returns TotalIssuance at genesis: InitialIssuance if set, else the
// sum of the balances. It assumes a valid genesis.
func (g Genesis) Supply() tao.Rao {
	if g.InitialIssuance != 0 {
		return g.InitialIssuance
	}
	var sum tao.Rao
	for _, a := range g.Accounts {
		sum += a.Balance
	}
	return sum
}

// Validate checks the genesis, naming the first problem it finds.
func (g Genesis) Validate() error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrGenesis, fmt.Sprintf(format, args...))
	}
	ed := g.Params.ExistentialDeposit
	if ed == 0 {
		return fail("params.existential_deposit must be at least 1 rao")
	}
	if g.Params.Sudo != nil && g.Params.Sudo.IsZero() {
		return fail("params.sudo is the zero account")
	}
	if msg := g.Params.Network.problem(); msg != "" {
		return fail("params.network.%s", msg)
	}
	var sum tao.Rao
	for i, a := range g.Accounts {
		if a.Address.IsZero() {
			return fail("accounts[%d]: zero address", i)
		}
		if a.Balance < ed {
			return fail("accounts[%d] (%s): balance %d rao is below the existential deposit %d rao", i, a.Address, a.Balance, ed)
		}
		var ok bool
		if sum, ok = sum.AddChecked(a.Balance); !ok || sum > totalSupply {
			return fail("balances exceed the total supply of %d rao at accounts[%d]", totalSupply, i)
		}
	}
	if i, j := duplicate(g.Accounts); i >= 0 {
		return fail("accounts[%d] and accounts[%d] are both %s", i, j, g.Accounts[i].Address)
	}
	if g.InitialIssuance != 0 {
		if g.InitialIssuance > totalSupply {
			return fail("initial_issuance %d rao exceeds the total supply of %d rao", g.InitialIssuance, totalSupply)
		}
		if g.InitialIssuance < sum {
			return fail("initial_issuance %d rao is below the %d rao the accounts hold", g.InitialIssuance, sum)
		}
		if rest := g.InitialIssuance - sum; rest > 0 && rest+g.balanceOf(params.Treasury) < ed {
			return fail("initial_issuance leaves the treasury %d rao, below the existential deposit %d rao", rest, ed)
		}
	}
	return nil
}

func (g Genesis) balanceOf(id tao.AccountID) tao.Rao {
	for _, a := range g.Accounts {
		if a.Address == id {
			return a.Balance
		}
	}
	return 0
}

// duplicate returns the indexes of two accounts with the same address, or
// -1. It sorts indexes instead of building a map, to stay lean on genesis
// files with millions of accounts.
func duplicate(accts []GenesisAccount) (int, int) {
	idx := make([]int32, len(accts))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if c := bytes.Compare(accts[a].Address[:], accts[b].Address[:]); c != 0 {
			return c
		}
		return int(a - b)
	})
	for k := 1; k < len(idx); k++ {
		if accts[idx[k]].Address == accts[idx[k-1]].Address {
			return int(idx[k-1]), int(idx[k])
		}
	}
	return -1, -1
}

// GenesisHash identifies a chain: SHA-256 over a domain tag, the chain id,
// the initial height, the genesis time and the app_state JSON, all taken
// from CometBFT's genesis. Every transaction carries it.
//
// The app_state is hashed in its compact form (insignificant whitespace
// removed): CometBFT hands InitChain a compacted copy of the genesis file's
// app_state after a restart, so an indented genesis.json must hash the same.
func GenesisHash(chainID string, initialHeight int64, genesisTimeUnixNano int64, appState []byte) [32]byte {
	var compact bytes.Buffer
	if err := json.Compact(&compact, appState); err == nil {
		appState = compact.Bytes()
	}
	h := sha256.New()
	h.Write([]byte("gotensor-genesis-v1\x00"))
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(chainID))))
	h.Write([]byte(chainID))
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(initialHeight)))
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(genesisTimeUnixNano)))
	h.Write(appState)
	return [32]byte(h.Sum(nil))
}

// InitGenesis writes a validated genesis into an empty state. Genesis
// balances emit no events (ABCI has nowhere to put them); the state's
// supply figures start at g.Supply().
func InitGenesis(s *State, chainID string, genesisHash [32]byte, g Genesis) error {
	if err := g.Validate(); err != nil {
		return err
	}
	if g.ChainID != "" && g.ChainID != chainID {
		return fmt.Errorf("%w: chain_id %q, but the chain is %q", ErrGenesis, g.ChainID, chainID)
	}
	s.kv.Set(globalKey(globalChainID), []byte(chainID))
	s.kv.Set(globalKey(globalGenesisHash), genesisHash[:])
	p := Params{ExistentialDeposit: g.Params.ExistentialDeposit, TxFee: g.Params.TxFee}
	if g.Params.Sudo != nil {
		p.Sudo = *g.Params.Sudo
	}
	s.setParams(p)
	initSubnets(s, g.Params.Network)
	var held tao.Rao
	for _, a := range g.Accounts {
		acct := s.Account(a.Address)
		acct.Free += a.Balance
		s.setAccount(a.Address, acct)
		held += a.Balance
	}
	supply := g.Supply()
	if rest := supply - held; rest > 0 {
		t := s.Account(params.Treasury)
		t.Free += rest
		s.setAccount(params.Treasury, t)
	}
	s.setGlobalU64(globalTotalIssuance, uint64(supply))
	s.setGlobalU64(globalGenesisSupply, uint64(supply))
	return nil
}
