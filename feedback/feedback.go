// Package feedback records what people say about the bot's answers: the
// question, the quotes they were shown, and their verdict. The conversation
// features of the adapters record it; the trainer and people read it back.
// Bolt is the single-process store; several replicas share the PostgreSQL
// one (package postgres). Callers see only Store.
package feedback

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Verdicts people give. Verdict is a string so that finer ones (a wrong
// speaker, a quote out of context) can be added without a migration.
const (
	Helpful    = "helpful"
	NotHelpful = "not_helpful"
)

// Quote is one quote shown with the answer: the span of the document body
// it was cut from, and its text as shown.
type Quote struct {
	DocID string `json:"doc_id"`
	Start int    `json:"start"` // byte offset in the document body
	End   int    `json:"end"`   // byte offset just past the quote
	Text  string `json:"text"`
}

// Feedback is one verdict on one answer.
type Feedback struct {
	Question  string    `json:"question"`
	Quotes    []Quote   `json:"quotes"`
	Verdict   string    `json:"verdict"`  // Helpful, NotHelpful, ...
	Platform  string    `json:"platform"` // "slack", "discord", "console"
	ChannelID string    `json:"channel_id"`
	UserID    string    `json:"user_id"`
	At        time.Time `json:"at"`
}

// Store keeps feedback. Record and List are safe for concurrent use.
type Store interface {
	// Record stores f; a zero At is the time of recording.
	Record(ctx context.Context, f Feedback) error
	// List returns the feedback recorded at or after since, oldest first.
	List(ctx context.Context, since time.Time) ([]Feedback, error)
}

// Bolt is the Store of a single process: a bbolt file such as
// DATA_DIR/feedback.db.
type Bolt struct {
	db    *bolt.DB
	clock func() time.Time
}

var bucketFeedback = []byte("feedback")

// OpenBolt opens or creates the feedback file at path. One process at a
// time may hold it.
func OpenBolt(path string) (*Bolt, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open feedback store %s: locked by another process (is the bot already running?)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open feedback store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketFeedback)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open feedback store %s: %w", path, err)
	}
	return &Bolt{db: db, clock: time.Now}, nil
}

// Close releases the file.
func (b *Bolt) Close() error { return b.db.Close() }

// Record stores f under a key that sorts by time of recording.
func (b *Bolt) Record(ctx context.Context, f Feedback) error {
	if f.At.IsZero() {
		f.At = b.clock()
	}
	f.At = f.At.UTC()
	v, err := json.Marshal(f)
	if err != nil {
		return err
	}
	err = b.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketFeedback)
		seq, err := bk.NextSequence()
		if err != nil {
			return err
		}
		// Time first so List can seek; the sequence keeps equal times apart.
		key := binary.BigEndian.AppendUint64(nil, uint64(f.At.UnixNano()))
		key = binary.BigEndian.AppendUint64(key, seq)
		return bk.Put(key, v)
	})
	if err != nil {
		return fmt.Errorf("record feedback: %w", err)
	}
	return nil
}

// List returns the feedback recorded at or after since, oldest first.
func (b *Bolt) List(ctx context.Context, since time.Time) ([]Feedback, error) {
	var out []Feedback
	err := b.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketFeedback).Cursor()
		start := binary.BigEndian.AppendUint64(nil, uint64(max(since.UnixNano(), 0)))
		for k, v := c.Seek(start); k != nil; k, v = c.Next() {
			var f Feedback
			if err := json.Unmarshal(v, &f); err != nil {
				return err
			}
			out = append(out, f)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list feedback: %w", err)
	}
	return out, nil
}
