package conversation

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Store keeps the records of conversations as JSON, by kind ("thread",
// "answer") and key, each until it expires. Bolt is the store of one
// process; replicas share the PostgreSQL one (package postgres), which
// sees only bytes. Methods are safe for concurrent use.
type Store interface {
	// Get returns the record of kind under key, nil when there is none or
	// it has expired.
	Get(ctx context.Context, kind, key string) ([]byte, error)
	// Put stores value as the record of kind under key, replacing what
	// was there, until ttl from now.
	Put(ctx context.Context, kind, key string, value []byte, ttl time.Duration) error
}

// The kinds of record, and how long each is kept after it was last
// written: a thread long after the bot stopped following it, an answer as
// long as people may still click its buttons.
const (
	kindThread = "thread"
	kindAnswer = "answer"

	ThreadRetention = 7 * 24 * time.Hour
	AnswerRetention = 90 * 24 * time.Hour
)

// GetThread returns the thread stored under key; ok is false when there
// is none.
func GetThread(ctx context.Context, s Store, key string) (t Thread, ok bool, err error) {
	ok, err = get(ctx, s, kindThread, key, &t)
	return t, ok, err
}

// PutThread stores t under key.
func PutThread(ctx context.Context, s Store, key string, t Thread) error {
	return put(ctx, s, kindThread, key, t, ThreadRetention)
}

// GetAnswer returns the answer stored under id; ok is false when there is
// none.
func GetAnswer(ctx context.Context, s Store, id string) (a Answer, ok bool, err error) {
	ok, err = get(ctx, s, kindAnswer, id, &a)
	return a, ok, err
}

// PutAnswer stores a under id.
func PutAnswer(ctx context.Context, s Store, id string, a Answer) error {
	return put(ctx, s, kindAnswer, id, a, AnswerRetention)
}

func get(ctx context.Context, s Store, kind, key string, v any) (bool, error) {
	data, err := s.Get(ctx, kind, key)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", kind, err)
	}
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("read %s: %w", kind, err)
	}
	return true, nil
}

func put(ctx context.Context, s Store, kind, key string, v any, ttl time.Duration) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store %s: %w", kind, err)
	}
	if err := s.Put(ctx, kind, key, data, ttl); err != nil {
		return fmt.Errorf("store %s: %w", kind, err)
	}
	return nil
}

// Bolt is the Store of a single process: a bbolt file such as
// DATA_DIR/conversations.db, which one process at a time may hold open.
// Each kind is a bucket; each record starts with its expiry.
type Bolt struct {
	db *bolt.DB
	// Clock decides when records expire; nil is time.Now.
	Clock func() time.Time

	mu        sync.Mutex
	lastPrune time.Time
}

var _ Store = (*Bolt)(nil)

// OpenBolt opens or creates the store at path.
func OpenBolt(path string) (*Bolt, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open conversation store %s: locked by another process (is the bot already running?)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open conversation store %s: %w", path, err)
	}
	return &Bolt{db: db}, nil
}

// Close releases the file.
func (b *Bolt) Close() error { return b.db.Close() }

func (b *Bolt) now() time.Time {
	if b.Clock != nil {
		return b.Clock()
	}
	return time.Now()
}

// Get returns the record of kind under key, nil when there is none or it
// has expired.
func (b *Bolt) Get(ctx context.Context, kind, key string) ([]byte, error) {
	var out []byte
	now := b.now()
	err := b.db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(kind))
		if bk == nil {
			return nil
		}
		v := bk.Get([]byte(key))
		if len(v) < 8 || expired(v, now) {
			return nil
		}
		out = append([]byte(nil), v[8:]...)
		return nil
	})
	return out, err
}

// Put stores value under kind and key until ttl from now and, at most
// once an hour, removes the records that have expired.
func (b *Bolt) Put(ctx context.Context, kind, key string, value []byte, ttl time.Duration) error {
	if kind == "" || key == "" {
		return errors.New("empty kind or key")
	}
	now := b.now()
	rec := binary.BigEndian.AppendUint64(nil, uint64(now.Add(ttl).UnixNano()))
	rec = append(rec, value...)
	b.mu.Lock()
	prune := now.Sub(b.lastPrune) >= time.Hour
	if prune {
		b.lastPrune = now
	}
	b.mu.Unlock()
	return b.db.Update(func(tx *bolt.Tx) error {
		if prune {
			err := tx.ForEach(func(_ []byte, bk *bolt.Bucket) error { return pruneBucket(bk, now) })
			if err != nil {
				return err
			}
		}
		bk, err := tx.CreateBucketIfNotExists([]byte(kind))
		if err != nil {
			return err
		}
		return bk.Put([]byte(key), rec)
	})
}

// expired reports whether the record v has expired at now.
func expired(v []byte, now time.Time) bool {
	return int64(binary.BigEndian.Uint64(v[:8])) < now.UnixNano()
}

// pruneBucket deletes the records of bk that have expired at now.
func pruneBucket(bk *bolt.Bucket, now time.Time) error {
	var old [][]byte
	err := bk.ForEach(func(k, v []byte) error {
		if len(v) < 8 || expired(v, now) {
			old = append(old, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range old {
		if err := bk.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// Memory is a Store in this process's memory, for a bot run without a
// data folder and for tests: what it holds is lost when the process ends.
// It keeps at most MaxRecords records, forgetting those that expire first.
type Memory struct {
	// Clock decides when records expire; nil is time.Now.
	Clock func() time.Time
	// MaxRecords bounds the records kept; zero means 100,000.
	MaxRecords int

	mu      sync.Mutex
	records map[[2]string]memRecord
}

type memRecord struct {
	value   []byte
	expires time.Time
}

var _ Store = (*Memory)(nil)

func (m *Memory) now() time.Time {
	if m.Clock != nil {
		return m.Clock()
	}
	return time.Now()
}

// Get returns the record of kind under key, nil when there is none or it
// has expired.
func (m *Memory) Get(ctx context.Context, kind, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.records[[2]string{kind, key}]
	if !ok || !r.expires.After(m.now()) {
		return nil, nil
	}
	return append([]byte(nil), r.value...), nil
}

// Put stores value under kind and key until ttl from now.
func (m *Memory) Put(ctx context.Context, kind, key string, value []byte, ttl time.Duration) error {
	if kind == "" || key == "" {
		return errors.New("empty kind or key")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.records == nil {
		m.records = make(map[[2]string]memRecord)
	}
	now := m.now()
	limit := m.MaxRecords
	if limit <= 0 {
		limit = 100_000
	}
	if _, ok := m.records[[2]string{kind, key}]; !ok && len(m.records) >= limit {
		m.evict(now, limit)
	}
	m.records[[2]string{kind, key}] = memRecord{value: append([]byte(nil), value...), expires: now.Add(ttl)}
	return nil
}

// evict removes the expired records and, when that is not enough, the
// tenth that expire first.
func (m *Memory) evict(now time.Time, limit int) {
	for k, r := range m.records {
		if !r.expires.After(now) {
			delete(m.records, k)
		}
	}
	if len(m.records) < limit {
		return
	}
	type entry struct {
		k [2]string
		t time.Time
	}
	all := make([]entry, 0, len(m.records))
	for k, r := range m.records {
		all = append(all, entry{k, r.expires})
	}
	slices.SortFunc(all, func(a, b entry) int { return a.t.Compare(b.t) })
	for _, e := range all[:max(1, len(all)/10)] {
		delete(m.records, e.k)
	}
}
