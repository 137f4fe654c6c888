package axon_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/sdk/axon"
	"github.com/gotensor/gotensor/sdk/synapse"
)

func TestAxon_StartAnnounceStop(t *testing.T) {
	bob := pair(t, "//Bob")
	var announced synapse.AxonInfo
	ax, err := axon.New(bob, axon.Config{
		AllowUnregistered: true,
		ExternalIP:        "203.0.113.7",
		Announce: func(_ context.Context, info synapse.AxonInfo) error {
			announced = info
			return nil
		},
	})
	require.NoError(t, err)
	entered, release := make(chan struct{}), make(chan struct{})
	require.NoError(t, axon.Attach(ax, func(ctx context.Context, d *Dummy) error {
		close(entered)
		<-release
		out := 1
		d.DummyOutput = &out
		return nil
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	require.NoError(t, ax.StartListener(context.Background(), ln))
	port := ln.Addr().(*net.TCPAddr).Port

	require.Equal(t, "203.0.113.7", announced.IP.String())
	require.Equal(t, uint16(port), announced.Port)
	require.Equal(t, bob.Public(), announced.Hotkey)
	require.Equal(t, synapse.VersionInt, announced.Version)
	require.Equal(t, 4, announced.IPType)
	require.Equal(t, announced, ax.Info())
	require.ErrorIs(t, axon.Attach(ax, func(context.Context, *Prompt) error { return nil }), axon.ErrStarted)

	// A request in flight when Stop is called is still answered.
	c := newCaller(t, "//Alice")
	d := &Dummy{}
	c.prepare(d, bob.SS58(), 12)
	req := requestTo(t, "http://"+ln.Addr().String(), d)
	result := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			result <- -1
			return
		}
		resp.Body.Close()
		result <- resp.StatusCode
	}()
	<-entered
	stopped := make(chan error, 1)
	go func() { stopped <- ax.Stop(context.Background()) }()
	select {
	case <-stopped:
		t.Fatal("Stop returned while a request was in flight")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	require.Equal(t, http.StatusOK, <-result)
	require.NoError(t, <-stopped)
	_, err = net.Dial("tcp", ln.Addr().String())
	require.Error(t, err, "the listener is closed")
}

func TestAxon_StartErrors(t *testing.T) {
	bob := pair(t, "//Bob")
	announce := func(context.Context, synapse.AxonInfo) error { return nil }

	ax, err := axon.New(bob, axon.Config{AllowUnregistered: true, Announce: announce})
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	require.ErrorIs(t, ax.StartListener(context.Background(), ln), axon.ErrConfig, "no external ip to announce")

	failing := errors.New("chain unreachable")
	ax, err = axon.New(bob, axon.Config{AllowUnregistered: true, IP: "127.0.0.1", Port: 0,
		Announce: func(context.Context, synapse.AxonInfo) error { return failing }})
	require.NoError(t, err)
	ln2, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln2.Close()
	require.ErrorIs(t, ax.StartListener(context.Background(), ln2), failing)
	_, err = ln2.Accept()
	require.ErrorIs(t, err, net.ErrClosed, "a failed start closes the listener")
	ln3, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	require.ErrorIs(t, ax.StartListener(context.Background(), ln3), failing, "and can be retried")
}

func TestAxon_Metrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	e := newEnv(t, nil, func(c *axon.Config) { c.Registerer = reg })
	alice := newCaller(t, "//Alice")
	require.Equal(t, 200, do(t, e.request(t, alice, &Dummy{})).code)
	require.Equal(t, 200, do(t, e.request(t, alice, &Dummy{})).code)
	require.Equal(t, 403, do(t, e.request(t, newCaller(t, "//Dave"), &Dummy{})).code)
	bad := e.request(t, alice, &Dummy{})
	bad.URL.Path = "/Whatever"
	require.Equal(t, 404, do(t, bad).code)

	counts := map[[2]string]float64{}
	families, err := reg.Gather()
	require.NoError(t, err)
	names := map[string]bool{}
	for _, f := range families {
		names[f.GetName()] = true
		if f.GetName() != "gotensor_axon_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			var key [2]string
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "synapse":
					key[0] = l.GetValue()
				case "code":
					key[1] = l.GetValue()
				}
			}
			counts[key] = m.GetCounter().GetValue()
		}
	}
	require.Equal(t, map[[2]string]float64{{"Dummy", "200"}: 2, {"Dummy", "403"}: 1, {"unknown", "404"}: 1}, counts)
	for _, n := range []string{"gotensor_axon_request_duration_seconds", "gotensor_axon_queue_depth", "gotensor_axon_inflight"} {
		require.True(t, names[n], n)
	}
	_, err = axon.New(e.bob, axon.Config{AllowUnregistered: true, Registerer: reg})
	require.ErrorContains(t, err, "already registered")
}
