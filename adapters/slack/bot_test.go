package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefbot/briefbot/answer"
)

func TestMentionAnsweredOnceInThread(t *testing.T) {
	f := newFakeSlack(t)
	ready := make(chan struct{})
	const ts = "1700000000.000100"
	ev := mentionEvent("U1", "<@UBOT> will the US send troops to Ukraine?", ts)
	f.script = func(c *wsConn, n int) {
		switch n {
		case 0:
			c.send(eventsEnvelope("env-1", 0, "Ev1", ev))
			c.waitAck("env-1")
			c.send(eventsEnvelope("env-2", 1, "Ev1", ev)) // Slack's retry
			c.waitAck("env-2")
			c.drop()
		case 1: // after the reconnect
			c.send(eventsEnvelope("env-3", 2, "Ev1", ev))
			c.waitAck("env-3")
			c.send(eventsEnvelope("env-4", 0, "Ev2", map[string]any{"type": "some_future_event", "ts": ts}))
			c.waitAck("env-4")
			c.send(map[string]any{"type": "some_future_envelope", "envelope_id": "env-5"})
			c.waitAck("env-5")
			close(ready)
		}
	}
	ans := &fakeAnswerer{}
	_, stop := startBot(t, f, Config{AppToken: "xapp-test", Workers: 2}, ans)
	waitClosed(t, ready)
	stop()

	posts := f.recorded("")
	if len(posts) != 1 {
		t.Fatalf("got %d posts, want 1: %+v", len(posts), posts)
	}
	p := posts[0]
	if p.Method != "chat.postMessage" || p.Channel != "C1" || p.ThreadTS != ts {
		t.Errorf("post = %s to %s thread %q, want chat.postMessage to C1 thread %q", p.Method, p.Channel, p.ThreadTS, ts)
	}
	for _, want := range []string{psakiQuote, "MS. PSAKI", "<https://www.whitehouse.gov/briefing-room/press-briefings/2022/02/15/", "|Press Briefing by Press Secretary Jen Psaki, February 15, 2022>", "Feb 15, 2022"} {
		if !strings.Contains(p.Blocks, want) {
			t.Errorf("blocks lack %q:\n%s", want, p.Blocks)
		}
	}
	if p.Text == "" {
		t.Error("no fallback text")
	}
	if got := ans.calls.Load(); got != 1 {
		t.Errorf("engine asked %d times, want 1", got)
	}
	if len(ans.asked) == 1 && ans.asked[0] != "will the US send troops to Ukraine?" {
		t.Errorf("question = %q, want the mention stripped", ans.asked[0])
	}
	if f.opens < 2 {
		t.Errorf("apps.connections.open called %d times, want a reconnect", f.opens)
	}
}

