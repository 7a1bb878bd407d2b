package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// cli runs the bot as a process would, with DATA_DIR in a fresh temporary
// directory unless env says otherwise.
type cli struct {
	t   *testing.T
	env map[string]string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	return &cli{t: t, env: map[string]string{
		"DATA_DIR":     t.TempDir(),
		"BOT_ENV_FILE": filepath.Join(t.TempDir(), "no.env"),
	}}
}

func (c *cli) run(stdin string, args ...string) (stdout, stderr string, err error) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, func(k string) string { return c.env[k] }, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func sampleDocs(t *testing.T) map[string]corpus.Document {
	t.Helper()
	docs, _, err := corpus.LoadFS(corpus.Sample(), ".")
	if err != nil {
		t.Fatal(err)
	}
	byID := make(map[string]corpus.Document)
	for _, d := range docs {
		byID[d.ID] = d
	}
	return byID
}

func TestAsk(t *testing.T) {
	c := newCLI(t)
	out, stderr, err := c.run("", "ask", "Will the US send troops to Ukraine?")
	if err != nil {
		t.Fatalf("bot ask = %v\nstderr: %s", err, stderr)
	}
	if !strings.Contains(out, "“") || !strings.Contains(out, "  — ") || !strings.Contains(out, "(confidence: ") {
		t.Errorf("bot ask printed no cited quote:\n%s", out)
	}
	titled := false
	flat := strings.Join(strings.Fields(out), " ")
	for _, d := range sampleDocs(t) {
		title := strings.Join(strings.Fields(d.Title), " ")
		if strings.Contains(flat, title[:min(30, len(title))]) {
			titled = true
		}
	}
	if !titled {
		t.Errorf("bot ask cites no title of the sample:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(c.env["DATA_DIR"], "index", "docs.db")); err != nil {
		t.Errorf("bot ask left no index in DATA_DIR/index: %v", err)
	}
}

func TestAskJSON(t *testing.T) {
	c := newCLI(t)
	// Flags after the question work too.
	out, stderr, err := c.run("", "ask", "Will the US send troops", "to Ukraine?", "--json")
	if err != nil {
		t.Fatalf("bot ask --json = %v\nstderr: %s", err, stderr)
	}
	var got askOutput
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("bot ask --json printed no answer object: %v\n%s", err, out)
	}
	if got.Question != "Will the US send troops to Ukraine?" || got.NoAnswer || len(got.Quotes) == 0 {
		t.Fatalf("bot ask --json = %+v, want quotes for the question", got)
	}
	docs := sampleDocs(t)
	for _, q := range got.Quotes {
		d, ok := docs[q.DocID]
		if !ok {
			t.Errorf("quote cites %q, not a document of the sample", q.DocID)
			continue
		}
		if q.Start < 0 || q.End > len(d.Body) || q.Start >= q.End || d.Body[q.Start:q.End] != q.Text {
			t.Errorf("quote %q is not Body[%d:%d] of %s", q.Text, q.Start, q.End, q.DocID)
		}
		if q.Title == "" || q.Title != d.Title {
			t.Errorf("quote of %s has title %q, want %q", q.DocID, q.Title, d.Title)
		}
		if q.Date != "" {
			if _, err := time.Parse("2006-01-02", q.Date); err != nil {
				t.Errorf("quote date %q is not YYYY-MM-DD", q.Date)
			}
		}
	}
	// The field names are a contract.
	for _, field := range []string{`"question"`, `"quotes"`, `"text"`, `"speaker"`, `"title"`, `"source"`, `"kind"`, `"url"`, `"doc_id"`, `"start"`, `"end"`, `"score"`, `"confidence"`, `"no_answer"`, `"related"`, `"took_ms"`} {
		if !strings.Contains(out, field) {
			t.Errorf("bot ask --json lacks %s:\n%s", field, out)
		}
	}
}

