package chain

import (
	"github.com/gotensor/gotensor/chain/emission"
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/params"
	"github.com/gotensor/gotensor/tao"
)

// The coinbase (subtensor-spec §2.1, §2.3): every block mints the block
// emission, shares the TAO among the subnets that emit, injects it into
// their pools with alpha, emits alpha to each subnet's participants into
// pending buckets, and runs the epochs that fall due, which pay the buckets
// out (epoch.go).

// Event types of the coinbase and the epochs.
const (
	// EventEpoch: netuid, index, and the alpha the epoch paid: the four
	// pending buckets in (server, validator, root, owner_cut) and where
	// they went (incentive, dividends, owner_paid, burned, recycled,
	// unpaid), so that server+validator+root+owner_cut+minted equals the
	// sum of the second group to the rao.
	EventEpoch = "epoch"
	// EventEpochDeferred: netuid, from_block, to_block: the epoch was due
	// but MaxEpochsPerBlock epochs already ran in this block.
	EventEpochDeferred = "epoch_deferred"
)

// runCoinbase is the coinbase of block b (run_coinbase followed by
// update_moving_prices). The TAO block emission at the current issuance is
// minted in full: the emitting subnets' pools take their shares as
// liquidity and alpha purchases, and whatever they do not take (all of it
// while no subnet emits, and the rounding remainders) goes to the treasury,
// so that issuance follows the halving schedule block by block. (A
// remainder that would leave an empty treasury below the existential
// deposit is not minted.)
func runCoinbase(s *State, b Block) {
	ep := s.EmissionParams()
	minted := s.NextBlockEmission()
	subnets := s.NetUIDs()
	emitting, tempos := s.emittingSubnets(subnets)
	injected := s.emitToSubnets(b, emitting, minted, ep)
	rest := minted - injected
	if rest > 0 && s.Account(params.Treasury).Free+rest < s.Params().ExistentialDeposit {
		rest = 0 // a few rao of rounding would leave the treasury below the existential deposit: not minted
	}
	if rest > 0 {
		s.mint(params.Treasury, rest, ReasonEmission)
	}
	s.setGlobalU64(globalBlockEmission, uint64(injected+rest))
	s.runEpochs(b, subnets, tempos, ep)
}

// NextBlockEmission returns the TAO the next block mints: the block
// emission at the current issuance (spec §2.2), within the total supply.
// It is 1 TAO until issuance reaches exactly 10.5M TAO, so the block that
// brings issuance to 10.5M is the last to mint 1 TAO.
func (s *State) NextBlockEmission() tao.Rao {
	issuance := s.TotalIssuance()
	return min(emission.BlockEmission(issuance), totalSupply-min(issuance, totalSupply))
}

// emittingSubnet is a subnet the coinbase emits to in this block, with
// the records it reads.
type emittingSubnet struct {
	n     tao.NetUID
	info  SubnetInfo
	hp    Hyperparams
	pool  Pool
	price fixed.U64F64   // moving price before this block's update
	last  SubnetEmission // the figures of the previous emission
}

// emittingSubnets returns the subnets that receive emission
// (get_subnets_to_emit_to): started with start_call, and with
// registration allowed; and the tempo of every subnet, aligned with
// subnets, for the epoch schedule (one hyperparameter read per subnet).
func (s *State) emittingSubnets(subnets []tao.NetUID) (out []emittingSubnet, tempos []uint16) {
	tempos = make([]uint16, len(subnets))
	for i, n := range subnets {
		hp := s.Hyperparams(n)
		tempos[i] = hp.Tempo
		info, ok := s.Subnet(n)
		if !ok || !info.Started() || !hp.RegistrationAllowed {
			continue
		}
		p := s.Pool(n)
		out = append(out, emittingSubnet{n: n, info: info, hp: hp, pool: p,
			price: emission.MovingAlphaPrice(p.MovingPrice, false), last: s.SubnetEmission(n)})
	}
	return out, tempos
}

