package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// newSubnetsCmd builds the `subnets` group (btcli's `subnets`, aliases s
// and subnet).
func newSubnetsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "subnets",
		Aliases: []string{"s", "subnet"},
		Short:   "Create, list and inspect subnets; register neurons",
		Long: `List subnets and show their metagraphs and hyperparameters, create a subnet
(locking the subnet lock cost into its pool), start its emissions, and
register neurons by burning the registration price. Amounts in --json are
integers in rao; prices are rao of TAO per alpha.`,
	}
	cmd.AddCommand(newSubnetsListCmd(a), newSubnetsShowCmd(a), newSubnetsHyperparamsCmd(a), newSubnetsBurnCostCmd(a),
		newSubnetsCreateCmd(a), newSubnetsStartCmd(a), newSubnetsRegisterCmd(a), newSubnetsSetIdentityCmd(a))
	return cmd
}

// query runs f against the selected node with the read timeout.
func (a *app) query(ctx context.Context, n *networkFlag, f func(ctx context.Context, c *client.Client) error) error {
	c, err := a.client(n)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	if err := f(ctx, c); err != nil {
		return subnetQueryError(c, err)
	}
	return nil
}

// subnetQueryError adds the next step to a failed subnet query.
func subnetQueryError(c *client.Client, err error) error {
	var ae *client.APIError
	if errors.As(err, &ae) && ae.Code == apitypes.CodeNotFound {
		return withHint(err, "list subnets with `gotensor subnets list`")
	}
	return nodeError(c, err)
}

func newSubnetsListCmd(a *app) *cobra.Command {
	var net networkFlag
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every subnet: price, pool, emission, tempo and size",
		Long: `List every subnet, root (netuid 0) first. --json prints GET /v1/subnets:
{"height", "lock_cost", "subnets": [{"netuid", "name", "symbol", "price",
"tao_in", "alpha_in", "alpha_out", "emission", "tempo", "n", "max_uids",
"burn", "started", …}]}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.query(cmd.Context(), &net, func(ctx context.Context, c *client.Client) error {
				l, err := c.Subnets(ctx)
				if err != nil {
					return err
				}
				return a.result(l, func() {
					rows := make([][]string, len(l.Subnets))
					var emission tao.Rao
					for i, s := range l.Subnets {
						rows[i] = []string{strconv.Itoa(int(s.NetUID)), s.Name, s.Symbol, priceString(s.Price), s.TAOIn.String(),
							alphaAmount(s.AlphaIn), alphaAmount(s.AlphaOut), s.Emission.String(), strconv.Itoa(int(s.Tempo)),
							fmt.Sprintf("%d/%d", s.N, s.MaxUIDs), startedString(s.NetUID, s.Started)}
						emission = emission.SaturatingAdd(s.Emission)
					}
					a.table(fmt.Sprintf("Subnets (%s, block %d)", c.URL(), l.Height),
						[]string{"Netuid", "Name", "Symbol", "Price", "TAO in", "Alpha in", "Alpha out", "Emission", "Tempo", "N", "Status"},
						rows, []string{"", "", "", "", "", "", "", emission.String(), "", "", ""})
					a.printf("Subnet lock cost now: %s (`gotensor subnets create`)\n", l.LockCost)
				})
			})
		},
	}
	net.register(cmd)
	return cmd
}

// startedString is a subnet's status column.
func startedString(n uint16, started bool) string {
	switch {
	case n == 0:
		return "root"
	case started:
		return "emitting"
	}
	return "not started"
}

func newSubnetsShowCmd(a *app) *cobra.Command {
	var (
		net    networkFlag
		netuid uint16
		full   bool
	)
	cmd := &cobra.Command{
		Use:     "show",
		Aliases: []string{"metagraph"},
		Short:   "Show a subnet's metagraph: every neuron's stake, scores, emission and axon",
		Long: `Show a subnet and its neurons. --json prints the metagraph document of
GET /v1/subnets/{netuid}/metagraph: the subnet header and "neurons": [{"uid",
"hotkey", "coldkey", "stake", "alpha_stake", "tao_stake", "stake_weight",
"consensus", "incentive", "dividends", "validator_trust", "emission",
"active", "validator_permit", "last_update", "registered_at", "axon"}]; u16
scores are the chain's integers (x/65535). --full adds weights and bonds.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlag(cmd, "netuid"); err != nil {
				return err
			}
			return a.query(cmd.Context(), &net, func(ctx context.Context, c *client.Client) error {
				m, err := c.Metagraph(ctx, tao.NetUID(netuid), !full)
				if err != nil {
					return err
				}
				return a.result(m, func() { a.printMetagraph(m) })
			})
		},
	}
	net.register(cmd)
	netuidFlag(cmd, &netuid, "netuid", "subnet to show")
	cmd.Flags().BoolVar(&full, "full", false, "include weights and bonds in --json")
	return cmd
}

