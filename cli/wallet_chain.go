package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
	"github.com/gotensor/gotensor/wallet"
)

// The wallet commands that talk to a node, balance and transfer, join the
// wallet group through the hook wallet.go declares.
func init() {
	walletChainCmds = func(a *app) []*cobra.Command {
		return []*cobra.Command{newBalanceCmd(a), newTransferCmd(a)}
	}
}

// balanceDoc is one account in `wallet balance --json`.
type balanceDoc struct {
	Wallet    string        `json:"wallet,omitempty"`
	SS58      tao.AccountID `json:"ss58Address"`
	Free      tao.Rao       `json:"free"`
	Nonce     uint64        `json:"nonce"`      // in the last committed block
	NextNonce uint64        `json:"next_nonce"` // with the account's transactions in the mempool
	Height    int64         `json:"height"`
}

func newBalanceCmd(a *app) *cobra.Command {
	var (
		w     walletFlags
		net   networkFlag
		ss58s []string
		all   bool
	)
	cmd := &cobra.Command{
		Use:   "balance",
		Short: "Show the free balance of a wallet's coldkey or of addresses",
		Long: `Show the free balance of the selected wallet's coldkey, of the addresses
given with --ss58, or of every wallet under the wallet path with --all.
With --json one account prints {"free": rao, "nonce": n, "next_nonce": n,
"ss58Address": …, "height": h} (nonce as of block height, next_nonce with
the account's transactions waiting in the mempool); several print
{"accounts": [...], "total_free": rao}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			type target struct {
				wallet string
				id     tao.AccountID
			}
			var targets []target
			switch {
			case len(ss58s) > 0 && all:
				return usageErrorf("--ss58 and --all are exclusive")
			case len(ss58s) > 0:
				for _, s := range ss58s {
					id, err := tao.ParseAccountID(s)
					if err != nil {
						return usageErrorf("--ss58: %v", err)
					}
					targets = append(targets, target{id: id})
				}
			case all:
				ws, err := a.allWallets(&w)
				if err != nil {
					return err
				}
				for _, wl := range ws {
					targets = append(targets, target{wallet: wl.name, id: wl.id})
				}
			default:
				id, err := a.coldkeyPub(&w)
				if err != nil {
					return err
				}
				s, _ := a.walletSettings(&w, "")
				targets = append(targets, target{wallet: s.Name, id: id})
			}
			c, err := a.client(&net)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), callTimeout)
			defer cancel()
			docs := make([]balanceDoc, len(targets))
			var total tao.Rao
			for i, t := range targets {
				acct, err := c.Account(ctx, t.id)
				if err != nil {
					return nodeError(c, err)
				}
				docs[i] = balanceDoc{Wallet: t.wallet, SS58: t.id, Free: acct.Free, Nonce: acct.Nonce, NextNonce: acct.NextNonce, Height: acct.Height}
				total = total.SaturatingAdd(acct.Free)
			}
			var out any = map[string]any{"accounts": docs, "total_free": total}
			if len(docs) == 1 {
				out = docs[0]
			}
			return a.result(out, func() {
				rows := make([][]string, len(docs))
				for i, d := range docs {
					rows[i] = []string{d.Wallet, d.SS58.String(), d.Free.String()}
				}
				var footer []string
				if len(docs) > 1 {
					footer = []string{"Total", "", total.String()}
				}
				a.table(fmt.Sprintf("Balances (%s, block %d)", c.URL(), docs[0].Height),
					[]string{"Wallet", "Coldkey", "Free"}, rows, footer)
			})
		},
	}
	w.register(cmd)
	net.register(cmd)
	cmd.Flags().StringSliceVar(&ss58s, "ss58", nil, "address(es) to show instead of a wallet (repeatable)")
	cmd.Flags().BoolVarP(&all, "all", "a", false, "show every wallet under the wallet path")
	return cmd
}

// namedAccount is a wallet's name and coldkey address.
type namedAccount struct {
	name string
	id   tao.AccountID
}

// allWallets lists the wallets under the wallet path that have a readable
// coldkey address, sorted by name.
func (a *app) allWallets(w *walletFlags) ([]namedAccount, error) {
	s, err := a.walletSettings(w, "")
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(s.Path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, withHint(fmt.Errorf("no wallets under %s", s.Path), "create one with `gotensor wallet create`")
	}
	if err != nil {
		return nil, err
	}
	var out []namedAccount
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		wl, err := wallet.New(s.Path, e.Name(), s.Hotkey)
		if err != nil {
			continue
		}
		id, err := wl.ColdkeyPub()
		if err != nil {
			continue // not a wallet, or no coldkey
		}
		out = append(out, namedAccount{e.Name(), id})
	}
	if len(out) == 0 {
		return nil, withHint(fmt.Errorf("no wallets under %s", filepath.Clean(s.Path)), "create one with `gotensor wallet create`")
	}
	slices.SortFunc(out, func(x, y namedAccount) int {
		switch {
		case x.name < y.name:
			return -1
		case x.name > y.name:
			return 1
		}
		return 0
	})
	return out, nil
}

// transferDoc is the --json result of `wallet transfer`.
type transferDoc struct {
	Success       bool             `json:"success"`
	TxHash        apitypes.Hash    `json:"tx_hash"`
	Block         int64            `json:"block"`
	From          tao.AccountID    `json:"from"`
	To            tao.AccountID    `json:"to"`
	Amount        tao.Rao          `json:"amount"`
	Fee           tao.Rao          `json:"fee"`
	Call          string           `json:"call"`
	BalanceBefore tao.Rao          `json:"balance_before"`
	BalanceAfter  tao.Rao          `json:"balance_after"`
	Events        []apitypes.Event `json:"events"`
}

func newTransferCmd(a *app) *cobra.Command {
	var (
		w          walletFlags
		net        networkFlag
		dest       string
		amount     string
		all        bool
		allowDeath bool
		keepAlive  bool
	)
	cmd := &cobra.Command{
		Use:   "transfer",
		Short: "Send TAO from the wallet's coldkey to another account",
		Long: `Send TAO from the selected wallet's coldkey. By default the transfer keeps
the sender alive (at least the existential deposit stays behind), as btcli
does; --allow-death lets the account be emptied and reaped. --all sends
everything but the fee (and, without --allow-death, the existential
deposit). A summary is shown and confirmed before anything is signed,
unless --no-prompt or --json is given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			to, err := tao.ParseAccountID(dest)
			switch {
			case dest == "":
				return usageErrorf("the destination is required: pass --dest SS58")
			case err != nil:
				return usageErrorf("--dest: %v", err)
			case all && amount != "":
				return usageErrorf("--amount and --all are exclusive")
			case !all && amount == "":
				return usageErrorf("the amount is required: pass --amount TAO (or --all)")
			case allowDeath && cmd.Flags().Changed("keep-alive") && keepAlive:
				return usageErrorf("--keep-alive and --allow-death are exclusive")
			}
			var rao tao.Rao
			if !all {
				if rao, err = tao.ParseTAO(amount); err != nil {
					return usageErrorf("--amount: %v", err)
				}
				if rao == 0 {
					return usageErrorf("--amount must be more than zero")
				}
			}
			pair, err := a.coldkey(&w)
			if err != nil {
				return err
			}
			c, err := a.client(&net)
			if err != nil {
				return err
			}
			return a.transfer(cmd.Context(), c, pair, to, rao, all, !allowDeath)
		},
	}
	w.register(cmd)
	net.register(cmd)
	f := cmd.Flags()
	f.StringVarP(&dest, "dest", "d", "", "destination address (SS58)")
	f.StringVarP(&amount, "amount", "a", "", "amount in TAO, e.g. 1.5 (up to 9 decimals)")
	f.BoolVar(&all, "all", false, "send the whole balance, less the fee (and the existential deposit unless --allow-death)")
	f.BoolVar(&allowDeath, "allow-death", false, "allow the sender to fall below the existential deposit and be reaped")
	f.BoolVar(&keepAlive, "keep-alive", true, "keep the sender above the existential deposit")
	f.StringVar(&dest, "destination", "", "alias of --dest (btcli)")
	_ = f.MarkHidden("destination")
	return cmd
}

