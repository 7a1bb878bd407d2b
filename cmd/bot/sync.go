package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// The freshness check. Opening an index for a question must cost well
// under a second on a corpus of tens of thousands of files, so the corpus
// is not read to find out whether it changed: the index records, per file,
// its size and modification time when it was read and the IDs of the
// documents it held (index.Source). A sync stats the files (corpus.Scan),
// reads only those whose stamp differs, and removes the documents of the
// files that are gone. --refresh, or a record of another corpus, re-reads
// everything and compares documents by content hash, as a rebuild would.
//
// A file rewritten within the same tick of a coarse file-system clock
// could keep its stamp; files modified less than racyWindow before a scan
// are therefore read again on the next sync.
const racyWindow = 2 * time.Second

// syncer brings an index up to date with the configured corpus.
type syncer struct {
	root       string // the corpus folder or file; "" = the bundled sample
	full       bool   // re-read every file, whatever the record says
	allowEmpty bool   // a corpus with no documents is not an error (feeds fill it)

	// progress, when set, shows indexing progress.
	progress *progress
}

// syncResult is what a sync did.
type syncResult struct {
	index.Stats
	Docs     int              // documents in the index afterwards
	Read     int              // files read
	Full     bool             // every file was read
	Problems []corpus.Problem // skipped documents in files that changed (each reported once)
}

// changed reports whether the sync changed the index.
func (r syncResult) changed() bool { return r.Added+r.Updated+r.Removed > 0 || r.Rebuilt }

// errCollision stops an incremental sync in which a changed file yields the
// ID of a document another file holds: only a full read in file order
// decides which one wins.
var errCollision = errors.New("document ID held by another file")

// open opens the index in dir, creating or rebuilding it as needed, and
// brings it up to date.
func (s *syncer) open(ctx context.Context, dir string) (*index.Index, syncResult, error) {
	if s.root == "" {
		// An index of a corpus folder is not replaced by the sample just
		// because no corpus was named this time.
		if err := notOfFolder(dir); err != nil {
			return nil, syncResult{}, err
		}
		// The bundled sample is five documents in the binary: read it.
		src, err := listCorpus("")
		if err != nil {
			return nil, syncResult{}, err
		}
		s.progress.expect(src.files)
		idx, st, err := index.RefreshFrom(ctx, dir, src.documents(), s.progress.reporter())
		res := syncResult{Stats: st, Read: src.files.Files(), Full: true, Problems: src.files.Problems(), Docs: src.files.Count()}
		if err == nil {
			if err = idx.PutSources("", nil, nil, true); err != nil {
				idx.Close()
			}
		}
		return idx, res, err
	}
	snap, err := corpus.Scan(s.root)
	if err != nil {
		return nil, syncResult{}, missingCorpus(s.root, err)
	}
	if index.Exists(dir) {
		idx, err := index.Open(dir)
		if err == nil {
			res, err := s.sync(ctx, idx, snap)
			if err != nil {
				idx.Close()
				return nil, res, err
			}
			return idx, res, nil
		}
		if !errors.Is(err, index.ErrFormat) {
			return nil, syncResult{}, err // locked, or unreadable: never replace it silently
		}
	}
	// No index, or one of another version: build one (in a temporary
	// directory, swapped in when complete).
	return s.build(ctx, dir, snap)
}

// errOtherCorpus is the error of a command given no corpus (so the
// bundled sample) on an index built from a corpus folder.
type errOtherCorpus struct {
	dir, root string
	docs      int
}

func (e errOtherCorpus) Error() string {
	return fmt.Sprintf("the index %s holds the %d documents of %s, and no corpus was given (CORPUS_DIR or --corpus), so the bundled sample would replace them: "+
		"pass --corpus %s (or set CORPUS_DIR) to use them, point --index (or DATA_DIR) at another folder for the sample, or run `bot index --rebuild` to index the sample there instead",
		e.dir, e.docs, e.root, e.root)
}

// notOfFolder returns an errOtherCorpus when the index in dir was built
// from a corpus folder; nil when there is none, or it holds the sample.
func notOfFolder(dir string) error {
	if !index.Exists(dir) {
		return nil
	}
	idx, err := index.Open(dir)
	if err != nil {
		return nil // opened again below, which reports why it cannot be
	}
	defer idx.Close()
	root, _, err := idx.Sources()
	if err != nil || root == "" {
		return nil
	}
	docs, _, _ := idx.Count()
	return errOtherCorpus{dir: dir, root: root, docs: docs}
}

