// Package metagraph is a neuron's view of its subnet: every uid's hotkey,
// stake, epoch outputs and axon, read from a node's API in one request
// (sdk-spec §4).
//
//	mg := metagraph.New(c, netuid) // c is a *client.Client
//	snap, err := mg.Sync(ctx)
//	for uid, ax := range snap.Axons {
//		if ax.IsServing() { … snap.Stake[uid], metagraph.Proportion(snap.Incentive[uid]) … }
//	}
//
// A Snapshot is the subnet at one block, as arrays indexed by uid in the
// Python metagraph's shape. Consensus, incentive, dividends, validator
// trust and stake weight stay the chain's u16 proportions and amounts stay
// rao, so nothing is rounded; Proportion, Proportions and Tokens give
// float64 for scoring code outside consensus. Snapshots are immutable and
// shared: a sync builds a new one and never copies or changes the old, so
// holding one costs nothing more (the Python template deep-copies its
// metagraph on every resync). Callers must not modify a Snapshot's slices.
//
// Syncing: Sync is lite by default (no weights or bonds) and conditional.
// The API tags a metagraph with its block (ETag "<netuid>-<block>-lite");
// Sync sends the tag of the snapshot it holds, and while no block has been
// committed the node answers 304 without running the query, so Sync
// returns the same *Snapshot. When to sync is the caller's policy:
// Snapshot.StaleAt says whether an epoch has run since the snapshot or it
// is older than a given number of blocks, which is how package neuron
// resyncs. Weights and bonds (O(n²)) are fetched only on demand, by Full,
// which keeps its own snapshot and tag.
//
// A Metagraph is an axon.Peers: Lookup answers from the latest snapshot
// without a request, so an axon's blacklist follows the chain as the
// neuron resyncs.
//
// A Metagraph is safe for concurrent use; syncs are serialised.
package metagraph
