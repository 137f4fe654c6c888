package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gotensor/gotensor/chain/yuma"
	"github.com/gotensor/gotensor/fixed"
	"github.com/gotensor/gotensor/tao"
)

// newYumaCmd builds the `yuma` group: the chain's epoch, offline.
func newYumaCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "yuma", Short: "Run Yuma Consensus epochs offline (epoch, simulate)"}
	cmd.AddCommand(newYumaEpochCmd(a), newYumaSimulateCmd(a))
	return cmd
}

func newYumaEpochCmd(a *app) *cobra.Command {
	var input string
	cmd := &cobra.Command{
		Use:   "epoch --input FILE|-",
		Short: "Run one epoch exactly as the chain does: JSON in, JSON out (docs/yuma.md)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			data, err := a.readInput(input)
			if err != nil {
				return err
			}
			in, err := decodeEpochInput(data)
			if err != nil {
				return withHint(err, "the input format is in docs/yuma.md")
			}
			return writeEpochOutput(a.out, yuma.Run(in))
		},
	}
	cmd.Flags().StringVar(&input, "input", "", "epoch input JSON file, or - for stdin")
	_ = cmd.MarkFlagRequired("input")
	return cmd
}

// maxInput bounds what the yuma commands read (a full 4096-uid subnet with
// dense weights is about 100 MB of JSON).
const maxInput = 512 << 20

// readInput reads a file, or stdin for "-".
func (a *app) readInput(path string) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = a.in
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, withHint(err, "pass an existing file to --input, or - to read stdin")
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxInput {
		return nil, fmt.Errorf("%s: input larger than %d MiB", path, maxInput>>20)
	}
	return data, nil
}

// The epoch input as read: scalars stay raw so that validation can name
// the field and reject floats, negatives and out-of-range values.
type epochInputJSON struct {
	Block           json.RawMessage `json:"block"`
	LastTempo       json.RawMessage `json:"last_tempo"`
	Emission        json.RawMessage `json:"emission"`
	Hyperparameters *hyperJSON      `json:"hyperparameters"`
	OwnerUID        json.RawMessage `json:"owner_uid"`
	Neurons         []neuronJSON    `json:"neurons"`
}

type hyperJSON struct {
	Kappa                 json.RawMessage `json:"kappa"`
	BondsPenalty          json.RawMessage `json:"bonds_penalty"`
	BondsMovingAverage    json.RawMessage `json:"bonds_moving_average"`
	Yuma3                 *bool           `json:"yuma3"`
	LiquidAlpha           *bool           `json:"liquid_alpha"`
	AlphaLow              json.RawMessage `json:"alpha_low"`
	AlphaHigh             json.RawMessage `json:"alpha_high"`
	AlphaSigmoidSteepness json.RawMessage `json:"alpha_sigmoid_steepness"`
	MaxAllowedValidators  json.RawMessage `json:"max_allowed_validators"`
	ActivityCutoff        json.RawMessage `json:"activity_cutoff"`
	StakeThreshold        json.RawMessage `json:"stake_threshold"`
	CommitReveal          *bool           `json:"commit_reveal"`
}

type neuronJSON struct {
	UID             json.RawMessage   `json:"uid"`
	Stake           json.RawMessage   `json:"stake"`
	RegisteredAt    json.RawMessage   `json:"registered_at"`
	LastUpdate      json.RawMessage   `json:"last_update"`
	ValidatorPermit *bool             `json:"validator_permit"`
	Weights         []json.RawMessage `json:"weights"`
	Bonds           []json.RawMessage `json:"bonds"`
	CommitBlock     json.RawMessage   `json:"commit_block"`
}

// maxNeurons is the uid space: uids are u16.
const maxNeurons = 1 << 16

