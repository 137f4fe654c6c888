package chain

import (
	"bytes"
	"crypto/sha256"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/store"
	"github.com/gotensor/gotensor/tao"
	"github.com/gotensor/gotensor/tx"
)

// stakeEnv is a chain state with funded accounts acct(1)…acct(9) for
// direct tests of the staking handlers through Apply (signatures taken as
// verified), checking every invariant after each call.
type stakeEnv struct {
	t      testing.TB
	s      *State
	height tao.BlockHeight
}

// envBalance is what each test account holds at genesis.
const envBalance = 100_000 * tao.RaoPerTAO

func newStakeEnv(t testing.TB) *stakeEnv {
	t.Helper()
	s := NewState(store.OpenMemory())
	g := DefaultGenesis()
	for b := byte(1); b <= 9; b++ {
		g.Accounts = append(g.Accounts, GenesisAccount{Address: acct(b), Balance: envBalance})
	}
	sudo := envSudo
	g.Params.Sudo = &sudo
	require.NoError(t, InitGenesis(s, "c", [32]byte{}, g))
	return &stakeEnv{t: t, s: s, height: 1}
}

// envSudo is the sudo account of a stakeEnv (funded).
var envSudo = acct(8)

// sudo sets a global parameter with sudo_set_global.
func (e *stakeEnv) sudo(name string, v int64) {
	e.t.Helper()
	e.ok(envSudo, tx.SudoSetGlobal{Name: name, Value: v})
}

// subnet creates a started dynamic subnet n owned by acct(9) with a pool
// of taoReserve TAO and alphaIn alpha, as register_network and start_call
// would leave it. The TAO comes out of the owner's balance.
func (e *stakeEnv) subnet(n tao.NetUID, taoReserve, alphaIn tao.Rao) {
	e.t.Helper()
	owner := acct(9)
	require.NoError(e.t, e.s.debit(owner, taoReserve, ReasonStake))
	e.s.setSubnet(n, SubnetInfo{Owner: owner, RegisteredAt: e.height, FirstEmissionBlock: e.height, SubtokenEnabled: true, Dynamic: true, Locked: taoReserve})
	e.s.initPool(n, taoReserve, alphaIn)
	require.NoError(e.t, CheckInvariants(e.s))
}

// hotkey makes cold the owner of hot.
func (e *stakeEnv) hotkey(cold, hot tao.AccountID) {
	e.t.Helper()
	require.NoError(e.t, e.s.claimHotkey(cold, hot))
}

// apply runs call signed by signer in the next block and checks the
// invariants.
func (e *stakeEnv) apply(signer tao.AccountID, call tx.Call) Result {
	e.t.Helper()
	e.height++
	t := &tx.Tx{Body: tx.Body{ChainID: "c", Nonce: e.s.Account(signer).Nonce, Call: call}, Signer: signer}
	res := Apply(e.s, Block{Height: e.height}, t, true)
	require.NoError(e.t, CheckInvariants(e.s), "after %s", call.Kind())
	return res
}

// ok applies call and requires it to succeed.
func (e *stakeEnv) ok(signer tao.AccountID, call tx.Call) Result {
	e.t.Helper()
	res := e.apply(signer, call)
	require.Zero(e.t, res.Code, "%s failed: %s", call.Kind(), res.Log)
	return res
}

// fails applies call, requires it to fail with code and a message
// containing each of msg, and requires that nothing changed but the
// signer's nonce and fee (and the issuance the fee recycled).
func (e *stakeEnv) fails(signer tao.AccountID, call tx.Call, code *tx.Error, msg ...string) {
	e.t.Helper()
	before, acctBefore := e.digest(signer), e.s.Account(signer)
	res := e.apply(signer, call)
	require.Equal(e.t, code.Code, res.Code, "%s: %s", call.Kind(), res.Log)
	for _, m := range msg {
		require.Contains(e.t, res.Log, m)
	}
	require.Equal(e.t, before, e.digest(signer), "a failed %s changed state", call.Kind())
	after := e.s.Account(signer)
	require.Equal(e.t, acctBefore.Nonce+1, after.Nonce)
	require.Equal(e.t, acctBefore.Free-res.Fee, after.Free)
}

// digest hashes the whole state except signer's account and the
// issuance figures its fee changes.
func (e *stakeEnv) digest(signer tao.AccountID) [32]byte {
	skip := [][]byte{accountKey(signer), globalKey(globalTotalIssuance), globalKey(globalTotalRecycled)}
	h := sha256.New()
	it := e.s.kv.Iterator(nil, nil)
	defer it.Close()
next:
	for ; it.Valid(); it.Next() {
		for _, k := range skip {
			if bytes.Equal(it.Key(), k) {
				continue next
			}
		}
		h.Write(it.Key())
		h.Write([]byte{0})
		h.Write(it.Value())
	}
	return [32]byte(h.Sum(nil))
}

// event returns the attributes of the first event of type typ in res.
func event(t testing.TB, res Result, typ string) map[string]string {
	t.Helper()
	for _, ev := range res.Events {
		if ev.Type == typ {
			m := map[string]string{}
			for _, a := range ev.Attrs {
				m[a.Key] = a.Value
			}
			return m
		}
	}
	t.Fatalf("no %s event in %v", typ, res.Events)
	return nil
}
