package tx

import (
	"fmt"
	"math"

	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx/txpb"
)

// Argument limits checked on decoding.
const (
	// MaxIdentityField bounds each subnet identity string (name, discord and
	// token symbol have lower limits, see identityLimits).
	MaxIdentityField = 1024
	// MaxParamName bounds hyperparameter and global parameter names.
	MaxParamName = 64
	// MaxWeights bounds the entries of one weights vector (uids are u16).
	MaxWeights = math.MaxUint16 + 1
	// MaxBatch bounds the items of batch_set_weights.
	MaxBatch = 256
)

// encodeCall sets pb's oneof call from c.
func encodeCall(pb *txpb.Body, c Call) error {
	switch c := c.(type) {
	case Transfer:
		pb.Call = &txpb.Body_Transfer{Transfer: &txpb.Transfer{Dest: c.Dest[:], Amount: uint64(c.Amount)}}
	case TransferKeepAlive:
		pb.Call = &txpb.Body_TransferKeepAlive{TransferKeepAlive: &txpb.Transfer{Dest: c.Dest[:], Amount: uint64(c.Amount)}}
	case TransferAll:
		pb.Call = &txpb.Body_TransferAll{TransferAll: &txpb.TransferAll{Dest: c.Dest[:], KeepAlive: c.KeepAlive}}
	case RegisterNetwork:
		m := &txpb.RegisterNetwork{Hotkey: c.Hotkey[:]}
		if c.Identity != nil {
			m.Identity = encodeIdentity(*c.Identity)
		}
		pb.Call = &txpb.Body_RegisterNetwork{RegisterNetwork: m}
	case StartCall:
		pb.Call = &txpb.Body_StartCall{StartCall: &txpb.StartCall{Netuid: uint32(c.NetUID)}}
	case SetSubnetIdentity:
		pb.Call = &txpb.Body_SetSubnetIdentity{SetSubnetIdentity: &txpb.SetSubnetIdentity{Netuid: uint32(c.NetUID), Identity: encodeIdentity(c.Identity)}}
	case BurnedRegister:
		pb.Call = &txpb.Body_BurnedRegister{BurnedRegister: &txpb.BurnedRegister{Netuid: uint32(c.NetUID), Hotkey: c.Hotkey[:], LimitPrice: uint64(c.LimitPrice)}}
	case ServeAxon:
		pb.Call = &txpb.Body_ServeAxon{ServeAxon: &txpb.ServeAxon{
			Netuid: uint32(c.NetUID), Version: c.Version, Ip: c.IP[:], Port: uint32(c.Port),
			IpType: uint32(c.IPType), Protocol: uint32(c.Protocol),
			Placeholder1: uint32(c.Placeholder1), Placeholder2: uint32(c.Placeholder2),
		}}
	case SetHyperparameter:
		pb.Call = &txpb.Body_SetHyperparameter{SetHyperparameter: &txpb.SetHyperparameter{Netuid: uint32(c.NetUID), Name: c.Name, Value: c.Value}}
	case SudoSetGlobal:
		pb.Call = &txpb.Body_SudoSetGlobal{SudoSetGlobal: &txpb.SudoSetGlobal{Name: c.Name, Value: c.Value}}
	case AddStake:
		pb.Call = &txpb.Body_AddStake{AddStake: &txpb.AddStake{Hotkey: c.Hotkey[:], Netuid: uint32(c.NetUID), AmountTao: uint64(c.AmountTAO), LimitPrice: uint64(c.LimitPrice), AllowPartial: c.AllowPartial}}
	case RemoveStake:
		pb.Call = &txpb.Body_RemoveStake{RemoveStake: &txpb.RemoveStake{Hotkey: c.Hotkey[:], Netuid: uint32(c.NetUID), AmountAlpha: uint64(c.AmountAlpha), LimitPrice: uint64(c.LimitPrice), AllowPartial: c.AllowPartial}}
	case UnstakeAll:
		pb.Call = &txpb.Body_UnstakeAll{UnstakeAll: &txpb.UnstakeAll{Hotkey: c.Hotkey[:]}}
	case MoveStake:
		pb.Call = &txpb.Body_MoveStake{MoveStake: &txpb.MoveStake{OriginHotkey: c.OriginHotkey[:], DestHotkey: c.DestHotkey[:], OriginNetuid: uint32(c.OriginNetUID), DestNetuid: uint32(c.DestNetUID), AmountAlpha: uint64(c.AmountAlpha)}}
	case TransferStake:
		pb.Call = &txpb.Body_TransferStake{TransferStake: &txpb.TransferStake{DestColdkey: c.DestColdkey[:], Hotkey: c.Hotkey[:], OriginNetuid: uint32(c.OriginNetUID), DestNetuid: uint32(c.DestNetUID), AmountAlpha: uint64(c.AmountAlpha)}}
	case SwapStake:
		pb.Call = &txpb.Body_SwapStake{SwapStake: &txpb.SwapStake{Hotkey: c.Hotkey[:], OriginNetuid: uint32(c.OriginNetUID), DestNetuid: uint32(c.DestNetUID), AmountAlpha: uint64(c.AmountAlpha), LimitPrice: uint64(c.LimitPrice), AllowPartial: c.AllowPartial}}
	case IncreaseTake:
		pb.Call = &txpb.Body_IncreaseTake{IncreaseTake: &txpb.SetTake{Hotkey: c.Hotkey[:], Take: uint32(c.Take)}}
	case DecreaseTake:
		pb.Call = &txpb.Body_DecreaseTake{DecreaseTake: &txpb.SetTake{Hotkey: c.Hotkey[:], Take: uint32(c.Take)}}
	case AssociateHotkey:
		pb.Call = &txpb.Body_AssociateHotkey{AssociateHotkey: &txpb.AssociateHotkey{Hotkey: c.Hotkey[:]}}
	case SetWeights:
		pb.Call = &txpb.Body_SetWeights{SetWeights: encodeSetWeights(c)}
	case CommitWeights:
		pb.Call = &txpb.Body_CommitWeights{CommitWeights: &txpb.CommitWeights{Netuid: uint32(c.NetUID), Hash: c.Hash[:]}}
	case RevealWeights:
		pb.Call = &txpb.Body_RevealWeights{RevealWeights: &txpb.RevealWeights{Netuid: uint32(c.NetUID), Uids: widenUIDs(c.UIDs), Values: widen(c.Values), Salt: widen(c.Salt), VersionKey: c.VersionKey}}
	case BatchSetWeights:
		items := make([]*txpb.SetWeights, len(c.Items))
		for i, it := range c.Items {
			items[i] = encodeSetWeights(it)
		}
		pb.Call = &txpb.Body_BatchSetWeights{BatchSetWeights: &txpb.BatchSetWeights{Items: items}}
	default:
		return fmt.Errorf("%w: %T (calls are passed by value)", ErrUnknownCall, c)
	}
	return nil
}

