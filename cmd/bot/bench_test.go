package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBenchQuestionsParse(t *testing.T) {
	qs, err := parseBenchQuestions(benchQuestions, "built-in questions")
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) < 200 {
		t.Errorf("built-in question set has %d questions, want at least 200", len(qs))
	}
	seen := make(map[string]bool)
	for _, q := range qs {
		if q.Text == "" || seen[q.Text] {
			t.Errorf("empty or repeated question %q", q.Text)
		}
		seen[q.Text] = true
	}
}

func TestParseBenchQuestions(t *testing.T) {
	qs, err := parseBenchQuestions([]byte("# comment\n\n  Who? \nspeaker:psaki inflation\n"), "f")
	if err != nil || len(qs) != 2 || qs[0].Text != "Who?" || qs[1].Speaker != "psaki" || qs[1].Text != "inflation" {
		t.Errorf("parseBenchQuestions = %+v, %v", qs, err)
	}
	for _, src := range []string{"# only comments\n\n", "since:yesterday tariffs\n"} {
		if _, err := parseBenchQuestions([]byte(src), "f"); err == nil {
			t.Errorf("parseBenchQuestions(%q) succeeded, want an error", src)
		}
	}
}

func benchRun(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string {
		if k == "BOT_ENV_FILE" {
			return filepath.Join(t.TempDir(), "none.env")
		}
		return ""
	}
	err := run(context.Background(), append([]string{"bench"}, args...), getenv, strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestBenchJSON(t *testing.T) {
	qfile := filepath.Join(t.TempDir(), "q.txt")
	if err := os.WriteFile(qfile, []byte("Will the US send troops to Ukraine?\nWhat did the press secretary say about inflation?\nzzzqqq\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "index")
	out, stderr, err := benchRun(t, "--json", "--questions", qfile, "--index", dir, "--rounds", "2")
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, stderr)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("bench --json output is not one JSON object: %v\n%s", err, out)
	}
	for _, k := range []string{"docs", "passages", "build_s", "docs_per_s", "index_bytes", "questions",
		"p50_ms", "p95_ms", "p99_ms", "raw_p50_ms", "raw_p95_ms", "raw_p99_ms", "ratio_p95", "peak_rss_mb", "slowest"} {
		if _, ok := r[k]; !ok {
			t.Errorf("bench --json has no %q", k)
		}
	}
	if r["docs"] != 5.0 || r["questions"] != 3.0 || r["rounds"] != 2.0 {
		t.Errorf("bench --json docs, questions, rounds = %v, %v, %v; want 5, 3, 2", r["docs"], r["questions"], r["rounds"])
	}
	for _, k := range []string{"passages", "index_bytes", "p50_ms", "raw_p50_ms", "ratio_p95", "peak_rss_mb"} {
		if v, _ := r[k].(float64); v <= 0 {
			t.Errorf("bench --json %s = %v, want > 0", k, r[k])
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "docs.db")); err != nil {
		t.Errorf("--index %s: no index kept there: %v", dir, err)
	}
}

func TestBenchText(t *testing.T) {
	qfile := filepath.Join(t.TempDir(), "q.txt")
	if err := os.WriteFile(qfile, []byte("Will the US send troops to Ukraine?\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := benchRun(t, "--questions", qfile, "--rounds", "1")
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, stderr)
	}
	for _, want := range []string{"answer", "raw match", "ratio p95", "peak RSS", "build", "<= 90 s", "<= 50 ms", "<= 2.0", "<= 400 MB"} {
		if !strings.Contains(out, want) {
			t.Errorf("bench output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "PASS ") + strings.Count(out, "FAIL "); n != 4 {
		t.Errorf("bench output has %d PASS/FAIL lines, want 4:\n%s", n, out)
	}
}

func TestBenchUsage(t *testing.T) {
	if _, stderr, err := benchRun(t, "--help"); err != nil || !strings.Contains(stderr, "Usage: bot bench") {
		t.Errorf("bench --help = %v, usage %q", err, stderr)
	}
	tests := [][]string{{"--nope"}, {"extra"}, {"--rounds", "0"}}
	for _, args := range tests {
		_, _, err := benchRun(t, args...)
		if _, ok := err.(usageError); !ok {
			t.Errorf("bench %q error = %v, want a usage error", args, err)
		}
	}
	if _, _, err := benchRun(t, "--questions", filepath.Join(t.TempDir(), "missing.txt")); err == nil {
		t.Errorf("bench with a missing question file succeeded")
	}
}

func TestPeakRSS(t *testing.T) {
	mb, src := peakRSSMB()
	if mb <= 0 || src == "" {
		t.Errorf("peakRSSMB() = %v, %q", mb, src)
	}
}

func TestBenchRefusesForeignIndexDir(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := benchRun(t, "--index", dir, "--rounds", "1")
	if err == nil || !strings.Contains(err.Error(), "not an index directory") {
		t.Errorf("bench --index (a folder of other files) error = %v, want a refusal", err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("bench --index removed the files in %s: %v", dir, err)
	}
}
