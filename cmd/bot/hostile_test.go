package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHostileCorpusMemory indexes, with the built binary, a corpus made to
// exhaust memory: a text file of a million short lines (7.9 MB), a 60 MB
// Markdown file and a 100 MB single-line JSONL file, beside an ordinary
// document and a JSONL line after the huge one. It reports the peak
// resident memory of the `bot index` process (getrusage's ru_maxrss, the
// VmHWM of the process) and fails above 400 MB. It takes a minute and
// 170 MB of disk, so it runs only when BRIEFBOT_HOSTILE=1:
//
//	BRIEFBOT_HOSTILE=1 go test ./cmd/bot -run TestHostileCorpusMemory -v
func TestHostileCorpusMemory(t *testing.T) {
	if os.Getenv("BRIEFBOT_HOSTILE") == "" || testing.Short() {
		t.Skip("set BRIEFBOT_HOSTILE=1 to run (a minute, 170 MB of disk)")
	}
	if runtime.GOOS != "linux" {
		t.Skip("peak RSS is measured with Linux's getrusage")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := filepath.Join(tmp, "corpus")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, fill func(w *bufio.Writer)) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		fill(w)
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	write("good.md", func(w *bufio.Writer) {
		w.WriteString("---\ntitle: An ordinary statement\ndate: 2024-05-01\n---\nThe harbor reopened on Tuesday after the storm.\n")
	})
	write("lines.txt", func(w *bufio.Writer) {
		for i := range 1_000_000 {
			fmt.Fprintf(w, "w%d\n", i)
		}
	})
	write("big.md", func(w *bufio.Writer) {
		w.WriteString("---\ntitle: A very long transcript\ndate: 2024-05-02\n---\n\n")
		sentence := "The Secretary said the talks on tariffs, troops and trade would resume next week in Geneva. "
		for i := range 60_000_000 / len(sentence) {
			if i%40 == 0 {
				fmt.Fprintf(w, "\n\nSPEAKER %d: ", i%7)
			} else if i%5 == 0 {
				w.WriteString("\n")
			}
			w.WriteString(sentence)
		}
		w.WriteString("\n")
	})
	write("huge.jsonl", func(w *bufio.Writer) {
		w.WriteString(`{"id":"huge","title":"Huge","text":"`)
		word := "inflation "
		for range 100_000_000 / len(word) {
			w.WriteString(word)
		}
		w.WriteString("\"}\n")
		w.WriteString(`{"id":"after","title":"After","text":"The line after the huge one is indexed."}` + "\n")
	})
	var sizes []string
	for _, name := range []string{"lines.txt", "big.md", "huge.jsonl"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, fmt.Sprintf("%s %.1f MB", name, float64(fi.Size())/1e6))
	}
	t.Logf("corpus: %s", strings.Join(sizes, ", "))

	cmd := exec.Command(bin, "index", "--corpus", dir, "--index", filepath.Join(tmp, "index"), "--rebuild")
	cmd.Env = append(os.Environ(), "DATA_DIR="+filepath.Join(tmp, "data"), "BOT_ENV_FILE="+filepath.Join(tmp, "none.env"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		t.Fatalf("bot index: %v\n%s", err, stderr.String())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	peak := float64(ru.Maxrss) / 1024 // kB on Linux
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	t.Logf("bot index: peak RSS %.0f MB, %.1f s wall, %.1f s CPU\n%s", peak, wall.Seconds(), cpu.Seconds(), stdout.String())
	if peak >= 400 {
		t.Errorf("peak RSS %.0f MB, want under 400 MB", peak)
	}
	if !strings.Contains(stdout.String(), "indexed 4 documents") {
		t.Errorf("stdout = %q, want 4 documents indexed (good.md, lines.txt, big.md and the line after the huge one)", stdout.String())
	}
	for _, want := range []string{
		"lines.txt: cut to fit the corpus limits: 999999 passages merged into",
		"big.md: cut to fit the corpus limits: only the first",
		"huge.jsonl:1: line longer than 16 MiB",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, lastLines(stderr.String(), 10))
		}
	}
}

// lastLines returns the last n lines of s, progress lines dropped.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r", "\n"), "\n")
	var keep []string
	for _, l := range lines {
		if l != "" && !strings.HasPrefix(l, "indexing ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep[max(0, len(keep)-n):], "\n")
}
