package cli

import (
	"net/netip"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// newAxonCmd builds the `axon` group.
func newAxonCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "axon",
		Short: "Publish a neuron's axon endpoint on chain",
		Long: `Publish where a neuron's axon listens, so validators can query it. The call
is signed by the wallet's hotkey, which must be registered on the subnet;
it is free, and rate limited to once per serving_rate_limit blocks.`,
	}
	cmd.AddCommand(newAxonSetCmd(a))
	return cmd
}

func newAxonSetCmd(a *app) *cobra.Command {
	var (
		w        walletFlags
		net      networkFlag
		netuid   uint16
		ip       string
		port     uint16
		ipType   uint8
		protocol uint8
		version  uint32
	)
	cmd := &cobra.Command{
		Use:   "set",
		Short: "Publish the hotkey's axon address on a subnet",
		Long: `Publish the wallet hotkey's axon address (serve_axon) on a subnet. --ip-type
defaults to the address family. --json prints {"success": true, "netuid",
"hotkey", "ip", "port", …}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case !cmd.Flags().Changed("netuid"):
				return usageErrorf("--netuid is required")
			case ip == "":
				return usageErrorf("the address is required: pass --ip, e.g. --ip 203.0.113.7")
			case port == 0:
				return usageErrorf("the port is required: pass --port, e.g. --port 8091")
			}
			addr, err := netip.ParseAddr(ip)
			if err != nil {
				return usageErrorf("--ip %q is not an IPv4 or IPv6 address", ip)
			}
			addr = addr.Unmap()
			if !cmd.Flags().Changed("ip-type") {
				ipType = 6
				if addr.Is4() {
					ipType = 4
				}
			}
			if (ipType == 4) != addr.Is4() {
				return usageErrorf("--ip-type %d does not match %s", ipType, addr)
			}
			if addr.IsUnspecified() {
				return usageErrorf("--ip %s is the unspecified address: give the address validators reach you at", addr)
			}
			hot, err := a.hotkey(&w)
			if err != nil {
				return err
			}
			c, err := a.client(&net)
			if err != nil {
				return err
			}
			call := tx.ServeAxon{NetUID: tao.NetUID(netuid), Version: version, IP: addr.As16(), Port: port, IPType: ipType, Protocol: protocol}
			ok, err := a.confirm("Publish an axon", [][2]string{
				{"Subnet", strconv.Itoa(int(netuid))},
				{"Hotkey", hot.Public().String()},
				{"Address", netip.AddrPortFrom(addr, port).String()},
				{"Fee", "none (hotkey call)"},
				{"Network", c.URL()},
			}, "Proceed?")
			if err != nil || !ok {
				return a.cancelled(err)
			}
			res, err := a.submit(cmd.Context(), c, hot, call)
			if err != nil {
				return err
			}
			doc := txDoc(call, res, map[string]any{"netuid": netuid, "hotkey": hot.Public(), "ip": addr.String(), "port": port, "ip_type": ipType, "protocol": protocol})
			return a.result(doc, func() {
				a.success("Axon %s published for %s on subnet %d in block %d", netip.AddrPortFrom(addr, port), hot.Public(), netuid, res.Height)
			})
		},
	}
	w.register(cmd)
	net.register(cmd)
	netuidFlag(cmd, &netuid, "netuid", "subnet the hotkey is registered on")
	f := cmd.Flags()
	f.StringVar(&ip, "ip", "", "address validators reach the axon at (IPv4 or IPv6)")
	f.Uint16Var(&port, "port", 0, "port the axon listens on")
	f.Uint8Var(&ipType, "ip-type", 4, "4 or 6 (default: the address family)")
	f.Uint8Var(&protocol, "protocol", 4, "protocol number (4, as Bittensor's axons)")
	f.Uint32Var(&version, "version", 0, "axon version number")
	return cmd
}
