// Command axon-load measures how many signed requests per second an axon
// answers, and with what latency, with signature verification on and the
// load generator on the same machine.
//
// By default it starts the axon as a child process (itself, with -serve) so
// that the two compete for the CPU as a miner and a local client would,
// then sends a Dummy synapse from -conns concurrent connections for
// -duration after a -warmup, and prints the throughput, latency percentiles
// and the CPU each side used.
//
//	go run ./cmd/axon-load -duration 10s -conns 32
//
// Requests are signed as a Python or Go dendrite signs them, one dendrite
// instance (hotkey and uuid) per connection so that nonces arrive in order.
// With -presign (the default) the signatures are made before the
// measurement, as a load generator prepares its requests, so the figures
// are the axon's; -presign=false signs each request on the fly through
// package dendrite instead.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gotensor/gotensor/keys"
	"github.com/gotensor/gotensor/sdk/axon"
	"github.com/gotensor/gotensor/sdk/dendrite"
	"github.com/gotensor/gotensor/sdk/synapse"
	"github.com/gotensor/gotensor/tao"
)

// Dummy is the subnet template's synapse.
type Dummy struct {
	synapse.Base
	DummyInput  int  `json:"dummy_input"`
	DummyOutput *int `json:"dummy_output"`
}

// HashFields covers the input, as the template's required_hash_fields.
func (d *Dummy) HashFields() []any { return []any{d.DummyInput} }

type options struct {
	serve      bool
	inProcess  bool
	duration   time.Duration
	warmup     time.Duration
	conns      int
	hotkeys    int
	presign    bool
	workers    int
	rate       float64
	jsonOut    bool
	maxPresign int
}

func main() {
	var o options
	flag.BoolVar(&o.serve, "serve", false, "run only the axon (used for the child process); prints its address")
	flag.BoolVar(&o.inProcess, "inprocess", false, "run the axon in this process instead of a child")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measurement time")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "load before the measurement starts")
	flag.IntVar(&o.conns, "conns", 32, "concurrent connections (each a dendrite instance)")
	flag.IntVar(&o.hotkeys, "hotkeys", 8, "distinct dendrite hotkeys, all registered with the axon")
	flag.BoolVar(&o.presign, "presign", true, "sign requests before the measurement (else on the fly through package dendrite)")
	flag.IntVar(&o.workers, "workers", 0, "axon handler workers (0: the axon's default)")
	flag.Float64Var(&o.rate, "rate", -1, "axon per-hotkey rate limit per second (negative: off)")
	flag.BoolVar(&o.jsonOut, "json", false, "print the report as JSON")
	flag.IntVar(&o.maxPresign, "max-presign", 400_000, "requests to presign at most (memory bound)")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "axon-load:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	if o.conns < 1 || o.hotkeys < 1 || o.duration <= 0 {
		return errors.New("-conns, -hotkeys and -duration must be positive")
	}
	hotkeys, err := loadHotkeys(o.hotkeys)
	if err != nil {
		return err
	}
	server, err := keys.FromURI("//Bob")
	if err != nil {
		return err
	}
	if o.serve {
		return serve(o, server, hotkeys)
	}
	var (
		addr      string
		serverCPU func() time.Duration
	)
	if o.inProcess {
		ax, ln, err := startAxon(o, server, hotkeys)
		if err != nil {
			return err
		}
		defer ax.Stop(context.Background())
		addr, serverCPU = ln.Addr().String(), func() time.Duration { return 0 }
	} else {
		child, a, err := startChild(o)
		if err != nil {
			return err
		}
		defer func() {
			child.Process.Signal(syscall.SIGTERM)
			child.Wait()
		}()
		addr, serverCPU = a, func() time.Duration { return processCPU(child.Process.Pid) }
	}
	rep, err := load(o, addr, server.Public(), hotkeys, serverCPU)
	if err != nil {
		return err
	}
	rep.print(o.jsonOut)
	return nil
}

