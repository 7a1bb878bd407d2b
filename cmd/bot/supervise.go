package main

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/briefbot/briefbot/redact"
)

// backoff is how serve waits before starting a failed platform again: the
// first wait, doubling up to a cap.
type backoff struct {
	First time.Duration
	Max   time.Duration
}

// A failed platform is started again after 5 s, 10 s, 20 s ... and then
// every 5 minutes.
const (
	defaultFirstRetry = 5 * time.Second
	defaultMaxRetry   = 5 * time.Minute
)

// platformStats is what an adapter reports for /healthz.
type platformStats struct {
	Up       bool
	Answered int64
	Busy     int64
	Dropped  int64
}

// supervisor runs one chat platform and starts it again, after a capped
// exponential backoff, whenever its Run fails: a platform that cannot
// start (Discord's gateway unreachable, a revoked Slack token) leaves the
// other platforms, the digest and the feeds running. Its state is reported
// on /healthz.
type supervisor struct {
	name    string
	run     func(context.Context) error // the adapter's Run; may be called again after an error
	stats   func() platformStats
	log     *slog.Logger
	now     func() time.Time
	backoff backoff

	mu       sync.Mutex
	failed   bool      // the last Run failed and the next is not started yet
	failures int       // Runs failed since serve started
	lastErr  string    // the last failure, redacted
	retryAt  time.Time // when the next Run starts
	stopped  bool
}

// Run runs the platform until ctx is done, restarting it after failures.
// It returns nil: a platform's failure never stops serve.
func (s *supervisor) Run(ctx context.Context) error {
	first, most := s.backoff.First, s.backoff.Max
	if first <= 0 {
		first = defaultFirstRetry
	}
	if most <= 0 {
		most = defaultMaxRetry
	}
	most = max(most, first)
	wait := first
	for {
		start := s.now()
		err := s.run(ctx)
		if ctx.Err() != nil {
			s.mu.Lock()
			s.failed, s.stopped = false, true
			s.mu.Unlock()
			return nil
		}
		if err == nil {
			err = errors.New("stopped by itself")
		}
		// A Run that lasted longer than the longest wait was working: the
		// next failure starts the waits over.
		if s.now().Sub(start) > most {
			wait = first
		}
		err = redact.Err(err, nil)
		s.mu.Lock()
		s.failed = true
		s.failures++
		s.lastErr = err.Error()
		s.retryAt = s.now().Add(wait)
		n := s.failures
		s.mu.Unlock()
		s.log.Warn("platform failed; the others keep running", "platform", s.name, "err", err, "retry_in", wait, "failures", n)

		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			s.mu.Lock()
			s.failed, s.stopped = false, true
			s.mu.Unlock()
			return nil
		case <-t.C:
		}
		s.mu.Lock()
		s.failed = false
		s.mu.Unlock()
		wait = min(wait*2, most)
	}
}

// platformHealth is one platform in /healthz.
type platformHealth struct {
	// State is "up" (serving), "starting" (connecting, or reconnecting
	// after a drop), "retrying" (it failed; the next start is at RetryAt)
	// or "stopped".
	State     string     `json:"state"`
	Failures  int        `json:"failures,omitempty"`   // failed runs since serve started
	LastError string     `json:"last_error,omitempty"` // the last failure, secrets redacted
	RetryAt   *time.Time `json:"retry_at,omitempty"`
	Answered  int64      `json:"answered"` // replies delivered
	Busy      int64      `json:"busy"`     // questions told "too busy, try again in a minute"
	Dropped   int64      `json:"dropped"`  // replies that could not be delivered (each logged at warn)
}

// health reports the platform's state and counters.
func (s *supervisor) health() platformHealth {
	st := s.stats()
	h := platformHealth{Answered: st.Answered, Busy: st.Busy, Dropped: st.Dropped}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.stopped:
		h.State = "stopped"
	case s.failed:
		h.State = "retrying"
		at := s.retryAt
		h.RetryAt = &at
	case st.Up:
		h.State = "up"
	default:
		h.State = "starting"
	}
	if s.failures > 0 {
		h.Failures, h.LastError = s.failures, s.lastErr
	}
	return h
}
