// Package index stores a corpus in an on-disk Bleve index of passages
// (BM25 scoring) with the documents beside it, and answers term searches.
// It is the only importer of Bleve; no Bleve type leaves the package.
package index

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	bolt "go.etcd.io/bbolt"

	"github.com/briefbot/briefbot/corpus"
)

// formatVersion changes whenever the mapping, the analyzer or the stored
// records change; an index of another version is rebuilt, not misread.
const formatVersion = "briefbot-index-4"

// LockTimeout is how long Open waits for another process to release the
// index before giving up with ErrLocked.
var LockTimeout = 2 * time.Second

// ErrLocked reports that another process has the index open.
var ErrLocked = errors.New("index is in use by another process (is the bot already running?)")

var (
	bucketMeta   = []byte("meta")
	bucketDocs   = []byte("docs")
	bucketBodies = []byte("bodies")
)

// Index is an open index directory. It is safe for concurrent use: searches
// run in parallel; updates are serialised.
type Index struct {
	dir   string
	bl    bleve.Index
	db    *bolt.DB
	an    analysis.Analyzer
	write sync.Mutex // serialises Apply

	// firstAdded carries documents' first-indexed times into a rebuilt
	// index, so a rebuild does not make the whole corpus "new" to digests.
	firstAdded map[string]time.Time

	closeOnce sync.Once
	closeErr  error
}

// record is what the document store keeps per document besides its body.
type record struct {
	ID       string           `json:"id"`
	Title    string           `json:"title"`
	Date     time.Time        `json:"date"`
	URL      string           `json:"url,omitempty"`
	Source   string           `json:"source,omitempty"`
	Kind     string           `json:"kind,omitempty"`
	Tags     []string         `json:"tags,omitempty"`
	Passages []corpus.Passage `json:"passages"`
	Hash     string           `json:"hash"`
	Added    time.Time        `json:"added"`
}

// Open opens the index in dir, creating an empty one when dir does not
// exist. An index of an older format is reported as ErrFormat so the caller
// can rebuild it.
func Open(dir string) (*Index, error) {
	if _, err := os.Stat(filepath.Join(dir, "docs.db")); errors.Is(err, os.ErrNotExist) {
		if err := checkReplaceable(dir); err != nil {
			return nil, err
		}
		if err := create(dir); err != nil {
			return nil, err
		}
	}
	return open(dir)
}

// isIndex reports whether dir looks like an index this package wrote.
func isIndex(dir string) bool {
	_, err1 := os.Stat(filepath.Join(dir, "docs.db"))
	fi, err2 := os.Stat(filepath.Join(dir, "bleve"))
	return err1 == nil && err2 == nil && fi.IsDir()
}

