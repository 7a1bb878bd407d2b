package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// Conversations keeps the records of the bots' conversations (threads
// followed, the state behind answers' buttons) for every replica: the
// conversation.Store that replicas share. It stores bytes; package
// conversation gives them meaning.
type Conversations struct {
	db        *DB
	lastPurge atomic.Int64 // unix nanoseconds
}

// Conversations returns the conversations' store.
func (db *DB) Conversations() *Conversations { return &Conversations{db: db} }

// Get returns the record of kind under key, nil when there is none or it
// has expired.
func (s *Conversations) Get(ctx context.Context, kind, key string) ([]byte, error) {
	var v []byte
	err := s.db.pool.QueryRow(ctx, `SELECT value FROM conversations WHERE kind = $1 AND key = $2 AND expires_at > now()`, kind, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read conversation %s: %w", kind, err)
	}
	return v, nil
}

// Put stores value as the record of kind under key until ttl from now,
// retrying while the database is unreachable (until ctx is done).
func (s *Conversations) Put(ctx context.Context, kind, key string, value []byte, ttl time.Duration) error {
	if kind == "" || key == "" {
		return errors.New("store conversation: empty kind or key")
	}
	s.purge(ctx)
	err := retry(ctx, func() error {
		_, err := s.db.pool.Exec(ctx, `INSERT INTO conversations (kind, key, value, expires_at)
			VALUES ($1, $2, $3, now() + make_interval(secs => $4))
			ON CONFLICT (kind, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
			kind, key, value, ttl.Seconds())
		return err
	})
	if err != nil {
		return fmt.Errorf("store conversation %s: %w", kind, err)
	}
	return nil
}

// purge deletes the expired records, at most once an hour per replica.
func (s *Conversations) purge(ctx context.Context) {
	now := time.Now().UnixNano()
	last := s.lastPurge.Load()
	if now-last < int64(time.Hour) || !s.lastPurge.CompareAndSwap(last, now) {
		return
	}
	s.db.pool.Exec(ctx, `DELETE FROM conversations WHERE expires_at <= now()`)
}
