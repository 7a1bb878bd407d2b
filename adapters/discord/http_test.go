package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/answer"
	"github.com/bwmarrin/discordgo"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// httpBot serves a Bot's interactions endpoint on a local server and
// returns a function that posts signed requests to it.
type httpBot struct {
	t    *testing.T
	priv ed25519.PrivateKey
	url  string
	fd   *fakeDiscord
	bot  *Bot
}

func newHTTPBot(t *testing.T, cfg Config, ans answerer) *httpBot {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	fd := newFakeDiscord(t)
	cfg.PublicKey = hex.EncodeToString(pub)
	cfg.APIURL = fd.srv.URL
	cfg.Clock = func() time.Time { return testNow }
	b, err := New(cfg, ans, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	b.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	// Run in HTTP-only mode waits for ctx, then for in-flight answers.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	})
	return &httpBot{t: t, priv: priv, url: srv.URL + InteractionsPath, fd: fd, bot: b}
}

// post sends body signed at ts with key (nil: the right key).
func (h *httpBot) post(body []byte, ts time.Time, key ed25519.PrivateKey) (int, []byte) {
	h.t.Helper()
	if key == nil {
		key = h.priv
	}
	stamp := strconv.FormatInt(ts.Unix(), 10)
	sig := ed25519.Sign(key, append([]byte(stamp), body...))
	req, _ := http.NewRequest("POST", h.url, bytes.NewReader(body))
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	req.Header.Set("X-Signature-Timestamp", stamp)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func TestHTTPPing(t *testing.T) {
	t.Parallel()
	h := newHTTPBot(t, Config{}, quoteAnswerer())
	code, body := h.post([]byte(`{"id":"1","application_id":"42","type":1,"token":"t","version":1}`), testNow, nil)
	if code != 200 || strings.TrimSpace(string(body)) != `{"type":1}` {
		t.Errorf("PING = %d %s, want 200 {\"type\":1}", code, body)
	}
}

func TestHTTPAsk(t *testing.T) {
	t.Parallel()
	h := newHTTPBot(t, Config{}, quoteAnswerer())
	code, body := h.post(mustJSON(askInteraction("700", "Will the US send troops?")), testNow, nil)
	if code != 200 {
		t.Fatalf("ask = %d %s, want 200", code, body)
	}
	m := decode(t, body)
	if m.Type != 4 || len(m.Data.Embeds) != 1 || !strings.Contains(string(m.Data.Embeds[0]), testQuote.Text) {
		t.Errorf("ask response = %s, want type 4 with the quote", body)
	}
	if !strings.Contains(string(m.Data.AllowedMentions), `"parse":[]`) {
		t.Errorf("allowed_mentions = %s, want empty parse", m.Data.AllowedMentions)
	}
	// Redelivered: not answered a second time.
	if code, _ := h.post(mustJSON(askInteraction("700", "Will the US send troops?")), testNow, nil); code != http.StatusConflict {
		t.Errorf("duplicate interaction = %d, want 409", code)
	}
}

func TestHTTPRejects(t *testing.T) {
	t.Parallel()
	h := newHTTPBot(t, Config{MaxBodyBytes: 4096}, quoteAnswerer())
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	ping := []byte(`{"id":"1","application_id":"42","type":1,"token":"t","version":1}`)
	big := mustJSON(askInteraction("701", strings.Repeat("troops ", 1000)))
	tests := []struct {
		name string
		body []byte
		ts   time.Time
		key  ed25519.PrivateKey
	}{
		{"wrong key", ping, testNow, otherKey},
		{"stale timestamp", ping, testNow.Add(-6 * time.Minute), nil},
		{"future timestamp", ping, testNow.Add(6 * time.Minute), nil},
		{"oversized body", big, testNow, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, body := h.post(tt.body, tt.ts, tt.key); code != http.StatusUnauthorized {
				t.Errorf("post = %d %s, want 401", code, body)
			}
		})
	}
	t.Run("tampered body", func(t *testing.T) {
		stamp := strconv.FormatInt(testNow.Unix(), 10)
		sig := ed25519.Sign(h.priv, append([]byte(stamp), ping...))
		req, _ := http.NewRequest("POST", h.url, strings.NewReader(strings.Replace(string(ping), `"t"`, `"x"`, 1)))
		req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
		req.Header.Set("X-Signature-Timestamp", stamp)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("tampered = %d, want 401", resp.StatusCode)
		}
	})
	t.Run("no signature", func(t *testing.T) {
		resp, err := http.Post(h.url, "application/json", bytes.NewReader(ping))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("unsigned = %d, want 401", resp.StatusCode)
		}
	})
}

func TestHTTPDeferred(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	slow := fakeAnswerer{ask: func(ctx context.Context, q answer.Question) (answer.Answer, error) {
		<-release
		return answer.Answer{Question: q, Quotes: []answer.Quote{testQuote}}, nil
	}}
	h := newHTTPBot(t, Config{DeferAfter: 10 * time.Millisecond}, slow)
	code, body := h.post(mustJSON(askInteraction("702", "troops?")), testNow, nil)
	if m := decode(t, body); code != 200 || m.Type != 5 {
		t.Fatalf("slow ask = %d %s, want 200 type 5", code, body)
	}
	close(release)
	edit := decode(t, h.fd.waitRequest("PATCH", "/api/v9/webhooks/42/tok-702/messages/@original").Body)
	if len(edit.Embeds) != 1 || !strings.Contains(string(edit.Embeds[0]), testQuote.Text) {
		t.Errorf("edit embeds = %s, want the quote", edit.Embeds)
	}
}

