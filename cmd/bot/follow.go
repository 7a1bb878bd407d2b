package main

import (
	"context"
	"errors"
	"iter"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
	"github.com/briefbot/briefbot/postgres"
)

// With DATABASE_URL the documents table is the corpus of record and each
// replica's index follows it: the index remembers (index marks) which
// shared corpus it follows and the last change it applied; a replica
// catches up from there when notified of a change, and polls in case a
// notification was lost.
const (
	markCorpus = "shared-corpus" // postgres.Corpus.ID of the corpus followed
	markSeq    = "shared-seq"    // the last change applied
	followPoll = 5 * time.Second // poll for changes this often besides notifications
	followPage = 500             // changes applied per batch
)

// follower keeps a local index in step with the shared corpus.
type follower struct {
	idx      *index.Index
	docs     *postgres.Corpus
	logger   *slog.Logger
	progress *progress // shows the first build's progress; nil for none

	mu     sync.Mutex // guards the fields below, read by /healthz
	seq    int64
	synced time.Time
	err    error
}

// openFollowing opens the index in dir for following: one of another
// version is replaced by an empty one (in a temporary directory swapped in),
// which the first catch-up fills.
func openFollowing(ctx context.Context, dir string) (*index.Index, error) {
	idx, err := index.Open(dir)
	if errors.Is(err, index.ErrFormat) {
		none := func(func(corpus.Document, error) bool) {}
		if _, err := index.BuildFrom(ctx, dir, none, nil); err != nil {
			return nil, err
		}
		idx, err = index.Open(dir)
	}
	return idx, err
}

// catchUp applies the changes since the index's mark: every document when
// the index followed no shared corpus, or another one, until now.
func (f *follower) catchUp(ctx context.Context) (index.Stats, error) {
	st, err := f.apply(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
	if err == nil {
		f.synced = time.Now()
	}
	return st, err
}

func (f *follower) apply(ctx context.Context) (index.Stats, error) {
	var total index.Stats
	id, err := f.docs.ID(ctx)
	if err != nil {
		return total, err
	}
	mark, err := f.idx.Mark(markCorpus)
	if err != nil {
		return total, err
	}
	s, err := f.idx.Mark(markSeq)
	if err != nil {
		return total, err
	}
	seq, _ := strconv.ParseInt(s, 10, 64)
	if mark != id {
		// The first start on this corpus: make the index hold exactly the
		// table's documents. Changes committed meanwhile follow below.
		last, n, err := f.docs.Last(ctx)
		if err != nil {
			return total, err
		}
		if f.progress != nil {
			f.progress.total = n
		}
		f.logger.Info("building the index from the shared corpus", "documents", n)
		total, err = f.idx.ApplyAdded(ctx, added(f.docs.All(ctx, last)), true, nil, f.progress.reporter())
		f.progress.done()
		if err != nil {
			return total, err
		}
		if err := f.idx.SetMark(markSeq, strconv.FormatInt(last, 10)); err != nil {
			return total, err
		}
		if err := f.idx.SetMark(markCorpus, id); err != nil {
			return total, err
		}
		seq = last
	}
	for {
		chs, err := f.docs.Changes(ctx, seq, followPage)
		if err != nil {
			return total, err
		}
		if len(chs) == 0 {
			break
		}
		var docs []index.AddedDoc
		var removed []string
		for _, ch := range chs {
			if ch.Deleted {
				removed = append(removed, ch.Doc.ID)
			} else {
				docs = append(docs, index.AddedDoc{Document: ch.Doc, Added: ch.Added})
			}
		}
		st, err := f.idx.ApplyAdded(ctx, each(docs), false, removed, nil)
		total.Added, total.Updated, total.Removed = total.Added+st.Added, total.Updated+st.Updated, total.Removed+st.Removed
		if err != nil {
			return total, err
		}
		seq = chs[len(chs)-1].Seq
		if err := f.idx.SetMark(markSeq, strconv.FormatInt(seq, 10)); err != nil {
			return total, err
		}
		f.mu.Lock()
		f.seq = seq
		f.mu.Unlock()
		if len(chs) < followPage {
			break
		}
	}
	f.mu.Lock()
	f.seq = seq
	f.mu.Unlock()
	return total, nil
}

// run catches up on every notification and poll until ctx is done. A
// database that goes away leaves the index as it is, answering; the polls
// retry until it is back.
func (f *follower) run(ctx context.Context) error {
	wake := make(chan struct{}, 1)
	signal := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { f.docs.Listen(ctx, signal, f.logger) })
	t := time.NewTicker(followPoll)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-t.C:
		}
		st, err := f.catchUp(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil && !failing:
			failing = true
			f.logger.Warn("cannot follow the shared corpus; answering from the index as it is, retrying", "err", err)
		case err != nil:
			f.logger.Debug("shared corpus still unreachable", "err", err)
		case failing:
			failing = false
			f.logger.Info("following the shared corpus again")
		}
		if err == nil && st.Added+st.Updated+st.Removed > 0 {
			f.logger.Info("shared corpus changed", "added", st.Added, "updated", st.Updated, "removed", st.Removed)
		}
	}
}

// followStatus is what /healthz says of the index.
type followStatus struct {
	Seq    int64     `json:"seq"`
	Synced time.Time `json:"synced,omitzero"`
	Error  string    `json:"error,omitempty"`
}

func (f *follower) status() followStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := followStatus{Seq: f.seq, Synced: f.synced}
	if f.err != nil {
		s.Error = f.err.Error()
	}
	return s
}

// added turns the table's documents into the index's.
func added(chs iter.Seq2[postgres.Change, error]) iter.Seq2[index.AddedDoc, error] {
	return func(yield func(index.AddedDoc, error) bool) {
		for ch, err := range chs {
			if !yield(index.AddedDoc{Document: ch.Doc, Added: ch.Added}, err) {
				return
			}
		}
	}
}

// each streams docs, dropping each from the slice once yielded.
func each(docs []index.AddedDoc) iter.Seq2[index.AddedDoc, error] {
	return func(yield func(index.AddedDoc, error) bool) {
		for i := range docs {
			d := docs[i]
			docs[i] = index.AddedDoc{}
			if !yield(d, nil) {
				return
			}
		}
	}
}
