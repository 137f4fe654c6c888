package chain

import (
	"strconv"
	"sync"

	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
)

// Epochs (subtensor-spec §2.3 steps 7–8, §2.5): each block, the subnets
// whose epoch is due (schedule.go) run Yuma Consensus on their state and
// pay out the alpha their pending buckets accumulated since the last epoch.

// runEpochs is drain_pending followed by distribute_emissions_to_subnets:
// in netuid order, every due subnet runs its epoch, at most
// MaxEpochsPerBlock of them; the others are deferred to the next block.
func (s *State) runEpochs(b Block, subnets []tao.NetUID, tempos []uint16, ep EmissionParams) {
	var ran uint64
	for i, n := range subnets {
		sc := s.Schedule(n)
		if !sc.Due(tempos[i], b.Height) {
			continue
		}
		if ran >= ep.MaxEpochsPerBlock {
			sc.PendingEpochAt = b.Height + 1
			s.setSchedule(n, sc)
			if s.recording() {
				s.emit(EventEpochDeferred, netuidAttr(n), heightAttr("from_block", b.Height), heightAttr("to_block", b.Height+1))
			}
			continue
		}
		ran++
		lastStep := s.advanceSchedule(n, sc, b)
		pending := s.Pending(n)
		s.setPending(n, Pending{})
		s.distributeEmission(n, b, pending, lastStep, ep)
	}
}

// advanceSchedule records that subnet n's epoch runs in block b (the slot
// is consumed, the step counter restarts, the epoch index advances) and
// returns the previous LastMechansimStepBlock, which the epoch reads.
func (s *State) advanceSchedule(n tao.NetUID, sc Schedule, b Block) tao.BlockHeight {
	lastStep := sc.LastStepBlock
	sc.LastEpochBlock, sc.PendingEpochAt, sc.StepBase, sc.LastStepBlock = b.Height, 0, b.Height, b.Height
	sc.EpochIndex++
	s.setSchedule(n, sc)
	return lastStep
}

// epochInput builds the input of subnet n's epoch at block height, paying
// alpha rao, from state: the same function serves the chain's epoch and
// the epoch-input query that `gotensor yuma epoch` replays. lastStep is
// the subnet's LastMechansimStepBlock before this epoch. It returns the
// hotkeys by uid alongside.
//
// Stakes are stakeWeight, exactly as subtensor computes them; the epoch-io
// format carries a fractional one as decimal text.
func (s *State) epochInput(n tao.NetUID, height tao.BlockHeight, alpha tao.Rao, lastStep tao.BlockHeight, ep EmissionParams) (yuma.Input, []tao.AccountID) {
	hp := s.Hyperparams(n)
	nrs := s.Neurons(n)
	in := yuma.Input{
		Block:     uint64(height),
		LastTempo: uint64(lastStep) + 1,
		Emission:  alpha,
		Params: yuma.Hyperparameters{
			Kappa:                 hp.Kappa,
			BondsPenalty:          hp.BondsPenalty,
			BondsMovingAverage:    hp.BondsMovingAverage,
			Yuma3:                 hp.Yuma3On,
			LiquidAlpha:           hp.LiquidAlphaOn,
			AlphaLow:              hp.AlphaLow,
			AlphaHigh:             hp.AlphaHigh,
			AlphaSigmoidSteepness: hp.AlphaSigmoidSteepness,
			MaxAllowedValidators:  hp.MaxAllowedValidators,
			ActivityCutoff:        max(1, hp.ActivityCutoffBlocks()),
			StakeThreshold:        uint64(ep.StakeThreshold),
			CommitReveal:          hp.CommitRevealEnabled,
		},
		Neurons: make([]yuma.Neuron, len(nrs)),
	}
	if lastStep == 0 {
		in.LastTempo = uint64(height) - min(uint64(hp.Tempo), uint64(height))
	}
	if info, ok := s.Subnet(n); ok {
		if uid, ok := s.UIDOf(n, info.OwnerHotkey); ok {
			in.HasOwner, in.OwnerUID = true, uint16(uid)
		}
	}
	tw := ep.stakeTaoWeight()
	lastUpdate := s.LastUpdate(n)
	commits := s.EarliestCommitBlocks(n)
	permits := s.ValidatorPermit(n)
	hotkeys := make([]tao.AccountID, len(nrs))
	for i, nr := range nrs {
		hotkeys[i] = nr.Hotkey
		nu := yuma.Neuron{
			Stake:        s.stakeWeight(nr.Hotkey, n, tw),
			RegisteredAt: uint64(nr.RegisteredAt),
			Weights:      s.WeightsRow(n, nr.UID),
			Bonds:        s.BondsRow(n, nr.UID),
			CommitBlock:  yuma.NoCommit,
		}
		if i < len(lastUpdate) {
			nu.LastUpdate = uint64(lastUpdate[i])
		}
		if i < len(commits) {
			nu.CommitBlock = commits[i]
		}
		nu.ValidatorPermit = i < len(permits) && permits[i]
		in.Neurons[i] = nu
	}
	return in, hotkeys
}