func TestHTTPDigest(t *testing.T) {
	t.Parallel()
	dig := &fakeDigester{d: answer.Digest{Stories: []answer.Story{{Title: "Briefing", URL: "https://example.gov/b", Sentences: []answer.Quote{testQuote}}}}}
	opt := func(name, value string) map[string]any {
		return map[string]any{"name": name, "type": 3, "value": value}
	}
	manager := func(in map[string]any) map[string]any {
		in["member"].(map[string]any)["permissions"] = "16" // MANAGE_CHANNELS
		return in
	}
	tests := []struct {
		name      string
		digests   digester
		in        map[string]any
		want      string // in the response
		wantCalls string
	}{
		{"not configured", nil, interaction("800", "digest"), noDigestsText, ""},
		{"latest", dig, interaction("801", "digest"), "Briefing digest", "now discord:300"},
		{"subscribe needs permission", dig, interaction("802", "digest", opt("action", "subscribe")), managePermission, ""},
		{"subscribe", dig, manager(interaction("803", "digest", opt("action", "subscribe"), opt("tz", "Europe/Berlin"))), "Subscribed", "subscribe discord:300 Europe/Berlin"},
		{"bad tz", dig, manager(interaction("804", "digest", opt("action", "subscribe"), opt("tz", "Mars/Olympus"))), "not a time zone", ""},
		{"unsubscribe", dig, manager(interaction("805", "digest", opt("action", "unsubscribe"))), "Unsubscribed", "unsubscribe discord:300"},
		{"help", nil, interaction("806", "help"), "/ask question:", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dig.mu.Lock()
			dig.calls = nil
			dig.mu.Unlock()
			h := newHTTPBot(t, Config{Digests: tt.digests}, quoteAnswerer())
			code, body := h.post(mustJSON(tt.in), testNow, nil)
			if code != 200 || !strings.Contains(string(body), tt.want) {
				t.Errorf("response = %d %s, want 200 containing %q", code, body, tt.want)
			}
			dig.mu.Lock()
			calls := strings.Join(dig.calls, ";")
			dig.mu.Unlock()
			if calls != tt.wantCalls {
				t.Errorf("digester calls = %q, want %q", calls, tt.wantCalls)
			}
		})
	}
}

func TestHTTPUserErrors(t *testing.T) {
	t.Parallel()
	failing := fakeAnswerer{ask: func(context.Context, answer.Question) (answer.Answer, error) {
		return answer.Answer{}, io.ErrUnexpectedEOF
	}}
	h := newHTTPBot(t, Config{}, failing)
	tests := []struct{ name, question, want, notWant string }{
		{"engine error hidden", "troops?", sorryText, "unexpected EOF"},
		{"bad filter explained", "troops since:@everyone", "is not a date", "@everyone"},
		{"only filters", "since:2022-01-01", "Ask a question", ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, body := h.post(mustJSON(askInteraction(strconv.Itoa(900+i), tt.question)), testNow, nil)
			var m sentMessage
			json.Unmarshal(body, &m)
			if !strings.Contains(m.Data.Content, tt.want) {
				t.Errorf("content = %q, want %q", m.Data.Content, tt.want)
			}
			if tt.notWant != "" && strings.Contains(m.Data.Content, tt.notWant) {
				t.Errorf("content = %q, must not contain %q", m.Data.Content, tt.notWant)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"nothing", Config{}, "bot token"},
		{"token without app", Config{BotToken: "secret-token"}, "application ID"},
		{"bad key", Config{PublicKey: "zz"}, "public key"},
		{"bad api url", Config{PublicKey: strings.Repeat("ab", 32), APIURL: "ftp://x"}, "API URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg, quoteAnswerer(), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New = %v, want error about %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "secret-token") {
				t.Errorf("error %q leaks the token", err)
			}
		})
	}
}

// The limits hold in the JSON actually sent, not only in the renderer.
func TestHTTPOversizedAnswerOnTheWire(t *testing.T) {
	t.Parallel()
	big := fakeAnswerer{ask: func(_ context.Context, q answer.Question) (answer.Answer, error) {
		var quotes []answer.Quote
		for i := range 12 {
			qt := testQuote
			qt.Text = strconv.Itoa(i) + " " + strings.Repeat("@everyone the allies stand together. ", 150)
			quotes = append(quotes, qt)
		}
		return answer.Answer{Question: q, Quotes: quotes, Confidence: 0.9}, nil
	}}
	h := newHTTPBot(t, Config{}, big)
	code, body := h.post(mustJSON(askInteraction("710", "allies?")), testNow, nil)
	if code != 200 {
		t.Fatalf("ask = %d", code)
	}
	var resp struct {
		Data struct {
			Content string                    `json:"content"`
			Embeds  []*discordgo.MessageEmbed `json:"embeds"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	checkLimits(t, reply{Content: resp.Data.Content, Embeds: resp.Data.Embeds})
	if !strings.Contains(string(body), `"allowed_mentions":{"parse":[]`) {
		t.Errorf("response lacks an empty allowed_mentions parse list")
	}
}
