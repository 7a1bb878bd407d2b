package discord

import (
	"sync"
	"time"
)

// dedupe remembers IDs seen within a time window so a redelivered
// interaction or message is handled once. It is bounded: past max entries
// the oldest are forgotten first.
type dedupe struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	now   func() time.Time
	seen  map[string]time.Time
	order []string // insertion order, oldest first
}

func newDedupe(ttl time.Duration, max int, now func() time.Time) *dedupe {
	return &dedupe{ttl: ttl, max: max, now: now, seen: make(map[string]time.Time)}
}

// first reports whether id is new, recording it. A repeat within the TTL
// returns false.
func (d *dedupe) first(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	d.expire(now)
	if t, ok := d.seen[id]; ok && now.Sub(t) < d.ttl {
		return false
	}
	for len(d.order) >= d.max {
		d.forgetOldest()
	}
	d.seen[id] = now
	d.order = append(d.order, id)
	return true
}

// expire drops entries older than the TTL; entries are in time order.
func (d *dedupe) expire(now time.Time) {
	for len(d.order) > 0 {
		t, ok := d.seen[d.order[0]]
		if ok && now.Sub(t) < d.ttl {
			return
		}
		d.forgetOldest()
	}
}

func (d *dedupe) forgetOldest() {
	delete(d.seen, d.order[0])
	d.order[0] = ""
	d.order = d.order[1:]
	// Let the backing array be reclaimed once it is mostly dead space.
	if cap(d.order) > 64 && len(d.order) < cap(d.order)/4 {
		d.order = append([]string(nil), d.order...)
	}
}
