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
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	bolt "go.etcd.io/bbolt"

	"github.com/briefbot/briefbot/corpus"
)

// formatVersion changes whenever the mapping, the analyzer or the stored
// records change; an index of another version is rebuilt, not misread.
const formatVersion = "briefbot-index-9"

// LockTimeout is how long Open waits for another process to release the
// index before giving up with ErrLocked.
var LockTimeout = 2 * time.Second

// ErrLocked reports that another process has the index open.
var ErrLocked = errors.New("index is in use by another process (is the bot already running?)")

var (
	bucketMeta = []byte("meta")
	bucketDocs = []byte("docs")
	bucketKeys = []byte("keys") // document key (8 bytes, big-endian) -> document ID
	// bucketPending lists the keys whose passages may be in Bleve without a
	// record naming them (document key -> passage count, in decimal): those
	// of an update not yet committed, and those it replaced or removed.
	// Created when first needed, so indexes made before it still open.
	bucketPending = []byte("pending")
)

// Keys of the meta bucket.
var (
	keyFormat = []byte("format")
	keyBodies = []byte("bodies") // file name of the body store's current generation
	keyLive   = []byte("live")   // bytes of the body store that records point at
	keyNext   = []byte("next")   // the next document key to hand out
	keyNewest = []byte("newest") // the latest document date ever stored (RFC 3339)
)

// Index is an open index directory. It is safe for concurrent use: searches
// run in parallel; updates are serialised.
type Index struct {
	dir    string
	bl     bleve.Index  // replaced only by reopen, under blMu; readers hold blMu.RLock
	blMu   sync.RWMutex // guards bl against reopen
	db     *bolt.DB
	bodies *bodyStore
	an     analysis.Analyzer
	write  sync.Mutex // serialises updates
	seams  seams      // normal operation unless a test changes them

	// firstAdded carries documents' first-indexed times into a rebuilt
	// index, so a rebuild does not make the whole corpus "new" to digests.
	firstAdded map[string]time.Time

	// generation counts the updates that changed something, so callers
	// can tell when what they derived from the index (such as the speaker
	// registry) is stale.
	generation atomic.Uint64

	// dfCache remembers document frequencies (see DocFreq) for the
	// current generation; dfCached counts its entries.
	dfCache  sync.Map
	dfCached atomic.Int64

	closeOnce sync.Once
	closeErr  error
}

// record is what docs.db keeps per document: its metadata and where its
// body and passages are in the body store.
type record struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Date     time.Time `json:"date"`
	URL      string    `json:"url,omitempty"`
	Source   string    `json:"source,omitempty"`
	Kind     string    `json:"kind,omitempty"`
	Tags     []string  `json:"tags,omitempty"`
	Key      uint64    `json:"key"`      // names the document's passages in Bleve: see passageID
	Passages int       `json:"passages"` // how many: passageID(Key, 0 .. n-1)
	Body     entry     `json:"body"`
	Hash     string    `json:"hash"`
	Added    time.Time `json:"added"`
	// Speakers is what the document adds to the speaker registry.
	Speakers docSpeakers `json:"speakers,omitzero"`
}

// Open opens the index in dir, creating an empty one when dir does not
// exist, and first finishes or undoes what a build that died left beside
// it. An index of an older format is reported as ErrFormat so the caller
// can rebuild it; a folder it may not write to as ErrReadOnly.
func Open(dir string) (*Index, error) {
	if err := prepare(dir, true); err != nil {
		return nil, writeErr(err)
	}
	x, err := open(dir)
	return x, writeErr(err)
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
	f, err := os.OpenFile(filepath.Join(dir, bodyFile), os.O_CREATE|os.O_RDWR|os.O_TRUNC, 0o644)
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		db.Close()
		return fmt.Errorf("create index %s: %w", dir, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketDocs, bucketKeys, bucketSpeakers} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Put(keyBodies, []byte(bodyFile)); err != nil {
			return err
		}
		if err := meta.Put(keyLive, []byte("0")); err != nil {
			return err
		}
		if err := meta.Put(keyNext, []byte("1")); err != nil {
			return err
		}
		return meta.Put(keyFormat, []byte(formatVersion))
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
	var format, bodies string
	_ = db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta); b != nil {
			format = string(b.Get(keyFormat))
			bodies = string(b.Get(keyBodies))
		}
		return nil
	})
	if format != formatVersion {
		db.Close()
		return nil, fmt.Errorf("open index %s: %w", dir, ErrFormat)
	}
	store, err := openBodies(dir, bodies)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	bl, err := openBleve(dir)
	if err != nil {
		store.close()
		db.Close()
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	var an analysis.Analyzer
	if im, ok := bl.Mapping().(*mapping.IndexMappingImpl); ok {
		an = im.AnalyzerNamed(analyzerName)
	}
	if an == nil {
		bl.Close()
		store.close()
		db.Close()
		return nil, fmt.Errorf("open index %s: %w", dir, ErrFormat)
	}
	return &Index{dir: dir, bl: bl, db: db, bodies: store, an: an}, nil
}

