package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// corpusDir is a corpus folder whose files are written with a modification
// time safely in the past, so that the freshness check trusts their stamps
// (a file changed within racyWindow of a scan is read again, by design).
type corpusDir struct {
	t    *testing.T
	dir  string
	tick time.Time
}

func newCorpusDir(t *testing.T) *corpusDir {
	return &corpusDir{t: t, dir: t.TempDir(), tick: time.Now().Add(-time.Hour)}
}

func (c *corpusDir) write(name, text string) {
	c.t.Helper()
	p := filepath.Join(c.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		c.t.Fatal(err)
	}
	c.tick = c.tick.Add(time.Second)
	if err := os.Chtimes(p, c.tick, c.tick); err != nil {
		c.t.Fatal(err)
	}
}

func (c *corpusDir) sync(s *syncer, idx *index.Index) syncResult {
	c.t.Helper()
	snap, err := corpus.Scan(c.dir)
	if err != nil {
		c.t.Fatal(err)
	}
	res, err := s.sync(context.Background(), idx, snap)
	if err != nil {
		c.t.Fatalf("sync = %v", err)
	}
	return res
}

func doc(title, body string) string { return title + "\n\n" + body + "\n" }

// TestSyncReadsOnlyChangedFiles: after the first read, a sync of an
// unchanged corpus reads no file; one new file costs one file read; a
// changed JSONL file is read alone and the document it lost is removed; a
// removed file's documents go; a skipped file is reported once per change.
func TestSyncReadsOnlyChangedFiles(t *testing.T) {
	c := newCorpusDir(t)
	c.write("a.txt", doc("Troops", "The United States will not send troops to Ukraine, the official said."))
	c.write("b/b.md", doc("Gas", "Gas prices rose again this week, the department said."))
	c.write("bulk.jsonl", `{"id":"j1","title":"One","text":"The harbor reopened on Tuesday."}`+"\n"+`{"id":"j2","title":"Two","text":"The bridge closed on Friday."}`+"\n")
	c.write("empty.md", "")
	ctx := context.Background()
	s := &syncer{root: c.dir}
	idx, res, err := s.open(ctx, filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if res.Read != 4 || res.Added != 4 || len(res.Problems) != 1 {
		t.Fatalf("first open: read %d files, added %d, problems %v; want 4, 4 and the empty file", res.Read, res.Added, res.Problems)
	}

	steps := []struct {
		name                  string
		change                func()
		read, added, upd, rem int
		problems              int
		docs                  int
	}{
		{"nothing changed", func() {}, 0, 0, 0, 0, 0, 4},
		{"one new file", func() { c.write("c.txt", doc("Vaccines", "The vaccine mandate takes effect in January.")) }, 1, 1, 0, 0, 0, 5},
		{"one line of a JSONL file gone", func() {
			c.write("bulk.jsonl", `{"id":"j1","title":"One","text":"The harbor reopened on Wednesday."}`+"\n")
		}, 1, 0, 1, 1, 0, 4},
		{"a file removed", func() { os.Remove(filepath.Join(c.dir, "b", "b.md")) }, 0, 0, 0, 1, 0, 3},
		{"the skipped file changed", func() { c.write("empty.md", "   \n") }, 1, 0, 0, 0, 1, 3},
		{"the skipped file fixed", func() { c.write("empty.md", doc("Fixed", "Now it has words in it.")) }, 1, 1, 0, 0, 0, 4},
	}
	for _, st := range steps {
		st.change()
		res := c.sync(s, idx)
		if res.Read != st.read || res.Added != st.added || res.Updated != st.upd || res.Removed != st.rem || len(res.Problems) != st.problems || res.Docs != st.docs {
			t.Errorf("%s: read %d, added %d, updated %d, removed %d, problems %d, docs %d; want %d, %d, %d, %d, %d, %d",
				st.name, res.Read, res.Added, res.Updated, res.Removed, len(res.Problems), res.Docs,
				st.read, st.added, st.upd, st.rem, st.problems, st.docs)
		}
	}
	if _, err := idx.Document("j2"); err == nil {
		t.Error("j2, gone from bulk.jsonl, is still indexed")
	}
	if d, err := idx.Document("j1"); err != nil || !strings.Contains(d.Body, "Wednesday") {
		t.Errorf("j1 = %q, %v; want the changed text", d.Body, err)
	}

	// A full re-read (--refresh) finds the same documents, all unchanged.
	full := &syncer{root: c.dir, full: true}
	if res := c.sync(full, idx); !res.Full || res.Read != 4 || res.Unchanged != 4 || res.Added+res.Updated+res.Removed != 0 {
		t.Errorf("--refresh: %+v; want every file read and nothing changed", res)
	}
}

// TestSyncRecentFilesReadAgain: a file modified just before a scan may
// change again within the same clock tick, so it is read again next time.
func TestSyncRecentFilesReadAgain(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte(doc("Troops", "No troops will go, the official said.")), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &syncer{root: dir}
	idx, _, err := s.open(context.Background(), filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	snap, _ := corpus.Scan(dir)
	if res, err := s.sync(context.Background(), idx, snap); err != nil || res.Read != 1 || res.Unchanged != 1 {
		t.Errorf("sync after a recent write = %+v, %v; want the file read again, unchanged", res, err)
	}
}

// TestSyncKeepsIndexWhenFolderEmpties: a folder that suddenly holds no
// documents (an unmounted volume) leaves the index as it was.
func TestSyncKeepsIndexWhenFolderEmpties(t *testing.T) {
	c := newCorpusDir(t)
	c.write("a.txt", doc("Troops", "No troops will go, the official said."))
	s := &syncer{root: c.dir, allowEmpty: true}
	idx, _, err := s.open(context.Background(), filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	os.Remove(filepath.Join(c.dir, "a.txt"))
	snap, _ := corpus.Scan(c.dir)
	if _, err := s.sync(context.Background(), idx, snap); err != errEmptyFolder {
		t.Errorf("sync of an emptied folder = %v, want errEmptyFolder", err)
	}
	if n, _, _ := idx.Count(); n != 1 {
		t.Errorf("index holds %d documents after the folder emptied, want 1", n)
	}
}

// TestWatchReadsOnlyTheNewFile drives the folder watch with a manual tick:
// one file dropped into a large folder is read alone.
func TestWatchReadsOnlyTheNewFile(t *testing.T) {
	c := newCorpusDir(t)
	for i := range 50 {
		c.write(filepath.Join("old", strings.Repeat("x", i%5+1)+string(rune('a'+i%26))+string(rune('a'+i/26))+".txt"),
			doc("Old", "An old statement about the harbor."))
	}
	s := &syncer{root: c.dir}
	idx, res, err := s.open(context.Background(), filepath.Join(t.TempDir(), "index"))
	if err != nil || res.Read != 50 {
		t.Fatalf("open = %+v, %v", res, err)
	}
	defer idx.Close()

	tick := make(chan time.Time)
	got := make(chan syncResult, 1)
	reindex := func(ctx context.Context, snap corpus.Snapshot) {
		res, err := s.sync(ctx, idx, snap)
		if err != nil {
			t.Error(err)
		}
		got <- res
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	w := &corpus.Watcher{Dir: c.dir, Tick: tick}
	go func() { done <- w.Run(ctx, reindex) }()
	tick <- time.Now() // the watch has its first snapshot once this is taken
	c.write("new.txt", doc("Lighthouse", "The keeper counted 4,200 cranes."))
	tick <- time.Now() // sees the change
	tick <- time.Now() // it settled
	select {
	case res := <-got:
		if res.Read != 1 || res.Added != 1 || res.Docs != 51 {
			t.Errorf("after one new file: %+v; want one file read, one document added", res)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the watch reported no change")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestAskQuietOnUnchangedCorpus: bot ask reports a skipped file the first
// time, and says nothing on stderr while the corpus does not change.
func TestAskQuietOnUnchangedCorpus(t *testing.T) {
	c := newCorpusDir(t)
	c.write("a.txt", doc("Troops", "The United States will not send troops to Ukraine, the official said."))
	c.write("empty.md", "")
	cl := newCLI(t)
	cl.env["CORPUS_DIR"] = c.dir
	_, stderr, err := cl.run("", "ask", "Will the US send troops to Ukraine?")
	if err != nil || !strings.Contains(stderr, "skipped "+filepath.Join(c.dir, "empty.md")) {
		t.Fatalf("first ask = %v, stderr %q; want the skipped file reported", err, stderr)
	}
	for range 2 {
		out, stderr, err := cl.run("", "ask", "Will the US send troops to Ukraine?")
		if err != nil || stderr != "" || !strings.Contains(out, "troops") {
			t.Fatalf("ask on an unchanged corpus = %v, stderr %q, out %q; want the answer and nothing on stderr", err, stderr, out)
		}
	}
	c.write("empty.md", " ")
	if _, stderr, _ := cl.run("", "ask", "troops"); !strings.Contains(stderr, "empty.md") {
		t.Errorf("ask after the skipped file changed: stderr %q, want it reported again", stderr)
	}
}
