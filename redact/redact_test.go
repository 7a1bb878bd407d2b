package redact

import (
	"strings"
	"testing"
)

func TestURLs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://www.whitehouse.gov/feed/", "https://www.whitehouse.gov/feed/"},
		{"https://feeds.example/rss?token=abc", "https://feeds.example/rss?token=REDACTED"},
		{"https://bot:s3cret@feeds.example/rss?token=abc&page=2", "https://REDACTED@feeds.example/rss?token=REDACTED&page=REDACTED"},
		{"https://user@host.example:8443/x", "https://REDACTED@host.example:8443/x"},
		{"http://a.example/?justasecret", "http://a.example/?REDACTED"},
		{"https://a.example/cb#access_token=xyz&state=1", "https://a.example/cb#access_token=REDACTED&state=REDACTED"},
		{"https://a.example/page#section-2", "https://a.example/page#section-2"},
		{"https://api.example?key=1", "https://api.example?key=REDACTED"},
		{`feed https://x.example/rss?token=abc: Get "https://u:p@x.example/rss?token=abc": dial tcp 127.0.0.1:80: refused`,
			`feed https://x.example/rss?token=REDACTED: Get "https://REDACTED@x.example/rss?token=REDACTED": dial tcp 127.0.0.1:80: refused`},
		{"FEEDS entry 2: bad URL \"ftp://u:pw@host/f?t=1\"", "FEEDS entry 2: bad URL \"ftp://REDACTED@host/f?t=REDACTED\""},
		{"no URL here, only text: a=b?c", "no URL here, only text: a=b?c"},
		{"https://u:p@host", "https://REDACTED@host"},
	}
	for _, tt := range tests {
		if got := URLs(tt.in); got != tt.want {
			t.Errorf("URLs(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func FuzzURLs(f *testing.F) {
	f.Add("https://bot:s3cret@feeds.example/rss?token=s3cret")
	f.Add("Get \"http://u:s3cret@h/?a=s3cret#b=s3cret\": EOF")
	f.Fuzz(func(t *testing.T, s string) {
		got := URLs(s)
		if again := URLs(got); again != got {
			t.Errorf("URLs is not idempotent on %q: %q, then %q", s, got, again)
		}
		// A secret written after "token=" in a URL never survives.
		in := "https://h.example/?token=" + "s3cr3tv4lue"
		if strings.Contains(URLs(s+" "+in), "s3cr3tv4lue") {
			t.Errorf("URLs(%q) keeps the token", s+" "+in)
		}
	})
}
