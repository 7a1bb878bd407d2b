package corpus

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func writeFile(t *testing.T, dir, name, text string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestScanDiff(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", "A\n\nAlpha.\n")
	writeFile(t, dir, "sub/b.md", "B\n\nBeta.\n")
	writeFile(t, dir, ".hidden/c.md", "C\n\nGamma.\n")
	writeFile(t, dir, "rss.xml", "<rss/>")
	writeFile(t, dir, "d.md.tmp", "half")
	old, err := Scan(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(old.Files)); !slices.Equal(got, []string{"a.txt", "sub/b.md"}) {
		t.Fatalf("Scan found %q, want what List reads", got)
	}
	writeFile(t, dir, "a.txt", "A\n\nAlpha, longer.\n")
	writeFile(t, dir, "e.jsonl", `{"id":"e","text":"Epsilon."}`+"\n")
	os.Remove(filepath.Join(dir, "sub", "b.md"))
	now, _ := Scan(dir)
	changed, removed := now.Diff(old.Files)
	if !slices.Equal(changed, []string{"a.txt", "e.jsonl"}) || !slices.Equal(removed, []string{"sub/b.md"}) {
		t.Errorf("Diff = %q, %q; want [a.txt e.jsonl], [sub/b.md]", changed, removed)
	}
}

// TestByFile: every document comes with its file, JSONL lines included,
// and ListPaths reads only the files named.
func TestByFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", "A\n\nAlpha.\n")
	writeFile(t, dir, "b.jsonl", `{"id":"x","text":"Ex."}`+"\n"+`{"id":"a.txt","text":"Same ID as a file."}`+"\n"+`{"text":"No ID."}`+"\n")
	writeFile(t, dir, "c/d.md", "D\n\nDelta.\n")
	writeFile(t, dir, "e.md", "")
	files, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for file, d := range files.ByFile() {
		got[file] = append(got[file], d.ID)
	}
	want := map[string][]string{"a.txt": {"a.txt"}, "b.jsonl": {"x", "b.jsonl#3"}, "c/d.md": {"c/d.md"}}
	if len(got) != len(want) {
		t.Errorf("ByFile = %q, want %q", got, want)
	}
	for f, ids := range want {
		if !slices.Equal(got[f], ids) {
			t.Errorf("ByFile[%s] = %q, want %q", f, got[f], ids)
		}
	}
	probs := files.Problems()
	if len(probs) != 2 || files.Count() != 4 {
		t.Fatalf("Problems = %v, Count = %d; want the duplicate ID and the empty file, 4 documents", probs, files.Count())
	}
	for _, p := range probs {
		if rel := files.Rel(p); rel != "b.jsonl" && rel != "e.md" {
			t.Errorf("Rel(%v) = %q", p, rel)
		}
	}

	some, err := ListPaths(dir, []string{"c/d.md", "gone.txt"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for file, d := range some.ByFile() {
		ids = append(ids, file+"="+d.ID)
	}
	if !slices.Equal(ids, []string{"c/d.md=c/d.md"}) || len(some.Problems()) != 1 {
		t.Errorf("ListPaths(c/d.md, gone.txt) read %q, problems %v; want c/d.md and one missing file", ids, some.Problems())
	}
}

// TestWatcherSettles: a change is reported once the folder has been left
// alone for a poll, with the snapshot of the settled folder.
func TestWatcherSettles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", "A\n\nAlpha.\n")
	tick := make(chan time.Time)
	got := make(chan Snapshot, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	polled := make(chan struct{})
	w := &Watcher{Dir: dir, Tick: tick, polled: polled}
	go func() { done <- w.Run(ctx, func(_ context.Context, s Snapshot) { got <- s }) }()
	poll := func() {
		tick <- time.Now()
		<-polled
	}
	poll()
	writeFile(t, dir, "b.txt", "B\n\nBeta.\n")
	poll()
	select {
	case <-got:
		t.Fatal("reported before the change settled")
	default:
	}
	poll()
	select {
	case s := <-got:
		if _, ok := s.Files["b.txt"]; !ok || len(s.Files) != 2 {
			t.Errorf("snapshot = %v, want a.txt and b.txt", s.Files)
		}
	default:
		t.Fatal("no change reported once it settled")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
