package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

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
	// Hold the lock of the index being replaced for the whole build.
	if _, err := os.Stat(filepath.Join(dir, "docs.db")); err == nil {
		db, err := bolt.Open(filepath.Join(dir, "docs.db"), 0o644, &bolt.Options{Timeout: LockTimeout})
		if err != nil {
			if errors.Is(err, bolt.ErrTimeout) {
				return Stats{}, fmt.Errorf("build index %s: %w", dir, ErrLocked)
			}
			return Stats{}, fmt.Errorf("build index %s: %w", dir, err)
		}
		defer db.Close()
	}
	// Leftovers of builds that were interrupted.
	if old, _ := filepath.Glob(filepath.Join(parent, base+".tmp-*")); len(old) > 0 {
		for _, o := range old {
			os.RemoveAll(o)
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
	x, err := open(dir)
	if err == nil {
		st, err := x.Sync(ctx, docs, progress)
		if err != nil {
			x.Close()
			return nil, st, err
		}
		return x, st, nil
	}
	if errors.Is(err, ErrLocked) {
		return nil, Stats{}, err
	}
	if _, serr := os.Stat(filepath.Join(dir, "docs.db")); serr == nil && !errors.Is(err, ErrFormat) {
		return nil, Stats{}, err // an index is there but cannot be read: do not replace it silently
	}
	st, err := Build(ctx, dir, docs, progress)
	if err != nil {
		return nil, st, err
	}
	x, err = open(dir)
	return x, st, err
}
