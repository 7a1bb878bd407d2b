package feed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func TestPublicAddress(t *testing.T) {
	tests := []struct {
		ip     string
		public bool
	}{
		{"93.184.216.34", true},
		{"8.8.8.8", true},
		{"2606:4700::1", true},
		{"100.128.0.1", true}, // just past carrier-grade NAT
		{"172.32.0.1", true},  // just past 172.16/12
		{"64:ff9b::5db8:d822", true},
		{"127.0.0.1", false},
		{"127.8.9.10", false},
		{"::1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // AWS, GCP, Azure metadata
		{"fe80::1", false},
		{"100.100.100.200", false}, // Alibaba Cloud metadata (carrier-grade NAT)
		{"100.64.0.1", false},
		{"fd00:ec2::254", false}, // AWS IPv6 metadata (unique-local)
		{"fc00::1", false},
		{"224.0.0.1", false},
		{"ff02::1", false},
		{"255.255.255.255", false},
		{"192.0.0.192", false},
		{"::ffff:127.0.0.1", false}, // IPv4-mapped forms of all of these
		{"::ffff:169.254.169.254", false},
		{"::ffff:10.0.0.1", false},
		{"::ffff:100.100.100.200", false},
		{"::127.0.0.1", false},             // IPv4-compatible
		{"64:ff9b::a9fe:a9fe", false},      // NAT64 of 169.254.169.254
		{"2002:a9fe:a9fe::1", false},       // 6to4 of 169.254.169.254
		{"2002:7f00:1::1", false},          // 6to4 of 127.0.0.1
		{"fe80::1%eth0", false},            // with a zone
		{"2001:0:4136:e378::1", false},     // Teredo
		{"2001:db8::1", false},             // documentation
		{"::ffff:93.184.216.34", true},     // mapped public
		{"2002:5db8:d822::1", true},        // 6to4 of a public address
		{"2a00:1450:4001:80b::200e", true}, // a real public IPv6 address
		{"2600:1f18:abcd::1", true},        // AWS public IPv6 space
		{"100.63.255.255", true},           // just before carrier-grade NAT
		{"fec0::1", false},                 // site-local
		{"64:ff9b:1::a00:1", false},        // local-use NAT64
	}
	for _, tt := range tests {
		if got := PublicAddress(netip.MustParseAddr(tt.ip)); got != tt.public {
			t.Errorf("PublicAddress(%s) = %v, want %v", tt.ip, got, tt.public)
		}
	}
}

// server is a loopback test server that counts its requests.
type server struct {
	*httptest.Server
	hits atomic.Int32
}

func newServer(t *testing.T, h http.HandlerFunc) *server {
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) addr(t *testing.T) netip.AddrPort {
	u, _ := url.Parse(s.URL)
	a, err := netip.ParseAddrPort(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// forbidden are the places a fetch must never reach: the machine itself,
// cloud metadata services, private networks, by any spelling.
func forbidden(s *server) []string {
	port := s.addr(nil).Port()
	return []string{
		s.URL + "/page",
		fmt.Sprintf("http://localhost:%d/page", port),
		fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/page", port),
		fmt.Sprintf("http://[::1]:%d/page", port),
		"http://169.254.169.254/latest/meta-data/",
		"http://[::ffff:169.254.169.254]/latest/meta-data/",
		"http://[fd00:ec2::254]/latest/meta-data/",
		"http://100.100.100.200/latest/meta-data/",
		"http://10.0.0.1/admin",
		"http://0.0.0.0:" + fmt.Sprint(port) + "/page",
	}
}

// TestClientRefuses fetches every forbidden place directly and through a
// redirect from an allowed server: each is refused at connect time, and
// the loopback server behind never sees a request.
func TestClientRefuses(t *testing.T) {
	secret := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("secret")) })
	targets := forbidden(secret)
	var hop atomic.Value
	redirector := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, hop.Load().(string), http.StatusFound)
	})
	allowOnly := func(a netip.AddrPort) bool { return a == redirector.addr(t) }
	for _, target := range targets {
		if _, err := NewClient(ClientConfig{}).Get(target); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("GET %s = %v, want ErrForbiddenAddress", target, err)
		}
		hop.Store(target)
		if _, err := NewClient(ClientConfig{Allow: allowOnly}).Get(redirector.URL + "/go"); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("GET a redirect to %s = %v, want ErrForbiddenAddress", target, err)
		}
	}
	if n := secret.hits.Load(); n != 0 {
		t.Errorf("the loopback server got %d requests, want none", n)
	}
	// What a test allows works: the check is the only thing in the way.
	allowed := NewClient(ClientConfig{Allow: func(a netip.AddrPort) bool { return a == secret.addr(t) }})
	resp, err := allowed.Get(secret.URL)
	if err != nil {
		t.Fatalf("GET an allowed server = %v", err)
	}
	resp.Body.Close()
}

