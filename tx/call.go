package tx

import "github.com/gotensor/gotensor/tao"

// Kind names a call. Its String is the snake_case name used in the proto,
// in events and in the API.
type Kind uint8

// The calls, in proto order.
const (
	KindTransfer Kind = iota + 1
	KindTransferAll
	KindTransferKeepAlive
	KindRegisterNetwork
	KindStartCall
	KindSetSubnetIdentity
	KindBurnedRegister
	KindServeAxon
	KindSetHyperparameter
	KindSudoSetGlobal
	KindAddStake
	KindRemoveStake
	KindUnstakeAll
	KindMoveStake
	KindTransferStake
	KindSwapStake
	KindIncreaseTake
	KindDecreaseTake
	KindAssociateHotkey
	KindSetWeights
	KindCommitWeights
	KindRevealWeights
	KindBatchSetWeights
)

var kindNames = [...]string{
	KindTransfer:          "transfer",
	KindTransferAll:       "transfer_all",
	KindTransferKeepAlive: "transfer_keep_alive",
	KindRegisterNetwork:   "register_network",
	KindStartCall:         "start_call",
	KindSetSubnetIdentity: "set_subnet_identity",
	KindBurnedRegister:    "burned_register",
	KindServeAxon:         "serve_axon",
	KindSetHyperparameter: "set_hyperparameter",
	KindSudoSetGlobal:     "sudo_set_global",
	KindAddStake:          "add_stake",
	KindRemoveStake:       "remove_stake",
	KindUnstakeAll:        "unstake_all",
	KindMoveStake:         "move_stake",
	KindTransferStake:     "transfer_stake",
	KindSwapStake:         "swap_stake",
	KindIncreaseTake:      "increase_take",
	KindDecreaseTake:      "decrease_take",
	KindAssociateHotkey:   "associate_hotkey",
	KindSetWeights:        "set_weights",
	KindCommitWeights:     "commit_weights",
	KindRevealWeights:     "reveal_weights",
	KindBatchSetWeights:   "batch_set_weights",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "unknown"
}

// Role is the key that must sign a call.
type Role uint8

const (
	// Coldkey: balance, subnet, staking and hyperparameter calls are signed
	// by the coldkey that owns the funds or the subnet.
	Coldkey Role = iota + 1
	// Hotkey: serve_axon and the weights calls are signed by the neuron's
	// hotkey, as in subtensor.
	Hotkey
)

func (r Role) String() string {
	if r == Hotkey {
		return "hotkey"
	}
	return "coldkey"
}

// Role returns the key that signs calls of kind k.
func (k Kind) Role() Role {
	switch k {
	case KindServeAxon, KindSetWeights, KindCommitWeights, KindRevealWeights, KindBatchSetWeights:
		return Hotkey
	}
	return Coldkey
}

// Call is one of the call types below. The set is closed: only this package
// implements Call.
type Call interface {
	Kind() Kind
	isCall()
}

// Transfer moves Amount of the signer's free balance to Dest. The sender may
// be reaped (its dust recycled) if it drops below the existential deposit.
type Transfer struct {
	Dest   tao.AccountID
	Amount tao.Rao
}

// TransferKeepAlive is Transfer that fails rather than take the sender below
// the existential deposit.
type TransferKeepAlive struct {
	Dest   tao.AccountID
	Amount tao.Rao
}

// TransferAll moves the signer's whole free balance, less the fee, to Dest;
// with KeepAlive it leaves the existential deposit behind.
type TransferAll struct {
	Dest      tao.AccountID
	KeepAlive bool
}

// SubnetIdentity describes a subnet.
type SubnetIdentity struct {
	Name, URL, GitHub, Contact, Description, Discord, LogoURL, TokenSymbol, Additional string
}

// RegisterNetwork creates a subnet owned by the signer; Identity is optional.
type RegisterNetwork struct {
	Hotkey   tao.AccountID
	Identity *SubnetIdentity
}

// StartCall starts a subnet's emissions (owner only).
type StartCall struct {
	NetUID tao.NetUID
}

// SetSubnetIdentity replaces a subnet's identity (owner only).
type SetSubnetIdentity struct {
	NetUID   tao.NetUID
	Identity SubnetIdentity
}

// BurnedRegister registers Hotkey on NetUID by burning the registration
// cost, at most LimitPrice (0: no limit).
type BurnedRegister struct {
	NetUID     tao.NetUID
	Hotkey     tao.AccountID
	LimitPrice tao.Rao
}

// ServeAxon publishes the signer hotkey's axon. IP is 16 bytes (IPv6 or
// IPv4-mapped); the u8 fields are checked on decoding.
type ServeAxon struct {
	NetUID                                       tao.NetUID
	Version                                      uint32
	IP                                           [16]byte
	Port                                         uint16
	IPType, Protocol, Placeholder1, Placeholder2 uint8
}

// SetHyperparameter sets a subnet hyperparameter by name.
type SetHyperparameter struct {
	NetUID tao.NetUID
	Name   string
	Value  int64
}

// SudoSetGlobal sets a global parameter by name (sudo only).
type SudoSetGlobal struct {
	Name  string
	Value int64
}

