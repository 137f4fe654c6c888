package tx

import "errors"

// Error is a transaction error with a stable numeric code. Codes are a
// contract with clients (the API and the ABCI results carry them): a code is
// never reused for another meaning, and retired codes stay listed, commented
// out.
//
// Add detail by wrapping, so errors.Is still matches the code:
//
//	fmt.Errorf("%w: have %s, want %s", tx.ErrInsufficientBalance, have, want)
type Error struct {
	Code  uint32
	Msg   string
	class Class
}

// Class says what happens to a transaction that fails with a code.
type Class uint8

const (
	// Rejected: the transaction is invalid as such (decoding, signature,
	// chain, nonce, validity window, fee). CheckTx refuses it, proposers
	// never include it, and if a faulty proposer does, it changes nothing:
	// no fee, no nonce.
	Rejected Class = iota + 1
	// Failed: the call itself failed. The nonce is used and the fee is
	// charged, and every other write of the call is reverted. CheckTx runs
	// the call against the pending state and refuses transactions that would
	// fail, so these are included only when the state changed in between.
	Failed
)

func (c Class) String() string {
	switch c {
	case Rejected:
		return "rejected"
	case Failed:
		return "failed"
	}
	return "unknown"
}

func (e *Error) Error() string { return e.Msg }

// Class returns the code's class.
func (e *Error) Class() Class { return e.class }

// Is reports whether target is an *Error with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// codes indexes the catalog by code.
var codes = map[uint32]*Error{}

// register adds a code to the catalog. It panics on a reused code, which
// would break every client that knows it.
func register(code uint32, class Class, msg string) *Error {
	if _, dup := codes[code]; dup {
		panic("tx: code registered twice")
	}
	e := &Error{Code: code, Msg: msg, class: class}
	codes[code] = e
	return e
}

// Lookup returns the catalog entry for code, or nil.
func Lookup(code uint32) *Error { return codes[code] }

// CodeOf returns the code of the *Error err wraps, or 0 if none. 0 is the
// ABCI code for success, so CodeOf(nil) is 0.
func CodeOf(err error) uint32 {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// Code ranges, one per area. Each area declares its codes in
// codes_<area>.go.
//
//	  1– 99  pipeline (this file)
//	100–199  balances (this file)
//	200–299  subnets, registration, hyperparameters
//	300–399  staking and pools
//	400–499  weights
//	500–599  epoch and coinbase

// Pipeline errors (1–99).
var (
	ErrDecode          = register(1, Rejected, "malformed transaction")
	ErrTooLarge        = register(2, Rejected, "transaction too large")
	ErrVersion         = register(3, Rejected, "unsupported transaction version")
	ErrChainID         = register(4, Rejected, "wrong chain id")
	ErrGenesisHash     = register(5, Rejected, "wrong genesis hash")
	ErrSignature       = register(6, Rejected, "invalid signature")
	ErrNonceTooLow     = register(7, Rejected, "nonce already used")
	ErrNonceTooHigh    = register(8, Rejected, "nonce too high: an earlier nonce is missing")
	ErrExpired         = register(9, Rejected, "transaction expired: valid_until is below the block height")
	ErrFeeUnaffordable = register(10, Rejected, "free balance cannot pay the fee")
	ErrUnknownCall     = register(11, Rejected, "unknown or missing call")
	ErrInvalidArgument = register(12, Rejected, "invalid argument")
	ErrNotSupported    = register(13, Failed, "call not supported yet")
	ErrBadOrigin       = register(14, Failed, "signer is not allowed to make this call")
	ErrNotReady        = register(15, Rejected, "node not ready: the chain has no state yet")
)

// Balance errors (100–199).
var (
	ErrInsufficientBalance = register(100, Failed, "insufficient free balance")
	ErrAmountOverflow      = register(101, Failed, "amount overflows a balance")
	ErrExistentialDeposit  = register(102, Failed, "transfer would leave the new account below the existential deposit")
	ErrKeepAlive           = register(103, Failed, "transfer would take the sender below the existential deposit")
)