// printMetagraph prints a subnet header and its neurons for people.
func (a *app) printMetagraph(m *apitypes.Metagraph) {
	name := m.Name
	if name == "" {
		name = "(no name)"
	}
	a.printf("%s %s  netuid %d, block %d\n", a.paint(bold, "Subnet"), name, m.NetUID, m.Block)
	if m.OwnerColdkey != nil {
		a.printf("  owner      %s (hotkey %s)\n", m.OwnerColdkey, m.OwnerHotkey)
	}
	a.printf("  neurons    %d/%d, tempo %d, next epoch in %s, registration burn %s\n",
		m.N, m.MaxUIDs, m.Tempo, blocks(m.BlocksUntilEpoch), m.Burn)
	a.printf("  pool       %s, %s in, %s out, price %s\n",
		m.Pool.TAOIn, alphaAmount(m.Pool.AlphaIn), alphaAmount(m.Pool.AlphaOut), priceString(m.Pool.Price))
	if !m.Started && m.NetUID != 0 {
		a.printf("  status     not started: the owner starts emissions with `gotensor subnets start --netuid %d`\n", m.NetUID)
	}
	rows := make([][]string, len(m.Neurons))
	var stake, emission tao.Rao
	for i, n := range m.Neurons {
		axon := "–"
		if n.Axon.Port != 0 {
			axon = fmt.Sprintf("%s:%d", n.Axon.IP, n.Axon.Port)
		}
		rows[i] = []string{strconv.Itoa(int(n.UID)), alphaAmount(n.Stake), u16String(n.StakeWeight), u16String(n.Consensus),
			u16String(n.Incentive), u16String(n.Dividends), u16String(n.ValidatorTrust), alphaAmount(n.Emission),
			flag(n.Permit), strconv.FormatUint(uint64(m.Block)-min(uint64(m.Block), n.LastUpdate), 10), flag(n.Active), axon,
			short(n.Hotkey), short(n.Coldkey)}
		stake = stake.SaturatingAdd(n.Stake)
		emission = emission.SaturatingAdd(n.Emission)
	}
	a.table("", []string{"UID", "Stake", "StakeW", "Cons", "Incent", "Divs", "VTrust", "Emission", "Val", "Updated", "Active", "Axon", "Hotkey", "Coldkey"},
		rows, []string{"", alphaAmount(stake), "", "", "", "", "", alphaAmount(emission), "", "", "", "", "", ""})
}

// u16String shows a u16 proportion as a fraction with 4 decimals.
func u16String(v uint16) string { return fmt.Sprintf("%.4f", float64(v)/65535) }

func flag(b bool) string {
	if b {
		return "*"
	}
	return ""
}

// short abbreviates an address for tables.
func short(id tao.AccountID) string {
	s := id.String()
	return s[:6] + "…" + s[len(s)-4:]
}

func newSubnetsHyperparamsCmd(a *app) *cobra.Command {
	var (
		net    networkFlag
		netuid uint16
	)
	cmd := &cobra.Command{
		Use:   "hyperparameters",
		Short: "Show a subnet's hyperparameters (same as `sudo get`)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlag(cmd, "netuid"); err != nil {
				return err
			}
			return a.showHyperparams(cmd.Context(), &net, tao.NetUID(netuid))
		},
	}
	net.register(cmd)
	netuidFlag(cmd, &netuid, "netuid", "subnet to show")
	return cmd
}

