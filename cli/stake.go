package cli

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// newStakeCmd builds the `stake` group, in btcli's shape (sdk-spec §7.2).
func newStakeCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "stake",
		Aliases: []string{"st"},
		Short:   "Stake and unstake TAO to hotkeys on subnets",
		Long: `Stake TAO to a hotkey on a subnet (it buys the subnet's alpha from its
pool), unstake it, move it between hotkeys and subnets, or give it to
another coldkey. Staking and unstaking protect against slippage by
default: the call carries a limit price --tolerance (0.5 %) beyond the
price the quoted order ends at, and fails rather than fill past it if the
pool moves before the block; --allow-partial-stake
fills up to the limit instead, --unsafe drops the limit. Amounts are TAO
for add and alpha for the others (9 decimals). See docs/economics.md,
"Staking on chain".`,
	}
	cmd.AddCommand(newStakeAddCmd(a), newStakeRemoveCmd(a), newStakeListCmd(a),
		newStakeMoveCmd(a), newStakeTransferCmd(a), newStakeSwapCmd(a))
	return cmd
}

// hotkeyFlag is --hotkey-ss58: the hotkey a stake command acts on, or else
// the wallet's hotkey (--hotkey NAME).
type hotkeyFlag struct{ ss58 string }

func (h *hotkeyFlag) register(cmd *cobra.Command, name, usage string, aliases ...string) {
	f := cmd.Flags()
	f.StringVar(&h.ss58, name, "", usage)
	for _, al := range aliases {
		f.StringVar(&h.ss58, al, "", "alias of --"+name+" (btcli)")
		_ = f.MarkHidden(al)
	}
}

// resolve returns the hotkey named by the flag, or the wallet's.
func (h *hotkeyFlag) resolve(a *app, w *walletFlags, name string) (tao.AccountID, error) {
	if h.ss58 != "" {
		id, err := tao.ParseAccountID(h.ss58)
		if err != nil {
			return tao.AccountID{}, usageErrorf("--%s: %v", name, err)
		}
		return id, nil
	}
	return a.hotkeyPub(w)
}

// slippageFlags are the price-protection options of add, remove and swap.
type slippageFlags struct {
	tolerance string
	unsafe    bool
	partial   bool
}

func (s *slippageFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&s.tolerance, "tolerance", "0.005", "slippage tolerance, a fraction of the price (0.005 = 0.5 %)")
	f.StringVar(&s.tolerance, "rate-tolerance", "0.005", "alias of --tolerance (btcli)")
	_ = f.MarkHidden("rate-tolerance")
	f.BoolVar(&s.unsafe, "unsafe", false, "no limit price: accept any slippage")
	f.BoolVar(&s.partial, "allow-partial-stake", false, "fill up to the limit price and leave the rest")
	f.BoolVar(&s.partial, "partial", false, "alias of --allow-partial-stake")
	_ = f.MarkHidden("partial")
}

// limit returns the limit price for an order at price p (rao per unit):
// p·(1+tolerance) when up, else p·(1−tolerance), floored and at least 1;
// 0 with --unsafe.
func (s *slippageFlags) limit(p tao.Rao, up bool) (tao.Rao, error) {
	if s.unsafe {
		return 0, nil
	}
	tol, ok := parseFraction(s.tolerance)
	if !ok || tol.Cmp(big.NewRat(1, 1)) >= 0 {
		return 0, usageErrorf("--tolerance %q: want a fraction in [0, 1), e.g. 0.005 for 0.5 %%", s.tolerance)
	}
	if !up {
		tol.Neg(tol)
	}
	l := tol.Add(tol, big.NewRat(1, 1))
	l.Mul(l, new(big.Rat).SetInt(new(big.Int).SetUint64(uint64(p))))
	v := new(big.Int).Quo(l.Num(), l.Denom())
	if !v.IsUint64() {
		return tao.Rao(^uint64(0)), nil
	}
	return max(tao.Rao(v.Uint64()), 1), nil
}

