// Package demo runs the template subnet on a development chain: it creates
// and starts a subnet owned by //Alice (the dev chain's sudo), gives it
// fast hyperparameters, funds and registers two validators and four
// miners (one slow, one bad), stakes to the validators so they earn
// permits, and runs all six neurons in-process. `gotensor localnet --demo`
// and the end-to-end test use it.
//
// Setup is idempotent: on a chain that already has the demo subnet it only
// does what is missing, so a demo home can be stopped and started again.
package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/sdk/metagraph"
	"github.com/gotensor/gotensor/sdk/neuron"
	"github.com/gotensor/gotensor/subnets/template"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// Member is one neuron of the demo.
type Member struct {
	Name      string // directory and log name
	URI       string // dev secret URI: the key is its own coldkey and hotkey
	Role      neuron.Role
	Behaviour template.Behaviour // miners
	Stake     tao.Rao            // validators: TAO staked to themselves
}

// Members are the demo's neurons, registered in this order (uids 1 to 6;
// the owner's hotkey is uid 0).
var Members = []Member{
	{Name: "validator1", URI: "//Validator1", Role: neuron.RoleValidator, Stake: 100 * tao.RaoPerTAO},
	{Name: "validator2", URI: "//Validator2", Role: neuron.RoleValidator, Stake: 50 * tao.RaoPerTAO},
	{Name: "miner1", URI: "//Miner1", Role: neuron.RoleMiner, Behaviour: template.Honest},
	{Name: "miner2", URI: "//Miner2", Role: neuron.RoleMiner, Behaviour: template.Honest},
	{Name: "miner3", URI: "//Miner3", Role: neuron.RoleMiner, Behaviour: template.Slow},
	{Name: "miner4", URI: "//Miner4", Role: neuron.RoleMiner, Behaviour: template.Bad},
}

// Owner is the subnet owner and the chain's sudo on development chains.
const Owner = "//Alice"

// SubnetName names the demo subnet; Setup finds it by this name and its
// owner.
const SubnetName = "template-demo"

// Options configure the demo. Zero fields take the defaults.
type Options struct {
	// Client talks to the chain's API (required).
	Client *client.Client
	// Dir holds each neuron's state and log, in Dir/<name> (required).
	Dir string
	// Tempo is the subnet's epoch length in blocks (default 10).
	Tempo uint16
	// StepInterval is the validators' pause between steps (default 1s).
	StepInterval time.Duration
	// Timeout bounds the validators' queries (default 2s); SlowDelay is
	// how late the slow miner answers (default half of it).
	Timeout, SlowDelay time.Duration
	// Progress receives a line per setup step; nil is silent.
	Progress func(format string, args ...any)
}

func (o *Options) defaults() error {
	if o.Client == nil || o.Dir == "" {
		return errors.New("demo: Options.Client and Options.Dir are required")
	}
	if o.Tempo == 0 {
		o.Tempo = 10
	}
	if o.StepInterval == 0 {
		o.StepInterval = time.Second
	}
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Second
	}
	if o.SlowDelay == 0 {
		o.SlowDelay = o.Timeout / 2
	}
	if o.Progress == nil {
		o.Progress = func(string, ...any) {}
	}
	return nil
}

// Demo is a set-up demo subnet.
type Demo struct {
	NetUID tao.NetUID
	opts   Options
	owner  *keys.Pair
	keys   []*keys.Pair // of Members

	mu         sync.Mutex
	validators []*neuron.Validator // running, in Members order
}

// Setup brings the chain to the demo's starting point and returns the
// demo, ready to Run.
func Setup(ctx context.Context, o Options) (*Demo, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	d := &Demo{opts: o}
	var err error
	if d.owner, err = keys.FromURI(Owner); err != nil {
		return nil, err
	}
	for _, m := range Members {
		p, err := keys.FromURI(m.URI)
		if err != nil {
			return nil, err
		}
		d.keys = append(d.keys, p)
	}
	steps := []struct {
		what string
		run  func(context.Context) error
	}{
		{"subnet", d.setupSubnet},
		{"hyperparameters", d.setupHyperparams},
		{"funding", d.fund},
		{"registration", d.register},
		{"stake", d.stake},
	}
	for _, s := range steps {
		if err := s.run(ctx); err != nil {
			return nil, fmt.Errorf("demo: %s: %w", s.what, err)
		}
	}
	return d, nil
}

// send submits call signed by p and waits for its block.
func (d *Demo) send(ctx context.Context, p *keys.Pair, call tx.Call) error {
	s, err := d.opts.Client.NewSender(ctx, p)
	if err != nil {
		return err
	}
	_, err = s.Send(ctx, call, true)
	return err
}

