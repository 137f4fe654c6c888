//go:build linux

package cli

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gotensor/gotensor/internal/testutil"
)

// spinOnTerminal runs a spinner on a terminal for a few frames, with the
// message changing to a shorter one, and returns what the terminal got.
func spinOnTerminal(t *testing.T) string {
	t.Helper()
	ctl, tty := testutil.OpenPTY(t)
	a := newApp(strings.NewReader(""), tty, tty)
	require.NoError(t, a.setup(nil))
	update, stop := a.progress("waiting for a rather long thing")
	time.Sleep(250 * time.Millisecond)
	update("shorter")
	time.Sleep(250 * time.Millisecond)
	stop()
	tty.Close()
	got, _ := io.ReadAll(ctl) // ends with EIO once the terminal side is closed
	return string(got)
}

func TestSpinner_NoColorWritesNoEscapeCodes(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	got := spinOnTerminal(t)
	require.Contains(t, got, "waiting for a rather long thing")
	require.Contains(t, got, "shorter")
	require.NotContains(t, got, "\x1b", "NO_COLOR output holds an escape code: %q", got)
	// The shorter message pads over the longer one, and stop blanks the line.
	require.Contains(t, got, "shorter"+strings.Repeat(" ", len("waiting for a rather long thing")-len("shorter")))
	require.True(t, strings.HasSuffix(got, "\r"), "%q", got)
}

func TestSpinner_ColourOnTerminal(t *testing.T) {
	t.Run("unset", func(t *testing.T) {
		t.Setenv("NO_COLOR", "x") // restored after the test
		os.Unsetenv("NO_COLOR")
		require.Contains(t, spinOnTerminal(t), "\x1b[", "a terminal without NO_COLOR gets a coloured spinner")
	})
	t.Run("empty", func(t *testing.T) {
		t.Setenv("NO_COLOR", "") // no-color.org: an empty value does not count
		require.Contains(t, spinOnTerminal(t), "\x1b[")
	})
}

// TestColour_PerStream: with stdout on a terminal and stderr redirected to
// a file, the error line in the file holds no escape codes (and the other
// way round, a terminal stderr keeps its colour when stdout is a file).
func TestColour_PerStream(t *testing.T) {
	t.Setenv("NO_COLOR", "x")
	os.Unsetenv("NO_COLOR")
	_, tty := testutil.OpenPTY(t)
	var file strings.Builder
	a := newApp(strings.NewReader(""), tty, &file)
	require.NoError(t, a.setup(nil))
	require.True(t, a.color)
	a.reportError(io.ErrUnexpectedEOF)
	require.Equal(t, "error: unexpected EOF\n", file.String())

	ctl, tty2 := testutil.OpenPTY(t)
	var out strings.Builder
	b := newApp(strings.NewReader(""), &out, tty2)
	require.NoError(t, b.setup(nil))
	b.reportError(io.ErrUnexpectedEOF)
	tty2.Close()
	got, _ := io.ReadAll(ctl)
	require.Contains(t, string(got), "\x1b[31merror:\x1b[0m")
	require.Empty(t, out.String())
}
