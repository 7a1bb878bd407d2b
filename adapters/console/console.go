// Package console is a terminal chat over the answer engine, for trying the
// bot without Slack or Discord tokens.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/briefbot/briefbot/answer"
)

// answerer is the part of *answer.Engine the console uses.
type answerer interface {
	Ask(ctx context.Context, q answer.Question) (answer.Answer, error)
}

// maxLine caps one line of input; the rest of a longer line is dropped.
const maxLine = 10 << 10

const greeting = `Ask about the briefings. Filters: since:2021-12-01 until:2022-01-31 source:whitehouse.gov speaker:psaki. Type help or quit.`

const help = `Ask a question in plain words, such as: Will the US send troops to Ukraine?
Every answer is quoted word for word from the briefings, with who said it,
where and when. Filters, anywhere in the question, narrow the search:
  since:2021-12-01       documents dated on or after the day (or since:2021-12)
  until:2022-01-31       documents dated on or before the day (or until:2022-01)
  source:whitehouse.gov  documents of one publisher (and its archive hosts)
  speaker:psaki          what one speaker said (speaker:jake_sullivan for two words)
Type quit, or press Ctrl-D, to leave.`

const prompt = "> "

// Run chats on in and out until quit, exit, the end of input or the end of
// ctx. Only a failure to write, to read or of the engine's index is an error.
// It is the chat for pipes and tests; a person at a terminal gets the
// line editing and history of a Terminal.
func Run(ctx context.Context, ans answerer, in io.Reader, out io.Writer) error {
	r := bufio.NewReaderSize(in, 64<<10)
	c := &chat{ans: ans, out: out, prompt: prompt, read: func() (string, error) { return readLine(r) }}
	return c.run(ctx)
}

// chat is the conversation loop, whatever reads the lines.
type chat struct {
	ans answerer
	out io.Writer
	// read returns the next line, with io.EOF at the end of input; a last
	// line without an end of line comes with io.EOF.
	read func() (string, error)
	// prompt is written before each read; "" when read shows its own.
	prompt string
	// width, when set, is where the greeting and the answers wrap;
	// otherwise answers wrap at 80 columns and other text is not wrapped.
	width func() int
}

func (c *chat) run(ctx context.Context) error {
	// Lines are read one at a time, when the loop asks: a terminal shows
	// its prompt only then. The reader cannot be interrupted, so it is left
	// blocked on its input when ctx ends; it exits on the next line or at
	// the end of input.
	want := make(chan struct{})
	results := make(chan readResult)
	done := make(chan struct{})
	defer close(done)
	go c.reader(want, results, done)
	var ended error // the read error that came with the last line
	last := false

	out := c.out
	if _, err := io.WriteString(out, c.wrapped(greeting)); err != nil {
		return err
	}
	failures := 0
	for {
		if _, err := io.WriteString(out, c.prompt); err != nil {
			return err
		}
		if last {
			fmt.Fprintln(out)
			return ended
		}
		var r readResult
		select {
		case <-ctx.Done():
			fmt.Fprintln(out)
			return nil
		case want <- struct{}{}:
		}
		select {
		case <-ctx.Done():
			fmt.Fprintln(out)
			return nil
		case r = <-results:
		}
		if r.err != nil {
			last = true
			if !errors.Is(r.err, io.EOF) {
				ended = fmt.Errorf("read input: %w", r.err)
			}
			if r.line == "" {
				fmt.Fprintln(out)
				return ended
			}
		}
		line := strings.TrimSpace(r.line)
		switch strings.ToLower(line) {
		case "":
			continue
		case "quit", "exit", "/quit", "/exit":
			return nil
		case "help", "?", "/help":
			if _, err := io.WriteString(out, c.wrapped(help)); err != nil {
				return err
			}
			continue
		}
		q, err := answer.ParseQuestion(line)
		if err != nil {
			msg, ok := answer.UserMessage(err)
			if !ok {
				msg = sorry
			}
			if _, err := io.WriteString(out, c.wrapped(Clean(msg))); err != nil {
				return err
			}
			continue
		}
		a, err := c.ans.Ask(ctx, q)
		if msg, ok := answer.UserMessage(err); ok {
			io.WriteString(out, c.wrapped(Clean(msg)))
			continue
		}
		switch {
		case err != nil && ctx.Err() != nil:
			fmt.Fprintln(out)
			return nil
		case err != nil:
			// One bad question should not end the session; an index that
			// keeps failing does, and the caller reports why.
			failures++
			if failures == maxFailures {
				return fmt.Errorf("answer %q: %w", q.Text, err)
			}
			io.WriteString(out, c.wrapped(sorry))
			continue
		}
		failures = 0
		if c.width != nil {
			RenderWidth(out, a, c.width())
		} else {
			Render(out, a)
		}
	}
}

// wrapped is text with a final newline, each line wrapped at the chat's
// width (keeping its indentation) when it has one.
func (c *chat) wrapped(text string) string {
	if c.width == nil {
		return text + "\n"
	}
	return wrapLines(text, c.width())
}

// sorry is the reply when the engine fails; the error itself is not shown.
const sorry = "Sorry, something went wrong searching the briefings. Try another question."

// maxFailures is how many engine failures in a row end the session.
const maxFailures = 3

// readResult is a line read, or the error that ended the input.
type readResult struct {
	line string
	err  error
}

// reader reads a line each time want receives, until an error (the end of
// input included) or done.
func (c *chat) reader(want <-chan struct{}, results chan<- readResult, done <-chan struct{}) {
	for {
		select {
		case <-want:
		case <-done:
			return
		}
		line, err := c.read()
		select {
		case results <- readResult{line, err}:
		case <-done:
			return
		}
		if err != nil {
			return
		}
	}
}

// readLine reads one line without its end of line, keeping at most maxLine
// bytes of it.
func readLine(r *bufio.Reader) (string, error) {
	var b []byte
	for {
		chunk, isPrefix, err := r.ReadLine()
		if len(b) < maxLine {
			b = append(b, chunk[:min(len(chunk), maxLine-len(b))]...)
		}
		if err != nil {
			return string(b), err
		}
		if !isPrefix {
			return string(b), nil
		}
	}
}
