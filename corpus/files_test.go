package corpus

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// bigFS is a corpus of n text files and a JSONL file of lines lines, every
// hundredth of them bad, so that it spans several chunks.
func bigFS(n, lines int) fstest.MapFS {
	fsys := fstest.MapFS{}
	for i := range n {
		fsys[fmt.Sprintf("docs/%04d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: Doc %d\n---\nParagraph %d.\n", i, i))}
	}
	var b strings.Builder
	for i := 1; i <= lines; i++ {
		if i%100 == 0 {
			b.WriteString("not json\n")
			continue
		}
		fmt.Fprintf(&b, "{\"text\":\"Line %d.\"}\n", i)
	}
	fsys["feed.jsonl"] = &fstest.MapFile{Data: []byte(b.String())}
	return fsys
}

func TestFilesStreamsInOrder(t *testing.T) {
	const n, lines = 300, 1300 // more than two JSONL chunks
	files, err := ListFS(bigFS(n, lines), ".")
	if err != nil {
		t.Fatal(err)
	}
	if files.Files() != n+1 {
		t.Errorf("Files() = %d, want %d", files.Files(), n+1)
	}
	if got := files.Estimate(); got != n+lines {
		t.Errorf("Estimate() = %d, want %d", got, n+lines)
	}
	var ids []string
	for d := range files.Documents() {
		checkInvariants(t, d)
		ids = append(ids, d.ID)
	}
	var want []string // docs/ sorts before feed.jsonl
	for i := 0; i < n; i++ {
		want = append(want, fmt.Sprintf("docs/%04d.md", i))
	}
	var wantProbs []string
	for i := 1; i <= lines; i++ {
		if i%100 == 0 {
			wantProbs = append(wantProbs, fmt.Sprintf("feed.jsonl:%d: bad JSON: invalid character 'o' in literal null (expecting 'u')", i))
			continue
		}
		want = append(want, fmt.Sprintf("feed.jsonl#%d", i))
	}
	if !slices.Equal(ids, want) {
		t.Errorf("Documents() yielded %d documents, want %d in file and line order; first %q", len(ids), len(want), ids[:min(5, len(ids))])
	}
	if files.Count() != len(want) {
		t.Errorf("Count() = %d, want %d", files.Count(), len(want))
	}
	var probs []string
	for _, p := range files.Problems() {
		probs = append(probs, p.String())
	}
	if !slices.Equal(probs, wantProbs) {
		t.Errorf("Problems() =\n%q\nwant\n%q", probs, wantProbs)
	}

	// A second iteration reads the files again and gives the same result.
	again := 0
	for range files.Documents() {
		again++
	}
	if again != len(want) || len(files.Problems()) != len(wantProbs) {
		t.Errorf("second iteration: %d documents, %d problems; want %d, %d", again, len(files.Problems()), len(want), len(wantProbs))
	}
}

// TestFilesStopEarly: a consumer that stops (a cancelled build) leaves no
// goroutine behind.
func TestFilesStopEarly(t *testing.T) {
	files, err := ListFS(bigFS(500, 2000), ".")
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	for range 5 {
		got := 0
		for range files.Documents() {
			if got++; got == 3 {
				break
			}
		}
		if got != 3 {
			t.Fatalf("yielded %d documents before the break, want 3", got)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after stopping early, %d before", n, before)
	}
}

func TestListProblemsNameOSPaths(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "good.md"), []byte("Hello there.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "empty.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range files.Documents() {
		n++
	}
	probs := files.Problems()
	if n != 1 || len(probs) != 1 || probs[0].File != filepath.Join(dir, "empty.txt") {
		t.Errorf("List(%s): %d documents, problems %q; want 1 and empty.txt by its OS path", dir, n, probs)
	}
	if _, err := List(filepath.Join(dir, "missing")); err == nil {
		t.Error("List(missing) succeeded, want an error")
	}
}