func encodeIdentity(id SubnetIdentity) *txpb.SubnetIdentity {
	return &txpb.SubnetIdentity{
		Name: id.Name, Url: id.URL, Github: id.GitHub, Contact: id.Contact, Description: id.Description,
		Discord: id.Discord, LogoUrl: id.LogoURL, TokenSymbol: id.TokenSymbol, Additional: id.Additional,
	}
}

func encodeSetWeights(c SetWeights) *txpb.SetWeights {
	return &txpb.SetWeights{Netuid: uint32(c.NetUID), Uids: widenUIDs(c.UIDs), Values: widen(c.Values), VersionKey: c.VersionKey}
}

func widenUIDs(v []tao.UID) []uint32 {
	out := make([]uint32, len(v))
	for i, x := range v {
		out[i] = uint32(x)
	}
	return out
}

func widen(v []uint16) []uint32 {
	out := make([]uint32, len(v))
	for i, x := range v {
		out[i] = uint32(x)
	}
	return out
}

// decodeCall converts and checks the body's call. pb.Call is non-nil.
func decodeCall(pb *txpb.Body) (Call, error) {
	d := &fields{}
	var c Call
	switch m := pb.Call.(type) {
	case *txpb.Body_Transfer:
		d.call = "transfer"
		c = Transfer{Dest: d.account("dest", m.Transfer.GetDest()), Amount: tao.Rao(m.Transfer.GetAmount())}
	case *txpb.Body_TransferKeepAlive:
		d.call = "transfer_keep_alive"
		c = TransferKeepAlive{Dest: d.account("dest", m.TransferKeepAlive.GetDest()), Amount: tao.Rao(m.TransferKeepAlive.GetAmount())}
	case *txpb.Body_TransferAll:
		d.call = "transfer_all"
		c = TransferAll{Dest: d.account("dest", m.TransferAll.GetDest()), KeepAlive: m.TransferAll.GetKeepAlive()}
	case *txpb.Body_RegisterNetwork:
		d.call = "register_network"
		r := RegisterNetwork{Hotkey: d.account("hotkey", m.RegisterNetwork.GetHotkey())}
		if id := m.RegisterNetwork.GetIdentity(); id != nil {
			v := d.identity(id)
			r.Identity = &v
		}
		c = r
	case *txpb.Body_StartCall:
		d.call = "start_call"
		c = StartCall{NetUID: d.netuid("netuid", m.StartCall.GetNetuid())}
	case *txpb.Body_SetSubnetIdentity:
		d.call = "set_subnet_identity"
		c = SetSubnetIdentity{NetUID: d.netuid("netuid", m.SetSubnetIdentity.GetNetuid()), Identity: d.identity(m.SetSubnetIdentity.GetIdentity())}
	case *txpb.Body_BurnedRegister:
		d.call = "burned_register"
		x := m.BurnedRegister
		c = BurnedRegister{NetUID: d.netuid("netuid", x.GetNetuid()), Hotkey: d.account("hotkey", x.GetHotkey()), LimitPrice: tao.Rao(x.GetLimitPrice())}
	case *txpb.Body_ServeAxon:
		d.call = "serve_axon"
		x := m.ServeAxon
		c = ServeAxon{
			NetUID: d.netuid("netuid", x.GetNetuid()), Version: x.GetVersion(), IP: d.ip("ip", x.GetIp()),
			Port: d.u16("port", x.GetPort()), IPType: d.u8("ip_type", x.GetIpType()), Protocol: d.u8("protocol", x.GetProtocol()),
			Placeholder1: d.u8("placeholder1", x.GetPlaceholder1()), Placeholder2: d.u8("placeholder2", x.GetPlaceholder2()),
		}
	case *txpb.Body_SetHyperparameter:
		d.call = "set_hyperparameter"
		x := m.SetHyperparameter
		c = SetHyperparameter{NetUID: d.netuid("netuid", x.GetNetuid()), Name: d.name("name", x.GetName()), Value: x.GetValue()}
	case *txpb.Body_SudoSetGlobal:
		d.call = "sudo_set_global"
		c = SudoSetGlobal{Name: d.name("name", m.SudoSetGlobal.GetName()), Value: m.SudoSetGlobal.GetValue()}
	case *txpb.Body_AddStake:
		d.call = "add_stake"
		x := m.AddStake
		c = AddStake{Hotkey: d.account("hotkey", x.GetHotkey()), NetUID: d.netuid("netuid", x.GetNetuid()), AmountTAO: tao.Rao(x.GetAmountTao()), LimitPrice: tao.Rao(x.GetLimitPrice()), AllowPartial: x.GetAllowPartial()}
	case *txpb.Body_RemoveStake:
		d.call = "remove_stake"
		x := m.RemoveStake
		c = RemoveStake{Hotkey: d.account("hotkey", x.GetHotkey()), NetUID: d.netuid("netuid", x.GetNetuid()), AmountAlpha: tao.Rao(x.GetAmountAlpha()), LimitPrice: tao.Rao(x.GetLimitPrice()), AllowPartial: x.GetAllowPartial()}
	case *txpb.Body_UnstakeAll:
		d.call = "unstake_all"
		c = UnstakeAll{Hotkey: d.account("hotkey", m.UnstakeAll.GetHotkey())}
	case *txpb.Body_MoveStake:
		d.call = "move_stake"
		x := m.MoveStake
		c = MoveStake{
			OriginHotkey: d.account("origin_hotkey", x.GetOriginHotkey()), DestHotkey: d.account("dest_hotkey", x.GetDestHotkey()),
			OriginNetUID: d.netuid("origin_netuid", x.GetOriginNetuid()), DestNetUID: d.netuid("dest_netuid", x.GetDestNetuid()),
			AmountAlpha: tao.Rao(x.GetAmountAlpha()),
		}
	case *txpb.Body_TransferStake:
		d.call = "transfer_stake"
		x := m.TransferStake
		c = TransferStake{
			DestColdkey: d.account("dest_coldkey", x.GetDestColdkey()), Hotkey: d.account("hotkey", x.GetHotkey()),
			OriginNetUID: d.netuid("origin_netuid", x.GetOriginNetuid()), DestNetUID: d.netuid("dest_netuid", x.GetDestNetuid()),
			AmountAlpha: tao.Rao(x.GetAmountAlpha()),
		}
	case *txpb.Body_SwapStake:
		d.call = "swap_stake"
		x := m.SwapStake
		c = SwapStake{
			Hotkey: d.account("hotkey", x.GetHotkey()), OriginNetUID: d.netuid("origin_netuid", x.GetOriginNetuid()),
			DestNetUID: d.netuid("dest_netuid", x.GetDestNetuid()), AmountAlpha: tao.Rao(x.GetAmountAlpha()),
			LimitPrice: tao.Rao(x.GetLimitPrice()), AllowPartial: x.GetAllowPartial(),
		}
	case *txpb.Body_IncreaseTake:
		d.call = "increase_take"
		c = IncreaseTake{Hotkey: d.account("hotkey", m.IncreaseTake.GetHotkey()), Take: d.u16("take", m.IncreaseTake.GetTake())}
	case *txpb.Body_DecreaseTake:
		d.call = "decrease_take"
		c = DecreaseTake{Hotkey: d.account("hotkey", m.DecreaseTake.GetHotkey()), Take: d.u16("take", m.DecreaseTake.GetTake())}
	case *txpb.Body_AssociateHotkey:
		d.call = "associate_hotkey"
		c = AssociateHotkey{Hotkey: d.account("hotkey", m.AssociateHotkey.GetHotkey())}
	case *txpb.Body_SetWeights:
		d.call = "set_weights"
		c = d.setWeights(m.SetWeights)
	case *txpb.Body_CommitWeights:
		d.call = "commit_weights"
		c = CommitWeights{NetUID: d.netuid("netuid", m.CommitWeights.GetNetuid()), Hash: d.hash("hash", m.CommitWeights.GetHash())}
	case *txpb.Body_RevealWeights:
		d.call = "reveal_weights"
		x := m.RevealWeights
		r := RevealWeights{NetUID: d.netuid("netuid", x.GetNetuid()), UIDs: d.uids("uids", x.GetUids()), Values: d.u16s("values", x.GetValues()), Salt: d.u16s("salt", x.GetSalt()), VersionKey: x.GetVersionKey()}
		d.sameLen(len(r.UIDs), len(r.Values))
		c = r
	case *txpb.Body_BatchSetWeights:
		d.call = "batch_set_weights"
		items := m.BatchSetWeights.GetItems()
		if len(items) == 0 || len(items) > MaxBatch {
			d.fail("items", "want 1 to %d, have %d", MaxBatch, len(items))
		}
		b := BatchSetWeights{Items: make([]SetWeights, 0, len(items))}
		for _, it := range items {
			b.Items = append(b.Items, d.setWeights(it))
		}
		c = b
	default:
		return nil, ErrUnknownCall
	}
	if d.err != nil {
		return nil, d.err
	}
	return c, nil
}

