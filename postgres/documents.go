package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/briefbot/briefbot/corpus"
)

// Corpus is the corpus of record: the documents every replica indexes.
type Corpus struct{ db *DB }

// Corpus returns the documents table.
func (db *DB) Corpus() *Corpus { return &Corpus{db: db} }

// Change is one change of the documents table: a document added or
// changed, or (Deleted) removed.
type Change struct {
	Seq     int64
	Doc     corpus.Document // only the ID when Deleted
	Added   time.Time       // when the document first entered the corpus
	Deleted bool
}

// PutStats counts what a Put did.
type PutStats struct{ Added, Updated, Unchanged int }

// ID names this shared corpus; it changes only with a new database.
func (c *Corpus) ID(ctx context.Context) (string, error) {
	var id string
	err := c.db.pool.QueryRow(ctx, `SELECT value FROM meta WHERE key = 'corpus_id'`).Scan(&id)
	return id, err
}

// putBatch bounds the documents written per round trip.
const putBatch = 200

// Put adds or replaces docs by ID. An unchanged document is left alone, so
// putting the same folder twice notifies no replica. A document the
// database cannot store (invalid UTF-8, a NUL byte) is an error naming it.
func (c *Corpus) Put(ctx context.Context, docs []corpus.Document) (PutStats, error) {
	var st PutStats
	for len(docs) > 0 {
		n := min(len(docs), putBatch)
		s, err := c.put(ctx, docs[:n])
		if err != nil {
			return st, err
		}
		st.Added, st.Updated, st.Unchanged = st.Added+s.Added, st.Updated+s.Updated, st.Unchanged+s.Unchanged
		docs = docs[n:]
	}
	return st, nil
}

func (c *Corpus) put(ctx context.Context, docs []corpus.Document) (PutStats, error) {
	var st PutStats
	for _, d := range docs {
		if err := storable(d); err != nil {
			return st, err
		}
	}
	tx, err := c.db.pool.Begin(ctx)
	if err != nil {
		return st, err
	}
	defer tx.Rollback(ctx)
	if err := c.lockWrites(ctx, tx); err != nil {
		return st, err
	}
	b := &pgx.Batch{}
	for _, d := range docs {
		passages, err := json.Marshal(d.Passages)
		if err != nil {
			return st, err
		}
		var date *time.Time
		if !d.Date.IsZero() {
			date = &d.Date
		}
		tags := d.Tags
		if tags == nil {
			tags = []string{}
		}
		// xmax = 0 on the returned row means it was inserted, not updated.
		b.Queue(`INSERT INTO documents (id, title, date, url, source, kind, tags, body, passages, hash, seq)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, nextval('documents_seq'))
ON CONFLICT (id) DO UPDATE SET title = excluded.title, date = excluded.date, url = excluded.url,
	source = excluded.source, kind = excluded.kind, tags = excluded.tags, body = excluded.body,
	passages = excluded.passages, hash = excluded.hash, seq = excluded.seq, deleted = false, updated_at = now()
WHERE documents.hash <> excluded.hash OR documents.deleted
RETURNING xmax = 0`, d.ID, d.Title, date, d.URL, d.Source, d.Kind, tags, d.Body, string(passages), contentHash(d))
	}
	res := tx.SendBatch(ctx, b)
	for range docs {
		var inserted bool
		err := res.QueryRow().Scan(&inserted)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			st.Unchanged++
		case err != nil:
			res.Close()
			return st, err
		case inserted:
			st.Added++
		default:
			st.Updated++
		}
	}
	if err := res.Close(); err != nil {
		return st, err
	}
	if st.Added+st.Updated > 0 {
		if err := c.notify(ctx, tx); err != nil {
			return st, err
		}
	}
	return st, tx.Commit(ctx)
}

// storable reports why PostgreSQL's text type would refuse d.
func storable(d corpus.Document) error {
	for _, s := range append([]string{d.ID, d.Title, d.URL, d.Source, d.Kind, d.Body}, d.Tags...) {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return fmt.Errorf("document %q: text with invalid UTF-8 or a NUL byte cannot be stored", d.ID)
		}
	}
	return nil
}

// Delete removes the documents with these IDs. Their rows stay, marked
// deleted and emptied, so that followers learn of the removal.
func (c *Corpus) Delete(ctx context.Context, ids []string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	tx, err := c.db.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	if err := c.lockWrites(ctx, tx); err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `UPDATE documents SET deleted = true, body = '', passages = '[]', hash = '',
		seq = nextval('documents_seq'), updated_at = now() WHERE id = ANY($1) AND NOT deleted`, ids)
	if err != nil {
		return 0, err
	}
	if tag.RowsAffected() > 0 {
		if err := c.notify(ctx, tx); err != nil {
			return 0, err
		}
	}
	return int(tag.RowsAffected()), tx.Commit(ctx)
}