// PreviewEpochInput returns the input subnet n's epoch would read if it ran
// in block height, the block after s's: the coinbase of that block is run
// on a discarded branch first, since it adds to the emission the epoch pays.
// `GET /v1/subnets/{netuid}/epoch-input` serves it, so any epoch can be
// replayed with `gotensor yuma epoch`.
func PreviewEpochInput(s *State, n tao.NetUID, height tao.BlockHeight) yuma.Input {
	br := s.Branch().Mute()
	ep := br.EmissionParams()
	b := Block{Height: height}
	emitting, _ := br.emittingSubnets(br.NetUIDs())
	br.emitToSubnets(b, emitting, br.NextBlockEmission(), ep)
	lastStep := br.advanceSchedule(n, br.Schedule(n), b)
	p := br.Pending(n)
	in, _ := br.epochInput(n, height, p.Server.SaturatingAdd(p.Validator).SaturatingAdd(p.Root), lastStep, ep)
	return in
}

// workspaces recycles epoch scratch memory across blocks. Results never
// alias it, so sharing it cannot change what an epoch computes.
var workspaces = sync.Pool{New: func() any { return new(yuma.Workspace) }}

func runYuma(in yuma.Input) yuma.Output {
	w := workspaces.Get().(*yuma.Workspace)
	defer workspaces.Put(w)
	return w.Run(in)
}

// epochPayout tallies where one epoch's pending alpha went.
type epochPayout struct {
	incentive, dividends, ownerPaid, burned, recycled tao.Rao
}