// fields converts protobuf fields to typed values, recording the first
// out-of-range field as an ErrInvalidArgument naming the call and field.
type fields struct {
	call string
	err  error
}

func (d *fields) fail(field, format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s.%s: %s", ErrInvalidArgument, d.call, field, fmt.Sprintf(format, args...))
	}
}

func (d *fields) account(field string, b []byte) tao.AccountID {
	if len(b) != 32 {
		d.fail(field, "want a 32-byte public key, have %d bytes", len(b))
		return tao.AccountID{}
	}
	return tao.AccountID(b)
}

func (d *fields) hash(field string, b []byte) [32]byte {
	if len(b) != 32 {
		d.fail(field, "want 32 bytes, have %d", len(b))
		return [32]byte{}
	}
	return [32]byte(b)
}

func (d *fields) ip(field string, b []byte) [16]byte {
	if len(b) != 16 {
		d.fail(field, "want 16 bytes (IPv6 or IPv4-mapped), have %d", len(b))
		return [16]byte{}
	}
	return [16]byte(b)
}

func (d *fields) u16(field string, v uint32) uint16 {
	if v > math.MaxUint16 {
		d.fail(field, "%d does not fit in 16 bits", v)
	}
	return uint16(v)
}

func (d *fields) u8(field string, v uint32) uint8 {
	if v > math.MaxUint8 {
		d.fail(field, "%d does not fit in 8 bits", v)
	}
	return uint8(v)
}

