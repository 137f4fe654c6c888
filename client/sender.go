package client

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// Sender signs and submits calls for one key. It binds them to the
// node's chain id and genesis hash and tracks the key's nonce, starting
// from the node's next nonce for the key (its transactions in the mempool
// included), so several transactions can be sent in a row without waiting
// for blocks. It is safe for concurrent use: submissions are serialised to
// keep nonces in order. Other Senders of the same key, in this process or
// another, may send at the same time: see Send. The pair must be the key
// the calls' Role names (coldkey or hotkey).
type Sender struct {
	c           *Client
	pair        *keys.Pair
	chainID     string
	genesisHash [32]byte

	mu     sync.Mutex // guards nonce and synced; held across a submission
	nonce  uint64
	synced bool
}

// NewSender returns a Sender for pair, reading the chain id and genesis
// hash from the node.
func (c *Client) NewSender(ctx context.Context, pair *keys.Pair) (*Sender, error) {
	st, err := c.Status(ctx)
	if err != nil {
		return nil, err
	}
	if len(st.GenesisHash) != 32 {
		return nil, fmt.Errorf("client: node reports a %d-byte genesis hash, want 32", len(st.GenesisHash))
	}
	return &Sender{c: c, pair: pair, chainID: st.ChainID, genesisHash: [32]byte(st.GenesisHash)}, nil
}

// Address returns the signer's account.
func (s *Sender) Address() tao.AccountID { return s.pair.Public() }

// ChainID returns the chain the Sender signs for.
func (s *Sender) ChainID() string { return s.chainID }

// Send signs call with the next nonce and submits it; with wait it
// returns the block result (see Client.SubmitTx). A rejected transaction
// does not use its nonce. When the node refuses the nonce (another client
// used the key), the Sender reloads the key's next nonce and signs again:
// as long as that nonce has moved on, which means another transaction of
// the key got in, so concurrent senders of one key all get through; and
// once more otherwise (the node's pending state restarts at each block).
func (s *Sender) Send(ctx context.Context, call tx.Call, wait bool) (*apitypes.SubmitTxResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stale := 0 // refusals after which the node named no newer nonce
	for {
		if err := s.syncLocked(ctx); err != nil {
			return nil, err
		}
		raw, err := s.signLocked(call)
		if err != nil {
			return nil, err
		}
		tried := s.nonce
		res, err := s.c.SubmitTx(ctx, raw, wait)
		switch {
		case res != nil: // accepted (and, with wait, included: the nonce is used even if the call failed)
			s.nonce++
			return res, err
		case errors.Is(err, tx.ErrNonceTooLow) || errors.Is(err, tx.ErrNonceTooHigh):
			s.synced = false
			if serr := s.syncLocked(ctx); serr != nil {
				return nil, serr
			}
			if s.nonce <= tried || errors.Is(err, tx.ErrNonceTooHigh) {
				if stale++; stale > 1 {
					return nil, err
				}
			}
		default:
			var ce *connError
			if errors.As(err, &ce) || errors.Is(err, ErrTimeout) {
				s.synced = false // the node may or may not have it: ask again next time
			}
			return nil, err
		}
	}
}

// Sign returns call signed with the next nonce without submitting it, and
// advances the nonce (for tools that submit pre-signed transactions).
func (s *Sender) Sign(ctx context.Context, call tx.Call) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.syncLocked(ctx); err != nil {
		return nil, err
	}
	raw, err := s.signLocked(call)
	if err == nil {
		s.nonce++
	}
	return raw, err
}

// syncLocked loads the key's next nonce from the node unless it is
// known. s.mu must be held.
func (s *Sender) syncLocked(ctx context.Context) error {
	if s.synced {
		return nil
	}
	acct, err := s.c.Account(ctx, s.pair.Public())
	if err != nil {
		return err
	}
	// A node without next_nonce reports 0 there: its committed nonce is
	// the best it knows.
	s.nonce, s.synced = max(acct.Nonce, acct.NextNonce), true
	return nil
}

// signLocked signs call with the current nonce. s.mu must be held.
func (s *Sender) signLocked(call tx.Call) ([]byte, error) {
	return tx.Sign(s.pair, tx.Body{ChainID: s.chainID, GenesisHash: s.genesisHash, Nonce: s.nonce, Call: call})
}
