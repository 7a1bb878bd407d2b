package corpus

import (
	"context"
	"maps"
	"time"
)

// Watcher polls a corpus folder and reports its files once they have been
// added, modified or removed and then left alone for one more poll, so a
// file still being written is not read half-way. Hidden files and
// temporary files (*.tmp) are ignored. Polling rather than file-system
// events works the same on local disks, Docker volumes and network shares.
type Watcher struct {
	Dir      string
	Interval time.Duration // between polls; default 2s

	// Tick, when set, replaces the timer: each value received is one poll.
	// Tests poll on demand with it.
	Tick <-chan time.Time

	polled chan<- struct{} // tests: told when a poll is done
}

// Run polls until ctx is done. changed receives the snapshot of the
// settled folder: the caller compares it with what it last read (see
// Snapshot.Diff), so that a change it failed to apply is seen again.
func (w *Watcher) Run(ctx context.Context, changed func(context.Context, Snapshot)) error {
	last, err := Scan(w.Dir)
	if err != nil {
		return err
	}
	tick := w.Tick
	if tick == nil {
		interval := w.Interval
		if interval <= 0 {
			interval = 2 * time.Second
		}
		t := time.NewTicker(interval)
		defer t.Stop()
		tick = t.C
	}
	var pending *Snapshot // a changed snapshot waiting to settle
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick:
		}
		// A scan that fails (the folder being replaced) is tried again at
		// the next poll.
		if now, err := Scan(w.Dir); err == nil {
			switch {
			case pending != nil && maps.Equal(now.Files, pending.Files):
				// Settled: nothing moved for a whole interval. The snapshot
				// taken when the change was first seen is the older one, so
				// files modified just before it are read again next time.
				settled := *pending
				pending = nil
				last = now
				changed(ctx, settled)
			case !maps.Equal(now.Files, last.Files):
				pending = &now
			default:
				pending = nil
			}
		}
		if w.polled != nil {
			w.polled <- struct{}{}
		}
	}
}

// Watch polls the corpus folder dir every interval; see Watcher.
func Watch(ctx context.Context, dir string, interval time.Duration, changed func(context.Context, Snapshot)) error {
	w := &Watcher{Dir: dir, Interval: interval}
	return w.Run(ctx, changed)
}
