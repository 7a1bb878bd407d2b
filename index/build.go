package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/briefbot/briefbot/corpus"
)

// Build writes a fresh index of docs into a temporary directory beside dir
// and then swaps it into place, so an interrupted build leaves the previous
// index (or none) behind, never a half-written one. It fails with ErrLocked
// when another process has dir open or is building it, and with
// ErrReadOnly when it may not write beside dir.
func Build(ctx context.Context, dir string, docs []corpus.Document, progress func(Progress)) (Stats, error) {
	st, err := build(ctx, dir, values(docs), len(docs), progress)
	return st, writeErr(err)
}

// BuildFrom is Build for a stream of documents, such as corpus.Files
// yields: only one batch of documents is in memory at a time. An error from
// the stream stops the build and leaves the previous index in place.
func BuildFrom(ctx context.Context, dir string, docs iter.Seq2[corpus.Document, error], progress func(Progress)) (Stats, error) {
	st, err := build(ctx, dir, docs, 0, progress)
	return st, writeErr(err)
}

func build(ctx context.Context, dir string, docs iter.Seq2[corpus.Document, error], total int, progress func(Progress)) (Stats, error) {
	dir = filepath.Clean(dir)
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return Stats{}, fmt.Errorf("build index: %w", err)
	}
	// The build lock first: two builds of a new index must not share, or
	// remove, each other's temporary folders.
	unlock, err := lockBuild(dir, LockTimeout)
	if err != nil {
		return Stats{}, fmt.Errorf("build index: %w", err)
	}
	defer unlock()
	if err := settle(dir); err != nil {
		return Stats{}, fmt.Errorf("build index: %w", err)
	}
	if err := checkReplaceable(dir); err != nil {
		return Stats{}, fmt.Errorf("build index: %w", err)
	}
	// Hold the lock of the index being replaced for the whole build, and
	// keep the times its documents were first added.
	var firstAdded map[string]time.Time
	if isIndex(dir) {
		db, err := bolt.Open(filepath.Join(dir, "docs.db"), 0o644, &bolt.Options{Timeout: LockTimeout})
		if err != nil {
			if errors.Is(err, bolt.ErrTimeout) {
				return Stats{}, fmt.Errorf("build index %s: %w", dir, ErrLocked)
			}
			return Stats{}, fmt.Errorf("build index %s: %w", dir, err)
		}
		defer db.Close()
		firstAdded, err = addedTimes(db)
		if err != nil {
			return Stats{}, fmt.Errorf("build index %s: %w", dir, err)
		}
	}
	tmp, err := os.MkdirTemp(parent, base+".tmp-")
	if err != nil {
		return Stats{}, fmt.Errorf("build index: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := create(tmp); err != nil {
		return Stats{}, err
	}
	x, err := open(tmp)
	if err != nil {
		return Stats{}, err
	}
	x.firstAdded = firstAdded
	st, err := x.update(ctx, docs, total, true, nil, progress)
	if cerr := x.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = compactStore(tmp)
	}
	if err != nil {
		return st, fmt.Errorf("build index: %w", err)
	}
	// Finished: from the moment it is named <dir>.new, a process that dies
	// before the swap is done leaves it to be swapped in by the next one.
	newDir := dir + ".new"
	if err := os.Rename(tmp, newDir); err != nil {
		return st, fmt.Errorf("build index: %w", err)
	}
	ok = true
	syncDir(parent)
	return st, swapIn(newDir, dir)
}

// compactStore rewrites the docs.db of a finished build into a fresh file
// with full pages. A build writes it in many transactions, which leave
// freed pages between the live ones, and reading a record maps in the
// pages around it too (the kernel faults in neighbouring cached pages), so
// a smaller file is less resident memory while answering.
func compactStore(dir string) error {
	path := filepath.Join(dir, "docs.db")
	src, err := bolt.Open(path, 0o644, &bolt.Options{ReadOnly: true, Timeout: LockTimeout})
	if err != nil {
		return fmt.Errorf("compact document store: %w", err)
	}
	defer src.Close()
	dst, err := bolt.Open(path+".compact", 0o644, &bolt.Options{Timeout: LockTimeout})
	if err != nil {
		return fmt.Errorf("compact document store: %w", err)
	}
	err = bolt.Compact(dst, src, 0)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(path+".compact", path)
	}
	if err != nil {
		os.Remove(path + ".compact")
		return fmt.Errorf("compact document store: %w", err)
	}
	return nil
}

// Refresh opens the index in dir and brings it up to date with docs: an
// index in place is updated incrementally; a missing one, or one of another
// format, is built afresh with Build (Stats.Rebuilt says which).
func Refresh(ctx context.Context, dir string, docs []corpus.Document, progress func(Progress)) (*Index, Stats, error) {
	x, st, err := refresh(ctx, dir, values(docs), len(docs), progress)
	return x, st, writeErr(err)
}

// RefreshFrom is Refresh for a stream of documents, such as corpus.Files
// yields. An error from the stream stops the refresh before any document
// is removed, and a build before the new index replaces the old.
func RefreshFrom(ctx context.Context, dir string, docs iter.Seq2[corpus.Document, error], progress func(Progress)) (*Index, Stats, error) {
	x, st, err := refresh(ctx, dir, docs, 0, progress)
	return x, st, writeErr(err)
}

func refresh(ctx context.Context, dir string, docs iter.Seq2[corpus.Document, error], total int, progress func(Progress)) (*Index, Stats, error) {
	if err := prepare(dir, false); err != nil {
		return nil, Stats{}, err
	}
	fresh := !isIndex(dir)
	if !fresh {
		x, err := open(dir)
		if err == nil {
			st, err := x.update(ctx, docs, total, true, nil, progress)
			if err != nil {
				x.Close()
				return nil, st, err
			}
			return x, st, nil
		}
		if !errors.Is(err, ErrFormat) {
			return nil, Stats{}, err // locked, or unreadable: never replace it silently
		}
	}
	st, err := build(ctx, dir, docs, total, progress)
	st.Rebuilt = !fresh
	if err != nil {
		return nil, st, err
	}
	x, err := open(dir)
	return x, st, err
}

// addedTimes reads when each document of an index was first added. A store
// of another format yields nothing rather than an error: the times are a
// courtesy to the digest, not needed to rebuild.
func addedTimes(db *bolt.DB) (map[string]time.Time, error) {
	out := make(map[string]time.Time)
	err := db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDocs)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var r struct {
				Added time.Time `json:"added"`
			}
			if json.Unmarshal(v, &r) == nil && !r.Added.IsZero() {
				out[string(k)] = r.Added
			}
			return nil
		})
	})
	return out, err
}

// onlyIndexFiles reports whether dir is a folder holding nothing but the
// parts of an index (possibly half-made).
func onlyIndexFiles(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if n := e.Name(); n != "bleve" && n != "docs.db" && n != "docs.db.compact" && !isBodyFile(n) {
			return false
		}
	}
	return true
}
