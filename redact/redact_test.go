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

func TestURLs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://www.whitehouse.gov/feed/", "https://www.whitehouse.gov/feed/"},
		{"https://feeds.example/rss?token=abc", "https://feeds.example/rss?token=REDACTED"},
		{"https://bot:s3cret@feeds.example/rss?token=abc&page=2", "https://REDACTED@feeds.example/rss?token=REDACTED&page=REDACTED"},
		{"https://user@host.example:8443/x", "https://REDACTED@host.example:8443/x"},
		{"https://u:p@host", "https://REDACTED@host"},
		{"http://a.example/?justasecret", "http://a.example/?REDACTED"},
		{"https://api.example?key=1", "https://api.example?key=REDACTED"},
		{"https://a.example/cb#access_token=xyz&state=1", "https://a.example/cb#access_token=REDACTED&state=REDACTED"},
		{"https://a.example/page#section-2", "https://a.example/page#section-2"},
		{"HTTPS://U:P@H.EXAMPLE/", "HTTPS://REDACTED@H.EXAMPLE/"},
		{`feed https://x.example/rss?token=abc: Get "https://u:p@x.example/rss?token=abc": dial tcp 127.0.0.1:80: refused`,
			`feed https://x.example/rss?token=REDACTED: Get "https://REDACTED@x.example/rss?token=REDACTED": dial tcp 127.0.0.1:80: refused`},
		{`DISCORD_API_URL "https://admin:hunter2@proxy.example/api": no user info allowed`,
			`DISCORD_API_URL "https://REDACTED@proxy.example/api": no user info allowed`},
		{"(see https://x.example/?t=1).", "(see https://x.example/?t=REDACTED)."},
		{"no URL here, only text: a=b?c", "no URL here, only text: a=b?c"},
		{`FEEDS entry 1: bad URL "reader:pw@feeds.example/rss": first path segment in URL cannot contain colon`,
			`FEEDS entry 1: bad URL "REDACTED@feeds.example/rss": first path segment in URL cannot contain colon`},
		{"dial tcp [::1]:8080: refused; mail bob@example.org at 12:30", "dial tcp [::1]:8080: refused; mail bob@example.org at 12:30"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := URLs(tt.in); got != tt.want {
			t.Errorf("URLs(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func FuzzURLs(f *testing.F) {
	f.Add("https://bot:s3cret@feeds.example/rss?token=s3cret")
	f.Add(`Get "http://u:s3cret@h/?a=s3cret#b=s3cret": EOF`)
	f.Add("x://@?#=")
	f.Fuzz(func(t *testing.T, s string) {
		got := URLs(s)
		if again := URLs(got); again != got {
			t.Errorf("URLs is not idempotent on %q: %q, then %q", s, got, again)
		}
		// Whatever comes before, a token in a URL's query never survives.
		const secret = "s3cr3tv4lue"
		if out := URLs(s + " https://h.example/?token=" + secret); strings.Contains(out, secret) {
			t.Errorf("URLs(%q + a token URL) = %q, keeps the token", s, out)
		}
		if out := URLs(s + " bot:" + secret + "@h.example/rss"); strings.Contains(out, secret) {
			t.Errorf("URLs(%q + user:password@host) = %q, keeps the password", s, out)
		}
	})
}

func TestHandler(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(Handler(slog.NewTextHandler(&buf, nil), nil)).With("feed", "https://u:pw1@f.example/rss")
	err := fmt.Errorf("poll: %w", errors.New(`Get "https://f.example/rss?token=pw2": timeout`))
	log.Warn("feed problem at https://f.example/?key=pw3", "err", err,
		slog.Group("g", "url", "https://f.example/?sig=pw4", "n", 3),
		"any", struct{ U string }{"https://x:pw5@h/"}, "n", 42)
	out := buf.String()
	for _, secret := range []string{"pw1", "pw2", "pw3", "pw4", "pw5"} {
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
