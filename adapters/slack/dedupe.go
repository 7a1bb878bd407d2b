package slack

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"time"
)

// dedupeKey is a de-duplication key made of kind and ids, or "" (no key)
// when an id is missing: an absent ID must not become one key that every
// delivery shares, which answered the first slash command without a
// trigger_id and then none for an hour.
func dedupeKey(kind string, ids ...string) string {
	for _, id := range ids {
		if id == "" {
			return ""
		}
	}
	return kind + ":" + strings.Join(ids, ":")
}

// requestKey identifies one signed HTTP request by its timestamp and body,
// which the signature covers: Slack's retry of a request is the same
// request, while a person repeating a command is a new one.
func requestKey(timestamp string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(timestamp))
	h.Write([]byte{0})
	h.Write(body)
	return "request:" + hex.EncodeToString(h.Sum(nil)[:16])
}

// dedupe remembers delivery keys (event IDs, trigger IDs) for a window so
// that Slack's retries and redeliveries after a reconnect are answered once.
// Memory is bounded: beyond max keys the oldest are forgotten early.
type dedupe struct {
	mu     sync.Mutex
	clock  func() time.Time
	window time.Duration
	max    int
	seen   map[string]time.Time
	order  []seenKey // insertion order, oldest first, from head
	head   int
}

type seenKey struct {
	key string
	at  time.Time
}

func newDedupe(clock func() time.Time, window time.Duration, max int) *dedupe {
	return &dedupe{clock: clock, window: window, max: max, seen: make(map[string]time.Time)}
}

// first reports whether none of the non-empty keys was seen within the
// window, and records them all. A delivery is new only if every key is;
// one with no keys at all is always new.
func (d *dedupe) first(keys ...string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.clock()
	d.expire(now)
	for _, k := range keys {
		if k == "" {
			continue
		}
		if _, ok := d.seen[k]; ok {
			return false
		}
	}
	for _, k := range keys {
		if k == "" {
			continue
		}
		d.seen[k] = now
		d.order = append(d.order, seenKey{k, now})
	}
	for len(d.seen) > d.max {
		d.pop()
	}
	return true
}

func (d *dedupe) expire(now time.Time) {
	for d.head < len(d.order) && now.Sub(d.order[d.head].at) >= d.window {
		d.pop()
	}
}

func (d *dedupe) pop() {
	e := d.order[d.head]
	d.order[d.head] = seenKey{}
	d.head++
	if at, ok := d.seen[e.key]; ok && at.Equal(e.at) {
		delete(d.seen, e.key)
	}
	// Compact so the backing array does not grow without bound.
	if d.head > 1024 && d.head*2 > len(d.order) {
		d.order = append(d.order[:0], d.order[d.head:]...)
		d.head = 0
	}
}

// userLimiter allows each person limit questions per window (a fixed
// window per person) and says when to tell them politely, once per window.
type userLimiter struct {
	mu     sync.Mutex
	clock  func() time.Time
	limit  int
	window time.Duration
	users  map[string]*userWindow
}

type userWindow struct {
	start  time.Time
	n      int
	warned bool
}

// maxTrackedUsers bounds the limiter's memory.
const maxTrackedUsers = 10_000

func newUserLimiter(clock func() time.Time, limit int, window time.Duration) *userLimiter {
	return &userLimiter{clock: clock, limit: limit, window: window, users: make(map[string]*userWindow)}
}

// allow reports whether user may ask now and, if not, whether this is the
// first refusal in the window (so the bot replies once, not to every try).
func (l *userLimiter) allow(user string) (ok, tell bool) {
	if l.limit < 0 {
		return true, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock()
	w := l.users[user]
	if w == nil || now.Sub(w.start) >= l.window {
		if w == nil && len(l.users) >= maxTrackedUsers {
			l.sweep(now)
		}
		w = &userWindow{start: now}
		l.users[user] = w
	}
	w.n++
	if w.n <= l.limit {
		return true, false
	}
	tell = !w.warned
	w.warned = true
	return false, tell
}

func (l *userLimiter) sweep(now time.Time) {
	for u, w := range l.users {
		if now.Sub(w.start) >= l.window {
			delete(l.users, u)
		}
	}
	if len(l.users) >= maxTrackedUsers {
		// Everyone is active: forgetting is kinder than refusing.
		clear(l.users)
	}
}
