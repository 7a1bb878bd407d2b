package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/answer"
)

// runBot runs the command line with DATA_DIR in a temporary directory and
// no .env file.
func runBot(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	vars := map[string]string{
		"DATA_DIR":     t.TempDir(),
		"BOT_ENV_FILE": filepath.Join(t.TempDir(), "none.env"),
	}
	for k, v := range env {
		vars[k] = v
	}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return vars[k] }, strings.NewReader(""), &stdout, &stderr)
	if stderr.Len() > 0 {
		t.Logf("stderr: %s", stderr.String())
	}
	return stdout.String(), err
}

var seedTitles = []string{
	"White House: US prepared to provide military 'reassurance' to NATO allies if Russia invades Ukraine",
	"President Joe Biden will speak with Ukrainian President Volodymyr Zelenskiy Thursday",
	"White House officials are downplaying the possibility of a looming military conflict",
	"Background Press Call by Senior Administration Officials on President Biden’s Upcoming Call",
	"Biden Putin to speak as tensions over Ukraine threaten to boil over",
}

func TestDigestCommand(t *testing.T) {
	out, err := runBot(t, nil, "digest", "--since", "2021-12-01")
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range seedTitles {
		if !strings.Contains(out, title) {
			t.Errorf("digest output misses %q:\n%s", title, out)
		}
	}
	for _, want := range []string{
		"Digest: 2 stories since 2021-12-01 until now",
		"whitehouse.gov · 2021-12-06 · press-briefings",
		"https://www.whitehouse.gov/briefing-room/press-briefings/2021/12/06/",
		"   > As you all know, President Biden and President Putin will hold a secure video call",
		"     — SENIOR ADMINISTRATION OFFICIAL",
		"Related:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("digest output misses %q:\n%s", want, out)
		}
	}
}

func TestDigestCommandPeriod(t *testing.T) {
	// Only the transcript is dated in the first ten days of December; the
	// other seeds are undated or dated later, and were indexed today.
	out, err := runBot(t, nil, "digest", "--since", "2021-12-01", "--until", "2021-12-10")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Digest: 1 story") || !strings.Contains(out, seedTitles[3]) || strings.Contains(out, seedTitles[4]) {
		t.Errorf("digest of Dec 1-10 =\n%s\nwant only the background call", out)
	}
	out, err = runBot(t, nil, "digest", "--since", "2021-12-01", "--max", "1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "…and 1 more not shown.") {
		t.Errorf("digest --max 1 =\n%s\nwant 1 more", out)
	}
}

func TestDigestCommandErrors(t *testing.T) {
	tests := []struct {
		args  []string
		env   map[string]string
		want  string
		usage bool
	}{
		{[]string{"digest", "--since", "yesterday"}, nil, "--since", true},
		{[]string{"digest", "--until", "-3h"}, nil, "--until", true},
		{[]string{"digest", "--since", "2021-12-10", "--until", "2021-12-01"}, nil, "not before", true},
		{[]string{"digest", "extra"}, nil, "no arguments", true},
		{[]string{"digest", "--post"}, nil, "digest --post needs Slack or Discord configured (see docs/digest.md)", false},
	}
	for _, tt := range tests {
		_, err := runBot(t, tt.env, tt.args...)
		var u usageError
		if err == nil || !strings.Contains(err.Error(), tt.want) || errors.As(err, &u) != tt.usage {
			t.Errorf("run(%q) = %v, want an error with %q (usage %v)", tt.args, err, tt.want, tt.usage)
		}
	}
}

func TestParseWhen(t *testing.T) {
	now := time.Date(2022, 3, 10, 12, 0, 0, 0, time.UTC)
	midnight := time.Date(2021, 12, 6, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		end  bool
		want time.Time
	}{
		{"24h", false, now.Add(-24 * time.Hour)},
		{"90m", false, now.Add(-90 * time.Minute)},
		{"7d", false, now.AddDate(0, 0, -7)},
		{"2021-12-06", false, midnight.Add(-time.Nanosecond)},
		{"2021-12-06", true, midnight.AddDate(0, 0, 1).Add(-time.Nanosecond)},
		{"2021-12-06T10:00:00-05:00", false, midnight.Add(15 * time.Hour)},
	}
	for _, tt := range tests {
		got, err := parseWhen(tt.in, now, tt.end)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseWhen(%q, end %v) = %v, %v, want %v", tt.in, tt.end, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "-24h", "0s", "xd", "2021-13-01"} {
		if _, err := parseWhen(bad, now, false); err == nil {
			t.Errorf("parseWhen(%q) succeeded, want an error", bad)
		}
	}
}

func TestPrintDigestStripsControlSequences(t *testing.T) {
	dg := answer.Digest{Stories: []answer.Story{{
		Title:     "Evil\x1b]0;pwned\x07\x1b[2J title",
		URL:       "https://example.gov/\x1b[31mred",
		Sentences: []answer.Quote{{Text: "Quote \x1b[1mbold\x1b[0m text.", Speaker: "MS.\x1b[5m PSAKI"}},
		Also:      []answer.Link{{Title: "Copy\x1b[2J", URL: "https://example.org/"}},
	}}}
	var b strings.Builder
	printDigest(&b, dg, "yesterday", "now")
	if strings.ContainsRune(b.String(), '\x1b') || strings.ContainsRune(b.String(), '\x07') {
		t.Fatalf("digest output holds control characters: %q", b.String())
	}
	if !strings.Contains(b.String(), "title") || !strings.Contains(b.String(), "bold") {
		t.Fatalf("digest output lost the text: %q", b.String())
	}
}
