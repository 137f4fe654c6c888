package dendrite_test

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/sdk/axon"
	"github.com/gotensor/gotensor/sdk/dendrite"
	"github.com/gotensor/gotensor/sdk/synapse"
)

// Doubler is a subnet's synapse: validators send an input, miners fill in
// the output.
type Doubler struct {
	synapse.Base
	Input  int  `json:"input"`
	Output *int `json:"output"`
}

// HashFields lets the signature cover the input.
func (d *Doubler) HashFields() []any { return []any{d.Input} }

// A miner serves Doubler; a validator queries it.
func Example() {
	miner, _ := keys.FromURI("//Bob")
	validator, _ := keys.FromURI("//Alice")

	// Miner: admit only registered validators (here a fixed list; in a
	// subnet, the metagraph).
	ax, err := axon.New(miner, axon.Config{
		Peers:                  axon.StaticPeers{validator.Public(): {UID: 0, Stake: 1000_000_000_000, ValidatorPermit: true}},
		RequireValidatorPermit: true,
		IP:                     "127.0.0.1",
	})
	if err != nil {
		panic(err)
	}
	axon.Attach(ax, func(ctx context.Context, d *Doubler) error {
		out := 2 * d.Input
		d.Output = &out
		return nil
	})
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	if err := ax.StartListener(context.Background(), ln); err != nil { // Start(ctx) in production
		panic(err)
	}
	defer ax.Stop(context.Background())

	// Validator: one dendrite for the process, fanned out to the axons of
	// the metagraph.
	d, _ := dendrite.New(validator, dendrite.Options{})
	defer d.Close()
	axons := []synapse.AxonInfo{ax.Info()}
	for _, r := range dendrite.Forward(context.Background(), d, axons, &Doubler{Input: 21}, 12*time.Second) {
		if r.OK() {
			fmt.Println(r.StatusCode, *r.Synapse.Output)
		} else {
			fmt.Println(r.StatusCode, r.StatusMessage)
		}
	}
	// Output: 200 42
}