func (d *fields) netuid(field string, v uint32) tao.NetUID { return tao.NetUID(d.u16(field, v)) }

func (d *fields) u16s(field string, v []uint32) []uint16 {
	if len(v) > MaxWeights {
		d.fail(field, "%d entries, limit %d", len(v), MaxWeights)
		return nil
	}
	out := make([]uint16, len(v))
	for i, x := range v {
		out[i] = d.u16(fmt.Sprintf("%s[%d]", field, i), x)
	}
	return out
}

func (d *fields) uids(field string, v []uint32) []tao.UID {
	u := d.u16s(field, v)
	out := make([]tao.UID, len(u))
	for i, x := range u {
		out[i] = tao.UID(x)
	}
	return out
}

func (d *fields) sameLen(uids, values int) {
	if uids != values {
		d.fail("values", "%d values for %d uids", values, uids)
	}
}

func (d *fields) setWeights(m *txpb.SetWeights) SetWeights {
	w := SetWeights{NetUID: d.netuid("netuid", m.GetNetuid()), UIDs: d.uids("uids", m.GetUids()), Values: d.u16s("values", m.GetValues()), VersionKey: m.GetVersionKey()}
	d.sameLen(len(w.UIDs), len(w.Values))
	return w
}

func (d *fields) name(field, s string) string {
	if s == "" || len(s) > MaxParamName {
		d.fail(field, "want 1 to %d bytes, have %d", MaxParamName, len(s))
	}
	return s
}

// identityLimits follows subtensor's SubnetIdentityV3 checks, with a short
// token symbol.
var identityLimits = struct{ name, discord, symbol int }{256, 256, 32}

func (d *fields) identity(m *txpb.SubnetIdentity) SubnetIdentity {
	text := func(field, s string, limit int) string {
		if len(s) > limit {
			d.fail("identity."+field, "%d bytes, limit %d", len(s), limit)
		}
		return s
	}
	return SubnetIdentity{
		Name:        text("name", m.GetName(), identityLimits.name),
		URL:         text("url", m.GetUrl(), MaxIdentityField),
		GitHub:      text("github", m.GetGithub(), MaxIdentityField),
		Contact:     text("contact", m.GetContact(), MaxIdentityField),
		Description: text("description", m.GetDescription(), MaxIdentityField),
		Discord:     text("discord", m.GetDiscord(), identityLimits.discord),
		LogoURL:     text("logo_url", m.GetLogoUrl(), MaxIdentityField),
		TokenSymbol: text("token_symbol", m.GetTokenSymbol(), identityLimits.symbol),
		Additional:  text("additional", m.GetAdditional(), MaxIdentityField),
	}
}
