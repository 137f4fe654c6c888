// Package neuron runs a subnet's miners and validators: the base loops of
// Bittensor's subnet template (sdk-spec §8) on gotensor's SDK, so that a
// subnet supplies only its synapse, its miner's handler and its
// validator's reward.
//
// A Miner owns an axon whose blacklist and priority read the metagraph
// (package metagraph implements axon.Peers). Attach the subnet's handlers
// to Miner.Axon(), then Run: the axon starts, is published on chain with
// serve_axon (skipped when the chain already shows it, retried with
// backoff when refused), and the miner follows the chain, resyncing the
// metagraph after each epoch and at least every neuron.epoch_length
// blocks.
//
// A Validator runs the subnet's ForwardFunc each step and folds the
// rewards into float32 moving averages exactly as the template's
// update_scores (Scores: α = neuron.moving_average_alpha, uids not queried
// decay, a uid whose hotkey changed restarts at zero, new uids start at
// zero). A second goroutine follows the chain block by block: it resyncs
// the metagraph when stale, reveals the weight commits that are due, and
// once per epoch turns the scores into weights (the template's
// set_weights: L1-normalised, process_weights, u16 for emit) and sends
// set_weights, or commit_weights under commit–reveal, reading the rules
// from the chain (GET /v1/subnets/{netuid}/weights/{hotkey}) first. A
// commit's salt is saved in <dir>/reveals before it is sent, so a restart
// still reveals it.
//
// Nothing fails silently. What stops weights is a typed error, logged once
// per reason: *RateLimitedError ("rate limited: 37 blocks left …"),
// *NoPermitError, *VersionKeyError, ErrNoScores; a transaction the chain
// refuses is a *TxError wrapping the chain's *tx.Error, logged with its
// message and retried with a backoff of 1, 2, 4 … blocks (at most a
// tempo). The typed errors match the tx catalog with errors.Is. Only a
// lost registration (*NotRegisteredError) ends Run.
//
// Configuration: Config holds the template's options under its names
// (neuron.sample_size, neuron.timeout, blacklist.force_validator_permit,
// axon.port, …). RegisterFlags and Flags.Load resolve them from, in
// increasing precedence, the defaults, a TOML or YAML file (--config),
// the environment (GOTENSOR_<KEY>, then BT_<KEY>, e.g. BT_AXON_PORT) and
// the command line. Config.LoadKeys reads the hotkey from the wallet
// without prompting (an encrypted hotkey needs its BT_PW_ variable).
//
// State: a validator keeps its step, scores (with the hotkey each belongs
// to) and next weights epoch in <dir>/state.json, written atomically after
// every step and loaded by Run; dir defaults to the template's
// <wallet path>/../miners/<wallet>/<hotkey>/netuid<N>/validator.
//
// Logs are structured (log/slog), with the neuron's role, netuid and
// hotkey on every line. Metrics (Prometheus, a registry per neuron, served
// at metrics.addr when set): gotensor_neuron_block,
// gotensor_neuron_metagraph_syncs_total{result},
// gotensor_miner_serve_axon_total{result},
// gotensor_validator_steps_total, gotensor_validator_forward_seconds,
// gotensor_validator_weights_total{result} and
// gotensor_validator_score{uid}, plus the axon's own.
//
// A Miner or Validator is run once; its accessors are safe for concurrent
// use while it runs. ForwardFuncs run concurrently when
// neuron.num_concurrent_forwards > 1.
package neuron
