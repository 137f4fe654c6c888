package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// app carries the process-wide I/O and output settings shared by commands.
type app struct {
	in     io.Reader
	out    io.Writer
	errOut io.Writer

	jsonOut  bool
	noPrompt bool
	quiet    bool

	color    bool // ANSI colour on stdout
	colorErr bool // ANSI colour on stderr (errors, warnings, prompts, spinners)
	stdinR   *bufio.Reader
}

func newApp(in io.Reader, out, errOut io.Writer) *app {
	return &app{in: in, out: out, errOut: errOut}
}

// setup runs before every command: --json implies --no-prompt, and colour
// is used only on a terminal without NO_COLOR (set to a non-empty value, as
// no-color.org defines it).
func (a *app) setup(*cobra.Command) error {
	if a.jsonOut {
		a.noPrompt = true
	}
	// Each stream is coloured only if it is a terminal itself: with stdout
	// on a terminal and stderr redirected to a file, the file gets no codes.
	on := os.Getenv("NO_COLOR") == "" && !a.jsonOut
	a.color, a.colorErr = on && isTerminal(a.out), on && isTerminal(a.errOut)
	return nil
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// UserError is an error with a hint telling the user what to do next.
type UserError struct {
	Err  error
	Hint string
}

func (e *UserError) Error() string { return e.Err.Error() }
func (e *UserError) Unwrap() error { return e.Err }

// withHint attaches a next-step hint to err.
func withHint(err error, hint string, args ...any) error {
	if err == nil {
		return nil
	}
	return &UserError{Err: err, Hint: fmt.Sprintf(hint, args...)}
}

// usageErrorf reports a mistake in how the command was called (exit code 2).
func usageErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// reportError prints err as one line (plus a hint) and returns the exit code.
func (a *app) reportError(err error) int {
	if errors.Is(err, errReported) {
		return 1
	}
	code := 1
	msg := err.Error()
	if errors.Is(err, errUsage) {
		code = 2
		msg = strings.TrimPrefix(msg, errUsage.Error()+": ")
	} else if strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "unknown flag") ||
		strings.HasPrefix(msg, "unknown shorthand flag") || strings.Contains(msg, "flag needs an argument") ||
		strings.HasPrefix(msg, "invalid argument") || strings.HasPrefix(msg, "required flag") ||
		strings.HasPrefix(msg, "accepts ") {
		code = 2
	}
	msg = strings.ReplaceAll(msg, "\n", " ")
	var hint string
	var ue *UserError
	if errors.As(err, &ue) && !strings.Contains(msg, ue.Hint) { // chain messages often carry the next step already
		hint = ue.Hint
	}
	if a.jsonOut {
		doc := map[string]any{"success": false, "error": msg}
		if hint != "" {
			doc["hint"] = hint
		}
		_ = a.printJSON(doc)
	}
	fmt.Fprintf(a.errOut, "%s %s\n", a.paintErr(red, "error:"), msg)
	if hint != "" && !a.jsonOut {
		fmt.Fprintf(a.errOut, "  %s\n", hint)
	}
	return code
}

// printJSON writes v as the command's single JSON document.
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// result prints v as JSON in --json mode, or calls human to print it for people.
func (a *app) result(v any, human func()) error {
	if a.jsonOut {
		return a.printJSON(v)
	}
	human()
	return nil
}

// printf writes human output (suppressed in --json mode).
func (a *app) printf(format string, args ...any) {
	if a.jsonOut {
		return
	}
	fmt.Fprintf(a.out, format, args...)
}

// infof writes progress and notices to stderr (suppressed by --json and --quiet).
func (a *app) infof(format string, args ...any) {
	if a.jsonOut || a.quiet {
		return
	}
	fmt.Fprintf(a.errOut, format, args...)
}

// success prints a green check line for people.
func (a *app) success(format string, args ...any) {
	if a.jsonOut {
		return
	}
	fmt.Fprintf(a.out, "%s %s\n", a.paint(green, "✔"), fmt.Sprintf(format, args...))
}

// warn prints a yellow warning line on stderr, even in quiet mode.
func (a *app) warn(format string, args ...any) {
	if a.jsonOut {
		return
	}
	fmt.Fprintf(a.errOut, "%s %s\n", a.paintErr(yellow, "warning:"), fmt.Sprintf(format, args...))
}

// ANSI colours.
const (
	red    = "31"
	green  = "32"
	yellow = "33"
	blue   = "34"
	cyan   = "36"
	bold   = "1"
	dim    = "2"
)

// paint wraps s in an ANSI colour when colour is on for stdout.
func (a *app) paint(color, s string) string { return paintIf(a.color, color, s) }

// paintErr is paint for what goes to stderr.
func (a *app) paintErr(color, s string) string { return paintIf(a.colorErr, color, s) }

func paintIf(on bool, color, s string) string {
	if !on {
		return s
	}
	return "\x1b[" + color + "m" + s + "\x1b[0m"
}