func newSubnetsBurnCostCmd(a *app) *cobra.Command {
	var net networkFlag
	cmd := &cobra.Command{
		Use:   "burn-cost",
		Short: "Show what registering a subnet costs now (the lock cost)",
		Long: `Show the subnet lock cost in the next block: twice the last lock, falling
linearly back to the minimum. --json prints {"lock_cost": rao, "block": h}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.query(cmd.Context(), &net, func(ctx context.Context, c *client.Client) error {
				l, err := c.Subnets(ctx)
				if err != nil {
					return err
				}
				doc := map[string]any{"lock_cost": l.LockCost, "block": l.Height}
				return a.result(doc, func() { a.printf("Subnet lock cost: %s (block %d)\n", l.LockCost, l.Height) })
			})
		},
	}
	net.register(cmd)
	return cmd
}

// identityFlags are the subnet identity options of create and
// set-identity, with btcli's names and aliases.
type identityFlags struct{ id tx.SubnetIdentity }

func (f *identityFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	opt := func(p *string, name, usage string, aliases ...string) {
		fs.StringVar(p, name, "", usage)
		for _, al := range aliases {
			fs.StringVar(p, al, "", "alias of --"+name+" (btcli)")
			_ = fs.MarkHidden(al)
		}
	}
	opt(&f.id.Name, "subnet-name", "subnet name (at most 256 bytes)", "sn-name")
	opt(&f.id.GitHub, "github-repo", "GitHub repository URL", "repo")
	opt(&f.id.Contact, "subnet-contact", "contact (e-mail)", "contact", "email")
	opt(&f.id.URL, "subnet-url", "web site", "url")
	opt(&f.id.Discord, "discord", "Discord handle", "discord-handle")
	opt(&f.id.Description, "description", "description")
	opt(&f.id.LogoURL, "logo-url", "logo URL")
	opt(&f.id.TokenSymbol, "symbol", "token symbol (at most 32 bytes)")
	opt(&f.id.Additional, "additional-info", "anything else")
}

func newSubnetsCreateCmd(a *app) *cobra.Command {
	var (
		w   walletFlags
		net networkFlag
		id  identityFlags
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Register a new subnet owned by the wallet's coldkey",
		Long: `Register a subnet: the wallet's coldkey pays the subnet lock cost, which
seeds the subnet's pool, and the wallet's hotkey becomes uid 0. The subnet
emits once the owner runs ` + "`gotensor subnets start`" + `. A summary (lock cost,
balance after) is confirmed before anything is signed. --json prints
{"success": true, "netuid": N, "lock_cost": rao, "tx_hash", "block", …}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			hot, err := a.hotkeyPub(&w)
			if err != nil {
				return err
			}
			owner, c, err := a.coldkeyAndNode(&w, &net)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			rctx, cancel := context.WithTimeout(ctx, callTimeout)
			defer cancel()
			l, err := c.Subnets(rctx)
			if err != nil {
				return nodeError(c, err)
			}
			st, err := c.Status(rctx)
			if err != nil {
				return nodeError(c, err)
			}
			acct, err := c.Account(rctx, owner)
			if err != nil {
				return nodeError(c, err)
			}
			need := l.LockCost.SaturatingAdd(st.TxFee)
			if acct.Free < need {
				return withHint(fmt.Errorf("subnet lock cost is %s TAO, balance is %s TAO", l.LockCost.TAOString(), acct.Free.TAOString()),
					"fund %s, or wait: the lock cost falls block by block to its minimum", owner)
			}
			summary := [][2]string{
				{"Owner coldkey", owner.String()},
				{"Owner hotkey", hot.String() + " (uid 0)"},
				{"Lock cost", l.LockCost.String() + " (seeds the pool)"},
				{"Fee", st.TxFee.String()},
				{"Balance after", (acct.Free - need).String()},
				{"Network", c.URL()},
			}
			if id.id.Name != "" {
				summary = append(summary, [2]string{"Name", id.id.Name})
			}
			call := tx.RegisterNetwork{Hotkey: hot}
			if id.id != (tx.SubnetIdentity{}) {
				identity := id.id
				call.Identity = &identity
			}
			res, ok, err := a.confirmAndSubmit(ctx, c, &w, "Create a subnet", summary, call)
			if err != nil || !ok {
				return err
			}
			v, _ := eventAttr(res.Events, "subnet_registered", "netuid")
			n, _ := tao.ParseNetUID(v)
			lock, _ := eventAttr(res.Events, "subnet_registered", "lock")
			paid, _ := strconv.ParseUint(lock, 10, 64)
			doc := txDoc(call, res, map[string]any{"netuid": n, "lock_cost": paid, "owner_coldkey": owner, "owner_hotkey": hot})
			return a.result(doc, func() {
				a.success("Subnet %d created in block %d (lock %s)", n, res.Height, tao.Rao(paid))
				a.printf("  start its emissions with `gotensor subnets start --netuid %d`\n", n)
			})
		},
	}
	w.register(cmd)
	net.register(cmd)
	id.register(cmd)
	return cmd
}

