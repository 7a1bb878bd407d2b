package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/briefbot/briefbot/answer"
	"github.com/gorilla/websocket"
)

// fakeAnswerer is the engine, as a func field. FollowUp joins the earlier
// question's text and the follow-up's with " | " and takes the follow-up's
// filters; More returns new quotes (none with noMore); Speakers picks from
// testSpeakers. With log set it records what it is asked.
type fakeAnswerer struct {
	ask    func(ctx context.Context, q answer.Question) (answer.Answer, error)
	noMore bool
	log    *answerLog
}

// answerLog is what a fakeAnswerer was asked.
type answerLog struct {
	mu    sync.Mutex
	qs    []answer.Question // Ask's and More's
	prevs []answer.Question // FollowUp's earlier questions
	shown [][]answer.Span   // More's
}

func (l *answerLog) questions() []answer.Question {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]answer.Question(nil), l.qs...)
}

var testSpeakers = []string{"Jen Psaki", "John Kirby", "Karine Jean-Pierre", "Karoline Leavitt"}

func (f fakeAnswerer) record(fn func(l *answerLog)) {
	if f.log != nil {
		f.log.mu.Lock()
		fn(f.log)
		f.log.mu.Unlock()
	}
}

func (f fakeAnswerer) Ask(ctx context.Context, q answer.Question) (answer.Answer, error) {
	f.record(func(l *answerLog) { l.qs = append(l.qs, q) })
	return f.ask(ctx, q)
}

func (f fakeAnswerer) FollowUp(prev answer.Question, text string) (answer.Question, error) {
	nq, err := answer.ParseQuestion(text)
	if err != nil {
		return answer.Question{}, err
	}
	f.record(func(l *answerLog) { l.prevs = append(l.prevs, prev) })
	out := prev
	out.Text = prev.Text + " | " + nq.Text
	if nq.Speaker != "" {
		out.Speaker = nq.Speaker
	}
	if !nq.Since.IsZero() || !nq.Until.IsZero() {
		out.Since, out.Until = nq.Since, nq.Until
	}
	return out, nil
}

func (f fakeAnswerer) More(ctx context.Context, q answer.Question, shown []answer.Span) (answer.Answer, error) {
	f.record(func(l *answerLog) { l.qs = append(l.qs, q); l.shown = append(l.shown, shown) })
	a, err := f.ask(ctx, q)
	if err != nil || f.noMore {
		return answer.Answer{Question: q, NoAnswer: true}, err
	}
	for i := range a.Quotes {
		a.Quotes[i].DocID = fmt.Sprintf("more-%d", len(shown)+i)
		a.Quotes[i].Text = fmt.Sprintf("Further quote %d.", len(shown)+i)
	}
	return a, nil
}

func (f fakeAnswerer) Speakers(prefix string, n int) []string {
	var out []string
	for _, s := range testSpeakers {
		if len(out) < n && strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix)) {
			out = append(out, s)
		}
	}
	return out
}

// fakeDigester records calls and returns a fixed digest.
type fakeDigester struct {
	mu    sync.Mutex
	calls []string
	d     answer.Digest
}

func (f *fakeDigester) Subscribe(_ context.Context, channel, tz string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "subscribe "+channel+" "+tz)
	return nil
}

func (f *fakeDigester) Unsubscribe(_ context.Context, channel string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "unsubscribe "+channel)
	return nil
}

func (f *fakeDigester) Now(_ context.Context, channel string) (answer.Digest, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "now "+channel)
	return f.d, nil
}

// recorded is one REST request the fake Discord received.
type recorded struct {
	Method, Path string
	Auth         string
	Body         []byte
}

// fakeDiscord is a local stand-in for Discord: the REST API on an httptest
// server (reached through the Bot's URL-rewriting transport) and a gateway
// websocket on the same server at /gateway-ws.
type fakeDiscord struct {
	t   *testing.T
	srv *httptest.Server

	mu        sync.Mutex
	reqs      []recorded
	rateLimit map[string]int // path prefix -> 429s still to return
	conns     []*fakeConn

	reqCh  chan recorded
	connCh chan *fakeConn

	hold chan struct{} // when set, interaction callbacks wait for it to close

	threads map[string]bool // channel IDs that GET /channels/{id} calls threads
}

// holdCallbacks makes interaction callbacks wait (on) until called with off:
// Discord being slow.
func (f *fakeDiscord) holdCallbacks(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if on {
		f.hold = make(chan struct{})
	} else if f.hold != nil {
		close(f.hold)
		f.hold = nil
	}
}

func newFakeDiscord(t *testing.T) *fakeDiscord {
	t.Helper()
	f := &fakeDiscord{
		t:         t,
		rateLimit: make(map[string]int),
		reqCh:     make(chan recorded, 100),
		connCh:    make(chan *fakeConn, 10),
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		f.mu.Lock()
		for _, c := range f.conns {
			c.ws.Close()
		}
		f.mu.Unlock()
		f.srv.Close()
	})
	return f
}