// Close releases the index; the directory can then be opened by another
// process.
// Closing twice is harmless.
func (x *Index) Close() error {
	x.closeOnce.Do(func() {
		x.closeErr = x.bl.Close()
		if err := x.bodies.close(); x.closeErr == nil {
			x.closeErr = err
		}
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
		fmt.Fprintf(h, "%s\x1f%s\x1f%d\x1f%d\x1e", p.Speaker, p.Name, p.Start, p.End)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Stats summarises an Apply or a Sync.
type Stats struct {
	Added, Updated, Removed, Unchanged int
	Passages                           int  // passages written
	Rebuilt                            bool // Refresh found an index of another version and built it afresh
}

// Progress is reported while documents are being indexed.
type Progress struct {
	Done    int // documents read so far, changed or not
	Total   int // documents in all, 0 when not known in advance
	Elapsed time.Duration
}

// Sync makes the index hold exactly docs: new and changed documents are
// indexed, documents no longer present removed, unchanged ones left alone.
// progress, when not nil, is called after each batch. Sync keeps no
// reference to docs: a caller that does not use them afterwards lets each
// body be collected once it is stored. A Sync that fails (a write error, a
// cancelled ctx) leaves an index that held documents answering as it did
// before; an empty one may keep the documents stored until the failure.
func (x *Index) Sync(ctx context.Context, docs []corpus.Document, progress func(Progress)) (Stats, error) {
	st, err := x.update(ctx, values(docs), len(docs), true, nil, progress)
	return st, writeErr(err)
}

// SyncFrom is Sync for a stream of documents, such as corpus.Files yields:
// only one batch of documents is in memory at a time. An error from the
// stream fails the update, before anything is removed.
func (x *Index) SyncFrom(ctx context.Context, docs iter.Seq2[corpus.Document, error], progress func(Progress)) (Stats, error) {
	st, err := x.update(ctx, docs, 0, true, nil, progress)
	return st, writeErr(err)
}

// Apply indexes docs (adding or replacing them by ID) and removes the
// documents whose IDs are in removed. Documents whose content did not change
// are skipped.
func (x *Index) Apply(ctx context.Context, docs []corpus.Document, removed []string) (Stats, error) {
	st, err := x.update(ctx, values(docs), len(docs), false, removed, nil)
	return st, writeErr(err)
}

// values streams a slice of documents, dropping each from the slice as it
// goes so that the index holds the only reference once it has the document.
func values(docs []corpus.Document) iter.Seq2[corpus.Document, error] {
	docs = slices.Clone(docs)
	return func(yield func(corpus.Document, error) bool) {
		for i := range docs {
			d := docs[i]
			docs[i] = corpus.Document{}
			if !yield(d, nil) {
				return
			}
		}
	}
}

// have is what the index knows of a stored document before an update.
type have struct {
	hash     string
	key      uint64
	passages int
}

// update indexes the new and changed documents of docs, in batches, then
// removes the documents whose IDs are in removed or, with removeMissing,
// those docs did not yield. total is the number of documents docs yields,
// 0 when unknown.
//
// Every new version of a document is written under a fresh key, beside the
// version it replaces, and becomes visible only when its record is
// committed to docs.db: the replaced passages are deleted after that. An
// update of an index that holds documents commits once, at the end, so an
// update that fails (a full disk, a write error, a cancelled context)
// leaves the index answering as before it; the passages it wrote are
// deleted at once or, when even that fails, by the next update (see
// purge). An update of an empty index, such as a Build, commits batch by
// batch, so its memory stays bounded whatever the corpus holds.
func (x *Index) update(ctx context.Context, docs iter.Seq2[corpus.Document, error], total int, removeMissing bool, removed []string, progress func(Progress)) (st Stats, err error) {
	x.write.Lock()
	defer x.write.Unlock()
	start := time.Now()
	// Passages an earlier update failed to delete go first, so that they
	// count in no score from now on.
	if err := x.purge(); err != nil {
		return st, err
	}
	stored, err := x.stored()
	if err != nil {
		return st, err
	}
	u := &staged{last: make(map[string]int), removed: make(map[string]bool)}
	atOnce := len(stored) > 0
	committed := false
	defer func() {
		if err != nil && !committed {
			err = x.rollback(err)
		}
	}()
	for _, id := range removed {
		if _, ok := stored[id]; ok {
			u.removed[id] = true
			delete(stored, id) // a document of docs with this ID is new
		}
	}
	var seen map[string]bool
	if removeMissing {
		seen = make(map[string]bool, len(stored))
	}
	var batch []corpus.Document
	var hashes []string
	n, size, done := 0, 0, 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := x.stage(batch, hashes, u); err != nil {
			return err
		}
		if !atOnce {
			if err := x.commit(u, stored, &st); err != nil {
				return err
			}
		}
		st.Passages += n
		clear(batch) // let the bodies go
		batch, hashes, n, size = batch[:0], hashes[:0], 0, 0
		if progress != nil {
			progress(Progress{Done: done, Total: total, Elapsed: time.Since(start)})
		}
		return nil
	}
	for d, err := range docs {
		if err != nil {
			return st, err
		}
		if err := ctx.Err(); err != nil {
			return st, err
		}
		done++
		if seen != nil {
			seen[d.ID] = true
		}
		h := Hash(d)
		old, ok := stored[d.ID]
		switch {
		case !ok:
			st.Added++
		case old.hash != h:
			st.Updated++
		default:
			st.Unchanged++
			continue
		}
		batch, hashes = append(batch, d), append(hashes, h)
		n += len(d.Passages)
		size += len(d.Body)
		if n >= x.seams.flushPassages() || size >= batchBytes {
			if err := flush(); err != nil {
				return st, err
			}
		}
	}
	if err := flush(); err != nil {
		return st, err
	}
	if removeMissing {
		for id := range stored {
			if !seen[id] {
				u.removed[id] = true
			}
		}
	}
	if err := x.commit(u, stored, &st); err != nil {
		return st, err
	}
	committed = true
	if progress != nil && done > 0 {
		progress(Progress{Done: done, Total: total, Elapsed: time.Since(start)})
	}
	// The index now answers from the new versions. Replaced and removed
	// passages that cannot be deleted now stay listed as pending, and the
	// next update deletes them.
	if err := x.purge(); err != nil {
		return st, err
	}
	if err := x.maybeCompact(); err != nil {
		return st, err
	}
	return st, nil
}

// stored reads the hash and passage count of every stored document.
func (x *Index) stored() (map[string]have, error) {
	out := make(map[string]have)
	err := x.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDocs).ForEach(func(k, v []byte) error {
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("document %q: %w", k, err)
			}
			out[string(k)] = have{hash: r.Hash, key: r.Key, passages: r.Passages}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read index %s: %w", x.dir, err)
	}
	return out, nil
}

// batchPassages and batchBytes bound the documents an update holds before
// it writes them: whichever is reached first. A Bleve batch is cut at
// twice batchPassages or at bleveBatchBytes of passage text, within a
// document if need be: Bleve's memory grows with the text and the distinct
// words of a batch (one of 7.9 MB and a million distinct words took the
// process to 640 MB; cut at 2 MiB, 230 MB). Only a document far larger
// than any real one reaches these: the largest batch of the Briefing Room
// corpus is 4,474 passages and 1.6 MB, so its batches are as before.
const (
	batchPassages   = 4000
	batchBytes      = 4 << 20
	bleveBatchBytes = 2 << 20
)

// staged is an update written but not yet committed: the records of the
// new versions of documents, whose passages and bodies are in place under
// fresh keys, and the IDs of documents to remove.
type staged struct {
	recs    []record
	last    map[string]int // ID -> index in recs of its latest version
	removed map[string]bool
}

// stage writes a batch of documents under fresh keys: the keys are taken
// and listed as pending, then the bodies go to the body store and the
// passages to Bleve. Nothing refers to them until commit, so a failure
// part-way leaves the index answering as before. hashes are the
// documents' Hash.
func (x *Index) stage(docs []corpus.Document, hashes []string, u *staged) error {
	next, err := x.reserveKeys(docs)
	if err != nil {
		return fmt.Errorf("store documents: %w", err)
	}
	var buf []byte
	ends := make([]int, len(docs))
	for i, d := range docs {
		buf = encodeEntry(buf, d)
		ends[i] = len(buf)
	}
	entries, err := x.bodies.appendAll(buf, ends, x.seams.bodies)
	if err != nil {
		return fmt.Errorf("store documents: %w", err)
	}
	buf = nil
	b := x.bl.NewBatch()
	n, size := 0, 0
	for i, d := range docs {
		for k, p := range d.Passages {
			if n >= 2*x.seams.flushPassages() || size >= bleveBatchBytes {
				if err := x.batch(b); err != nil {
					return fmt.Errorf("index batch: %w", err)
				}
				b, n, size = x.bl.NewBatch(), 0, 0
			}
			if !searchable(d, p) {
				continue
			}
			if err := b.Index(passageID(next+uint64(i), k), passageFields(d, p)); err != nil {
				return fmt.Errorf("index %s: %w", d.ID, err)
			}
			n++
			size += p.End - p.Start
		}
	}
	if n > 0 {
		if err := x.batch(b); err != nil {
			return fmt.Errorf("index batch: %w", err)
		}
	}
	for i, d := range docs {
		u.last[d.ID] = len(u.recs)
		u.recs = append(u.recs, record{
			ID: d.ID, Title: d.Title, Date: d.Date, URL: d.URL, Source: d.Source,
			Kind: d.Kind, Tags: d.Tags, Key: next + uint64(i), Passages: len(d.Passages), Body: entries[i],
			Hash: hashes[i], Speakers: speakersOf(d),
		})
	}
	return nil
}

// commit makes a staged update visible in one docs.db transaction: the new
// records replace the old, removed documents go, and the keys of every
// replaced or removed version are listed as pending, for purge to delete
// their passages. stored and st are updated to match; u is emptied.
func (x *Index) commit(u *staged, stored map[string]have, st *Stats) error {
	if len(u.recs) == 0 && len(u.removed) == 0 {
		return nil
	}
	now := time.Now().UTC()
	removed := 0
	err := x.db.Update(func(tx *bolt.Tx) error {
		docsB, keysB := tx.Bucket(bucketDocs), tx.Bucket(bucketKeys)
		pending, err := tx.CreateBucketIfNotExists(bucketPending)
		if err != nil {
			return err
		}
		// Documents arrive in ID order and new keys in key order, so
		// nearly every insert is an append: full pages keep docs.db small,
		// and with it the part of it that reads map in.
		docsB.FillPercent, keysB.FillPercent = 0.9, 0.9
		live, err := liveBytes(tx)
		if err != nil {
			return err
		}
		newest, err := newestDate(tx)
		if err != nil {
			return err
		}
		// retire takes the stored version of id out of the index, keeping
		// its passages listed for deletion; it returns that version.
		retire := func(id string) (record, bool, error) {
			v := docsB.Get([]byte(id))
			if v == nil {
				return record{}, false, nil
			}
			var prev record
			if err := json.Unmarshal(v, &prev); err != nil {
				return record{}, false, fmt.Errorf("document %q: %w", id, err)
			}
			live -= prev.Body.Len
			if err := keysB.Delete(keyBytes(prev.Key)); err != nil {
				return record{}, false, err
			}
			if err := addSpeakers(tx, prev.Speakers, prev.Date, -1); err != nil {
				return record{}, false, err
			}
			return prev, true, pending.Put(keyBytes(prev.Key), strconv.AppendInt(nil, int64(prev.Passages), 10))
		}
		for id := range u.removed {
			if _, ok, err := retire(id); err != nil {
				return err
			} else if ok {
				removed++
			}
			if err := docsB.Delete([]byte(id)); err != nil {
				return err
			}
		}
		for i, r := range u.recs {
			if u.last[r.ID] != i {
				continue // a later version came in the same update; this key stays pending
			}
			r.Added = now
			// A document keeps the time it was first added, so the
			// digest does not announce an edited document twice.
			if t, ok := x.firstAdded[r.ID]; ok && !t.IsZero() {
				r.Added = t
			}
			prev, ok, err := retire(r.ID)
			if err != nil {
				return err
			}
			if ok && !prev.Added.IsZero() {
				r.Added = prev.Added
			}
			if err := addSpeakers(tx, r.Speakers, r.Date, 1); err != nil {
				return err
			}
			if r.Date.After(newest) {
				newest = r.Date
			}
			live += r.Body.Len
			v, err := json.Marshal(r)
			if err != nil {
				return err
			}
			if err := docsB.Put([]byte(r.ID), v); err != nil {
				return err
			}
			if err := keysB.Put(keyBytes(r.Key), []byte(r.ID)); err != nil {
				return err
			}
			if err := pending.Delete(keyBytes(r.Key)); err != nil {
				return err
			}
		}
		if err := putLive(tx, live); err != nil {
			return err
		}
		if err := putNewest(tx, newest); err != nil {
			return err
		}
		if x.seams.commit != nil {
			return x.seams.commit()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store documents: %w", err)
	}
	for id := range u.removed {
		delete(stored, id)
	}
	for i, r := range u.recs {
		if u.last[r.ID] == i {
			stored[r.ID] = have{hash: r.Hash, key: r.Key, passages: r.Passages}
		}
	}
	st.Removed += removed
	x.generation.Add(1)
	u.recs = u.recs[:0]
	clear(u.last)
	clear(u.removed)
	return nil
}

// reserveKeys hands out a key for each of docs and returns the first. They
// are recorded as taken, and listed as pending with their passage counts,
// before any passage is indexed under them: a key is never reused, and
// passages that never get a record are found and deleted (see purge).
func (x *Index) reserveKeys(docs []corpus.Document) (uint64, error) {
	var first uint64
	err := x.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		next, err := strconv.ParseUint(string(meta.Get(keyNext)), 10, 64)
		if err != nil || next == 0 {
			return fmt.Errorf("next document key: %w", ErrCorrupt)
		}
		first = next
		pending, err := tx.CreateBucketIfNotExists(bucketPending)
		if err != nil {
			return err
		}
		for i, d := range docs {
			if err := pending.Put(keyBytes(next+uint64(i)), strconv.AppendInt(nil, int64(len(d.Passages)), 10)); err != nil {
				return err
			}
		}
		return meta.Put(keyNext, strconv.AppendUint(nil, next+uint64(len(docs)), 10))
	})
	return first, err
}

func keyBytes(key uint64) []byte { return binary.BigEndian.AppendUint64(nil, key) }

// passageID names passage i of the document with the given key in Bleve:
// both numbers in base 36, such as "2bv.1c". Bleve stores and indexes every
// ID, so short ones keep the index small: IDs made of document paths were a
// third of it.
func passageID(key uint64, i int) string {
	b := strconv.AppendUint(make([]byte, 0, 16), key, 36)
	b = append(b, '.')
	return string(strconv.AppendUint(b, uint64(i), 36))
}

func splitPassageID(id string) (key uint64, i int, ok bool) {
	k, p, ok := strings.Cut(id, ".")
	if !ok {
		return 0, 0, false
	}
	key, err1 := strconv.ParseUint(k, 36, 64)
	n, err2 := strconv.ParseUint(p, 36, 31)
	return key, int(n), err1 == nil && err2 == nil
}

// searchable reports whether a passage is worth finding: a reporter's
// question (it points at the answer that follows), or a statement of at
// least four words with some lower case. "Pardon me?", "— Hunter Biden."
// and "ROBERT HUNTER BIDEN" can never be quoted, and as the shortest
// passages BM25 would rank them above the statements that answer.
func searchable(d corpus.Document, p corpus.Passage) bool {
	if p.IsQuestion() {
		return true
	}
	text := d.Body[p.Start:p.End]
	words, lower := 0, false
	in := false
	for _, r := range text {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !in {
			words++
		}
		in = w
		lower = lower || unicode.IsLower(r)
	}
	return words >= 4 && lower
}

func passageFields(d corpus.Document, p corpus.Passage) map[string]interface{} {
	f := map[string]interface{}{"text": d.Body[p.Start:p.End]}
	if d.Title != "" {
		f["title"] = d.Title
	}
	// The speaker field holds the label and the name, so "biden" finds
	// "THE PRESIDENT" in his term and "kirby" finds "MR. KIRBY".
	switch {
	case p.Name != "" && p.Speaker != "":
		f["speaker"] = p.Speaker + " " + p.Name
	case p.Name != "":
		f["speaker"] = p.Name
	case p.Speaker != "":
		f["speaker"] = p.Speaker
	}
	if d.Source != "" {
		f["source"] = strings.ToLower(d.Source)
	}
	if !d.Date.IsZero() {
		if days := dayTerms(d.Date); days != nil {
			f["day"] = days
		}
	}
	return f
}

// Document returns the stored document with the given ID.
func (x *Index) Document(id string) (corpus.Document, error) {
	x.bodies.mu.RLock()
	defer x.bodies.mu.RUnlock()
	var r record
	var found bool
	err := x.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketDocs).Get([]byte(id))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &r)
	})
	if err != nil {
		return corpus.Document{}, fmt.Errorf("read document %s: %w", id, err)
	}
	if !found {
		return corpus.Document{}, fmt.Errorf("document %s: %w", id, os.ErrNotExist)
	}
	d, err := x.document(r)
	if err != nil {
		return corpus.Document{}, fmt.Errorf("read document %s: %w", id, err)
	}
	return d, nil
}

