package chain

import (
	"fmt"
	"strconv"

	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// Parameter change events.
const (
	// EventHyperparameterSet: netuid, name, value, by ("owner" or "sudo").
	EventHyperparameterSet = "hyperparameter_set"
	// EventGlobalSet: name, value — sudo_set_global.
	EventGlobalSet = "global_set"
)

// setHyperparameter sets one hyperparameter of a subnet (subtensor's
// admin-utils sudo_set_*). Sudo may set any row within its bounds at any
// time; the owner only "O/R" rows, within the owner bounds, once per
// OwnerHyperparamRateLimit tempos per parameter, and not in the
// AdminFreezeWindow blocks before an epoch.
func setHyperparameter(s *State, b Block, signer tao.AccountID, c tx.SetHyperparameter) error {
	p := lookupHyperparam(c.Name)
	if p == nil {
		return fmt.Errorf("%w: %q; `gotensor sudo get --netuid %d` lists them", tx.ErrUnknownHyperparameter, c.Name, c.NetUID)
	}
	info, ok := s.Subnet(c.NetUID)
	if !ok {
		return fmt.Errorf("%w: netuid %d; list subnets with `gotensor subnets list`", tx.ErrSubnetNotFound, c.NetUID)
	}
	if p.notRoot && c.NetUID == tao.RootNetUID {
		return fmt.Errorf("%w: %s cannot be set on the root subnet", tx.ErrRootSubnet, p.name)
	}
	sudo := isSudo(s, signer)
	switch {
	case sudo:
	case info.Owner != signer || c.NetUID == tao.RootNetUID:
		return fmt.Errorf("%w: only the subnet owner or sudo can set %s on netuid %d", tx.ErrNotSubnetOwner, p.name, c.NetUID)
	case !p.owner:
		return fmt.Errorf("%w: only sudo can set %s; the subnet owner cannot", tx.ErrSudoOnly, p.name)
	}
	if err := checkBounds(p.name, c.Value, p.min, p.max); err != nil {
		return err
	}
	if !sudo && p.ownerBounded {
		if err := checkBounds(p.name+" (set by the owner)", c.Value, p.ownerMin, p.ownerMax); err != nil {
			return err
		}
	}
	h := s.Hyperparams(c.NetUID)
	if p.check != nil {
		if msg := p.check(s, c.NetUID, h, c.Value); msg != "" {
			return fmt.Errorf("%w: %s", tx.ErrHyperparameterBounds, msg)
		}
	}
	idx := hyperparamIndex(p)
	if !sudo {
		if err := s.checkOwnerLimits(c.NetUID, b, p, idx, h.Tempo); err != nil {
			return err
		}
		s.kv.Set(hyperparamSetKey(c.NetUID, idx), encodeU64(uint64(b.Height)))
	}
	p.slot(&h).set(c.Value)
	s.setHyperparams(c.NetUID, h)
	if p.name == "tempo" {
		s.resetEpochSchedule(c.NetUID, b)
	}
	by := "owner"
	if sudo {
		by = "sudo"
	}
	s.emit(EventHyperparameterSet, subnetAttr(c.NetUID), Attr{"name", p.name},
		Attr{"value", strconv.FormatInt(c.Value, 10)}, Attr{"by", by})
	return nil
}

// checkOwnerLimits applies the owner's rate limit and the freeze window
// before an epoch.
func (s *State) checkOwnerLimits(n tao.NetUID, b Block, p *hyperparam, idx byte, tempo uint16) error {
	np := s.NetworkParams()
	if w := np.AdminFreezeWindow; w > 0 && tempo > 0 {
		if left := s.BlocksUntilNextEpoch(n, b.Height); left < w {
			return fmt.Errorf("%w: netuid %d's epoch is %d blocks away and the last %d blocks before it are frozen; retry after the epoch",
				tx.ErrAdminFreeze, n, left, w)
		}
	}
	tempos := np.OwnerHyperparamRateLimit
	if p.rateTempos != 0 {
		tempos = p.rateTempos
	}
	if v := s.kv.Get(hyperparamSetKey(n, idx)); v != nil && tempos > 0 {
		last := tao.BlockHeight(decodeU64("hyperparameter change block", v))
		if next := last + tao.BlockHeight(tempos*uint64(tempo)); b.Height < next {
			return fmt.Errorf("%w: owner may set %s again in %d blocks (at block %d)", tx.ErrHyperparameterRate, p.name, next-b.Height, next)
		}
	}
	return nil
}

func hyperparamSetKey(n tao.NetUID, idx byte) []byte {
	return []byte{prefixHyperparamSet, byte(n >> 8), byte(n), idx}
}

// hyperparamIndex is p's position in hyperparamTable, which keys the
// owner's rate limit.
func hyperparamIndex(p *hyperparam) byte {
	for i := range hyperparamTable {
		if &hyperparamTable[i] == p {
			return byte(i)
		}
	}
	panic("chain: hyperparameter not in the table")
}

func checkBounds(name string, v, lo, hi int64) error {
	switch {
	case v < lo:
		return fmt.Errorf("%w: %s must be ≥ %d, have %d", tx.ErrHyperparameterBounds, name, lo, v)
	case v > hi:
		return fmt.Errorf("%w: %s must be ≤ %d, have %d", tx.ErrHyperparameterBounds, name, hi, v)
	}
	return nil
}

func isSudo(s *State, signer tao.AccountID) bool {
	sudo := s.Params().Sudo
	return !sudo.IsZero() && sudo == signer
}

// sudoSetGlobal sets a chain-wide parameter (sudo only).
func sudoSetGlobal(s *State, _ Block, signer tao.AccountID, c tx.SudoSetGlobal) error {
	if !isSudo(s, signer) {
		return fmt.Errorf("%w: sudo_set_global %s", tx.ErrSudoOnly, c.Name)
	}
	p := lookupGlobalParam(c.Name)
	if p == nil {
		return fmt.Errorf("%w: %q; `gotensor sudo get --global` lists them", tx.ErrUnknownGlobal, c.Name)
	}
	if err := checkBounds(p.name, c.Value, p.min, p.max); err != nil {
		return err
	}
	p.set(s, c.Value)
	s.emit(EventGlobalSet, Attr{"name", p.name}, Attr{"value", strconv.FormatInt(c.Value, 10)})
	return nil
}
