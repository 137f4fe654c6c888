// Package dendrite is a validator's client for Bittensor's wire protocol
// (sdk-spec §3.3, §3.7): it signs typed synapses, sends them to axons and
// turns every outcome into a per-axon Result.
//
//	d, err := dendrite.New(hotkey, dendrite.Options{})
//	results := dendrite.Forward(ctx, d, axons, &protocol.Dummy{DummyInput: 7}, 12*time.Second)
//	for _, r := range results {
//		if r.OK() {
//			use(r.Synapse.DummyOutput)
//		}
//	}
//
// Forward queries many axons at once, each with its own copy of the
// synapse, and returns when every result is in: the timeout bounds the
// whole fan-out, so a hanging or slow axon never delays the caller beyond
// it. Call queries one axon; Stream reads a streaming answer chunk by chunk.
//
// A Result always has a synapse and a status, as Python's dendrite sets
// synapse.dendrite.status_code: the axon's own status, or for failures on
// our side 408 (timeout), 503 (connection refused or broken), 400 (response
// too large), 422 (unparseable answer), 499 (caller canceled) and 500 (other
// client errors). Result.Err is nil exactly when the status is 200.
//
// All queries share one http.Transport with keep-alive and a per-host
// connection limit (pain point §9.11: no session per call, no connection
// pile-up); create one Dendrite per process and hotkey and reuse it. Nonces
// are strictly increasing per Dendrite; an axon refuses a nonce not above
// the last it saw from the same hotkey and instance, so concurrent queries
// to the same axon may see one of them refused if they arrive out of order,
// as with Python's dendrite.
package dendrite
