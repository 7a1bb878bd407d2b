package digest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// flakyStore is a Store whose writes fail while down is set, as when the
// database goes away, and whose lock another replica may hold.
type flakyStore struct {
	Store
	mu       sync.Mutex
	down     func(write int) bool // decides each write, counted from 1
	writes   int
	heldElse bool // another replica holds every channel's lock
}

func (f *flakyStore) Update(ctx context.Context, ch string, fn func([]byte) ([]byte, error)) error {
	f.mu.Lock()
	f.writes++
	down := f.down != nil && f.down(f.writes)
	f.mu.Unlock()
	if down {
		return errors.New("connection refused")
	}
	return f.Store.Update(ctx, ch, fn)
}

func (f *flakyStore) TryLock(ctx context.Context, ch string) (func(), bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.heldElse {
		return nil, false, nil
	}
	return f.Store.TryLock(ctx, ch)
}

// TestStoreDownAndBack: the store fails at each step of a delivery in turn;
// the channel still gets exactly one digest that day.
func TestStoreDownAndBack(t *testing.T) {
	day := "2026-05-04T"
	for name, failing := range map[string]func(n int) bool{
		"claim":       func(n int) bool { return n >= 2 && n <= 4 }, // write 1 subscribes
		"after post":  func(n int) bool { return n >= 3 && n <= 6 }, // write 2 claims, 3 records
		"every other": func(n int) bool { return n%2 == 0 && n < 20 },
		"whole hour":  nil, // 08:00 to 09:00, set below
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, utc(day+"07:00:00Z"))
			e.comp.docs = hourly(utc(day+"00:00:00Z"), utc(day+"23:00:00Z"))
			bolt, err := Open(e.path)
			if err != nil {
				t.Fatal(err)
			}
			defer bolt.Close()
			st := &flakyStore{Store: bolt, down: failing}
			if name == "whole hour" {
				st.down = func(int) bool {
					now := e.clk.Now()
					return !now.Before(utc(day+"08:00:00Z")) && now.Before(utc(day+"09:00:00Z"))
				}
			}
			s, err := New(context.Background(), Config{Channels: []string{"slack:C1"}, Clock: e.clk.Now, After: e.clk.After}, st, e.comp, e.posts.posters(), nil)
			if err != nil {
				t.Fatal(err)
			}
			e.run(s, utc(day+"23:00:00Z"))
			if got := e.posts.posted(); len(got) != 1 {
				t.Fatalf("posts = %v, want one", postTimes(got))
			}
			sub, _, err := load(context.Background(), bolt, "slack:C1")
			if err != nil || sub.Date != "2026-05-04" || sub.Claim != nil {
				t.Errorf("stored state = %+v, %v; want date 2026-05-04 and no claim", sub, err)
			}
		})
	}
}

// TestChannelLockedElsewhere: while another replica holds the channel's
// lock, this one posts nothing; once it is free and the other replica did
// not post, this one does.
func TestChannelLockedElsewhere(t *testing.T) {
	day := "2026-05-04T"
	e := newEnv(t, utc(day+"07:59:00Z"))
	bolt, err := Open(e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer bolt.Close()
	st := &flakyStore{Store: bolt, heldElse: true}
	s, err := New(context.Background(), Config{Channels: []string{"slack:C1"}, PostEmpty: true, Clock: e.clk.Now, After: e.clk.After}, st, e.comp, e.posts.posters(), nil)
	if err != nil {
		t.Fatal(err)
	}
	e.run(s, utc(day+"09:00:00Z"))
	if got := e.posts.posted(); len(got) != 0 {
		t.Fatalf("posts while locked elsewhere = %v, want none", postTimes(got))
	}
	st.mu.Lock()
	st.heldElse = false
	st.mu.Unlock()
	e.run(s, utc(day+"09:10:00Z"))
	if got := e.posts.posted(); len(got) != 1 || got[0].At.Sub(utc(day+"09:00:00Z")) > time.Minute {
		t.Fatalf("posts once free = %v, want one right away", postTimes(got))
	}
}
