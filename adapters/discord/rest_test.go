package discord

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/answer"
)

func restBot(t *testing.T, cfg Config) (*Bot, *fakeDiscord) {
	t.Helper()
	fd := newFakeDiscord(t)
	cfg.BotToken, cfg.AppID, cfg.APIURL = "test-token", "42", fd.srv.URL
	b, err := New(cfg, quoteAnswerer(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	return b, fd
}

func TestPostDigestNoPings(t *testing.T) {
	t.Parallel()
	b, fd := restBot(t, Config{})
	d := answer.Digest{Stories: []answer.Story{{
		Title: "Statement @everyone must read",
		URL:   "https://example.gov/s",
		Sentences: []answer.Quote{{
			Text: "Attention @everyone and @here: <@&123> is now responsible.", Speaker: "@everyone",
		}},
	}}}
	if err := b.PostDigest(context.Background(), "discord:300", d); err != nil {
		t.Fatal(err)
	}
	reqs := fd.requests("POST", "/api/v9/channels/300/messages")
	if len(reqs) != 1 {
		t.Fatalf("requests = %d, want 1", len(reqs))
	}
	body := string(reqs[0].Body)
	if !strings.Contains(body, `"allowed_mentions":{"parse":[]`) {
		t.Errorf("body %s lacks allowed_mentions with an empty parse list", body)
	}
	if strings.Contains(body, "@everyone") || strings.Contains(body, "@here") {
		t.Errorf("body %s contains an unbroken @everyone/@here", body)
	}
	if !strings.Contains(body, `@\u200beveryone`) && !strings.Contains(body, "@\u200beveryone") {
		t.Errorf("body %s: want @everyone broken with a zero-width space", body)
	}
}

func TestRateLimitRetryIsBounded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		limited   int
		wantCalls int
		wantErr   bool
	}{
		{"recovers", 2, 3, false},
		{"gives up", 100, 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// MaxRetryWait also bounds the hour-long X-RateLimit-Reset-After the
			// fake sends; unbounded, discordgo would sleep for it.
			b, fd := restBot(t, Config{MaxRetries: 2, MaxRetryWait: 20 * time.Millisecond})
			fd.mu.Lock()
			fd.rateLimit["/api/v9/channels/"] = tt.limited
			fd.mu.Unlock()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := b.PostDigest(ctx, "300", answer.Digest{})
			if (err != nil) != tt.wantErr {
				t.Errorf("PostDigest = %v, want error %v", err, tt.wantErr)
			}
			if n := len(fd.requests("POST", "/api/v9/channels/")); n != tt.wantCalls {
				t.Errorf("requests = %d, want %d", n, tt.wantCalls)
			}
		})
	}
}

func TestInteractionRateLimited(t *testing.T) {
	t.Parallel()
	fd, conn, stop := startGateway(t, Config{MaxRetryWait: 20 * time.Millisecond}, quoteAnswerer())
	fd.mu.Lock()
	fd.rateLimit["/api/v9/interactions/"] = 1
	fd.mu.Unlock()
	conn.send(0, "INTERACTION_CREATE", askInteraction("503", "troops?"))
	fd.waitRequest("POST", "/api/v9/interactions/503/") // the 429; the retry is in flight
	stop()
	if n := len(fd.requests("POST", "/api/v9/interactions/503/")); n != 2 {
		t.Errorf("callback attempts = %d, want 2 (one 429, one retry)", n)
	}
}

func TestRedactHidesInteractionTokens(t *testing.T) {
	t.Parallel()
	err := scrubErr(errors.New(`Post "http://127.0.0.1/api/v9/interactions/503/aW50ZXJhY3Rpb24/callback": EOF`))
	if strings.Contains(err.Error(), "aW50ZXJhY3Rpb24") {
		t.Errorf("scrubErr = %q, still holds the token", err)
	}
	err = scrubErr(errors.New(`Patch "https://discord.com/api/v9/webhooks/42/secret-token/messages/@original": timeout`))
	if strings.Contains(err.Error(), "secret-token") {
		t.Errorf("scrubErr = %q, still holds the token", err)
	}
}

// TestSecretsInURLsRedacted: a password or a query value in the API URL
// reaches neither New's error nor the log.
func TestSecretsInURLsRedacted(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"https://admin:hunter2@proxy.example/api", "https://proxy.example/api?key=hunter2", "ftp://admin:hunter2@proxy.example"} {
		_, err := New(Config{PublicKey: strings.Repeat("ab", 32), APIURL: u}, nopAnswerer{}, nil)
		if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "proxy.example") {
			t.Errorf("New(APIURL %s) = %v, want an error naming the host, not the secret", u, err)
		}
	}
	var buf strings.Builder
	b, err := New(Config{PublicKey: strings.Repeat("ab", 32)}, nopAnswerer{}, slog.New(slog.NewTextHandler(&buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	b.log.Warn("reconnect failed", "err", errors.New(`Get "https://u:***@gw.example/?token=hunter2": EOF`), "url", "https://webhooks.example/api/v9/webhooks/42/hunter2/messages")
	if strings.Contains(buf.String(), "hunter2") || !strings.Contains(buf.String(), "reconnect failed") {
		t.Errorf("log = %s, want the warning without the secret", buf.String())
	}
}

func TestParseAPIURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"https://proxy.example/discord/", "https://proxy.example/discord"},
		{"https://proxy.example/api/v9", "https://proxy.example"},
		{"https://proxy.example/x/api", "https://proxy.example/x"},
	}
	for _, tt := range tests {
		u, err := parseAPIURL(tt.in)
		if err != nil || u.String() != tt.want {
			t.Errorf("parseAPIURL(%q) = %v, %v, want %s", tt.in, u, err, tt.want)
		}
	}
	for _, bad := range []string{"", "discord.com", "ftp://x", "http://u:p@x", "http://x/?q=1"} {
		if _, err := parseAPIURL(bad); err == nil {
			t.Errorf("parseAPIURL(%q) = nil error, want one", bad)
		}
	}
}

func TestDedupe(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := newDedupe(time.Hour, 3, func() time.Time { return now })
	if !d.first("a") || d.first("a") {
		t.Fatal("first(a) twice = want true then false")
	}
	now = now.Add(59 * time.Minute)
	if d.first("a") {
		t.Error("first(a) after 59m = true, want false (TTL 1h)")
	}
	now = now.Add(2 * time.Minute)
	if !d.first("a") {
		t.Error("first(a) after 61m = false, want true")
	}
	for _, id := range []string{"b", "c", "d", "e"} {
		d.first(id)
	}
	if n := d.len(); n > 3 {
		t.Errorf("len = %d, want at most 3", n)
	}
}

// len reports how many IDs d remembers, for the memory-bound test.
func (d *dedupe) len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.seen)
}