// transfer checks, summarises, confirms, signs and submits a transfer and
// waits for its block. amount is ignored with all.
func (a *app) transfer(ctx context.Context, c *client.Client, pair *keys.Pair, to tao.AccountID, amount tao.Rao, all, keepAlive bool) error {
	from := pair.Public()
	rctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	st, err := c.Status(rctx)
	if err != nil {
		return nodeError(c, err)
	}
	src, err := c.Account(rctx, from)
	if err != nil {
		return nodeError(c, err)
	}
	dst, err := c.Account(rctx, to)
	if err != nil {
		return nodeError(c, err)
	}
	fee, ed := st.TxFee, st.ExistentialDeposit
	if all {
		keep := fee
		if keepAlive {
			keep = keep.SaturatingAdd(ed)
		}
		if src.Free <= keep {
			return withHint(fmt.Errorf("nothing to send: %s holds %s, the fee is %s", from, src.Free, fee),
				"fund the account first")
		}
		amount = src.Free - keep
	}
	need, ok := amount.AddChecked(fee)
	if !ok || src.Free < need {
		return withHint(fmt.Errorf("insufficient balance: %s holds %s, the transfer needs %s plus a fee of %s", from, src.Free, amount, fee),
			"send less, or fund the account first")
	}
	after := src.Free - need
	if keepAlive && after < ed {
		return withHint(fmt.Errorf("the transfer would leave %s below the existential deposit of %s", from, ed),
			"send less, or pass --allow-death to let the account be emptied and reaped")
	}
	if dst.Free == 0 && amount < ed {
		return withHint(fmt.Errorf("%s is a new account: it must receive at least the existential deposit of %s", to, ed),
			"send at least %s", ed.TAOString())
	}
	var call tx.Call
	switch {
	case all:
		call = tx.TransferAll{Dest: to, KeepAlive: keepAlive}
	case keepAlive:
		call = tx.TransferKeepAlive{Dest: to, Amount: amount}
	default:
		call = tx.Transfer{Dest: to, Amount: amount}
	}
	shownAfter := after.String()
	if !keepAlive && after < ed {
		shownAfter = "τ0 (the account is reaped; " + after.String() + " of dust is recycled)"
	}
	if from == to {
		a.warn("sending to the same account: only the fee will change the balance")
	}
	ok, err = a.confirm("Transfer", [][2]string{
		{"From", from.String()},
		{"To", to.String()},
		{"Amount", amount.String()},
		{"Fee", fee.String()},
		{"Balance after", shownAfter},
		{"Network", c.URL() + " (" + st.ChainID + ")"},
	}, "Send it?")
	if err != nil {
		return err
	}
	if !ok {
		a.infof("Transfer cancelled; nothing was sent.\n")
		return nil
	}
	sender, err := c.NewSender(ctx, pair)
	if err != nil {
		return nodeError(c, err)
	}
	stop := a.spin("Waiting for the transfer to be included in a block…")
	res, err := sender.Send(ctx, call, true)
	stop()
	if err != nil {
		return transferError(c, res, err)
	}
	rctx, cancel = context.WithTimeout(ctx, callTimeout)
	defer cancel()
	now, err := c.Account(rctx, from)
	if err != nil {
		return nodeError(c, err)
	}
	doc := transferDoc{
		Success: true, TxHash: res.Hash, Block: res.Height, From: from, To: to, Amount: amount, Fee: fee,
		Call: call.Kind().String(), BalanceBefore: src.Free, BalanceAfter: now.Free, Events: res.Events,
	}
	return a.result(doc, func() {
		a.success("Sent %s to %s in block %d (fee %s)", amount, to, res.Height, fee)
		a.printf("  transaction  %s\n  balance      %s → %s\n", res.Hash, src.Free, now.Free)
	})
}

// transferError explains a failed submission with the next step.
func transferError(c *client.Client, res *apitypes.SubmitTxResult, err error) error {
	switch {
	case res != nil && res.Committed:
		return withHint(fmt.Errorf("the transfer failed in block %d: %w", res.Height, err),
			"the fee was charged; check the balances with `gotensor wallet balance`")
	case errors.Is(err, tx.ErrInsufficientBalance), errors.Is(err, tx.ErrFeeUnaffordable):
		return withHint(err, "the balance changed since it was read: check it with `gotensor wallet balance`")
	case errors.Is(err, tx.ErrNonceTooLow), errors.Is(err, tx.ErrNonceTooHigh):
		return withHint(err, "another transaction from this key is in flight; wait for its block and retry")
	case errors.Is(err, client.ErrTimeout):
		return withHint(err, "it may still be included: look it up with `curl %s/v1/tx/HASH`", c.URL())
	}
	return nodeError(c, err)
}
