package console

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefbot/briefbot/answer"
)

// lockedBuffer is a bytes.Buffer safe for the terminal's reader goroutine
// and the chat loop.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// keys is a terminal whose person types in and sees out.
type keys struct {
	io.Reader
	out *lockedBuffer
}

func (k keys) Write(p []byte) (int, error) { return k.out.Write(p) }

var ansi = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)

// TestTerminalHistoryAndWidth types a question, recalls it with the up
// arrow, and checks that everything printed fits a 44-column terminal
// without breaking a word; a second session recalls the first's question
// from the history file.
func TestTerminalHistoryAndWidth(t *testing.T) {
	var asked []string
	fake := fakeAnswerer{ask: func(_ context.Context, q answer.Question) (answer.Answer, error) {
		asked = append(asked, q.Text)
		return answer.Answer{Question: q, Quotes: []answer.Quote{psakiQuote}, Confidence: 0.9}, nil
	}}
	hist := filepath.Join(t.TempDir(), "history")
	out := &lockedBuffer{}
	in := strings.NewReader("Will the US send troops?\r" + "\x1b[A\r" + "quit\r")
	term := newTerminal(keys{in, out}, func() int { return 44 }, loadHistory(hist))
	if err := term.Run(context.Background(), fake); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 2 || asked[0] != "Will the US send troops?" || asked[1] != asked[0] {
		t.Fatalf("asked %q; want the question, then again from the history", asked)
	}
	screen := ansi.ReplaceAllString(out.String(), "")
	words := strings.Fields(psakiQuote.Text + " " + greeting)
	for _, line := range strings.Split(screen, "\r\n") {
		if len([]rune(line)) > 43 && !strings.HasPrefix(strings.TrimSpace(line), "https://") {
			t.Errorf("line of %d columns on a 44-column terminal: %q", len([]rune(line)), line)
		}
	}
	flat := strings.Join(strings.Fields(strings.NewReplacer("“", " ", "”", " ", "\r\n", " ").Replace(screen)), " ")
	for _, w := range words {
		if !strings.Contains(flat, strings.Trim(w, "“”")) {
			t.Errorf("the word %q was broken or lost:\n%s", w, screen)
		}
	}
	if strings.Contains(screen, "^[[A") {
		t.Errorf("the up arrow was printed, not handled:\n%s", screen)
	}

	// A new session starts with the last one's questions.
	asked = nil
	in = strings.NewReader("\x1b[A\r")
	term = newTerminal(keys{in, &lockedBuffer{}}, func() int { return 80 }, loadHistory(hist))
	if err := term.Run(context.Background(), fake); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || asked[0] != "Will the US send troops?" {
		t.Errorf("second session asked %q; want the question from the history file", asked)
	}
}

// TestTerminalWriteAbovePrompt: a log line written while a question is
// being typed appears before the prompt, and the typing is drawn again.
func TestTerminalWriteAbovePrompt(t *testing.T) {
	pr, pw := io.Pipe()
	out := &lockedBuffer{}
	term := newTerminal(keys{pr, out}, func() int { return 80 }, nil)
	done := make(chan error, 1)
	go func() {
		done <- term.Run(context.Background(), fakeAnswerer{ask: func(context.Context, answer.Question) (answer.Answer, error) {
			return answer.Answer{NoAnswer: true}, nil
		}})
	}()
	pw.Write([]byte("half a quest"))
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "half a quest"); {
		if time.Now().After(deadline) {
			t.Fatalf("the typing was never echoed: %q", out.String())
		}
		time.Sleep(time.Millisecond)
	}
	term.Write([]byte("level=INFO msg=\"corpus changed\"\n"))
	pw.Write([]byte("ion\r"))
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	screen := ansi.ReplaceAllString(out.String(), "")
	logAt := strings.Index(screen, "corpus changed")
	redrawn := strings.LastIndex(screen, "> half a question")
	if logAt < 0 || redrawn < logAt {
		t.Errorf("log line not above the redrawn prompt:\n%q", screen)
	}
}
