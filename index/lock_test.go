package index_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// held is a stream of docs that stops half-way until release is closed,
// after closing started: a build that is still running.
func held(docs []corpus.Document, started, release chan struct{}) func(yield func(corpus.Document, error) bool) {
	return func(yield func(corpus.Document, error) bool) {
		for i, d := range docs {
			if i == len(docs)/2 {
				close(started)
				<-release
			}
			if !yield(d, nil) {
				return
			}
		}
	}
}

// TestConcurrentFirstBuilds runs two builds of an index that does not
// exist yet, the second while the first is half-way: the second is refused
// with ErrLocked, without touching the first, which then succeeds.
func TestConcurrentFirstBuilds(t *testing.T) {
	defer func(d time.Duration) { index.LockTimeout = d }(index.LockTimeout)
	index.LockTimeout = 200 * time.Millisecond
	ctx := context.Background()
	build := func(dir string, docs func(yield func(corpus.Document, error) bool)) error {
		_, err := index.BuildFrom(ctx, dir, docs, nil)
		return err
	}
	refresh := func(dir string, docs func(yield func(corpus.Document, error) bool)) error {
		x, _, err := index.RefreshFrom(ctx, dir, docs, nil)
		if err == nil {
			x.Close()
		}
		return err
	}
	open := func(dir string, _ func(yield func(corpus.Document, error) bool)) error {
		x, err := index.Open(dir)
		if err == nil {
			x.Close()
		}
		return err
	}
	type run func(dir string, docs func(yield func(corpus.Document, error) bool)) error
	tests := []struct {
		name          string
		first, second run
	}{
		{"index --rebuild twice", build, build},
		{"index twice", refresh, refresh},
		{"index, then index --rebuild", refresh, build},
		{"index --rebuild, then ask", build, refresh},
		{"index, then Open", refresh, open},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "idx")
			started, release := make(chan struct{}), make(chan struct{})
			firstErr := make(chan error, 1)
			go func() { firstErr <- tt.first(dir, held(manyDocs(1000, "zeppelin"), started, release)) }()
			<-started
			err := tt.second(dir, stream(briefingDocs(), nil))
			if !errors.Is(err, index.ErrLocked) {
				t.Errorf("second build while the first runs: error %v, want ErrLocked", err)
			}
			close(release)
			if err := <-firstErr; err != nil {
				t.Fatalf("first build: %v", err)
			}
			x := open2(t, dir)
			if n, _, err := x.Count(); err != nil || n != 1000 {
				t.Errorf("after both, Count() = %d, %v; want the first build's 1000 documents", n, err)
			}
			if left, _ := filepath.Glob(filepath.Join(parent, "idx.*")); !slices.Equal(left, []string{filepath.Join(parent, "idx.lock")}) {
				t.Errorf("left beside the index: %v, want only idx.lock", left)
			}
		})
	}
}

