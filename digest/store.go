package digest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Store keeps each channel's subscription and posting state as a JSON
// record, keyed by "platform:id". Bolt is the store of a single process;
// replicas share the PostgreSQL one (package postgres), whose Update holds
// the channel's row lock and whose TryLock is an advisory lock that dies
// with the replica holding it.
type Store interface {
	// Get returns channel's record, nil when there is none.
	Get(ctx context.Context, channel string) ([]byte, error)
	// All returns every channel's record.
	All(ctx context.Context) (map[string][]byte, error)
	// Update replaces channel's record by fn(old) atomically (old is nil
	// when there is none). An error from fn leaves the record alone and is
	// returned unchanged or wrapped with %w.
	Update(ctx context.Context, channel string, fn func(old []byte) ([]byte, error)) error
	// TryLock takes channel's delivery lock without waiting: ok is false
	// while another process delivers to the channel.
	TryLock(ctx context.Context, channel string) (release func(), ok bool, err error)
}

// lockTimeout bounds how long Open waits for another process to release the
// file; bbolt would otherwise block forever.
const lockTimeout = 2 * time.Second

var bucketChannels = []byte("channels")

// Bolt is the Store of a single process: a bbolt file that one process at a
// time may hold open.
type Bolt struct {
	db *bolt.DB
}

var _ Store = (*Bolt)(nil)

// Open opens or creates the digest store at path, such as DATA_DIR/digest.db.
// It fails with a clear error when another process holds the file.
func Open(path string) (*Bolt, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open digest store %s: locked by another process (is the bot already running?)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open digest store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketChannels)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("init digest store %s: %w", path, err)
	}
	return &Bolt{db: db}, nil
}

// Close releases the file.
func (s *Bolt) Close() error { return s.db.Close() }

// Get returns channel's record, nil when there is none.
func (s *Bolt) Get(ctx context.Context, channel string) ([]byte, error) {
	var v []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketChannels).Get([]byte(channel)); b != nil {
			v = append([]byte(nil), b...)
		}
		return nil
	})
	return v, err
}

// All returns every channel's record.
func (s *Bolt) All(ctx context.Context) (map[string][]byte, error) {
	out := make(map[string][]byte)
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketChannels).ForEach(func(k, v []byte) error {
			out[string(k)] = append([]byte(nil), v...)
			return nil
		})
	})
	return out, err
}

// Update replaces channel's record by fn(old) in one transaction.
func (s *Bolt) Update(ctx context.Context, channel string, fn func(old []byte) ([]byte, error)) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketChannels)
		v, err := fn(b.Get([]byte(channel)))
		if err != nil {
			return err
		}
		return b.Put([]byte(channel), v)
	})
}

// TryLock always succeeds: the file admits one process, whose scheduler
// serialises its deliveries itself.
func (s *Bolt) TryLock(ctx context.Context, channel string) (func(), bool, error) {
	return func() {}, true, nil
}

// subscription is the stored state of one channel, keyed by "platform:id".
// A record outlives an unsubscribe so that the unsubscribe sticks over
// DIGEST_CHANNELS and a later re-subscribe continues where it left off.
type subscription struct {
	Active  bool      `json:"active"`
	TZ      string    `json:"tz,omitempty"`       // "" = scheduler default
	FromEnv bool      `json:"from_env,omitempty"` // subscribed because DIGEST_CHANNELS lists it
	Stopped bool      `json:"stopped,omitempty"`  // unsubscribed by command; DIGEST_CHANNELS does not undo it
	Start   time.Time `json:"start"`              // current subscription began; earlier slots are not due
	Date    string    `json:"date,omitempty"`     // local date (YYYY-MM-DD) of the last slot handled: posted or skipped as empty
	Until   time.Time `json:"until,omitzero"`     // end of the period of the last posted digest
	Claim   *claim    `json:"claim,omitempty"`    // a post in progress
}

// claim marks the slot of Date as being posted. It is written before the post
// and cleared, together with setting Date, after it; one still present when no
// post is running was left by a crash.
type claim struct {
	Date  string    `json:"date"`
	At    time.Time `json:"at"`
	Tries int       `json:"tries"` // claims of this date so far
}

// load reads channel's subscription from st.
func load(ctx context.Context, st Store, channel string) (subscription, bool, error) {
	var sub subscription
	v, err := st.Get(ctx, channel)
	if err == nil && v != nil {
		err = json.Unmarshal(v, &sub)
	}
	if err != nil {
		return subscription{}, false, fmt.Errorf("read digest state of %s: %w", channel, err)
	}
	return sub, v != nil, nil
}

// loadAll reads every subscription from st.
func loadAll(ctx context.Context, st Store) (map[string]subscription, error) {
	all, err := st.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read digest subscriptions: %w", err)
	}
	subs := make(map[string]subscription, len(all))
	for ch, v := range all {
		var sub subscription
		if err := json.Unmarshal(v, &sub); err != nil {
			return nil, fmt.Errorf("read digest subscriptions: %s: %w", ch, err)
		}
		subs[ch] = sub
	}
	return subs, nil
}

// update applies fn to the channel's record (zero when there is none) in one
// transaction. fn returning errSkip leaves the record unchanged.
func update(ctx context.Context, st Store, channel string, fn func(sub *subscription, exists bool) error) error {
	err := st.Update(ctx, channel, func(old []byte) ([]byte, error) {
		var sub subscription
		if old != nil {
			if err := json.Unmarshal(old, &sub); err != nil {
				return nil, err
			}
		}
		if err := fn(&sub, old != nil); err != nil {
			return nil, err
		}
		return json.Marshal(sub)
	})
	if errors.Is(err, errSkip) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("update digest state of %s: %w", channel, err)
	}
	return nil
}

var errSkip = errors.New("no change")
