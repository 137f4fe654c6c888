package template

import "github.com/gotensor/gotensor/sdk/synapse"

// Dummy is the template's synapse, the Python subnet template's
// template.protocol.Dummy field for field: a validator sends DummyInput, a
// miner answers DummyOutput = 2 × DummyInput. Its route is /Dummy, so Go
// and Python neurons of the template can query each other.
type Dummy struct {
	synapse.Base
	DummyInput int `json:"dummy_input"`
	// DummyOutput is Optional[int] = None in Python: nil until answered.
	DummyOutput *int `json:"dummy_output"`
}

// HashFields lets the request signature cover the input (Python's
// required_hash_fields = ["dummy_input"]).
func (d *Dummy) HashFields() []any { return []any{d.DummyInput} }

// Version is the template's version; SpecVersion is its weights version
// key, 1000·major + 10·minor + patch as the Python template computes it.
const (
	Version     = "1.0.0"
	SpecVersion = 1000
)