// lockWrites serialises writers until tx ends, so that sequence numbers
// commit in order: a follower never sees seq n+1 before n.
func (c *Corpus) lockWrites(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, c.db.key("documents"))
	return err
}

// notify tells listening replicas, when tx commits, that documents changed.
func (c *Corpus) notify(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_notify($1, '')`, c.db.channel)
	return err
}

// Changes returns up to limit changes after seq, in order.
func (c *Corpus) Changes(ctx context.Context, after int64, limit int) ([]Change, error) {
	rows, err := c.db.pool.Query(ctx, `SELECT seq, id, deleted, title, date, url, source, kind, tags, body, passages, added_at
		FROM documents WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, err
	}
	return scanChanges(rows)
}

// Last returns the highest sequence number so far and the number of
// documents (not deleted).
func (c *Corpus) Last(ctx context.Context) (seq int64, docs int, err error) {
	err = c.db.pool.QueryRow(ctx, `SELECT coalesce(max(seq), 0), count(*) FILTER (WHERE NOT deleted) FROM documents`).Scan(&seq, &docs)
	return seq, docs, err
}

// All streams the documents (not deleted) with seq up to upTo, a page at a
// time, in seq order.
func (c *Corpus) All(ctx context.Context, upTo int64) iter.Seq2[Change, error] {
	return func(yield func(Change, error) bool) {
		var after int64
		for {
			rows, err := c.db.pool.Query(ctx, `SELECT seq, id, deleted, title, date, url, source, kind, tags, body, passages, added_at
				FROM documents WHERE seq > $1 AND seq <= $2 AND NOT deleted ORDER BY seq LIMIT 500`, after, upTo)
			var page []Change
			if err == nil {
				page, err = scanChanges(rows)
			}
			if err != nil {
				yield(Change{}, err)
				return
			}
			for _, ch := range page {
				if !yield(ch, nil) {
					return
				}
				after = ch.Seq
			}
			if len(page) < 500 {
				return
			}
		}
	}
}

func scanChanges(rows pgx.Rows) ([]Change, error) {
	var out []Change
	var (
		ch       Change
		date     *time.Time
		passages []byte
	)
	d := &ch.Doc
	_, err := pgx.ForEachRow(rows, []any{&ch.Seq, &d.ID, &ch.Deleted, &d.Title, &date, &d.URL, &d.Source, &d.Kind, &d.Tags, &d.Body, &passages, &ch.Added}, func() error {
		c := ch
		c.Doc.Date = time.Time{}
		if date != nil {
			c.Doc.Date = date.UTC()
		}
		c.Added = c.Added.UTC()
		c.Doc.Passages = nil
		if err := json.Unmarshal(passages, &c.Doc.Passages); err != nil {
			return fmt.Errorf("document %q: passages: %w", c.Doc.ID, err)
		}
		if len(c.Doc.Tags) == 0 {
			c.Doc.Tags = nil
		}
		if c.Deleted {
			c.Doc = corpus.Document{ID: c.Doc.ID}
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// contentHash tells whether a document changed.
func contentHash(d corpus.Document) string {
	h := sha256.New()
	for _, s := range []string{d.ID, d.Title, d.Date.UTC().Format(time.RFC3339Nano), d.URL, d.Source, d.Kind, strings.Join(d.Tags, "\x1f"), d.Body} {
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

// Listen calls changed whenever documents change, until ctx is done, over
// a connection of its own; it reconnects with backoff after failures,
// logging them. Callers poll as well: a notification sent while the
// connection was down is lost.
func (c *Corpus) Listen(ctx context.Context, changed func(), logger *slog.Logger) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	wait := time.Second
	for ctx.Err() == nil {
		err := c.listen(ctx, changed)
		if ctx.Err() != nil {
			return
		}
		logger.Warn("document notifications interrupted; polling until they are back", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 30*time.Second)
	}
}

func (c *Corpus) listen(ctx context.Context, changed func()) error {
	cctx, cancel := context.WithTimeout(ctx, 2*connectTimeout)
	conn, err := pgx.ConnectConfig(cctx, c.db.connCfg)
	cancel()
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{c.db.channel}.Sanitize()); err != nil {
		return err
	}
	// Changes made while not listening are found by the caller's poll;
	// one call now catches up after a reconnect.
	changed()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		changed()
	}
}