// loadHotkeys derives the dendrite hotkeys //load/0, //load/1, ...
func loadHotkeys(n int) ([]*keys.Pair, error) {
	out := make([]*keys.Pair, n)
	for i := range out {
		p, err := keys.FromURI("//load//" + strconv.Itoa(i))
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

func startAxon(o options, server *keys.Pair, hotkeys []*keys.Pair) (*axon.Axon, net.Listener, error) {
	peers := axon.StaticPeers{}
	for i, h := range hotkeys {
		peers[h.Public()] = axon.Peer{UID: tao.UID(i), Stake: tao.RaoPerTAO, ValidatorPermit: true}
	}
	ax, err := axon.New(server, axon.Config{Peers: peers, Rate: o.rate, Workers: o.workers, QueueSize: 4096})
	if err != nil {
		return nil, nil, err
	}
	if err := axon.Attach(ax, func(_ context.Context, d *Dummy) error {
		out := d.DummyInput * 2
		d.DummyOutput = &out
		return nil
	}); err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	if err := ax.StartListener(context.Background(), ln); err != nil {
		return nil, nil, err
	}
	return ax, ln, nil
}

// serve runs the axon until SIGTERM or SIGINT, after printing its address.
func serve(o options, server *keys.Pair, hotkeys []*keys.Pair) error {
	ax, ln, err := startAxon(o, server, hotkeys)
	if err != nil {
		return err
	}
	fmt.Println("listening", ln.Addr())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return ax.Stop(ctx)
}

// startChild runs this program with -serve and returns the axon's address.
func startChild(o options) (*exec.Cmd, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command(self, "-serve", "-hotkeys", strconv.Itoa(o.hotkeys),
		"-workers", strconv.Itoa(o.workers), "-rate", strconv.FormatFloat(o.rate, 'g', -1, 64))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !ok {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, "", fmt.Errorf("axon child did not start: %q %v", line, err)
	}
	go io.Copy(io.Discard, out)
	return cmd, addr, nil
}

// worker is one connection's dendrite instance.
type worker struct {
	pair  *keys.Pair
	uuid  string
	sigs  []presigned
	next  int
	lat   []time.Duration
	codes map[int]int
}

type presigned struct {
	nonce int64
	sig   string
}

// presign signs n requests for w in nonce order.
func (w *worker) presign(n int, axonHotkey string, base int64) {
	w.sigs = make([]presigned, n)
	for i := range w.sigs {
		d := w.dummy(i, axonHotkey, base+int64(i))
		synapse.SignRequest(w.pair, &d.Base)
		w.sigs[i] = presigned{nonce: d.Dendrite.Nonce, sig: d.Dendrite.Signature}
	}
}

func (w *worker) dummy(i int, axonHotkey string, nonce int64) *Dummy {
	d := &Dummy{DummyInput: i}
	d.Name, d.Timeout = "Dummy", 12
	d.Dendrite = synapse.TerminalInfo{IP: "127.0.0.1", Version: synapse.VersionInt, Nonce: nonce, UUID: w.uuid, Hotkey: w.pair.SS58()}
	d.Axon = synapse.TerminalInfo{IP: "127.0.0.1", Port: 8091, Hotkey: axonHotkey}
	d.ComputedBodyHash = synapse.BodyHash(d)
	return d
}

type report struct {
	Mode          string         `json:"mode"`
	GOMAXPROCS    int            `json:"gomaxprocs"`
	Conns         int            `json:"conns"`
	Duration      float64        `json:"duration_s"`
	Requests      int            `json:"requests"`
	Codes         map[string]int `json:"codes"`
	PerSecond     float64        `json:"requests_per_s"`
	P50, P90, P99 float64        `json:"-"`
	Max           float64        `json:"-"`
	Latency       map[string]any `json:"latency_ms"`
	ServerCPU     float64        `json:"server_cpu_s"`
	LoadCPU       float64        `json:"loadgen_cpu_s"`
	Exhausted     bool           `json:"presigned_pool_exhausted"`
}

func load(o options, addr string, axonKey tao.AccountID, hotkeys []*keys.Pair, serverCPU func() time.Duration) (*report, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil, err
	}
	axonHotkey := axonKey.String()
	total := o.warmup + o.duration
	workers := make([]*worker, o.conns)
	perWorker := min(o.maxPresign/o.conns, int(25_000*total.Seconds())/o.conns+1000)
	base := time.Now().UnixNano()
	var wg sync.WaitGroup
	for i := range workers {
		workers[i] = &worker{pair: hotkeys[i%len(hotkeys)], uuid: synapse.NewUUID(), codes: map[int]int{}}
	}
	if o.presign {
		fmt.Fprintf(os.Stderr, "presigning %d requests...\n", perWorker*o.conns)
		jobs := make(chan *worker)
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for w := range jobs {
					w.presign(perWorker, axonHotkey, base)
				}
			}()
		}
		for _, w := range workers {
			jobs <- w
		}
		close(jobs)
		wg.Wait()
	}

	transport := &http.Transport{MaxConnsPerHost: o.conns, MaxIdleConnsPerHost: o.conns, MaxIdleConns: o.conns}
	client := &http.Client{Transport: transport}
	defer transport.CloseIdleConnections()
	target := synapse.AxonInfo{IP: ap.Addr(), Port: ap.Port(), Hotkey: axonKey}
	url := "http://" + addr + "/Dummy"

	var measuring atomic.Bool
	var exhausted atomic.Bool
	stop := make(chan struct{})
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var d *dendrite.Dendrite
			if !o.presign {
				d, _ = dendrite.New(w.pair, dendrite.Options{Transport: transport})
			}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				var code int
				if o.presign {
					if w.next >= len(w.sigs) {
						exhausted.Store(true)
						return
					}
					code = w.send(client, url, axonHotkey)
				} else {
					code = dendrite.Call(context.Background(), d, target, &Dummy{DummyInput: i}, 12*time.Second).StatusCode
				}
				if measuring.Load() {
					w.lat = append(w.lat, time.Since(start))
					w.codes[code]++
				}
			}
		}()
	}
	time.Sleep(o.warmup)
	measuring.Store(true)
	t0 := time.Now()
	cpu0, srv0 := cpuSelf(), serverCPU()
	time.Sleep(o.duration)
	measuring.Store(false)
	elapsed := time.Since(t0)
	cpu1, srv1 := cpuSelf(), serverCPU()
	close(stop)
	wg.Wait()

	rep := &report{Mode: "child process", GOMAXPROCS: runtime.GOMAXPROCS(0), Conns: o.conns, Duration: elapsed.Seconds(),
		Codes: map[string]int{}, ServerCPU: (srv1 - srv0).Seconds(), LoadCPU: (cpu1 - cpu0).Seconds(), Exhausted: exhausted.Load()}
	if o.inProcess {
		rep.Mode, rep.ServerCPU = "in process (load cpu includes the axon)", 0
	}
	var lat []time.Duration
	for _, w := range workers {
		lat = append(lat, w.lat...)
		for c, n := range w.codes {
			rep.Codes[strconv.Itoa(c)] += n
		}
	}
	rep.Requests = len(lat)
	rep.PerSecond = float64(rep.Codes["200"]) / elapsed.Seconds()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	rep.P50, rep.P90, rep.P99 = pct(.50), pct(.90), pct(.99)
	if len(lat) > 0 {
		rep.Max = float64(lat[len(lat)-1].Microseconds()) / 1000
	}
	rep.Latency = map[string]any{"p50": rep.P50, "p90": rep.P90, "p99": rep.P99, "max": rep.Max}
	return rep, nil
}

