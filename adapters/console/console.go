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
  source:whitehouse.gov  documents of one publisher
  speaker:psaki          what one speaker said (speaker:jake_sullivan for two words)
Type quit, or press Ctrl-D, to leave.`

const prompt = "> "

// Run chats on in and out until quit, exit, the end of input or the end of
// ctx. Only a failure to write, to read or of the engine's index is an error.
func Run(ctx context.Context, ans answerer, in io.Reader, out io.Writer) error {
	lines := make(chan string)
	readErr := make(chan error, 1)
	// The reader cannot be interrupted, so it is left blocked on in when ctx
	// ends; it exits on the next line or at the end of input.
	done := make(chan struct{})
	defer close(done)
	go func() {
		readErr <- readLines(in, lines, done)
		close(lines)
	}()

	if _, err := fmt.Fprintln(out, greeting); err != nil {
		return err
	}
	failures := 0
	for {
		if _, err := io.WriteString(out, prompt); err != nil {
			return err
		}
		var line string
		var ok bool
		select {
		case <-ctx.Done():
			fmt.Fprintln(out)
			return nil
		case line, ok = <-lines:
		}
		if !ok {
			fmt.Fprintln(out)
			return <-readErr
		}
		line = strings.TrimSpace(line)
		switch strings.ToLower(line) {
		case "":
			continue
		case "quit", "exit", "/quit", "/exit":
			return nil
		case "help", "?", "/help":
			if _, err := fmt.Fprintln(out, help); err != nil {
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
			if _, err := fmt.Fprintln(out, Clean(msg)); err != nil {
				return err
			}
			continue
		}
		a, err := ans.Ask(ctx, q)
		if msg, ok := answer.UserMessage(err); ok {
			fmt.Fprintln(out, Clean(msg))
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
			fmt.Fprintln(out, sorry)
			continue
		}
		failures = 0
		Render(out, a)
	}
}

// sorry is the reply when the engine fails; the error itself is not shown.
const sorry = "Sorry, something went wrong searching the briefings. Try another question."

// maxFailures is how many engine failures in a row end the session.
const maxFailures = 3

// readLines sends each line of in to lines, cutting lines longer than
// maxLine, until the end of in or done.
func readLines(in io.Reader, lines chan<- string, done <-chan struct{}) error {
	r := bufio.NewReaderSize(in, 64<<10)
	for {
		line, err := readLine(r)
		if err != nil && line == "" {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read input: %w", err)
		}
		select {
		case lines <- line:
		case <-done:
			return nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read input: %w", err)
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
