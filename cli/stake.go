package cli

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/client"
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

// addressFlag is an SS58-address option with btcli's hidden aliases:
// --hotkey-ss58 (the hotkey a stake command acts on, or else the wallet's),
// or a required one such as --to and --dest.
type addressFlag struct{ ss58 string }

func (h *addressFlag) register(cmd *cobra.Command, name, usage string, aliases ...string) {
	f := cmd.Flags()
	f.StringVar(&h.ss58, name, "", usage)
	for _, al := range aliases {
		f.StringVar(&h.ss58, al, "", "alias of --"+name+" (btcli)")
		_ = f.MarkHidden(al)
	}
}

// resolve returns the hotkey named by the flag, or the wallet's.
func (h *addressFlag) resolve(a *app, w *walletFlags, name string) (tao.AccountID, error) {
	if h.ss58 != "" {
		id, err := tao.ParseAccountID(h.ss58)
		if err != nil {
			return tao.AccountID{}, usageErrorf("--%s: %v", name, err)
		}
		return id, nil
	}
	return a.hotkeyPub(w)
}

// required returns the address the flag --name names, which must be given;
// what says what it is, for the error.
func (h *addressFlag) required(name, what string) (tao.AccountID, error) {
	if h.ss58 == "" {
		return tao.AccountID{}, usageErrorf("the %s is required: pass --%s SS58", what, name)
	}
	id, err := tao.ParseAccountID(h.ss58)
	if err != nil {
		return tao.AccountID{}, usageErrorf("--%s: %v", name, err)
	}
	return id, nil
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

// stakeTx is a call a stake command is about to send: the confirmation's
// title and rows, and the call.
type stakeTx struct {
	title   string
	summary [][2]string
	call    tx.Call
}

// runStakeCall is the shape of the commands that send a call signed by
// the wallet's coldkey and print a stakeDoc (stake, take,
// associate-hotkey): it resolves the coldkey and the node and reads the
// node's status; prepare reads what else the call needs (under the same
// read timeout) and returns the call to send, or nil when it has printed
// a result and there is nothing to send. The node's row ends the summary;
// then the call is confirmed, signed, sent, and its result printed.
func (a *app) runStakeCall(cmd *cobra.Command, w *walletFlags, net *networkFlag,
	prepare func(ctx context.Context, c *client.Client, cold tao.AccountID, st *apitypes.Status) (*stakeTx, error)) error {
	cold, c, err := a.coldkeyAndNode(w, net)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), callTimeout)
	defer cancel()
	st, err := c.Status(ctx)
	if err != nil {
		return nodeError(c, err)
	}
	t, err := prepare(ctx, c, cold, st)
	if err != nil || t == nil {
		return err
	}
	summary := append(t.summary, [2]string{"Network", c.URL() + " (" + st.ChainID + ")"})
	return a.sendStakeCall(cmd.Context(), c, w, t.title, summary, t.call)
}

// feeRow is the summary row of the transaction fee.
func feeRow(st *apitypes.Status) [2]string { return [2]string{"Fee", st.TxFee.String()} }

// sendStakeCall confirms, signs and submits call, waits for its block and
// prints the result as a stakeDoc. summary is shown before asking; it
// returns nil without sending if the user declines.
func (a *app) sendStakeCall(ctx context.Context, c *client.Client, w *walletFlags, title string, summary [][2]string, call tx.Call) error {
	pair, err := a.confirmColdkey(w, title, summary)
	if pair == nil {
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
			a.printf("  %-7s %s on netuid %d, hotkey %s (%s, swap fee %s)\n", ch.Kind, stakeAmount(tao.NetUID(ch.NetUID), ch.Alpha), ch.NetUID, ch.Hotkey, ch.TAO, ch.SwapFee)
		}
		a.printf("  transaction %s\n", res.Hash)
	})
}

// alphaAmount formats alpha like TAO, with the alpha sign.
func alphaAmount(v tao.Rao) string { return "α" + v.TAOString() }

// stakeAmount formats a stake held on subnet n: alpha, or TAO on root
// (netuid 0), whose stake is TAO 1:1.
func stakeAmount(n tao.NetUID, v tao.Rao) string {
	if n == tao.RootNetUID {
		return v.String()
	}
	return alphaAmount(v)
}

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
