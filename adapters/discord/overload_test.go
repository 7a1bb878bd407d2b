package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefbot/briefbot/answer"
)

// blockingAnswerer answers with testQuote once release is closed.
func blockingAnswerer(release <-chan struct{}) fakeAnswerer {
	return fakeAnswerer{ask: func(ctx context.Context, q answer.Question) (answer.Answer, error) {
		select {
		case <-release:
			return answer.Answer{Question: q, Quotes: []answer.Quote{testQuote}, Confidence: 0.8}, nil
		case <-ctx.Done():
			return answer.Answer{}, ctx.Err()
		}
	}}
}

// waitRequests waits until the fake has n requests matching method and
// path prefix.
func waitRequests(t *testing.T, fd *fakeDiscord, method, prefix string, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); len(fd.requests(method, prefix)) < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d %s %s requests, want %d", len(fd.requests(method, prefix)), method, prefix, n)
		}
	}
}

// TestGatewayFlood: far more questions than MaxInFlight, as slash commands
// and as DMs. Each gets exactly one reply, its answer or a "too busy" note
// (ephemeral for a command), and Stats agree; none is dropped.
func TestGatewayFlood(t *testing.T) {
	t.Parallel()
	const n, limit = 30, 2
	for _, kind := range []string{"interactions", "messages"} {
		t.Run(kind, func(t *testing.T) {
			release := make(chan struct{})
			fd, conn, stop, b := startGatewayLogging(t, Config{MaxInFlight: limit, DeferAfter: time.Minute}, blockingAnswerer(release), testLogger(t))
			alice := map[string]any{"id": "7", "username": "alice"}
			prefix := "/api/v9/interactions/"
			if kind == "messages" {
				prefix = "/api/v9/channels/"
			}
			for i := range n {
				id := fmt.Sprint(700 + i)
				if kind == "interactions" {
					conn.send(0, "INTERACTION_CREATE", askInteraction(id, "Will the US send troops?"))
				} else {
					conn.send(0, "MESSAGE_CREATE", message(id, fmt.Sprint(800+i), "", alice, "Will the US send troops?"))
				}
			}
			waitRequests(t, fd, "POST", prefix, n-limit) // the busy notes
			close(release)
			waitRequests(t, fd, "POST", prefix, n)
			stop()

			posts := fd.requests("POST", prefix)
			var answers, busy int
			seen := map[string]bool{}
			for _, p := range posts {
				if seen[p.Path] {
					t.Errorf("two replies on %s", p.Path)
				}
				seen[p.Path] = true
				m := decode(t, p.Body)
				content, embeds, flags := m.Content, m.Embeds, 0
				if kind == "interactions" {
					content, embeds, flags = m.Data.Content, m.Data.Embeds, m.Data.Flags
				}
				switch {
				case len(embeds) == 1 && strings.Contains(string(embeds[0]), testQuote.Text):
					answers++
				case content == busyText:
					busy++
					if kind == "interactions" && flags&64 == 0 {
						t.Errorf("busy reply on %s is not ephemeral", p.Path)
					}
				default:
					t.Errorf("unexpected reply on %s: %s", p.Path, p.Body)
				}
			}
			if answers != limit || busy != n-limit {
				t.Errorf("%d answers, %d busy replies; want %d and %d", answers, busy, limit, n-limit)
			}
			if st := b.Stats(); st.Answered != limit || st.Busy != n-limit || st.Dropped != 0 {
				t.Errorf("Stats = %+v, want Answered %d, Busy %d, Dropped 0", st, limit, n-limit)
			}
		})
	}
}

// TestBusyReplyDroppedIsCounted: with Discord slow to take responses and
// MaxNotices busy replies already waiting on it, the next questions'
// replies are dropped, each logged at warn and counted; answered, busy and
// dropped still add up to every question.
func TestBusyReplyDroppedIsCounted(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	fd, conn, stop, b := startGatewayLogging(t, Config{MaxInFlight: 1, MaxNotices: 1, DeferAfter: time.Minute}, blockingAnswerer(release), logger)
	fd.holdCallbacks(true)
	for i := range 4 {
		conn.send(0, "INTERACTION_CREATE", askInteraction(fmt.Sprint(900+i), "troops?"))
	}
	waitRequests(t, fd, "POST", "/api/v9/interactions/901/", 1) // the busy reply, held
	for deadline := time.Now().Add(10 * time.Second); b.Stats().Dropped < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("Stats = %+v, want 2 dropped", b.Stats())
		}
	}
	fd.holdCallbacks(false)
	close(release)
	stop()
	if st := b.Stats(); st.Answered != 1 || st.Busy != 1 || st.Dropped != 2 {
		t.Errorf("Stats = %+v, want 1 answered, 1 busy, 2 dropped", st)
	}
	if got := strings.Count(logs.String(), `level=WARN msg="reply dropped"`); got != 2 {
		t.Errorf("%d warnings, want 2:\n%s", got, logs.String())
	}
}

// TestHTTPFlood: concurrent HTTP interactions beyond MaxInFlight are told,
// in the response itself, that the bot is busy.
func TestHTTPFlood(t *testing.T) {
	t.Parallel()
	const n = 20
	release, entered := make(chan struct{}), make(chan struct{}, 1)
	ans := fakeAnswerer{ask: func(ctx context.Context, q answer.Question) (answer.Answer, error) {
		entered <- struct{}{}
		<-release
		return answer.Answer{Question: q, Quotes: []answer.Quote{testQuote}, Confidence: 0.8}, nil
	}}
	h := newHTTPBot(t, Config{MaxInFlight: 1, DeferAfter: time.Minute}, ans)
	var mu sync.Mutex
	var answers, busy int
	ask := func(i int) {
		body, _ := json.Marshal(askInteraction(fmt.Sprint(950+i), "troops?"))
		code, resp := h.post(body, testNow, nil)
		m := decode(t, resp)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case code == 200 && m.Data.Content == busyText && m.Data.Flags&64 != 0:
			busy++
		case code == 200 && len(m.Data.Embeds) == 1:
			answers++
		default:
			t.Errorf("response %d %s", code, resp)
		}
	}
	var first, rest sync.WaitGroup
	first.Go(func() { ask(0) })
	<-entered // the first holds the only slot
	for i := 1; i < n; i++ {
		rest.Go(func() { ask(i) })
	}
	rest.Wait()
	close(release)
	first.Wait()
	if answers != 1 || busy != n-1 {
		t.Errorf("%d answers, %d busy; want 1 and %d", answers, busy, n-1)
	}
	if st := h.bot.Stats(); st.Answered != 1 || st.Busy != n-1 || st.Dropped != 0 {
		t.Errorf("Stats = %+v, want 1 answered, %d busy", st, n-1)
	}
}

// syncBuffer is a bytes.Buffer safe for the bot's goroutines and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
