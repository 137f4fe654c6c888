package chain

import (
	"encoding/binary"
	"fmt"

	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// Account is an account's free balance and the nonce its next transaction
// must carry. An account that never held anything is the zero Account.
type Account struct {
	Free  tao.Rao
	Nonce uint64
}

// Account returns the account of id.
func (s *State) Account(id tao.AccountID) Account {
	b := s.kv.Get(accountKey(id))
	if b == nil {
		return Account{}
	}
	return decodeAccount(id, b)
}

func decodeAccount(id tao.AccountID, b []byte) Account {
	if len(b) != 16 {
		panic(fmt.Sprintf("chain: corrupt account %s: %d bytes, want 16", id, len(b)))
	}
	return Account{Free: tao.Rao(binary.BigEndian.Uint64(b)), Nonce: binary.BigEndian.Uint64(b[8:])}
}

// setAccount stores a. An empty account (no balance, nonce 0) is deleted.
// A reaped account keeps its record while its nonce is above 0, so its old
// transactions can never be replayed (Substrate resets the nonce instead).
func (s *State) setAccount(id tao.AccountID, a Account) {
	if a == (Account{}) {
		s.kv.Delete(accountKey(id))
		return
	}
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b, uint64(a.Free))
	binary.BigEndian.PutUint64(b[8:], a.Nonce)
	s.kv.Set(accountKey(id), b)
}

// credit adds amount to id's free balance.
func (s *State) credit(id tao.AccountID, amount tao.Rao, reason Reason) error {
	a := s.Account(id)
	free, ok := a.Free.AddChecked(amount)
	if !ok {
		return fmt.Errorf("%w: %s holds %d rao, credit %d", tx.ErrAmountOverflow, id, a.Free, amount)
	}
	a.Free = free
	s.setAccount(id, a)
	if s.recording() {
		s.emit(EventCredit, accountAttr("account", id), amountAttr("amount", amount), Attr{"reason", reason.String()})
	}
	return nil
}

// debit takes amount from id's free balance. It does not reap: callers
// settle the existential deposit (see reapDust).
func (s *State) debit(id tao.AccountID, amount tao.Rao, reason Reason) error {
	a := s.Account(id)
	free, ok := a.Free.SubChecked(amount)
	if !ok {
		return fmt.Errorf("%w: have %d rao, need %d", tx.ErrInsufficientBalance, a.Free, amount)
	}
	a.Free = free
	s.setAccount(id, a)
	if s.recording() {
		s.emit(EventDebit, accountAttr("account", id), amountAttr("amount", amount), Attr{"reason", reason.String()})
	}
	return nil
}

// mint creates up to amount rao on id's balance, capped so TotalIssuance
// never exceeds the total supply, and returns what was minted.
func (s *State) mint(id tao.AccountID, amount tao.Rao, reason Reason) tao.Rao {
	issuance := s.TotalIssuance()
	amount = min(amount, totalSupply-min(issuance, totalSupply))
	if amount == 0 {
		return 0
	}
	if err := s.credit(id, amount, reason); err != nil {
		// A balance above the total supply means the state is corrupt.
		panic(fmt.Sprintf("chain: mint %d rao to %s: %v", amount, id, err))
	}
	s.issue(amount, reason)
	return amount
}

// issue raises TotalIssuance by amount rao that has just entered a balance
// or a reserve (a pool's TAO for emission injected into it): the minting
// half of mint. The caller keeps amount within the total supply.
func (s *State) issue(amount tao.Rao, reason Reason) {
	issuance, ok := s.TotalIssuance().AddChecked(amount)
	if !ok || issuance > totalSupply {
		panic(fmt.Sprintf("chain: issuing %d rao exceeds the total supply (issuance %d)", amount, s.TotalIssuance()))
	}
	s.setGlobalU64(globalTotalIssuance, uint64(issuance))
	s.setGlobalU64(globalTotalMinted, uint64(s.TotalMinted()+amount))
	if s.recording() {
		s.emit(EventMint, amountAttr("amount", amount), Attr{"reason", reason.String()})
	}
}

// recycle destroys amount rao of id's balance: TotalIssuance decreases, so
// the emission schedule can issue it again.
func (s *State) recycle(id tao.AccountID, amount tao.Rao, reason Reason) error {
	if err := s.debit(id, amount, reason); err != nil {
		return err
	}
	s.retire(amount, reason)
	return nil
}

// retire lowers TotalIssuance by amount rao that has already left every
// balance and reserve (a debit whose TAO went nowhere, such as a swap fee):
// the recycling half of recycle.
func (s *State) retire(amount tao.Rao, reason Reason) {
	issuance, ok := s.TotalIssuance().SubChecked(amount)
	if !ok {
		panic(fmt.Sprintf("chain: recycling %d rao exceeds total issuance %d", amount, s.TotalIssuance()))
	}
	s.setGlobalU64(globalTotalIssuance, uint64(issuance))
	s.setGlobalU64(globalTotalRecycled, uint64(s.TotalRecycled()+amount))
	if s.recording() {
		s.emit(EventRecycle, amountAttr("amount", amount), Attr{"reason", reason.String()})
	}
}

// reapDust recycles id's free balance if it is below the existential
// deposit (and not zero), as Substrate reaps such accounts.
func (s *State) reapDust(id tao.AccountID) {
	free := s.Account(id).Free
	if free == 0 || free >= s.Params().ExistentialDeposit {
		return
	}
	if err := s.recycle(id, free, ReasonReap); err != nil {
		panic(fmt.Sprintf("chain: reaping %s: %v", id, err)) // the balance was just read
	}
}