// decodeEpochInput parses and validates an epoch input (docs/yuma.md).
// Every error names the offending field.
func decodeEpochInput(data []byte) (yuma.Input, error) {
	var raw epochInputJSON
	if err := decodeStrict(data, &raw); err != nil {
		return yuma.Input{}, err
	}
	var in yuma.Input
	var err error
	if in.Block, err = uintField(raw.Block, "block", math.MaxUint64, nil); err != nil {
		return yuma.Input{}, err
	}
	if in.LastTempo, err = uintField(raw.LastTempo, "last_tempo", math.MaxUint64, nil); err != nil {
		return yuma.Input{}, err
	}
	emission, err := uintField(raw.Emission, "emission", math.MaxUint64, nil)
	if err != nil {
		return yuma.Input{}, err
	}
	in.Emission = tao.Rao(emission)
	if in.Params, err = decodeHyperparameters(raw.Hyperparameters); err != nil {
		return yuma.Input{}, err
	}
	if raw.Neurons == nil {
		return yuma.Input{}, errors.New("neurons: required (a list, one entry per uid)")
	}
	n := len(raw.Neurons)
	if n > maxNeurons {
		return yuma.Input{}, fmt.Errorf("neurons: %d neurons, at most %d (uids are u16)", n, maxNeurons)
	}
	if !isNull(raw.OwnerUID) {
		owner, err := uintField(raw.OwnerUID, "owner_uid", math.MaxUint16, nil)
		if err != nil {
			return yuma.Input{}, err
		}
		if owner >= uint64(n) {
			return yuma.Input{}, fmt.Errorf("owner_uid: uid %d out of range (n=%d)", owner, n)
		}
		in.HasOwner, in.OwnerUID = true, uint16(owner)
	}
	in.Neurons = make([]yuma.Neuron, n)
	for i, rn := range raw.Neurons {
		if in.Neurons[i], err = decodeNeuron(rn, i, n); err != nil {
			return yuma.Input{}, err
		}
	}
	return in, nil
}

func decodeHyperparameters(h *hyperJSON) (yuma.Hyperparameters, error) {
	p := yuma.DefaultHyperparameters()
	if h == nil {
		return p, nil
	}
	u16 := func(raw json.RawMessage, name string, dst *uint16) error {
		def := uint64(*dst)
		v, err := uintField(raw, "hyperparameters."+name, math.MaxUint16, &def)
		*dst = uint16(v)
		return err
	}
	u64 := func(raw json.RawMessage, name string, dst *uint64) error {
		v, err := uintField(raw, "hyperparameters."+name, math.MaxUint64, dst)
		*dst = v
		return err
	}
	steep := int64(p.AlphaSigmoidSteepness)
	for _, err := range []error{
		u16(h.Kappa, "kappa", &p.Kappa),
		u16(h.BondsPenalty, "bonds_penalty", &p.BondsPenalty),
		u64(h.BondsMovingAverage, "bonds_moving_average", &p.BondsMovingAverage),
		u16(h.AlphaLow, "alpha_low", &p.AlphaLow),
		u16(h.AlphaHigh, "alpha_high", &p.AlphaHigh),
		intField(h.AlphaSigmoidSteepness, "hyperparameters.alpha_sigmoid_steepness", math.MinInt16, math.MaxInt16, &steep),
		u16(h.MaxAllowedValidators, "max_allowed_validators", &p.MaxAllowedValidators),
		u64(h.ActivityCutoff, "activity_cutoff", &p.ActivityCutoff),
		u64(h.StakeThreshold, "stake_threshold", &p.StakeThreshold),
	} {
		if err != nil {
			return p, err
		}
	}
	p.AlphaSigmoidSteepness = int16(steep)
	for _, b := range []struct {
		src *bool
		dst *bool
	}{{h.Yuma3, &p.Yuma3}, {h.LiquidAlpha, &p.LiquidAlpha}, {h.CommitReveal, &p.CommitReveal}} {
		if b.src != nil {
			*b.dst = *b.src
		}
	}
	return p, nil
}