// build builds the index in dir afresh from every file of snap's corpus.
func (s *syncer) build(ctx context.Context, dir string, snap corpus.Snapshot) (*index.Index, syncResult, error) {
	files, err := corpus.List(s.root)
	if err != nil {
		return nil, syncResult{}, err
	}
	s.progress.expect(files)
	ids := make(map[string][]string)
	idx, st, err := index.RefreshFrom(ctx, dir, s.guard(byFile(files, ids, nil), files, 0), s.progress.reporter())
	res := syncResult{Stats: st, Read: files.Files(), Full: true, Docs: files.Count(), Problems: files.Problems()}
	if err != nil {
		return nil, res, err
	}
	if err := idx.PutSources(snap.Root, s.sources(snap, files, ids, slices.Collect(maps.Keys(snap.Files))), nil, true); err != nil {
		idx.Close()
		return nil, res, err
	}
	return idx, res, nil
}

// sync brings the open index up to date with the corpus as snap found it:
// incrementally when the index's record of the files is of this corpus,
// otherwise by reading every file.
func (s *syncer) sync(ctx context.Context, idx *index.Index, snap corpus.Snapshot) (syncResult, error) {
	root, old, err := idx.Sources()
	if err != nil {
		return syncResult{}, err
	}
	if s.full || root != snap.Root {
		return s.syncAll(ctx, idx, snap, old)
	}
	stamps := make(map[string]corpus.Stamp, len(old))
	for name, src := range old {
		stamps[name] = src.Stamp
	}
	changed, removed := snap.Diff(stamps)
	for name, src := range old {
		// A recent file with an unchanged stamp is read again: Diff left
		// it out.
		if st, ok := snap.Files[name]; ok && src.Recheck && st.Size == src.Stamp.Size && st.Mod.Equal(src.Stamp.Mod) {
			changed = append(changed, name)
		}
	}
	if len(changed)+len(removed) == 0 {
		docs, _, err := idx.Count()
		return syncResult{Stats: index.Stats{Unchanged: docs}, Docs: docs}, err
	}
	res, err := s.syncSome(ctx, idx, snap, old, changed, removed)
	if errors.Is(err, errCollision) {
		return s.syncAll(ctx, idx, snap, old)
	}
	return res, err
}

// syncAll reads every file of the corpus and makes the index hold exactly
// its documents.
func (s *syncer) syncAll(ctx context.Context, idx *index.Index, snap corpus.Snapshot, old map[string]index.Source) (syncResult, error) {
	files, err := corpus.List(s.root)
	if err != nil {
		return syncResult{}, err
	}
	indexed, _, err := idx.Count()
	if err != nil {
		return syncResult{}, err
	}
	s.progress.expect(files)
	ids := make(map[string][]string)
	st, err := idx.SyncFrom(ctx, s.guard(byFile(files, ids, nil), files, indexed), s.progress.reporter())
	res := syncResult{Stats: st, Read: files.Files(), Full: true, Docs: files.Count(), Problems: s.news(files, snap, old)}
	if err != nil {
		return res, err
	}
	return res, idx.PutSources(snap.Root, s.sources(snap, files, ids, slices.Collect(maps.Keys(snap.Files))), nil, true)
}

