package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/briefbot/briefbot/corpus"
)

// The record of the corpus files the index holds lives in docs.db, so that
// it describes exactly this index: a rebuilt index starts without one.
var (
	bucketSources = []byte("sources") // file path relative to the corpus root -> Source (JSON)
	keySourceRoot = []byte("sources-root")
)

// Source is what the index remembers of one file of the corpus it was last
// brought up to date with: the file's stamp when it was read, the IDs of the
// documents it held, and why it was skipped, if it was.
type Source struct {
	Stamp   corpus.Stamp `json:"stamp"`
	IDs     []string     `json:"ids,omitempty"`
	Skipped string       `json:"skipped,omitempty"`
	// Recheck marks a file modified so shortly before it was read that a
	// later change could keep the same stamp (file systems with coarse
	// times): it is read again next time whatever its stamp.
	Recheck bool `json:"recheck,omitempty"`
}

// Exists reports whether dir holds an index (of any version).
func Exists(dir string) bool { return isIndex(dir) }

// Sources returns the corpus root and the files the index was last brought
// up to date with (see PutSources); an empty root and no files when it does
// not know, as after a build or an update by other means.
func (x *Index) Sources() (root string, files map[string]Source, err error) {
	files = make(map[string]Source)
	err = x.db.View(func(tx *bolt.Tx) error {
		root = string(tx.Bucket(bucketMeta).Get(keySourceRoot))
		b := tx.Bucket(bucketSources)
		if b == nil || root == "" {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var s Source
			if err := json.Unmarshal(v, &s); err != nil {
				return fmt.Errorf("source %q: %w", k, err)
			}
			files[string(k)] = s
			return nil
		})
	})
	if err != nil {
		return "", nil, fmt.Errorf("read index %s: %w", x.dir, err)
	}
	if root == "" {
		clear(files)
	}
	return root, files, nil
}

// PutSources records the files of the corpus at root the index now
// reflects: put adds or replaces entries, removed deletes them, and all
// replaces the whole record with put. An empty root forgets the record: the
// next update cannot trust it.
func (x *Index) PutSources(root string, put map[string]Source, removed []string, all bool) error {
	x.write.Lock()
	defer x.write.Unlock()
	err := x.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if all || root == "" {
			if err := tx.DeleteBucket(bucketSources); err != nil && !errors.Is(err, bolt.ErrBucketNotFound) {
				return err
			}
		}
		if root == "" {
			return meta.Delete(keySourceRoot)
		}
		b, err := tx.CreateBucketIfNotExists(bucketSources)
		if err != nil {
			return err
		}
		for _, k := range removed {
			if err := b.Delete([]byte(k)); err != nil {
				return err
			}
		}
		for k, s := range put {
			v, err := json.Marshal(s)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(k), v); err != nil {
				return err
			}
		}
		return meta.Put(keySourceRoot, []byte(root))
	})
	if err != nil {
		return fmt.Errorf("record corpus files in %s: %w", x.dir, err)
	}
	return nil
}

// ApplyFrom is Apply for a stream of documents: they are added or replaced
// by ID, a batch at a time, and nothing is removed but the documents whose
// IDs are in removed.
func (x *Index) ApplyFrom(ctx context.Context, docs iter.Seq2[corpus.Document, error], removed []string, progress func(Progress)) (Stats, error) {
	return x.update(ctx, docs, 0, false, removed, progress)
}

// archivedWhiteHouse are the hosts where the National Archives keep each
// past administration's whitehouse.gov: a document's URL moves there when
// its administration leaves office, so every Biden-era briefing is
// published by bidenwhitehouse.archives.gov.
var archivedWhiteHouse = []string{
	"bidenwhitehouse.archives.gov",
	"trumpwhitehouse.archives.gov",
	"obamawhitehouse.archives.gov",
}

// SameSource returns the publishers a source filter matches: itself, and
// for whitehouse.gov also its archives, so that source:whitehouse.gov
// means the White House of every administration. An archive host named
// on its own matches only itself.
func SameSource(source string) []string {
	source = strings.ToLower(source)
	if source == "whitehouse.gov" {
		return append([]string{source}, archivedWhiteHouse...)
	}
	return []string{source}
}

// sourceQuery matches the passages of the documents of a publisher (see
// SameSource).
func sourceQuery(source string) query.Query {
	var qs []query.Query
	for _, s := range SameSource(source) {
		tq := bleve.NewTermQuery(s)
		tq.SetField("source")
		qs = append(qs, tq)
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return bleve.NewDisjunctionQuery(qs...)
}