func decodeNeuron(rn neuronJSON, i, n int) (yuma.Neuron, error) {
	path := fmt.Sprintf("neurons[%d]", i)
	uid, err := uintField(rn.UID, path+".uid", math.MaxUint64, nil)
	if err != nil {
		return yuma.Neuron{}, err
	}
	if uid != uint64(i) {
		return yuma.Neuron{}, fmt.Errorf("%s.uid: got %d, want %d (neurons are listed by uid 0..n-1)", path, uid, i)
	}
	nr := yuma.Neuron{CommitBlock: yuma.NoCommit, ValidatorPermit: rn.ValidatorPermit != nil && *rn.ValidatorPermit}
	if nr.Stake, err = stakeField(rn.Stake, path+".stake"); err != nil {
		return yuma.Neuron{}, err
	}
	var zero uint64
	if nr.RegisteredAt, err = uintField(rn.RegisteredAt, path+".registered_at", math.MaxUint64, &zero); err != nil {
		return yuma.Neuron{}, err
	}
	if nr.LastUpdate, err = uintField(rn.LastUpdate, path+".last_update", math.MaxUint64, &zero); err != nil {
		return yuma.Neuron{}, err
	}
	noCommit := yuma.NoCommit
	if !isNull(rn.CommitBlock) {
		if nr.CommitBlock, err = uintField(rn.CommitBlock, path+".commit_block", math.MaxUint64, &noCommit); err != nil {
			return yuma.Neuron{}, err
		}
	}
	if nr.Weights, err = decodeRow(rn.Weights, path+".weights", n); err != nil {
		return yuma.Neuron{}, err
	}
	if nr.Bonds, err = decodeRow(rn.Bonds, path+".bonds", n); err != nil {
		return yuma.Neuron{}, err
	}
	return nr, nil
}

// stakeField reads a stake weight: an integer number of rao, or a decimal
// string holding the exact I64F64 the chain computed (alpha + root stake ×
// tao weight has a fractional part), e.g. "1234.5".
func stakeField(raw json.RawMessage, path string) (fixed.I64F64, error) {
	s := bytes.TrimSpace(raw)
	if len(s) == 0 || s[0] != '"' {
		v, err := uintField(raw, path, math.MaxUint64, nil)
		return yuma.StakeFromRao(tao.Rao(v)), err
	}
	var text string
	if err := json.Unmarshal(s, &text); err != nil {
		return fixed.I64F64{}, fmt.Errorf("%s: %v", path, err)
	}
	v, err := fixed.ParseI64F64(text)
	switch {
	case err != nil:
		return fixed.I64F64{}, fmt.Errorf("%s: %q is not a decimal stake", path, text)
	case v.IsNeg():
		return fixed.I64F64{}, fmt.Errorf("%s: %q is negative", path, text)
	}
	return v, nil
}

// decodeRow reads a sparse row of [uid, u16] pairs with distinct uids < n.
func decodeRow(raw []json.RawMessage, path string, n int) ([]yuma.Entry, error) {
	row := make([]yuma.Entry, len(raw))
	seen := make(map[uint64]bool, len(raw))
	for k, e := range raw {
		p := fmt.Sprintf("%s[%d]", path, k)
		var pair []json.RawMessage
		if err := json.Unmarshal(e, &pair); err != nil || len(pair) != 2 {
			return nil, fmt.Errorf("%s: want a pair [uid, value]", p)
		}
		uid, err := uintField(pair[0], p+" uid", math.MaxUint64, nil)
		if err != nil {
			return nil, err
		}
		if uid >= uint64(n) {
			return nil, fmt.Errorf("%s: uid %d out of range (n=%d)", p, uid, n)
		}
		if seen[uid] {
			return nil, fmt.Errorf("%s: duplicate uid %d", p, uid)
		}
		seen[uid] = true
		val, err := uintField(pair[1], p+" value", math.MaxUint16, nil)
		if err != nil {
			return nil, err
		}
		row[k] = yuma.Entry{UID: uint16(uid), Value: uint16(val)}
	}
	return row, nil
}

// decodeStrict decodes one JSON document, rejecting unknown fields and
// trailing data, with errors that name the field.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return fmt.Errorf("invalid JSON at byte %d: %v", syn.Offset, err)
		case errors.As(err, &typ):
			return fmt.Errorf("%s: expected %s, got a JSON %s", typ.Field, typ.Type, typ.Value)
		case errors.Is(err, io.EOF):
			return errors.New("empty input: expected a JSON object")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return errors.New("invalid JSON: unexpected end of input")
		}
		return fmt.Errorf("invalid input: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the JSON document")
	}
	return nil
}

func isNull(raw json.RawMessage) bool {
	s := bytes.TrimSpace(raw)
	return len(s) == 0 || string(s) == "null"
}

