package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/briefbot/briefbot/corpus"
)

// versions returns a corpus and its next version: ten documents changed,
// ten unchanged, ten removed and ten added.
func versions() (v1, v2 []corpus.Document) {
	doc := func(i int, words string) corpus.Document {
		return testDoc(fmt.Sprintf("doc-%02d", i), fmt.Sprintf("Document %d speaks of %s.\n\nIts second paragraph: more %s and harbours.\n\nA third one, on inflation %d.", i, words, words, i))
	}
	for i := range 30 {
		v1 = append(v1, doc(i, "tariffs"))
	}
	for i := range 10 {
		v2 = append(v2, doc(i, "zeppelins"))
	}
	v2 = append(v2, v1[10:20]...)
	for i := 30; i < 40; i++ {
		v2 = append(v2, doc(i, "submarines"))
	}
	return v1, v2
}

// answers is everything a reader can see of an index.
type answers struct {
	Docs, Passages int
	Hits           map[string][]Hit
	Documents      map[string]corpus.Document
}

func snapshot(t *testing.T, x *Index) answers {
	t.Helper()
	a := answers{Hits: map[string][]Hit{}, Documents: map[string]corpus.Document{}}
	var err error
	if a.Docs, a.Passages, err = x.Count(); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"tariffs", "zeppelins", "submarines", "harbours inflation", "document 12", "third one"} {
		var terms []string
		for _, tok := range x.Analyze(q) {
			terms = append(terms, tok.Term)
		}
		hits, err := x.Search(context.Background(), Query{Terms: terms, Size: 200})
		if err != nil {
			t.Fatal(err)
		}
		a.Hits[q] = hits
	}
	for i := range 40 {
		id := fmt.Sprintf("doc-%02d", i)
		if d, err := x.Document(id); err == nil {
			a.Documents[id] = d
		}
	}
	return a
}

// sameHits reports whether two snapshots have the same hits, ignoring
// scores and the order of equal ones: indexes built in different batches
// score a little differently (BM25's field length statistic depends on the
// segments).
func sameHits(a, b answers) bool {
	key := func(hits []Hit) []string {
		var out []string
		for _, h := range hits {
			out = append(out, fmt.Sprintf("%s#%d", h.DocID, h.Passage))
		}
		slices.Sort(out)
		return out
	}
	for q := range a.Hits {
		if !slices.Equal(key(a.Hits[q]), key(b.Hits[q])) {
			return false
		}
	}
	return a.Docs == b.Docs && a.Passages == b.Passages && reflect.DeepEqual(a.Documents, b.Documents)
}

var errNoSpace = fmt.Errorf("write: %w", syscall.ENOSPC)

// TestFailedUpdateAnswersAsBefore fails an update part-way in each way a
// full disk can fail it, and checks that the index then answers exactly
// as before (same hits, same scores, same documents, no stray passages),
// also once reopened, and that the next update brings it to what a clean
// build of the new corpus holds.
func TestFailedUpdateAnswersAsBefore(t *testing.T) {
	v1, v2 := versions()
	ctx := context.Background()
	cleanDir := filepath.Join(t.TempDir(), "clean")
	if _, err := Build(ctx, cleanDir, v2, nil); err != nil {
		t.Fatal(err)
	}
	clean, err := Open(cleanDir)
	if err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, clean)
	clean.Close()

	// nth returns a function that is true on its nth call only.
	nth := func(n int) func() bool {
		calls := 0
		return func() bool { calls++; return calls == n }
	}
	tests := []struct {
		name   string
		break_ func(x *Index)
		// repairedLater: even deleting what the update wrote fails, so the
		// failed update leaves stray passages that the next one deletes.
		repairedLater bool
	}{
		{"body store write fails half-way", func(x *Index) {
			second := nth(2)
			x.seams.bodies = func(p []byte) (int, error) {
				if second() {
					return len(p) / 2, errNoSpace
				}
				return len(p), nil
			}
		}, false},
		{"Bleve batch fails", func(x *Index) {
			second := nth(2)
			x.seams.batch = func(b *bleve.Batch) error {
				if second() {
					return errNoSpace
				}
				return x.bl.Batch(b)
			}
		}, false},
		{"Bleve batch applied but not persisted", func(x *Index) {
			third := nth(3)
			x.seams.batch = func(b *bleve.Batch) error {
				err := x.bl.Batch(b)
				if third() {
					return errNoSpace
				}
				return err
			}
		}, false},
		{"docs.db commit fails", func(x *Index) {
			x.seams.commit = func() error { return errNoSpace }
		}, false},
		{"Bleve cannot write a segment (and closes it, in use)", func(x *Index) {
			second := nth(2)
			store := filepath.Join(x.dir, "bleve", "store")
			x.seams.batch = func(b *bleve.Batch) error {
				if !second() {
					return x.bl.Batch(b)
				}
				// A file where the segments go: creating one fails.
				if err := os.Rename(store, store+".away"); err != nil {
					return fmt.Errorf("%w: %v", errNoSpace, err)
				}
				defer os.Rename(store+".away", store)
				if err := os.WriteFile(store, nil, 0o644); err != nil {
					return err
				}
				defer os.Remove(store)
				if err := x.bl.Batch(b); err == nil {
					t.Error("a batch that cannot be persisted succeeded")
				}
				return errNoSpace
			}
		}, false},
		{"Bleve fails from the third batch on, cleanup too", func(x *Index) {
			calls := 0
			x.seams.batch = func(b *bleve.Batch) error {
				calls++
				err := x.bl.Batch(b)
				if calls >= 3 {
					return errNoSpace
				}
				return err
			}
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "idx")
			if _, err := Build(ctx, dir, v1, nil); err != nil {
				t.Fatal(err)
			}
			x, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { x.Close() }()
			before := snapshot(t, x)
			x.seams.batchPassages = 20 // several batches
			tt.break_(x)
			if _, err := x.Sync(ctx, v2, nil); !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Sync on a failing disk: error %v, want ENOSPC", err)
			}
			if tt.repairedLater {
				// Searches skip the stray passages already; only the
				// passage count and the scores show them.
				got := snapshot(t, x)
				got.Passages = before.Passages
				if !sameHits(got, before) {
					t.Errorf("after the failed update, hits differ from before:\n got %+v\nwant %+v", brief(got), brief(before))
				}
			} else if got := snapshot(t, x); !reflect.DeepEqual(got, before) {
				t.Errorf("after the failed update the index answers differently:\n got %+v\nwant %+v", brief(got), brief(before))
			}
			x.Close()
			if x, err = Open(dir); err != nil {
				t.Fatal(err)
			}
			if tt.repairedLater {
				// The next update, here one that changes nothing, deletes
				// the stray passages first.
				st, err := x.Sync(ctx, v1, nil)
				if err != nil || st.Unchanged != len(v1) {
					t.Fatalf("Sync(v1) after the failure = %+v, %v; want all unchanged", st, err)
				}
			}
			if got := snapshot(t, x); !reflect.DeepEqual(got, before) {
				t.Errorf("reopened after the failed update, the index answers differently:\n got %+v\nwant %+v", brief(got), brief(before))
			}
			if _, err := x.Sync(ctx, v2, nil); err != nil {
				t.Fatalf("Sync once the disk works: %v", err)
			}
			if got := snapshot(t, x); !sameHits(got, want) {
				t.Errorf("after the next update, the index differs from a clean build:\n got %+v\nwant %+v", brief(got), brief(want))
			}
		})
	}
}