// parseFraction reads a plain non-negative decimal such as 0.005 (digits
// and at most one point, no exponent, at most 24 characters), exactly.
func parseFraction(v string) (*big.Rat, bool) {
	if v == "" || len(v) > 24 || strings.Count(v, ".") > 1 || strings.Trim(v, "0123456789.") != "" || v == "." {
		return nil, false
	}
	return new(big.Rat).SetString(v)
}

// amountFlags are --amount and --all.
type amountFlags struct {
	amount string
	all    bool
}

func (f *amountFlags) register(cmd *cobra.Command, unit, allUsage string, allAliases ...string) {
	fs := cmd.Flags()
	fs.StringVarP(&f.amount, "amount", "a", "", "amount in "+unit+", e.g. 1.5 (up to 9 decimals)")
	fs.BoolVar(&f.all, "all", false, allUsage)
	for _, al := range allAliases {
		fs.BoolVar(&f.all, al, false, "alias of --all (btcli)")
		_ = fs.MarkHidden(al)
	}
}

// parse returns the amount, or all=true. Exactly one must be given.
func (f *amountFlags) parse() (tao.Rao, error) {
	switch {
	case f.all && f.amount != "":
		return 0, usageErrorf("--amount and --all are exclusive")
	case f.all:
		return 0, nil
	case f.amount == "":
		return 0, usageErrorf("the amount is required: pass --amount (or --all)")
	}
	v, err := tao.ParseTAO(f.amount)
	if err != nil {
		return 0, usageErrorf("--amount: %v", err)
	}
	if v == 0 {
		return 0, usageErrorf("--amount must be more than zero")
	}
	return v, nil
}

// netuidFlag registers a required netuid option.
func netuidFlag(cmd *cobra.Command, p *uint16, name, usage string, aliases ...string) {
	f := cmd.Flags()
	f.Uint16Var(p, name, 0, usage)
	for _, al := range aliases {
		f.Uint16Var(p, al, 0, "alias of --"+name+" (btcli)")
		_ = f.MarkHidden(al)
	}
}

// requireFlag fails unless cmd got one of names.
func requireFlag(cmd *cobra.Command, names ...string) error {
	for _, n := range names {
		if cmd.Flags().Changed(n) {
			return nil
		}
	}
	return usageErrorf("--%s is required", names[0])
}

// stakeDoc is the --json result of every stake command that sends a call.
type stakeDoc struct {
	Success bool             `json:"success"`
	Call    string           `json:"call"`
	TxHash  apitypes.Hash    `json:"tx_hash"`
	Block   int64            `json:"block"`
	Coldkey tao.AccountID    `json:"coldkey"`
	Fee     tao.Rao          `json:"fee"`
	Stakes  []stakeChange    `json:"changes"` // the stake_added and stake_removed events, in order
	Events  []apitypes.Event `json:"events"`
}

// stakeChange is one stake_added or stake_removed event.
type stakeChange struct {
	Kind    string        `json:"kind"` // "added" or "removed"
	Coldkey tao.AccountID `json:"coldkey"`
	Hotkey  tao.AccountID `json:"hotkey"`
	NetUID  uint16        `json:"netuid"`
	TAO     tao.Rao       `json:"tao"`
	Alpha   tao.Rao       `json:"alpha"`
	Price   tao.Rao       `json:"price"`
	SwapFee tao.Rao       `json:"swap_fee"`
}

// stakeChanges extracts the stake events of a result.
func stakeChanges(evs []apitypes.Event) []stakeChange {
	var out []stakeChange
	for _, e := range evs {
		kind := map[string]string{"stake_added": "added", "stake_removed": "removed"}[e.Type]
		if kind == "" {
			continue
		}
		c := stakeChange{Kind: kind}
		get := func(k string) string { v, _ := e.Attr(k); return v }
		c.Coldkey, _ = tao.ParseAccountID(get("coldkey"))
		c.Hotkey, _ = tao.ParseAccountID(get("hotkey"))
		n, _ := tao.ParseNetUID(get("netuid"))
		c.NetUID = uint16(n)
		for k, p := range map[string]*tao.Rao{"tao": &c.TAO, "alpha": &c.Alpha, "price": &c.Price, "fee": &c.SwapFee} {
			var v uint64
			_, _ = fmt.Sscan(get(k), &v)
			*p = tao.Rao(v)
		}
		out = append(out, c)
	}
	return out
}