// uintField parses a JSON integer in [0, max]. An absent or null field
// takes *def, or is an error when def is nil (required).
func uintField(raw json.RawMessage, path string, max uint64, def *uint64) (uint64, error) {
	if isNull(raw) {
		if def == nil {
			return 0, fmt.Errorf("%s: required", path)
		}
		return *def, nil
	}
	s := string(bytes.TrimSpace(raw))
	switch {
	case s[0] == '"' || s[0] == '[' || s[0] == '{' || s == "true" || s == "false":
		return 0, fmt.Errorf("%s: expected an integer, got %s", path, s)
	case s[0] == '-':
		return 0, fmt.Errorf("%s: %s is negative", path, s)
	case strings.ContainsAny(s, ".eE"):
		return 0, fmt.Errorf("%s: %s is not an integer", path, s)
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v > max {
		return 0, fmt.Errorf("%s: %s out of range (0..%d)", path, s, max)
	}
	return v, nil
}

// intField parses a signed JSON integer in [lo, hi]; absent keeps *dst.
func intField(raw json.RawMessage, path string, lo, hi int64, dst *int64) error {
	if isNull(raw) {
		return nil
	}
	s := string(bytes.TrimSpace(raw))
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < lo || v > hi {
		return fmt.Errorf("%s: %s is not an integer in %d..%d", path, s, lo, hi)
	}
	*dst = v
	return nil
}

// epochNeuronJSON is one uid of the epoch output (docs/yuma.md).
type epochNeuronJSON struct {
	UID               int         `json:"uid"`
	Active            bool        `json:"active"`
	ValidatorPermit   bool        `json:"validator_permit"`
	StakeWeight       uint16      `json:"stake_weight"`
	Consensus         uint16      `json:"consensus"`
	Incentive         uint16      `json:"incentive"`
	Dividends         uint16      `json:"dividends"`
	ValidatorTrust    uint16      `json:"validator_trust"`
	ServerEmission    uint64      `json:"server_emission"`
	ValidatorEmission uint64      `json:"validator_emission"`
	Emission          uint64      `json:"emission"`
	Bonds             [][2]uint16 `json:"bonds"`
}

// writeEpochOutput prints the output document with one neuron per line,
// which stays readable (and diffable) for large subnets.
func writeEpochOutput(w io.Writer, out yuma.Output) error {
	var b bytes.Buffer
	b.WriteString("{\n  \"neurons\": [")
	for i, r := range out.Neurons {
		bonds := make([][2]uint16, len(r.Bonds))
		for k, e := range r.Bonds {
			bonds[k] = [2]uint16{e.UID, e.Value}
		}
		line, err := json.Marshal(epochNeuronJSON{
			UID: i, Active: r.Active, ValidatorPermit: r.ValidatorPermit,
			StakeWeight: r.StakeWeight, Consensus: r.Consensus, Incentive: r.Incentive,
			Dividends: r.Dividends, ValidatorTrust: r.ValidatorTrust,
			ServerEmission: uint64(r.ServerEmission), ValidatorEmission: uint64(r.ValidatorEmission),
			Emission: uint64(r.Emission), Bonds: bonds,
		})
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    ")
		b.Write(line)
	}
	b.WriteString("\n  ]\n}\n")
	_, err := w.Write(b.Bytes())
	return err
}

func newYumaSimulateCmd(a *app) *cobra.Command {
	var input string
	cmd := &cobra.Command{
		Use:   "simulate --input SCENARIO",
		Short: "Run a multi-epoch scenario (yuma-scenarios format) through the chain's epoch",
		Long: "Runs each epoch of the scenario (per epoch a dense weight matrix W of validators × servers\n" +
			"and validator stakes S) through the chain's epoch, carrying bonds and validator permits\n" +
			"forward, and prints consensus, incentive, dividends and bonds per epoch (u16 as stored\n" +
			"on chain in --json). The scenario's variant maps onto chain hyperparameters as described\n" +
			"in docs/yuma.md; variants with no chain equivalent are rejected.",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			data, err := a.readInput(input)
			if err != nil {
				return err
			}
			sc, err := decodeScenario(data)
			if err != nil {
				return withHint(err, "the scenario format is in docs/yuma.md")
			}
			res := sc.run()
			return a.result(res, func() { a.showSimulation(res) })
		},
	}
	cmd.Flags().StringVar(&input, "input", "", "scenario JSON file, or - for stdin")
	_ = cmd.MarkFlagRequired("input")
	return cmd
}

