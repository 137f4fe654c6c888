package apitypes

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gotensor/gotensor/tao"
)

// Hash is a byte string written as 0x-prefixed lowercase hex: block
// hashes, app hashes, transaction hashes.
type Hash []byte

// String returns the 0x-prefixed lowercase hex form.
func (h Hash) String() string { return "0x" + hex.EncodeToString(h) }

// MarshalText implements encoding.TextMarshaler.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText accepts hex with or without a 0x prefix, in either case.
func (h *Hash) UnmarshalText(b []byte) error {
	v, err := ParseHash(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// ErrHash is returned (wrapped) by ParseHash for text that is not hex.
var ErrHash = errors.New("invalid hash")

// ParseHash parses hex with or without a 0x prefix. An empty string is an
// empty hash.
func ParseHash(s string) (Hash, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %q is not hex", ErrHash, s)
	}
	return Hash(b), nil
}

// Status is the answer to GET /v1/status.
type Status struct {
	ChainID         string    `json:"chain_id"`
	GenesisHash     Hash      `json:"genesis_hash"`
	Height          int64     `json:"height"` // last committed block
	LatestBlockTime time.Time `json:"latest_block_time"`
	LatestBlockHash Hash      `json:"latest_block_hash"`
	AppHash         Hash      `json:"app_hash"` // state root after the last committed block
	CatchingUp      bool      `json:"catching_up"`

	TotalIssuance      tao.Rao  `json:"total_issuance"`
	BlockEmission      tao.Rao  `json:"block_emission"`                  // rao the next block mints, at the current issuance
	BlocksUntilHalving *uint64  `json:"blocks_until_halving,omitempty"`  // blocks still minted at block_emission (if nothing is recycled)
	NextHalvingAt      *tao.Rao `json:"next_halving_issuance,omitempty"` // total issuance at which block_emission halves; absent once emission has ended
	TxFee              tao.Rao  `json:"tx_fee"`                          // flat fee of a coldkey-signed call
	ExistentialDeposit tao.Rao  `json:"existential_deposit"`

	NodeID     string      `json:"node_id"`
	Validators []Validator `json:"validators"`
}

// Validator is one member of the current validator set.
type Validator struct {
	Address     Hash  `json:"address"` // CometBFT validator address
	VotingPower int64 `json:"voting_power"`
}

// Account is the answer to GET /v1/accounts/{ss58}. An account that has
// never held anything has zero balance and nonces.
type Account struct {
	Address tao.AccountID `json:"address"` // SS58, prefix 42
	Free    tao.Rao       `json:"free"`
	// Nonce is the account's nonce in the last committed block: the
	// number of its transactions included so far.
	Nonce uint64 `json:"nonce"`
	// NextNonce is the nonce the account's next transaction must carry
	// now: Nonce plus its transactions waiting in the node's mempool.
	NextNonce uint64 `json:"next_nonce"`
	Height    int64  `json:"height"` // block whose state Free and Nonce are
}

// Attribute is one key/value pair of an Event, in the order emitted.
type Attribute struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Event is a typed state change emitted by the chain (see docs/api.md for
// the catalogue).
type Event struct {
	Type       string      `json:"type"`
	Attributes []Attribute `json:"attributes"`
}

// Attr returns the value of the first attribute named key, and whether
// there was one.
func (e Event) Attr(key string) (string, bool) {
	for _, a := range e.Attributes {
		if a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}

// TxResult is the outcome of one transaction included in a block. Code 0
// is success; any other code is a tx error code (see docs/transactions.md)
// of a transaction that was included, charged its fee and had its call
// reverted.
type TxResult struct {
	Hash   Hash    `json:"hash"`
	Height int64   `json:"height"`
	Index  uint32  `json:"index"` // position in the block
	Code   uint32  `json:"code"`
	Log    string  `json:"log,omitempty"`
	Events []Event `json:"events"`
	Tx     []byte  `json:"tx,omitempty"` // the raw transaction (base64), in GET /v1/tx only
}

// Block is the answer to GET /v1/blocks/{height} and the data of a
// "block" event on GET /v1/events.
type Block struct {
	Height   int64      `json:"height"`
	Hash     Hash       `json:"hash"`
	Time     time.Time  `json:"time"`
	Proposer Hash       `json:"proposer"`
	AppHash  Hash       `json:"app_hash"` // state root after the previous block (CometBFT's header field)
	NumTxs   int        `json:"num_txs"`
	Txs      []TxResult `json:"txs"`
	Events   []Event    `json:"events"` // block-level events (coinbase, epochs)
}

// SubmitTxRequest is the JSON body of POST /v1/tx. Tx is the signed
// transaction as base64 or 0x-prefixed hex. The raw bytes may also be sent
// directly as an application/octet-stream body.
type SubmitTxRequest struct {
	Tx string `json:"tx"`
}

// SubmitTxResult is the answer to POST /v1/tx. Without ?wait=commit it
// says that the transaction passed CheckTx and sits in the mempool
// (Committed false). With ?wait=commit it carries the block result.
type SubmitTxResult struct {
	Hash      Hash    `json:"hash"`
	Committed bool    `json:"committed"`
	Height    int64   `json:"height,omitempty"`
	Index     uint32  `json:"index,omitempty"`
	Code      uint32  `json:"code"`
	Log       string  `json:"log,omitempty"`
	Events    []Event `json:"events,omitempty"`
}

// SubmitTxsRequest is the body of POST /v1/txs: up to MaxBatch signed
// transactions as base64 or 0x-hex, submitted in order.
type SubmitTxsRequest struct {
	Txs []string `json:"txs"`
}

// MaxBatch bounds the transactions of one POST /v1/txs.
const MaxBatch = 1000

// SubmitTxsResult is the answer to POST /v1/txs: one entry per
// transaction, in order. Code 0 means admitted to the mempool; otherwise
// it is the transaction's error code (below CodeAPIBase) or the API's
// (CodeDuplicateTx, CodeUnavailable, CodeTooLarge) and Log says why.
type SubmitTxsResult struct {
	Results []TxSubmission `json:"results"`
}

// TxSubmission is the outcome of one transaction of a batch.
type TxSubmission struct {
	Hash Hash   `json:"hash"`
	Code uint32 `json:"code"`
	Log  string `json:"log,omitempty"`
}

// Error is the body of every 4xx and 5xx answer. Codes below CodeAPIBase
// are transaction error codes from the chain's catalogue (tx.Error);
// codes from CodeAPIBase up are the API's own, listed below.
type Error struct {
	Code    uint32 `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return fmt.Sprintf("api: %s (code %d)", e.Message, e.Code) }

// The API's own error codes. Transaction codes stay below CodeAPIBase.
const (
	CodeAPIBase      uint32 = 1000
	CodeBadRequest   uint32 = 1000 // malformed request: bad JSON, bad query parameter
	CodeBadAddress   uint32 = 1001 // not an SS58 address or 0x public key
	CodeBadHeight    uint32 = 1002 // not a positive block height
	CodeBadHash      uint32 = 1003 // not a hex hash of the right length
	CodeTooLarge     uint32 = 1004 // request body over the limit
	CodeNotFound     uint32 = 1005 // no such block, transaction or route
	CodeTimeout      uint32 = 1006 // ?wait=commit gave up before the tx was included
	CodeUnavailable  uint32 = 1007 // the node cannot serve this now (starting, mempool full)
	CodeInternal     uint32 = 1008 // a bug or an I/O failure in the node
	CodeBadMethod    uint32 = 1009 // method not allowed on this path
	CodeFutureHeight uint32 = 1010 // height above the last committed block
	CodeDuplicateTx  uint32 = 1011 // the same transaction bytes were already submitted
)

// StreamEvent is one Server-Sent Event of GET /v1/events: the "event"
// field names the type, the "data" field is JSON. The only type so far is
// "block", whose data is a Block.
const StreamEventBlock = "block"
