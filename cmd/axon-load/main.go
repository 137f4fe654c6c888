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
//	go run ./cmd/axon-load -duration 10s -conns 16
//
// Requests are signed as a Python or Go dendrite signs them, one dendrite
// instance (hotkey and uuid) per connection so that nonces arrive in order.
// With -client raw (the default) the signatures are made before the
// measurement and each request is the bytes a dendrite sends, written from
// a template on a kept-alive connection, so that the generator takes little
// of the CPU it shares with the axon and the figures are the axon's. With
// -client dendrite each request goes through package dendrite, signed on
// the fly: the figures are then those of a Go validator and miner sharing
// the machine.
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
	"runtime/pprof"
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
	client     string
	expect     int
	workers    int
	rate       float64
	jsonOut    bool
	maxPresign int
	cpuProfile string
}

func main() {
	var o options
	flag.BoolVar(&o.serve, "serve", false, "run only the axon (used for the child process); prints its address")
	flag.BoolVar(&o.inProcess, "inprocess", false, "run the axon in this process instead of a child")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measurement time")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "load before the measurement starts")
	flag.IntVar(&o.conns, "conns", 16, "concurrent connections (each a dendrite instance)")
	flag.IntVar(&o.hotkeys, "hotkeys", 8, "distinct dendrite hotkeys, all registered with the axon")
	flag.StringVar(&o.client, "client", "raw", "raw: presigned requests on kept-alive connections; dendrite: package dendrite, signing each request")
	flag.IntVar(&o.expect, "expect", 20_000, "requests per second to presign for (raw client)")
	flag.IntVar(&o.workers, "workers", 0, "axon handler workers (0: the axon's default)")
	flag.Float64Var(&o.rate, "rate", -1, "axon per-hotkey rate limit per second (negative: off)")
	flag.BoolVar(&o.jsonOut, "json", false, "print the report as JSON")
	flag.IntVar(&o.maxPresign, "max-presign", 1_000_000, "requests to presign at most (memory bound)")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write the axon's CPU profile to this file")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "axon-load:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	if o.conns < 1 || o.hotkeys < 1 || o.duration <= 0 || o.expect < 1 {
		return errors.New("-conns, -hotkeys, -duration and -expect must be positive")
	}
	if o.client != "raw" && o.client != "dendrite" {
		return fmt.Errorf("-client %q: want raw or dendrite", o.client)
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
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
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
	cmd := exec.Command(self, "-serve", "-hotkeys", strconv.Itoa(o.hotkeys), "-cpuprofile", o.cpuProfile,
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
	lat   []time.Duration
	codes map[int]int

	// Raw client: presigned (nonce, signature) pairs and the request
	// template they are written into.
	sigs     []presigned
	next     int
	template []byte
	nonceAt  []int // offsets of the 19-digit nonce in template
	sigAt    []int // offsets of the 130-character signature in template
	buf      []byte
	conn     net.Conn
	br       *bufio.Reader
}

type presigned struct {
	nonce int64
	sig   string
}

// The template's placeholders: every nonce of this era has 19 digits and
// every signature header value 130 characters, so real values overwrite
// them in place.
const (
	nonceHolder = "1234567890123456789"
	nonceDigits = len(nonceHolder)
)

var sigHolder = "0x" + strings.Repeat("ab", 64)

// dummy returns the worker's request synapse. All of a worker's requests
// carry the same input, so only the nonce and signature differ.
func (w *worker) dummy(axonHotkey string, nonce int64) *Dummy {
	d := &Dummy{DummyInput: 7}
	d.Name, d.Timeout = "Dummy", 12
	d.Dendrite = synapse.TerminalInfo{IP: "127.0.0.1", Version: synapse.VersionInt, Nonce: nonce, UUID: w.uuid, Hotkey: w.pair.SS58()}
	d.Axon = synapse.TerminalInfo{IP: "127.0.0.1", Port: 8091, Hotkey: axonHotkey}
	d.ComputedBodyHash = synapse.BodyHash(d)
	return d
}

// signMore appends up to n presigned requests to w's, in nonce order.
func (w *worker) signMore(n int, axonHotkey string, base int64) error {
	for range n {
		d := w.dummy(axonHotkey, base+int64(len(w.sigs)))
		synapse.SignRequest(w.pair, &d.Base)
		if len(strconv.FormatInt(d.Dendrite.Nonce, 10)) != nonceDigits || len(d.Dendrite.Signature) != len(sigHolder) {
			return errors.New("nonce or signature of unexpected width")
		}
		w.sigs = append(w.sigs, presigned{nonce: d.Dendrite.Nonce, sig: d.Dendrite.Signature})
	}
	return nil
}

// buildTemplate builds w's raw request: exactly the bytes a dendrite
// sends, with placeholders for the nonce and the signature.
func (w *worker) buildTemplate(addr, axonHotkey string) error {
	d := w.dummy(axonHotkey, 0)
	d.Dendrite.Nonce, _ = strconv.ParseInt(nonceHolder, 10, 64)
	d.Dendrite.Signature = sigHolder
	body, err := json.Marshal(d)
	if err != nil {
		return err
	}
	h := http.Header{}
	synapse.WriteHeaders(h, d)
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST /Dummy HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", addr, len(body))
	for k, vs := range h {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("\r\n")
	b.Write(body)
	w.template = b.Bytes()
	w.nonceAt, w.sigAt = offsets(w.template, nonceHolder), offsets(w.template, sigHolder)
	if len(w.nonceAt) != 2 || len(w.sigAt) != 2 {
		return fmt.Errorf("template has %d nonces and %d signatures, want 2 of each", len(w.nonceAt), len(w.sigAt))
	}
	w.buf = make([]byte, len(w.template))
	return nil
}

// presignTime bounds presigning. Nonces start at presigning's start plus
// nonceLead, so that each dendrite instance's first request is neither
// older than the axon's window (4 s + 12 s) nor more than its clock skew
// (10 s) ahead whenever presigning ends.
const (
	presignTime = 20 * time.Second
	nonceLead   = 9 * time.Second
)

// presign gives every worker up to n presigned requests, in rounds so that
// all have about as many if presignTime runs out first.
func presign(workers []*worker, n int, addr, axonHotkey string) error {
	start := time.Now()
	base := start.Add(nonceLead).UnixNano()
	for _, w := range workers {
		if err := w.buildTemplate(addr, axonHotkey); err != nil {
			return err
		}
		w.sigs = make([]presigned, 0, n)
	}
	for len(workers[len(workers)-1].sigs) < n && time.Since(start) < presignTime {
		jobs := make(chan *worker)
		errs := make(chan error, len(workers))
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for w := range jobs {
					errs <- w.signMore(min(500, n-len(w.sigs)), axonHotkey, base)
				}
			}()
		}
		for _, w := range workers {
			jobs <- w
		}
		close(jobs)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func offsets(b []byte, s string) []int {
	var at []int
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(s))
		if j < 0 {
			return at
		}
		at = append(at, i+j)
		i += j + len(s)
	}
}