// TestIngestRefuses ingests forbidden URLs, directly with the default
// client and through a redirect: nothing is fetched or saved.
func TestIngestRefuses(t *testing.T) {
	secret := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body><article><p>" + strings.Repeat("Internal secret page text. ", 40) + "</p></article></body></html>"))
	})
	var hop atomic.Value
	redirector := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, hop.Load().(string), http.StatusMovedPermanently)
	})
	client := NewClient(ClientConfig{Allow: func(a netip.AddrPort) bool { return a == redirector.addr(t) }})
	dir := t.TempDir()
	for _, target := range forbidden(secret) {
		if _, err := Ingest(context.Background(), nil, target, dir); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("Ingest(%s) = %v, want ErrForbiddenAddress", target, err)
		}
		hop.Store(target)
		if _, err := Ingest(context.Background(), client, redirector.URL+"/article", dir); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("Ingest(a redirect to %s) = %v, want ErrForbiddenAddress", target, err)
		}
	}
	if n := secret.hits.Load(); n != 0 {
		t.Errorf("the loopback server got %d requests, want none", n)
	}
	if files := snapshot(t, dir); len(files) != 0 {
		t.Errorf("Ingest saved %d files, want none", len(files))
	}
}

// TestPollRefuses polls a feed on a forbidden address with the default
// client, then an allowed feed whose items link to forbidden places,
// directly or through a redirect: no forbidden page is fetched, and an
// item without text of its own is skipped for good.
func TestPollRefuses(t *testing.T) {
	secret := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("secret")) })
	targets := forbidden(secret)
	var feedSrv *server
	feedSrv = newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
			return
		}
		var items strings.Builder
		for i, target := range targets {
			fmt.Fprintf(&items, "<item><title>Direct %d</title><link>%s</link></item>", i, target)
			fmt.Fprintf(&items, "<item><title>Redirected %d</title><link>%s/redirect?to=%s</link></item>", i, feedSrv.URL, url.QueryEscape(target))
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><link>%s</link><description>d</description>%s</channel></rss>`, feedSrv.URL, items.String())
	})
	dir := t.TempDir()
	p, err := New(Config{Feeds: []string{feedSrv.URL + "/feed"}, Dir: dir, StatePath: filepath.Join(t.TempDir(), "feeds.json")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Poll(context.Background()); !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("Poll of a loopback feed with the default client = %v, want ErrForbiddenAddress", err)
	}
	p, err = New(Config{
		Feeds: []string{feedSrv.URL + "/feed"}, Dir: dir, StatePath: filepath.Join(t.TempDir(), "feeds.json"),
		Client: NewClient(ClientConfig{Allow: func(a netip.AddrPort) bool { return a == feedSrv.addr(t) }}),
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	added, err := p.Poll(context.Background())
	if len(added) != 0 || !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("Poll = %v, %v; want nothing added and ErrForbiddenAddress", added, err)
	}
	if got, want := len(flatten(err)), 2*len(targets); got != want || strings.Contains(err.Error(), "will retry") {
		t.Errorf("Poll reported %d problems, want %d, all for good:\n%v", got, want, err)
	}
	if n := secret.hits.Load(); n != 0 {
		t.Errorf("the loopback server got %d requests, want none", n)
	}
	if files := snapshot(t, dir); len(files) != 0 {
		t.Errorf("Poll saved %d files, want none", len(files))
	}
}

// TestSecretsRedacted puts credentials and a token in a feed URL and
// checks that no error, log line or saved file shows them.
func TestSecretsRedacted(t *testing.T) {
	const secret = "s3cr3tv4lue"
	s := newSite(t, 0)
	withSecrets := func(u string) string {
		return strings.Replace(u, "http://", "http://bot:"+secret+"@", 1) + "?token=" + secret
	}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	check := func(what, text string) {
		t.Helper()
		if strings.Contains(text, secret) {
			t.Errorf("%s shows the secret: %s", what, text)
		}
	}

	// Refused by the default client: the error names the feed.
	dir := t.TempDir()
	p, err := New(Config{Feeds: []string{withSecrets(s.feedURL())}, Dir: dir, StatePath: filepath.Join(t.TempDir(), "feeds.json")}, logger)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Poll(context.Background())
	if err == nil || !strings.Contains(err.Error(), "REDACTED") {
		t.Errorf("Poll error = %v, want one naming the redacted feed", err)
	}
	check("Poll error", fmt.Sprint(err))
	// Fetched: the saved file names the feed without its secrets.
	p, err = New(Config{Feeds: []string{withSecrets(s.feedURL())}, Dir: dir, StatePath: filepath.Join(t.TempDir(), "feeds.json"), Client: s.srv.Client()}, logger)
	if err != nil {
		t.Fatal(err)
	}
	if added, err := p.Poll(context.Background()); err != nil || len(added) != 1 {
		t.Fatalf("Poll = %v, %v; want one file", added, err)
	}
	for name, text := range snapshot(t, dir) {
		check(name, text)
		if !strings.Contains(text, "feed: ") {
			t.Errorf("%s does not name its feed", name)
		}
	}
	check("logs", logs.String())
	_, err = ParseFeeds("https://a.example/rss, ftp://u:" + secret + "@b.example/?t=" + secret)
	check("ParseFeeds error", fmt.Sprint(err))
	_, err = New(Config{Feeds: []string{"gopher://u:" + secret + "@x/"}, Dir: dir, StatePath: "x"}, nil)
	check("New error", fmt.Sprint(err))
	_, err = Ingest(context.Background(), nil, withSecrets(s.srv.URL+"/page"), dir)
	if err == nil {
		t.Fatal("Ingest from loopback with the default client succeeded")
	}
	check("Ingest error", err.Error())
}
