package template

import (
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/sdk/neuron"
)

// Command returns the `subnet-template` command with its `miner` and
// `validator` subcommands, which run the template's neurons. Options come
// from flags, GOTENSOR_*/BT_* variables and a --config file
// (neuron.RegisterFlags); the keys from the wallet options. Both run in
// the foreground until SIGINT or SIGTERM.
func Command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "subnet-template",
		Short: "Run a miner or validator of the template subnet",
		Long: `Run a neuron of the template subnet (subnets/template): miners answer
Dummy queries (double an integer); validators query them, score correctness
and speed, and set weights every epoch. docs/subnet-template.md tells how
to copy it to start a subnet of your own.`,
	}
	cmd.AddCommand(minerCommand(), validatorCommand())
	return cmd
}

func minerCommand() *cobra.Command {
	var (
		behaviour string
		slowDelay time.Duration
		flags     *neuron.Flags
	)
	cmd := &cobra.Command{
		Use:     "miner",
		Short:   "Serve Dummy queries on an axon",
		Example: `  gotensor subnet-template miner --netuid 1 --wallet-name miner1 --axon.port 8091 --axon.external-ip 203.0.113.7`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := ParseBehaviour(behaviour)
			if err != nil {
				return err
			}
			cfg, err := flags.Load(os.LookupEnv)
			if err != nil {
				return err
			}
			k, _, err := cfg.LoadKeys(os.Getenv)
			if err != nil {
				return err
			}
			m, err := NewMiner(cfg, k, MinerOptions{Behaviour: b, SlowDelay: slowDelay}, neuron.Options{})
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return m.Run(ctx)
		},
	}
	flags = neuron.RegisterFlags(cmd.Flags(), neuron.RoleMiner)
	cmd.Flags().StringVar(&behaviour, "behaviour", string(Honest), "honest, bad (wrong answers) or slow (late answers), for demos")
	cmd.Flags().DurationVar(&slowDelay, "slow-delay", DefaultSlowDelay, "how late a slow miner answers")
	return cmd
}

func validatorCommand() *cobra.Command {
	var flags *neuron.Flags
	cmd := &cobra.Command{
		Use:     "validator",
		Short:   "Query miners, score them and set weights",
		Example: `  gotensor subnet-template validator --netuid 1 --wallet-name validator --neuron.sample-size 16`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := flags.Load(os.LookupEnv)
			if err != nil {
				return err
			}
			k, ws, err := cfg.LoadKeys(os.Getenv)
			if err != nil {
				return err
			}
			v, err := NewValidator(cfg, k, cfg.StateDir(ws), neuron.Options{})
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return v.Run(ctx)
		},
	}
	flags = neuron.RegisterFlags(cmd.Flags(), neuron.RoleValidator)
	return cmd
}
