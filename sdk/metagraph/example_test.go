package metagraph_test

import (
	"context"
	"fmt"

	"github.com/gotensor/gotensor/client"
	"github.com/gotensor/gotensor/sdk/metagraph"
	"github.com/gotensor/gotensor/tao"
)

// A validator keeps one Metagraph per subnet and syncs it when the chain
// moves on; scoring code reads float64 views of the chain's u16 values.
func Example() {
	c, err := client.New("local", client.Options{})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	mg := metagraph.New(c, tao.NetUID(1))
	snap, err := mg.Sync(ctx) // later syncs in the same block return the same snapshot
	if err != nil {
		fmt.Println("sync:", err)
		return
	}
	incentive := metagraph.Proportions(snap.Incentive)
	for uid := range snap.N {
		if snap.Axons[uid].IsServing() {
			fmt.Printf("uid %d at %s: stake %.3f, incentive %.4f\n", uid, snap.Axons[uid].IPStr(),
				metagraph.Tokens(snap.Stake[uid]), incentive[uid])
		}
	}
	// Resync once the subnet's epoch has run, or after 100 blocks.
	if height := snap.Block + 10; snap.StaleAt(height, 100) {
		_, _ = mg.Sync(ctx)
	}
	// Weights and bonds only when needed.
	if full, err := mg.Full(ctx); err == nil && full.N > 0 {
		fmt.Println("uid 0 weighs", full.WeightsRow(0))
	}
}
