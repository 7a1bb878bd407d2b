package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/briefbot/briefbot/feedback"
)

// Feedback is the feedback.Store that replicas share.
type Feedback struct{ db *DB }

// Feedback returns the feedback store.
func (db *DB) Feedback() *Feedback { return &Feedback{db: db} }

var _ feedback.Store = (*Feedback)(nil)

// Record stores f, retrying with backoff while the database is unreachable
// (until ctx is done).
func (s *Feedback) Record(ctx context.Context, f feedback.Feedback) error {
	if f.At.IsZero() {
		f.At = time.Now()
	}
	if f.Quotes == nil {
		f.Quotes = []feedback.Quote{}
	}
	quotes, err := json.Marshal(f.Quotes)
	if err != nil {
		return err
	}
	err = retry(ctx, func() error {
		_, err := s.db.pool.Exec(ctx, `INSERT INTO feedback (at, platform, channel_id, user_id, question, quotes, verdict)
			VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
			f.At, f.Platform, f.ChannelID, f.UserID, f.Question, string(quotes), f.Verdict)
		return err
	})
	if err != nil {
		return fmt.Errorf("record feedback: %w", err)
	}
	return nil
}

// List returns the feedback recorded at or after since, oldest first.
func (s *Feedback) List(ctx context.Context, since time.Time) ([]feedback.Feedback, error) {
	rows, err := s.db.pool.Query(ctx, `SELECT at, platform, channel_id, user_id, question, quotes, verdict
		FROM feedback WHERE at >= $1 ORDER BY at, id`, since)
	if err != nil {
		return nil, fmt.Errorf("list feedback: %w", err)
	}
	var out []feedback.Feedback
	var f feedback.Feedback
	var quotes []byte
	_, err = pgx.ForEachRow(rows, []any{&f.At, &f.Platform, &f.ChannelID, &f.UserID, &f.Question, &quotes, &f.Verdict}, func() error {
		g := f
		g.At = g.At.UTC()
		if err := json.Unmarshal(quotes, &g.Quotes); err != nil {
			return err
		}
		out = append(out, g)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list feedback: %w", err)
	}
	return out, nil
}
