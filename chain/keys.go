package chain

import "github.com/gotensor/gotensor/tao"

// The state layout: every collection is declared here once, as its key
// prefix byte followed by big-endian fixed-width fields. Values use the
// compact fixed encodings of codec.go (no reflection, no JSON).
//
// Prefix ranges:
//
//	0x00–0x0F  core: accounts, globals, chain parameters
//	0x10–0x2F  subnets and neurons
//	0x30–0x4F  staking and pools
//	0x50–0x5F  weights and commits
//	0x60–0x6F  epoch and coinbase outputs
//
// A prefix is never reused for another collection.
const (
	prefixAccount = 0x01 // account id (32) → Account: free u64, nonce u64
	prefixGlobal  = 0x02 // global id (1) → value, see the global* ids
	prefixParam   = 0x03 // param id (1) → u64, see the param* ids
)

// Subnets and neurons (0x10–0x2F); layouts in subnets.go, neurons.go,
// hyperparams.go, registration.go and axons.go. Per-uid records are keyed
// netuid then uid (big-endian), so one prefix iteration yields a subnet's
// neurons in uid order.
const (
	prefixSubnet        = 0x10 // netuid (2) → SubnetInfo
	prefixIdentity      = 0x11 // netuid (2) → subnet identity
	prefixHyperparams   = 0x12 // netuid (2) → Hyperparams (versioned)
	prefixBurn          = 0x13 // netuid (2) → registration burn state
	prefixSubnetN       = 0x14 // netuid (2) → u16 neuron count
	prefixNeuron        = 0x15 // netuid (2) uid (2) → hotkey (32), registration block u64
	prefixUID           = 0x16 // netuid (2) hotkey (32) → uid u16
	prefixHotkeyOwner   = 0x17 // hotkey (32) → coldkey (32)
	prefixOwnedHotkey   = 0x18 // coldkey (32) hotkey (32) → empty
	prefixAxon          = 0x19 // netuid (2) hotkey (32) → AxonInfo
	prefixGlobalParams  = 0x1A // (none) → NetworkParams (versioned)
	prefixNetworkLock   = 0x1B // (none) → subnet registration state: lock cost, blocks
	prefixHyperparamSet = 0x1C // netuid (2) param (1) → block of the owner's last change
	prefixHotkeySubnet  = 0x1D // hotkey (32) netuid (2) → uid u16: where a hotkey is registered
)

// Weights and commits (0x50–0x5F); layouts in weights_store.go.
const (
	prefixWeights       = 0x50 // netuid (2) uid (2) → sparse row: (uid u16, value u16)…
	prefixLastUpdate    = 0x51 // netuid (2) → u64 block per uid
	prefixWeightCommits = 0x52 // netuid (2) hotkey (32) → commits: (hash 32, epoch u64, block u64)…
)

// Coinbase and epoch outputs (0x60–0x6F); layouts in schedule.go,
// coinbase_store.go and epoch_store.go.
const (
	prefixSchedule      = 0x60 // netuid (2) → epoch schedule record
	prefixPending       = 0x61 // netuid (2) → pending emission buckets
	prefixEpochVector   = 0x62 // netuid (2), vector id (1) → per-uid epoch output vector
	prefixBonds         = 0x63 // netuid (2), uid (2) → sparse bond row
	prefixSubnetFlow    = 0x64 // netuid (2) → the last block's emission figures
	prefixEmissionParam = 0x65 // param id (1) → u64, see emissionParamTable
)

// Globals (prefixGlobal).
const (
	globalChainID       = 0x01 // chain id string, set at genesis
	globalGenesisHash   = 0x02 // [32]byte, set at genesis
	globalTotalIssuance = 0x03 // u64 rao in existence (recycling subtracts)
	globalTotalMinted   = 0x04 // u64 rao minted since genesis (block emission)
	globalTotalRecycled = 0x05 // u64 rao recycled since genesis (fees, dust)
	globalGenesisSupply = 0x06 // u64 TotalIssuance right after genesis
	globalBlockEmission = 0x07 // u64 rao emitted by the last block
	globalSudo          = 0x08 // account id (32) of the sudo key; absent: no sudo
)

// Staking and pools (0x30–0x4F). docs/economics.md, "Staking on chain",
// explains the layout: stakes are keyed coldkey first so that one prefix
// iteration lists an account's stakes, and indexed by subnet and hotkey
// for nominator listings and subnet dissolution.
const (
	prefixPool         = 0x30 // netuid (2) → pool record (pools.go)
	prefixHotkeyPool   = 0x31 // hotkey (32) netuid (2) → share pool: value u64, total shares U64F64
	prefixStake        = 0x32 // coldkey (32) hotkey (32) netuid (2) → shares U64F64
	prefixStakeIndex   = 0x33 // netuid (2) hotkey (32) coldkey (32) → empty: who stakes on a subnet
	prefixDelegateTake = 0x34 // hotkey (32) → take u16, block of the last take change u64
	prefixStakingParam = 0x35 // (none) → StakingParams (versioned, takes.go)
)

// Chain parameters (prefixParam), adjustable by sudo.
const (
	paramExistentialDeposit = 0x01 // rao; smaller non-zero balances are reaped
	paramTxFee              = 0x02 // rao per coldkey-signed call, recycled
)

func accountKey(id tao.AccountID) []byte {
	k := make([]byte, 1+len(id))
	k[0] = prefixAccount
	copy(k[1:], id[:])
	return k
}

func globalKey(id byte) []byte { return []byte{prefixGlobal, id} }

func paramKey(id byte) []byte { return []byte{prefixParam, id} }

// AccountKey returns the store key of an account, for proofs
// (store.View.GetWithProof) and raw queries. The value is 16 bytes:
// free balance and nonce, both big-endian u64.
func AccountKey(id tao.AccountID) []byte { return accountKey(id) }