func TestDMSlashCommandAndShare(t *testing.T) {
	f := newFakeSlack(t)
	ready := make(chan struct{})
	slash := map[string]any{
		"type": "slash_commands", "envelope_id": "env-s1",
		"payload": map[string]any{
			"command": "/brief", "text": "troops ukraine since:2022-01-01", "user_id": "U3", "channel_id": "C2",
			"response_url": f.srv.URL + "/response/slash", "trigger_id": "trig-1", "team_id": "T1",
		},
	}
	slashAgain := map[string]any{"type": "slash_commands", "envelope_id": "env-s2", "payload": slash["payload"]}
	click := map[string]any{
		"type": "interactive", "envelope_id": "env-i1",
		"payload": map[string]any{
			"type": "block_actions", "trigger_id": "trig-2",
			"user":         map[string]any{"id": "U3"},
			"channel":      map[string]any{"id": "C2"},
			"container":    map[string]any{"type": "message", "channel_id": "C2", "is_ephemeral": true},
			"response_url": f.srv.URL + "/response/share",
			"actions": []map[string]any{{
				"type": "button", "action_id": actionShare, "block_id": "brief_share",
				"value": "troops ukraine since:2022-01-01", "action_ts": "1700000001.000200",
			}},
		},
	}
	f.script = func(c *wsConn, n int) {
		c.send(eventsEnvelope("env-d1", 0, "EvD1", dmEvent("U2", "what about troops?", "1700000000.000300")))
		c.waitAck("env-d1")
		c.send(slash)
		c.waitAck("env-s1")
		c.send(slashAgain)
		c.waitAck("env-s2")
		c.send(click)
		c.waitAck("env-i1")
		close(ready)
	}
	ans := &fakeAnswerer{}
	_, stop := startBot(t, f, Config{AppToken: "xapp-test"}, ans)
	waitClosed(t, ready)
	stop()

	var dm, public, private, deleted int
	for _, p := range f.recorded("") {
		switch {
		case p.Method == "chat.postMessage" && p.Channel == "D1":
			dm++
			if p.ThreadTS != "" {
				t.Errorf("DM reply threaded under %q, want a plain reply", p.ThreadTS)
			}
			if !strings.Contains(p.Blocks, psakiQuote) {
				t.Errorf("DM reply lacks the quote: %s", p.Blocks)
			}
		case p.Method == "chat.postMessage" && p.Channel == "C2":
			public++
			if !strings.Contains(p.Blocks, "<@U3> asked") || !strings.Contains(p.Blocks, psakiQuote) {
				t.Errorf("shared answer = %s, want the asker and the quote", p.Blocks)
			}
			if strings.Contains(p.Blocks, actionShare) {
				t.Error("shared answer still has the share button")
			}
		case p.Method == "response" && p.Path == "/response/slash":
			private++
			if p.ResponseType != "ephemeral" || !strings.Contains(p.Blocks, actionShare) || !strings.Contains(p.Blocks, psakiQuote) {
				t.Errorf("slash reply = %+v, want an ephemeral answer with a share button", p)
			}
		case p.Method == "response" && p.Path == "/response/share" && p.Delete:
			deleted++
		default:
			t.Errorf("unexpected post %+v", p)
		}
	}
	if dm != 1 || public != 1 || private != 1 || deleted != 1 {
		t.Errorf("DM replies %d, public shares %d, private answers %d, deletions %d; want 1 each", dm, public, private, deleted)
	}
}

func TestBotAndEditedMessagesIgnored(t *testing.T) {
	f := newFakeSlack(t)
	ready := make(chan struct{})
	bot := dmEvent("", "I am another bot", "1.1")
	bot["bot_id"], bot["subtype"] = "B999", "bot_message"
	self := dmEvent("UBOT", "my own answer", "1.2")
	self["bot_id"] = "BBOT"
	selfNoBotID := dmEvent("UBOT", "my own answer", "1.3")
	edited := dmEvent("U1", "", "1.4")
	edited["subtype"] = "message_changed"
	edited["message"] = map[string]any{"type": "message", "user": "U1", "text": "edited question?", "ts": "1.0"}
	deleted := dmEvent("", "", "1.5")
	deleted["subtype"], deleted["deleted_ts"] = "message_deleted", "1.0"
	botMention := mentionEvent("U9", "<@UBOT> hello", "1.6")
	botMention["bot_id"] = "B999"
	editedMention := mentionEvent("U1", "<@UBOT> edited?", "1.7")
	editedMention["edited"] = map[string]any{"user": "U1", "ts": "1.8"}
	channelMessage := dmEvent("U1", "a message in a channel", "1.9")
	channelMessage["channel_type"] = "channel"

	f.script = func(c *wsConn, n int) {
		for i, ev := range []map[string]any{bot, self, selfNoBotID, edited, deleted, botMention, editedMention, channelMessage} {
			id := fmt.Sprintf("env-%d", i)
			c.send(eventsEnvelope(id, 0, "Ev"+id, ev))
			c.waitAck(id)
		}
		c.send(eventsEnvelope("env-last", 0, "EvLast", dmEvent("U1", "a real question?", "2.0")))
		c.waitAck("env-last")
		close(ready)
	}
	ans := &fakeAnswerer{}
	_, stop := startBot(t, f, Config{AppToken: "xapp-test"}, ans)
	waitClosed(t, ready)
	stop()
	if got := ans.calls.Load(); got != 1 {
		t.Errorf("engine asked %d times (%q), want only the real question", got, ans.asked)
	}
	if posts := f.recorded(""); len(posts) != 1 {
		t.Errorf("got %d posts, want 1", len(posts))
	}
}