// brief summarises a snapshot for failure messages.
func brief(a answers) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d docs, %d passages;", a.Docs, a.Passages)
	for _, q := range []string{"tariffs", "zeppelins", "submarines"} {
		fmt.Fprintf(&b, " %s: %d hits", q, len(a.Hits[q]))
		if len(a.Hits[q]) > 0 {
			fmt.Fprintf(&b, " (top %s#%d %.4f)", a.Hits[q][0].DocID, a.Hits[q][0].Passage, a.Hits[q][0].Score)
		}
	}
	return b.String()
}

// TestLargeDocumentSplitsBatches checks that a document with more passages
// than a batch holds goes to Bleve in several batches, all of it indexed.
func TestLargeDocumentSplitsBatches(t *testing.T) {
	paras := make([]string, 55)
	for i := range paras {
		paras[i] = fmt.Sprintf("Paragraph %d about zeppelins.", i)
	}
	x, err := Open(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	x.seams.batchPassages = 10
	batches := 0
	x.seams.batch = func(b *bleve.Batch) error {
		if n := b.Size(); n > 20 {
			t.Errorf("a batch of %d passages, want at most 20", n)
		}
		batches++
		return x.bl.Batch(b)
	}
	if _, err := x.Sync(context.Background(), []corpus.Document{testDoc("big", strings.Join(paras, "\n\n"))}, nil); err != nil {
		t.Fatal(err)
	}
	if batches < 3 {
		t.Errorf("%d Bleve batches, want at least 3", batches)
	}
	if _, n, err := x.Count(); err != nil || n != 55 {
		t.Errorf("Count() passages = %d, %v; want 55", n, err)
	}
}

func TestWriteErr(t *testing.T) {
	tests := []struct {
		err      error
		readOnly bool
	}{
		{&fs.PathError{Op: "open", Path: "/data/index/docs.db", Err: syscall.EROFS}, true},
		{&fs.PathError{Op: "mkdir", Path: "/data/index.tmp-1", Err: syscall.EACCES}, true},
		{fmt.Errorf("lock index: %w", &fs.PathError{Op: "open", Err: syscall.EPERM}), true},
		{errNoSpace, false},
		{ErrCorrupt, false},
		{nil, false},
	}
	for _, tt := range tests {
		got := writeErr(tt.err)
		if errors.Is(got, ErrReadOnly) != tt.readOnly || !errors.Is(got, tt.err) {
			t.Errorf("writeErr(%v) = %v; want ErrReadOnly %v, wrapping the error", tt.err, got, tt.readOnly)
		}
	}
}

// TestUpdateOnReadOnlyDisk checks that an update failing on a file system
// that turned read-only says so.
func TestUpdateOnReadOnlyDisk(t *testing.T) {
	v1, v2 := versions()
	dir := filepath.Join(t.TempDir(), "idx")
	if _, err := Build(context.Background(), dir, v1, nil); err != nil {
		t.Fatal(err)
	}
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	x.seams.bodies = func([]byte) (int, error) {
		return 0, &fs.PathError{Op: "write", Path: filepath.Join(dir, "bodies-1.dat"), Err: syscall.EROFS}
	}
	if _, err := x.Sync(context.Background(), v2, nil); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Sync on a read-only disk: error %v, want ErrReadOnly", err)
	}
}
