// Package axon is a miner's server for Bittensor's wire protocol
// (sdk-spec §3.6): typed synapse handlers behind a verify-first pipeline.
//
// Each request goes through these stages, and is answered with a 4xx (or a
// 503 when the queue is full) by the first one that refuses it, before any
// handler runs:
//
//  1. route: /<Name> must be attached (404); GET or POST (405); the declared
//     body size within Config.MaxBodyBytes (413);
//  2. headers: the bt_header_* fields must parse and the timeout be
//     positive (400);
//  3. signature and nonce (401): the request must be for this axon's
//     hotkey, signed by the dendrite's hotkey over
//     "{nonce}.{dendrite}.{axon}.{uuid}.{body_hash}", with a fresh nonce
//     (see below). Replays and stale nonces are refused before the costly
//     signature check;
//  4. blacklist (403): unregistered callers, callers without a validator
//     permit or below a minimum stake (Config), then the route's
//     WithBlacklist hook;
//  5. rate limit (429): a token bucket per hotkey, so one flooding hotkey
//     only exhausts its own;
//  6. body (400, 413, 422): the JSON body must decode into the synapse and
//     hash to the signed computed_body_hash. Its dendrite and axon fields
//     are then replaced by the verified header values;
//  7. admission: at most Config.Workers handlers run at once and up to
//     Config.QueueSize requests wait, highest priority (by default stake)
//     first; a full queue sheds its lowest-priority request (503); waiting
//     past the timeout is 408;
//  8. the handler, under a context that ends at the request's timeout
//     (capped by Config.MaxTimeout). A handler that overruns is answered 408
//     on time.
//
// Answers carry the full synapse as JSON (or Python's {"message": ...} for
// errors) and the protocol headers, with the axon's terminal info signed
// over "{axon_nonce}.{dendrite}.{axon}.{axon_uuid}".
//
// Nonces follow Python's rules (a hotkey:uuid's first nonce may be at most
// 4 s plus the timeout old, later ones must increase), with three
// differences: the time window applies whatever version the caller claims
// (the version header is not signed, so honouring it would let a replay
// skip the window); nonces more than Config.MaxClockSkew in the future are
// refused; and the nonce memory is bounded (see nonceCache) instead of
// growing forever. Signatures are required unless Config.AllowUnsigned.
//
// Callers must supply a Peers (the metagraph) unless they admit
// unregistered callers, attach handlers before Start, and call Stop, which
// drains in-flight requests. An Axon is also an http.Handler, for tests and
// for mounting behind another server. Metrics go to Config.Registerer:
// gotensor_axon_requests_total{synapse,code},
// gotensor_axon_request_duration_seconds{synapse},
// gotensor_axon_queue_depth and gotensor_axon_inflight.
package axon