func TestEngineErrorIsNotShown(t *testing.T) {
	f := newFakeSlack(t)
	ready := make(chan struct{})
	f.script = func(c *wsConn, n int) {
		c.send(eventsEnvelope("env-1", 0, "Ev1", dmEvent("U1", "anything?", "1.0")))
		c.waitAck("env-1")
		close(ready)
	}
	ans := &fakeAnswerer{ask: func(ctx context.Context, q answer.Question) (answer.Answer, error) {
		return answer.Answer{}, errors.New("open index /var/secret/path: bolt timeout")
	}}
	_, stop := startBot(t, f, Config{AppToken: "xapp-test"}, ans)
	waitClosed(t, ready)
	stop()
	posts := f.recorded("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("got %d posts, want 1", len(posts))
	}
	if strings.Contains(posts[0].Blocks+posts[0].Text, "secret") || !strings.Contains(posts[0].Text, "Sorry") {
		t.Errorf("reply = %q, want the fixed friendly message", posts[0].Text)
	}
}

func TestUserRateLimit(t *testing.T) {
	f := newFakeSlack(t)
	ready := make(chan struct{})
	f.script = func(c *wsConn, n int) {
		for i := range 4 {
			id := fmt.Sprintf("env-%d", i)
			c.send(eventsEnvelope(id, 0, "Ev"+id, dmEvent("U1", "question?", fmt.Sprintf("1.%d", i))))
			c.waitAck(id)
		}
		close(ready)
	}
	ans := &fakeAnswerer{}
	_, stop := startBot(t, f, Config{AppToken: "xapp-test", UserLimit: 2}, ans)
	waitClosed(t, ready)
	stop()
	if got := ans.calls.Load(); got != 2 {
		t.Errorf("engine asked %d times, want 2", got)
	}
	var polite int
	for _, p := range f.recorded("") {
		if strings.Contains(p.Text, "faster than I can keep up") {
			polite++
		}
	}
	if polite != 1 {
		t.Errorf("%d rate-limit replies, want exactly 1", polite)
	}
}