// scenario is a multi-epoch simulation in the yuma-scenarios format. Only
// the fields below are read; the reference outputs the files carry
// ("expected", "diagnostics", …) are ignored.
type scenario struct {
	Name          string `json:"name"`
	YumaVersion   string `json:"yuma_version"`
	NumValidators int    `json:"num_validators"`
	NumServers    int    `json:"num_servers"`
	Config        struct {
		Kappa                 *float64 `json:"kappa"`
		BondPenalty           *float64 `json:"bond_penalty"`
		BondMovingAvg         *float64 `json:"bond_moving_avg"`
		LiquidAlpha           bool     `json:"liquid_alpha"`
		AlphaLow              *float64 `json:"alpha_low"`
		AlphaHigh             *float64 `json:"alpha_high"`
		AlphaSigmoidSteepness *float64 `json:"alpha_sigmoid_steepness"`
		ConsensusMode         string   `json:"liquid_alpha_consensus_mode"`
		WinnerTakesAll        bool     `json:"winner_takes_all"`
	} `json:"config"`
	Epochs []struct {
		W     [][]float64 `json:"W"`
		S     []float64   `json:"S"`
		Reset []int       `json:"reset_bond_columns"`
	} `json:"epochs"`

	params yuma.Hyperparameters
}

// decodeScenario parses a scenario and maps its variant onto the chain's
// hyperparameters (docs/yuma.md, "simulate").
func decodeScenario(data []byte) (*scenario, error) {
	var sc scenario
	if err := json.Unmarshal(data, &sc); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			return nil, fmt.Errorf("%s: expected %s, got a JSON %s", typ.Field, typ.Type, typ.Value)
		}
		return nil, fmt.Errorf("invalid scenario JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	v, s := sc.NumValidators, sc.NumServers
	switch {
	case v < 1 || s < 1:
		return nil, fmt.Errorf("num_validators and num_servers: want at least 1 each, got %d and %d", v, s)
	case v+s > 4096:
		return nil, fmt.Errorf("num_validators + num_servers: %d uids, at most 4096", v+s)
	case len(sc.Epochs) == 0:
		return nil, errors.New("epochs: want at least one epoch")
	}
	for e, ep := range sc.Epochs {
		path := fmt.Sprintf("epochs[%d]", e)
		if len(ep.S) != v {
			return nil, fmt.Errorf("%s.S: %d stakes, want num_validators = %d", path, len(ep.S), v)
		}
		if len(ep.W) != v {
			return nil, fmt.Errorf("%s.W: %d rows, want num_validators = %d", path, len(ep.W), v)
		}
		for i, x := range ep.S {
			if !(x >= 0) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("%s.S[%d]: %v is not a finite stake >= 0", path, i, x)
			}
		}
		for i, row := range ep.W {
			if len(row) != s {
				return nil, fmt.Errorf("%s.W[%d]: %d weights, want num_servers = %d", path, i, len(row), s)
			}
			for j, x := range row {
				if !(x >= 0) || math.IsInf(x, 0) {
					return nil, fmt.Errorf("%s.W[%d][%d]: %v is not a finite weight >= 0", path, i, j, x)
				}
			}
		}
		for _, j := range ep.Reset {
			if j < 0 || j >= s {
				return nil, fmt.Errorf("%s.reset_bond_columns: server %d out of range (num_servers=%d)", path, j, s)
			}
		}
	}
	var err error
	sc.params, err = sc.hyperparameters()
	return &sc, err
}

