package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/term"
)

// Terminal is the chat on an interactive terminal: line editing (arrows,
// Home/End, Ctrl-A/E/K/U/W, Alt-arrows by word, bracketed paste) and a
// history recalled with the up and down arrows, from golang.org/x/term;
// text wrapped between words at the terminal's width; and Write, which
// prints above the prompt and redraws it, for log lines that arrive while
// a question is being typed. Ctrl-D or Ctrl-C on the prompt leaves.
type Terminal struct {
	t     *term.Terminal
	width func() int

	restore func() error // puts the terminal back as it was
	closed  sync.Once
}

// IsTerminal reports whether f is an interactive terminal.
func IsTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// OpenTerminal switches the terminal in (with out its output) to raw mode
// for line editing; Close switches it back. historyFile, when not "",
// keeps the questions asked across sessions (the last maxHistory).
func OpenTerminal(in, out *os.File, historyFile string) (*Terminal, error) {
	fd := int(in.Fd())
	state, err := term.MakeRaw(fd)
	if err != nil {
		return nil, fmt.Errorf("terminal: %w", err)
	}
	width := func() int {
		if w, _, err := term.GetSize(int(out.Fd())); err == nil && w > 0 {
			return w
		}
		return width
	}
	t := newTerminal(struct {
		io.Reader
		io.Writer
	}{in, out}, width, loadHistory(historyFile))
	t.restore = func() error { return term.Restore(fd, state) }
	return t, nil
}

// newTerminal is a Terminal over rw, which a test drives with key codes.
func newTerminal(rw io.ReadWriter, width func() int, h *history) *Terminal {
	t := term.NewTerminal(rw, prompt)
	if h != nil {
		t.History = h
	}
	return &Terminal{t: t, width: width, restore: func() error { return nil }}
}

// Write prints p above the prompt and the line being typed, which are then
// drawn again. It is safe to call while Run reads a line.
func (t *Terminal) Write(p []byte) (int, error) { return t.t.Write(p) }

// Close gives the terminal back as it was.
func (t *Terminal) Close() error {
	var err error
	t.closed.Do(func() { err = t.restore() })
	return err
}

// Run chats until quit, Ctrl-D, Ctrl-C or the end of ctx, as Run does.
func (t *Terminal) Run(ctx context.Context, ans answerer) error {
	c := &chat{
		ans: ans,
		out: t,
		read: func() (string, error) {
			// The width may have changed since the last line.
			w := t.width()
			t.t.SetSize(w, 24)
			line, err := t.t.ReadLine()
			if errors.Is(err, term.ErrPasteIndicator) {
				err = nil // a pasted line is a line
			}
			if len(line) > maxLine {
				line = line[:maxLine]
			}
			return line, err
		},
		// Leave a column free: some terminals wrap a line that fills the
		// last one.
		width: func() int { return min(t.width()-1, 100) },
	}
	return c.run(ctx)
}

// maxHistory is how many questions the history keeps.
const maxHistory = 500

// history is a term.History kept in memory and, when it has a file,
// appended to it (one line per question, mode 0600: questions are what
// the person typed).
type history struct {
	mu    sync.Mutex
	lines []string // oldest first
	file  string
}

// loadHistory reads the history in file; "" or an unreadable file give an
// empty one.
func loadHistory(file string) *history {
	h := &history{file: file}
	if file == "" {
		return h
	}
	f, err := os.Open(file)
	if err != nil {
		return h
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 4096), maxLine+1)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			h.lines = append(h.lines, line)
		}
	}
	if len(h.lines) > maxHistory {
		h.lines = h.lines[len(h.lines)-maxHistory:]
		h.rewrite()
	}
	return h
}

// Add records a line typed, except blanks, quit and exit, and a repeat of
// the last one.
func (h *history) Add(line string) {
	line = strings.TrimSpace(line)
	h.mu.Lock()
	defer h.mu.Unlock()
	switch strings.ToLower(line) {
	case "", "quit", "exit", "/quit", "/exit":
		return
	}
	if len(h.lines) > 0 && h.lines[len(h.lines)-1] == line {
		return
	}
	h.lines = append(h.lines, line)
	if len(h.lines) > maxHistory {
		h.lines = h.lines[len(h.lines)-maxHistory:]
	}
	if h.file == "" {
		return
	}
	f, err := os.OpenFile(h.file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return // a history that cannot be kept is no reason to stop chatting
	}
	fmt.Fprintln(f, line)
	f.Close()
}

// rewrite replaces the file with the lines kept.
func (h *history) rewrite() {
	tmp := h.file + ".tmp"
	if err := os.WriteFile(tmp, []byte(strings.Join(h.lines, "\n")+"\n"), 0o600); err == nil {
		os.Rename(tmp, h.file)
	}
}

// Len is the number of lines kept.
func (h *history) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.lines)
}

// At returns a line; 0 is the most recent.
func (h *history) At(i int) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lines[len(h.lines)-1-i]
}
