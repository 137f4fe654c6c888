package chain

import (
	"fmt"

	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// transfer is pallet_balances' transfer_allow_death: the sender may be left
// below the existential deposit, and is then reaped after the call.
func transfer(s *State, _ Block, signer tao.AccountID, c tx.Transfer) error {
	return moveFree(s, signer, c.Dest, c.Amount, false)
}

// transferKeepAlive refuses to take the sender below the existential
// deposit.
func transferKeepAlive(s *State, _ Block, signer tao.AccountID, c tx.TransferKeepAlive) error {
	return moveFree(s, signer, c.Dest, c.Amount, true)
}

// transferAll moves the signer's whole free balance (the fee is already
// paid), or all but the existential deposit with KeepAlive.
func transferAll(s *State, _ Block, signer tao.AccountID, c tx.TransferAll) error {
	amount := s.Account(signer).Free
	if c.KeepAlive {
		amount = amount.SaturatingSub(s.Params().ExistentialDeposit)
	}
	return moveFree(s, signer, c.Dest, amount, c.KeepAlive)
}

// moveFree moves amount of free balance from one account to another. As in
// Substrate, a zero amount or a transfer to oneself succeeds without
// change; a new account must receive at least the existential deposit.
func moveFree(s *State, from, to tao.AccountID, amount tao.Rao, keepAlive bool) error {
	if amount > totalSupply {
		return fmt.Errorf("%w: %d rao is more than the total supply", tx.ErrAmountOverflow, amount)
	}
	ed := s.Params().ExistentialDeposit
	src := s.Account(from).Free
	if src < amount {
		return fmt.Errorf("%w: have %d rao, want %d", tx.ErrInsufficientBalance, src, amount)
	}
	if amount == 0 || from == to {
		return nil
	}
	if keepAlive && src-amount < ed {
		return fmt.Errorf("%w: %d rao would remain, the existential deposit is %d", tx.ErrKeepAlive, src-amount, ed)
	}
	dst := s.Account(to).Free
	if sum, ok := dst.AddChecked(amount); !ok {
		return fmt.Errorf("%w: %s holds %d rao", tx.ErrAmountOverflow, to, dst)
	} else if sum < ed {
		return fmt.Errorf("%w: %s would hold %d rao, the existential deposit is %d", tx.ErrExistentialDeposit, to, sum, ed)
	}
	if err := s.debit(from, amount, ReasonTransfer); err != nil {
		return err
	}
	if err := s.credit(to, amount, ReasonTransfer); err != nil {
		return err
	}
	if s.recording() {
		s.emit(EventTransfer, accountAttr("from", from), accountAttr("to", to), amountAttr("amount", amount))
	}
	return nil
}
