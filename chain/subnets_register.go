package chain

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"

	"github.com/gotensor/gotensor/chain/pricing"
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// Subnet lifecycle events.
const (
	// EventSubnetRegistered: netuid, owner, hotkey, lock — register_network.
	EventSubnetRegistered = "subnet_registered"
	// EventSubnetStarted: netuid, first_emission_block — start_call.
	EventSubnetStarted = "subnet_started"
	// EventSubnetIdentity: netuid, name, symbol — set_subnet_identity.
	EventSubnetIdentity = "subnet_identity"
)

// NetworkLock is the chain's subnet-registration price state
// (NetworkLastLockCost and the block of the last registration).
type NetworkLock struct {
	LastCost  tao.Rao
	LastBlock tao.BlockHeight // 0: no subnet registered since genesis
}

// NetworkLock returns the subnet-registration price state. Before the
// first registration LastCost is the minimum lock cost, so the first
// subnet costs exactly that.
func (s *State) NetworkLock() NetworkLock {
	b := s.kv.Get([]byte{prefixNetworkLock})
	if b == nil {
		return NetworkLock{LastCost: s.NetworkParams().MinLockCost}
	}
	if len(b) != 16 {
		panic(fmt.Sprintf("chain: corrupt network lock: %d bytes", len(b)))
	}
	return NetworkLock{LastCost: tao.Rao(binary.BigEndian.Uint64(b)), LastBlock: tao.BlockHeight(binary.BigEndian.Uint64(b[8:]))}
}

func (s *State) setNetworkLock(l NetworkLock) {
	b := binary.BigEndian.AppendUint64(nil, uint64(l.LastCost))
	s.kv.Set([]byte{prefixNetworkLock}, binary.BigEndian.AppendUint64(b, uint64(l.LastBlock)))
}

// LockCost returns the TAO register_network costs at block now
// (get_network_lock_cost, spec §3.3): twice the last lock, falling
// linearly back to the minimum.
func (s *State) LockCost(now tao.BlockHeight) tao.Rao {
	l, p := s.NetworkLock(), s.NetworkParams()
	return pricing.NetworkLock{
		LastCost: l.LastCost, LastBlock: l.LastBlock, MinCost: p.MinLockCost, ReductionInterval: p.LockReductionInterval,
	}.Cost(now, s.BlockEmission())
}

// registerNetwork creates a subnet owned by the signer (register_network,
// register_network_with_identity): the lock cost goes into the new pool,
// the owner's hotkey becomes uid 0.
func registerNetwork(s *State, b Block, coldkey tao.AccountID, c tx.RegisterNetwork) error {
	p := s.NetworkParams()
	lock := s.NetworkLock()
	if lock.LastBlock != 0 && p.NetworkRateLimit > 0 {
		if next := lock.LastBlock + tao.BlockHeight(p.NetworkRateLimit); b.Height < next {
			return fmt.Errorf("%w: the last subnet was registered at block %d; next registration allowed at block %d (%d blocks left)",
				tx.ErrNetworkRateLimit, lock.LastBlock, next, next-b.Height)
		}
	}
	cost := s.LockCost(b.Height)
	if free := s.Account(coldkey).Free; free < cost {
		return fmt.Errorf("%w: subnet lock cost is %s TAO, balance is %s TAO", tx.ErrLockCostUnaffordable, cost.TAOString(), free.TAOString())
	}
	n, ok := s.freeNetUID(p.SubnetLimit)
	if !ok {
		// At the limit the weakest subnet past its immunity makes room.
		if n, ok = s.subnetToPrune(b.Height); !ok {
			return fmt.Errorf("%w: %d subnets exist, the limit is %d, and all are within their immunity period (%d blocks); retry later or ask sudo to raise subnet_limit",
				tx.ErrSubnetLimit, len(s.NetUIDs()), p.SubnetLimit, p.ImmunityPeriod)
		}
		s.dissolveSubnet(n)
	}
	if err := s.claimHotkey(coldkey, c.Hotkey); err != nil {
		return err
	}
	alphaIn := s.initialAlphaIn(cost)
	if err := s.debit(coldkey, cost, ReasonSubnetLock); err != nil {
		return err
	}
	s.initPool(n, cost, alphaIn)
	s.setSubnet(n, SubnetInfo{Owner: coldkey, OwnerHotkey: c.Hotkey, RegisteredAt: b.Height, Dynamic: true, Locked: cost})
	s.setHyperparams(n, DefaultHyperparams(p.DefaultTempo))
	s.setBurnState(n, BurnState{Burn: InitialBurn})
	if c.Identity != nil {
		s.setIdentity(n, *c.Identity)
	}
	s.appendNeuron(n, c.Hotkey, b)
	s.initSubnetSchedule(n, b)
	s.setNetworkLock(NetworkLock{LastCost: cost, LastBlock: b.Height})
	s.emit(EventSubnetRegistered, subnetAttr(n), accountAttr("owner", coldkey), accountAttr("hotkey", c.Hotkey), amountAttr("lock", cost))
	return nil
}

