package chain

import (
	"fmt"
	"strconv"

	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// Result is the outcome of one transaction.
type Result struct {
	// Code is 0 on success, else the *tx.Error code.
	Code uint32
	// Log is the error message, empty on success. It is deterministic.
	Log string
	// Fee is the fee charged.
	Fee tao.Rao
	// Events are the transaction's events, in order. A rejected
	// transaction has none.
	Events []Event
}

// Apply runs one decoded transaction on s as part of block b:
//
//  1. chain binding: the chain id and genesis hash match this chain's;
//  2. validity window: b.Height ≤ ValidUntil, unless ValidUntil is 0;
//  3. nonce: equal to the signer's account nonce (lower: replayed; higher:
//     an earlier transaction is missing);
//  4. signature, unless the caller has verified it (sigVerified);
//  5. fee: the signer's free balance covers it (see Fee).
//
// A transaction failing these is rejected: s is untouched. Otherwise:
//
//  6. the nonce is incremented and the fee recycled, whatever the call does;
//  7. the call runs on a branch, written only if it succeeds;
//  8. the signer is reaped if left with dust below the existential deposit.
//
// CheckTx uses Apply on the pending state too, and refuses any transaction
// whose Result is not OK, so a call that would fail is never gossiped.
func Apply(s *State, b Block, t *tx.Tx, sigVerified bool) Result {
	fee, err := precheck(s, b, t, sigVerified)
	if err != nil {
		return Result{Code: mustCode(err), Log: err.Error()}
	}
	ts := s.Branch()
	acct := ts.Account(t.Signer)
	acct.Nonce++
	ts.setAccount(t.Signer, acct)
	if fee > 0 {
		if err := ts.recycle(t.Signer, fee, ReasonFee); err != nil {
			panic(fmt.Sprintf("chain: fee checked but not payable: %v", err))
		}
	}
	cs := ts.Branch()
	callErr := dispatch(cs, b, t.Signer, t.Call)
	if callErr == nil {
		cs.Write()
	}
	ts.reapDust(t.Signer)
	if ts.recording() {
		ts.emit(EventTx, Attr{"kind", t.Call.Kind().String()}, accountAttr("signer", t.Signer),
			Attr{"nonce", strconv.FormatUint(t.Nonce, 10)}, amountAttr("fee", fee))
	}
	res := Result{Fee: fee, Events: ts.TakeEvents()}
	if callErr != nil {
		res.Code, res.Log = mustCode(callErr), callErr.Error()
	}
	ts.Write()
	return res
}

// precheck runs steps 1–5 of Apply without writing, and returns the fee.
func precheck(s *State, b Block, t *tx.Tx, sigVerified bool) (tao.Rao, error) {
	if id := s.ChainID(); t.ChainID != id {
		return 0, fmt.Errorf("%w: have %q, want %q", tx.ErrChainID, t.ChainID, id)
	}
	if gh := s.GenesisHash(); t.GenesisHash != gh {
		return 0, fmt.Errorf("%w: have %x, want %x", tx.ErrGenesisHash, t.GenesisHash, gh)
	}
	if t.ValidUntil != 0 && b.Height > t.ValidUntil {
		return 0, fmt.Errorf("%w: valid until %d, block %d", tx.ErrExpired, t.ValidUntil, b.Height)
	}
	acct := s.Account(t.Signer)
	switch {
	case t.Nonce < acct.Nonce:
		return 0, fmt.Errorf("%w: have %d, want %d", tx.ErrNonceTooLow, t.Nonce, acct.Nonce)
	case t.Nonce > acct.Nonce:
		return 0, fmt.Errorf("%w: have %d, want %d", tx.ErrNonceTooHigh, t.Nonce, acct.Nonce)
	}
	if !sigVerified && !t.VerifySignature() {
		return 0, tx.ErrSignature
	}
	fee := Fee(s.Params(), t.Call.Kind())
	if acct.Free < fee {
		return 0, fmt.Errorf("%w: have %d rao, fee %d", tx.ErrFeeUnaffordable, acct.Free, fee)
	}
	return fee, nil
}

// Fee returns the fee of a call of kind k: TxFee for coldkey-signed calls,
// nothing for hotkey-signed ones (serve_axon, weights), whose spam
// protection is that CheckTx runs them in full and refuses invalid ones.
func Fee(p Params, k tx.Kind) tao.Rao {
	if k.Role() == tx.Hotkey {
		return 0
	}
	return p.TxFee
}

// dispatch routes a call to its handler. A handler has the shape
//
//	func name(s *State, b Block, signer tao.AccountID, c tx.Call) error
//
// and returns a *tx.Error (possibly wrapped) when the call fails; its
// writes are then discarded.
func dispatch(s *State, b Block, signer tao.AccountID, call tx.Call) error {
	switch c := call.(type) {
	case tx.Transfer:
		return transfer(s, b, signer, c)
	case tx.TransferKeepAlive:
		return transferKeepAlive(s, b, signer, c)
	case tx.TransferAll:
		return transferAll(s, b, signer, c)
	case tx.RegisterNetwork:
		return registerNetwork(s, b, signer, c)
	case tx.StartCall:
		return startCall(s, b, signer, c)
	case tx.SetSubnetIdentity:
		return setSubnetIdentity(s, b, signer, c)
	case tx.BurnedRegister:
		return burnedRegister(s, b, signer, c)
	case tx.ServeAxon:
		return serveAxon(s, b, signer, c)
	case tx.SetHyperparameter:
		return setHyperparameter(s, b, signer, c)
	case tx.SudoSetGlobal:
		return sudoSetGlobal(s, b, signer, c)
	case tx.AddStake:
		return addStake(s, b, signer, c)
	case tx.RemoveStake:
		return removeStake(s, b, signer, c)
	case tx.UnstakeAll:
		return unstakeAll(s, b, signer, c)
	case tx.MoveStake:
		return moveStake(s, b, signer, c)
	case tx.TransferStake:
		return transferStake(s, b, signer, c)
	case tx.SwapStake:
		return swapStake(s, b, signer, c)
	case tx.IncreaseTake:
		return increaseTake(s, b, signer, c)
	case tx.DecreaseTake:
		return decreaseTake(s, b, signer, c)
	case tx.AssociateHotkey:
		return associateHotkey(s, b, signer, c)
	case tx.SetWeights:
		return setWeights(s, b, signer, c)
	case tx.CommitWeights:
		return commitWeights(s, b, signer, c)
	case tx.RevealWeights:
		return revealWeights(s, b, signer, c)
	case tx.BatchSetWeights:
		return batchSetWeights(s, b, signer, c)
	default:
		return fmt.Errorf("%w: %s", tx.ErrNotSupported, call.Kind())
	}
}

// mustCode returns err's code. Handlers must fail with catalog errors; any
// other error is a bug that would otherwise read as success.
func mustCode(err error) uint32 {
	code := tx.CodeOf(err)
	if code == 0 {
		panic(fmt.Sprintf("chain: error without a tx code: %v", err))
	}
	return code
}
