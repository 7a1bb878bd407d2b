package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/conversation"
)

// recorded is one message the fake Slack received.
type recorded struct {
	Method       string // chat.postMessage, chat.postEphemeral or response
	Path         string
	Channel      string
	ThreadTS     string
	User         string
	Text         string
	Blocks       string // JSON
	ResponseType string
	Delete       bool
}

// fakeSlack is a local Web API plus a Socket Mode websocket endpoint.
type fakeSlack struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	posts    []recorded
	attempts int // chat.postMessage calls, including rate-limited ones
	limited  int // chat.postMessage calls still to answer with 429
	opens    int // apps.connections.open calls
	conns    int // websocket connections

	authFailures int // auth.test calls still to fail with 503

	// hold, when set before the bot starts, keeps every chat.postMessage
	// waiting until it is closed: Slack being slow.
	hold chan struct{}

	// script drives websocket connection n (0 first) after hello.
	script func(c *wsConn, n int)
}

func newFakeSlack(t *testing.T) *fakeSlack {
	t.Helper()
	f := &fakeSlack{t: t}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/auth.test", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		fail := f.authFailures > 0
		f.authFailures--
		f.mu.Unlock()
		if fail {
			http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, map[string]any{"ok": true, "team": "Test", "team_id": "T1", "user": "briefbot", "user_id": "UBOT", "bot_id": "BBOT"})
	})
	mux.HandleFunc("/api/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer xapp-test" {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		f.mu.Lock()
		f.opens++
		f.mu.Unlock()
		writeJSON(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"})
	})
	for _, method := range []string{"chat.postMessage", "chat.postEphemeral"} {
		mux.HandleFunc("/api/"+method, func(w http.ResponseWriter, r *http.Request) {
			if err := r.ParseForm(); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			if f.hold != nil {
				<-f.hold
			}
			f.mu.Lock()
			if method == "chat.postMessage" {
				f.attempts++
				if f.limited > 0 {
					f.limited--
					f.mu.Unlock()
					w.Header().Set("Retry-After", "1")
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
			}
			f.posts = append(f.posts, recorded{
				Method:   method,
				Channel:  r.PostForm.Get("channel"),
				ThreadTS: r.PostForm.Get("thread_ts"),
				User:     r.PostForm.Get("user"),
				Text:     r.PostForm.Get("text"),
				Blocks:   normJSON(r.PostForm.Get("blocks")),
			})
			f.mu.Unlock()
			writeJSON(w, map[string]any{"ok": true, "channel": r.PostForm.Get("channel"), "ts": "1700000099.000100"})
		})
	}
	for _, method := range []string{"assistant.threads.setStatus", "assistant.threads.setTitle", "assistant.threads.setSuggestedPrompts"} {
		mux.HandleFunc("/api/"+method, func(w http.ResponseWriter, r *http.Request) {
			if err := r.ParseForm(); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			text := r.PostForm.Get("status") + r.PostForm.Get("title") + r.PostForm.Get("prompts")
			f.mu.Lock()
			f.posts = append(f.posts, recorded{Method: method, Channel: r.PostForm.Get("channel_id"), ThreadTS: r.PostForm.Get("thread_ts"), Text: text})
			f.mu.Unlock()
			writeJSON(w, map[string]any{"ok": true})
		})
	}
	mux.HandleFunc("/response/", func(w http.ResponseWriter, r *http.Request) {
		var msg struct {
			Text           string          `json:"text"`
			Blocks         json.RawMessage `json:"blocks"`
			ResponseType   string          `json:"response_type"`
			DeleteOriginal bool            `json:"delete_original"`
		}
		if err := json.NewDecoder(r.Body).Decode(&msg); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.posts = append(f.posts, recorded{Method: "response", Path: r.URL.Path, Text: msg.Text,
			Blocks: normJSON(string(msg.Blocks)), ResponseType: msg.ResponseType, Delete: msg.DeleteOriginal})
		f.mu.Unlock()
		_, _ = io.WriteString(w, "ok")
	})
	mux.HandleFunc("/ws", f.serveSocket)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// normJSON re-encodes JSON without escaping < > &, as Slack reads it.
func normJSON(s string) string {
	if s == "" {
		return ""
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return s
	}
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSpace(buf.String())
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// wsConn is the server side of one Socket Mode connection.
type wsConn struct {
	t    *testing.T
	conn *websocket.Conn
	acks chan string
}

func (f *fakeSlack) serveSocket(w http.ResponseWriter, r *http.Request) {
	// slack-go sends Origin: https://api.slack.com.
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	f.mu.Lock()
	n := f.conns
	f.conns++
	script := f.script
	f.mu.Unlock()
	c := &wsConn{t: f.t, conn: conn, acks: make(chan string, 100)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			var ack struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if err := conn.ReadJSON(&ack); err != nil {
				return
			}
			c.acks <- ack.EnvelopeID
		}
	}()
	c.send(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}})
	if script != nil {
		script(c, n)
	}
	<-done
}

