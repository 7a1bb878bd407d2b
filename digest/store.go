package digest

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// lockTimeout bounds how long Open waits for another process to release the
// file; bbolt would otherwise block forever.
const lockTimeout = 2 * time.Second

var bucketChannels = []byte("channels")

// Store persists subscriptions and the posting state of each channel in a
// bbolt file. One process at a time may hold it open.
type Store struct {
	db *bolt.DB
}

// Open opens or creates the digest store at path, such as DATA_DIR/digest.db.
// It fails with a clear error when another process holds the file.
func Open(path string) (*Store, error) {
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
	return &Store{db: db}, nil
}

// Close releases the file.
func (s *Store) Close() error { return s.db.Close() }

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

func (s *Store) get(channel string) (subscription, bool, error) {
	var sub subscription
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketChannels).Get([]byte(channel))
		if v == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &sub)
	})
	if err != nil {
		return subscription{}, false, fmt.Errorf("read digest state of %s: %w", channel, err)
	}
	return sub, ok, nil
}

func (s *Store) all() (map[string]subscription, error) {
	subs := make(map[string]subscription)
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketChannels).ForEach(func(k, v []byte) error {
			var sub subscription
			if err := json.Unmarshal(v, &sub); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			subs[string(k)] = sub
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read digest subscriptions: %w", err)
	}
	return subs, nil
}

// update applies fn to the channel's record (zero when there is none) in one
// transaction. fn returning errSkip leaves the record unchanged.
func (s *Store) update(channel string, fn func(sub *subscription, exists bool) error) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketChannels)
		var sub subscription
		v := b.Get([]byte(channel))
		if v != nil {
			if err := json.Unmarshal(v, &sub); err != nil {
				return err
			}
		}
		if err := fn(&sub, v != nil); err != nil {
			return err
		}
		buf, err := json.Marshal(sub)
		if err != nil {
			return err
		}
		return b.Put([]byte(channel), buf)
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
