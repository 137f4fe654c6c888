package api

import (
	"net/http"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
)

const maxInt64 = 1<<63 - 1

// The subnet routes read the chain through chain's query functions on the
// last committed state (Chain.LatestState, see subnetState).

func (s *Server) handleSubnets(w http.ResponseWriter, r *http.Request) {
	st, height, ok := s.state(w, r)
	if !ok {
		return
	}
	doc := apitypes.SubnetList{Height: height, LockCost: st.LockCost(tao.BlockHeight(height + 1))}
	for _, sn := range chain.QuerySubnets(st) {
		doc.Subnets = append(doc.Subnets, apitypes.SubnetSummary{
			NetUID: uint16(sn.NetUID), Name: sn.Identity.Name, Symbol: sn.Identity.TokenSymbol,
			Price: chain.PriceRao(sn.Price), TAOIn: sn.Pool.TAO, AlphaIn: sn.Pool.AlphaIn, AlphaOut: sn.Pool.AlphaOut,
			Emission: sn.Emission.TAO, Tempo: sn.Tempo, N: sn.N, MaxUIDs: sn.Max, Burn: sn.Burn,
			Started: sn.Info.Started(), RegisteredAt: uint64(sn.Info.RegisteredAt),
		})
	}
	writeJSON(w, http.StatusOK, doc)
}

func (s *Server) handleSubnet(w http.ResponseWriter, r *http.Request) {
	st, height, n, ok := s.subnetState(w, r, nil)
	if !ok {
		return
	}
	m, _ := chain.QueryMetagraph(st, n, tao.BlockHeight(height), true)
	writeJSON(w, http.StatusOK, subnetDoc(m, height))
}

func (s *Server) handleMetagraph(w http.ResponseWriter, r *http.Request) {
	lite, e := queryBool(r, "lite")
	st, height, n, ok := s.subnetState(w, r, e)
	if !ok {
		return
	}
	// A committed block never changes, so the block names the document: a
	// client that has it is answered 304 without the query.
	etag := apitypes.MetagraphETag(uint16(n), height, lite)
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	m, _ := chain.QueryMetagraph(st, n, tao.BlockHeight(height), lite)
	writeJSON(w, http.StatusOK, metagraphDoc(m, height, lite))
}

func (s *Server) handleHyperparameters(w http.ResponseWriter, r *http.Request) {
	st, height, n, ok := s.subnetState(w, r, nil)
	if !ok {
		return
	}
	doc := apitypes.Hyperparameters{NetUID: uint16(n), Height: height}
	for _, v := range chain.HyperparamValues(st.Hyperparams(n)) {
		owner := v.Owner
		doc.Params = append(doc.Params, apitypes.Param{Name: v.Name, Value: v.Value, Min: v.Min, Max: v.Max, OwnerSettable: &owner, Unit: v.Unit})
	}
	writeJSON(w, http.StatusOK, doc)
}

func (s *Server) handleParams(w http.ResponseWriter, r *http.Request) {
	st, height, ok := s.state(w, r)
	if !ok {
		return
	}
	doc := apitypes.GlobalParams{Height: height}
	for _, v := range st.GlobalParamValues() {
		doc.Params = append(doc.Params, apitypes.Param{Name: v.Name, Value: v.Value, Min: v.Min, Max: v.Max, Unit: v.Unit})
	}
	writeJSON(w, http.StatusOK, doc)
}

