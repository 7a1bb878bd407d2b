package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/briefbot/briefbot/adapters/console"
	"github.com/briefbot/briefbot/answer"
)

const askUsage = `Usage: bot ask [--json] [--corpus PATH] [--index DIR] [--refresh] "question"

Answers one question with up to three verbatim quotes from the corpus, each
cited with speaker, title, publisher, date and link, or says that the
corpus does not answer and shows the closest passages. The index is
created or brought up to date first: only the corpus files whose size or
modification time changed since the last run are read (--refresh reads
them all), so on an unchanged corpus this takes a fraction of a second.
Skipped files are reported once, when they change.

Filters anywhere in the question narrow the search:
  since:2021-12-01  until:2022-01-31  source:whitehouse.gov  speaker:psaki
source:whitehouse.gov also matches the archived White House sites
(bidenwhitehouse.archives.gov and the like), where every document of a
past administration now lives.

Flags may come before or after the question; words after -- are all
question. Exit status 2 for a missing question or a bad filter.

Flags:`

func runAsk(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("ask", askUsage)
	asJSON := fs.Bool("json", false, "print the answer as one JSON object")
	where := locationFlags(fs)
	words, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	text := strings.TrimSpace(strings.Join(words, " "))
	if text == "" {
		fs.Usage()
		return usageError(`ask needs a question, such as: bot ask "Will the US send troops to Ukraine?"`)
	}
	q, err := answer.ParseQuestion(text)
	if msg, ok := answer.UserMessage(err); ok {
		return usageError(msg)
	}
	if err != nil {
		return err
	}
	if err := m.configure(where); err != nil {
		return err
	}
	s, err := m.openSession(ctx, where.refresh)
	if err != nil {
		return err
	}
	defer s.Close()
	a, err := s.eng.Ask(ctx, q)
	if msg, ok := answer.UserMessage(err); ok {
		return usageError(msg)
	}
	if err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(m.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(newAskOutput(a))
	}
	console.Render(m.stdout, a)
	return nil
}

// parseInterspersed parses flags that may come before, between or after the
// positional arguments, which it returns. "--" ends the flags. A flag error
// has been printed with the usage by the flag package; -h is not an error.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, usageError("")
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// askOutput is the contract of `bot ask --json`; keep the names stable.
type askOutput struct {
	Question   string        `json:"question"`
	Filters    *filterOutput `json:"filters,omitempty"`
	Quotes     []quoteOutput `json:"quotes"`
	Confidence float64       `json:"confidence"`
	Band       answer.Band   `json:"band"` // high, medium, low, or none
	NoAnswer   bool          `json:"no_answer"`
	// Note says that the speaker or period asked for has nothing that
	// answers; Outside, that the quotes come from outside them.
	Note       string               `json:"note,omitempty"`
	Outside    bool                 `json:"outside,omitempty"`
	Understood answer.Understanding `json:"understood"`
	Related    []quoteOutput        `json:"related"`
	TookMS     float64              `json:"took_ms"`
}

type filterOutput struct {
	Since   string `json:"since,omitempty"`
	Until   string `json:"until,omitempty"`
	Source  string `json:"source,omitempty"`
	Speaker string `json:"speaker,omitempty"`
}

type quoteOutput struct {
	Text    string  `json:"text"`
	Speaker string  `json:"speaker"`
	Title   string  `json:"title"`
	Source  string  `json:"source"`
	Kind    string  `json:"kind"`
	Date    string  `json:"date,omitempty"` // YYYY-MM-DD
	URL     string  `json:"url"`
	DocID   string  `json:"doc_id"`
	Start   int     `json:"start"`
	End     int     `json:"end"`
	Score   float64 `json:"score"`
}

func newAskOutput(a answer.Answer) askOutput {
	out := askOutput{
		Question:   a.Question.Text,
		Quotes:     quoteOutputs(a.Quotes),
		Confidence: a.Confidence,
		Band:       a.Band(),
		NoAnswer:   a.NoAnswer,
		Note:       a.Note,
		Outside:    a.Outside,
		Understood: a.Understood,
		Related:    quoteOutputs(a.Related),
		TookMS:     float64(a.Took.Microseconds()) / 1000,
	}
	f := filterOutput{Since: day(a.Question.Since), Until: day(a.Question.Until), Source: a.Question.Source, Speaker: a.Question.Speaker}
	if f != (filterOutput{}) {
		out.Filters = &f
	}
	return out
}

func quoteOutputs(qs []answer.Quote) []quoteOutput {
	out := make([]quoteOutput, 0, len(qs))
	for _, q := range qs {
		out = append(out, quoteOutput{
			Text: q.Text, Speaker: q.Speaker, Title: q.Title, Source: q.Source, Kind: q.Kind,
			Date: day(q.Date), URL: q.URL, DocID: q.DocID, Start: q.Start, End: q.End, Score: q.Score,
		})
	}
	return out
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}