// setupSubnet finds the demo subnet or registers it, and starts it.
func (d *Demo) setupSubnet(ctx context.Context) error {
	c := d.opts.Client
	n, found, err := d.findSubnet(ctx)
	if err != nil {
		return err
	}
	if !found {
		id := &tx.SubnetIdentity{Name: SubnetName, TokenSymbol: "TD", Description: "gotensor's template subnet demo",
			GitHub: "github.com/gotensor/gotensor/subnets/template"}
		if err := d.send(ctx, d.owner, tx.RegisterNetwork{Hotkey: d.owner.Public(), Identity: id}); err != nil {
			return err
		}
		if n, found, err = d.findSubnet(ctx); err != nil || !found {
			return errors.Join(err, errors.New("the registered subnet is not listed"))
		}
		d.opts.Progress("Created subnet %d (%s), owned by %s", n, SubnetName, Owner)
	}
	d.NetUID = n
	sn, err := c.Subnet(ctx, n)
	if err != nil {
		return err
	}
	if !sn.Started {
		if err := d.send(ctx, d.owner, tx.StartCall{NetUID: n}); err != nil {
			return err
		}
		d.opts.Progress("Started subnet %d's emissions", n)
	}
	return nil
}

// findSubnet returns the netuid of the subnet named SubnetName owned by
// Owner.
func (d *Demo) findSubnet(ctx context.Context) (tao.NetUID, bool, error) {
	list, err := d.opts.Client.Subnets(ctx)
	if err != nil {
		return 0, false, err
	}
	for _, s := range list.Subnets {
		if s.Name != SubnetName {
			continue
		}
		sn, err := d.opts.Client.Subnet(ctx, tao.NetUID(s.NetUID))
		if err != nil {
			return 0, false, err
		}
		if sn.OwnerColdkey != nil && *sn.OwnerColdkey == d.owner.Public() {
			return tao.NetUID(s.NetUID), true, nil
		}
	}
	return 0, false, nil
}

// setupHyperparams sets, as sudo, what makes the demo fast: a short
// tempo, commit–reveal on with a reveal one epoch after the commit, a
// weights rate limit of half a tempo, and no serving rate limit (miners
// restarted on new ports publish them at once).
func (d *Demo) setupHyperparams(ctx context.Context) error {
	hp, err := d.opts.Client.Hyperparameters(ctx, d.NetUID)
	if err != nil {
		return err
	}
	have := map[string]int64{}
	for _, p := range hp.Params {
		have[p.Name] = p.Value
	}
	want := []struct {
		name  string
		value int64
	}{
		{"tempo", int64(d.opts.Tempo)},
		{"commit_reveal_weights_enabled", 1},
		{"commit_reveal_period", 1},
		{"weights_rate_limit", int64(d.opts.Tempo / 2)},
		{"serving_rate_limit", 0},
	}
	var set []string
	for _, w := range want {
		if v, ok := have[w.name]; ok && v == w.value {
			continue
		}
		if err := d.send(ctx, d.owner, tx.SetHyperparameter{NetUID: d.NetUID, Name: w.name, Value: w.value}); err != nil {
			return fmt.Errorf("%s: %w", w.name, err)
		}
		set = append(set, fmt.Sprintf("%s=%d", w.name, w.value))
	}
	if len(set) > 0 {
		d.opts.Progress("Set %s", strings.Join(set, ", "))
	}
	return nil
}

// fund gives each member what its remaining setup steps cost, from the
// owner's account: 10 TAO for a registration burn and fees, plus the stake
// of a validator not staked yet. Hotkey calls (serve_axon, weights) are
// free, so running members need nothing.
func (d *Demo) fund(ctx context.Context) error {
	snap, err := metagraph.Sync(ctx, d.opts.Client, d.NetUID)
	if err != nil {
		return err
	}
	s, err := d.opts.Client.NewSender(ctx, d.owner)
	if err != nil {
		return err
	}
	var funded []string
	for i, m := range Members {
		var need tao.Rao
		uid, registered := snap.UID(d.keys[i].Public())
		if !registered {
			need += 10 * tao.RaoPerTAO
		}
		if m.Stake > 0 && (!registered || snap.AlphaStake[uid] == 0) {
			need += m.Stake
		}
		a, err := d.opts.Client.Account(ctx, d.keys[i].Public())
		if err != nil {
			return err
		}
		if a.Free >= need {
			continue
		}
		if _, err := s.Send(ctx, tx.TransferKeepAlive{Dest: d.keys[i].Public(), Amount: need - a.Free}, true); err != nil {
			return err
		}
		funded = append(funded, m.Name)
	}
	if len(funded) > 0 {
		d.opts.Progress("Funded %s from %s", strings.Join(funded, ", "), Owner)
	}
	return nil
}