func subnetDoc(m chain.Metagraph, height int64) apitypes.Subnet {
	h, sc, id := m.Hyperparams, m.Schedule, m.Identity
	doc := apitypes.Subnet{
		NetUID: uint16(m.NetUID), Block: height, Name: id.Name, Symbol: id.TokenSymbol,
		Identity: apitypes.SubnetIdentity{
			Name: id.Name, URL: id.URL, GitHub: id.GitHub, Contact: id.Contact, Description: id.Description,
			Discord: id.Discord, LogoURL: id.LogoURL, Symbol: id.TokenSymbol, Additional: id.Additional,
		},
		NetworkRegisteredAt: uint64(m.Info.RegisteredAt), Mechanism: "stable",
		Started: m.Info.Started(), FirstEmissionBlock: uint64(m.Info.FirstEmissionBlock), Locked: m.Info.Locked,
		N: uint16(len(m.Neurons)), MaxUIDs: h.MaxAllowedUids, Tempo: h.Tempo,
		LastStep: uint64(sc.LastStepBlock), BlocksSinceLastStep: uint64(tao.BlockHeight(height) - min(tao.BlockHeight(height), sc.StepBase)),
		BlocksUntilEpoch: m.BlocksUntilEpoch, Burn: m.Burn, Hparams: map[string]int64{},
		Pool: apitypes.SubnetPool{
			TAOIn: m.Pool.TAO, AlphaIn: m.Pool.AlphaIn, AlphaOut: m.Pool.AlphaOut, ProtocolAlpha: m.Pool.ProtocolAlpha,
			SubnetVolume: m.Pool.Volume, Price: chain.PriceRao(m.Price),
			MovingPrice: chain.PriceRao(fixed.Convert[fixed.U64F64](m.Pool.MovingPrice)), FeeRate: m.Pool.FeeRate,
		},
		Emissions: apitypes.SubnetEmissions{
			Block: uint64(m.Emission.Block), SubnetEmission: m.Emission.TAO, TAOInEmission: m.Emission.TAOIn,
			AlphaInEmission: m.Emission.AlphaIn, AlphaOutEmission: m.Emission.AlphaOut, ExcessTAO: m.Emission.ExcessTAO,
			PendingServer: m.Pending.Server, PendingValidator: m.Pending.Validator, PendingRootAlpha: m.Pending.Root,
			PendingOwnerCut: m.Pending.OwnerCut, PendingAlphaTotal: m.Pending.Total(),
		},
	}
	if m.Info.Dynamic {
		doc.Mechanism = "dynamic"
		owner, hot := m.Info.Owner, m.Info.OwnerHotkey
		doc.OwnerColdkey, doc.OwnerHotkey = &owner, &hot
	}
	for _, v := range chain.HyperparamValues(h) {
		doc.Hparams[v.Name] = v.Value
	}
	// Two more the Python SDK's MetagraphInfo.hparams carries.
	doc.Hparams["burn"] = int64(min(m.Burn, tao.Rao(maxInt64)))
	doc.Hparams["max_weights_limit"] = chain.MaxWeightsLimit
	return doc
}

func metagraphDoc(m chain.Metagraph, height int64, lite bool) apitypes.Metagraph {
	doc := apitypes.Metagraph{Subnet: subnetDoc(m, height), Lite: lite, Neurons: make([]apitypes.Neuron, len(m.Neurons))}
	for i, ns := range m.Neurons {
		a := ns.Axon
		doc.Neurons[i] = apitypes.Neuron{
			UID: uint16(ns.UID), Hotkey: ns.Hotkey, Coldkey: ns.Coldkey,
			Stake: ns.Stake, AlphaStake: ns.AlphaStake, TaoStake: ns.TaoStake,
			StakeWeight: ns.StakeWeight, Consensus: ns.Consensus, Incentive: ns.Incentive, Dividends: ns.Dividends,
			ValidatorTrust: ns.ValidatorTrust, Emission: ns.Emission, Active: ns.Active, Permit: ns.ValidatorPermit,
			LastUpdate: uint64(ns.LastUpdate), RegisteredAt: uint64(ns.RegisteredAt),
			Axon:    apitypes.AxonInfo{Block: uint64(a.Block), Version: a.Version, IP: axonIP(a), Port: a.Port, IPType: a.IPType, Protocol: a.Protocol},
			Weights: pairs(ns.Weights), Bonds: pairs(ns.Bonds),
		}
	}
	return doc
}

// axonIP is the axon's address, "0.0.0.0" when it never served.
func axonIP(a chain.AxonInfo) string {
	if a.IPType == 0 {
		return "0.0.0.0"
	}
	return a.IPString()
}

func pairs(row []yuma.Entry) [][2]uint16 {
	if len(row) == 0 {
		return nil
	}
	out := make([][2]uint16, len(row))
	for i, e := range row {
		out[i] = [2]uint16{e.UID, e.Value}
	}
	return out
}