func (c *wsConn) send(v any) {
	if err := c.conn.WriteJSON(v); err != nil {
		c.t.Errorf("websocket write: %v", err)
	}
}

// waitAck waits for the client to acknowledge envelope id.
func (c *wsConn) waitAck(id string) {
	timeout := time.After(5 * time.Second)
	for {
		select {
		case got := <-c.acks:
			if got == id {
				return
			}
		case <-timeout:
			c.t.Errorf("no ack for envelope %s", id)
			return
		}
	}
}

// drop closes the connection without a goodbye, like a network failure.
func (c *wsConn) drop() { _ = c.conn.Close() }

func (f *fakeSlack) recorded(method string) []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []recorded
	for _, p := range f.posts {
		if method == "" || p.Method == method {
			out = append(out, p)
		}
	}
	return out
}

// fakeAnswerer answers with ask (or psakiAnswer) and counts questions.
// FollowUp joins the earlier question's text and the follow-up's with
// " | " and takes the follow-up's filters; More returns two new quotes
// each time, or none with none set.
type fakeAnswerer struct {
	ask   func(ctx context.Context, q answer.Question) (answer.Answer, error)
	none  bool // More finds nothing
	calls atomic.Int32
	mu    sync.Mutex
	asked []string
	qs    []answer.Question // every question asked, More's too
	prevs []answer.Question // FollowUp's earlier questions
	shown [][]answer.Span   // More's shown quotes
}

func (f *fakeAnswerer) Ask(ctx context.Context, q answer.Question) (answer.Answer, error) {
	f.calls.Add(1)
	f.mu.Lock()
	f.asked = append(f.asked, q.Text)
	f.qs = append(f.qs, q)
	f.mu.Unlock()
	if f.ask == nil {
		return psakiAnswer(q), nil
	}
	return f.ask(ctx, q)
}

func (f *fakeAnswerer) FollowUp(prev answer.Question, text string) (answer.Question, error) {
	nq, err := answer.ParseQuestion(text)
	if err != nil {
		return answer.Question{}, err
	}
	f.mu.Lock()
	f.prevs = append(f.prevs, prev)
	f.mu.Unlock()
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

func (f *fakeAnswerer) More(ctx context.Context, q answer.Question, shown []answer.Span) (answer.Answer, error) {
	f.mu.Lock()
	f.qs = append(f.qs, q)
	f.shown = append(f.shown, shown)
	none := f.none
	f.mu.Unlock()
	if f.ask != nil {
		if _, err := f.ask(ctx, q); err != nil {
			return answer.Answer{}, err
		}
	}
	a := psakiAnswer(q)
	if none {
		a.Quotes, a.NoAnswer = nil, true
		return a, nil
	}
	for i := range a.Quotes {
		a.Quotes[i].DocID = fmt.Sprintf("more-%d", len(shown)+i)
		a.Quotes[i].Text = fmt.Sprintf("Further quote %d.", len(shown)+i)
	}
	a.Confidence = 0.3
	return a, nil
}

// followedUp returns the earlier questions FollowUp was given.
func (f *fakeAnswerer) followedUp() []answer.Question {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]answer.Question(nil), f.prevs...)
}

// questions returns every question asked, More's included.
func (f *fakeAnswerer) questions() []answer.Question {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]answer.Question(nil), f.qs...)
}

var briefingDate = time.Date(2022, time.February, 15, 0, 0, 0, 0, time.UTC)

const psakiQuote = "The President has been clear that he will not send U.S. troops to fight in Ukraine."