func open2(t *testing.T, dir string) *index.Index {
	t.Helper()
	x, err := index.Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

// TestStaleTemporaryFolders checks that the temporary folder of a killed
// build is removed by the next Open, and that the folder of a build still
// running is not.
func TestStaleTemporaryFolders(t *testing.T) {
	defer func(d time.Duration) { index.LockTimeout = d }(index.LockTimeout)
	index.LockTimeout = 200 * time.Millisecond
	parent := t.TempDir()
	dir := filepath.Join(parent, "idx")
	build(t, dir, briefingDocs())
	stale := filepath.Join(parent, "idx.tmp-123456")
	if err := os.MkdirAll(filepath.Join(stale, "bleve"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stale, "docs.db"), make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	open2(t, dir).Close()
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open left the killed build's folder %s (%v)", stale, err)
	}

	// A build that runs: its folder stays while others open the index.
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := index.BuildFrom(context.Background(), dir, held(manyDocs(1000, "zeppelin"), started, release), nil)
		done <- err
	}()
	<-started
	running, _ := filepath.Glob(filepath.Join(parent, "idx.tmp-*"))
	if len(running) != 1 {
		t.Fatalf("temporary folders of the running build: %v, want one", running)
	}
	if _, err := index.Open(dir); !errors.Is(err, index.ErrLocked) {
		t.Errorf("Open during a rebuild: error %v, want ErrLocked", err)
	}
	if _, err := os.Stat(running[0]); err != nil {
		t.Errorf("Open during a rebuild removed its folder: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestSwapRecovers builds the states a process dying during the swap of a
// rebuild leaves behind, and checks that the next start keeps the complete
// copy (the new one when it is there) with the times its documents were
// first added, instead of deleting both and rebuilding.
func TestSwapRecovers(t *testing.T) {
	ctx := context.Background()
	v1, v2 := briefingDocs(), corpusV2()
	tests := []struct {
		name   string
		layout func(parent, oldIdx, newIdx string) // arranges the two copies in parent
		want   []corpus.Document
	}{
		{"between the renames", func(parent, oldIdx, newIdx string) {
			mustRename(t, oldIdx, filepath.Join(parent, "idx.old"))
			mustRename(t, newIdx, filepath.Join(parent, "idx.new"))
		}, v2},
		{"before the first rename", func(parent, oldIdx, newIdx string) {
			mustRename(t, oldIdx, filepath.Join(parent, "idx"))
			mustRename(t, newIdx, filepath.Join(parent, "idx.new"))
		}, v2},
		{"before removing the old copy", func(parent, oldIdx, newIdx string) {
			mustRename(t, oldIdx, filepath.Join(parent, "idx.old"))
			mustRename(t, newIdx, filepath.Join(parent, "idx"))
		}, v2},
		{"only the old copy moved aside", func(parent, oldIdx, newIdx string) {
			mustRename(t, oldIdx, filepath.Join(parent, "idx.old"))
			mustRename(t, newIdx, filepath.Join(parent, "idx.tmp-42"))
		}, v1},
		{"between the renames of an older version", func(parent, oldIdx, newIdx string) {
			mustRename(t, oldIdx, filepath.Join(parent, "idx.tmp-42.old"))
			mustRename(t, newIdx, filepath.Join(parent, "idx.tmp-42"))
		}, v1},
	}
	for _, tt := range tests {
		for _, how := range []string{"Open", "Refresh"} {
			t.Run(tt.name+"/"+how, func(t *testing.T) {
				parent := t.TempDir()
				dir := filepath.Join(parent, "idx")
				oldIdx, newIdx := filepath.Join(parent, "a"), filepath.Join(parent, "b")
				build(t, oldIdx, v1)
				x := open2(t, oldIdx)
				first, err := x.AddedSince(time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				x.Close()
				// The rebuild of the same folder: it keeps the first-added times.
				if err := os.CopyFS(newIdx, os.DirFS(oldIdx)); err != nil {
					t.Fatal(err)
				}
				build(t, newIdx, v2)
				tt.layout(parent, oldIdx, newIdx)

				switch how {
				case "Open":
					x = open2(t, dir)
				case "Refresh":
					var st index.Stats
					x, st, err = index.Refresh(ctx, dir, tt.want, nil)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { x.Close() })
					if st.Rebuilt || st.Added+st.Updated+st.Removed > 0 || st.Unchanged != len(tt.want) {
						t.Errorf("Refresh after the crash = %+v, want every document unchanged", st)
					}
				}
				got, err := x.AddedSince(time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(tt.want) {
					t.Errorf("the index holds %d documents, want %d", len(got), len(tt.want))
				}
				for _, e := range got {
					for _, f := range first {
						if e.ID == f.ID && !e.Added.Equal(f.Added) {
							t.Errorf("%s first added %v, was %v", e.ID, e.Added, f.Added)
						}
					}
				}
				if left, _ := filepath.Glob(filepath.Join(parent, "idx.*")); !slices.Equal(left, []string{filepath.Join(parent, "idx.lock")}) {
					t.Errorf("left beside the index: %v, want only idx.lock", left)
				}
			})
		}
	}
}

func mustRename(t *testing.T, from, to string) {
	t.Helper()
	if err := os.Rename(from, to); err != nil {
		t.Fatal(err)
	}
}

// TestReadOnlyFolder opens and builds an index in a folder this user may
// not write to: the error is ErrReadOnly. Root may write anywhere, so the
// test needs another user.
func TestReadOnlyFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write to read-only folders")
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "idx")
	build(t, dir, briefingDocs())
	for _, p := range []string{filepath.Join(dir, "docs.db"), dir, parent} {
		if err := os.Chmod(p, 0o555); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(p, 0o755)
	}
	os.Chmod(filepath.Join(dir, "docs.db"), 0o444)
	if _, err := index.Open(dir); !errors.Is(err, index.ErrReadOnly) {
		t.Errorf("Open in a read-only folder: error %v, want ErrReadOnly", err)
	}
	if _, err := index.Build(context.Background(), dir, briefingDocs(), nil); !errors.Is(err, index.ErrReadOnly) {
		t.Errorf("Build in a read-only folder: error %v, want ErrReadOnly", err)
	}
	if _, err := index.Open(filepath.Join(parent, "new")); !errors.Is(err, index.ErrReadOnly) {
		t.Errorf("Open of a new index in a read-only folder: error %v, want ErrReadOnly", err)
	}
}
