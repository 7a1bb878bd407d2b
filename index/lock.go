package index

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// An index folder is created, built, swapped and cleaned up only under its
// build lock: the lock of a small file beside it, "<dir>.lock" (a bbolt
// file, for bbolt's portable file lock with a timeout). Whoever holds the
// lock knows that nobody else is building, so what it finds beside the
// folder was left by a process that died:
//
//   - <dir>.tmp-*: a build that did not finish; removed.
//   - <dir>.new: a finished build, renamed there just before the swap;
//     swapped in (see swapIn).
//   - <dir>.old: the previous index, moved aside by the swap; put back
//     when there is no index at <dir>, else removed.

// lockFile is the build lock of the index folder dir.
func lockFile(dir string) string { return filepath.Clean(dir) + ".lock" }

// lockBuild takes the build lock of dir, waiting up to wait for another
// process to release it (not at all when wait is 0). The caller calls the
// returned function to release it.
func lockBuild(dir string, wait time.Duration) (func(), error) {
	db, err := bolt.Open(lockFile(dir), 0o644, &bolt.Options{Timeout: max(wait, time.Nanosecond)})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("index %s is being built by another process: %w", dir, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("lock index %s: %w", dir, err)
	}
	return func() { db.Close() }, nil
}

// prepare readies dir for opening: under the build lock it settles what a
// dead build left beside it and, with create, makes an empty index when
// there is none. When another process holds the lock, an index already in
// place is opened as it is (its own lock then decides) and a missing one
// is ErrLocked. When the lock cannot be made in a read-only folder, an
// index in place is opened as it is too. With orCreate, an empty index is
// made when there is none.
func prepare(dir string, orCreate bool) error {
	exists := isIndex(dir)
	wait := LockTimeout
	if exists {
		wait = 0 // an index is there: do not wait behind a long build
	} else if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err != nil {
		return fmt.Errorf("create index %s: %w", dir, err)
	}
	unlock, err := lockBuild(dir, wait)
	if err != nil {
		if exists && (errors.Is(err, ErrLocked) || writeErr(err) != err) {
			return nil
		}
		return err
	}
	defer unlock()
	if err := settle(dir); err != nil {
		return err
	}
	if !orCreate {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "docs.db")); errors.Is(err, os.ErrNotExist) {
		if err := checkReplaceable(dir); err != nil {
			return err
		}
		return create(dir)
	}
	return nil
}

// settle finishes or undoes what a process that died while building left
// beside dir. The caller holds the build lock, so no build is running.
func settle(dir string) error {
	dir = filepath.Clean(dir)
	newDir, oldDir := dir+".new", dir+".old"
	if isIndex(newDir) {
		// The build finished: complete its swap.
		if err := swapIn(newDir, dir); err != nil {
			return err
		}
	}
	if !isIndex(dir) && checkReplaceable(dir) == nil {
		// The swap moved the index aside and died: put it back. Before
		// this swap, the previous index was moved to <dir>.tmp-*.old.
		legacy, _ := filepath.Glob(dir + ".tmp-*.old")
		for _, prev := range append([]string{oldDir}, legacy...) {
			if isIndex(prev) {
				os.Remove(dir) // an empty folder, if anything
				if err := os.Rename(prev, dir); err != nil {
					return fmt.Errorf("restore index %s from %s: %w", dir, prev, err)
				}
				syncDir(filepath.Dir(dir))
				break
			}
		}
	}
	leftovers, _ := filepath.Glob(dir + ".tmp-*")
	for _, p := range append(leftovers, newDir, oldDir) {
		if onlyIndexFiles(p) {
			os.RemoveAll(p)
		}
	}
	return nil
}

// swapIn replaces dir by newDir, a finished index: dir moves aside to
// <dir>.old, newDir moves to dir, then <dir>.old is removed. A process
// that dies on the way leaves a complete index at dir, or at <dir>.new and
// <dir>.old, where settle finds it.
func swapIn(newDir, dir string) error {
	oldDir := dir + ".old"
	moved := false
	if _, err := os.Stat(dir); err == nil {
		if onlyIndexFiles(oldDir) {
			os.RemoveAll(oldDir)
		}
		if err := os.Rename(dir, oldDir); err != nil {
			return fmt.Errorf("replace index %s: %w", dir, err)
		}
		moved = true
	}
	if err := os.Rename(newDir, dir); err != nil {
		if moved {
			os.Rename(oldDir, dir)
		}
		return fmt.Errorf("replace index %s: %w", dir, err)
	}
	syncDir(filepath.Dir(dir))
	if moved {
		os.RemoveAll(oldDir)
	}
	return nil
}

// syncDir makes the renames in dir durable, where the system allows it.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}