// hyperparameters maps the simulator's parameters onto the chain's.
func (sc *scenario) hyperparameters() (yuma.Hyperparameters, error) {
	c := sc.Config
	p := yuma.DefaultHyperparameters()
	p.MaxAllowedValidators = uint16(sc.NumValidators)
	proportion := func(x *float64, name string, dst *uint16) error {
		if x == nil {
			return nil
		}
		if !(*x >= 0 && *x <= 1) {
			return fmt.Errorf("config.%s: %v is not in [0, 1]", name, *x)
		}
		*dst = uint16(math.Floor(*x * 65535))
		return nil
	}
	if err := proportion(c.Kappa, "kappa", &p.Kappa); err != nil {
		return p, err
	}
	if c.BondMovingAvg != nil {
		if !(*c.BondMovingAvg >= 0 && *c.BondMovingAvg <= 1) {
			return p, fmt.Errorf("config.bond_moving_avg: %v is not in [0, 1]", *c.BondMovingAvg)
		}
		p.BondsMovingAverage = uint64(math.Round(*c.BondMovingAvg * 1e6))
	}
	if c.WinnerTakesAll {
		return p, errors.New("config.winner_takes_all: the chain has no winner-takes-all incentive")
	}
	switch sc.YumaVersion {
	case "yuma2":
		p.Yuma3 = false
		if err := proportion(c.BondPenalty, "bond_penalty", &p.BondsPenalty); err != nil {
			return p, err
		}
	case "yuma3", "yuma4", "yuma4_liquid", "":
		// The simulator's Yuma 3 builds bonds from unclipped weights: β = 0.
		p.Yuma3, p.BondsPenalty = true, 0
		p.LiquidAlpha = c.LiquidAlpha || sc.YumaVersion == "yuma4_liquid"
		if err := proportion(c.AlphaLow, "alpha_low", &p.AlphaLow); err != nil {
			return p, err
		}
		if err := proportion(c.AlphaHigh, "alpha_high", &p.AlphaHigh); err != nil {
			return p, err
		}
		if x := c.AlphaSigmoidSteepness; x != nil {
			// The chain divides its steepness by 100.
			if !(*x*100 >= math.MinInt16 && *x*100 <= math.MaxInt16) {
				return p, fmt.Errorf("config.alpha_sigmoid_steepness: %v out of range", *x)
			}
			p.AlphaSigmoidSteepness = int16(math.Round(*x * 100))
		}
	default:
		return p, fmt.Errorf("yuma_version: %q has no chain equivalent (supported: yuma2, yuma3, yuma4, yuma4_liquid)", sc.YumaVersion)
	}
	return p, nil
}

// hyperparametersJSON spells p with the epoch input's field names.
func hyperparametersJSON(p yuma.Hyperparameters) map[string]any {
	return map[string]any{
		"kappa": p.Kappa, "bonds_penalty": p.BondsPenalty, "bonds_moving_average": p.BondsMovingAverage,
		"yuma3": p.Yuma3, "liquid_alpha": p.LiquidAlpha, "alpha_low": p.AlphaLow, "alpha_high": p.AlphaHigh,
		"alpha_sigmoid_steepness": p.AlphaSigmoidSteepness, "max_allowed_validators": p.MaxAllowedValidators,
		"activity_cutoff": p.ActivityCutoff, "stake_threshold": p.StakeThreshold, "commit_reveal": p.CommitReveal,
	}
}

// simulation is the output of simulate: per epoch the stored u16 terms.
type simulation struct {
	Name            string         `json:"name,omitempty"`
	Variant         string         `json:"variant,omitempty"`
	Hyperparameters map[string]any `json:"hyperparameters"` // as in the epoch input
	Validators      int            `json:"num_validators"`
	Servers         int            `json:"num_servers"`
	Epochs          []simEpoch     `json:"epochs"`
}

type simEpoch struct {
	Epoch     int        `json:"epoch"`
	Consensus []uint16   `json:"consensus"` // per server
	Incentive []uint16   `json:"incentive"` // per server
	Dividends []uint16   `json:"dividends"` // per validator
	Bonds     [][]uint16 `json:"bonds"`     // validators × servers, as stored
}

// The block schedule of a simulation: epoch e runs at block epochBlock(e),
// after the validators set their weights one block earlier; every uid
// registered at block 0, so no weight is outdated and no bond reset by
// registration.
func epochBlock(e int) uint64 { return 100 + 10*uint64(e) }

