// Package feedback records what people say about the bot's answers: the
// question, the quotes they were shown, and their verdict. The conversation
// features of the adapters record it; the trainer and people read it back.
// Bolt is the store of one machine (bot feedback reads it while bot serve
// writes it); several replicas share the PostgreSQL one (package
// postgres). Callers see only Store.
package feedback

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
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

// Bolt is the Store of one machine: a bbolt file such as
// DATA_DIR/feedback.db. It holds the file only while it reads or writes,
// so that bot feedback can list what a running bot serve records.
type Bolt struct {
	path  string
	mu    sync.Mutex // one open of the file at a time in this process
	clock func() time.Time
}

var bucketFeedback = []byte("feedback")

// lockTimeout bounds how long Bolt waits for another process to finish
// with the file.
const lockTimeout = 5 * time.Second

// OpenBolt creates the feedback file at path if need be and checks that it
// can be opened.
func OpenBolt(path string) (*Bolt, error) {
	b := &Bolt{path: path, clock: time.Now}
	err := b.with(true, func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketFeedback)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open feedback store %s: %w", path, err)
	}
	return b, nil
}

// Close does nothing: Bolt holds the file only while it uses it.
func (b *Bolt) Close() error { return nil }

// with opens the file, runs fn in a transaction (read-write when write is
// set) and closes the file.
func (b *Bolt) with(write bool, fn func(tx *bolt.Tx) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	db, err := bolt.Open(b.path, 0o600, &bolt.Options{Timeout: lockTimeout, ReadOnly: !write})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return errors.New("the file stayed locked by another process")
	}
	if err != nil {
		return err
	}
	if write {
		err = db.Update(fn)
	} else {
		err = db.View(fn)
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

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
	err = b.with(true, func(tx *bolt.Tx) error {
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
	err := b.with(false, func(tx *bolt.Tx) error {
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
