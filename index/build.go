package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/briefbot/briefbot/corpus"
)

// Build writes a fresh index of docs into a temporary directory beside dir
// and then swaps it into place, so an interrupted build leaves the previous
// index (or none) behind, never a half-written one. It fails with ErrLocked
// when another process has dir open.
func Build(ctx context.Context, dir string, docs []corpus.Document, progress func(Progress)) (Stats, error) {
	dir = filepath.Clean(dir)
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
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
	// Leftovers of builds that were interrupted: only folders that hold
	// nothing but what create writes.
	if old, _ := filepath.Glob(filepath.Join(parent, base+".tmp-*")); len(old) > 0 {
		for _, o := range old {
			if onlyIndexFiles(o) {
				os.RemoveAll(o)
			}
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
	st, err := x.Sync(ctx, docs, progress)
	if cerr := x.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return st, fmt.Errorf("build index: %w", err)
	}
	if err := swap(tmp, dir); err != nil {
		return st, err
	}
	ok = true
	return st, nil
}

// swap replaces dir by tmp. Between the two renames dir does not exist for
// an instant; a reader then finds no index rather than a broken one.
func swap(tmp, dir string) error {
	var trash string
	if _, err := os.Stat(dir); err == nil {
		trash = tmp + ".old"
		if err := os.Rename(dir, trash); err != nil {
			return fmt.Errorf("replace index %s: %w", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if trash != "" {
			os.Rename(trash, dir)
		}
		return fmt.Errorf("replace index %s: %w", dir, err)
	}
	if trash != "" {
		os.RemoveAll(trash)
	}
	return nil
}

// Refresh opens the index in dir and brings it up to date with docs: an
// index in place is updated incrementally; a missing one, or one of another
// format, is built afresh with Build.
func Refresh(ctx context.Context, dir string, docs []corpus.Document, progress func(Progress)) (*Index, Stats, error) {
	if !isIndex(dir) {
		st, err := Build(ctx, dir, docs, progress)
		if err != nil {
			return nil, st, err
		}
		x, err := open(dir)
		return x, st, err
	}
	x, err := open(dir)
	if err == nil {
		st, err := x.Sync(ctx, docs, progress)
		if err != nil {
			x.Close()
			return nil, st, err
		}
		return x, st, nil
	}
	if !errors.Is(err, ErrFormat) {
		return nil, Stats{}, err // locked, or unreadable: never replace it silently
	}
	st, err := Build(ctx, dir, docs, progress)
	if err != nil {
		return nil, st, err
	}
	x, err = open(dir)
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
		if n := e.Name(); n != "bleve" && n != "docs.db" {
			return false
		}
	}
	return true
}