// checkReplaceable refuses a path that holds something other than an index:
// a file, or a folder with other files in it. A mistyped --index or
// DATA_DIR must never plant files in, or delete, someone's folder.
func checkReplaceable(dir string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("index %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("index %s is a file, not an index directory", dir)
	}
	if isIndex(dir) {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("index %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("index %s is a folder with other files in it and no index; refusing to use it (choose an empty or new directory)", dir)
	}
	return nil
}

// ErrFormat reports an index written by another version of the bot.
var ErrFormat = errors.New("index was built by another version; rebuild it with `bot index --rebuild`")

func create(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create index: %w", err)
	}
	bl, err := bleve.NewUsing(filepath.Join(dir, "bleve"), newMapping(), "scorch", "scorch", nil)
	if err != nil {
		return fmt.Errorf("create index %s: %w", dir, err)
	}
	if err := bl.Close(); err != nil {
		return err
	}
	db, err := bolt.Open(filepath.Join(dir, "docs.db"), 0o644, &bolt.Options{Timeout: LockTimeout})
	if err != nil {
		return fmt.Errorf("create index %s: %w", dir, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketDocs, bucketBodies} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put([]byte("format"), []byte(formatVersion))
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

func open(dir string) (*Index, error) {
	registerAnalysis()
	// bbolt would create a missing file: check first, so that opening a
	// folder that is not an index leaves it untouched.
	if _, err := os.Stat(filepath.Join(dir, "docs.db")); err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	// The document store is opened first: its lock makes a second process
	// fail within LockTimeout instead of hanging on Bleve's.
	db, err := bolt.Open(filepath.Join(dir, "docs.db"), 0o644, &bolt.Options{Timeout: LockTimeout})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("open index %s: %w", dir, ErrLocked)
		}
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	var format string
	_ = db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta); b != nil {
			format = string(b.Get([]byte("format")))
		}
		return nil
	})
	if format != formatVersion {
		db.Close()
		return nil, fmt.Errorf("open index %s: %w", dir, ErrFormat)
	}
	bl, err := bleve.OpenUsing(filepath.Join(dir, "bleve"), map[string]interface{}{
		"bolt_timeout": LockTimeout.String(),
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	im, ok := bl.Mapping().(*mapping.IndexMappingImpl)
	if !ok {
		bl.Close()
		db.Close()
		return nil, fmt.Errorf("open index %s: %w", dir, ErrFormat)
	}
	an := im.AnalyzerNamed(analyzerName)
	if an == nil {
		bl.Close()
		db.Close()
		return nil, fmt.Errorf("open index %s: %w", dir, ErrFormat)
	}
	return &Index{dir: dir, bl: bl, db: db, an: an}, nil
}

// Close releases the index; the directory can then be opened by another
// process.
// Closing twice is harmless.
func (x *Index) Close() error {
	x.closeOnce.Do(func() {
		x.closeErr = x.bl.Close()
		if err := x.db.Close(); x.closeErr == nil {
			x.closeErr = err
		}
	})
	return x.closeErr
}

// Dir is the directory the index lives in.
func (x *Index) Dir() string { return x.dir }

// Hash is the content hash the index keeps per document to tell whether a
// document changed.
func Hash(d corpus.Document) string {
	h := sha256.New()
	for _, s := range []string{formatVersion, d.ID, d.Title, d.Date.UTC().Format(time.RFC3339), d.URL, d.Source, d.Kind, strings.Join(d.Tags, "\x1f"), d.Body} {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	for _, p := range d.Passages {
		fmt.Fprintf(h, "%s\x1f%d\x1f%d\x1e", p.Speaker, p.Start, p.End)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Stats summarises an Apply or a Sync.
type Stats struct {
	Added, Updated, Removed, Unchanged int
	Passages                           int // passages written
}

// Progress is reported while documents are being indexed.
type Progress struct {
	Done, Total int
	Elapsed     time.Duration
}

// Sync makes the index hold exactly docs: new and changed documents are
// indexed, documents no longer present removed, unchanged ones left alone.
// progress, when not nil, is called after each batch. Sync keeps no
// reference to docs: a caller that does not use them afterwards lets each
// body be collected once it is stored, which halves peak memory on a large
// build.
func (x *Index) Sync(ctx context.Context, docs []corpus.Document, progress func(Progress)) (Stats, error) {
	have, err := x.hashes()
	if err != nil {
		return Stats{}, err
	}
	keep := make(map[string]bool, len(docs))
	for _, d := range docs {
		keep[d.ID] = true
	}
	var removed []string
	for id := range have {
		if !keep[id] {
			removed = append(removed, id)
		}
	}
	return x.update(ctx, have, docs, removed, progress)
}

// Apply indexes docs (adding or replacing them by ID) and removes the
// documents whose IDs are in removed. Documents whose content did not change
// are skipped.
func (x *Index) Apply(ctx context.Context, docs []corpus.Document, removed []string) (Stats, error) {
	have, err := x.hashes()
	if err != nil {
		return Stats{}, err
	}
	return x.update(ctx, have, docs, removed, nil)
}

func (x *Index) update(ctx context.Context, have map[string]string, docs []corpus.Document, removed []string, progress func(Progress)) (Stats, error) {
	var st Stats
	var changed []corpus.Document
	for _, d := range docs {
		old, ok := have[d.ID]
		switch {
		case !ok:
			st.Added++
			changed = append(changed, d)
		case old != Hash(d):
			st.Updated++
			changed = append(changed, d)
		default:
			st.Unchanged++
		}
	}
	var gone []string
	for _, id := range removed {
		if _, ok := have[id]; ok {
			gone = append(gone, id)
		}
	}
	st.Removed = len(gone)
	n, err := x.apply(ctx, changed, gone, progress)
	st.Passages = n
	return st, err
}

func (x *Index) hashes() (map[string]string, error) {
	have := make(map[string]string)
	err := x.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDocs).ForEach(func(k, v []byte) error {
			var r struct {
				Hash string `json:"hash"`
			}
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("document %q: %w", k, err)
			}
			have[string(k)] = r.Hash
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read index %s: %w", x.dir, err)
	}
	return have, nil
}

// batchPassages bounds the memory of one Bleve batch.
const batchPassages = 4000

// apply writes changes in batches. Each batch goes to Bleve first and to the
// document store second, so an interrupted run leaves documents whose hash
// is missing or stale: the next Sync indexes them again.
func (x *Index) apply(ctx context.Context, docs []corpus.Document, removed []string, progress func(Progress)) (int, error) {
	x.write.Lock()
	defer x.write.Unlock()
	start := time.Now()
	old := func(id string) int {
		var n int
		_ = x.db.View(func(tx *bolt.Tx) error {
			if v := tx.Bucket(bucketDocs).Get([]byte(id)); v != nil {
				var r record
				if json.Unmarshal(v, &r) == nil {
					n = len(r.Passages)
				}
			}
			return nil
		})
		return n
	}
	if len(removed) > 0 {
		b := x.bl.NewBatch()
		for _, id := range removed {
			for i := range old(id) {
				b.Delete(passageID(id, i))
			}
		}
		if err := x.bl.Batch(b); err != nil {
			return 0, fmt.Errorf("remove documents: %w", err)
		}
		err := x.db.Update(func(tx *bolt.Tx) error {
			for _, id := range removed {
				if err := tx.Bucket(bucketDocs).Delete([]byte(id)); err != nil {
					return err
				}
				if err := tx.Bucket(bucketBodies).Delete([]byte(id)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("remove documents: %w", err)
		}
	}
	total := 0
	for i := 0; i < len(docs); {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		b := x.bl.NewBatch()
		var recs []record
		n := 0
		j := i
		for ; j < len(docs) && (n < batchPassages || j == i); j++ {
			d := docs[j]
			prev := old(d.ID)
			for k, p := range d.Passages {
				if err := b.Index(passageID(d.ID, k), passageFields(d, p)); err != nil {
					return total, fmt.Errorf("index %s: %w", d.ID, err)
				}
			}
			for k := len(d.Passages); k < prev; k++ {
				b.Delete(passageID(d.ID, k))
			}
			n += len(d.Passages)
			recs = append(recs, record{
				ID: d.ID, Title: d.Title, Date: d.Date, URL: d.URL, Source: d.Source,
				Kind: d.Kind, Tags: d.Tags, Passages: d.Passages, Hash: Hash(d),
			})
		}
		if err := x.bl.Batch(b); err != nil {
			return total, fmt.Errorf("index batch: %w", err)
		}
		now := time.Now().UTC()
		err := x.db.Update(func(tx *bolt.Tx) error {
			docsB, bodies := tx.Bucket(bucketDocs), tx.Bucket(bucketBodies)
			for k, r := range recs {
				// A document keeps the time it was first added, so the
				// digest does not announce an edited document twice.
				r.Added = now
				if t, ok := x.firstAdded[r.ID]; ok && !t.IsZero() {
					r.Added = t
				}
				if v := docsB.Get([]byte(r.ID)); v != nil {
					var prev record
					if json.Unmarshal(v, &prev) == nil && !prev.Added.IsZero() {
						r.Added = prev.Added
					}
				}
				v, err := json.Marshal(r)
				if err != nil {
					return err
				}
				if err := docsB.Put([]byte(r.ID), v); err != nil {
					return err
				}
				if err := bodies.Put([]byte(r.ID), []byte(docs[i+k].Body)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("store documents: %w", err)
		}
		total += n
		// The batch is stored: drop this copy of the bodies so a caller that
		// no longer holds its documents lets them be collected.
		for k := i; k < j; k++ {
			docs[k].Body, docs[k].Passages = "", nil
		}
		i = j
		if progress != nil {
			progress(Progress{Done: i, Total: len(docs), Elapsed: time.Since(start)})
		}
	}
	return total, nil
}

func passageID(docID string, i int) string { return docID + "#" + strconv.Itoa(i) }

func splitPassageID(id string) (string, int, bool) {
	k := strings.LastIndexByte(id, '#')
	if k < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(id[k+1:])
	return id[:k], n, err == nil
}

func passageFields(d corpus.Document, p corpus.Passage) map[string]interface{} {
	f := map[string]interface{}{"text": d.Body[p.Start:p.End]}
	if p.Speaker != "" {
		f["speaker"] = p.Speaker
	}
	if d.Source != "" {
		f["source"] = strings.ToLower(d.Source)
	}
	if !d.Date.IsZero() {
		f["date"] = d.Date.UTC()
	}
	return f
}

// Document returns the stored document with the given ID.
func (x *Index) Document(id string) (corpus.Document, error) {
	var d corpus.Document
	var found bool
	err := x.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketDocs).Get([]byte(id))
		if v == nil {
			return nil
		}
		found = true
		var r record
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		d = r.document(string(tx.Bucket(bucketBodies).Get([]byte(id))))
		return nil
	})
	if err != nil {
		return corpus.Document{}, fmt.Errorf("read document %s: %w", id, err)
	}
	if !found {
		return corpus.Document{}, fmt.Errorf("document %s: %w", id, os.ErrNotExist)
	}
	return d, nil
}

func (r record) document(body string) corpus.Document {
	return corpus.Document{
		ID: r.ID, Title: r.Title, Date: r.Date, URL: r.URL, Source: r.Source,
		Kind: r.Kind, Tags: r.Tags, Body: body, Passages: r.Passages,
	}
}

// Entry is a stored document with the time it was first indexed.
type Entry struct {
	corpus.Document
	Added time.Time
}

// AddedSince returns the documents first indexed after t or dated after t,
// oldest first by date.
func (x *Index) AddedSince(t time.Time) ([]Entry, error) {
	var out []Entry
	err := x.db.View(func(tx *bolt.Tx) error {
		bodies := tx.Bucket(bucketBodies)
		return tx.Bucket(bucketDocs).ForEach(func(k, v []byte) error {
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("document %q: %w", k, err)
			}
			if r.Added.After(t) || r.Date.After(t) {
				out = append(out, Entry{Document: r.document(string(bodies.Get(k))), Added: r.Added})
			}
			return nil
		})
	})
	return out, err
}

// Count returns the number of documents and passages in the index.
func (x *Index) Count() (docs, passages int, err error) {
	n, err := x.bl.DocCount()
	if err != nil {
		return 0, 0, err
	}
	err = x.db.View(func(tx *bolt.Tx) error {
		docs = tx.Bucket(bucketDocs).Stats().KeyN
		return nil
	})
	return docs, int(n), err
}