func TestAskFilters(t *testing.T) {
	c := newCLI(t)
	out, stderr, err := c.run("", "ask", "--json", "--", "troops to Ukraine since:2021-12-01 until:2021-12 source:www.WashingtonTimes.com")
	if err != nil {
		t.Fatalf("bot ask = %v\nstderr: %s", err, stderr)
	}
	var got askOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	want := filterOutput{Since: "2021-12-01", Until: "2021-12-31", Source: "washingtontimes.com"}
	if got.Filters == nil || *got.Filters != want {
		t.Errorf("bot ask filters = %+v, want %+v", got.Filters, want)
	}
	for _, q := range append(got.Quotes, got.Related...) {
		if q.Source != "washingtontimes.com" {
			t.Errorf("source:washingtontimes.com quoted %s (%s)", q.DocID, q.Source)
		}
	}
}

func TestAskNoAnswer(t *testing.T) {
	c := newCLI(t)
	out, stderr, err := c.run("", "ask", "What is the recipe for banana bread?")
	if err != nil {
		t.Fatalf("bot ask = %v\nstderr: %s", err, stderr)
	}
	if !strings.HasPrefix(out, "The briefings don't answer that.\n") || strings.Contains(out, "(confidence") {
		t.Errorf("bot ask (unanswerable) =\n%s\nwant the no-answer reply", out)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in the error
	}{
		{"ask without a question", []string{"ask"}, "ask needs a question"},
		{"ask with a blank question", []string{"ask", "  ", ""}, "ask needs a question"},
		{"ask with a bad date", []string{"ask", "troops since:notadate"}, "since:notadate is not a date"},
		{"ask until before since", []string{"ask", "troops since:2022-01-01 until:2021-01-01"}, "until: is before since:"},
		{"ask with only filters", []string{"ask", "speaker:psaki"}, "no words to search for"},
		{"ask with an unknown flag", []string{"ask", "--frob", "troops"}, ""},
		{"chat with an argument", []string{"chat", "troops?"}, "chat takes no arguments"},
		{"index with an argument", []string{"index", "corpus"}, "index takes no arguments"},
		{"unknown command", []string{"frob"}, `unknown command "frob"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t)
			_, stderr, err := c.run("", tt.args...)
			var u usageError
			if !errors.As(err, &u) {
				t.Fatalf("bot %q = %v, want a usage error", tt.args, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("bot %q = %q, want it to say %q", tt.args, err, tt.want)
			}
			if tt.want == "" && !strings.Contains(stderr, "Usage:") {
				t.Errorf("bot %q printed no usage on stderr:\n%s", tt.args, stderr)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, cmd := range []string{"ask", "chat", "index"} {
		t.Run(cmd, func(t *testing.T) {
			c := newCLI(t)
			_, stderr, err := c.run("", cmd, "--help")
			if err != nil {
				t.Errorf("bot %s --help = %v, want nil", cmd, err)
			}
			if !strings.Contains(stderr, "Usage: bot "+cmd) || !strings.Contains(stderr, "-corpus") {
				t.Errorf("bot %s --help printed:\n%s", cmd, stderr)
			}
		})
	}
}

func TestBadLogLevel(t *testing.T) {
	c := newCLI(t)
	c.env["LOG_LEVEL"] = "bogus"
	_, _, err := c.run("", "ask", "troops?")
	if err == nil || !strings.Contains(err.Error(), "LOG_LEVEL") {
		t.Errorf("bot ask with LOG_LEVEL=bogus = %v, want an error naming LOG_LEVEL", err)
	}
}

func TestMissingCorpus(t *testing.T) {
	c := newCLI(t)
	c.env["CORPUS_DIR"] = filepath.Join(t.TempDir(), "nowhere")
	_, _, err := c.run("", "ask", "troops?")
	if err == nil || !strings.Contains(err.Error(), "CORPUS_DIR") {
		t.Errorf("bot ask with a missing CORPUS_DIR = %v, want an error naming CORPUS_DIR", err)
	}
}

func TestIndexTwice(t *testing.T) {
	c := newCLI(t)
	out, stderr, err := c.run("", "index")
	if err != nil {
		t.Fatalf("bot index = %v\nstderr: %s", err, stderr)
	}
	n := len(sampleDocs(t))
	if !strings.HasPrefix(out, "indexed 5 documents ") || !strings.Contains(out, "(5 added, 0 updated, 0 removed, 0 unchanged)") {
		t.Errorf("first bot index printed %q, want %d documents added", out, n)
	}
	out, _, err = c.run("", "index")
	if err != nil {
		t.Fatalf("second bot index = %v", err)
	}
	if !strings.Contains(out, "(0 added, 0 updated, 0 removed, 5 unchanged)") {
		t.Errorf("second bot index printed %q, want all unchanged", out)
	}
	dir := filepath.Join(c.env["DATA_DIR"], "index")
	if !strings.Contains(out, "passages in ") || !strings.Contains(out, "index at "+dir+" (") || !strings.HasSuffix(out, " MB)\n") {
		t.Errorf("bot index summary %q lacks passages, directory or size", out)
	}

	out, _, err = c.run("", "index", "--rebuild")
	if err != nil {
		t.Fatalf("bot index --rebuild = %v", err)
	}
	if !strings.Contains(out, "(5 added, 0 updated, 0 removed, 0 unchanged)") {
		t.Errorf("bot index --rebuild printed %q, want all added afresh", out)
	}
	if leftovers, _ := filepath.Glob(dir + ".tmp-*"); len(leftovers) > 0 {
		t.Errorf("bot index --rebuild left %q behind", leftovers)
	}
}

func TestIndexCorpusChanges(t *testing.T) {
	c := newCLI(t)
	src := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.txt", "Troops\n\nThe United States will not send troops to Ukraine, the official said.\n")
	write("b.txt", "Gas prices\n\nGas prices rose again this week, the department said.\n")
	if _, _, err := c.run("", "index", "--corpus", src); err != nil {
		t.Fatal(err)
	}
	write("a.txt", "Troops\n\nThe United States will send no combat troops to Ukraine, the official said.\n")
	os.Remove(filepath.Join(src, "b.txt"))
	write("c.txt", "Vaccines\n\nThe vaccine mandate takes effect in January, the spokesperson said.\n")
	out, _, err := c.run("", "index", "--corpus", src)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "indexed 2 documents (1 added, 1 updated, 1 removed, 0 unchanged)") {
		t.Errorf("bot index after changes printed %q", out)
	}
}

// TestSampleKeepsFolderIndex: a command given no corpus on an index built
// from a corpus folder says so and leaves the index as it was, rather than
// replacing its documents with the bundled sample's; --rebuild replaces
// them when asked to.
func TestSampleKeepsFolderIndex(t *testing.T) {
	c := newCLI(t)
	src := t.TempDir()
	for i, text := range []string{
		"Troops\n\nThe United States will not send troops to Ukraine, the official said.\n",
		"Gas prices\n\nGas prices rose again this week, the department said.\n",
	} {
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("%d.txt", i)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := c.run("", "index", "--corpus", src); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"ask", "Will the US send troops?"}, {"index"}} {
		_, _, err := c.run("", args...)
		if err == nil || !strings.Contains(err.Error(), "holds the 2 documents of "+src) || !strings.Contains(err.Error(), "--corpus "+src) {
			t.Errorf("bot %s without a corpus on an index of %s: %v, want an error naming the corpus", args[0], src, err)
		}
	}
	out, _, err := c.run("", "ask", "--corpus", src, "Will the US send troops?")
	if err != nil || !strings.Contains(out, "will not send troops") {
		t.Errorf("bot ask --corpus %s afterwards = %v, %q; want the folder's answer", src, err, out)
	}
	out, _, err = c.run("", "index", "--rebuild")
	if err != nil || !strings.Contains(out, "indexed 5 documents") {
		t.Errorf("bot index --rebuild without a corpus = %v, %q; want the sample indexed", err, out)
	}
	if _, _, err := c.run("", "ask", "Will the US send troops to Ukraine?"); err != nil {
		t.Errorf("bot ask on the sample's index after --rebuild = %v", err)
	}
}

// TestIndexEmptyCorpusKeepsIndex: a corpus that turns out to hold no
// documents (only malformed ones here) is an error, reported with the
// skipped files, and the index built before is left as it was.
func TestIndexEmptyCorpusKeepsIndex(t *testing.T) {
	c := newCLI(t)
	if _, _, err := c.run("", "index"); err != nil {
		t.Fatal(err)
	}
	for _, rebuild := range []bool{false, true} {
		src := t.TempDir()
		if err := os.WriteFile(filepath.Join(src, "empty.md"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"index", "--corpus", src}
		if rebuild {
			args = append(args, "--rebuild")
		}
		_, stderr, err := c.run("", args...)
		if err == nil || !strings.Contains(err.Error(), "no documents in "+src) {
			t.Errorf("bot %s = %v, want no documents in %s", strings.Join(args, " "), err, src)
		}
		if want := "skipped " + filepath.Join(src, "empty.md") + ": empty document"; !strings.Contains(stderr, want) {
			t.Errorf("bot %s stderr = %q, want %q", strings.Join(args, " "), stderr, want)
		}
	}
	out, _, err := c.run("", "index")
	if err != nil || !strings.Contains(out, "(0 added, 0 updated, 0 removed, 5 unchanged)") {
		t.Errorf("bot index after failed updates = %q, %v; want the sample unchanged", out, err)
	}
}

// TestIndexOfAnotherVersionIsRebuilt: an index an older bot wrote is
// rebuilt, and the person is told why it took a while.
func TestIndexOfAnotherVersionIsRebuilt(t *testing.T) {
	c := newCLI(t)
	if _, _, err := c.run("", "index"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(c.env["DATA_DIR"], "index")
	db, err := bolt.Open(filepath.Join(dir, "docs.db"), 0o644, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("format"), []byte("briefbot-index-4"))
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, err := c.run("", "index")
	if err != nil {
		t.Fatalf("bot index over an old index = %v", err)
	}
	if !strings.Contains(out, "(5 added, 0 updated, 0 removed, 0 unchanged)") || !strings.Contains(stderr, "rebuilt the index "+dir+": it was made by another version") {
		t.Errorf("bot index over an old index printed %q, stderr %q; want a rebuild, said so", out, stderr)
	}
}

func TestChat(t *testing.T) {
	c := newCLI(t)
	in := "Will the US send troops to Ukraine?\nsince:notadate troops\nWhat is the recipe for banana bread?\nquit\n"
	out, stderr, err := c.run(in, "chat")
	if err != nil {
		t.Fatalf("bot chat = %v\nstderr: %s", err, stderr)
	}
	for _, want := range []string{"Ask about the briefings.", "> ", "  — ", "since:notadate is not a date", "The briefings don't answer that."} {
		if !strings.Contains(out, want) {
			t.Errorf("bot chat output lacks %q:\n%s", want, out)
		}
	}
	// chat is the default command, and the index is released at the end.
	if _, _, err := c.run(""); err != nil {
		t.Errorf("bot (no command, empty input) = %v, want nil", err)
	}
	idx, err := index.Open(filepath.Join(c.env["DATA_DIR"], "index"))
	if err != nil {
		t.Fatalf("index still held after chat: %v", err)
	}
	idx.Close()
}

func TestAskLockedIndex(t *testing.T) {
	c := newCLI(t)
	if _, _, err := c.run("", "index"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(c.env["DATA_DIR"], "index")
	// Another process has the index open.
	other, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	defer func(d time.Duration) { index.LockTimeout = d }(index.LockTimeout)
	index.LockTimeout = 50 * time.Millisecond

	for _, args := range [][]string{{"ask", "troops?"}, {"index"}, {"index", "--rebuild"}, {"chat"}} {
		done := make(chan error, 1)
		go func() {
			_, _, err := c.run("", args...)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, index.ErrLocked) {
				t.Fatalf("bot %q on a locked index = %v, want ErrLocked", args, err)
			}
			for _, want := range []string{"already running", "DATA_DIR", dir} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("bot %q on a locked index = %q, want it to mention %q", args, err, want)
				}
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("bot %q hangs on a locked index", args)
		}
	}
}