// distributeEmission is distribute_emission (spec §2.5): run the epoch on
// the server, validator and root buckets, persist its outputs, and pay:
//
//   - the owner cut as stake of the owner's hotkey, held by the owner;
//   - each miner's incentive as stake of its hotkey, held by the hotkey's
//     owner, except the owner's own hotkeys, whose incentive is burned
//     (kept in AlphaOut as unheld alpha) or recycled per RecycleOrBurn;
//     MinerBurned records the withheld fraction;
//   - the validators' bucket (plus the miners' if no miner earned anything)
//     pro rata to each hotkey's alpha part of its dividends, and the root
//     bucket pro rata to the root part: the delegate take to the hotkey's
//     owner as stake, the rest to all its nominators on the subnet.
//     gotensor has no root claims, so root dividends take the same path
//     as alpha dividends (the root bucket only fills while the root sell
//     flag holds; otherwise the coinbase recycles that share).
//
// What is not paid (rounding, or no one to pay) stays in AlphaOut as
// unheld alpha (Pool.Dust), as in subtensor.
func (s *State) distributeEmission(n tao.NetUID, b Block, pend Pending, lastStep tao.BlockHeight, ep EmissionParams) {
	in, hotkeys := s.epochInput(n, b.Height, pend.Server.SaturatingAdd(pend.Validator).SaturatingAdd(pend.Root), lastStep, ep)
	out := runYuma(in).Neurons
	s.persistEpoch(n, out)

	// Shares first, from the stakes as they are before anything is paid.
	var incentiveSum tao.Rao
	for _, r := range out {
		incentiveSum = incentiveSum.SaturatingAdd(r.ServerEmission)
	}
	validatorBucket := pend.Validator
	if incentiveSum == 0 {
		validatorBucket = validatorBucket.SaturatingAdd(pend.Server) // nobody mined: validators take both halves
	}
	alphaDivs, rootDivs := s.dividendShares(n, out, hotkeys, validatorBucket, pend.Root, ep.TaoWeightFixed())

	var pay epochPayout
	info, _ := s.Subnet(n)
	if pend.OwnerCut > 0 {
		pay.ownerPaid = s.payStake(n, info.OwnerHotkey, info.Owner, true, pend.OwnerCut, &pay)
	}

	// Incentives: to each miner's stake, except the owner's hotkeys'.
	recycleWithheld := s.Hyperparams(n).RecycleOrBurn
	var withheld tao.Rao
	owners := s.ownerHotkeys(n, info, hotkeys)
	for uid, r := range out {
		inc := r.ServerEmission
		switch {
		case inc == 0:
		case owners[uid] && recycleWithheld:
			withheld += inc
			s.recycleAlpha(n, inc)
			pay.recycled += inc
		case owners[uid]:
			withheld += inc
			pay.burned += inc
		default:
			owner, ok := s.HotkeyOwner(hotkeys[uid])
			pay.incentive += s.payStake(n, hotkeys[uid], owner, ok, inc, &pay)
		}
	}
	rec := s.SubnetEmission(n)
	rec.MinerBurned = fixed.U96F32FromUint(uint64(withheld)).SafeDiv(fixed.U96F32FromUint(uint64(incentiveSum)))
	s.setSubnetEmission(n, rec)

	// Dividends, alpha part then root part.
	for uid := range out {
		for _, d := range [...]fixed.U96F32{alphaDivs[uid], rootDivs[uid]} {
			if !d.IsZero() {
				pay.dividends += s.payDividend(n, hotkeys[uid], d, &pay)
			}
		}
	}

	// Rounding in the epoch can pay incentives a few rao beyond the
	// buckets (subtensor pays them regardless): that alpha is minted.
	paid := pay.incentive + pay.dividends + pay.ownerPaid + pay.burned + pay.recycled
	var unpaid, minted tao.Rao
	if total := pend.Total(); paid <= total {
		unpaid = total - paid
	} else {
		minted = paid - total
	}
	if kept := pay.burned + unpaid; kept > 0 || minted > 0 {
		p := s.Pool(n)
		p.Dust = p.Dust.SaturatingAdd(kept)
		p.AlphaOut = p.AlphaOut.SaturatingAdd(minted)
		s.setPool(n, p)
	}
	if s.recording() {
		s.emit(EventEpoch, netuidAttr(n), Attr{"index", strconv.FormatUint(s.Schedule(n).EpochIndex, 10)},
			amountAttr("server", pend.Server), amountAttr("validator", pend.Validator),
			amountAttr("root", pend.Root), amountAttr("owner_cut", pend.OwnerCut),
			amountAttr("incentive", pay.incentive), amountAttr("dividends", pay.dividends),
			amountAttr("owner_paid", pay.ownerPaid), amountAttr("burned", pay.burned),
			amountAttr("recycled", pay.recycled), amountAttr("unpaid", unpaid), amountAttr("minted", minted))
	}
}

// ownerHotkeys marks the uids whose hotkey belongs to the subnet owner
// (get_owner_hotkeys): the owner hotkey and every hotkey the owner coldkey
// owns. Their miner incentive is withheld.
func (s *State) ownerHotkeys(n tao.NetUID, info SubnetInfo, hotkeys []tao.AccountID) []bool {
	out := make([]bool, len(hotkeys))
	for uid, hk := range hotkeys {
		if hk == info.OwnerHotkey {
			out[uid] = true
			continue
		}
		if owner, ok := s.HotkeyOwner(hk); ok && owner == info.Owner {
			out[uid] = true
		}
	}
	return out
}

