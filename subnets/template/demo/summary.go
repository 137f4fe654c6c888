package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/gotensor/gotensor/sdk/metagraph"
	"github.com/gotensor/gotensor/tao"
)

// Summary is the demo subnet at one block, member by member.
type Summary struct {
	Block    int64
	LastStep uint64 // block of the last epoch
	Members  []MemberState
}

// MemberState is one member's standing: its uid and the last epoch's
// outputs (u16 proportions) and its stake (alpha, rao).
type MemberState struct {
	Member
	UID        tao.UID
	Registered bool
	Incentive  uint16
	Dividends  uint16
	Stake      tao.Rao
	Permit     bool
}

// Summary reads the demo subnet's metagraph.
func (d *Demo) Summary(ctx context.Context) (Summary, error) {
	s, err := metagraph.Sync(ctx, d.opts.Client, d.NetUID)
	if err != nil {
		return Summary{}, err
	}
	out := Summary{Block: s.Block, LastStep: s.Subnet.LastStep}
	for i, m := range Members {
		ms := MemberState{Member: m}
		if uid, ok := s.UID(d.keys[i].Public()); ok {
			ms.UID, ms.Registered = uid, true
			ms.Incentive, ms.Dividends = s.Incentive[uid], s.Dividends[uid]
			ms.Stake, ms.Permit = s.Stake[uid], s.ValidatorPermit[uid]
		}
		out.Members = append(out.Members, ms)
	}
	return out, nil
}

// String is the one-line form the demo prints: block, last epoch, then
// each miner's incentive and each validator's dividends.
func (s Summary) String() string {
	var inc, div []string
	for _, m := range s.Members {
		switch {
		case !m.Registered:
		case m.Behaviour != "":
			inc = append(inc, fmt.Sprintf("%s(%s) %.3f", m.Name, m.Behaviour, metagraph.Proportion(m.Incentive)))
		default:
			div = append(div, fmt.Sprintf("%s %.3f", m.Name, metagraph.Proportion(m.Dividends)))
		}
	}
	return fmt.Sprintf("block %d · last epoch at %d · incentive: %s · dividends: %s",
		s.Block, s.LastStep, strings.Join(inc, ", "), strings.Join(div, ", "))
}
