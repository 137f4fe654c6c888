//go:build linux

package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal and returns its controlling side and the
// terminal the program writes to.
func openPTY(t *testing.T) (ctl, tty *os.File) {
	t.Helper()
	ctl, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { ctl.Close() })
	require.NoError(t, unix.IoctlSetPointerInt(int(ctl.Fd()), unix.TIOCSPTLCK, 0))
	n, err := unix.IoctlGetInt(int(ctl.Fd()), unix.TIOCGPTN)
	require.NoError(t, err)
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { tty.Close() })
	return ctl, tty
}

// spinOnTerminal runs a spinner on a terminal for a few frames, with the
// message changing to a shorter one, and returns what the terminal got.
func spinOnTerminal(t *testing.T) string {
	t.Helper()
	ctl, tty := openPTY(t)
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