// run replays the scenario. Validators are uids 0..V-1 (holding permits
// from the start, as after an earlier epoch), servers uids V..V+N-1. Each
// epoch the validators set weights as the SDK does (row max-upscaled to
// u16); stake is scaled to integer rao; bonds and permits carry over.
func (sc *scenario) run() simulation {
	v, s := sc.NumValidators, sc.NumServers
	res := simulation{Name: sc.Name, Variant: sc.YumaVersion, Hyperparameters: hyperparametersJSON(sc.params), Validators: v, Servers: s}
	in := yuma.Input{Params: sc.params, Emission: tao.RaoPerTAO, Neurons: make([]yuma.Neuron, v+s)}
	for i := range in.Neurons {
		in.Neurons[i].CommitBlock = yuma.NoCommit
		in.Neurons[i].ValidatorPermit = i < v
	}
	var ws yuma.Workspace
	for e, ep := range sc.Epochs {
		in.Block = epochBlock(e)
		in.LastTempo = in.Block - 9
		maxS := slices.Max(ep.S)
		for i := range v {
			nr := &in.Neurons[i]
			stake := uint64(0)
			if maxS > 0 {
				stake = uint64(math.Round(ep.S[i] / maxS * 1e15))
			}
			nr.Stake = yuma.StakeFromRao(tao.Rao(stake))
			nr.Weights, nr.LastUpdate = serverWeights(ep.W[i], v), in.Block-1
		}
		for _, j := range ep.Reset { // subtensor's do_reset_bonds for the server
			for i := range in.Neurons {
				in.Neurons[i].Bonds = slices.DeleteFunc(slices.Clone(in.Neurons[i].Bonds),
					func(b yuma.Entry) bool { return int(b.UID) == v+j })
			}
		}
		out := ws.Run(in)
		se := simEpoch{Epoch: e, Consensus: make([]uint16, s), Incentive: make([]uint16, s),
			Dividends: make([]uint16, v), Bonds: make([][]uint16, v)}
		for j := range s {
			se.Consensus[j], se.Incentive[j] = out.Neurons[v+j].Consensus, out.Neurons[v+j].Incentive
		}
		for i := range v {
			se.Dividends[i] = out.Neurons[i].Dividends
			se.Bonds[i] = make([]uint16, s)
			for _, b := range out.Neurons[i].Bonds {
				if int(b.UID) >= v {
					se.Bonds[i][int(b.UID)-v] = b.Value
				}
			}
		}
		for i, r := range out.Neurons {
			in.Neurons[i].ValidatorPermit, in.Neurons[i].Bonds = r.ValidatorPermit, r.Bonds
		}
		res.Epochs = append(res.Epochs, se)
	}
	return res
}

// serverWeights converts a row of float weights to the u16 row a validator
// stores: scaled so the largest is 65535 and rounded (as the SDK does),
// zeros kept as explicit entries; an all-zero row sets no weights.
func serverWeights(w []float64, firstServer int) []yuma.Entry {
	mx := slices.Max(w)
	if mx <= 0 {
		return nil
	}
	row := make([]yuma.Entry, len(w))
	for j, x := range w {
		row[j] = yuma.Entry{UID: uint16(firstServer + j), Value: uint16(math.Round(x / mx * 65535))}
	}
	return row
}

func (a *app) showSimulation(res simulation) {
	p := func(x uint16) string { return strconv.FormatFloat(float64(x)/65535, 'f', 4, 64) }
	a.printf("%s (%s): %d validators (uids 0..%d), %d servers (uids %d..%d)\n",
		res.Name, res.Variant, res.Validators, res.Validators-1, res.Servers, res.Validators, res.Validators+res.Servers-1)
	headers := []string{"epoch", "consensus", "incentive", "dividends"}
	for i := range res.Validators {
		headers = append(headers, fmt.Sprintf("bonds v%d", i))
	}
	var rows [][]string
	for _, e := range res.Epochs {
		row := []string{strconv.Itoa(e.Epoch), joinMap(e.Consensus, p), joinMap(e.Incentive, p), joinMap(e.Dividends, p)}
		for _, b := range e.Bonds {
			row = append(row, joinMap(b, p))
		}
		rows = append(rows, row)
	}
	a.table("", headers, rows, nil)
}

func joinMap(xs []uint16, f func(uint16) string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = f(x)
	}
	return strings.Join(s, " ")
}
