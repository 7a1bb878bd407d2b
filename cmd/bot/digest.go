package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/briefbot/briefbot/adapters/console"
	"github.com/briefbot/briefbot/answer"
)

// errPostUnconfigured is returned by digest --post when no platform is
// enabled.
var errPostUnconfigured = errors.New("digest --post needs Slack or Discord configured (see docs/digest.md)")

const digestUsage = `Usage: bot digest [--since 24h|--since 2021-12-06] [--until ...] [--corpus PATH] [--index DIR] [--post]

Prints the digest of the documents published in the period: dated in it,
or indexed in it and dated at most two days before it (an archive indexed
today is not today's news; undated documents count from when they were
indexed). Stories come in order of newsworthiness (briefings, statements
and remarks before readouts and fact sheets, proclamations and nominations
last); for each, its title, publisher, date, kind and link, and its two or
three most informative sentences quoted verbatim with their speakers; the
same text from other outlets and other coverage of the same event are
listed under it, never as stories of their own. Refreshes the index in DATA_DIR/index first (stop a running bot:
only one process can open the index).

With --post, posts the digest to every subscribed channel now and records
it, as the daily schedule would (see docs/digest.md); --since and --until
do not apply.

Flags:`

func runDigest(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("digest", digestUsage)
	sinceFlag := fs.String("since", "24h", "start of the period: a duration back from now (24h, 72h, 7d), a date (2021-12-06, from its midnight UTC) or an RFC 3339 time")
	untilFlag := fs.String("until", "", "end of the period, in the same forms; a date includes that whole day (default: now)")
	where := locationFlags(fs)
	maxStories := fs.Int("max", answer.MaxDigestStories, "most stories to show; the rest are counted (fewer when they would not fit one chat message, which the digest then says)")
	post := fs.Bool("post", false, "post the digest to the subscribed Slack and Discord channels instead of printing it")
	if err := parseFlags(fs, args, 0, "digest takes no arguments, got %q"); err != nil {
		return err
	}
	if *maxStories < 1 {
		return usageError(fmt.Sprintf("--max %d: want at least 1", *maxStories))
	}
	now := m.now()
	since, err := parseWhen(*sinceFlag, now, false)
	if err != nil {
		return usageError("--since: " + err.Error())
	}
	until := now
	if *untilFlag != "" {
		if until, err = parseWhen(*untilFlag, now, true); err != nil {
			return usageError("--until: " + err.Error())
		}
	}
	if !since.Before(until) {
		return usageError(fmt.Sprintf("--since %s is not before --until %s", *sinceFlag, orNow(*untilFlag)))
	}
	if err := m.configure(where); err != nil {
		return err
	}
	if *post && !m.cfg.canPostDigests() {
		return errPostUnconfigured
	}
	s, err := m.openSession(ctx, where.refresh)
	if err != nil {
		return err
	}
	defer s.Close()
	eng := s.eng
	if *post {
		return m.postDigestNow(ctx, eng)
	}
	if *untilFlag == "" {
		until = m.now() // documents the refresh just added are new
	}
	dg, err := eng.DigestN(ctx, since, until, *maxStories)
	if err != nil {
		return fmt.Errorf("compose digest: %w", err)
	}
	printDigest(m.stdout, dg, *sinceFlag, orNow(*untilFlag))
	return nil
}

// postDigestNow posts the digest to every subscribed channel, since each
// channel's last one, and records it.
func (m *Main) postDigestNow(ctx context.Context, eng *answer.Engine) error {
	sh, err := m.openShared(ctx)
	if err != nil {
		return err
	}
	defer sh.Close()
	_, sched, err := m.newScheduler(ctx, eng, sh)
	if err != nil {
		return err
	}
	return sched.PostNow(ctx)
}

func orNow(s string) string {
	if s == "" {
		return "now"
	}
	return s
}

