package corpus

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// maxFileSize bounds a single text document; larger files are reported.
const maxFileSize = 64 << 20

// Load loads the corpus at root: a directory (walked recursively for .md,
// .markdown, .txt and .jsonl files, skipping hidden names and other files
// such as rss.xml or LICENSE) or a single file (JSONL when it ends in
// .jsonl, otherwise one text document). Malformed or unreadable documents
// are skipped and returned as Problems whose File is an OS path; the error
// reports only a missing or unreadable root.
func Load(root string) ([]Document, []Problem, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, nil, fmt.Errorf("load corpus: %w", err)
	}
	dir, base := root, "."
	if !info.IsDir() {
		dir, base = filepath.Dir(root), filepath.Base(root)
	}
	docs, probs, err := LoadFS(os.DirFS(dir), base)
	if err != nil {
		return nil, nil, fmt.Errorf("load corpus %s: %w", root, err)
	}
	for i := range probs {
		probs[i].File = filepath.Join(dir, filepath.FromSlash(probs[i].File))
	}
	return docs, probs, nil
}

// LoadFS is Load for a file system, such as Sample(). root names a
// directory or a file in fsys ("." for all of it). Document IDs are slash
// paths relative to root; Problem.File is the path within fsys. Files are
// parsed in parallel, so fsys must be safe for concurrent use (os.DirFS,
// embed.FS and fstest.MapFS are); the result is in lexical file order.
func LoadFS(fsys fs.FS, root string) ([]Document, []Problem, error) {
	info, err := fs.Stat(fsys, root)
	if err != nil {
		return nil, nil, err
	}
	var files []loaded // name, rel and walk problems, in lexical order
	if !info.IsDir() {
		files = append(files, loaded{name: root, rel: path.Base(root)})
	} else {
		err = fs.WalkDir(fsys, root, func(name string, d fs.DirEntry, err error) error {
			switch {
			case err != nil && name == root:
				return err
			case err != nil:
				files = append(files, loaded{probs: []Problem{problem(name, 0, err)}})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
			case name != root && strings.HasPrefix(d.Name(), "."):
				if d.IsDir() {
					return fs.SkipDir
				}
			case !d.IsDir() && wanted(name):
				rel := strings.TrimPrefix(name[len(root):], "/")
				if root == "." {
					rel = name
				}
				files = append(files, loaded{name: name, rel: rel})
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}

	// Parse on every core: reading and parsing dominate, merging is cheap.
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := range next {
				files[i].load(fsys)
			}
		})
	}
	for i := range files {
		if files[i].name != "" {
			next <- i
		}
	}
	close(next)
	wg.Wait()

	var docs []Document
	var probs []Problem
	seen := make(map[string]bool)
	for _, f := range files {
		n := len(probs)
		probs = append(probs, f.probs...)
		for i, doc := range f.docs {
			if seen[doc.ID] {
				probs = append(probs, Problem{File: f.name, Line: f.lines[i], Reason: fmt.Sprintf("duplicate id %q", doc.ID)})
				continue
			}
			seen[doc.ID] = true
			docs = append(docs, doc)
		}
		slices.SortStableFunc(probs[n:], func(a, b Problem) int { return a.Line - b.Line })
	}
	return docs, probs, nil
}

// wanted reports whether the loader reads a file: text and JSONL only.
func wanted(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown", ".txt", ".jsonl":
		return true
	}
	return false
}

// loaded is one file to load and, once loaded, its documents (with their
// JSONL line numbers) and problems.
type loaded struct {
	name  string // path in the file system
	rel   string // path relative to the corpus root
	docs  []Document
	lines []int
	probs []Problem
}

// problem turns err into a Problem for file, keeping the line of a Problem
// and dropping the repeated path of an fs.PathError.
func problem(file string, line int, err error) Problem {
	var p Problem
	var pe *fs.PathError
	switch {
	case errors.As(err, &p):
		return Problem{File: file, Line: p.Line, Reason: p.Reason}
	case errors.As(err, &pe):
		return Problem{File: file, Line: line, Reason: pe.Op + ": " + pe.Err.Error()}
	}
	return Problem{File: file, Line: line, Reason: err.Error()}
}

func (f *loaded) fail(line int, err error) { f.probs = append(f.probs, problem(f.name, line, err)) }

func (f *loaded) add(line int, doc Document) {
	f.docs = append(f.docs, doc)
	f.lines = append(f.lines, line)
}

// load reads and parses the file.
func (f *loaded) load(fsys fs.FS) {
	if strings.EqualFold(path.Ext(f.name), ".jsonl") {
		f.jsonl(fsys)
		return
	}
	if info, err := fs.Stat(fsys, f.name); err == nil && info.Size() > maxFileSize {
		f.fail(0, fmt.Errorf("too large (%d bytes)", info.Size()))
		return
	}
	data, err := fs.ReadFile(fsys, f.name)
	if err != nil {
		f.fail(0, err)
		return
	}
	doc, err := Parse(f.rel, data)
	if err != nil {
		f.fail(0, err)
		return
	}
	f.add(0, doc)
}

// jsonDoc is one JSONL line.
type jsonDoc struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Date    string   `json:"date"`
	URL     string   `json:"url"`
	Text    string   `json:"text"`
	Source  string   `json:"source"`
	Kind    string   `json:"kind"`
	Speaker string   `json:"speaker"`
	Tags    []string `json:"tags"`
}

// jsonl loads one document per line of a JSONL file.
func (f *loaded) jsonl(fsys fs.FS) {
	file, err := fsys.Open(f.name)
	if err != nil {
		f.fail(0, err)
		return
	}
	defer file.Close()
	r := bufio.NewReader(file)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if line = bytes.TrimSpace(line); len(line) > 0 {
			doc, perr := parseJSONLine(line)
			switch {
			case perr != nil:
				f.fail(n, perr)
			case doc.ID == "":
				doc.ID = fmt.Sprintf("%s#%d", f.rel, n)
				fallthrough
			default:
				f.add(n, doc)
			}
		}
		if err == io.EOF {
			return
		}
		if err != nil {
			f.fail(n, err)
			return
		}
	}
}

// parseJSONLine decodes one JSONL document; its text gets the same
// paragraph and speaker treatment as a plain text file.
func parseJSONLine(line []byte) (Document, error) {
	var j jsonDoc
	if err := json.Unmarshal(line, &j); err != nil {
		return Document{}, fmt.Errorf("bad JSON: %w", err)
	}
	if strings.TrimSpace(j.Text) == "" {
		return Document{}, errors.New(`missing "text"`)
	}
	doc := Document{ID: j.ID, Title: collapseSpace(j.Title), URL: j.URL, Source: j.Source, Kind: j.Kind, Tags: j.Tags}
	if j.Date != "" {
		t, err := parseDate(j.Date)
		if err != nil {
			return Document{}, err
		}
		doc.Date = t
	}
	text := strings.ReplaceAll(strings.ReplaceAll(j.Text, "\r\n", "\n"), "\r", "\n")
	doc.Body, doc.Passages = assemble(plainParas(strings.Split(text, "\n")), collapseSpace(j.Speaker))
	if len(doc.Passages) == 0 {
		return Document{}, errors.New(`"text" has no words`)
	}
	if doc.Title == "" {
		doc.Title = fallbackTitle("", doc.Body)
	}
	if doc.Source == "" {
		doc.Source = source(doc.URL)
	}
	return doc, nil
}