// AddStake stakes AmountTAO to Hotkey on NetUID. LimitPrice is in rao per
// alpha (0: no limit).
type AddStake struct {
	Hotkey       tao.AccountID
	NetUID       tao.NetUID
	AmountTAO    tao.Rao
	LimitPrice   tao.Rao
	AllowPartial bool
}

// RemoveStake unstakes AmountAlpha from Hotkey on NetUID.
type RemoveStake struct {
	Hotkey       tao.AccountID
	NetUID       tao.NetUID
	AmountAlpha  tao.Rao
	LimitPrice   tao.Rao
	AllowPartial bool
}

// UnstakeAll unstakes all of the signer's stake on Hotkey.
type UnstakeAll struct {
	Hotkey tao.AccountID
}

// MoveStake moves stake between hotkeys and subnets.
type MoveStake struct {
	OriginHotkey, DestHotkey tao.AccountID
	OriginNetUID, DestNetUID tao.NetUID
	AmountAlpha              tao.Rao
}

// TransferStake gives stake on Hotkey to DestColdkey.
type TransferStake struct {
	DestColdkey, Hotkey      tao.AccountID
	OriginNetUID, DestNetUID tao.NetUID
	AmountAlpha              tao.Rao
}

// SwapStake moves stake on Hotkey from one subnet to another.
type SwapStake struct {
	Hotkey                   tao.AccountID
	OriginNetUID, DestNetUID tao.NetUID
	AmountAlpha              tao.Rao
	LimitPrice               tao.Rao
	AllowPartial             bool
}

// IncreaseTake raises a delegate hotkey's take (a u16 proportion).
type IncreaseTake struct {
	Hotkey tao.AccountID
	Take   uint16
}

// DecreaseTake lowers a delegate hotkey's take.
type DecreaseTake struct {
	Hotkey tao.AccountID
	Take   uint16
}

// AssociateHotkey claims Hotkey for the signer coldkey.
type AssociateHotkey struct {
	Hotkey tao.AccountID
}

// SetWeights sets the signer hotkey's weights on NetUID; UIDs and Values
// have the same length.
type SetWeights struct {
	NetUID     tao.NetUID
	UIDs       []tao.UID
	Values     []uint16
	VersionKey uint64
}

// CommitWeights commits to weights by hash.
type CommitWeights struct {
	NetUID tao.NetUID
	Hash   [32]byte
}

// RevealWeights reveals committed weights.
type RevealWeights struct {
	NetUID     tao.NetUID
	UIDs       []tao.UID
	Values     []uint16
	Salt       []uint16
	VersionKey uint64
}

// BatchSetWeights sets weights on several subnets.
type BatchSetWeights struct {
	Items []SetWeights
}

func (Transfer) Kind() Kind          { return KindTransfer }
func (TransferAll) Kind() Kind       { return KindTransferAll }
func (TransferKeepAlive) Kind() Kind { return KindTransferKeepAlive }
func (RegisterNetwork) Kind() Kind   { return KindRegisterNetwork }
func (StartCall) Kind() Kind         { return KindStartCall }
func (SetSubnetIdentity) Kind() Kind { return KindSetSubnetIdentity }
func (BurnedRegister) Kind() Kind    { return KindBurnedRegister }
func (ServeAxon) Kind() Kind         { return KindServeAxon }
func (SetHyperparameter) Kind() Kind { return KindSetHyperparameter }
func (SudoSetGlobal) Kind() Kind     { return KindSudoSetGlobal }
func (AddStake) Kind() Kind          { return KindAddStake }
func (RemoveStake) Kind() Kind       { return KindRemoveStake }
func (UnstakeAll) Kind() Kind        { return KindUnstakeAll }
func (MoveStake) Kind() Kind         { return KindMoveStake }
func (TransferStake) Kind() Kind     { return KindTransferStake }
func (SwapStake) Kind() Kind         { return KindSwapStake }
func (IncreaseTake) Kind() Kind      { return KindIncreaseTake }
func (DecreaseTake) Kind() Kind      { return KindDecreaseTake }
func (AssociateHotkey) Kind() Kind   { return KindAssociateHotkey }
func (SetWeights) Kind() Kind        { return KindSetWeights }
func (CommitWeights) Kind() Kind     { return KindCommitWeights }
func (RevealWeights) Kind() Kind     { return KindRevealWeights }
func (BatchSetWeights) Kind() Kind   { return KindBatchSetWeights }

func (Transfer) isCall()          {}
func (TransferAll) isCall()       {}
func (TransferKeepAlive) isCall() {}
func (RegisterNetwork) isCall()   {}
func (StartCall) isCall()         {}
func (SetSubnetIdentity) isCall() {}
func (BurnedRegister) isCall()    {}
func (ServeAxon) isCall()         {}
func (SetHyperparameter) isCall() {}
func (SudoSetGlobal) isCall()     {}
func (AddStake) isCall()          {}
func (RemoveStake) isCall()       {}
func (UnstakeAll) isCall()        {}
func (MoveStake) isCall()         {}
func (TransferStake) isCall()     {}
func (SwapStake) isCall()         {}
func (IncreaseTake) isCall()      {}
func (DecreaseTake) isCall()      {}
func (AssociateHotkey) isCall()   {}
func (SetWeights) isCall()        {}
func (CommitWeights) isCall()     {}
func (RevealWeights) isCall()     {}
func (BatchSetWeights) isCall()   {}
