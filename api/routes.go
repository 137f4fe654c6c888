package api

import (
	"net/http"
	"path"
	"strings"

	"github.com/gotensor/gotensor/api/apitypes"
)

// route is one endpoint: a method and a net/http ServeMux path pattern.
type route struct {
	method  string
	path    string
	handler http.HandlerFunc
}

// routes lists every endpoint of the API. Keep it on one screen: add a
// line here and a handler in the file of its resource.
func (s *Server) routes() []route {
	return []route{
		{"GET", "/v1/status", s.handleStatus},
		{"GET", "/v1/accounts/{address}", s.handleAccount}, // SS58 or 0x public key
		{"GET", "/v1/blocks/{height}", s.handleBlock},      // a height or "latest"
		{"POST", "/v1/tx", s.handleSubmitTx},               // ?wait=commit waits for the block
		{"POST", "/v1/txs", s.handleSubmitTxs},             // a batch, admitted in order
		{"GET", "/v1/tx/{hash}", s.handleTx},
		{"GET", "/v1/events", s.handleEvents}, // Server-Sent Events: committed blocks
		{"GET", "/v1/params", s.handleParams}, // what sudo_set_global sets
		{"GET", "/v1/subnets", s.handleSubnets},
		{"GET", "/v1/subnets/{netuid}", s.handleSubnet},
		{"GET", "/v1/subnets/{netuid}/metagraph", s.handleMetagraph}, // ?lite=true leaves out weights and bonds
		{"GET", "/v1/subnets/{netuid}/hyperparameters", s.handleHyperparameters},
		{"GET", "/v1/subnets/{netuid}/epoch-input", s.handleEpochInput},   // next epoch's input, as `gotensor yuma epoch` reads it
		{"GET", "/v1/subnets/{netuid}/weights/{hotkey}", s.handleWeights}, // rate limit, row, commits and reveal timing

		// Staking: pools, stakes and delegates.
		{"GET", "/v1/accounts/{address}/stakes", s.handleStakes}, // every stake of a coldkey, with values
		{"GET", "/v1/pools/{netuid}/quote", s.handleQuote},       // ?side=buy|sell&amount=RAO: a simulated swap
		{"GET", "/v1/delegates/{address}", s.handleDelegate},     // a hotkey's owner, take and stake pools
	}
}

// mount registers rs on mux so that a known path with another method gets
// a JSON 405 and an unknown path a JSON 404, like every other error.
func mount(mux *http.ServeMux, rs []route) {
	allowed := map[string]string{}
	for _, r := range rs {
		mux.HandleFunc(r.method+" "+r.path, r.handler)
		if allowed[r.path] != "" {
			allowed[r.path] += ", "
		}
		allowed[r.path] += r.method
	}
	for path, methods := range allowed {
		mux.HandleFunc(path, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Allow", methods)
			writeError(w, http.StatusMethodNotAllowed, errBadMethod)
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, errNoRoute)
	})
}

// canonicalPaths answers a request whose path is not in canonical form
// ("//v1/status", "/v1/./status") with a JSON 404 naming the canonical
// path. net/http's ServeMux would redirect it with an HTML body, and every
// answer of the API is JSON.
func canonicalPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := cleanPath(r.URL.Path); p != r.URL.Path {
			writeError(w, http.StatusNotFound, errorf(apitypes.CodeNotFound,
				"no such endpoint %q: did you mean %q? (see docs/api.md)", r.URL.Path, p))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// cleanPath is the path ServeMux would redirect p to: rooted, without
// empty, "." or ".." elements, keeping a trailing slash.
func cleanPath(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	np := path.Clean(p)
	if strings.HasSuffix(p, "/") && np != "/" {
		np += "/"
	}
	return np
}
