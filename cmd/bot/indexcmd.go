package main

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/briefbot/briefbot/index"
)

const indexUsage = `Usage: bot index [--corpus PATH] [--index DIR] [--rebuild] [--refresh]

Brings the on-disk index up to date with the corpus: new and changed
documents are indexed, removed ones dropped, unchanged ones left alone.
The index records each file's size and modification time; only files
whose record differs are read (--refresh reads every file and compares
documents by content, for copies that kept old modification times).
With --rebuild the index is built afresh in a temporary directory and
swapped in when complete, so an interrupted build leaves the old index.
Progress goes to stderr, a summary to stdout.

Flags:`

func runIndex(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("index", indexUsage)
	where := locationFlags(fs)
	rebuild := fs.Bool("rebuild", false, "build the index from scratch instead of updating it")
	if err := parseFlags(fs, args, 0, "index takes no arguments (got %q); use --corpus PATH"); err != nil {
		return err
	}
	if err := m.configure(where); err != nil {
		return err
	}
	dir := m.cfg.IndexDir
	start := time.Now()
	idx, res, err := m.openIndex(ctx, openOptions{refresh: where.refresh, rebuild: *rebuild})
	if err == nil && *rebuild {
		idx, err = index.Open(dir)
	}
	if err != nil {
		return indexError(dir, err)
	}
	elapsed := time.Since(start)
	ndocs, passages, err := idx.Count()
	if cerr := idx.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("index %s: %w", dir, err)
	}
	size, err := dirSize(dir)
	if err != nil {
		return fmt.Errorf("index %s: %w", dir, err)
	}
	_, err = fmt.Fprintf(m.stdout, "indexed %d documents (%d added, %d updated, %d removed, %d unchanged), %d passages in %.1f s; index at %s (%.1f MB)\n",
		ndocs, res.Added, res.Updated, res.Removed, ndocs-res.Added-res.Updated, passages, elapsed.Seconds(), dir, float64(size)/(1<<20))
	return err
}

// dirSize is the total size of the files under dir.
func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}
