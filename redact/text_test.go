package redact

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://bot:s3cret@feeds.example/rss?token=abc", "https://REDACTED@feeds.example/rss?token=REDACTED"},
		{`DISCORD_API_URL "https://admin:hunter2@proxy.example/api": no user info allowed`,
			`DISCORD_API_URL "https://REDACTED@proxy.example/api": no user info allowed`},
		{`FEEDS entry 1: bad URL "reader:pw@feeds.example/rss": first path segment in URL cannot contain colon`,
			`FEEDS entry 1: bad URL "REDACTED@feeds.example/rss": first path segment in URL cannot contain colon`},
		{"admin:hunter2@proxy.example", "REDACTED@proxy.example"},
		{"dial tcp [::1]:8080: refused; mail bob@example.org at 12:30", "dial tcp [::1]:8080: refused; mail bob@example.org at 12:30"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func FuzzText(f *testing.F) {
	f.Add("https://bot:s3cret@feeds.example/rss?token=s3cret")
	f.Add(`bad URL "reader:s3cret@feeds.example/rss": invalid`)
	f.Add("x://@?#=:@")
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		if again := Text(got); again != got {
			t.Errorf("Text is not idempotent on %q: %q, then %q", s, got, again)
		}
		const secret = "s3cr3tv4lue"
		for _, tail := range []string{" https://h.example/?token=" + secret, " https://u:" + secret + "@h.example/", " bot:" + secret + "@h.example/rss"} {
			if out := Text(s + tail); strings.Contains(out, secret) {
				t.Errorf("Text(%q) = %q, keeps the secret", s+tail, out)
			}
		}
	})
}

func TestHandler(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(Handler(slog.NewTextHandler(&buf, nil), nil)).With("feed", "https://u:pw1@f.example/rss")
	err := fmt.Errorf("poll: %w", errors.New(`Get "https://f.example/rss?token=pw2": timeout`))
	log.Warn("feed problem at https://f.example/?key=pw3", "err", err,
		slog.Group("g", "url", "https://f.example/?sig=pw4", "n", 3),
		"any", struct{ U string }{"https://x:pw5@h/"}, "n", 42, "bare", "reader:pw6@f.example")
	out := buf.String()
	for _, secret := range []string{"pw1", "pw2", "pw3", "pw4", "pw5", "pw6"} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %s: %s", secret, out)
		}
	}
	for _, want := range []string{"feed problem at", "poll:", "timeout", "g.n=3", "n=42", "REDACTED@f.example/rss"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q: %s", want, out)
		}
	}
}

func TestErr(t *testing.T) {
	if Err(nil, nil) != nil {
		t.Error("Err(nil) != nil")
	}
	plain := errors.New("no secret")
	if Err(plain, nil) != plain {
		t.Error("Err changed an error with nothing to redact")
	}
	inner := fmt.Errorf("open https://u:pw@h/: %w", fs.ErrNotExist)
	err := Err(inner, nil)
	if strings.Contains(err.Error(), "pw") || !strings.Contains(err.Error(), "REDACTED@h") {
		t.Errorf("Err = %q", err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("Err hides the wrapped error from errors.Is")
	}
}