// table prints rows under headers with aligned columns and an optional footer.
func (a *app) table(title string, headers []string, rows [][]string, footer []string) {
	if a.jsonOut {
		return
	}
	widths := make([]int, len(headers))
	all := append([][]string{headers}, rows...)
	if footer != nil {
		all = append(all, footer)
	}
	for _, r := range all {
		for i, c := range r {
			if i < len(widths) && utf8.RuneCountInString(c) > widths[i] {
				widths[i] = utf8.RuneCountInString(c)
			}
		}
	}
	line := func(r []string, style string) {
		var b strings.Builder
		for i := range headers {
			c := ""
			if i < len(r) {
				c = r[i]
			}
			pad := widths[i] - utf8.RuneCountInString(c)
			if i > 0 {
				b.WriteString("  ")
			}
			cell := c + strings.Repeat(" ", pad)
			if style != "" {
				cell = a.paint(style, cell)
			}
			b.WriteString(cell)
		}
		fmt.Fprintln(a.out, strings.TrimRight(b.String(), " "))
	}
	if title != "" {
		fmt.Fprintln(a.out, a.paint(bold, title))
	}
	line(headers, bold)
	total := 0
	for _, w := range widths {
		total += w + 2
	}
	fmt.Fprintln(a.out, a.paint(dim, strings.Repeat("─", max(total-2, 0))))
	for _, r := range rows {
		line(r, "")
	}
	if footer != nil {
		fmt.Fprintln(a.out, a.paint(dim, strings.Repeat("─", max(total-2, 0))))
		line(footer, bold)
	}
}

// line reads one line from stdin (without the newline).
func (a *app) line() (string, error) {
	if a.stdinR == nil {
		a.stdinR = bufio.NewReader(a.in)
	}
	s, err := a.stdinR.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && s != "") {
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// ask prompts for a value. It fails in --no-prompt mode, naming the flag to use.
func (a *app) ask(label, flag string) (string, error) {
	if a.noPrompt {
		return "", usageErrorf("%s is required: pass %s", label, flag)
	}
	fmt.Fprintf(a.errOut, "%s: ", label)
	s, err := a.line()
	if err != nil {
		return "", usageErrorf("%s is required: pass %s", label, flag)
	}
	return strings.TrimSpace(s), nil
}

// askPassword prompts for a password without echo (on a terminal).
func (a *app) askPassword(label string) (string, error) {
	if a.noPrompt {
		return "", usageErrorf("a password is needed: pass --password-file FILE or set the BT_PW_… variable")
	}
	fmt.Fprintf(a.errOut, "%s: ", label)
	if f, ok := a.in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.errOut)
		if err != nil {
			return "", err
		}
		return strings.TrimSpace(string(b)), nil
	}
	s, err := a.line()
	if err != nil {
		return "", fmt.Errorf("reading password: %w", err)
	}
	return strings.TrimSpace(s), nil
}

// confirm shows a summary of what is about to happen and asks to go on.
// With --no-prompt or --json it returns true without asking.
func (a *app) confirm(title string, summary [][2]string, question string) (bool, error) {
	if a.noPrompt {
		return true, nil
	}
	rows := make([][]string, len(summary))
	for i, kv := range summary {
		rows[i] = []string{kv[0], kv[1]}
	}
	fmt.Fprintln(a.errOut, a.paintErr(bold, title))
	for _, r := range rows {
		fmt.Fprintf(a.errOut, "  %-18s %s\n", r[0], r[1])
	}
	fmt.Fprintf(a.errOut, "%s [y/N]: ", question)
	s, err := a.line()
	if err != nil {
		return false, nil
	}
	s = strings.ToLower(strings.TrimSpace(s))
	return s == "y" || s == "yes", nil
}

// progressEvery spaces the progress lines written to a non-terminal.
const progressEvery = 10 * time.Second

// spin shows a spinner with msg on stderr while waiting (only on a terminal)
// and returns a function that stops it.
func (a *app) spin(msg string) (stop func()) {
	_, stop = a.progress(msg)
	return stop
}

// progress is spin with a message that can change while it turns: update
// replaces it. On a terminal it changes in place; elsewhere (a log) a new
// message is printed on a line of its own, at most every progressEvery.
func (a *app) progress(msg string) (update func(string), stop func()) {
	if a.jsonOut || a.quiet || !isTerminal(a.errOut) {
		var last string
		var at time.Time
		update = func(m string) {
			if a.jsonOut || a.quiet || m == last || time.Since(at) < progressEvery {
				return
			}
			fmt.Fprintln(a.errOut, m)
			last, at = m, time.Now()
		}
		update(msg)
		return update, func() {}
	}
	var mu sync.Mutex
	update = func(m string) {
		mu.Lock()
		msg = m
		mu.Unlock()
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		frames := []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		// Lines are redrawn over the previous one with spaces rather than
		// the erase-line sequence, so NO_COLOR leaves no escape code at all.
		width := 0
		for i := 0; ; i++ {
			mu.Lock()
			m := msg
			mu.Unlock()
			frame := frames[i%len(frames)]
			w := utf8.RuneCountInString(frame) + 1 + utf8.RuneCountInString(m)
			fmt.Fprintf(a.errOut, "\r%s %s%s", a.paintErr(cyan, frame), m, strings.Repeat(" ", max(width-w, 0)))
			width = max(width, w)
			select {
			case <-done:
				fmt.Fprintf(a.errOut, "\r%s\r", strings.Repeat(" ", width))
				return
			case <-t.C:
			}
		}
	}()
	var once sync.Once
	return update, func() { once.Do(func() { close(done); wg.Wait() }) }
}
