package corpus

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"time"
)

// Watch polls the corpus directory dir every interval and calls changed
// once the files in it have been added, modified or removed and then left
// alone for one more interval, so a file still being written is not read
// half-way. Hidden files and temporary files (*.tmp) are ignored. Polling
// rather than file-system events works the same on local disks, Docker
// volumes and network shares. Watch returns when ctx is done.
func Watch(ctx context.Context, dir string, interval time.Duration, changed func(context.Context)) error {
	if interval <= 0 {
		interval = 2 * time.Second
	}
	last, err := scan(dir)
	if err != nil {
		return err
	}
	var pending map[string]fileStamp // a changed snapshot waiting to settle
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		now, err := scan(dir)
		if err != nil {
			continue // a transient error (the folder being replaced); try again
		}
		switch {
		case pending != nil && same(now, pending):
			// Settled: nothing moved for a whole interval.
			pending = nil
			last = now
			changed(ctx)
		case !same(now, last):
			pending = now
		default:
			pending = nil
		}
	}
}

type fileStamp struct {
	size int64
	mod  time.Time
}

func scan(dir string) (map[string]fileStamp, error) {
	out := make(map[string]fileStamp)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil
		}
		name := d.Name()
		if p != dir && (strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".tmp")) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !wanted(p) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		out[p] = fileStamp{info.Size(), info.ModTime()}
		return nil
	})
	return out, err
}

func same(a, b map[string]fileStamp) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