// send confirms, signs and submits call, waits for its block and prints
// the result. summary is shown before asking; it returns nil without
// sending if the user declines.
func (a *app) sendStakeCall(ctx context.Context, c *client.Client, w *walletFlags, title string, summary [][2]string, call tx.Call) error {
	ok, err := a.confirm(title, summary, "Proceed?")
	if err != nil {
		return err
	}
	if !ok {
		a.infof("Cancelled; nothing was sent.\n")
		return nil
	}
	pair, err := a.coldkey(w)
	if err != nil {
		return err
	}
	res, err := a.submit(ctx, c, pair, call)
	if err != nil {
		return err
	}
	doc := stakeDoc{
		Success: true, Call: call.Kind().String(), TxHash: res.Hash, Block: res.Height, Coldkey: pair.Public(),
		Stakes: stakeChanges(res.Events), Events: res.Events,
	}
	for _, e := range res.Events {
		if v, ok := e.Attr("fee"); ok && e.Type == "tx" {
			var fee uint64
			_, _ = fmt.Sscan(v, &fee)
			doc.Fee = tao.Rao(fee)
		}
	}
	return a.result(doc, func() {
		a.success("%s included in block %d (fee %s)", call.Kind(), res.Height, doc.Fee)
		for _, ch := range doc.Stakes {
			a.printf("  %-7s %s on netuid %d, hotkey %s (%s, swap fee %s)\n", ch.Kind, alphaAmount(ch.Alpha), ch.NetUID, ch.Hotkey, ch.TAO, ch.SwapFee)
		}
		a.printf("  transaction %s\n", res.Hash)
	})
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

// alphaAmount formats alpha like TAO, with the alpha sign.
func alphaAmount(v tao.Rao) string { return "α" + v.TAOString() }

// priceString formats a price in rao per alpha.
func priceString(p tao.Rao) string { return p.String() + "/α" }

// percent formats num/den as a percentage with two decimals.
func percent(num, den *big.Rat) string {
	if den.Sign() == 0 {
		return "–"
	}
	r := new(big.Rat).Quo(num, den)
	r.Mul(r, big.NewRat(100, 1))
	return r.FloatString(2) + " %"
}

// slippage is the share of value lost to the price moving during a swap
// (the fee aside): 1 − out/ideal, where ideal is the input net of the fee
// converted at the price before the swap (rao per alpha).
func slippage(q *apitypes.Quote) string {
	in := ratOf(q.In)
	var ideal *big.Rat
	if q.Side == "buy" {
		ideal = new(big.Rat).Quo(new(big.Rat).Mul(in, big.NewRat(int64(tao.RaoPerTAO), 1)), ratOf(q.PriceBefore))
	} else {
		ideal = new(big.Rat).Quo(new(big.Rat).Mul(in, ratOf(q.PriceBefore)), big.NewRat(int64(tao.RaoPerTAO), 1))
	}
	lost := new(big.Rat).Sub(ideal, ratOf(q.Out))
	return percent(lost, ideal)
}

func ratOf(v tao.Rao) *big.Rat { return new(big.Rat).SetUint64(uint64(v)) }

// quoteRows summarises a quote for a confirmation.
func quoteRows(q *apitypes.Quote) [][2]string {
	in, out := tao.Rao.String, alphaAmount
	if q.Side == "sell" {
		in, out = alphaAmount, tao.Rao.String
	}
	fee := "none"
	if q.Fee != 0 {
		fee = in(q.Fee) + " (recycled)"
	}
	rows := [][2]string{
		{"Price", priceString(q.PriceBefore)},
		{"Expected out", out(q.Out)},
		{"Swap fee", fee},
		{"Price after", priceString(q.PriceAfter)},
		{"Slippage", slippage(q)},
	}
	if q.LimitPrice != 0 {
		rows = append(rows, [2]string{"Limit price", priceString(q.LimitPrice)})
	}
	if q.Refund != 0 {
		rows = append(rows, [2]string{"Not filled", in(q.Refund) + " (stays yours: the limit price is reached)"})
	}
	return rows
}