// freeNetUID returns the lowest unused netuid above root, if fewer than
// limit subnets exist.
func (s *State) freeNetUID(limit uint16) (tao.NetUID, bool) {
	ids := s.NetUIDs()
	if len(ids) >= int(limit) {
		return 0, false
	}
	next := tao.NetUID(1)
	for _, id := range ids {
		if id != next {
			break
		}
		next++
	}
	return next, next != 0 // netuid 0 after wrapping: all 65535 taken
}

// initialAlphaIn is the alpha reserve a new pool starts with (spec §3.3):
// the locked TAO at the median spot price of the existing subnets with a
// price, or at 1.0 if there are none.
func (s *State) initialAlphaIn(locked tao.Rao) tao.Rao {
	var prices []fixed.U64F64
	for _, n := range s.NetUIDs() {
		if p := s.Price(n); !p.IsZero() {
			prices = append(prices, p)
		}
	}
	if len(prices) == 0 {
		return locked
	}
	slices.SortFunc(prices, fixed.U64F64.Cmp)
	median := prices[len(prices)/2]
	if len(prices)%2 == 0 {
		// The mean of the two middle prices, halved before adding so it
		// cannot overflow.
		lo := prices[len(prices)/2-1]
		median = lo.SafeDiv(fixed.U64F64FromUint(2)).Add(median.SafeDiv(fixed.U64F64FromUint(2)))
	}
	return tao.Rao(fixed.U64F64FromUint(uint64(locked)).SafeDiv(median).ToUint())
}

// startCall starts a subnet's emissions (start_call, owner only): from the
// next block the coinbase emits to it and staking opens.
func startCall(s *State, b Block, coldkey tao.AccountID, c tx.StartCall) error {
	info, err := s.ownedSubnet(coldkey, c.NetUID)
	if err != nil {
		return err
	}
	if info.FirstEmissionBlock != 0 {
		return fmt.Errorf("%w: netuid %d has emitted since block %d", tx.ErrAlreadyStarted, c.NetUID, info.FirstEmissionBlock)
	}
	if from := info.RegisteredAt + tao.BlockHeight(s.NetworkParams().StartCallDelay); b.Height < from {
		return fmt.Errorf("%w: start_call on netuid %d is allowed from block %d (%d blocks left)", tx.ErrStartCallDelay, c.NetUID, from, from-b.Height)
	}
	info.FirstEmissionBlock = b.Height + 1
	info.SubtokenEnabled = true
	s.setSubnet(c.NetUID, info)
	s.emit(EventSubnetStarted, subnetAttr(c.NetUID), Attr{"first_emission_block", strconv.FormatUint(uint64(info.FirstEmissionBlock), 10)})
	return nil
}

// setSubnetIdentity replaces a subnet's identity (owner only).
func setSubnetIdentity(s *State, _ Block, coldkey tao.AccountID, c tx.SetSubnetIdentity) error {
	if _, err := s.ownedSubnet(coldkey, c.NetUID); err != nil {
		return err
	}
	s.setIdentity(c.NetUID, c.Identity)
	s.emit(EventSubnetIdentity, subnetAttr(c.NetUID), Attr{"name", c.Identity.Name}, Attr{"symbol", c.Identity.TokenSymbol})
	return nil
}

// ownedSubnet returns subnet n's record if it exists, is not root, and is
// owned by coldkey.
func (s *State) ownedSubnet(coldkey tao.AccountID, n tao.NetUID) (SubnetInfo, error) {
	if n == tao.RootNetUID {
		return SubnetInfo{}, fmt.Errorf("%w: the root subnet has no owner", tx.ErrRootSubnet)
	}
	info, ok := s.Subnet(n)
	if !ok {
		return SubnetInfo{}, fmt.Errorf("%w: netuid %d; list subnets with `gotensor subnets list`", tx.ErrSubnetNotFound, n)
	}
	if info.Owner != coldkey {
		return SubnetInfo{}, fmt.Errorf("%w: netuid %d is owned by %s; sign with that coldkey", tx.ErrNotSubnetOwner, n, info.Owner)
	}
	return info, nil
}
