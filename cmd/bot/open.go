package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"time"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
	"github.com/briefbot/briefbot/redact"
)

// source is a corpus found on disk (or the bundled sample) but not read:
// commands stream it into the index a few files at a time, so indexing a
// large corpus never holds all of it in memory.
type source struct {
	files      *corpus.Files
	where      string // the path, or "the bundled sample", for messages
	allowEmpty bool   // a corpus with no documents is not an error
}

// errNoDocuments is the error of a corpus with no documents.
type errNoDocuments string

func (e errNoDocuments) Error() string {
	where := string(e)
	if where == "" {
		where = "the bundled sample"
	}
	return fmt.Sprintf("no documents in %s (it needs .md, .txt or .jsonl files)", where)
}

// listCorpus finds the files of the corpus at path ("" = the bundled
// sample) without reading them.
func listCorpus(path string) (*source, error) {
	if path == "" {
		files, err := corpus.ListFS(corpus.Sample(), ".")
		if err != nil {
			return nil, fmt.Errorf("load corpus: %w", err)
		}
		return &source{files: files, where: "the bundled sample"}, nil
	}
	if _, err := os.Stat(path); err != nil {
		return nil, missingCorpus(path, err)
	}
	files, err := corpus.List(path)
	if err != nil {
		return nil, err
	}
	return &source{files: files, where: path}, nil
}

// missingCorpus explains a corpus path that cannot be read.
func missingCorpus(path string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("corpus %s: %w (set CORPUS_DIR or --corpus to a folder of documents or a .jsonl file)", path, err)
}

// documents reads the corpus, yielding its documents and, unless
// allowEmpty, an error once it turns out to hold none: the index then stays
// as it was.
func (s *source) documents() iter.Seq2[corpus.Document, error] {
	return func(yield func(corpus.Document, error) bool) {
		if s.files.Files() == 0 && !s.allowEmpty {
			yield(corpus.Document{}, errNoDocuments(s.where))
			return
		}
		for d := range s.files.Documents() {
			if !yield(d, nil) {
				return
			}
		}
		if s.files.Count() == 0 && !s.allowEmpty {
			yield(corpus.Document{}, errNoDocuments(s.where))
		}
	}
}

// openOptions say how a command opens the index.
type openOptions struct {
	refresh    bool // re-read every file (--refresh)
	rebuild    bool // build afresh (bot index --rebuild); returns no open index
	allowEmpty bool // a corpus with no documents is not an error
	logged     bool // skipped documents go to the logger, not stderr
}

// openIndex opens the configured index, brought up to date with the
// configured corpus: cheaply, when only a few files changed (see syncer).
// Progress, shown only when indexing takes a while, goes to stderr; the
// skipped documents of the files that changed go to stderr or the log.
func (m *Main) openIndex(ctx context.Context, o openOptions) (*index.Index, syncResult, error) {
	if m.cfg.DatabaseURL != "" {
		return m.openFromShared(ctx, o)
	}
	dir := m.cfg.IndexDir
	progress := &progress{w: m.stderr}
	s := &syncer{root: m.cfg.CorpusDir, full: o.refresh, allowEmpty: o.allowEmpty, progress: progress}
	var idx *index.Index
	var res syncResult
	var err error
	if o.rebuild {
		res, err = s.rebuild(ctx, dir)
	} else {
		idx, res, err = s.open(ctx, dir)
	}
	progress.done()
	if o.logged {
		logProblems(m.logger, res.Problems)
	} else {
		reportProblems(m.stderr, res.Problems)
	}
	if err != nil {
		return nil, res, indexError(dir, err)
	}
	if res.Rebuilt {
		fmt.Fprintf(m.stderr, "rebuilt the index %s: it was made by another version of the bot\n", dir)
	}
	if res.Added+res.Updated > 0 {
		// Indexing leaves a heap of garbage (analysed passages, Bleve's
		// in-memory segments) that the runtime would otherwise keep mapped
		// until later collections; the commands that index go on to answer
		// or serve for a long time, so give it back now.
		debug.FreeOSMemory()
	}
	m.logger.Debug("index ready", "dir", dir, "docs", res.Docs, "files_read", res.Read,
		"added", res.Added, "updated", res.Updated, "removed", res.Removed, "unchanged", res.Unchanged)
	return idx, res, nil
}

