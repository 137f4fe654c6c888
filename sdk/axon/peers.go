package axon

import (
	"net/netip"

	"github.com/gotensor/gotensor/sdk/synapse"
	"github.com/gotensor/gotensor/tao"
)

// Peer is what the chain says about a hotkey registered on the axon's
// subnet.
type Peer struct {
	UID             tao.UID
	Stake           tao.Rao
	ValidatorPermit bool
}

// Peers looks up callers by hotkey. The metagraph implements it; Lookup is
// called concurrently, once per verified request, and must be fast (an
// in-memory snapshot, not a chain query).
type Peers interface {
	// Lookup returns the hotkey's neuron, or ok=false if it is not registered.
	Lookup(hotkey tao.AccountID) (p Peer, ok bool)
}

// StaticPeers is a fixed Peers, for tests and private deployments. It must
// not be modified while an axon uses it.
type StaticPeers map[tao.AccountID]Peer

// Lookup implements Peers.
func (s StaticPeers) Lookup(hotkey tao.AccountID) (Peer, bool) {
	p, ok := s[hotkey]
	return p, ok
}

// Caller describes the sender of a request that passed verification. Hooks
// (WithBlacklist, WithPriority) receive it, and handlers get it from their
// context with CallerFrom.
type Caller struct {
	// Hotkey is the dendrite's public key, verified by its signature unless
	// Signed is false.
	Hotkey tao.AccountID
	// Signed is false only for an unsigned request admitted by
	// Config.AllowUnsigned: Hotkey is then merely claimed.
	Signed bool
	// Peer is the caller's neuron when Registered.
	Peer       Peer
	Registered bool
	// Addr is the TCP peer address.
	Addr netip.AddrPort
	// Header holds the request's protocol fields as read from its headers
	// (its Name is the route).
	Header synapse.Base
}
