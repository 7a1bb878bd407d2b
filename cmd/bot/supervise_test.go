package main

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
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestServeDiscordDownSlackAnswers: Discord's gateway refuses every
// connection. serve keeps running: Slack (HTTP mode, against a fake Web
// API) answers a mention, /healthz shows Discord retrying with a backoff
// and Slack up, and no warning echoes the token in a FEEDS URL.
func TestServeDiscordDownSlackAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole bot")
	}
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"

	// Slack's Web API: auth.test and chat.postMessage.
	var mu sync.Mutex
	var posts []string
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/auth.test":
			io.WriteString(w, `{"ok":true,"team":"Test","user_id":"UBOT","bot_id":"BBOT"}`)
		case "/api/chat.postMessage":
			r.ParseForm()
			mu.Lock()
			posts = append(posts, r.PostForm.Get("channel")+" "+r.PostForm.Get("blocks"))
			mu.Unlock()
			io.WriteString(w, `{"ok":true,"channel":"C1","ts":"1.1"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer slackAPI.Close()

	// Discord: commands register, GET /gateway works, the gateway refuses.
	var dials atomic.Int32
	var discordAPI *httptest.Server
	discordAPI = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "PUT" && strings.HasSuffix(r.URL.Path, "/commands"):
			io.WriteString(w, "[]")
		case r.URL.Path == "/api/v9/gateway":
			fmt.Fprintf(w, `{"url":"ws%s/gateway-ws"}`, strings.TrimPrefix(discordAPI.URL, "http"))
		case strings.HasPrefix(r.URL.Path, "/gateway-ws"):
			dials.Add(1)
			http.Error(w, "gateway unavailable", http.StatusServiceUnavailable)
		default:
			http.NotFound(w, r)
		}
	}))
	defer discordAPI.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	corpusDir := t.TempDir()
	doc := "---\ntitle: \"Harbor statement\"\ndate: '2024-05-01'\nsource_url: https://example.gov/harbor\n---\n\nThe harbor reopened to shipping on Tuesday after repairs.\n"
	if err := os.WriteFile(filepath.Join(corpusDir, "harbor.md"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"DATA_DIR":             t.TempDir(),
		"CORPUS_DIR":           corpusDir,
		"HTTP_ADDR":            addr,
		"SLACK_BOT_TOKEN":      "xoxb-test",
		"SLACK_SIGNING_SECRET": secret,
		"SLACK_API_URL":        slackAPI.URL + "/api/",
		"DISCORD_BOT_TOKEN":    "discord-token",
		"DISCORD_APP_ID":       "42",
		"DISCORD_API_URL":      discordAPI.URL,
		// Loopback is refused to feeds: a warning on every poll.
		"FEEDS": "http://127.0.0.1:1/feed.xml?token=hunter2",
	}
	var stderr syncBuffer
	m := &Main{getenv: mapEnv(env), stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, now: time.Now,
		restart: backoff{First: 20 * time.Millisecond, Max: 200 * time.Millisecond}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, m, nil) }()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve = %v after cancel, want nil", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop after cancel")
		}
	}()

	// /healthz: Slack up, Discord retrying after more than one failure.
	var report healthReport
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("/healthz = %+v, want slack up and discord retrying\nlog:\n%s", report, stderr.String())
		}
		select {
		case err := <-done:
			t.Fatalf("serve returned %v with Discord down\nlog:\n%s", err, stderr.String())
		default:
		}
		resp, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			continue
		}
		report = healthReport{}
		err = json.NewDecoder(resp.Body).Decode(&report)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET /healthz = %d, %v", resp.StatusCode, err)
		}
		d := report.Platforms["discord"]
		if report.Platforms["slack"].State == "up" && d.State == "retrying" && d.Failures >= 2 {
			break
		}
	}
	d := report.Platforms["discord"]
	if report.Status != "degraded" || d.RetryAt == nil || !strings.Contains(d.LastError, "gateway") {
		t.Errorf("/healthz = %+v, want degraded, with Discord's next try and its gateway error", report)
	}

	// Slack answers a signed mention.
	body := []byte(`{"type":"event_callback","team_id":"T1","api_app_id":"A1","event_id":"Ev1","event_time":1700000000,` +
		`"event":{"type":"app_mention","user":"U1","text":"<@UBOT> When did the harbor reopen to shipping?","ts":"1.0","channel":"C1","event_ts":"1.0"}}`)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	signSlack(req, secret, body, time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST /slack/events = %d", resp.StatusCode)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		got := strings.Join(posts, "\n")
		mu.Unlock()
		if strings.Contains(got, "reopened to shipping") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Slack got %q, want the harbor answer\nlog:\n%s", got, stderr.String())
		}
	}
	if n := dials.Load(); n < 2 {
		t.Errorf("the gateway was dialled %d times, want retries", n)
	}
	// Wait for the first feed warning, then check nothing leaks.
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(stderr.String(), "feed problem"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no feed warning\nlog:\n%s", stderr.String())
		}
	}
	log := stderr.String()
	if strings.Contains(log, "hunter2") || !strings.Contains(log, "token=REDACTED") {
		t.Errorf("the log shows the feed's token, or not the redacted URL:\n%s", log)
	}
	if !strings.Contains(log, "platform failed; the others keep running") {
		t.Errorf("no warning about Discord:\n%s", log)
	}
}

// signSlack signs body the way Slack does.
func signSlack(req *http.Request, secret string, body []byte, ts time.Time) {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", stamp, body)
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
}

// TestSupervisorBacksOff: a platform that fails is started again after
// waits that double up to the cap, and its health says so; a working one
// is up; cancelling stops both.
func TestSupervisorBacksOff(t *testing.T) {
	var mu sync.Mutex
	var starts []time.Time
	up := atomic.Bool{}
	failing := &supervisor{
		name: "discord",
		run: func(ctx context.Context) error {
			mu.Lock()
			starts = append(starts, time.Now())
			mu.Unlock()
			return errors.New(`discord: open gateway: dial "wss://u:pw@gw.example/?token=s3cret": refused`)
		},
		stats:   func() platformStats { return platformStats{Dropped: 1} },
		log:     slog.New(slog.DiscardHandler),
		now:     time.Now,
		backoff: backoff{First: 10 * time.Millisecond, Max: 40 * time.Millisecond},
	}
	working := &supervisor{
		name:  "slack",
		run:   func(ctx context.Context) error { up.Store(true); <-ctx.Done(); up.Store(false); return nil },
		stats: func() platformStats { return platformStats{Up: up.Load(), Answered: 3} },
		log:   slog.New(slog.DiscardHandler), now: time.Now, backoff: failing.backoff,
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { failing.Run(ctx) })
	wg.Go(func() { working.Run(ctx) })
	var r healthReport
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		n := len(starts)
		mu.Unlock()
		// Between a start and its failure the state is "starting".
		r = healthOf([]*supervisor{failing, working})
		if n >= 6 && r.Platforms["discord"].State == "retrying" && r.Platforms["slack"].State == "up" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d starts in 10 s; health %+v", n, r)
		}
	}
	cancel()
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	// Waits: 10, 20, 40, 40, 40 ms (timers wait at least that long).
	for i, want := range []time.Duration{10, 20, 40, 40, 40} {
		if got := starts[i+1].Sub(starts[i]); got < want*time.Millisecond {
			t.Errorf("wait %d = %v, want at least %v ms", i+1, got, want)
		}
	}
	d, s := r.Platforms["discord"], r.Platforms["slack"]
	if r.Status != "degraded" || d.State != "retrying" || d.Failures < 6 || d.Dropped != 1 || d.RetryAt == nil {
		t.Errorf("health = %+v, want degraded with discord retrying", r)
	}
	if strings.Contains(d.LastError, "s3cret") || strings.Contains(d.LastError, "pw@") || !strings.Contains(d.LastError, "open gateway") {
		t.Errorf("last error = %q, want it redacted", d.LastError)
	}
	if s.State != "up" || s.Answered != 3 {
		t.Errorf("slack health = %+v, want up with 3 answered", s)
	}
	if h := failing.health(); h.State != "stopped" {
		t.Errorf("after cancel, state = %q, want stopped", h.State)
	}
}
