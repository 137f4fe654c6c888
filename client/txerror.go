package client

import (
	"fmt"

	"github.com/gotensor/gotensor/tx"
)

// TxError is a transaction the node rejected (CheckTx) or included as
// failed. It unwraps to the catalogue's *tx.Error for its code, so
// errors.Is(err, tx.ErrInsufficientBalance) and errors.As(err, &txErr)
// work; a code this client does not know yet unwraps to a *tx.Error
// carrying just the code and message.
type TxError struct {
	Code    uint32
	Message string // the node's message, with detail
	entry   *tx.Error
}

func (e *TxError) Error() string { return fmt.Sprintf("%s (tx code %d)", e.Message, e.Code) }

// Unwrap returns the catalogue entry.
func (e *TxError) Unwrap() error { return e.entry }

func txError(code uint32, msg string) error {
	entry := tx.Lookup(code)
	if entry == nil {
		entry = &tx.Error{Code: code, Msg: msg}
	}
	if msg == "" {
		msg = entry.Msg
	}
	return &TxError{Code: code, Message: msg, entry: entry}
}