// send posts the worker's next presigned request.
func (w *worker) send(client *http.Client, url, axonHotkey string) int {
	ps := w.sigs[w.next]
	d := w.dummy(w.next, axonHotkey, ps.nonce) // the input the signature covers
	d.Dendrite.Signature = ps.sig
	w.next++
	body, _ := json.Marshal(d)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	synapse.WriteHeaders(req.Header, d)
	req.Header["Content-Type"] = []string{"application/json"}
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func (r *report) print(asJSON bool) {
	if asJSON {
		out, _ := json.MarshalIndent(r, "", "  ")
		fmt.Println(string(out))
		return
	}
	fmt.Printf("axon-load: %s, GOMAXPROCS=%d, %d connections, %.1fs measured\n", r.Mode, r.GOMAXPROCS, r.Conns, r.Duration)
	fmt.Printf("  requests:   %d  %v\n", r.Requests, r.Codes)
	fmt.Printf("  throughput: %.0f signed requests/s answered 200\n", r.PerSecond)
	fmt.Printf("  latency:    p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n", r.P50, r.P90, r.P99, r.Max)
	fmt.Printf("  cpu:        axon %.2fs  load generator %.2fs  (per request: axon %.0f µs, generator %.0f µs)\n",
		r.ServerCPU, r.LoadCPU, perReq(r.ServerCPU, r.Requests), perReq(r.LoadCPU, r.Requests))
	if r.Exhausted {
		fmt.Println("  note: the presigned pool ran out before the end; raise -max-presign")
	}
}

func perReq(s float64, n int) float64 {
	if n == 0 {
		return 0
	}
	return s * 1e6 / float64(n)
}

// cpuSelf returns the CPU time this process has used.
func cpuSelf() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// processCPU returns the CPU time process pid has used (Linux /proc).
func processCPU(pid int) time.Duration {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// Fields after the command name (which may contain spaces): utime is
	// the 14th field overall, stime the 15th, in clock ticks (100 Hz).
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(fields[11], 10, 64)
	st, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}
