package neuron

import "github.com/prometheus/client_golang/prometheus"

// metrics are a neuron's Prometheus metrics. Each neuron has a registry of
// its own, so several can run in one process.
type metrics struct {
	block prometheus.Gauge
	syncs *prometheus.CounterVec

	// Miner.
	serves *prometheus.CounterVec

	// Validator.
	steps   prometheus.Counter
	forward prometheus.Histogram
	weights *prometheus.CounterVec
	scores  *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer, role Role) (*metrics, error) {
	m := &metrics{
		block: prometheus.NewGauge(prometheus.GaugeOpts{Name: "gotensor_neuron_block", Help: "Last block the neuron saw."}),
		syncs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gotensor_neuron_metagraph_syncs_total",
			Help: "Metagraph syncs by result: ok (new block), not_modified, error."}, []string{"result"}),
	}
	cs := []prometheus.Collector{m.block, m.syncs}
	switch role {
	case RoleMiner:
		m.serves = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gotensor_miner_serve_axon_total",
			Help: "serve_axon transactions by result: ok, failed."}, []string{"result"})
		cs = append(cs, m.serves)
	case RoleValidator:
		m.steps = prometheus.NewCounter(prometheus.CounterOpts{Name: "gotensor_validator_steps_total", Help: "Validator steps run."})
		m.forward = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "gotensor_validator_forward_seconds",
			Help: "Duration of one forward (query and reward).", Buckets: prometheus.ExponentialBuckets(0.01, 2, 12)})
		m.weights = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gotensor_validator_weights_total",
			Help: "Weight-setting outcomes: set, committed, revealed, rate_limited, no_permit, failed."}, []string{"result"})
		m.scores = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "gotensor_validator_score", Help: "Moving-average score by uid."}, []string{"uid"})
		cs = append(cs, m.steps, m.forward, m.weights, m.scores)
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