// sendRaw sends the worker's next presigned request on its kept-alive
// connection and reads the answer; it returns the status (0 on error).
func (w *worker) sendRaw(addr string) int {
	if w.conn == nil {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return 0
		}
		w.conn, w.br = c, bufio.NewReaderSize(c, 16<<10)
	}
	ps := w.sigs[w.next]
	w.next++
	copy(w.buf, w.template)
	var digits [nonceDigits]byte
	strconv.AppendInt(digits[:0], ps.nonce, 10)
	for _, at := range w.nonceAt {
		copy(w.buf[at:], digits[:])
	}
	for _, at := range w.sigAt {
		copy(w.buf[at:], ps.sig)
	}
	code, err := w.roundTrip()
	if err != nil {
		w.conn.Close()
		w.conn = nil
		return 0
	}
	return code
}

// roundTrip writes buf and reads one HTTP/1.1 answer, discarding its body.
func (w *worker) roundTrip() (int, error) {
	if _, err := w.conn.Write(w.buf); err != nil {
		return 0, err
	}
	line, err := w.br.ReadSlice('\n')
	if err != nil || len(line) < 12 {
		return 0, fmt.Errorf("bad status line %q: %v", line, err)
	}
	code, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, err
	}
	length := -1
	for {
		line, err = w.br.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		if len(line) <= 2 {
			break
		}
		if k, v, ok := bytes.Cut(line, []byte(":")); ok && bytes.EqualFold(k, []byte("Content-Length")) {
			length, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
		}
	}
	if length < 0 {
		return 0, errors.New("answer without Content-Length")
	}
	_, err = w.br.Discard(length)
	return code, err
}