// syncSome reads the changed files and drops the documents of the changed
// and removed files that are no longer there.
func (s *syncer) syncSome(ctx context.Context, idx *index.Index, snap corpus.Snapshot, old map[string]index.Source, changed, removed []string) (syncResult, error) {
	files, err := corpus.ListPaths(s.root, changed)
	if err != nil {
		return syncResult{}, err
	}
	// Who holds each document ID, among the files that did not change.
	owner := make(map[string]string)
	touched := make(map[string]bool, len(changed)+len(removed))
	for _, name := range append(slices.Clone(changed), removed...) {
		touched[name] = true
	}
	total := 0
	for name, src := range old {
		if !touched[name] {
			total += len(src.IDs)
			for _, id := range src.IDs {
				owner[id] = name
			}
		}
	}
	s.progress.expect(files)
	ids := make(map[string][]string)
	st, err := idx.ApplyFrom(ctx, byFile(files, ids, owner), nil, s.progress.reporter())
	res := syncResult{Stats: st, Read: files.Files(), Problems: s.news(files, snap, old)}
	if err != nil {
		return res, err
	}
	yielded := make(map[string]bool)
	for _, list := range ids {
		total += len(list)
		for _, id := range list {
			yielded[id] = true
		}
	}
	if total == 0 {
		// Every document would go. An empty folder is more likely an
		// unmounted volume or a sync tool half-way than the end of the
		// corpus, and emptying the index would make every document "new"
		// to the digest when it comes back: keep the index.
		indexed, _, err := idx.Count()
		if err != nil {
			return res, err
		}
		if err := s.empty(indexed); err != nil {
			return res, err
		}
	}
	var gone []string
	for name := range touched {
		for _, id := range old[name].IDs {
			if !yielded[id] {
				gone = append(gone, id)
			}
		}
	}
	if len(gone) > 0 {
		rm, err := idx.Apply(ctx, nil, gone)
		res.Removed += rm.Removed
		if err != nil {
			return res, err
		}
	}
	if res.Docs, _, err = idx.Count(); err != nil {
		return res, err
	}
	res.Unchanged = res.Docs - res.Added - res.Updated
	return res, idx.PutSources(snap.Root, s.sources(snap, files, ids, changed), removed, false)
}

// byFile streams the documents of files, noting in ids which file each
// comes from. With owner set, a document whose ID another file holds ends
// the stream with errCollision.
func byFile(files *corpus.Files, ids map[string][]string, owner map[string]string) iter.Seq2[corpus.Document, error] {
	return func(yield func(corpus.Document, error) bool) {
		for file, d := range files.ByFile() {
			if o, ok := owner[d.ID]; ok && o != file {
				yield(corpus.Document{}, errCollision)
				return
			}
			ids[file] = append(ids[file], d.ID)
			if !yield(d, nil) {
				return
			}
		}
	}
}

// guard ends a full read that found no documents with an error, before
// anything is removed: errNoDocuments, unless allowEmpty, or errEmptyFolder
// when the index holds documents.
func (s *syncer) guard(docs iter.Seq2[corpus.Document, error], files *corpus.Files, indexed int) iter.Seq2[corpus.Document, error] {
	return func(yield func(corpus.Document, error) bool) {
		if files.Files() == 0 {
			if err := s.empty(indexed); err != nil {
				yield(corpus.Document{}, err)
			}
			return
		}
		for d, err := range docs {
			if !yield(d, err) || err != nil {
				return
			}
		}
		if files.Count() == 0 {
			if err := s.empty(indexed); err != nil {
				yield(corpus.Document{}, err)
			}
		}
	}
}

// empty is the error of a corpus that turns out to hold no documents when
// the index holds indexed: errNoDocuments unless allowEmpty, errEmptyFolder
// when the index would lose them all, else none.
func (s *syncer) empty(indexed int) error {
	switch {
	case !s.allowEmpty:
		return errNoDocuments(s.root)
	case indexed > 0:
		return errEmptyFolder
	}
	return nil
}

// sources is the record of the files named that were read.
func (s *syncer) sources(snap corpus.Snapshot, files *corpus.Files, ids map[string][]string, names []string) map[string]index.Source {
	skipped := make(map[string]string)
	for _, p := range files.Problems() {
		if rel := files.Rel(p); rel != "" && skipped[rel] == "" {
			skipped[rel] = p.Reason
		}
	}
	out := make(map[string]index.Source, len(names))
	for _, name := range names {
		st, ok := snap.Files[name]
		if !ok {
			continue // gone since the scan: the next sync sees it as removed
		}
		out[name] = index.Source{
			Stamp:   st,
			IDs:     ids[name],
			Skipped: skipped[name],
			Recheck: snap.At.Sub(st.Mod) < racyWindow,
		}
	}
	return out
}

// news returns the problems of files that changed since they were last
// read: a file read again only because its change was too recent to trust
// its stamp, with the same stamp, was reported already.
func (s *syncer) news(files *corpus.Files, snap corpus.Snapshot, old map[string]index.Source) []corpus.Problem {
	var out []corpus.Problem
	for _, p := range files.Problems() {
		rel := files.Rel(p)
		if o, ok := old[rel]; ok && rel != "" && o.Skipped != "" && o.Stamp.Size == snap.Files[rel].Size && o.Stamp.Mod.Equal(snap.Files[rel].Mod) {
			continue
		}
		out = append(out, p)
	}
	return out
}
