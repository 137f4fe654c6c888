package neuron

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/gotensor/gotensor/sdk/axon"
	"github.com/gotensor/gotensor/sdk/metagraph"
	"github.com/gotensor/gotensor/sdk/synapse"
	"github.com/gotensor/gotensor/tx"
)

// Miner serves a subnet's synapses on an axon: it publishes the axon on
// chain (serve_axon) and keeps the metagraph that its blacklist and
// priorities read in sync. Build it with NewMiner, attach the subnet's
// handlers to Axon(), then Run it.
type Miner struct {
	*base
	ax *axon.Axon
	ln net.Listener // nil: the axon binds its address

	// Chain-loop state (one goroutine).
	serveRetry   int64 // first block to try serve_axon again
	serveBackoff int64
}

// NewMiner returns a miner for cfg (Role miner) signing with k.Hotkey.
// Its axon admits callers by cfg.Blacklist, looking them up in the
// metagraph.
func NewMiner(cfg Config, k Keys, o Options) (*Miner, error) {
	cfg.Role = RoleMiner
	b, err := newBase(cfg, k, o)
	if err != nil {
		return nil, err
	}
	m := &Miner{base: b, ln: o.Listener, serveBackoff: 1}
	ax, err := axon.New(k.Hotkey, axon.Config{
		IP: cfg.Axon.IP, Port: cfg.Axon.Port, ExternalIP: cfg.Axon.ExternalIP, ExternalPort: cfg.Axon.ExternalPort,
		Workers: cfg.Axon.MaxWorkers, Coldkey: k.Coldkey,
		Peers: b.mg, AllowUnregistered: cfg.Blacklist.AllowNonRegistered,
		RequireValidatorPermit: cfg.Blacklist.ForceValidatorPermit, MinStake: cfg.Blacklist.MinStake,
		Announce: m.announce, Registerer: b.reg, Logger: b.log,
	})
	if err != nil {
		return nil, err
	}
	m.ax = ax
	return m, nil
}

// Axon returns the miner's axon; attach the subnet's handlers before Run.
func (m *Miner) Axon() *axon.Axon { return m.ax }

// Run syncs the metagraph, starts the axon (publishing it on chain), and
// then follows the chain, resyncing the metagraph after each epoch and at
// least every neuron.epoch_length blocks and publishing the axon again if
// the chain does not show it, until ctx ends. It returns a
// *NotRegisteredError if the hotkey is (or becomes) unregistered.
func (m *Miner) Run(ctx context.Context) error {
	if _, _, err := m.sync(ctx); err != nil {
		return err
	}
	stopMetrics, err := m.serveMetrics()
	if err != nil {
		return err
	}
	defer stopMetrics()
	if m.ln != nil {
		err = m.ax.StartListener(ctx, m.ln)
	} else {
		err = m.ax.Start(ctx)
	}
	if err != nil {
		return err
	}
	m.log.Info("miner started", "axon", m.ax.Addr().String(), "announced", m.ax.Info().IPStr())
	err = m.follow(ctx, m.onBlock)
	stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if stopErr := m.ax.Stop(stopCtx); err == nil && stopErr != nil {
		err = stopErr
	}
	m.log.Info("miner stopped")
	return err
}

func (m *Miner) onBlock(ctx context.Context, height int64) error {
	s := m.mg.Snapshot()
	if s.StaleAt(height, m.cfg.Neuron.EpochLength) {
		var err error
		if s, _, err = m.sync(ctx); err != nil {
			if errors.As(err, new(*NotRegisteredError)) {
				return err
			}
			m.log.Warn("metagraph sync failed", "err", err)
			return nil
		}
	}
	if height >= m.serveRetry && !m.served(s) {
		m.publish(ctx, height, m.ax.Info())
	}
	return nil
}

// served reports whether s shows the axon as the miner announces it.
func (m *Miner) served(s *metagraph.Snapshot) bool {
	uid, ok := s.UID(m.Hotkey())
	if !ok {
		return false
	}
	on, want := s.Axons[uid], m.ax.Info()
	return on.IP == want.IP && on.Port == want.Port && on.Version == want.Version && on.Protocol == want.Protocol
}

// announce is the axon's Announce hook: it publishes the axon unless the
// chain already shows it. A failure does not stop the axon: the chain loop
// tries again.
func (m *Miner) announce(ctx context.Context, info synapse.AxonInfo) error {
	if s := m.mg.Snapshot(); s != nil && m.served(s) {
		m.log.Info("axon already on chain", "axon", info.IPStr())
		return nil
	}
	var height int64
	if s := m.mg.Snapshot(); s != nil {
		height = s.Block
	}
	m.publish(ctx, height, info)
	return nil
}

// publish sends serve_axon for info and waits for its block; on failure
// it logs why and schedules another try with backoff.
func (m *Miner) publish(ctx context.Context, height int64, info synapse.AxonInfo) {
	err := m.serveAxon(ctx, info)
	if err == nil {
		m.m.serves.WithLabelValues("ok").Inc()
		m.serveBackoff = 1
		m.log.Info("axon published on chain", "axon", info.IPStr())
		if _, _, err := m.sync(ctx); err != nil {
			m.log.Warn("metagraph sync failed", "err", err)
		}
		return
	}
	m.m.serves.WithLabelValues("failed").Inc()
	m.serveRetry = height + m.serveBackoff
	m.log.Warn("publishing the axon failed; retrying", "err", err, "in_blocks", m.serveBackoff)
	m.serveBackoff = min(2*m.serveBackoff, 64)
}

// serveAxon sends serve_axon for info, signed by the hotkey.
func (m *Miner) serveAxon(ctx context.Context, info synapse.AxonInfo) error {
	if !info.IsServing() {
		return fmt.Errorf("neuron: axon address %s cannot be dialled: set axon.external_ip", info.IP)
	}
	s, err := m.senderFor(ctx)
	if err != nil {
		return err
	}
	call := tx.ServeAxon{
		NetUID: m.cfg.NetUID, Version: uint32(info.Version), IP: info.IP.As16(), Port: info.Port,
		IPType: uint8(info.IPType), Protocol: uint8(info.Protocol),
	}
	if _, err := s.Send(ctx, call, true); err != nil {
		return &TxError{Call: "serve_axon", Err: err}
	}
	return nil
}