// rebuild builds the index in dir afresh in a temporary directory and
// swaps it in (see index.BuildFrom), recording the files it read.
func (s *syncer) rebuild(ctx context.Context, dir string) (syncResult, error) {
	if s.root == "" {
		src, err := listCorpus("")
		if err != nil {
			return syncResult{}, err
		}
		s.progress.expect(src.files)
		st, err := index.BuildFrom(ctx, dir, src.documents(), s.progress.reporter())
		return syncResult{Stats: st, Read: src.files.Files(), Full: true, Docs: src.files.Count(), Problems: src.files.Problems()}, err
	}
	snap, err := corpus.Scan(s.root)
	if err != nil {
		return syncResult{}, missingCorpus(s.root, err)
	}
	files, err := corpus.List(s.root)
	if err != nil {
		return syncResult{}, err
	}
	s.progress.expect(files)
	ids := make(map[string][]string)
	st, err := index.BuildFrom(ctx, dir, s.guard(byFile(files, ids, nil), files, 0), s.progress.reporter())
	res := syncResult{Stats: st, Read: files.Files(), Full: true, Docs: files.Count(), Problems: files.Problems()}
	if err != nil {
		return res, err
	}
	idx, err := index.Open(dir)
	if err != nil {
		return res, err
	}
	err = idx.PutSources(snap.Root, s.sources(snap, files, ids, slices.Collect(maps.Keys(snap.Files))), nil, true)
	if cerr := idx.Close(); err == nil {
		err = cerr
	}
	return res, err
}

// reportProblems lists the first skipped or cut documents on w.
func reportProblems(w io.Writer, problems []corpus.Problem) {
	for i, p := range problems {
		switch {
		case i == 10:
			fmt.Fprintf(w, "and %d more documents skipped or cut\n", len(problems)-10)
			return
		case p.Warning:
			fmt.Fprintf(w, "warning: %s\n", redact.Text(p.String()))
		default:
			fmt.Fprintf(w, "skipped %s\n", redact.Text(p.String()))
		}
	}
}

// scratchIndex opens the configured index dir brought up to date, or, when
// dir is "", builds a temporary one, removed by cleanup.
func (m *Main) scratchIndex(ctx context.Context, dir string) (*index.Index, func(), error) {
	cleanup := func() {}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "briefbot-index-")
		if err != nil {
			return nil, nil, err
		}
		dir = filepath.Join(tmp, "index")
		cleanup = func() { os.RemoveAll(tmp) }
	}
	m.cfg.IndexDir = dir
	idx, _, err := m.openIndex(ctx, openOptions{})
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return idx, func() { idx.Close(); cleanup() }, nil
}

// progress reports indexing progress on updates that take more than a
// couple of seconds: documents per second and the time left. A nil
// *progress reports nothing.
type progress struct {
	w       io.Writer
	total   int // documents expected, an estimate
	last    time.Time
	printed bool
}

// expect sets the estimate of the documents to read.
func (p *progress) expect(files *corpus.Files) {
	if p != nil {
		p.total = files.Estimate()
	}
}

// reporter is the callback for the index, nil for a nil *progress.
func (p *progress) reporter() func(index.Progress) {
	if p == nil {
		return nil
	}
	return p.report
}

func (p *progress) report(pr index.Progress) {
	if pr.Total > 0 {
		p.total = pr.Total
	}
	if pr.Elapsed < 2*time.Second || time.Since(p.last) < time.Second {
		return
	}
	p.last = time.Now()
	rate := float64(pr.Done) / pr.Elapsed.Seconds()
	total := max(p.total, pr.Done)
	eta := time.Duration(float64(total-pr.Done)/rate) * time.Second
	fmt.Fprintf(p.w, "\rindexing %d/%d documents, %.0f docs/s, %s left   ", pr.Done, total, rate, eta.Round(time.Second))
	p.printed = true
}

// done ends the progress line, if one was printed.
func (p *progress) done() {
	if p != nil && p.printed {
		fmt.Fprintln(p.w)
		p.printed = false
	}
}