// document reads the body and passages of r. The caller holds
// x.bodies.mu for reading.
func (x *Index) document(r record) (corpus.Document, error) {
	body, passages, err := x.bodies.read(r.Body)
	if err != nil {
		return corpus.Document{}, err
	}
	if len(passages) != r.Passages {
		return corpus.Document{}, fmt.Errorf("%d passages stored, %d expected: %w", len(passages), r.Passages, ErrCorrupt)
	}
	return corpus.Document{
		ID: r.ID, Title: r.Title, Date: r.Date, URL: r.URL, Source: r.Source,
		Kind: r.Kind, Tags: r.Tags, Body: body, Passages: passages,
	}, nil
}

// Entry is a stored document with the time it was first indexed.
type Entry struct {
	corpus.Document
	Added time.Time
}

// AddedSince returns the documents first indexed after t or dated after t,
// oldest first by date.
func (x *Index) AddedSince(t time.Time) ([]Entry, error) {
	x.bodies.mu.RLock()
	defer x.bodies.mu.RUnlock()
	var out []Entry
	err := x.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDocs).ForEach(func(k, v []byte) error {
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("document %q: %w", k, err)
			}
			if r.Added.After(t) || r.Date.After(t) {
				d, err := x.document(r)
				if err != nil {
					return fmt.Errorf("document %q: %w", k, err)
				}
				out = append(out, Entry{Document: d, Added: r.Added})
			}
			return nil
		})
	})
	return out, err
}