// register registers the members that are not registered yet, each
// paying its own burn.
func (d *Demo) register(ctx context.Context) error {
	for i, m := range Members {
		s, err := metagraph.Sync(ctx, d.opts.Client, d.NetUID)
		if err != nil {
			return err
		}
		if _, ok := s.UID(d.keys[i].Public()); ok {
			continue
		}
		if err := d.send(ctx, d.keys[i], tx.BurnedRegister{NetUID: d.NetUID, Hotkey: d.keys[i].Public()}); err != nil {
			return fmt.Errorf("%s: %w", m.Name, err)
		}
		d.opts.Progress("Registered %s (%s) on subnet %d", m.Name, d.keys[i].SS58(), d.NetUID)
	}
	return nil
}

// stake stakes each validator's TAO to itself, once.
func (d *Demo) stake(ctx context.Context) error {
	s, err := metagraph.Sync(ctx, d.opts.Client, d.NetUID)
	if err != nil {
		return err
	}
	for i, m := range Members {
		uid, ok := s.UID(d.keys[i].Public())
		if m.Stake == 0 || !ok || s.AlphaStake[uid] > 0 {
			continue
		}
		if err := d.send(ctx, d.keys[i], tx.AddStake{Hotkey: d.keys[i].Public(), NetUID: d.NetUID, AmountTAO: m.Stake}); err != nil {
			return fmt.Errorf("%s: %w", m.Name, err)
		}
		d.opts.Progress("Staked %s to %s", m.Stake, m.Name)
	}
	return nil
}

// Dir returns the directory of member m's state and log.
func (d *Demo) Dir(m Member) string { return filepath.Join(d.opts.Dir, m.Name) }

// Run starts the miners, then the validators, and runs them until ctx
// ends or one of them fails; it returns the first failure. Each neuron
// logs to Dir(m)/neuron.log.
func (d *Demo) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		wg   sync.WaitGroup
		logs []*os.File
	)
	defer func() {
		for _, f := range logs {
			f.Close()
		}
	}()
	for i, m := range Members {
		run, logFile, err := d.neuron(i, m)
		if err != nil {
			cancel(err)
			break
		}
		logs = append(logs, logFile)
		wg.Go(func() {
			if err := run(ctx); err != nil {
				cancel(fmt.Errorf("demo: %s: %w", m.Name, err))
			}
		})
	}
	<-ctx.Done()
	wg.Wait()
	if err := context.Cause(ctx); !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// neuron builds member i's neuron and returns its Run and its log file.
func (d *Demo) neuron(i int, m Member) (func(context.Context) error, *os.File, error) {
	dir := d.Dir(m)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, "neuron.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, err
	}
	cfg := neuron.DefaultConfig(m.Role)
	cfg.Network, cfg.NetUID = d.opts.Client.URL(), d.NetUID
	cfg.Neuron.Dir, cfg.Neuron.EpochLength = dir, int64(d.opts.Tempo)
	cfg.Neuron.StepInterval, cfg.Neuron.Timeout = d.opts.StepInterval, d.opts.Timeout
	cfg.Axon = neuron.AxonConfig{IP: "127.0.0.1", ExternalIP: "127.0.0.1"}
	k := neuron.Keys{Hotkey: d.keys[i], Coldkey: d.keys[i].Public()}
	o := neuron.Options{Client: d.opts.Client, Logger: slog.New(slog.NewTextHandler(f, nil)).With("neuron", m.Name)}
	if m.Role == neuron.RoleMiner {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		o.Listener = ln
		mn, err := template.NewMiner(cfg, k, template.MinerOptions{Behaviour: m.Behaviour, SlowDelay: d.opts.SlowDelay}, o)
		if err != nil {
			ln.Close()
			f.Close()
			return nil, nil, err
		}
		return mn.Run, f, nil
	}
	v, err := template.NewValidator(cfg, k, dir, o)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	d.mu.Lock()
	d.validators = append(d.validators, v)
	d.mu.Unlock()
	return v.Run, f, nil
}

// ValidatorScores returns the scores by uid of each validator started by
// Run, in Members order.
func (d *Demo) ValidatorScores() [][]float32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([][]float32, len(d.validators))
	for i, v := range d.validators {
		out[i] = v.Scores()
	}
	return out
}
