package slack

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/briefbot/briefbot/redact"
)

func TestLogsRedactSecrets(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(redact.Handler(slog.NewTextHandler(&buf, nil), redactString)).With("token", "xoxb-123-456-abcdef")
	err := errors.New(`Post "https://hooks.slack.com/commands/T0/123/SECRETPART": dial tcp: timeout`)
	proxy := errors.New(`Post "https://admin:PROXYPASS@proxy.example/api/chat.postMessage?sig=SIGPART": EOF`)
	log.Error("share failed", "err", err, "app", "xapp-1-A0-99-zzz", slog.Group("g", "url", "https://hooks.slack.com/services/T0/B0/XYZ"), "proxy", proxy)
	out := buf.String()
	for _, secret := range []string{"SECRETPART", "abcdef", "xapp-1-A0", "XYZ", "PROXYPASS", "SIGPART"} {
		if strings.Contains(out, secret) {
			t.Errorf("log line holds %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, "hooks.slack.com/commands/[redacted]") || !strings.Contains(out, "share failed") ||
		!strings.Contains(out, "proxy.example/api/chat.postMessage") {
		t.Errorf("log line lost its useful part: %s", out)
	}
}

// TestNewErrorRedactsAPIURL: a password in SLACK_API_URL never reaches an
// error message, nor the log of a failing call.
func TestNewErrorRedactsAPIURL(t *testing.T) {
	_, err := New(Config{BotToken: "xoxb-1", AppToken: "xapp-1", APIURL: "ftp://admin:hunter2@proxy.example/?key=k3y"}, &fakeAnswerer{}, nil)
	if err == nil || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "k3y") {
		t.Errorf("New = %v, want an error without the password and the key", err)
	}

	// net/http masks the password in its errors, not the user or the query.
	var buf bytes.Buffer
	b, err := New(Config{BotToken: "xoxb-1", SigningSecret: "s", APIURL: "http://admin:hunter2@127.0.0.1:1/api/?key=k3y"},
		&fakeAnswerer{}, slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	err = b.PostDigest(t.Context(), "C1", sampleDigest())
	if err == nil {
		t.Fatal("PostDigest to a closed port succeeded")
	}
	for _, secret := range []string{"admin", "hunter2", "k3y"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("PostDigest = %v, holds %s", err, secret)
		}
	}
	if err := b.Run(t.Context()); err == nil || strings.Contains(err.Error(), "k3y") {
		t.Errorf("Run = %v, want an auth.test error without the key", err)
	}
	b.log.Error("digest failed", "err", errors.New(`Post "http://admin:***@127.0.0.1:1/api/?key=k3y/chat.postMessage": refused`))
	if strings.Contains(buf.String(), "k3y") || strings.Contains(buf.String(), "admin") || !strings.Contains(buf.String(), "digest failed") {
		t.Errorf("log = %s, want the failure without the user and the key", buf.String())
	}
}
