//go:build unix

package corpus

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOnlyRegularFiles puts what a careless or hostile folder may hold
// beside one real document: links to devices that never end (/dev/zero)
// or are empty (/dev/null), FIFOs that would block a reader forever, and a
// /proc file whose size says 0 but which has text. The load must end, skip
// the non-files with a message naming them and read no more of any file
// than the limit.
func TestOnlyRegularFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good.md", "---\ntitle: Good\n---\nA real paragraph.\n")
	for name, target := range map[string]string{"zero.md": "/dev/zero", "null.txt": "/dev/null", "zero.jsonl": "/dev/zero"} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"pipe.md", "pipe.jsonl"} {
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o644); err != nil {
			t.Skipf("no FIFOs here: %v", err)
		}
	}
	proc := "/proc/self/status"
	if fi, err := os.Stat(proc); err == nil && fi.Size() == 0 {
		if err := os.Symlink(proc, filepath.Join(dir, "proc.txt")); err != nil {
			t.Fatal(err)
		}
	} else {
		proc = ""
	}

	type result struct {
		ids   []string
		probs []Problem
	}
	// Documents and ByFile (the cheap freshness check's reader) read alike.
	for _, byFile := range []bool{false, true} {
		done := make(chan result, 1)
		go func() {
			files, err := List(dir)
			if err != nil {
				t.Error(err)
				done <- result{}
				return
			}
			files.Limits = Limits{MaxTextBytes: 100}
			files.Estimate()
			var r result
			if byFile {
				for _, d := range files.ByFile() {
					r.ids = append(r.ids, d.ID)
				}
			} else {
				for d := range files.Documents() {
					r.ids = append(r.ids, d.ID)
				}
			}
			r.probs = files.Problems()
			done <- r
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("loading a folder with FIFOs and devices (ByFile %v) did not finish in 30 s", byFile)
		}

		want := []string{"good.md"}
		if proc != "" {
			want = append(want, "proc.txt")
		}
		if !slices.Equal(r.ids, want) {
			t.Errorf("ByFile %v: documents = %q, want %q", byFile, r.ids, want)
		}
		wantProbs := map[string]string{
			"null.txt":   "a character device, not a regular file",
			"pipe.jsonl": "a named pipe (FIFO), not a regular file",
			"pipe.md":    "a named pipe (FIFO), not a regular file",
			"zero.jsonl": "a character device, not a regular file",
			"zero.md":    "a character device, not a regular file",
		}
		if proc != "" {
			wantProbs["proc.txt"] = "only the first" // stat says 0 bytes; read stops at the limit
		}
		if len(r.probs) != len(wantProbs) {
			t.Errorf("ByFile %v: problems = %q, want one for each of %v", byFile, r.probs, wantProbs)
		}
		for _, p := range r.probs {
			want, ok := wantProbs[filepath.Base(p.File)]
			if !ok || !strings.Contains(p.Reason, want) || filepath.Dir(p.File) != dir {
				t.Errorf("ByFile %v: problem %q, want %q for %s", byFile, p, want, filepath.Base(p.File))
			}
		}
	}
}
