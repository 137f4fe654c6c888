package neuron

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/gotensor/gotensor/tao"
)

// option is one setting of Config, under one name in every source: key in
// a file ("neuron.sample_size"), --flag on the command line, and the
// environment variables GOTENSOR_<KEY> and BT_<KEY> (dots and dashes as
// underscores, upper case), plus any extra ones.
type option struct {
	key   string
	flag  string
	env   []string // extra variables, after the two derived ones
	roles []Role   // nil: every role
	usage string
	field func(c *Config) value
}

// value is a Config field that can be set from text.
type value interface {
	set(s string) error
	String() string
	boolean() bool
}

// options lists every setting. Wallet options have no variables of their
// own: package wallet reads BT_WALLET_* when they are unset.
var options = []option{
	{key: "network", flag: "network", env: []string{"BT_SUBTENSOR_NETWORK", "BT_SUBTENSOR_CHAIN_ENDPOINT"},
		usage: `node API: "local", host:port or URL`, field: func(c *Config) value { return (*stringValue)(&c.Network) }},
	{key: "netuid", flag: "netuid", usage: "subnet to run on", field: func(c *Config) value { return (*netuidValue)(&c.NetUID) }},
	{key: "wallet.name", flag: "wallet-name", usage: "wallet (coldkey) name; else $BT_WALLET_NAME, btcli's config.yml, \"default\"",
		field: func(c *Config) value { return (*stringValue)(&c.Wallet.Name) }},
	{key: "wallet.hotkey", flag: "hotkey", usage: "hotkey name; else $BT_WALLET_HOTKEY, btcli's config.yml, \"default\"",
		field: func(c *Config) value { return (*stringValue)(&c.Wallet.Hotkey) }},
	{key: "wallet.path", flag: "wallet-path", usage: "wallets directory; else $BT_WALLET_PATH, btcli's config.yml, ~/.bittensor/wallets",
		field: func(c *Config) value { return (*stringValue)(&c.Wallet.Path) }},
	{key: "neuron.dir", flag: "neuron.dir", usage: "state directory (default <wallet path>/../miners/<wallet>/<hotkey>/netuid<N>/<role>)",
		field: func(c *Config) value { return (*stringValue)(&c.Neuron.Dir) }},
	{key: "neuron.epoch_length", flag: "neuron.epoch-length", usage: "most blocks between metagraph syncs (also synced after each epoch)",
		field: func(c *Config) value { return (*int64Value)(&c.Neuron.EpochLength) }},
	{key: "neuron.timeout", flag: "neuron.timeout", roles: []Role{RoleValidator}, usage: "timeout of a forward's queries",
		field: func(c *Config) value { return (*durationValue)(&c.Neuron.Timeout) }},
	{key: "neuron.sample_size", flag: "neuron.sample-size", roles: []Role{RoleValidator}, usage: "miners queried per forward",
		field: func(c *Config) value { return (*intValue)(&c.Neuron.SampleSize) }},
	{key: "neuron.num_concurrent_forwards", flag: "neuron.num-concurrent-forwards", roles: []Role{RoleValidator}, usage: "forwards run at once per step",
		field: func(c *Config) value { return (*intValue)(&c.Neuron.NumConcurrentForwards) }},
	{key: "neuron.step_interval", flag: "neuron.step-interval", roles: []Role{RoleValidator}, usage: "pause between steps",
		field: func(c *Config) value { return (*durationValue)(&c.Neuron.StepInterval) }},
	{key: "neuron.moving_average_alpha", flag: "neuron.moving-average-alpha", roles: []Role{RoleValidator}, usage: "EMA factor of the scores",
		field: func(c *Config) value { return (*floatValue)(&c.Neuron.MovingAverageAlpha) }},
	{key: "neuron.disable_set_weights", flag: "neuron.disable-set-weights", roles: []Role{RoleValidator}, usage: "score miners but never set weights",
		field: func(c *Config) value { return (*boolValue)(&c.Neuron.DisableSetWeights) }},
	{key: "neuron.vpermit_tao_limit", flag: "neuron.vpermit-tao-limit", roles: []Role{RoleValidator}, usage: "uids with a permit and more stake (TAO) are validators, not queried",
		field: func(c *Config) value { return (*taoValue)(&c.Neuron.VPermitTAOLimit) }},
	{key: "axon.ip", flag: "axon.ip", roles: []Role{RoleMiner}, usage: "address the axon binds (default every interface)",
		field: func(c *Config) value { return (*stringValue)(&c.Axon.IP) }},
	{key: "axon.port", flag: "axon.port", roles: []Role{RoleMiner}, usage: "port the axon binds",
		field: func(c *Config) value { return (*intValue)(&c.Axon.Port) }},
	{key: "axon.external_ip", flag: "axon.external-ip", roles: []Role{RoleMiner}, usage: "address published on chain (default axon.ip)",
		field: func(c *Config) value { return (*stringValue)(&c.Axon.ExternalIP) }},
	{key: "axon.external_port", flag: "axon.external-port", roles: []Role{RoleMiner}, usage: "port published on chain (default axon.port)",
		field: func(c *Config) value { return (*intValue)(&c.Axon.ExternalPort) }},
	{key: "axon.max_workers", flag: "axon.max-workers", roles: []Role{RoleMiner}, usage: "handlers running at once",
		field: func(c *Config) value { return (*intValue)(&c.Axon.MaxWorkers) }},
	{key: "blacklist.allow_non_registered", flag: "blacklist.allow-non-registered", roles: []Role{RoleMiner}, usage: "answer hotkeys not registered on the subnet",
		field: func(c *Config) value { return (*boolValue)(&c.Blacklist.AllowNonRegistered) }},
	{key: "blacklist.force_validator_permit", flag: "blacklist.force-validator-permit", roles: []Role{RoleMiner}, usage: "answer only callers with a validator permit",
		field: func(c *Config) value { return (*boolValue)(&c.Blacklist.ForceValidatorPermit) }},
	{key: "blacklist.min_stake", flag: "blacklist.min-stake", roles: []Role{RoleMiner}, usage: "answer only callers with at least this stake (TAO)",
		field: func(c *Config) value { return (*taoValue)(&c.Blacklist.MinStake) }},
	{key: "logging.level", flag: "logging.level", usage: "debug, info, warn or error",
		field: func(c *Config) value { return (*stringValue)(&c.Logging.Level) }},
	{key: "logging.format", flag: "logging.format", usage: "text or json",
		field: func(c *Config) value { return (*stringValue)(&c.Logging.Format) }},
	{key: "metrics.addr", flag: "metrics.addr", usage: "serve Prometheus metrics at http://ADDR/metrics",
		field: func(c *Config) value { return (*stringValue)(&c.MetricsAddr) }},
}

