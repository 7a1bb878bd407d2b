package discord

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeDeduper is the shared store of several replicas, in memory; err,
// when set, is its failure.
type fakeDeduper struct {
	mu   sync.Mutex
	seen map[string]bool
	err  error
}

func (d *fakeDeduper) First(ctx context.Context, keys ...string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err != nil {
		return false, d.err
	}
	for _, k := range keys {
		if k != "" && d.seen[k] {
			return false, nil
		}
	}
	for _, k := range keys {
		if k != "" {
			d.seen[k] = true
		}
	}
	return true, nil
}

// TestSharedDedupe: an interaction delivered to two replicas sharing a
// Deduper is answered by the first only.
func TestSharedDedupe(t *testing.T) {
	t.Parallel()
	shared := &fakeDeduper{seen: make(map[string]bool)}
	a := newHTTPBot(t, Config{Dedupe: shared}, quoteAnswerer())
	b := newHTTPBot(t, Config{Dedupe: shared}, quoteAnswerer())
	ask := mustJSON(askInteraction("710", "Will the US send troops?"))
	if code, body := a.post(ask, testNow, nil); code != http.StatusOK {
		t.Fatalf("first delivery = %d %s, want 200", code, body)
	}
	if code, _ := b.post(ask, testNow, nil); code != http.StatusConflict {
		t.Errorf("the same interaction at the other replica = %d, want 409", code)
	}
	if code, _ := b.post(mustJSON(askInteraction("711", "Will the US send troops?")), testNow, nil); code != http.StatusOK {
		t.Errorf("another interaction at the other replica = %d, want 200", code)
	}
}

// TestSharedDedupeDown: when the shared store fails, the question is still
// answered, and the warning, logged through the adapter's redacting
// logger, does not show the database password.
func TestSharedDedupeDown(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	shared := &fakeDeduper{err: errors.New(`connect "postgres://bot:hunter2@db.example:5432/briefbot": connection refused`)}
	fd, conn, stop, b := startGatewayLogging(t, Config{Dedupe: shared, DeferAfter: time.Minute}, quoteAnswerer(), logger)
	conn.send(0, "INTERACTION_CREATE", askInteraction("720", "Will the US send troops?"))
	waitRequests(t, fd, "POST", "/api/v9/interactions/720/", 1)
	stop()
	if st := b.Stats(); st.Answered != 1 {
		t.Errorf("Stats = %+v, want 1 answered", st)
	}
	if out := logs.String(); strings.Contains(out, "hunter2") || !strings.Contains(out, "shared de-duplication unavailable") {
		t.Errorf("log = %s, want the warning without the password", out)
	}
}