func newSubnetsStartCmd(a *app) *cobra.Command {
	var (
		w      walletFlags
		net    networkFlag
		netuid uint16
	)
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Start a subnet's emissions (owner only)",
		Long: `Start the emissions of a subnet the wallet's coldkey owns: from the next
block the subnet receives its share of the block emission, and staking on
it opens. --json prints {"success": true, "netuid", "first_emission_block", …}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlag(cmd, "netuid"); err != nil {
				return err
			}
			c, err := a.client(&net)
			if err != nil {
				return err
			}
			call := tx.StartCall{NetUID: tao.NetUID(netuid)}
			res, ok, err := a.confirmAndSubmit(cmd.Context(), c, &w, "Start a subnet",
				[][2]string{{"Netuid", strconv.Itoa(int(netuid))}, {"Network", c.URL()}}, call)
			if err != nil || !ok {
				return err
			}
			first, _ := eventAttr(res.Events, "subnet_started", "first_emission_block")
			fb, _ := strconv.ParseUint(first, 10, 64)
			doc := txDoc(call, res, map[string]any{"netuid": netuid, "first_emission_block": fb})
			return a.result(doc, func() { a.success("Subnet %d emits from block %d", netuid, fb) })
		},
	}
	w.register(cmd)
	net.register(cmd)
	netuidFlag(cmd, &netuid, "netuid", "subnet to start")
	return cmd
}

func newSubnetsRegisterCmd(a *app) *cobra.Command {
	var (
		w      walletFlags
		net    networkFlag
		netuid uint16
		slip   slippageFlags
	)
	cmd := &cobra.Command{
		Use:   "register",
		Short: "Register the wallet's hotkey on a subnet by burning the registration price",
		Long: `Register the wallet's hotkey as a neuron of a subnet. The coldkey pays the
subnet's current burn (it buys the subnet's alpha, which is recycled). The
burn rises by 26 % with each registration and decays between them, so the
call carries a limit --tolerance (0.5 %) above the price shown and fails
rather than pay more; --unsafe drops the limit. If the subnet is full, the
lowest-emission neuron that is not immune is replaced. --json prints
{"success": true, "netuid", "uid", "hotkey", "burn", …}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlag(cmd, "netuid"); err != nil {
				return err
			}
			hot, err := a.hotkeyPub(&w)
			if err != nil {
				return err
			}
			cold, c, err := a.coldkeyAndNode(&w, &net)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			rctx, cancel := context.WithTimeout(ctx, callTimeout)
			defer cancel()
			sn, err := c.Subnet(rctx, tao.NetUID(netuid))
			if err != nil {
				return subnetQueryError(c, err)
			}
			acct, err := c.Account(rctx, cold)
			if err != nil {
				return nodeError(c, err)
			}
			limit, err := slip.limit(sn.Burn, true)
			if err != nil {
				return err
			}
			if acct.Free < sn.Burn {
				return withHint(fmt.Errorf("registration burn is %s TAO, balance is %s TAO", sn.Burn.TAOString(), acct.Free.TAOString()),
					"fund %s, or wait for the burn to decay", cold)
			}
			summary := [][2]string{
				{"Subnet", fmt.Sprintf("%d %s (%d/%d neurons)", netuid, sn.Name, sn.N, sn.MaxUIDs)},
				{"Hotkey", hot.String()},
				{"Coldkey", cold.String()},
				{"Burn", sn.Burn.String()},
				{"Burn limit", limitString(limit)},
				{"Balance", acct.Free.String()},
				{"Network", c.URL()},
			}
			if sn.N >= sn.MaxUIDs {
				summary = append(summary, [2]string{"Note", "the subnet is full: the lowest-emission neuron that is not immune is replaced"})
			}
			call := tx.BurnedRegister{NetUID: tao.NetUID(netuid), Hotkey: hot, LimitPrice: limit}
			res, ok, err := a.confirmAndSubmit(ctx, c, &w, "Register a neuron", summary, call)
			if err != nil || !ok {
				return err
			}
			uidText, _ := eventAttr(res.Events, "neuron_registered", "uid")
			uid, _ := strconv.Atoi(uidText)
			burnText, _ := eventAttr(res.Events, "neuron_registered", "burn")
			burn, _ := strconv.ParseUint(burnText, 10, 64)
			replaced, _ := eventAttr(res.Events, "neuron_registered", "replaced")
			extra := map[string]any{"netuid": netuid, "uid": uid, "hotkey": hot, "coldkey": cold, "burn": burn}
			if replaced != "" {
				extra["replaced"] = replaced
			}
			doc := txDoc(call, res, extra)
			return a.result(doc, func() {
				a.success("Registered %s as uid %d of subnet %d in block %d (burned %s)", hot, uid, netuid, res.Height, tao.Rao(burn))
				if replaced != "" {
					a.printf("  it replaced %s\n", replaced)
				}
			})
		},
	}
	w.register(cmd)
	net.register(cmd)
	netuidFlag(cmd, &netuid, "netuid", "subnet to register on")
	f := cmd.Flags()
	f.StringVar(&slip.tolerance, "tolerance", "0.005", "how much above the shown burn to accept, a fraction (0.005 = 0.5 %)")
	f.StringVar(&slip.tolerance, "rate-tolerance", "0.005", "alias of --tolerance (btcli)")
	_ = f.MarkHidden("rate-tolerance")
	f.BoolVar(&slip.unsafe, "unsafe", false, "no burn limit: pay whatever the burn is when the block runs")
	var safe bool
	f.BoolVar(&safe, "safe", true, "keep the burn limit (the default; btcli)")
	_ = f.MarkHidden("safe")
	return cmd
}

