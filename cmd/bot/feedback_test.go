package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/feedback"
	"github.com/briefbot/briefbot/postgres"
	"github.com/briefbot/briefbot/postgres/pgtest"
)

// someFeedback is what the buttons record: a helpful verdict from Slack a
// week ago and a not-helpful one from Discord an hour ago.
func someFeedback(now time.Time) []feedback.Feedback {
	return []feedback.Feedback{
		{Question: "will the US send troops to Ukraine?", Verdict: feedback.Helpful, Platform: "slack", ChannelID: "C1", UserID: "U1",
			At: now.Add(-7 * 24 * time.Hour), Quotes: []feedback.Quote{{DocID: "2022-02-15-press-briefing", Start: 100, End: 184, Text: "The President has been clear.\nNo troops."}}},
		{Question: "troops speaker:kirby since:2023-01-01", Verdict: feedback.NotHelpful, Platform: "discord", ChannelID: "300", UserID: "7",
			At: now.Add(-time.Hour), Quotes: []feedback.Quote{{DocID: "kirby-2023", Start: 5, End: 40, Text: "We'll see\x1b[31m."}}},
	}
}

func TestFeedbackCommand(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	cl := newCLI(t)
	if out, _, err := cl.run("", "feedback"); err != nil || !strings.Contains(out, "No feedback recorded.") {
		t.Errorf("bot feedback with no store = %q, %v", out, err)
	}
	store, err := feedback.OpenBolt(filepath.Join(cl.env["DATA_DIR"], "feedback.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range someFeedback(now) {
		if err := store.Record(context.Background(), f); err != nil {
			t.Fatal(err)
		}
	}
	// The store stays open, as in a running bot serve.
	out, _, err := cl.run("", "feedback")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"helpful  slack C1 U1", "Q: will the US send troops to Ukraine?", "> 2022-02-15-press-briefing [100:184] The President has been clear. No troops.",
		"not helpful  discord 300 7", "Q: troops speaker:kirby since:2023-01-01", "2 verdicts: 1 helpful, 1 not helpful",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("bot feedback lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("bot feedback printed an escape sequence:\n%q", out)
	}

	out, _, err = cl.run("", "feedback", "--since", "24h", "--json")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("bot feedback --since 24h --json = %d lines, want 1:\n%s", len(lines), out)
	}
	var f feedback.Feedback
	if err := json.Unmarshal([]byte(lines[0]), &f); err != nil {
		t.Fatal(err)
	}
	if f.Verdict != feedback.NotHelpful || f.Question != "troops speaker:kirby since:2023-01-01" || len(f.Quotes) != 1 || f.Quotes[0].DocID != "kirby-2023" || !f.At.Equal(now.Add(-time.Hour)) {
		t.Errorf("bot feedback --json = %+v", f)
	}
	since := now.Add(-8 * 24 * time.Hour).Format(time.DateOnly)
	if out, _, _ := cl.run("", "feedback", "--since", since); !strings.Contains(out, "2 verdicts") {
		t.Errorf("bot feedback --since %s = %s, want both", since, out)
	}
	if _, _, err := cl.run("", "feedback", "--since", "yesterday"); err == nil || !strings.Contains(err.Error(), "--since") {
		t.Errorf("bot feedback --since yesterday = %v, want a usage error", err)
	}
}

func TestFeedbackCommandPostgres(t *testing.T) {
	url := pgtest.URL(t)
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now().UTC().Truncate(time.Second)
	for _, f := range someFeedback(now) {
		if err := db.Feedback().Record(context.Background(), f); err != nil {
			t.Fatal(err)
		}
	}
	cl := newCLI(t)
	cl.env["DATABASE_URL"] = url
	out, _, err := cl.run("", "feedback", "--since", "2d")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "1 verdict: 0 helpful, 1 not helpful") || !strings.Contains(out, "discord 300 7") {
		t.Errorf("bot feedback from PostgreSQL = %s", out)
	}
}
