package api

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the API's Prometheus collectors. Create them once per
// registry with NewMetrics and share them between servers.
type Metrics struct {
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	submitted *prometheus.CounterVec
}

// NewMetrics creates the API's collectors and registers them with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "gotensor", Subsystem: "api", Name: "requests_total",
			Help: "API requests by route and HTTP status.",
		}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "gotensor", Subsystem: "api", Name: "request_duration_seconds",
			Help:    "API request latency by route (?wait=commit includes the wait for the block).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 4, 9),
		}, []string{"route"}),
		submitted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "gotensor", Subsystem: "api", Name: "txs_submitted_total",
			Help: "Transactions submitted through the API, by outcome (accepted, rejected, error).",
		}, []string{"outcome"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.submitted} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// countSubmit counts one submission outcome; m may be nil.
func (m *Metrics) countSubmit(outcome string) {
	if m != nil {
		m.submitted.WithLabelValues(outcome).Inc()
	}
}
