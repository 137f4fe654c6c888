package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/node"
	"github.com/gotensor/gotensor/subnets/template/demo"
)

func init() { localnetExtensions = append(localnetExtensions, newLocalnetDemo) }

// newLocalnetDemo is `gotensor localnet --demo`: once the chain is up, it
// sets up the template subnet (package subnets/template/demo), runs its
// six neurons in-process, and prints one line per epoch.
func newLocalnetDemo(a *app) localnetExtension {
	var on bool
	return localnetExtension{
		register: func(cmd *cobra.Command) {
			cmd.Flags().BoolVar(&on, "demo", false, "also create the template subnet and run two validators and four miners on it (docs/subnet-template.md)")
		},
		ready: func(ctx context.Context, n *node.Node) error {
			if !on {
				return nil
			}
			return a.runDemo(ctx, n)
		},
	}
}

// runDemo sets up the demo subnet and runs it until ctx ends.
func (a *app) runDemo(ctx context.Context, n *node.Node) error {
	c, err := client.New(n.APIURL(), client.Options{})
	if err != nil {
		return err
	}
	dir := filepath.Join(n.Home(), "demo")
	a.printf("\nSetting up the template subnet demo…\n")
	d, err := demo.Setup(ctx, demo.Options{Client: c, Dir: dir, Progress: func(format string, args ...any) {
		a.printf("  %s\n", fmt.Sprintf(format, args...))
	}})
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return withHint(err, "the chain in %s may hold a subnet the demo cannot use: start the demo in a new --home", n.Home())
	}
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()

	api := n.APIURL()
	a.success("Template subnet demo running on netuid %d: 2 validators, 4 miners (miner3 is slow, miner4 answers wrongly)", d.NetUID)
	a.printf("  metagraph    %s/v1/subnets/%d/metagraph?lite=true\n", api, d.NetUID)
	a.printf("  table        gotensor subnets show --netuid %d --network %s\n", d.NetUID, api)
	a.printf("  neuron logs  %s/<validator1|…|miner4>/neuron.log\n", dir)
	a.printf("Within a few minutes the honest miners earn incentive, the bad one stays at 0 and the validators earn dividends:\n")

	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	var lastStep uint64
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			s, err := d.Summary(ctx)
			if err != nil || s.LastStep == lastStep {
				continue
			}
			lastStep = s.LastStep
			a.printf("  %s\n", s)
		}
	}
}