// parseWhen reads a point in time relative to now: a duration back from
// now ("24h", "90m", "7d"), a date ("2021-12-06") or an RFC 3339 time. A
// date starts the period at its midnight UTC, so that documents dated that
// day count; as the end of a period (end is set) it includes the whole day.
func parseWhen(s string, now time.Time, end bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if day, err := time.Parse(time.DateOnly, s); err == nil {
		if end {
			return day.AddDate(0, 0, 1).Add(-time.Nanosecond), nil
		}
		// The period is (since, until]: a document dated at the midnight
		// that starts the day is in it.
		return day.Add(-time.Nanosecond), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.ParseDuration(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, nerr := strconv.Atoi(days)
		d, err = time.Duration(n)*24*time.Hour, nerr
	}
	if err != nil || d <= 0 {
		return time.Time{}, fmt.Errorf("%q: want a duration such as 24h or 7d, a date such as 2021-12-06, or an RFC 3339 time", s)
	}
	return now.Add(-d), nil
}

// printDigest writes the digest as plain text for a terminal.
func printDigest(w io.Writer, dg answer.Digest, since, until string) {
	dg = cleanDigest(dg)
	period := fmt.Sprintf("since %s until %s", since, until)
	if len(dg.Stories) == 0 {
		fmt.Fprintf(w, "Nothing new %s.\n", period)
		return
	}
	stories := "stories"
	if len(dg.Stories)+dg.More == 1 {
		stories = "story"
	}
	fmt.Fprintf(w, "Digest: %d %s %s\n", len(dg.Stories)+dg.More, stories, period)
	for i, s := range dg.Stories {
		fmt.Fprintf(w, "\n%d. %s\n", i+1, s.Title)
		var meta []string
		for _, m := range []string{s.Source, day(s.Date), s.Kind} {
			if m != "" {
				meta = append(meta, m)
			}
		}
		if len(meta) > 0 {
			fmt.Fprintf(w, "   %s\n", strings.Join(meta, " · "))
		}
		if s.URL != "" {
			fmt.Fprintf(w, "   %s\n", s.URL)
		}
		for _, q := range s.Sentences {
			for j, line := range wrap(q.Text, 92) {
				prefix := "   > "
				if j > 0 {
					prefix = "     "
				}
				fmt.Fprintf(w, "%s%s\n", prefix, line)
			}
			if q.Speaker != "" {
				fmt.Fprintf(w, "     — %s\n", q.Speaker)
			}
		}
		if len(s.Also) > 0 {
			fmt.Fprintf(w, "   Also reported by:\n")
			for _, l := range s.Also {
				fmt.Fprintf(w, "     - %s\n", linkLine(l))
			}
		}
		if len(s.Related) > 0 {
			fmt.Fprintf(w, "   Related:\n")
			for _, l := range s.Related {
				line := l.Title
				if l.URL != "" {
					line += " " + l.URL
				}
				fmt.Fprintf(w, "     - %s\n", line)
			}
		}
	}
	switch {
	case dg.CutForSize > 0:
		fmt.Fprintf(w, "\n…and %d more not shown, %d of them to keep the digest within one Slack or Discord message (about %d characters; --max cannot raise that).\n",
			dg.More, dg.CutForSize, answer.MaxDigestChars)
	case dg.More > 0:
		fmt.Fprintf(w, "\n…and %d more not shown.\n", dg.More)
	}
}

func linkLine(l answer.Link) string {
	parts := []string{}
	for _, p := range []string{l.Source, day(l.Date), l.URL} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return l.Title
	}
	return strings.Join(parts, " · ") + " (" + l.Title + ")"
}

// wrap breaks text at spaces into lines of at most width characters (a
// longer word gets a line of its own).
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width:
			lines = append(lines, line)
			line = word
		default:
			line += " " + word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// cleanDigest strips terminal control sequences from every field that comes
// from a document: document text is untrusted.
func cleanDigest(dg answer.Digest) answer.Digest {
	link := func(ls []answer.Link) []answer.Link {
		out := make([]answer.Link, len(ls))
		for i, l := range ls {
			l.Title, l.URL, l.Source = console.Clean(l.Title), console.Clean(l.URL), console.Clean(l.Source)
			out[i] = l
		}
		return out
	}
	stories := make([]answer.Story, len(dg.Stories))
	for i, s := range dg.Stories {
		s.Title, s.URL, s.Source, s.Kind = console.Clean(s.Title), console.Clean(s.URL), console.Clean(s.Source), console.Clean(s.Kind)
		qs := make([]answer.Quote, len(s.Sentences))
		for j, q := range s.Sentences {
			q.Text, q.Speaker = console.Clean(q.Text), console.Clean(q.Speaker)
			qs[j] = q
		}
		s.Sentences, s.Also, s.Related = qs, link(s.Also), link(s.Related)
		stories[i] = s
	}
	dg.Stories = stories
	return dg
}
