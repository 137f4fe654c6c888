package chain

import (
	"strconv"

	"github.com/gotensor/gotensor/tao"
)

// Event records a state change for clients and explorers. The app turns it
// into an ABCI event with the same type and attributes, in order.
type Event struct {
	Type  string
	Attrs []Attr
}

// Attr is one event attribute.
type Attr struct {
	Key, Value string
}

// Event types. docs/transactions.md lists their attributes.
const (
	EventCredit   = "credit"   // account, amount, reason: free balance increased
	EventDebit    = "debit"    // account, amount, reason: free balance decreased
	EventMint     = "mint"     // amount, reason: TotalIssuance increased (paired with a credit)
	EventRecycle  = "recycle"  // amount, reason: TotalIssuance decreased (paired with a debit)
	EventTransfer = "transfer" // from, to, amount: a transfer call's summary
	EventTx       = "tx"       // kind, signer, nonce, fee: every included transaction
)

// Reason says why a balance changed. Every credit and debit carries one, so
// explorers and the supply invariant can account for each rao.
type Reason uint8

// Balance change reasons. Later areas add theirs (stake, registration…);
// numbers are never reused.
const (
	ReasonGenesis         Reason = iota + 1 // balances written by genesis
	ReasonTransfer                          // transfer calls
	ReasonFee                               // transaction fees (recycled)
	ReasonReap                              // dust below the existential deposit (recycled)
	ReasonEmission                          // block emission (minted)
	ReasonStake                             // TAO staked into a subnet pool
	ReasonUnstake                           // TAO paid out of a subnet pool
	ReasonSwapFee                           // swap fees (recycled)
	ReasonRegistration                      // neuron registration burn (swapped into the pool, alpha recycled)
	ReasonSubnetLock                        // subnet lock cost, into the new pool
	ReasonSubnetDissolved                   // a pruned subnet's pool: stakes paid out, the rest recycled
)

var reasonNames = [...]string{
	ReasonGenesis:         "genesis",
	ReasonTransfer:        "transfer",
	ReasonFee:             "fee",
	ReasonReap:            "reap",
	ReasonEmission:        "emission",
	ReasonStake:           "stake",
	ReasonUnstake:         "unstake",
	ReasonSwapFee:         "swap_fee",
	ReasonRegistration:    "registration",
	ReasonSubnetLock:      "subnet_lock",
	ReasonSubnetDissolved: "subnet_dissolved",
}

func (r Reason) String() string {
	if int(r) < len(reasonNames) && reasonNames[r] != "" {
		return reasonNames[r]
	}
	return "reason(" + strconv.Itoa(int(r)) + ")"
}

func amountAttr(key string, v tao.Rao) Attr { return Attr{key, strconv.FormatUint(uint64(v), 10)} }

func accountAttr(key string, id tao.AccountID) Attr { return Attr{key, id.String()} }
