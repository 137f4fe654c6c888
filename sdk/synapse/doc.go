// Package synapse is the vocabulary of Bittensor's axon/dendrite wire
// protocol (sdk-spec §3), shared by package axon (the server) and package
// dendrite (the client).
//
// A query is an HTTP POST to /<Name> whose JSON body is the whole synapse
// (Python's model_dump: the protocol fields of Base plus the synapse's own
// fields) and whose headers repeat the protocol fields as bt_header_* values
// formatted like Python's str(). The dendrite signs
// "{nonce}.{dendrite_hotkey}.{axon_hotkey}.{uuid}.{body_hash}" with its
// sr25519 hotkey; the body hash covers the fields the synapse names.
//
// A synapse type is a struct that embeds Base first:
//
//	type Dummy struct {
//		synapse.Base
//		DummyInput  int  `json:"dummy_input"`
//		DummyOutput *int `json:"dummy_output"`
//	}
//
//	func (d *Dummy) HashFields() []any { return []any{d.DummyInput} }
//
// Its route is its Go type name (implement Namer to change it). The JSON
// names must match the Python model's field names, optional fields should be
// pointers (see WriteHeaders), and HashFields must list the values of
// Python's required_hash_fields in order, with the same Go-to-Python types
// (an int field hashes as "5", a float64 as "5.0").
//
// This package owns: Base and TerminalInfo with their JSON forms; PyStr, the
// Python str() formatting that body hashes and headers depend on, and Dict,
// an ordered JSON object for hashed dict fields; BodyHash; WriteHeaders and
// FromHeaders; the signed messages and SignRequest, VerifyRequest,
// SignResponse and VerifyResponse; VersionAsInt and NewUUID; and AxonInfo
// with the chain's integer form of IP addresses.
//
// Everything here is a pure function or a plain value type, safe for
// concurrent use; callers own the synapses they pass and must not mutate
// one while another goroutine encodes it.
package synapse
