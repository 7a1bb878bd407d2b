package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefbot/briefbot/answer"
)

// blockingAnswerer answers once release is closed, so questions pile up.
func blockingAnswerer(release <-chan struct{}) *fakeAnswerer {
	return &fakeAnswerer{ask: func(ctx context.Context, q answer.Question) (answer.Answer, error) {
		select {
		case <-release:
			return psakiAnswer(q), nil
		case <-ctx.Done():
			return answer.Answer{}, ctx.Err()
		}
	}}
}

// countReplies sorts the posts into answers and busy notes and fails on
// anything else.
func countReplies(t *testing.T, posts []recorded) (answers, busy int) {
	t.Helper()
	for _, p := range posts {
		switch {
		case strings.Contains(p.Blocks, psakiQuote):
			answers++
		case strings.Contains(p.Text, "too busy") && strings.Contains(p.Text, "try again in a minute"):
			busy++
		default:
			t.Errorf("unexpected post %+v", p)
		}
	}
	return answers, busy
}

// TestFloodOverSocketMode: far more mentions than one worker and a queue
// of two can take. Every acknowledged question gets its answer or a "too
// busy" reply, none is lost, and Stats says the same.
func TestFloodOverSocketMode(t *testing.T) {
	const n = 80
	f := newFakeSlack(t)
	ready := make(chan struct{})
	f.script = func(c *wsConn, _ int) {
		for i := range n {
			id := fmt.Sprintf("env-%d", i)
			ts := fmt.Sprintf("1700000000.%06d", i)
			c.send(eventsEnvelope(id, 0, "Ev"+id, mentionEvent(fmt.Sprintf("U%d", i), "<@UBOT> will the US send troops?", ts)))
			c.waitAck(id)
		}
		close(ready)
	}
	release := make(chan struct{})
	b, stop := startBot(t, f, Config{AppToken: "xapp-test", Workers: 1, QueueSize: 2}, blockingAnswerer(release))
	waitClosed(t, ready)
	close(release)
	stop()

	answers, busy := countReplies(t, f.recorded("chat.postMessage"))
	if answers+busy != n {
		t.Errorf("%d answers + %d busy replies, want %d in all", answers, busy, n)
	}
	if answers < 1 || answers > 3 || busy < n-3 {
		t.Errorf("%d answers, %d busy; want 1-3 answers (one worker, a queue of 2) and the rest told busy", answers, busy)
	}
	st := b.Stats()
	if st.Answered != int64(answers) || st.Busy != int64(busy) || st.Dropped != 0 {
		t.Errorf("Stats = %+v, want Answered %d, Busy %d, Dropped 0", st, answers, busy)
	}
}

// TestFloodOverHTTP: concurrent signed mentions over the Events API.
func TestFloodOverHTTP(t *testing.T) {
	const n, secret = 100, "8f742231b10e8888abcd99yyyzzz85a5"
	f := newFakeSlack(t)
	release := make(chan struct{})
	b, stop := startBot(t, f, Config{SigningSecret: secret, Workers: 2, QueueSize: 3}, blockingAnswerer(release))
	mux := http.NewServeMux()
	b.Register(mux)
	hs := httptest.NewServer(mux)
	defer hs.Close()

	var wg sync.WaitGroup
	var mu sync.Mutex
	acked := 0
	for i := range n {
		wg.Go(func() {
			env := eventsEnvelope("", 0, fmt.Sprintf("EvF%d", i), mentionEvent(fmt.Sprintf("U%d", i), "<@UBOT> troops?", fmt.Sprintf("2.%d", i)))
			body, _ := json.Marshal(env["payload"])
			req, _ := http.NewRequest(http.MethodPost, hs.URL+"/slack/events", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			sign(req, secret, body, time.Now())
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				mu.Lock()
				acked++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(release)
	stop()
	if acked != n {
		t.Fatalf("%d of %d requests acknowledged", acked, n)
	}
	answers, busy := countReplies(t, f.recorded("chat.postMessage"))
	if answers+busy != n || answers < 2 || answers > 5 {
		t.Errorf("%d answers + %d busy replies, want %d in all with 2-5 answers", answers, busy, n)
	}
	if st := b.Stats(); st.Answered != int64(answers) || st.Busy != int64(busy) || st.Dropped != 0 {
		t.Errorf("Stats = %+v, want Answered %d, Busy %d, Dropped 0", st, answers, busy)
	}
}

// TestBusyNoteDroppedIsCounted: when Slack is so slow that even the busy
// notes cannot be queued, each lost reply is logged at warn and counted;
// answered, told busy and dropped still add up to every question.
func TestBusyNoteDroppedIsCounted(t *testing.T) {
	const n = 12
	f := newFakeSlack(t)
	f.hold = make(chan struct{})
	ready := make(chan struct{})
	f.script = func(c *wsConn, _ int) {
		for i := range n {
			id := fmt.Sprintf("env-%d", i)
			c.send(eventsEnvelope(id, 0, "Ev"+id, dmEvent(fmt.Sprintf("U%d", i), "troops?", fmt.Sprintf("3.%d", i))))
			c.waitAck(id)
		}
		close(ready)
	}
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	b, stop := startBotLogging(t, f, Config{AppToken: "xapp-test", Workers: 1, QueueSize: 1, NoticeQueueSize: 1}, &fakeAnswerer{}, logger)
	waitClosed(t, ready)
	close(f.hold)
	stop()

	st := b.Stats()
	if st.Answered+st.Busy+st.Dropped != n || st.Dropped == 0 {
		t.Errorf("Stats = %+v, want Answered+Busy+Dropped = %d with some dropped", st, n)
	}
	answers, busy := countReplies(t, f.recorded("chat.postMessage"))
	if int64(answers) != st.Answered || int64(busy) != st.Busy {
		t.Errorf("posted %d answers and %d busy notes, Stats = %+v", answers, busy, st)
	}
	if got := int64(strings.Count(logs.String(), "level=WARN msg=\"reply dropped\"")); got != st.Dropped {
		t.Errorf("%d warnings for %d dropped replies:\n%s", got, st.Dropped, logs.String())
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