// emitToSubnets shares minted TAO among subs (spec §2.3 steps 3–6), injects
// it, emits alpha into the pending buckets, and updates the moving prices
// (§2.1 step 5). It returns the TAO that entered the pools, which it has
// issued.
func (s *State) emitToSubnets(b Block, subs []emittingSubnet, minted tao.Rao, ep EmissionParams) tao.Rao {
	if len(subs) == 0 {
		return 0
	}
	shareIn := make([]emission.Subnet, len(subs))
	prices := make([]fixed.U64F64, len(subs))
	for i, sub := range subs {
		shareIn[i] = emission.Subnet{MovingPrice: sub.price, MinerBurned: sub.last.MinerBurned, EmissionEnabled: true}
		prices[i] = sub.price
	}
	shares := emission.SplitTAO(minted, shareIn)
	rootSell := emission.RootSellFlag(prices)
	rootTAO := s.Pool(tao.RootNetUID).TAO
	movingAlpha := ep.MovingAlphaFixed()

	var injected tao.Rao
	for i, sub := range subs {
		p := sub.pool
		rec := SubnetEmission{Block: b.Height, TAO: raoOf(shares[i]), MinerBurned: sub.last.MinerBurned}
		terms := emission.SubnetTerms(emission.TermsInput{
			TAOEmission:    shares[i],
			AlphaIssuance:  p.AlphaIn.SaturatingAdd(p.AlphaOut),
			Price:          p.Price(),
			RootProportion: emission.RootProportion(rootTAO, ep.TaoWeight, p.AlphaIn.SaturatingAdd(p.AlphaOut)),
		})
		inj := p.Inject(raoOf(terms.TAOIn), raoOf(terms.AlphaIn), raoOf(terms.ExcessTAO))
		p.ProtocolAlpha = p.ProtocolAlpha.SaturatingAdd(inj.AlphaBought)
		p.Volume = p.Volume.SaturatingAdd(inj.ExcessIn)
		rec.TAOIn, rec.AlphaIn, rec.ExcessTAO, rec.AlphaBought = inj.TAOIn, inj.AlphaIn, inj.ExcessIn, inj.AlphaBought
		injected += inj.TAOIn + inj.ExcessIn

		alphaOut := raoOf(terms.AlphaOut)
		p.AlphaOut = p.AlphaOut.SaturatingAdd(alphaOut)
		rec.AlphaOut = alphaOut
		rec.RootProp = emission.RootProportion(rootTAO, ep.TaoWeight, p.AlphaIn.SaturatingAdd(p.AlphaOut))
		cut := ep.OwnerCut
		if !sub.hp.OwnerCutEnabled {
			cut = 0
		}
		split := emission.SplitAlphaOut(fixed.U96F32FromUint(uint64(alphaOut)), cut, rec.RootProp)
		pend := s.Pending(sub.n)
		pend.Server = pend.Server.SaturatingAdd(split.Server)
		pend.Validator = pend.Validator.SaturatingAdd(split.Validator)
		pend.OwnerCut = pend.OwnerCut.SaturatingAdd(split.OwnerCut)
		if rootSell {
			pend.Root = pend.Root.SaturatingAdd(split.Root)
		} else {
			p.AlphaOut -= split.Root // recycled: root stakers are not paid while prices are low
		}
		s.setPending(sub.n, pend)
		p.Dust = p.Dust.SaturatingAdd(alphaOut - split.OwnerCut - split.Server - split.Validator - split.Root)

		// The moving price follows the spot price after the injection; this
		// block's TAO split used the previous one.
		p.MovingPrice = emission.UpdateMovingPrice(sub.price, p.Price(),
			emission.MovingPriceParams{Alpha: movingAlpha, HalvingBlocks: sub.hp.EMAPriceHalvingBlocks},
			b.Height, sub.info.FirstEmissionBlock)
		s.setPool(sub.n, p)
		s.setSubnetEmission(sub.n, rec)
	}
	if injected > 0 {
		s.issue(injected, ReasonEmission)
	}
	return injected
}

// raoOf floors a fixed-point amount to rao (tou64! in subtensor:
// saturating_to_num).
func raoOf(x fixed.U96F32) tao.Rao { return tao.Rao(x.ToUint()) }
