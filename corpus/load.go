package corpus

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// jsonlChunk and jsonlChunkBytes bound the JSONL lines that make one unit
// of parallel parsing: whichever is reached first.
const (
	jsonlChunk      = 512
	jsonlChunkBytes = 1 << 20
)

// Load loads the corpus at root: a directory (walked recursively for .md,
// .markdown, .txt and .jsonl files, skipping hidden names and other files
// such as rss.xml or LICENSE) or a single file (JSONL when it ends in
// .jsonl, otherwise one text document). Malformed or unreadable documents
// are skipped and returned as Problems whose File is an OS path; the error
// reports only a missing or unreadable root. Only regular files are read
// (symbolic links followed), within the default Limits. Load holds the
// whole corpus in memory; List reads it a few files at a time.
func Load(root string) ([]Document, []Problem, error) {
	files, err := List(root)
	if err != nil {
		return nil, nil, err
	}
	return files.collect()
}

// LoadFS is Load for a file system, such as Sample(). root names a
// directory or a file in fsys ("." for all of it). Document IDs are slash
// paths relative to root; Problem.File is the path within fsys. Files are
// parsed in parallel, so fsys must be safe for concurrent use (os.DirFS,
// embed.FS and fstest.MapFS are); the result is in lexical file order.
func LoadFS(fsys fs.FS, root string) ([]Document, []Problem, error) {
	files, err := ListFS(fsys, root)
	if err != nil {
		return nil, nil, err
	}
	return files.collect()
}

func (c *Files) collect() ([]Document, []Problem, error) {
	var docs []Document
	for d := range c.Documents() {
		docs = append(docs, d)
	}
	return docs, c.Problems(), nil
}

// Files is a corpus whose files have been found but not yet read. Its
// documents are read and parsed as they are iterated, a few files ahead of
// the consumer, so a large corpus can be indexed without ever being held in
// memory whole. A Files is not safe for concurrent use.
type Files struct {
	// Limits bound what one document may cost; set them before iterating.
	// The zero value takes the defaults.
	Limits Limits

	fsys  fs.FS
	dir   string   // OS directory fsys is rooted at, for Problem.File; "" for ListFS
	files []loaded // in lexical order; walk problems are entries with no name
	jsonl int      // how many of files are JSONL

	probs []Problem // of the last iteration
	count int       // documents the last iteration yielded
}

// List finds the files of the corpus at root (see Load) without reading
// them. The error reports only a missing or unreadable root.
func List(root string) (*Files, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	dir, base := root, "."
	if !info.IsDir() {
		dir, base = filepath.Dir(root), filepath.Base(root)
	}
	files, err := ListFS(os.DirFS(dir), base)
	if err != nil {
		return nil, fmt.Errorf("load corpus %s: %w", root, err)
	}
	files.dir = dir
	return files, nil
}

