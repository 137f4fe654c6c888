package cli

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// The shared steps of the commands that send a call: find the signer and
// the node, confirm, unlock, submit, explain a failure, describe the
// result.

// coldkeyAndNode resolves the wallet's coldkey address and the node: how
// every command that sends a call signed by the coldkey starts.
func (a *app) coldkeyAndNode(w *walletFlags, net *networkFlag) (tao.AccountID, *client.Client, error) {
	cold, err := a.coldkeyPub(w)
	if err != nil {
		return tao.AccountID{}, nil, err
	}
	c, err := a.client(net)
	if err != nil {
		return tao.AccountID{}, nil, err
	}
	return cold, c, nil
}

// confirmColdkey shows summary, asks to go on, and then unlocks the
// wallet's coldkey (which may ask for its password), so nothing is
// unlocked for a call the user declines. A nil pair with a nil error
// means the user declined.
func (a *app) confirmColdkey(w *walletFlags, title string, summary [][2]string) (*keys.Pair, error) {
	ok, err := a.confirm(title, summary, "Proceed?")
	if err != nil || !ok {
		return nil, a.cancelled(err)
	}
	return a.coldkey(w)
}

// confirmAndSubmit confirms summary, unlocks the coldkey, sends calls in
// turn, each waiting for its block, and returns the last one's result. ok
// is false if the user declined.
func (a *app) confirmAndSubmit(ctx context.Context, c *client.Client, w *walletFlags, title string, summary [][2]string, calls ...tx.Call) (res *apitypes.SubmitTxResult, ok bool, err error) {
	pair, err := a.confirmColdkey(w, title, summary)
	if pair == nil {
		return nil, false, err
	}
	for _, call := range calls {
		if res, err = a.submit(ctx, c, pair, call); err != nil {
			return nil, false, err
		}
	}
	return res, true, nil
}

// cancelled is what a command returns when the confirmation was declined
// (err nil) or failed.
func (a *app) cancelled(err error) error {
	if err == nil {
		a.infof("Cancelled; nothing was sent.\n")
	}
	return err
}

// submit signs and sends call, with a spinner until its block.
func (a *app) submit(ctx context.Context, c *client.Client, pair *keys.Pair, call tx.Call) (*apitypes.SubmitTxResult, error) {
	sender, err := c.NewSender(ctx, pair)
	if err != nil {
		return nil, nodeError(c, err)
	}
	stop := a.spin(fmt.Sprintf("Waiting for %s to be included in a block…", call.Kind()))
	res, err := sender.Send(ctx, call, true)
	stop()
	if err != nil {
		return nil, callError(c, call, res, err)
	}
	return res, nil
}

// callError explains a refused or failed call with the next step.
func callError(c *client.Client, call tx.Call, res *apitypes.SubmitTxResult, err error) error {
	if res != nil && res.Committed {
		err = fmt.Errorf("%s failed in block %d (the fee was charged): %w", call.Kind(), res.Height, err)
	}
	hints := []struct {
		code *tx.Error
		hint string
	}{
		{tx.ErrHotkeyNotAssociated, "associate the hotkey with `gotensor wallet associate-hotkey`, or register it with `gotensor subnets register`"},
		{tx.ErrSlippage, "raise --tolerance, pass --allow-partial-stake to fill up to the limit, or --unsafe to drop it"},
		{tx.ErrPriceLimit, "the price moved past the limit; run the command again for a fresh quote"},
		{tx.ErrStakeTooLow, "stake operations move at least the minimum stake (0.002 TAO by default)"},
		{tx.ErrNoStake, "list your stakes with `gotensor stake list`"},
		{tx.ErrNotEnoughStake, "list your stakes with `gotensor stake list`"},
		{tx.ErrSubnetNotFound, "list subnets with `gotensor subnets list`"},
		{tx.ErrNotStarted, "the subnet owner starts it with `gotensor subnets start`"},
		{tx.ErrTransferDisallowed, "the subnet owner can allow it: `gotensor sudo set --param transfer_toggle --value 1`"},
		{tx.ErrInsufficientBalance, "check the balance with `gotensor wallet balance`"},
		{tx.ErrFeeUnaffordable, "check the balance with `gotensor wallet balance`"},
		{tx.ErrInsufficientLiquidity, "the pool is too small for this amount; try less"},
		{tx.ErrSwapTooLarge, "the pool is too small for this amount; try less"},
		{tx.ErrNotHotkeyOwner, "only the hotkey's owner can do this; pick the owning wallet with --wallet-name"},
		{tx.ErrTakeRateLimit, "decreasing is always allowed; increases wait for the rate limit"},
		{tx.ErrNonceTooLow, "another transaction from this key is in flight; wait for its block and retry"},
		{tx.ErrNonceTooHigh, "another transaction from this key is in flight; wait for its block and retry"},
	}
	for _, h := range hints {
		if errors.Is(err, h.code) {
			return withHint(err, "%s", h.hint)
		}
	}
	if errors.Is(err, client.ErrTimeout) {
		return withHint(err, "it may still be included: look it up with `curl %s/v1/tx/HASH`", c.URL())
	}
	return nodeError(c, err)
}

// txDoc is the --json result of a subnet, sudo or axon call: success,
// call, tx_hash, block and events, plus the call's own fields.
func txDoc(call tx.Call, res *apitypes.SubmitTxResult, fields map[string]any) map[string]any {
	doc := map[string]any{"success": true, "call": call.Kind().String(), "tx_hash": res.Hash, "block": res.Height, "events": res.Events}
	maps.Copy(doc, fields)
	return doc
}

// eventAttr returns an attribute of the first event of type typ.
func eventAttr(evs []apitypes.Event, typ, key string) (string, bool) {
	for _, e := range evs {
		if e.Type == typ {
			return e.Attr(key)
		}
	}
	return "", false
}
