package chain_test

import (
	"encoding/binary"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/params"
	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
)

// TestDevGenesis_SubstrateDevAccounts checks the funded dev accounts against
// the published Substrate dev keys (sdk-vectors.json).
func TestDevGenesis_SubstrateDevAccounts(t *testing.T) {
	b, err := os.ReadFile("testdata/substrate_dev_accounts.json")
	require.NoError(t, err)
	var vec struct {
		Accounts []struct {
			URI  string `json:"uri"`
			SS58 string `json:"ss58_42"`
		}
	}
	require.NoError(t, json.Unmarshal(b, &vec))
	want := map[string]string{}
	for _, a := range vec.Accounts {
		want[a.URI] = a.SS58
	}
	g := chain.DevGenesis("dev")
	require.NoError(t, g.Validate())
	require.Len(t, g.Accounts, len(chain.DevAccounts))
	for i, a := range g.Accounts {
		require.Equal(t, want[chain.DevAccounts[i]], a.Address.String(), chain.DevAccounts[i])
		require.Equal(t, chain.DevBalance, a.Balance)
	}
	require.Equal(t, want["//Alice"], g.Params.Sudo.String())
}

func TestParseGenesis(t *testing.T) {
	const alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	const bob = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
	cases := []struct {
		name, json, err string
	}{
		{"defaults", `{"accounts":[{"address":"` + alice + `","balance":1000}]}`, ""},
		{"hex address", `{"accounts":[{"address":"0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d","balance":1000}]}`, ""},
		{"unknown field", `{"acounts":[]}`, `unknown field "acounts"`},
		{"trailing data", `{} {}`, "trailing data"},
		{"not json", `accounts`, "invalid genesis"},
		{"bad address", `{"accounts":[{"address":"5Grw","balance":1}]}`, "invalid address"},
		{"negative balance", `{"accounts":[{"address":"` + alice + `","balance":-1}]}`, "cannot unmarshal"},
		{"zero existential deposit", `{"params":{"existential_deposit":0}}`, "existential_deposit must be at least 1 rao"},
		{"below existential deposit", `{"accounts":[{"address":"` + alice + `","balance":499}]}`, "accounts[0] (" + alice + "): balance 499 rao is below the existential deposit 500 rao"},
		{"duplicate", `{"accounts":[{"address":"` + alice + `","balance":1000},{"address":"` + bob + `","balance":1000},{"address":"` + alice + `","balance":1000}]}`, "accounts[0] and accounts[2] are both " + alice},
		{"above supply", `{"accounts":[{"address":"` + alice + `","balance":21000000000000001}]}`, "exceed the total supply"},
		{"issuance below balances", `{"initial_issuance":999,"accounts":[{"address":"` + alice + `","balance":1000}]}`, "initial_issuance 999 rao is below the 1000 rao the accounts hold"},
		{"issuance above supply", `{"initial_issuance":21000000000000001}`, "exceeds the total supply"},
		{"treasury dust", `{"initial_issuance":1100,"accounts":[{"address":"` + alice + `","balance":1000}]}`, "leaves the treasury 100 rao"},
		{"zero sudo", `{"params":{"sudo":"0x0000000000000000000000000000000000000000000000000000000000000000"}}`, "params.sudo is the zero account"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, err := chain.ParseGenesis([]byte(tc.json))
			if tc.err == "" {
				require.NoError(t, err)
				require.Equal(t, params.DefaultTxFee, g.Params.TxFee)
				require.Equal(t, params.DefaultExistentialDeposit, g.Params.ExistentialDeposit)
				return
			}
			require.ErrorIs(t, err, chain.ErrGenesis)
			require.Contains(t, err.Error(), tc.err)
		})
	}
}

