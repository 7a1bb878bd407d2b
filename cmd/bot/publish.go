package main

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
	"github.com/briefbot/briefbot/postgres"
)

// publisher writes the documents of this replica's corpus folder into the
// shared corpus (with DATABASE_URL): the folder is an inbox. Changed files
// are read and their documents put; the documents that removed or changed
// files no longer hold are deleted. What it published is recorded in the
// local index (index.Sources), so each replica deletes only what its own
// files put there, and an emptied folder (an unmounted volume) deletes
// nothing. The index itself follows the table (see follower).
type publisher struct {
	root   string
	idx    *index.Index
	docs   *postgres.Corpus
	logger *slog.Logger
}

// publishResult is what a publish did.
type publishResult struct {
	Read     int
	Put      postgres.PutStats
	Deleted  int
	Problems []corpus.Problem
}

func (r publishResult) changed() bool { return r.Put.Added+r.Put.Updated+r.Deleted > 0 }

// publish brings the shared corpus up to date with the folder as snap found
// it. A failure leaves the record as it was, so the next publish retries.
func (p *publisher) publish(ctx context.Context, snap corpus.Snapshot) (publishResult, error) {
	var res publishResult
	root, old, err := p.idx.Sources()
	if err != nil {
		return res, err
	}
	all := root != snap.Root
	var changed, removed []string
	if all {
		changed, old = slices.Collect(maps.Keys(snap.Files)), nil
	} else {
		stamps := make(map[string]corpus.Stamp, len(old))
		for name, src := range old {
			stamps[name] = src.Stamp
		}
		changed, removed = snap.Diff(stamps)
		for name, src := range old {
			if st, ok := snap.Files[name]; ok && src.Recheck && st.Size == src.Stamp.Size && st.Mod.Equal(src.Stamp.Mod) {
				changed = append(changed, name)
			}
		}
	}
	if len(changed)+len(removed) == 0 {
		return res, nil
	}
	files, err := corpus.ListPaths(p.root, changed)
	if err != nil {
		return res, err
	}
	ids := make(map[string][]string)
	yielded := make(map[string]bool)
	var batch []corpus.Document
	flush := func() error {
		st, err := p.docs.Put(ctx, batch)
		res.Put.Added, res.Put.Updated, res.Put.Unchanged = res.Put.Added+st.Added, res.Put.Updated+st.Updated, res.Put.Unchanged+st.Unchanged
		clear(batch)
		batch = batch[:0]
		return err
	}
	for file, d := range files.ByFile() {
		ids[file] = append(ids[file], d.ID)
		yielded[d.ID] = true
		if batch = append(batch, d); len(batch) == 200 {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	if err := flush(); err != nil {
		return res, err
	}
	res.Read, res.Problems = files.Files(), files.Problems()
	var gone []string
	for _, name := range append(slices.Clone(changed), removed...) {
		for _, id := range old[name].IDs {
			if !yielded[id] {
				gone = append(gone, id)
			}
		}
	}
	if len(snap.Files) == 0 && len(gone) > 0 {
		// An empty folder is more likely an unmounted volume than the end
		// of the corpus: delete nothing, and keep the record.
		p.logger.Warn("corpus folder holds no documents; deleting nothing from the shared corpus", "dir", p.root)
		return res, nil
	}
	if res.Deleted, err = p.docs.Delete(ctx, gone); err != nil {
		return res, err
	}
	s := &syncer{root: p.root}
	return res, p.idx.PutSources(snap.Root, s.sources(snap, files, ids, changed), removed, all)
}

// run publishes the folder at start and then each snapshot the watch
// sends, retrying a failed publish (the database gone) with backoff.
func (p *publisher) run(ctx context.Context, snaps <-chan corpus.Snapshot) error {
	var pending *corpus.Snapshot
	if snap, err := corpus.Scan(p.root); err == nil {
		pending = &snap
	}
	wait := time.Second
	for {
		var retry <-chan time.Time
		if pending != nil {
			res, err := p.publish(ctx, *pending)
			logProblems(p.logger, res.Problems)
			switch {
			case ctx.Err() != nil:
				return nil
			case err != nil:
				p.logger.Warn("corpus folder not published to the shared corpus, retrying", "err", err, "retry_in", wait)
				retry = time.After(wait)
				wait = min(2*wait, time.Minute)
				// Rescan on retry: the folder may have changed meanwhile.
				if snap, serr := corpus.Scan(p.root); serr == nil {
					pending = &snap
				}
			default:
				pending, wait = nil, time.Second
				if res.changed() {
					p.logger.Info("corpus folder published", "files_read", res.Read, "added", res.Put.Added, "updated", res.Put.Updated, "deleted", res.Deleted)
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case snap := <-snaps:
			pending = &snap
		case <-retry:
		}
	}
}