// EnvConfigFile names a configuration file when --config is not given.
const EnvConfigFile = "GOTENSOR_NEURON_CONFIG"

func (o *option) appliesTo(r Role) bool { return o.roles == nil || slices.Contains(o.roles, r) }

// envNames returns the variables o is read from, first set wins.
func (o *option) envNames() []string {
	if strings.HasPrefix(o.key, "wallet.") {
		return nil
	}
	k := strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(o.key))
	return append([]string{"GOTENSOR_" + k, "BT_" + k}, o.env...)
}

// Flags collects a neuron's command-line options; Load resolves them.
type Flags struct {
	role   Role
	config string
	given  []setting // in command-line order
}

// setting is one value given for an option.
type setting struct {
	opt    *option
	value  string
	source string
}

// RegisterFlags adds role's options and --config to fs and returns the
// Flags to Load once fs is parsed. Flags show the defaults of role.
func RegisterFlags(fs *pflag.FlagSet, role Role) *Flags {
	f := &Flags{role: role}
	defaults := DefaultConfig(role)
	for i := range options {
		o := &options[i]
		if !o.appliesTo(role) {
			continue
		}
		fl := fs.VarPF(&flagValue{f: f, opt: o, def: o.field(&defaults)}, o.flag, "", o.usage)
		if o.field(&defaults).boolean() {
			fl.NoOptDefVal = "true"
		}
	}
	fs.StringVar(&f.config, "config", "", "read options from a TOML or YAML `FILE` (default $"+EnvConfigFile+")")
	return f
}

// flagValue records a command-line value for Load, checking it at once.
type flagValue struct {
	f   *Flags
	opt *option
	def value
}

func (v *flagValue) String() string { return v.def.String() }

// Type names the value in --help.
func (v *flagValue) Type() string {
	switch v.def.(type) {
	case *boolValue:
		return "bool"
	case *durationValue:
		return "duration"
	case *floatValue:
		return "float"
	case *taoValue:
		return "TAO"
	case *stringValue:
		return "string"
	}
	return "int"
}

func (v *flagValue) Set(s string) error {
	scratch := DefaultConfig(v.f.role)
	if err := v.opt.field(&scratch).set(s); err != nil {
		return err
	}
	v.f.given = append(v.f.given, setting{opt: v.opt, value: s, source: "flag --" + v.opt.flag})
	return nil
}

