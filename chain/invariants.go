package chain

import (
	"fmt"

	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
)

// CheckInvariants verifies the supply accounting of s:
//
//   - TotalIssuance equals the sum of all free balances plus the pools' TAO
//     reserves (root included);
//   - the pools and stakes are consistent (checkStakingInvariants): each
//     subnet's AlphaOut is exactly what is staked, pending or held by the
//     protocol;
//   - the subnets' uid records and indexes agree (checkSubnetInvariants);
//   - weights rows, LastUpdate and commits fit their subnets
//     (checkWeightsInvariants);
//   - TotalIssuance equals the genesis supply plus everything minted minus
//     everything recycled;
//   - TotalIssuance does not exceed the total supply;
//   - no account holds a non-zero balance below the existential deposit.
//
// It reads every account, so it costs O(accounts). Tests run it after every
// block; nodes run it behind a flag.
func CheckInvariants(s *State) error {
	issuance := s.TotalIssuance()
	if issuance > totalSupply {
		return fmt.Errorf("chain: invariant: total issuance %d exceeds the total supply %d", issuance, totalSupply)
	}
	if want := s.GenesisSupply() + s.TotalMinted() - s.TotalRecycled(); issuance != want {
		return fmt.Errorf("chain: invariant: total issuance %d, but genesis %d + minted %d - recycled %d = %d",
			issuance, s.GenesisSupply(), s.TotalMinted(), s.TotalRecycled(), want)
	}
	ed := s.Params().ExistentialDeposit
	var sum tao.Rao
	it := s.kv.Iterator([]byte{prefixAccount}, store.PrefixEnd([]byte{prefixAccount}))
	defer it.Close()
	for ; it.Valid(); it.Next() {
		id := tao.AccountID(it.Key()[1:])
		free := decodeAccount(id, it.Value()).Free
		if free != 0 && free < ed {
			return fmt.Errorf("chain: invariant: %s holds %d rao, below the existential deposit %d", id, free, ed)
		}
		var ok bool
		if sum, ok = sum.AddChecked(free); !ok {
			return fmt.Errorf("chain: invariant: balances overflow")
		}
	}
	if err := checkSubnetInvariants(s); err != nil {
		return err
	}
	if err := checkWeightsInvariants(s); err != nil {
		return err
	}
	poolTAO, err := checkStakingInvariants(s)
	if err != nil {
		return err
	}
	if total, ok := sum.AddChecked(poolTAO); !ok || total != issuance {
		return fmt.Errorf("chain: invariant: balances sum to %d rao and pool reserves to %d rao, total issuance is %d", sum, poolTAO, issuance)
	}
	return nil
}
