package cli

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestExecute_JSONUsageErrors: a usage error that stops the parser before
// --json still prints the one JSON document asked for.
func TestExecute_JSONUsageErrors(t *testing.T) {
	isolate(t)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag first", []string{"keys", "inspect", "//Alice", "--bogus", "--json"}, "unknown flag: --bogus"},
		{"unknown command", []string{"bogus", "--json"}, "unknown command"},
		{"bad flag value", []string{"keys", "inspect", "//Alice", "--ss58-format", "x", "--json"}, "invalid argument"},
		{"alias", []string{"keys", "inspect", "--bogus", "--json-output"}, "unknown flag: --bogus"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, "", c.args...)
			require.Equal(t, 2, r.code)
			var doc map[string]any
			require.NoError(t, json.NewDecoder(strings.NewReader(r.stdout)).Decode(&doc), "stdout: %q", r.stdout)
			require.Equal(t, false, doc["success"])
			require.Contains(t, doc["error"], c.want)
			require.Contains(t, r.stderr, "error: ")
		})
	}
	for _, args := range [][]string{
		{"keys", "inspect", "--bogus"},
		{"keys", "inspect", "--bogus", "--json=false"},
		{"keys", "inspect", "--bogus", "--", "--json"},
	} {
		r := run(t, "", args...)
		require.Equal(t, 2, r.code)
		require.Empty(t, r.stdout, "no JSON unless asked: %v", args)
	}
}

// TestReportError_HintOnce: a hint the message already ends with is not
// printed again.
func TestReportError_HintOnce(t *testing.T) {
	for _, jsonOut := range []bool{false, true} {
		var out, errOut strings.Builder
		a := newApp(strings.NewReader(""), &out, &errOut)
		a.jsonOut = jsonOut
		err := withHint(errors.New("subnet does not exist: netuid 9; list subnets with `gotensor subnets list`"),
			"list subnets with `gotensor subnets list`")
		require.Equal(t, 1, a.reportError(err))
		require.Equal(t, 1, strings.Count(errOut.String(), "list subnets with"), "stderr %q", errOut.String())
		if jsonOut {
			require.Equal(t, 1, strings.Count(out.String(), "list subnets with"), "stdout %q", out.String())
		}
	}
	var errOut strings.Builder
	a := newApp(strings.NewReader(""), &strings.Builder{}, &errOut)
	a.reportError(withHint(errors.New("registration burn is 1 TAO, balance is 0 TAO"), "fund the account"))
	require.Equal(t, "error: registration burn is 1 TAO, balance is 0 TAO\n  fund the account\n", errOut.String())
}
