package axon

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// unknownRoute labels requests for routes the axon does not serve, so that
// callers cannot grow the label set.
const unknownRoute = "unknown"

// metrics are the axon's Prometheus collectors:
//
//	gotensor_axon_requests_total{synapse,code}         requests answered, by status
//	gotensor_axon_request_duration_seconds{synapse}    time from arrival to response
//	gotensor_axon_queue_depth                          requests waiting for a worker
//	gotensor_axon_inflight                             handlers running
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	queue    prometheus.Gauge
	inflight prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "gotensor", Subsystem: "axon", Name: "requests_total",
			Help: "Requests answered by the axon, by synapse and HTTP status.",
		}, []string{"synapse", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "gotensor", Subsystem: "axon", Name: "request_duration_seconds",
			Help:    "Time from a request's arrival to its response, by synapse.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"synapse"}),
		queue: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "gotensor", Subsystem: "axon", Name: "queue_depth",
			Help: "Requests waiting for a worker.",
		}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "gotensor", Subsystem: "axon", Name: "inflight",
			Help: "Handlers running.",
		}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.queue, m.inflight} {
		if err := reg.Register(c); err != nil {
			if are := (prometheus.AlreadyRegisteredError{}); errors.As(err, &are) {
				return nil, fmt.Errorf("axon: metrics already registered (one axon per registry): %w", err)
			}
			return nil, fmt.Errorf("axon: registering metrics: %w", err)
		}
	}
	return m, nil
}

// observe records one answered request.
func (m *metrics) observe(route string, code int, elapsed time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
	m.duration.WithLabelValues(route).Observe(elapsed.Seconds())
}