// TestInitGenesis_InitialIssuanceFundsTreasury: the part of the initial
// issuance no account holds goes to the treasury, so the invariants hold.
func TestInitGenesis_InitialIssuanceFundsTreasury(t *testing.T) {
	g := chain.DevGenesis("c")
	held := tao.Rao(len(g.Accounts)) * chain.DevBalance
	g.InitialIssuance = held + 5*tao.RaoPerTAO
	s := chain.NewState(store.OpenMemory())
	require.NoError(t, chain.InitGenesis(s, "c", [32]byte{1}, g))
	require.Equal(t, 5*tao.RaoPerTAO, s.Account(params.Treasury).Free)
	require.Equal(t, g.InitialIssuance, s.TotalIssuance())
	require.Equal(t, g.InitialIssuance, s.GenesisSupply())
	require.Equal(t, "c", s.ChainID())
	require.Equal(t, [32]byte{1}, s.GenesisHash())
	require.Equal(t, *g.Params.Sudo, s.Params().Sudo)
	require.NoError(t, chain.CheckInvariants(s))

	err := chain.InitGenesis(chain.NewState(store.OpenMemory()), "other", [32]byte{}, g)
	require.ErrorContains(t, err, `chain_id "c", but the chain is "other"`)
}

func TestGenesis_JSONRoundTrip(t *testing.T) {
	g := chain.DevGenesis("c")
	g.InitialIssuance = 10_000_000 * tao.RaoPerTAO
	b, err := json.Marshal(g)
	require.NoError(t, err)
	require.True(t, strings.Contains(string(b), `"address":"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"`), string(b))
	back, err := chain.ParseGenesis(b)
	require.NoError(t, err)
	require.Equal(t, g, back)
}

func TestGenesisHash_CoversEveryInput(t *testing.T) {
	base := chain.GenesisHash("c", 1, 2, []byte("{}"))
	require.NotEqual(t, base, chain.GenesisHash("d", 1, 2, []byte("{}")))
	require.NotEqual(t, base, chain.GenesisHash("c", 2, 2, []byte("{}")))
	require.NotEqual(t, base, chain.GenesisHash("c", 1, 3, []byte("{}")))
	require.NotEqual(t, base, chain.GenesisHash("c", 1, 2, []byte(`{"a":1}`)))
	require.Equal(t, base, chain.GenesisHash("c", 1, 2, []byte("{ }")), "whitespace is not content")
}

func TestCheckInvariants_DetectsBrokenSupply(t *testing.T) {
	kv := store.OpenMemory()
	s := chain.NewState(kv)
	require.NoError(t, chain.InitGenesis(s, "c", [32]byte{}, chain.DevGenesis("c")))
	require.NoError(t, chain.CheckInvariants(s))
	// Create rao behind the state's back: the invariants must notice.
	account := func(free uint64) []byte {
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, free), 0)
	}
	kv.Set(chain.AccountKey(params.Treasury), account(1))
	require.ErrorContains(t, chain.CheckInvariants(s), "holds 1 rao, below the existential deposit")
	kv.Set(chain.AccountKey(params.Treasury), account(1000))
	require.ErrorContains(t, chain.CheckInvariants(s), "balances sum to")
}

// TestGenesisHash_IgnoresWhitespace: CometBFT hands InitChain a compacted
// app_state after a restart, so an indented genesis file must identify the
// same chain; any change of content must not.
func TestGenesisHash_IgnoresWhitespace(t *testing.T) {
	compact := []byte(`{"accounts":[{"address":"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY","balance":1}]}`)
	indented := []byte("{\n  \"accounts\": [\n    {\"address\": \"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\", \"balance\": 1}\n  ]\n}\n")
	changed := []byte(`{"accounts":[{"address":"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY","balance":2}]}`)
	h := func(b []byte) [32]byte { return chain.GenesisHash("c", 1, 7, b) }
	if h(compact) != h(indented) {
		t.Fatal("indentation changed the genesis hash")
	}
	if h(compact) == h(changed) {
		t.Fatal("a different balance gave the same genesis hash")
	}
	if chain.GenesisHash("c", 1, 7, compact) == chain.GenesisHash("d", 1, 7, compact) {
		t.Fatal("the chain id is not bound")
	}
}