func TestPostDigestRetriesRateLimit(t *testing.T) {
	f := newFakeSlack(t)
	f.limited = 1
	b, err := New(Config{BotToken: "xoxb-test", SigningSecret: "s", APIURL: f.srv.URL + "/api/"}, &fakeAnswerer{}, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.PostDigest(context.Background(), "C9", sampleDigest()); err != nil {
		t.Fatalf("PostDigest = %v, want nil after a retry", err)
	}
	posts := f.recorded("chat.postMessage")
	if f.attempts != 2 || len(posts) != 1 || posts[0].Channel != "C9" {
		t.Errorf("attempts %d, posts %+v; want 2 attempts and one post to C9", f.attempts, posts)
	}

	f.limited = 10 // more than MaxRetries
	b.cfg.MaxRetryWait = 10 * time.Millisecond
	err = b.PostDigest(context.Background(), "C9", sampleDigest())
	if err == nil || !strings.Contains(err.Error(), "rate limit") {
		t.Errorf("PostDigest = %v, want a rate limit error after bounded retries", err)
	}
}

// sign signs body the way Slack does.
func sign(req *http.Request, secret string, body []byte, ts time.Time) {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", stamp, body)
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
}

func TestHTTPMode(t *testing.T) {
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	f := newFakeSlack(t)
	ans := &fakeAnswerer{}
	b, stop := startBot(t, f, Config{SigningSecret: secret}, ans)
	mux := http.NewServeMux()
	b.Register(mux)
	hs := httptest.NewServer(mux)
	defer hs.Close()

	event := func(id, ts string) []byte {
		env := eventsEnvelope("", 0, id, mentionEvent("U1", "<@UBOT> troops?", ts))
		js, _ := json.Marshal(env["payload"])
		return js
	}
	big := event("EvBig", "5.0")
	big = append(big[:len(big)-1], []byte(`,"pad":"`+strings.Repeat("x", 1<<20)+`"}`)...)
	slashForm := url.Values{"command": {"/brief"}, "text": {"troops?"}, "user_id": {"U2"}, "channel_id": {"C2"},
		"trigger_id": {"trig-h1"}, "response_url": {f.srv.URL + "/response/h1"}}.Encode()
	clickPayload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "trigger_id": "trig-h2", "user": map[string]any{"id": "U2"},
		"channel": map[string]any{"id": "C2"}, "response_url": f.srv.URL + "/response/h2",
		"actions": []map[string]any{{"type": "button", "action_id": actionShare, "block_id": "brief_share", "value": "troops?", "action_ts": "9.1"}},
	})
	now := time.Now()

	tests := []struct {
		name     string
		path     string
		body     []byte
		secret   string
		ts       time.Time
		unsigned bool
		want     int
		wantBody string
	}{
		{name: "url_verification", path: "/slack/events", body: []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`),
			want: 200, wantBody: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"},
		{name: "signed mention", path: "/slack/events", body: event("EvH1", "1.0"), want: 200},
		{name: "signed mention again", path: "/slack/events", body: event("EvH1", "1.0"), want: 200},
		{name: "wrong signature", path: "/slack/events", body: event("EvH2", "2.0"), secret: "not-the-secret", want: 401},
		{name: "stale timestamp", path: "/slack/events", body: event("EvH3", "3.0"), ts: now.Add(-10 * time.Minute), want: 401},
		{name: "future timestamp", path: "/slack/events", body: event("EvH4", "4.0"), ts: now.Add(10 * time.Minute), want: 401},
		{name: "unsigned", path: "/slack/events", body: event("EvH5", "4.5"), unsigned: true, want: 401},
		{name: "oversized body", path: "/slack/events", body: big, want: 401},
		{name: "unsigned command", path: "/slack/commands", body: []byte(slashForm), unsigned: true, want: 401},
		{name: "unsigned interaction", path: "/slack/interactions", body: []byte("payload=" + url.QueryEscape(string(clickPayload))), unsigned: true, want: 401},
		{name: "slash command", path: "/slack/commands", body: []byte(slashForm), want: 200},
		{name: "share click", path: "/slack/interactions", body: []byte("payload=" + url.QueryEscape(string(clickPayload))), want: 200},
		{name: "unknown event", path: "/slack/events", body: []byte(`{"type":"event_callback","event_id":"EvH9","event":{"type":"some_future_event"}}`), want: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, hs.URL+tt.path, strings.NewReader(string(tt.body)))
			if strings.HasSuffix(tt.path, "events") {
				req.Header.Set("Content-Type", "application/json")
			} else {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if !tt.unsigned {
				s, ts := secret, now
				if tt.secret != "" {
					s = tt.secret
				}
				if !tt.ts.IsZero() {
					ts = tt.ts
				}
				sign(req, s, tt.body, ts)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("POST %s = %d, want %d", tt.path, resp.StatusCode, tt.want)
			}
			if tt.wantBody != "" && string(body) != tt.wantBody {
				t.Errorf("body = %q, want %q", body, tt.wantBody)
			}
		})
	}
	stop()

	var mentions, slashReplies, shares int
	for _, p := range f.recorded("") {
		switch {
		case p.Method == "chat.postMessage" && p.Channel == "C1":
			mentions++
			if p.ThreadTS != "1.0" {
				t.Errorf("mention reply thread_ts = %q, want 1.0 (only the verified event)", p.ThreadTS)
			}
		case p.Method == "response" && p.Path == "/response/h1":
			slashReplies++
		case p.Method == "chat.postMessage" && p.Channel == "C2":
			shares++
		}
	}
	if mentions != 1 || slashReplies != 1 || shares != 1 {
		t.Errorf("mention replies %d, slash replies %d, shares %d; want 1 each", mentions, slashReplies, shares)
	}
}

func TestNewValidates(t *testing.T) {
	ans := &fakeAnswerer{}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no bot token", Config{AppToken: "xapp-1"}, "bot token is required"},
		{"user token", Config{BotToken: "xoxp-1", AppToken: "xapp-1"}, "must start with xoxb-"},
		{"bad app token", Config{BotToken: "xoxb-1", AppToken: "xoxb-2"}, "must start with xapp-"},
		{"no transport", Config{BotToken: "xoxb-1"}, "app token (Socket Mode) or a signing secret"},
		{"bad API URL", Config{BotToken: "xoxb-1", AppToken: "xapp-1", APIURL: "ftp://x"}, "not an http(s) URL"},
		{"negative workers", Config{BotToken: "xoxb-1", AppToken: "xapp-1", Workers: -1}, "must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg, ans, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New = %v, want an error containing %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "xoxb-1") {
				t.Errorf("error %q leaks a token", err)
			}
		})
	}
	if _, err := New(Config{BotToken: "xoxb-1", SigningSecret: "s"}, ans, nil); err != nil {
		t.Errorf("New(valid HTTP config) = %v", err)
	}
}

func TestDedupeWindowAndBound(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	d := newDedupe(clock, time.Hour, 3)
	if !d.first("a") || d.first("a") {
		t.Fatal("first(a) twice = true, true; want true, false")
	}
	now = now.Add(59 * time.Minute)
	if d.first("a") {
		t.Error("a forgotten before an hour")
	}
	now = now.Add(2 * time.Minute)
	if !d.first("a") {
		t.Error("a still remembered after an hour")
	}
	for _, k := range []string{"b", "c", "d", "e"} {
		d.first(k)
	}
	if len(d.seen) > 3 {
		t.Errorf("remembers %d keys, want at most 3", len(d.seen))
	}
	if !d.first("", "") {
		t.Error("empty keys count as seen")
	}
}

// TestSlashCommandsWithoutTriggerID: commands that carry no trigger_id are
// each answered once; they used to share one key, so only the first was.
func TestSlashCommandsWithoutTriggerID(t *testing.T) {
	t.Run("socket mode", func(t *testing.T) {
		f := newFakeSlack(t)
		ready := make(chan struct{})
		slash := func(envelope, text, response string) map[string]any {
			return map[string]any{"type": "slash_commands", "envelope_id": envelope, "payload": map[string]any{
				"command": "/brief", "text": text, "user_id": "U3", "channel_id": "C2", "team_id": "T1",
				"response_url": f.srv.URL + "/response/" + response,
			}}
		}
		f.script = func(c *wsConn, n int) {
			for _, m := range []map[string]any{slash("env-a", "troops?", "a"), slash("env-b", "troops?", "b"), slash("env-a", "troops?", "a")} {
				c.send(m)
				c.waitAck(m["envelope_id"].(string))
			}
			close(ready)
		}
		ans := &fakeAnswerer{}
		_, stop := startBot(t, f, Config{AppToken: "xapp-test"}, ans)
		waitClosed(t, ready)
		stop()
		var paths []string
		for _, p := range f.recorded("response") {
			paths = append(paths, p.Path)
		}
		if strings.Join(sortedCopy(paths), " ") != "/response/a /response/b" {
			t.Errorf("replies to %q, want one to each of /response/a and /response/b", paths)
		}
	})
	t.Run("HTTP", func(t *testing.T) {
		const secret = "8f742231b10e8888abcd99yyyzzz85a5"
		f := newFakeSlack(t)
		b, stop := startBot(t, f, Config{SigningSecret: secret}, &fakeAnswerer{})
		mux := http.NewServeMux()
		b.Register(mux)
		hs := httptest.NewServer(mux)
		defer hs.Close()
		now := time.Now()
		post := func(text, response string, ts time.Time) {
			t.Helper()
			body := url.Values{"command": {"/brief"}, "text": {text}, "user_id": {"U2"}, "channel_id": {"C2"}, "team_id": {"T1"},
				"response_url": {f.srv.URL + "/response/" + response}}.Encode()
			req, _ := http.NewRequest(http.MethodPost, hs.URL+"/slack/commands", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			sign(req, secret, []byte(body), ts)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("POST /slack/commands = %d", resp.StatusCode)
			}
		}
		post("troops?", "one", now)
		post("troops?", "one", now) // Slack's retry: the same signed request
		post("troops?", "two", now) // another person's command in the same second
		post("troops?", "three", now.Add(time.Second))
		stop()
		var paths []string
		for _, p := range f.recorded("response") {
			paths = append(paths, p.Path)
		}
		if strings.Join(sortedCopy(paths), " ") != "/response/one /response/three /response/two" {
			t.Errorf("replies to %q, want one to each of /response/one, /two and /three", paths)
		}
	})
}

// TestSlashCommandsSharedDedupe: replicas behind a load balancer share a
// Deduper. Slack's retry of a command reaching the other replica is not
// answered twice, while commands without a trigger_id, which share no key,
// are each answered: the shared store is given the keys a delivery has,
// never one made of a missing ID.
func TestSlashCommandsSharedDedupe(t *testing.T) {
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	f := newFakeSlack(t)
	shared := &fakeDeduper{seen: make(map[string]bool)}
	var replicas []*httptest.Server
	var stops []func()
	for range 2 {
		b, stop := startBot(t, f, Config{SigningSecret: secret, Dedupe: shared}, &fakeAnswerer{})
		mux := http.NewServeMux()
		b.Register(mux)
		hs := httptest.NewServer(mux)
		defer hs.Close()
		replicas, stops = append(replicas, hs), append(stops, stop)
	}
	now := time.Now()
	post := func(replica int, text, response string, ts time.Time) {
		t.Helper()
		body := url.Values{"command": {"/brief"}, "text": {text}, "user_id": {"U2"}, "channel_id": {"C2"}, "team_id": {"T1"},
			"response_url": {f.srv.URL + "/response/" + response}}.Encode()
		req, _ := http.NewRequest(http.MethodPost, replicas[replica].URL+"/slack/commands", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		sign(req, secret, []byte(body), ts)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST /slack/commands = %d", resp.StatusCode)
		}
	}
	post(0, "troops?", "one", now)
	post(1, "troops?", "one", now) // Slack's retry, to the other replica
	post(1, "troops?", "two", now) // another person's command in the same second
	post(0, "troops?", "three", now.Add(time.Second))
	for _, stop := range stops {
		stop()
	}
	var paths []string
	for _, p := range f.recorded("response") {
		paths = append(paths, p.Path)
	}
	if strings.Join(sortedCopy(paths), " ") != "/response/one /response/three /response/two" {
		t.Errorf("replies to %q, want one to each of /response/one, /two and /three", paths)
	}
	shared.mu.Lock()
	defer shared.mu.Unlock()
	for _, k := range shared.asked {
		// "" is no key (Deduper ignores it); "trigger:" would be one key
		// shared by every command without a trigger_id.
		if k != "" && (strings.HasSuffix(k, ":") || strings.Contains(k, "::")) {
			t.Errorf("shared Deduper asked with key %q, made of a missing ID", k)
		}
	}
	if len(shared.seen) != 3 {
		t.Errorf("shared Deduper recorded %d keys, want 3 (one per command): %v", len(shared.seen), shared.asked)
	}
}

// fakeDeduper is the shared store of several replicas, in memory.
type fakeDeduper struct {
	mu    sync.Mutex
	seen  map[string]bool
	asked []string // every key it was given, "" included
}

func (d *fakeDeduper) First(ctx context.Context, keys ...string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked = append(d.asked, keys...)
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

func TestDedupeKey(t *testing.T) {
	tests := []struct {
		kind string
		ids  []string
		want string
	}{
		{"trigger", []string{"123.456"}, "trigger:123.456"},
		{"trigger", []string{""}, ""},
		{"msg", []string{"C1", "1.0"}, "msg:C1:1.0"},
		{"msg", []string{"C1", ""}, ""},
	}
	for _, tt := range tests {
		if got := dedupeKey(tt.kind, tt.ids...); got != tt.want {
			t.Errorf("dedupeKey(%q, %q) = %q, want %q", tt.kind, tt.ids, got, tt.want)
		}
	}
	if requestKey("1", []byte("a")) == requestKey("1", []byte("b")) || requestKey("1", []byte("a")) == requestKey("2", []byte("a")) {
		t.Error("requestKey ignores the timestamp or the body")
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	slices.Sort(out)
	return out
}

// TestRunAgainAfterFailure: Run that cannot reach Slack returns an error
// and may be called again; a question that arrived meanwhile (over HTTP)
// is answered once it succeeds.
func TestRunAgainAfterFailure(t *testing.T) {
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	f := newFakeSlack(t)
	f.authFailures = 1
	b, err := New(Config{BotToken: "xoxb-test", SigningSecret: secret, APIURL: f.srv.URL + "/api/"}, &fakeAnswerer{}, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Run(t.Context()); err == nil {
		t.Fatal("Run with auth.test failing = nil, want an error")
	}
	if b.Stats().Up {
		t.Error("Stats().Up after a failed Run")
	}

	mux := http.NewServeMux()
	b.Register(mux)
	hs := httptest.NewServer(mux)
	defer hs.Close()
	body, _ := json.Marshal(eventsEnvelope("", 0, "EvR1", mentionEvent("U1", "<@UBOT> troops?", "7.0"))["payload"])
	req, _ := http.NewRequest(http.MethodPost, hs.URL+"/slack/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	sign(req, secret, body, time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	for deadline := time.Now().Add(10 * time.Second); len(f.recorded("chat.postMessage")) == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the question was not answered after the second Run")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("second Run = %v, want nil after cancel", err)
	}
	if st := b.Stats(); st.Answered != 1 {
		t.Errorf("Stats = %+v, want one answer", st)
	}
}