func psakiAnswer(q answer.Question) answer.Answer {
	return answer.Answer{
		Question: q,
		Quotes: []answer.Quote{{
			Text:    psakiQuote,
			Speaker: "MS. PSAKI",
			DocID:   "2022-02-15-press-briefing",
			Start:   100,
			End:     184,
			Title:   "Press Briefing by Press Secretary Jen Psaki, February 15, 2022",
			Source:  "whitehouse.gov",
			Kind:    "press-briefings",
			Date:    briefingDate,
			URL:     "https://www.whitehouse.gov/briefing-room/press-briefings/2022/02/15/press-briefing-by-press-secretary-jen-psaki-february-15-2022/",
			Score:   12.5,
		}, {
			Text:    "We're going to continue to provide defensive security assistance, and that includes, of course, what we have already provided & more.",
			Speaker: "MS. PSAKI",
			DocID:   "2022-02-15-press-briefing",
			Start:   200,
			End:     334,
			Title:   "Press Briefing by Press Secretary Jen Psaki, February 15, 2022",
			Source:  "whitehouse.gov",
			Date:    briefingDate,
			URL:     "https://www.whitehouse.gov/briefing-room/press-briefings/2022/02/15/press-briefing-by-press-secretary-jen-psaki-february-15-2022/",
			Score:   9.1,
		}},
		Confidence: 0.82,
	}
}

func testLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// startBot runs a bot against f. stop cancels Run and waits for it; it is
// also called at cleanup.
func startBot(t *testing.T, f *fakeSlack, cfg Config, ans answerer) (b *Bot, stop func()) {
	t.Helper()
	return startBotLogging(t, f, cfg, ans, testLogger())
}

// startBotLogging is startBot with the bot's log going to logger.
func startBotLogging(t *testing.T, f *fakeSlack, cfg Config, ans answerer, logger *slog.Logger) (b *Bot, stop func()) {
	t.Helper()
	cfg.BotToken = "xoxb-test"
	cfg.APIURL = f.srv.URL + "/api/"
	b, err := New(cfg, ans, logger)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	// Questions sent before auth.test returns would wait in the queue and,
	// if the test stopped the bot first, be dropped.
	for deadline := time.Now().Add(10 * time.Second); !b.Stats().Up; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the bot did not come up within 10s")
		}
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run = %v, want nil", err)
				}
			case <-time.After(10 * time.Second):
				t.Errorf("Run did not return after cancel")
			}
		})
	}
	t.Cleanup(stop)
	return b, stop
}

// waitClosed waits for ch to be closed by a websocket script.
func waitClosed(t *testing.T, ch chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("script did not finish")
	}
}

func eventsEnvelope(envelopeID string, retry int, eventID string, event map[string]any) map[string]any {
	return map[string]any{
		"type":                     "events_api",
		"envelope_id":              envelopeID,
		"retry_attempt":            retry,
		"accepts_response_payload": false,
		"payload": map[string]any{
			"type":       "event_callback",
			"token":      "unused",
			"team_id":    "T1",
			"api_app_id": "A1",
			"event_id":   eventID,
			"event_time": 1700000000,
			"event":      event,
		},
	}
}

func mentionEvent(user, text, ts string) map[string]any {
	return map[string]any{"type": "app_mention", "user": user, "text": text, "ts": ts, "channel": "C1", "event_ts": ts}
}

func dmEvent(user, text, ts string) map[string]any {
	return map[string]any{"type": "message", "channel": "D1", "channel_type": "im", "user": user, "text": text, "ts": ts, "event_ts": ts}
}

// threadEvent is a message in channel C1's thread under thread.
func threadEvent(user, text, ts, thread string) map[string]any {
	return map[string]any{"type": "message", "channel": "C1", "channel_type": "channel", "user": user, "text": text, "ts": ts, "thread_ts": thread, "event_ts": ts}
}

// clickEnvelope is a click on the button of action under a message: in
// channel's thread (thread "" for none), or, ephemeral, through response.
func clickEnvelope(envelopeID, trigger string, action conversation.Action, value, channel, thread, messageTS string, ephemeral bool, responseURL string) map[string]any {
	msg := map[string]any{"type": "message", "ts": messageTS}
	if thread != "" {
		msg["thread_ts"] = thread
	}
	payload := map[string]any{
		"type": "block_actions", "trigger_id": trigger,
		"user":         map[string]any{"id": "U1"},
		"channel":      map[string]any{"id": channel},
		"container":    map[string]any{"type": "message", "channel_id": channel, "message_ts": messageTS, "is_ephemeral": ephemeral},
		"response_url": responseURL,
		"actions": []map[string]any{{
			"type": "button", "action_id": actionID(action), "block_id": blockActions,
			"value": value, "action_ts": trigger + ".1",
		}},
	}
	if !ephemeral {
		payload["message"] = msg
	}
	return map[string]any{"type": "interactive", "envelope_id": envelopeID, "payload": payload}
}
