package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/briefbot/briefbot/adapters/console"
	"github.com/briefbot/briefbot/feedback"
	"github.com/briefbot/briefbot/postgres"
)

const feedbackUsage = `Usage: bot feedback [--since 24h|7d|2026-11-01] [--json]

Lists the verdicts people gave answers with the Helpful and Not helpful
buttons in Slack and Discord, oldest first: when, the verdict, where
(platform, channel and user IDs), the question as it can be asked again
(its filters written out: speaker:, since:, until:, source:), and the
quotes the answer showed (document, byte span, text). Turn the bad ones
into eval questions (docs/slack.md, "Feedback").

Reads DATA_DIR/feedback.db, also while bot serve runs and records to it,
or with DATABASE_URL the feedback every replica shares.

Flags:`

func runFeedback(ctx context.Context, m *Main, args []string) error {
	fls := m.flagSet("feedback", feedbackUsage)
	sinceFlag := fls.String("since", "", "list only what was recorded since: a duration back from now (24h, 7d), a date (2026-11-01) or an RFC 3339 time (default: everything)")
	asJSON := fls.Bool("json", false, "print one JSON object a line: question, quotes, verdict, platform, channel_id, user_id, at")
	if err := parseFlags(fls, args, 0, "feedback takes no arguments, got %q"); err != nil {
		return err
	}
	var since time.Time
	if *sinceFlag != "" {
		var err error
		if since, err = parseWhen(*sinceFlag, m.now(), false); err != nil {
			return usageError("--since: " + err.Error())
		}
	}
	if err := m.configure(nil); err != nil {
		return err
	}
	list, err := m.listFeedback(ctx, since)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(m.stdout)
		for _, f := range list {
			if err := enc.Encode(f); err != nil {
				return err
			}
		}
		return nil
	}
	printFeedback(m.stdout, list)
	return nil
}

// listFeedback reads the feedback recorded since, from PostgreSQL with
// DATABASE_URL, else from DATA_DIR; a bot that never recorded any has
// none.
func (m *Main) listFeedback(ctx context.Context, since time.Time) ([]feedback.Feedback, error) {
	if m.cfg.DatabaseURL != "" {
		db, err := postgres.Open(ctx, m.cfg.DatabaseURL)
		if err != nil {
			return nil, err
		}
		defer db.Close()
		return db.Feedback().List(ctx, since)
	}
	path := m.cfg.feedbackStore()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	store, err := feedback.OpenBolt(path)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	return store.List(ctx, since)
}

// printFeedback writes the list for a terminal, then how many of each
// verdict. Text from people and documents is cleaned of control
// characters.
func printFeedback(w io.Writer, list []feedback.Feedback) {
	if len(list) == 0 {
		fmt.Fprintln(w, "No feedback recorded.")
		return
	}
	counts := make(map[string]int)
	for _, f := range list {
		counts[f.Verdict]++
		fmt.Fprintf(w, "%s  %s  %s %s %s\n", f.At.UTC().Format("2006-01-02 15:04 UTC"), verdictName(f.Verdict),
			console.Clean(f.Platform), console.Clean(f.ChannelID), console.Clean(f.UserID))
		fmt.Fprintf(w, "  Q: %s\n", oneLine(f.Question))
		for _, q := range f.Quotes {
			fmt.Fprintf(w, "  > %s [%d:%d] %s\n", console.Clean(q.DocID), q.Start, q.End, oneLine(q.Text))
		}
	}
	noun := "verdicts"
	if len(list) == 1 {
		noun = "verdict"
	}
	fmt.Fprintf(w, "\n%d %s: %d helpful, %d not helpful\n", len(list), noun, counts[feedback.Helpful], counts[feedback.NotHelpful])
}

func verdictName(v string) string {
	switch v {
	case feedback.Helpful:
		return "helpful"
	case feedback.NotHelpful:
		return "not helpful"
	}
	return console.Clean(v)
}

// oneLine is s cleaned, on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(console.Clean(s)), " ") }
