package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Deliveries de-duplicates one platform's deliveries across replicas.
type Deliveries struct {
	db        *DB
	platform  string
	window    time.Duration
	lastPurge atomic.Int64 // unix nanoseconds
}

// Deliveries returns the de-duplication of platform ("slack", "discord"):
// a key is a repeat when any replica recorded it within window.
func (db *DB) Deliveries(platform string, window time.Duration) *Deliveries {
	return &Deliveries{db: db, platform: platform, window: window}
}

// First reports whether none of the non-empty keys was recorded within the
// window, and then records them all, in one transaction: of replicas racing
// with the same delivery exactly one gets true.
func (d *Deliveries) First(ctx context.Context, keys ...string) (bool, error) {
	var ks []string
	for _, k := range keys {
		if k != "" && !slices.Contains(ks, k) {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		return true, nil
	}
	d.purge(ctx)
	tx, err := d.db.pool.Begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback(ctx)
	// A key already present and younger than the window is left alone and
	// not returned; an older one counts as new again.
	var n int
	err = tx.QueryRow(ctx, `
WITH ins AS (
	INSERT INTO deliveries (platform, key)
	SELECT $1, unnest($2::text[])
	ON CONFLICT (platform, key) DO UPDATE SET seen_at = now()
		WHERE deliveries.seen_at < now() - make_interval(secs => $3)
	RETURNING 1
)
SELECT count(*) FROM ins`, d.platform, ks, d.window.Seconds()).Scan(&n)
	if err != nil {
		return false, err
	}
	if n < len(ks) {
		return false, nil // a repeat: record none of its keys
	}
	return true, tx.Commit(ctx)
}

// purge deletes the keys older than the window, at most every ten minutes.
func (d *Deliveries) purge(ctx context.Context) {
	now := time.Now().UnixNano()
	last := d.lastPurge.Load()
	if now-last < int64(10*time.Minute) || !d.lastPurge.CompareAndSwap(last, now) {
		return
	}
	d.db.pool.Exec(ctx, `DELETE FROM deliveries WHERE platform = $1 AND seen_at < now() - make_interval(secs => $2)`,
		d.platform, d.window.Seconds())
}

// DigestStore keeps each digest channel's state as a JSON record, one row
// per channel.
type DigestStore struct{ db *DB }

// Digests returns the digest channels' store.
func (db *DB) Digests() *DigestStore { return &DigestStore{db: db} }

// Get returns the record of channel, nil when there is none.
func (s *DigestStore) Get(ctx context.Context, channel string) ([]byte, error) {
	var v []byte
	err := s.db.pool.QueryRow(ctx, `SELECT state FROM digest_channels WHERE channel = $1`, channel).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return v, err
}

// All returns every channel's record.
func (s *DigestStore) All(ctx context.Context) (map[string][]byte, error) {
	rows, err := s.db.pool.Query(ctx, `SELECT channel, state FROM digest_channels`)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte)
	var ch string
	var v []byte
	_, err = pgx.ForEachRow(rows, []any{&ch, &v}, func() error {
		out[ch] = slices.Clone(v)
		return nil
	})
	return out, err
}

// Update replaces channel's record by fn(old) in one transaction holding
// the row's lock (old is nil when there is none). An error from fn leaves
// the record as it was and is returned as is.
func (s *DigestStore) Update(ctx context.Context, channel string, fn func(old []byte) ([]byte, error)) error {
	for attempt := 0; ; attempt++ {
		err := s.update(ctx, channel, fn)
		if errors.Is(err, errRaced) && attempt < 3 {
			continue
		}
		return err
	}
}

// errRaced is a new row inserted by another replica between the read and
// the insert: read it again.
var errRaced = errors.New("row inserted concurrently")

func (s *DigestStore) update(ctx context.Context, channel string, fn func(old []byte) ([]byte, error)) error {
	tx, err := s.db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var old []byte
	err = tx.QueryRow(ctx, `SELECT state FROM digest_channels WHERE channel = $1 FOR UPDATE`, channel).Scan(&old)
	exists := err == nil
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	v, err := fn(old)
	if err != nil {
		return err
	}
	var tag pgconn.CommandTag
	if exists {
		tag, err = tx.Exec(ctx, `UPDATE digest_channels SET state = $2::jsonb, updated_at = now() WHERE channel = $1`, channel, string(v))
	} else {
		tag, err = tx.Exec(ctx, `INSERT INTO digest_channels (channel, state) VALUES ($1, $2::jsonb) ON CONFLICT (channel) DO NOTHING`, channel, string(v))
	}
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return errRaced
	}
	return tx.Commit(ctx)
}

// TryLock takes channel's delivery lock without waiting: ok is false when
// another replica is delivering to it. The lock ends with release, or with
// the replica's connection.
func (s *DigestStore) TryLock(ctx context.Context, channel string) (release func(), ok bool, err error) {
	l, err := s.db.TryLock(ctx, "digest:"+channel)
	if err != nil || l == nil {
		return nil, false, err
	}
	return l.Release, true, nil
}

// FeedState is the feed poller's state in the database.
type FeedState struct {
	db   *DB
	name string
}

// FeedState returns the feed poller's state store.
func (db *DB) FeedState() *FeedState { return &FeedState{db: db, name: "feeds"} }

// Load returns the saved state, nil when there is none.
func (f *FeedState) Load(ctx context.Context) ([]byte, error) {
	var v []byte
	err := f.db.pool.QueryRow(ctx, `SELECT state FROM feed_state WHERE name = $1`, f.name).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return v, err
}

// Save replaces the state, retrying a failed write with backoff until ctx
// is done.
func (f *FeedState) Save(ctx context.Context, state []byte) error {
	return retry(ctx, func() error {
		_, err := f.db.pool.Exec(ctx, `INSERT INTO feed_state (name, state) VALUES ($1, $2::jsonb)
			ON CONFLICT (name) DO UPDATE SET state = excluded.state, updated_at = now()`, f.name, string(state))
		return err
	})
}

// retry runs op until it succeeds, ctx is done or five attempts failed,
// waiting 100 ms, then twice as long after each failure.
func retry(ctx context.Context, op func() error) error {
	wait := 100 * time.Millisecond
	var err error
	for attempt := 1; ; attempt++ {
		if err = op(); err == nil || attempt == 5 {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (after %w)", ctx.Err(), err)
		case <-time.After(wait):
		}
		wait *= 2
	}
	return err
}