// ListFS is List for a file system, with the naming of LoadFS.
func ListFS(fsys fs.FS, root string) (*Files, error) {
	info, err := fs.Stat(fsys, root)
	if err != nil {
		return nil, err
	}
	c := &Files{fsys: fsys}
	add := func(f loaded) {
		c.files = append(c.files, f)
		if f.isJSONL() {
			c.jsonl++
		}
	}
	if !info.IsDir() {
		add(loaded{name: root, rel: path.Base(root)})
		return c, nil
	}
	err = fs.WalkDir(fsys, root, func(name string, d fs.DirEntry, err error) error {
		switch {
		case err != nil && name == root:
			return err
		case err != nil:
			add(loaded{probs: []Problem{problem(name, 0, err)}})
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
			add(loaded{name: name, rel: rel})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Files returns the number of files to read.
func (c *Files) Files() int { return len(c.files) }

// Estimate returns how many documents the corpus probably holds, for
// progress reports: one per text file, and one per line of a JSONL file
// (counted without parsing).
func (c *Files) Estimate() int {
	n := 0
	for _, f := range c.files {
		switch {
		case f.name == "":
		case f.isJSONL():
			n += c.countLines(f.name)
		default:
			n++
		}
	}
	return n
}

// countLines counts the lines of a file, 0 when it cannot be read.
func (c *Files) countLines(name string) int {
	file, _, err := c.open(name)
	if err != nil {
		return 0
	}
	defer file.Close()
	n, last := 0, byte('\n')
	buf := make([]byte, 64<<10)
	for {
		k, err := file.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if k > 0 {
			last = buf[k-1]
		}
		if err != nil {
			break
		}
	}
	if last != '\n' {
		n++
	}
	return n
}

// Count returns how many documents the last iteration of Documents yielded.
func (c *Files) Count() int { return c.count }

// Problems returns the documents the last iteration of Documents skipped,
// and those it cut to fit the Limits (Warning set), in file order and,
// within a file, by line. With List, File is an OS path.
func (c *Files) Problems() []Problem {
	out := slices.Clone(c.probs)
	if c.dir != "" {
		for i := range out {
			out[i].File = filepath.Join(c.dir, filepath.FromSlash(out[i].File))
		}
	}
	return out
}

// Documents reads and parses the files, yielding their documents in
// lexical file order (JSONL documents in line order). A document whose ID
// was already yielded is skipped as a Problem. Files are parsed on every
// core, a bounded number ahead of the consumer. Each iteration reads the
// files again and replaces Problems and Count.
func (c *Files) Documents() iter.Seq[Document] {
	return func(yield func(Document) bool) {
		c.probs, c.count = nil, 0
		procs := min(runtime.GOMAXPROCS(0), max(len(c.files), 1))
		// pending carries one result per unit, in order; its capacity bounds
		// how far parsing runs ahead of the consumer.
		pending := make(chan chan *loaded, 4*procs)
		work := make(chan job)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() { c.produce(pending, work, stop) })
		for range procs {
			wg.Go(func() {
				for j := range work {
					j.unit.load(c)
					j.done <- j.unit
				}
			})
		}
		defer func() {
			close(stop)
			wg.Wait()
		}()
		seen := make(map[string]bool)
		for next := range pending {
			u := <-next
			n := len(c.probs)
			c.probs = append(c.probs, u.probs...)
			for i, doc := range u.docs {
				if seen[doc.ID] {
					c.probs = append(c.probs, Problem{File: u.name, Line: u.lines[i], Reason: fmt.Sprintf("duplicate id %q", doc.ID)})
					continue
				}
				seen[doc.ID] = true
				c.count++
				u.docs[i] = Document{} // the consumer owns it now
				if !yield(doc) {
					return
				}
			}
			slices.SortStableFunc(c.probs[n:], func(a, b Problem) int { return a.Line - b.Line })
		}
	}
}

// job is one unit of parsing and where its result goes.
type job struct {
	unit *loaded
	done chan *loaded
}

// produce hands out the units to parse, in order: a text file, a walk
// problem, or a chunk of JSONL lines (read here, parsed by the workers). It
// stops early when stop is closed.
func (c *Files) produce(pending chan<- chan *loaded, work chan<- job, stop <-chan struct{}) {
	defer close(work)
	defer close(pending)
	send := func(u *loaded) bool {
		done := make(chan *loaded, 1)
		select {
		case pending <- done:
		case <-stop:
			return false
		}
		if u.name == "" { // a walk problem: nothing to parse
			done <- u
			return true
		}
		select {
		case work <- job{unit: u, done: done}:
			return true
		case <-stop:
			return false
		}
	}
	for i := range c.files {
		f := c.files[i] // a copy: iterating again starts afresh
		if !f.isJSONL() {
			if !send(&f) {
				return
			}
			continue
		}
		if !c.jsonlChunks(f, send) {
			return
		}
	}
}

// jsonlChunks reads a JSONL file and sends its lines in chunks. A line
// longer than Limits.MaxLineBytes is skipped as it streams past. It returns
// false when send does (the consumer stopped).
func (c *Files) jsonlChunks(f loaded, send func(*loaded) bool) bool {
	file, _, err := c.open(f.name)
	if err != nil {
		f.fail(0, err)
		f.name = "" // nothing left to parse
		return send(&f)
	}
	defer file.Close()
	r := bufio.NewReaderSize(file, 64<<10)
	maxLine := c.Limits.maxLine()
	chunk := &loaded{name: f.name, rel: f.rel, first: 1}
	size := 0
	for n := 1; ; n++ {
		line, long, err := readLine(r, maxLine)
		chunk.raw = append(chunk.raw, line)
		size += len(line)
		if long {
			chunk.fail(n, fmt.Errorf("line longer than %s (the limit for one JSONL document); skipped", byteSize(maxLine)))
		}
		if err != nil && err != io.EOF {
			chunk.fail(n, err)
		}
		if err != nil || len(chunk.raw) == jsonlChunk || size >= jsonlChunkBytes {
			if !send(chunk) {
				return false
			}
			if err != nil {
				return true
			}
			chunk = &loaded{name: f.name, rel: f.rel, first: n + 1}
			size = 0
		}
	}
}

// readLine reads one line, its newline included. A line longer than max
// bytes is read to its end without being kept: it comes back empty, with
// long set.
func readLine(r *bufio.Reader, max int64) (line []byte, long bool, err error) {
	for {
		frag, err := r.ReadSlice('\n')
		if !long {
			if int64(len(line)+len(bytes.TrimRight(frag, "\r\n"))) > max {
				long, line = true, nil
			} else {
				line = append(line, frag...)
			}
		}
		if err != bufio.ErrBufferFull {
			return line, long, err
		}
	}
}

// wanted reports whether the loader reads a file: text and JSONL only.
func wanted(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown", ".txt", ".jsonl":
		return true
	}
	return false
}

// loaded is one unit to parse (a text file, or a chunk of the lines of a
// JSONL file) and, once parsed, its documents (with their JSONL line
// numbers) and problems.
type loaded struct {
	name  string   // path in the file system
	rel   string   // path relative to the corpus root
	first int      // JSONL: line number of raw[0]
	raw   [][]byte // JSONL: the lines to parse
	docs  []Document
	lines []int
	probs []Problem
}

func (f *loaded) isJSONL() bool { return strings.EqualFold(path.Ext(f.name), ".jsonl") }

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

// warn reports what was cut from the document at line to fit the limits.
func (f *loaded) warn(line int, notes []string) {
	if len(notes) > 0 {
		f.probs = append(f.probs, Problem{File: f.name, Line: line, Reason: cutNote(notes), Warning: true})
	}
}

func (f *loaded) add(line int, doc Document) {
	f.docs = append(f.docs, doc)
	f.lines = append(f.lines, line)
}

// load reads and parses a text file, or parses a chunk of JSONL lines,
// within c's limits.
func (f *loaded) load(c *Files) {
	if f.raw != nil {
		f.jsonl(c.Limits)
		return
	}
	file, info, err := c.open(f.name)
	if err != nil {
		f.fail(0, err)
		return
	}
	max := c.Limits.maxText()
	data, more, err := readAtMost(file, info.Size(), max)
	file.Close()
	if err != nil {
		f.fail(0, err)
		return
	}
	var notes []string
	if more {
		data = cutLine(data)
		note := fmt.Sprintf("only the first %s of the file read", byteSize(int64(len(data))))
		if info.Size() > max {
			note += fmt.Sprintf(" (it holds %s)", byteSize(info.Size()))
		}
		notes = append(notes, note)
	}
	doc, err := Parse(f.rel, data)
	if err != nil {
		f.fail(0, err)
		return
	}
	f.warn(0, append(notes, c.Limits.fit(&doc)...))
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

// jsonl parses a chunk of JSONL lines, one document per line.
func (f *loaded) jsonl(lim Limits) {
	for i, line := range f.raw {
		n := f.first + i
		if line = bytes.TrimSpace(line); len(line) == 0 {
			continue
		}
		doc, notes, err := parseJSONLine(line, lim)
		switch {
		case err != nil:
			f.fail(n, err)
		case doc.ID == "":
			doc.ID = fmt.Sprintf("%s#%d", f.rel, n)
			fallthrough
		default:
			f.warn(n, notes)
			f.add(n, doc)
		}
	}
	f.raw = nil
}

// parseJSONLine decodes one JSONL document; its text gets the same
// paragraph and speaker treatment as a plain text file, within lim.
func parseJSONLine(line []byte, lim Limits) (Document, []string, error) {
	var j jsonDoc
	if err := json.Unmarshal(line, &j); err != nil {
		return Document{}, nil, fmt.Errorf("bad JSON: %w", err)
	}
	if strings.TrimSpace(j.Text) == "" {
		return Document{}, nil, errors.New(`missing "text"`)
	}
	var notes []string
	if max := lim.maxText(); int64(len(j.Text)) > max {
		n := len(j.Text)
		j.Text = cutText(j.Text, max)
		notes = append(notes, fmt.Sprintf("only the first %s of the %s \"text\" kept", byteSize(int64(len(j.Text))), byteSize(int64(n))))
	}
	doc := Document{ID: j.ID, Title: collapseSpace(j.Title), URL: j.URL, Source: j.Source, Kind: j.Kind, Tags: j.Tags}
	if j.Date != "" {
		t, err := parseDate(j.Date)
		if err != nil {
			return Document{}, nil, err
		}
		doc.Date = t
	}
	text := strings.ReplaceAll(strings.ReplaceAll(j.Text, "\r\n", "\n"), "\r", "\n")
	doc.Body, doc.Passages = assemble(plainParas(strings.Split(text, "\n")), collapseSpace(j.Speaker))
	if len(doc.Passages) == 0 {
		return Document{}, nil, errors.New(`"text" has no words`)
	}
	if doc.Title == "" {
		doc.Title = fallbackTitle("", doc.Body)
	}
	if doc.Source == "" {
		doc.Source = source(doc.URL)
	}
	notes = append(notes, lim.fit(&doc)...)
	nameSpeakers(&doc)
	return doc, notes, nil
}