// dividendShares is calculate_dividend_distribution (spec §2.5 step 5):
// each validator's epoch dividend splits into a root part, in the
// proportion of its root stake × TaoWeight to that plus its own alpha on
// the subnet, and an alpha part; the validators' bucket is shared pro rata
// to the alpha parts and the root bucket to the root parts. Amounts stay
// fractional (U96F32) until they are paid.
func (s *State) dividendShares(n tao.NetUID, out []yuma.Result, hotkeys []tao.AccountID, validatorBucket, rootBucket tao.Rao, tw fixed.U96F32) (alpha, root []fixed.U96F32) {
	alpha = make([]fixed.U96F32, len(out))
	root = make([]fixed.U96F32, len(out))
	var alphaSum, rootSum fixed.U96F32
	for uid, r := range out {
		if r.ValidatorEmission == 0 {
			continue
		}
		d := fixed.U96F32FromUint(uint64(r.ValidatorEmission))
		own := fixed.U96F32FromUint(uint64(s.HotkeyAlpha(hotkeys[uid], n)))
		rootAlpha := fixed.U96F32FromUint(uint64(s.RootStake(hotkeys[uid]))).SaturatingMul(tw)
		prop, _ := rootAlpha.CheckedDiv(own.SaturatingAdd(rootAlpha))
		root[uid] = d.SaturatingMul(prop)
		alpha[uid] = d.SaturatingSub(root[uid])
		alphaSum = alphaSum.SaturatingAdd(alpha[uid])
		rootSum = rootSum.SaturatingAdd(root[uid])
	}
	va, vr := fixed.U96F32FromUint(uint64(validatorBucket)), fixed.U96F32FromUint(uint64(rootBucket))
	for uid := range out {
		share, _ := alpha[uid].CheckedDiv(alphaSum)
		alpha[uid] = va.SaturatingMul(share)
		share, _ = root[uid].CheckedDiv(rootSum)
		root[uid] = vr.SaturatingMul(share)
	}
	return alpha, root
}

// payDividend pays a validator hotkey its dividend d: the delegate take to
// the hotkey's owner as stake, the rest to every nominator of the hotkey on
// the subnet pro rata (each part floored to rao, as subtensor pays them).
// A hotkey nobody stakes to on the subnet has its owner receive the rest
// too. It returns what was paid; whatever could not be paid has been
// recycled.
func (s *State) payDividend(n tao.NetUID, hotkey tao.AccountID, d fixed.U96F32, pay *epochPayout) tao.Rao {
	owner, hasOwner := s.HotkeyOwner(hotkey)
	takeRate := fixed.U96F32FromUint(uint64(s.DelegateTake(hotkey))).SafeDiv(fixed.U96F32FromUint(65535))
	take := takeRate.SaturatingMul(d)
	paid := s.payStake(n, hotkey, owner, hasOwner, raoOf(take), pay)
	rest := raoOf(d.SaturatingSub(take))
	if rest == 0 {
		return paid
	}
	if s.HotkeyAlpha(hotkey, n) > 0 {
		if err := s.distributeToHotkey(hotkey, n, rest); err == nil {
			return paid + rest
		}
	}
	return paid + s.payStake(n, hotkey, owner, hasOwner, rest, pay)
}

// payStake adds amount alpha to coldkey's stake on (hotkey, n) and returns
// amount. Emission must never fail a block: if coldkey is unknown (ok
// false) or the stake cannot take it, the alpha is recycled instead, counted
// in pay, and payStake returns 0.
func (s *State) payStake(n tao.NetUID, hotkey, coldkey tao.AccountID, ok bool, amount tao.Rao, pay *epochPayout) tao.Rao {
	if amount == 0 {
		return 0
	}
	if ok && s.addStakeAlpha(coldkey, hotkey, n, amount) == nil {
		return amount
	}
	s.recycleAlpha(n, amount)
	pay.recycled += amount
	return 0
}

func heightAttr(key string, h tao.BlockHeight) Attr {
	return Attr{key, strconv.FormatUint(uint64(h), 10)}
}
