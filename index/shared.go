package index

import (
	"context"
	"fmt"
	"iter"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/briefbot/briefbot/corpus"
)

// AddedDoc is a document with the time it first entered the corpus of
// record, for an index that follows a corpus shared by several replicas.
type AddedDoc struct {
	corpus.Document
	Added time.Time // zero: the time of indexing
}

// ApplyAdded is ApplyFrom (with all, SyncFrom: documents not yielded are
// removed) for documents whose first-added time comes from the corpus of
// record: a new document is recorded as added then, not when this replica
// indexed it, so that every replica agrees on what a digest period holds.
func (x *Index) ApplyAdded(ctx context.Context, docs iter.Seq2[AddedDoc, error], all bool, removed []string, progress func(Progress)) (Stats, error) {
	var ids []string
	plain := func(yield func(corpus.Document, error) bool) {
		for d, err := range docs {
			if err == nil && !d.Added.IsZero() {
				// update holds x.write while it reads this stream, and
				// store reads firstAdded under the same lock.
				if x.firstAdded == nil {
					x.firstAdded = make(map[string]time.Time)
				}
				x.firstAdded[d.ID] = d.Added.UTC()
				ids = append(ids, d.ID)
			}
			if !yield(d.Document, err) {
				return
			}
		}
	}
	st, err := x.update(ctx, plain, 0, all, removed, progress)
	x.write.Lock()
	for _, id := range ids {
		delete(x.firstAdded, id)
	}
	x.write.Unlock()
	return st, err
}

var markPrefix = "mark:"

// Mark returns the value the caller stored under name with SetMark, "" when
// none. A rebuilt index has no marks.
func (x *Index) Mark(name string) (string, error) {
	var v string
	err := x.db.View(func(tx *bolt.Tx) error {
		v = string(tx.Bucket(bucketMeta).Get([]byte(markPrefix + name)))
		return nil
	})
	return v, err
}

// SetMark stores value under name beside the index, such as how far the
// index has followed a shared corpus.
func (x *Index) SetMark(name, value string) error {
	x.write.Lock()
	defer x.write.Unlock()
	err := x.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put([]byte(markPrefix+name), []byte(value))
	})
	if err != nil {
		return fmt.Errorf("record %s in %s: %w", name, x.dir, err)
	}
	return nil
}