// Count returns the number of documents and passages in the index.
func (x *Index) Count() (docs, passages int, err error) {
	x.blMu.RLock()
	n, err := x.bl.DocCount()
	x.blMu.RUnlock()
	if err != nil {
		return 0, 0, err
	}
	err = x.db.View(func(tx *bolt.Tx) error {
		docs = tx.Bucket(bucketDocs).Stats().KeyN
		return nil
	})
	return docs, int(n), err
}

// Generation changes whenever an update adds, changes or removes
// documents.
func (x *Index) Generation() uint64 { return x.generation.Load() }

func newestDate(tx *bolt.Tx) (time.Time, error) {
	v := tx.Bucket(bucketMeta).Get(keyNewest)
	if v == nil {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, string(v))
	if err != nil {
		return time.Time{}, fmt.Errorf("newest date %q: %w", v, ErrCorrupt)
	}
	return t, nil
}

func putNewest(tx *bolt.Tx, t time.Time) error {
	if t.IsZero() {
		return nil
	}
	return tx.Bucket(bucketMeta).Put(keyNewest, []byte(t.UTC().Format(time.RFC3339)))
}

// Newest returns the date of the latest document the index has held (a
// removed document's date may linger), zero for an empty index. "The
// latest" in a question means near it.
func (x *Index) Newest() time.Time {
	var t time.Time
	_ = x.db.View(func(tx *bolt.Tx) error {
		var err error
		t, err = newestDate(tx)
		return err
	})
	return t
}

// Optimize merges the index's segments into one. Scores then no longer
// drift with how segments happened to merge, so the same corpus always
// ranks the same: the trainer relies on it. It takes a while on a large
// index and is not needed for answering.
func (x *Index) Optimize(ctx context.Context) error {
	adv, err := x.bl.Advanced()
	if err != nil {
		return fmt.Errorf("optimize index: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return fmt.Errorf("optimize index: not a scorch index")
	}
	if err := s.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions); err != nil {
		return fmt.Errorf("optimize index: %w", err)
	}
	return nil
}