func (f *fakeDiscord) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/gateway-ws") {
		f.serveGateway(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	rec := recorded{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Body: body}
	f.mu.Lock()
	f.reqs = append(f.reqs, rec)
	limited := false
	for prefix, n := range f.rateLimit {
		if n > 0 && strings.HasPrefix(r.URL.Path, prefix) {
			f.rateLimit[prefix] = n - 1
			limited = true
		}
	}
	hold := f.hold
	f.mu.Unlock()
	f.reqCh <- rec
	if hold != nil && strings.HasSuffix(r.URL.Path, "/callback") {
		<-hold
	}

	w.Header().Set("Content-Type", "application/json")
	if limited {
		w.Header().Set("Retry-After", "0")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset-After", "3600") // bounded by the transport
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"message":"You are being rate limited.","retry_after":0.01,"global":false}`)
		return
	}
	switch {
	case r.Method == "GET" && r.URL.Path == "/api/v9/gateway":
		json.NewEncoder(w).Encode(map[string]string{"url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/gateway-ws"})
	case r.Method == "GET" && r.URL.Path == "/api/v9/gateway/bot":
		json.NewEncoder(w).Encode(map[string]any{"url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/gateway-ws", "shards": 1})
	case r.Method == "PUT" && strings.HasSuffix(r.URL.Path, "/commands"):
		w.Write(body) // echo the commands back, as Discord does (plus IDs)
	case r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/callback"):
		w.WriteHeader(http.StatusNoContent)
	case r.Method == "PATCH" && strings.HasPrefix(r.URL.Path, "/api/v9/webhooks/"):
		io.WriteString(w, `{"id":"900","channel_id":"300","content":""}`)
	case r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/api/v9/channels/"):
		id := strings.TrimPrefix(r.URL.Path, "/api/v9/channels/")
		f.mu.Lock()
		kind := 0 // a text channel
		if f.threads[id] {
			kind = 11 // a public thread
		}
		f.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"id": id, "type": kind})
	case r.Method == "POST" && strings.HasPrefix(r.URL.Path, "/api/v9/channels/"):
		io.WriteString(w, `{"id":"901","channel_id":"300","content":""}`)
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"Unknown","code":0}`)
	}
}

// requests returns the recorded REST requests matching method and path prefix.
func (f *fakeDiscord) requests(method, prefix string) []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []recorded
	for _, r := range f.reqs {
		if r.Method == method && strings.HasPrefix(r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// waitRequest waits for the next request matching method and path prefix.
func (f *fakeDiscord) waitRequest(method, prefix string) recorded {
	f.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case r := <-f.reqCh:
			if r.Method == method && strings.HasPrefix(r.Path, prefix) {
				return r
			}
		case <-timeout:
			f.t.Fatalf("no %s %s request within 10s", method, prefix)
		}
	}
}

// fakeConn is one gateway connection.
type fakeConn struct {
	ws       *websocket.Conn
	mu       sync.Mutex // serialises writes
	seq      int
	identify chan map[string]any // the op 2 or op 6 payload
}

func (c *fakeConn) send(op int, typ string, d any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	msg := map[string]any{"op": op, "d": d}
	if op == 0 {
		c.seq++
		msg["s"] = c.seq
		msg["t"] = typ
	}
	return c.ws.WriteJSON(msg)
}

var upgrader = websocket.Upgrader{}

// serveGateway speaks enough of the gateway: hello, identify or resume,
// READY or RESUMED, heartbeat ACKs.
func (f *fakeDiscord) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &fakeConn{ws: ws, identify: make(chan map[string]any, 1)}
	f.mu.Lock()
	f.conns = append(f.conns, c)
	f.mu.Unlock()
	if err := c.send(10, "", map[string]any{"heartbeat_interval": 45000}); err != nil {
		return
	}
	var first struct {
		Op int            `json:"op"`
		D  map[string]any `json:"d"`
	}
	if err := ws.ReadJSON(&first); err != nil {
		return
	}
	c.identify <- first.D
	switch first.Op {
	case 2:
		c.send(0, "READY", map[string]any{
			"v":                  9,
			"user":               map[string]any{"id": "100", "username": "briefbot", "bot": true},
			"session_id":         "session-1",
			"resume_gateway_url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/gateway-ws",
			"guilds":             []any{},
			"application":        map[string]any{"id": "42"},
		})
	case 6:
		c.send(0, "RESUMED", map[string]any{})
	default:
		ws.Close()
		return
	}
	f.connCh <- c
	for {
		var m struct {
			Op int `json:"op"`
		}
		if err := ws.ReadJSON(&m); err != nil {
			return
		}
		if m.Op == 1 {
			c.send(11, "", nil)
		}
	}
}

func (f *fakeDiscord) waitConn() *fakeConn {
	f.t.Helper()
	select {
	case c := <-f.connCh:
		return c
	case <-time.After(10 * time.Second):
		f.t.Fatal("no gateway connection within 10s")
		return nil
	}
}

// testLogger writes the bot's log to the test log.
func testLogger(t *testing.T) *slog.Logger {
	w := &testWriter{t: t}
	t.Cleanup(func() { w.done.Store(true) })
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct {
	t    *testing.T
	done atomic.Bool // the test is over: t.Log would panic
}

func (w *testWriter) Write(p []byte) (int, error) {
	if !w.done.Load() {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}