type report struct {
	Mode       string             `json:"mode"`
	Client     string             `json:"client"`
	GOMAXPROCS int                `json:"gomaxprocs"`
	Conns      int                `json:"conns"`
	Duration   float64            `json:"duration_s"`
	Requests   int                `json:"requests"`
	Codes      map[string]int     `json:"codes"`
	PerSecond  float64            `json:"requests_per_s"`
	LatencyMS  map[string]float64 `json:"latency_ms"`
	ServerCPU  float64            `json:"server_cpu_s"`
	LoadCPU    float64            `json:"loadgen_cpu_s"`
	Exhausted  bool               `json:"presigned_pool_exhausted"`
}

func load(o options, addr string, axonKey tao.AccountID, hotkeys []*keys.Pair, serverCPU func() time.Duration) (*report, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil, err
	}
	axonHotkey := axonKey.String()
	workers := make([]*worker, o.conns)
	for i := range workers {
		workers[i] = &worker{pair: hotkeys[i%len(hotkeys)], uuid: synapse.NewUUID(), codes: map[int]int{}}
	}
	raw := o.client == "raw"
	var wg sync.WaitGroup
	if raw {
		total := o.warmup + o.duration
		perWorker := min(o.maxPresign, int(float64(o.expect)*total.Seconds()*1.2)+1000) / o.conns
		fmt.Fprintf(os.Stderr, "presigning up to %d requests...\n", perWorker*o.conns)
		if err := presign(workers, perWorker, addr, axonHotkey); err != nil {
			return nil, err
		}
	}

	transport := &http.Transport{MaxConnsPerHost: o.conns, MaxIdleConnsPerHost: o.conns, MaxIdleConns: o.conns}
	defer transport.CloseIdleConnections()
	target := synapse.AxonInfo{IP: ap.Addr(), Port: ap.Port(), Hotkey: axonKey}

	var measuring, exhausted atomic.Bool
	stop := make(chan struct{})
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var d *dendrite.Dendrite
			if !raw {
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
				if raw {
					if w.next >= len(w.sigs) {
						exhausted.Store(true)
						return
					}
					code = w.sendRaw(addr)
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
	for _, w := range workers {
		if w.conn != nil {
			w.conn.Close()
		}
	}

	rep := &report{Mode: "axon in a child process", Client: o.client, GOMAXPROCS: runtime.GOMAXPROCS(0), Conns: o.conns,
		Duration: elapsed.Seconds(), Codes: map[string]int{}, ServerCPU: (srv1 - srv0).Seconds(),
		LoadCPU: (cpu1 - cpu0).Seconds(), Exhausted: exhausted.Load()}
	if o.inProcess {
		rep.Mode = "axon in this process (generator cpu includes it)"
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
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	rep.LatencyMS = map[string]float64{}
	if len(lat) > 0 {
		for name, p := range map[string]float64{"p50": .50, "p90": .90, "p99": .99, "p999": .999} {
			rep.LatencyMS[name] = ms(lat[min(len(lat)-1, int(p*float64(len(lat))))])
		}
		rep.LatencyMS["max"] = ms(lat[len(lat)-1])
	}
	return rep, nil
}

func (r *report) print(asJSON bool) {
	if asJSON {
		out, _ := json.MarshalIndent(r, "", "  ")
		fmt.Println(string(out))
		return
	}
	l := r.LatencyMS
	fmt.Printf("axon-load: %s, %s client, GOMAXPROCS=%d, %d connections, %.1fs measured\n", r.Mode, r.Client, r.GOMAXPROCS, r.Conns, r.Duration)
	fmt.Printf("  requests:   %d  %v\n", r.Requests, r.Codes)
	fmt.Printf("  throughput: %.0f signed requests/s answered 200\n", r.PerSecond)
	fmt.Printf("  latency:    p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms\n", l["p50"], l["p90"], l["p99"], l["p999"], l["max"])
	fmt.Printf("  cpu:        axon %.2fs  load generator %.2fs  (per request: axon %.0f µs, generator %.0f µs)\n",
		r.ServerCPU, r.LoadCPU, perReq(r.ServerCPU, r.Requests), perReq(r.LoadCPU, r.Requests))
	if r.Exhausted {
		fmt.Println("  note: the presigned requests ran out before the end; raise -expect")
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