// Load resolves the configuration: the role's defaults, then the file
// (--config, else $GOTENSOR_NEURON_CONFIG), then the environment (lookup,
// normally os.LookupEnv), then the flags given on the command line. The
// result is validated; errors name the source of the bad value.
func (f *Flags) Load(lookup func(string) (string, bool)) (Config, error) {
	c := DefaultConfig(f.role)
	path := f.config
	if path == "" {
		path, _ = lookup(EnvConfigFile)
	}
	var settings []setting
	if path != "" {
		fromFile, err := readConfigFile(path, f.role)
		if err != nil {
			return Config{}, err
		}
		settings = fromFile
	}
	for i := range options {
		o := &options[i]
		if !o.appliesTo(f.role) {
			continue
		}
		for _, name := range o.envNames() {
			if v, ok := lookup(name); ok && v != "" {
				settings = append(settings, setting{opt: o, value: v, source: "env " + name})
				break
			}
		}
	}
	settings = append(settings, f.given...)
	for _, s := range settings {
		if err := s.opt.field(&c).set(s.value); err != nil {
			return Config{}, fmt.Errorf("%w: %s (%s)", ErrConfig, err, s.source)
		}
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// readConfigFile reads a TOML file, or a YAML one (.yaml, .yml), of
// options by key: nested tables ([neuron] sample_size = 10) or dotted keys.
func readConfigFile(path string, role Role) ([]setting, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	var doc map[string]any
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		err = yaml.Unmarshal(b, &doc)
	default:
		err = toml.Unmarshal(b, &doc)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrConfig, path, err)
	}
	flat := map[string]string{}
	if err := flatten("", doc, flat); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrConfig, path, err)
	}
	keys := make([]string, 0, len(flat))
	for k := range flat {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []setting
	for _, k := range keys {
		i := slices.IndexFunc(options, func(o option) bool { return o.key == strings.ReplaceAll(k, "-", "_") })
		switch {
		case i < 0:
			return nil, fmt.Errorf("%w: %s: unknown option %q", ErrConfig, path, k)
		case !options[i].appliesTo(role):
			return nil, fmt.Errorf("%w: %s: %q is not an option of a %s", ErrConfig, path, k, role)
		}
		out = append(out, setting{opt: &options[i], value: flat[k], source: "file " + path})
	}
	return out, nil
}

// flatten turns nested tables into dotted keys with text values.
func flatten(prefix string, m map[string]any, out map[string]string) error {
	for k, v := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch x := v.(type) {
		case map[string]any:
			if err := flatten(key, x, out); err != nil {
				return err
			}
		case string:
			out[key] = x
		case bool:
			out[key] = strconv.FormatBool(x)
		case int:
			out[key] = strconv.Itoa(x)
		case int64:
			out[key] = strconv.FormatInt(x, 10)
		case uint64:
			out[key] = strconv.FormatUint(x, 10)
		case float64:
			out[key] = strconv.FormatFloat(x, 'g', -1, 64)
		default:
			return fmt.Errorf("option %q: unsupported value %v", key, v)
		}
	}
	return nil
}

// The value types of Config fields.
type (
	stringValue   string
	intValue      int
	int64Value    int64
	floatValue    float64
	boolValue     bool
	durationValue time.Duration
	netuidValue   tao.NetUID
	taoValue      tao.Rao
)

func (v *stringValue) set(s string) error { *v = stringValue(s); return nil }
func (v *stringValue) String() string     { return string(*v) }
func (v *stringValue) boolean() bool      { return false }

func (v *intValue) set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("%q is not an integer", s)
	}
	*v = intValue(n)
	return nil
}
func (v *intValue) String() string { return strconv.Itoa(int(*v)) }
func (v *intValue) boolean() bool  { return false }

func (v *int64Value) set(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not an integer", s)
	}
	*v = int64Value(n)
	return nil
}
func (v *int64Value) String() string { return strconv.FormatInt(int64(*v), 10) }
func (v *int64Value) boolean() bool  { return false }

func (v *floatValue) set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("%q is not a number", s)
	}
	*v = floatValue(f)
	return nil
}
func (v *floatValue) String() string { return strconv.FormatFloat(float64(*v), 'g', -1, 64) }
func (v *floatValue) boolean() bool  { return false }

func (v *boolValue) set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("%q is not true or false", s)
	}
	*v = boolValue(b)
	return nil
}
func (v *boolValue) String() string { return strconv.FormatBool(bool(*v)) }
func (v *boolValue) boolean() bool  { return true }

// durationValue reads Go durations ("12s", "500ms") or plain seconds
// ("12", "0.5"), as the Python template's options are seconds.
func (v *durationValue) set(s string) error {
	if d, err := time.ParseDuration(s); err == nil {
		*v = durationValue(d)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("%q is not a duration (e.g. 12s, 500ms, or seconds)", s)
	}
	*v = durationValue(time.Duration(f * float64(time.Second)))
	return nil
}
func (v *durationValue) String() string { return time.Duration(*v).String() }
func (v *durationValue) boolean() bool  { return false }

func (v *netuidValue) set(s string) error {
	n, err := tao.ParseNetUID(s)
	if err != nil {
		return err
	}
	*v = netuidValue(n)
	return nil
}
func (v *netuidValue) String() string { return strconv.Itoa(int(*v)) }
func (v *netuidValue) boolean() bool  { return false }

func (v *taoValue) set(s string) error {
	r, err := tao.ParseTAO(s)
	if err != nil {
		return err
	}
	*v = taoValue(r)
	return nil
}
func (v *taoValue) String() string {
	s := strings.TrimRight(tao.Rao(*v).TAOString(), "0")
	return strings.TrimSuffix(s, ".")
}
func (v *taoValue) boolean() bool { return false }
