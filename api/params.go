package api

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/gotensor/gotensor/api/apitypes"
	"github.com/gotensor/gotensor/chain"
	"github.com/gotensor/gotensor/tao"
)

// Path values, query parameters and headers are parsed strictly: integers
// in canonical decimal (digits only: no sign, space or leading zero),
// booleans as true or false, addresses without surrounding space. Every
// refusal is a 400 that names the value and says what is wanted, in the
// API's words rather than a parser's.

// parseDecimal parses a canonical decimal integer that fits in bits.
func parseDecimal(s string, bits int) (uint64, bool) {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(s, 10, bits)
	return v, err == nil
}

// parseHeight parses a block height in canonical decimal, 1 or more.
func parseHeight(s string) (int64, bool) {
	v, ok := parseDecimal(s, 63)
	return int64(v), ok && v > 0
}

// queryRao reads an optional amount of rao (absent: 0).
func queryRao(r *http.Request, name string) (tao.Rao, *apitypes.Error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	v, ok := parseDecimal(s, 64)
	if !ok {
		return 0, errorf(apitypes.CodeBadRequest, "invalid %s=%q: want a whole number of rao (0 to %d)", name, s, uint64(math.MaxUint64))
	}
	return tao.Rao(v), nil
}

// queryBool reads an optional boolean (absent: false).
func queryBool(r *http.Request, name string) (bool, *apitypes.Error) {
	switch s := r.URL.Query().Get(name); s {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, errorf(apitypes.CodeBadRequest, "invalid %s=%q: want true or false", name, s)
	}
}

// pathAccount parses the path value name as an SS58 address or a 0x
// public key.
func pathAccount(r *http.Request, name string) (tao.AccountID, *apitypes.Error) {
	s := r.PathValue(name)
	if s != strings.TrimSpace(s) {
		return tao.AccountID{}, errorf(apitypes.CodeBadAddress, "invalid %s %q: want it without surrounding space", name, s)
	}
	id, err := tao.ParseAccountID(s)
	if err != nil {
		if name != "address" {
			return id, errorf(apitypes.CodeBadAddress, "%s: %v", name, err)
		}
		return id, errorf(apitypes.CodeBadAddress, "%v", err)
	}
	return id, nil
}

// pathNetUID parses the {netuid} path value.
func pathNetUID(r *http.Request) (tao.NetUID, *apitypes.Error) {
	s := r.PathValue("netuid")
	v, ok := parseDecimal(s, 16)
	if !ok {
		return 0, errorf(apitypes.CodeBadRequest, "invalid netuid %q: want an integer from 0 to 65535", s)
	}
	return tao.NetUID(v), nil
}

// errNoSubnet is the 404 of a netuid no subnet has.
func errNoSubnet(n tao.NetUID) *apitypes.Error {
	return errorf(apitypes.CodeNotFound, "subnet %d does not exist", n)
}

// state returns the last committed state and its height, or writes 503
// and returns false.
func (s *Server) state(w http.ResponseWriter, r *http.Request) (*chain.State, int64, bool) {
	st, height, ok := s.chain.LatestState()
	if !ok {
		s.writeInternal(w, r, ErrNotReady)
	}
	return st, height, ok
}

// accountState parses the account the path value name holds and returns
// it with the last committed state and its height; on failure it has
// written the 400 or 503 and ok is false.
func (s *Server) accountState(w http.ResponseWriter, r *http.Request, name string) (id tao.AccountID, st *chain.State, height int64, ok bool) {
	id, e := pathAccount(r, name)
	if e != nil {
		writeError(w, http.StatusBadRequest, e)
		return id, nil, 0, false
	}
	st, height, ok = s.state(w, r)
	return id, st, height, ok
}

// subnetState returns the last committed state, its height and the
// subnet the {netuid} path value names; on failure it has written the 400
// (bad netuid, or the handler's own parseErr), 503 (no state yet) or 404
// (no such subnet) and ok is false. A handler passes the outcome of
// parsing its other values as parseErr (nil: none), so that a bad request
// is answered before any state is read.
func (s *Server) subnetState(w http.ResponseWriter, r *http.Request, parseErr *apitypes.Error) (st *chain.State, height int64, n tao.NetUID, ok bool) {
	n, e := pathNetUID(r)
	if e == nil {
		e = parseErr
	}
	if e != nil {
		writeError(w, http.StatusBadRequest, e)
		return nil, 0, n, false
	}
	if st, height, ok = s.state(w, r); !ok {
		return nil, 0, n, false
	}
	if !st.SubnetExists(n) {
		writeError(w, http.StatusNotFound, errNoSubnet(n))
		return nil, 0, n, false
	}
	return st, height, n, true
}
