package params

import "github.com/gotensor/gotensor/tao"

// Supply and emission (subtensor-spec §2.2).
const (
	TotalSupply          = tao.MaxSupply                   // 21M TAO; issuance never exceeds it
	DefaultBlockEmission = tao.Rao(1_000_000_000)          // 1 TAO per block before the first halving
	HalvingIssuance      = tao.Rao(10_500_000_000_000_000) // issuance at the first halving (half the supply)
)

// Defaults of the chain parameters a genesis may set (and sudo may change).
const (
	DefaultExistentialDeposit = tao.Rao(500)     // as in Bittensor: smaller balances are reaped
	DefaultTxFee              = tao.Rao(100_000) // flat fee per coldkey-signed call (0.0001 TAO), recycled
)

// Treasury receives the block emission while no subnet emits: the
// blake2b-256 of "gotensor/treasury", a key nobody holds the secret of
// (verified in params_test.go). Bittensor recycles this emission instead;
// minting it here keeps issuance on schedule on a young network and the TAO
// recoverable by governance.
var Treasury = tao.AccountID{
	0x0d, 0xe6, 0xe3, 0x94, 0x81, 0x0c, 0x37, 0xd0, 0x8c, 0x9b, 0x5a, 0x39, 0x8a, 0xe8, 0xa8, 0x82,
	0x4b, 0xd5, 0x9c, 0xbb, 0xd9, 0xe9, 0x11, 0x77, 0xe9, 0xe1, 0xdb, 0xa8, 0xcf, 0x37, 0xc9, 0x60,
}
