package corpus

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// maxFileSize bounds a single text document; larger files are reported.
const maxFileSize = 64 << 20

// Load loads the corpus at path: a directory (walked recursively for
// .md, .markdown, .txt and .jsonl files, skipping hidden names and other
// files such as rss.xml or LICENSE), a single .jsonl file or a single text
// document. Malformed or unreadable documents are skipped and returned as
// Problems whose File is an OS path; the error reports only an unreadable
// root.
func Load(path string) ([]Document, []Problem, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("load corpus: %w", err)
	}
	dir, root := path, "."
	if !info.IsDir() {
		dir, root = filepath.Dir(path), filepath.Base(path)
	}
	docs, probs, err := LoadFS(os.DirFS(dir), root)
	if err != nil {
		return nil, nil, fmt.Errorf("load corpus %s: %w", path, err)
	}
	for i := range probs {
		probs[i].File = filepath.Join(dir, filepath.FromSlash(probs[i].File))
	}
	return docs, probs, nil
}

// LoadFS is Load for a file system, such as Sample(). root names a
// directory or a file in fsys ("." for all of it). Document IDs are slash
// paths relative to root; Problem.File is the path within fsys.
func LoadFS(fsys fs.FS, root string) ([]Document, []Problem, error) {
	info, err := fs.Stat(fsys, root)
	if err != nil {
		return nil, nil, err
	}
	l := loader{fsys: fsys, seen: make(map[string]bool)}
	if !info.IsDir() {
		l.file(root, path.Base(root))
		return l.docs, l.probs, nil
	}
	err = fs.WalkDir(fsys, root, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			if name == root {
				return err
			}
			l.problem(name, 0, err)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if name != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() || d.Type()&fs.ModeSymlink != 0 {
			rel := strings.TrimPrefix(strings.TrimPrefix(name, root), "/")
			if root == "." {
				rel = name
			}
			l.file(name, rel)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return l.docs, l.probs, nil
}

// loader accumulates documents and problems, keeping IDs unique.
type loader struct {
	fsys  fs.FS
	docs  []Document
	probs []Problem
	seen  map[string]bool
}

func (l *loader) problem(file string, line int, err error) {
	var p Problem
	if errors.As(err, &p) {
		line, err = p.Line, errors.New(p.Reason)
	}
	reason := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		reason = pe.Op + ": " + pe.Err.Error()
	}
	l.probs = append(l.probs, Problem{File: file, Line: line, Reason: reason})
}

func (l *loader) add(file string, line int, doc Document) {
	if l.seen[doc.ID] {
		l.probs = append(l.probs, Problem{File: file, Line: line, Reason: fmt.Sprintf("duplicate id %q", doc.ID)})
		return
	}
	l.seen[doc.ID] = true
	l.docs = append(l.docs, doc)
}

// file loads the file at name in fsys; rel is its path relative to the
// corpus root.
func (l *loader) file(name, rel string) {
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown", ".txt":
	case ".jsonl":
		l.jsonl(name, rel)
		return
	default:
		return
	}
	if info, err := fs.Stat(l.fsys, name); err == nil && info.Size() > maxFileSize {
		l.problem(name, 0, fmt.Errorf("too large (%d bytes)", info.Size()))
		return
	}
	data, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		l.problem(name, 0, err)
		return
	}
	doc, err := Parse(rel, data)
	if err != nil {
		l.problem(name, 0, err)
		return
	}
	l.add(name, 0, doc)
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
func (l *loader) jsonl(name, rel string) {
	f, err := l.fsys.Open(name)
	if err != nil {
		l.problem(name, 0, err)
		return
	}
	defer f.Close()
	r := bufio.NewReader(f)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if len(strings.TrimSpace(string(line))) > 0 {
			doc, perr := parseJSONLine(line)
			if perr != nil {
				l.problem(name, n, perr)
			} else {
				if doc.ID == "" {
					doc.ID = fmt.Sprintf("%s#%d", rel, n)
				}
				l.add(name, n, doc)
			}
		}
		if err == io.EOF {
			return
		}
		if err != nil {
			l.problem(name, n, err)
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
