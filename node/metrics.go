package node

import (
	"sync"

	"github.com/cometbft/cometbft/blocksync"
	cs "github.com/cometbft/cometbft/consensus"
	mempl "github.com/cometbft/cometbft/mempool"
	cmtnode "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/proxy"
	sm "github.com/cometbft/cometbft/state"
	"github.com/cometbft/cometbft/statesync"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gotensor/gotensor/api"
)

// Prometheus collectors are process-wide: CometBFT registers its own with
// the default registry, which refuses a second registration. So they are
// created once per process, and a second node started in the same process
// (tests only) shares them.
var (
	metricsOnce sync.Once
	cometM      struct {
		cs *cs.Metrics
		p  *p2p.Metrics
		mp *mempl.Metrics
		sm *sm.Metrics
		px *proxy.Metrics
		bs *blocksync.Metrics
		ss *statesync.Metrics
	}
	apiMetrics *api.Metrics
)

// processMetrics returns CometBFT's metrics provider and the API's
// collectors, registered with the default registry on first use.
func processMetrics() (cmtnode.MetricsProvider, *api.Metrics) {
	metricsOnce.Do(func() {
		const ns = "cometbft"
		cometM.cs = cs.PrometheusMetrics(ns)
		cometM.p = p2p.PrometheusMetrics(ns)
		cometM.mp = mempl.PrometheusMetrics(ns)
		cometM.sm = sm.PrometheusMetrics(ns)
		cometM.px = proxy.PrometheusMetrics(ns)
		cometM.bs = blocksync.PrometheusMetrics(ns)
		cometM.ss = statesync.PrometheusMetrics(ns)
		m, err := api.NewMetrics(prometheus.DefaultRegisterer)
		if err == nil {
			apiMetrics = m
		}
	})
	provider := func(string) (*cs.Metrics, *p2p.Metrics, *mempl.Metrics, *sm.Metrics, *proxy.Metrics, *blocksync.Metrics, *statesync.Metrics) {
		return cometM.cs, cometM.p, cometM.mp, cometM.sm, cometM.px, cometM.bs, cometM.ss
	}
	return provider, apiMetrics
}