// limitString shows a burn limit; 0 means none.
func limitString(l tao.Rao) string {
	if l == 0 {
		return "none (--unsafe)"
	}
	return l.String()
}

func newSubnetsSetIdentityCmd(a *app) *cobra.Command {
	var (
		w      walletFlags
		net    networkFlag
		netuid uint16
		id     identityFlags
	)
	cmd := &cobra.Command{
		Use:   "set-identity",
		Short: "Replace a subnet's identity (owner only)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlag(cmd, "netuid"); err != nil {
				return err
			}
			c, err := a.client(&net)
			if err != nil {
				return err
			}
			call := tx.SetSubnetIdentity{NetUID: tao.NetUID(netuid), Identity: id.id}
			res, ok, err := a.confirmAndSubmit(cmd.Context(), c, &w, "Set the subnet identity",
				[][2]string{{"Netuid", strconv.Itoa(int(netuid))}, {"Name", id.id.Name}, {"Symbol", id.id.TokenSymbol}, {"Network", c.URL()}}, call)
			if err != nil || !ok {
				return err
			}
			doc := txDoc(call, res, map[string]any{"netuid": netuid})
			return a.result(doc, func() { a.success("Identity of subnet %d set in block %d", netuid, res.Height) })
		},
	}
	w.register(cmd)
	net.register(cmd)
	netuidFlag(cmd, &netuid, "netuid", "subnet to describe")
	id.register(cmd)
	return cmd
}
