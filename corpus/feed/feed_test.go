package feed

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// site is a fake whitehouse.gov: it serves testdata/rss.xml with links
// rewritten to itself, and item pages from testdata/pages by last path
// segment. Handlers in pages override that per path segment.
type site struct {
	t     *testing.T
	srv   *httptest.Server
	items []int // indexes of the rss.xml items to keep
	etag  string
	edit  func(string) string // rewrites the feed text, if set
	pages map[string]http.HandlerFunc
	feed  http.HandlerFunc // replaces the feed handler, if set

	mu   sync.Mutex
	reqs []*http.Request
}

func newSite(t *testing.T, items ...int) *site {
	s := &site{t: t, items: items, etag: `"v1"`, pages: map[string]http.HandlerFunc{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *site) feedURL() string { return s.srv.URL + "/feed/" }

func (s *site) requests(path string) []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*http.Request
	for _, r := range s.reqs {
		if r.URL.Path == path {
			out = append(out, r)
		}
	}
	return out
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.reqs = append(s.reqs, r)
	s.mu.Unlock()
	if r.URL.Path == "/feed/" {
		if s.feed != nil {
			s.feed(w, r)
			return
		}
		if r.Header.Get("If-None-Match") == s.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", s.etag)
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write([]byte(s.rss()))
		return
	}
	name := filepath.Base(r.URL.Path)
	if h := s.pages[name]; h != nil {
		h(w, r)
		return
	}
	b, err := os.ReadFile(filepath.Join("testdata", "pages", name+".html"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b)
}

// rss is testdata/rss.xml with only s.items kept and links pointing at s.
func (s *site) rss() string {
	b, err := os.ReadFile("testdata/rss.xml")
	if err != nil {
		s.t.Fatal(err)
	}
	text := strings.ReplaceAll(string(b), "https://www.whitehouse.gov/", s.srv.URL+"/")
	parts := strings.Split(text, "<item>")
	head, items := parts[0], parts[1:]
	items[len(items)-1], _, _ = strings.Cut(items[len(items)-1], "</channel>")
	var out strings.Builder
	out.WriteString(head)
	for _, i := range s.items {
		out.WriteString("<item>" + items[i])
	}
	out.WriteString("</channel>\n</rss>\n")
	if s.edit != nil {
		return s.edit(out.String())
	}
	return out.String()
}

func newPoller(t *testing.T, s *site, dir, statePath string, tweak ...func(*Config)) *Poller {
	t.Helper()
	cfg := Config{Feeds: []string{s.feedURL()}, Dir: dir, StatePath: statePath, Client: s.srv.Client(), Timeout: 2 * time.Second}
	for _, f := range tweak {
		f(&cfg)
	}
	p, err := New(cfg, slog.New(slog.NewTextHandler(testWriter{t}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// frontMatter splits a written file into its front matter fields and body,
// unquoting double-quoted values.
func frontMatter(t *testing.T, text string) (map[string]string, string) {
	t.Helper()
	if !utf8.ValidString(text) {
		t.Fatalf("file is not valid UTF-8")
	}
	rest, ok := strings.CutPrefix(text, "---\n")
	fm, body, ok2 := strings.Cut(rest, "\n---\n")
	if !ok || !ok2 {
		t.Fatalf("no front matter in:\n%s", text)
	}
	fields := map[string]string{}
	for _, line := range strings.Split(fm, "\n") {
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			t.Fatalf("front matter line %q is not key: value", line)
		}
		if strings.HasPrefix(v, `"`) {
			u, err := strconv.Unquote(v)
			if err != nil {
				t.Fatalf("front matter %s: %v", k, err)
			}
			v = u
		}
		fields[k] = v
	}
	return fields, body
}

// snapshot reads every file under dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		files[path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestPollWritesNewItemsOnce(t *testing.T) {
	s := newSite(t, 0, 1)
	dir, state := t.TempDir(), filepath.Join(t.TempDir(), "feeds.json")
	p := newPoller(t, s, dir, state)

	added, err := p.Poll(context.Background())
	if err != nil {
		t.Fatalf("Poll: %v", err)
	}
	if len(added) != 2 {
		t.Fatalf("Poll added %d files, want 2: %q", len(added), added)
	}
	want := filepath.Join(dir, "feeds", "127-0-0-1", "2026-08", "2026-08-21-president-trump-and-republicans-deliver-for-south-carolina-families.md")
	if added[1] != want {
		t.Errorf("added[1] = %s, want %s", added[1], want)
	}
	b, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	fm, body := frontMatter(t, string(b))
	for k, v := range map[string]string{
		"title":          "President Trump and Republicans Deliver for South Carolina Families",
		"date":           "'2026-08-21'",
		"source_url":     s.srv.URL + "/releases/2026/08/president-trump-and-republicans-deliver-for-south-carolina-families/",
		"published_time": "2026-08-21 16:00:54-04:00",
		"tags":           "releases",
		"feed":           s.feedURL(),
	} {
		if fm[k] != v {
			t.Errorf("front matter %s = %q, want %q", k, fm[k], v)
		}
	}
	for _, in := range []string{
		"\nToday, President Donald J. Trump returns to South Carolina to celebrate the powerful results of America First leadership. Under President Trump",
		"\n\nNo Tax on Overtime: One in four South Carolina workers no longer pay federal income taxes on qualifying overtime pay.\n",
	} {
		if !strings.Contains(body, in) {
			t.Errorf("body lacks %q:\n%s", in, body)
		}
	}
	for _, out := range []string{"Skip to content", "Privacy Policy", "Pennsylvania Ave", "Subscribe"} {
		if strings.Contains(body, out) {
			t.Errorf("body contains boilerplate %q", out)
		}
	}
	for _, r := range s.requests("/feed/") {
		if ua := r.Header.Get("User-Agent"); ua != DefaultUserAgent {
			t.Errorf("User-Agent = %q, want %q", ua, DefaultUserAgent)
		}
	}

	// Second poll: conditional GET, 304, nothing added.
	before := snapshot(t, dir)
	added, err = p.Poll(context.Background())
	if err != nil || len(added) != 0 {
		t.Fatalf("second Poll = %q, %v; want nothing", added, err)
	}
	reqs := s.requests("/feed/")
	if got := reqs[len(reqs)-1].Header.Get("If-None-Match"); got != `"v1"` {
		t.Errorf("second poll If-None-Match = %q, want %q", got, `"v1"`)
	}

	// Restart on the same state with a changed feed ETag: full feed, still nothing new.
	s.etag = `"v2"`
	p2 := newPoller(t, s, dir, state)
	added, err = p2.Poll(context.Background())
	if err != nil || len(added) != 0 {
		t.Fatalf("Poll after restart = %q, %v; want nothing", added, err)
	}
	if n := len(s.requests("/feed/")); n != 3 {
		t.Errorf("feed fetched %d times, want 3", n)
	}
	if after := snapshot(t, dir); len(after) != len(before) {
		t.Errorf("restart changed the corpus: %d files, want %d", len(after), len(before))
	}
	// A new item in the feed is picked up, the old ones are not refetched.
	pageReqs := len(s.reqs) - 3
	s.items, s.etag = []int{5, 0, 1}, `"v3"`
	s.pages["president-trumps-trade-agenda-is-rebuilding-the-american-auto-industry"] = func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, "testdata/pages/fact-sheet-president-donald-j-trump-launches-the-golden-age-of-space-transportation.html")
	}
	added, err = p2.Poll(context.Background())
	if err != nil || len(added) != 1 || !strings.Contains(added[0], "2026-08-19-president-trumps-trade-agenda") {
		t.Fatalf("Poll with one new item = %q, %v", added, err)
	}
	if got := len(s.reqs) - 4 - pageReqs; got != 1 {
		t.Errorf("fetched %d item pages, want 1", got)
	}
}

func TestPollFailuresLeaveCorpusIntact(t *testing.T) {
	const item = "national-security-presidential-memorandum-nspm-17" // rss.xml item 2
	tests := []struct {
		name    string
		feed    http.HandlerFunc
		page    http.HandlerFunc
		wantErr string
	}{
		{name: "feed 500", feed: func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", 500) }, wantErr: "/feed/: HTTP 500"},
		{name: "feed timeout", feed: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, wantErr: "/feed/: Get"},
		{name: "malformed feed", feed: func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<rss><channel><item><title>broken"))
		}, wantErr: "/feed/: parse"},
		{name: "not a feed", feed: func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<html><body>Moved</body></html>"))
		}, wantErr: "/feed/: parse"},
		{name: "item 404", wantErr: item + "/ (feed "},
		{name: "item 500", page: func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", 503) }, wantErr: "will retry: HTTP 503"},
		{name: "item without text", page: func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`<html><head><title>Briefing Room</title></head><body><nav><a href="/">Home</a></nav><main></main><footer><a href="/privacy/">Privacy</a></footer></body></html>`))
		}, wantErr: "skipped for good: no main text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, 2)
			s.feed = tt.feed
			if tt.page != nil {
				s.pages[item] = tt.page
			}
			dir := t.TempDir()
			existing := filepath.Join(dir, "feeds", "127-0-0-1", "2026-08", "2026-08-20-the-national-space-transportation-policy.md")
			os.MkdirAll(filepath.Dir(existing), 0o755)
			os.WriteFile(existing, []byte("---\ntitle: Kept\n---\n\nOlder text.\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "briefing.md"), []byte("Body.\n"), 0o644)
			before := snapshot(t, dir)

			p := newPoller(t, s, dir, filepath.Join(t.TempDir(), "feeds.json"), func(c *Config) { c.Timeout = 200 * time.Millisecond })
			added, err := p.Poll(context.Background())
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), s.srv.URL) {
				t.Errorf("Poll error = %v, want one naming the URL and %q", err, tt.wantErr)
			}
			if len(added) != 0 {
				b, _ := os.ReadFile(added[0])
				t.Errorf("Poll added %q: %s", added, b)
			}
			after := snapshot(t, dir)
			if len(after) != len(before) {
				t.Errorf("corpus has %d files, want %d", len(after), len(before))
			}
			for path, b := range before {
				if after[path] != b {
					t.Errorf("%s changed", path)
				}
			}
		})
	}
}

func TestPollRetriesTransientItemErrors(t *testing.T) {
	s := newSite(t, 0)
	fail := true
	s.pages["president-trump-and-republicans-deliver-for-south-carolina-families"] = func(w http.ResponseWriter, r *http.Request) {
		if fail {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		b, _ := os.ReadFile("testdata/pages/president-trump-and-republicans-deliver-for-south-carolina-families.html")
		w.Write(b)
	}
	p := newPoller(t, s, t.TempDir(), filepath.Join(t.TempDir(), "feeds.json"))
	if added, err := p.Poll(context.Background()); err == nil || len(added) != 0 {
		t.Fatalf("Poll with failing page = %q, %v; want an error", added, err)
	}
	fail = false
	added, err := p.Poll(context.Background())
	if err != nil || len(added) != 1 {
		t.Fatalf("retry Poll = %q, %v; want one file", added, err)
	}
	if r := s.requests("/feed/"); r[1].Header.Get("If-None-Match") != "" {
		t.Errorf("retry sent If-None-Match %q; a 304 would hide the item", r[1].Header.Get("If-None-Match"))
	}
}

func TestPollBacksOff(t *testing.T) {
	s := newSite(t)
	s.feed = func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", 500) }
	now := time.Date(2026, 8, 21, 12, 0, 0, 0, time.UTC)
	p := newPoller(t, s, t.TempDir(), filepath.Join(t.TempDir(), "feeds.json"), func(c *Config) {
		c.Interval = time.Minute
		c.Clock = func() time.Time { return now }
	})
	for i, step := range []struct {
		advance time.Duration
		fetches int
	}{{0, 1}, {30 * time.Second, 1}, {31 * time.Second, 2}, {time.Minute, 2}, {61 * time.Second, 3}} {
		now = now.Add(step.advance)
		p.Poll(context.Background())
		if n := len(s.requests("/feed/")); n != step.fetches {
			t.Errorf("step %d: feed fetched %d times, want %d", i, n, step.fetches)
		}
	}
}

func TestPollDecodesWindows1252(t *testing.T) {
	s := newSite(t, 0)
	s.pages["president-trump-and-republicans-deliver-for-south-carolina-families"] = func(w http.ResponseWriter, r *http.Request) {
		b, _ := os.ReadFile("testdata/pages/windows-1252.html")
		w.Header().Set("Content-Type", "text/html") // the charset is only in the <meta>
		w.Write(b)
	}
	p := newPoller(t, s, t.TempDir(), filepath.Join(t.TempDir(), "feeds.json"))
	added, err := p.Poll(context.Background())
	if err != nil || len(added) != 1 {
		t.Fatalf("Poll = %q, %v", added, err)
	}
	b, _ := os.ReadFile(added[0])
	_, body := frontMatter(t, string(b))
	for _, in := range []string{"MR. FERNÁNDEZ HERNÁNDEZ: Hi.", "today’s press call", "“senior administration officials.”"} {
		if !strings.Contains(body, in) {
			t.Errorf("body lacks %q:\n%s", in, body)
		}
	}
}

func TestPollFallsBackToFeedText(t *testing.T) {
	s := newSite(t, 2) // no page for this item: 404
	s.edit = func(f string) string {
		return strings.Replace(f, "<category>", "<description><![CDATA[<p>The Memorandum <b>replaces</b> the 2020 policy.</p><p>It takes effect today.</p>]]></description><category>", 1)
	}
	var logs bytes.Buffer
	p, err := New(Config{Feeds: []string{s.feedURL()}, Dir: t.TempDir(), StatePath: filepath.Join(t.TempDir(), "s.json"), Client: s.srv.Client()},
		slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	added, err := p.Poll(context.Background())
	if err != nil || len(added) != 1 {
		t.Fatalf("Poll = %q, %v", added, err)
	}
	b, _ := os.ReadFile(added[0])
	if _, body := frontMatter(t, string(b)); body != "\nThe Memorandum replaces the 2020 policy.\n\nIt takes effect today.\n" {
		t.Errorf("body = %q", body)
	}
	if !strings.Contains(logs.String(), "saving the feed's text") || !strings.Contains(logs.String(), "nspm-17") {
		t.Errorf("no log line about the fallback: %s", logs.String())
	}
}

func TestPollNeverOverwrites(t *testing.T) {
	s := newSite(t, 0)
	dir := t.TempDir()
	name := filepath.Join(dir, "feeds", "127-0-0-1", "2026-08", "2026-08-21-president-trump-and-republicans-deliver-for-south-carolina-families.md")
	os.MkdirAll(filepath.Dir(name), 0o755)
	os.WriteFile(name, []byte("hand-edited\n"), 0o644)
	p := newPoller(t, s, dir, filepath.Join(t.TempDir(), "feeds.json"))
	added, err := p.Poll(context.Background())
	if err != nil || len(added) != 1 {
		t.Fatalf("Poll = %q, %v", added, err)
	}
	if want := strings.TrimSuffix(name, ".md") + "-2.md"; added[0] != want {
		t.Errorf("added %s, want %s", added[0], want)
	}
	if b, _ := os.ReadFile(name); string(b) != "hand-edited\n" {
		t.Errorf("existing file overwritten: %q", b)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(name), ".*")); len(m) != 0 {
		t.Errorf("temporary files left behind: %q", m)
	}
}

func TestPollRejectsOversizedFeed(t *testing.T) {
	s := newSite(t, 0, 1)
	p := newPoller(t, s, t.TempDir(), filepath.Join(t.TempDir(), "feeds.json"), func(c *Config) { c.MaxBytes = 1000 })
	if _, err := p.Poll(context.Background()); err == nil || !strings.Contains(err.Error(), "larger than 1000 bytes") {
		t.Errorf("Poll error = %v, want a size error", err)
	}
}

func TestRun(t *testing.T) {
	s := newSite(t, 0)
	dir := t.TempDir()
	p := newPoller(t, s, dir, filepath.Join(t.TempDir(), "feeds.json"), func(c *Config) { c.Interval = 10 * time.Millisecond })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	for len(s.requests("/feed/")) < 3 {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	if n := len(snapshot(t, dir)); n != 1 {
		t.Errorf("corpus has %d files, want 1", n)
	}
}

func TestMarkdownEscapesFrontMatter(t *testing.T) {
	titles := []string{
		`Remarks: "Peace" in Our Time`,
		"Line one\nline two\r\n\tand three",
		`Back\slash \_ and 'single' quotes # not a comment`,
		"Control \x01 char and U+00A0\u00a0here",
		"- starts like a list: yes",
	}
	for _, title := range titles {
		d := doc{Title: title, Date: time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC), SourceURL: "https://example.com/a: b/?q=1#x", Tags: []string{"true", "news"}, Body: []string{"Text."}}
		b, err := d.markdown()
		if err != nil {
			t.Fatal(err)
		}
		fm, _ := frontMatter(t, string(b))
		if want := collapse(title); fm["title"] != want {
			t.Errorf("title %q reads back as %q, want %q", title, fm["title"], want)
		}
		if fm["source_url"] != d.SourceURL {
			t.Errorf("source_url reads back as %q", fm["source_url"])
		}
		if fm["tags"] != `["true", "news"]` {
			t.Errorf("tags = %q", fm["tags"])
		}
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"President Trump’s Cabinet Champions America First": "president-trumps-cabinet-champions-america-first",
		"$2 Million Donation — Indiana":                     "2-million-donation-indiana",
		"Remarks by President Biden in Ciudad Juárez":       "remarks-by-president-biden-in-ciudad-juarez",
		"???": "untitled",
	}
	for in, want := range tests {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
	if got := slug(strings.Repeat("word ", 40)); len(got) > maxSlug || strings.HasSuffix(got, "-") {
		t.Errorf("slug of a long title = %q", got)
	}
}

func TestIngestFile(t *testing.T) {
	src := t.TempDir()
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(src, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	md := write("briefing.md", "---\ntitle: \"Briefing\"\n---\n\nMS. PSAKI: Hello.\n")
	got, err := Ingest(context.Background(), nil, md, dir)
	if want := filepath.Join(dir, "briefing.md"); err != nil || got != want {
		t.Fatalf("Ingest(%s) = %s, %v; want %s", md, got, err, want)
	}
	if again, err := Ingest(context.Background(), nil, md, dir); err != nil || again != got {
		t.Errorf("Ingest of the same file again = %s, %v; want %s", again, err, got)
	}
	other := filepath.Join(t.TempDir(), "briefing.md")
	os.WriteFile(other, []byte("Different text.\n"), 0o644)
	if p2, err := Ingest(context.Background(), nil, other, dir); err != nil || p2 != filepath.Join(dir, "briefing-2.md") {
		t.Errorf("Ingest of a different briefing.md = %s, %v; want briefing-2.md", p2, err)
	}
	if b, _ := os.ReadFile(got); !strings.Contains(string(b), "Hello.") {
		t.Errorf("original overwritten: %q", b)
	}

	for name, tt := range map[string]struct{ path, wantErr string }{
		"pdf":     {write("a.pdf", "%PDF-1.4"), "unsupported file type"},
		"empty":   {write("empty.txt", " \n\n"), "empty"},
		"binary":  {write("bin.txt", "a\x00b"), "binary"},
		"latin1":  {write("l.txt", "caf\xe9"), "not UTF-8"},
		"missing": {filepath.Join(src, "nope.md"), "no such file"},
		"dir":     {filepath.Join(t.TempDir(), "x.md") + "/", "x.md"},
	} {
		if name == "dir" {
			os.Mkdir(strings.TrimSuffix(tt.path, "/"), 0o755)
			tt.path = strings.TrimSuffix(tt.path, "/")
		}
		if _, err := Ingest(context.Background(), nil, tt.path, dir); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Ingest %s: error %v, want %q", name, err, tt.wantErr)
		}
	}
}

func TestIngestURL(t *testing.T) {
	s := newSite(t)
	dir := t.TempDir()
	u := s.srv.URL + "/fact-sheets/2026/08/fact-sheet-president-donald-j-trump-launches-the-golden-age-of-space-transportation/"
	got, err := Ingest(context.Background(), s.srv.Client(), u, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`web/127-0-0-1/2026-08/2026-08-20-fact-sheet-president-donald-j-trump-launches-the-golden-age-of-space-transportation\.md$`).MatchString(filepath.ToSlash(got)) {
		t.Errorf("Ingest wrote %s", got)
	}
	b, _ := os.ReadFile(got)
	fm, body := frontMatter(t, string(b))
	if fm["title"] != "Fact Sheet: President Donald J. Trump Launches the Golden Age of Space Transportation" || fm["source_url"] != u || fm["date"] != "'2026-08-20'" {
		t.Errorf("front matter = %q", fm)
	}
	if !strings.Contains(body, "RENEWING AMERICAN SPACE TRANSPORTATION LEADERSHIP: Today, President Donald J. Trump signed") {
		t.Errorf("body = %s", body)
	}
	if again, err := Ingest(context.Background(), s.srv.Client(), u, dir); err != nil || again != got {
		t.Errorf("Ingest again = %s, %v; want %s", again, err, got)
	}
	for _, bad := range []string{s.srv.URL + "/missing/", "ftp://example.com/a.md", "file:///etc/passwd"} {
		if _, err := Ingest(context.Background(), s.srv.Client(), bad, dir); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("Ingest(%s) error = %v, want one naming it", bad, err)
		}
	}
}

func TestParseFeeds(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{in: "", want: nil},
		{in: "https://www.whitehouse.gov/feed/", want: []string{"https://www.whitehouse.gov/feed/"}},
		{in: " https://a.example/rss , http://b.example/atom.xml,,https://a.example/rss ", want: []string{"https://a.example/rss", "http://b.example/atom.xml"}},
		{in: "https://a.example/rss,ftp://b.example/feed", wantErr: `FEEDS entry 2: bad URL "ftp://b.example/feed"`},
		{in: "www.whitehouse.gov/feed/", wantErr: `FEEDS entry 1: bad URL "www.whitehouse.gov/feed/"`},
		{in: "https://", wantErr: "FEEDS entry 1"},
	}
	for _, tt := range tests {
		got, err := ParseFeeds(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseFeeds(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || strings.Join(got, " ") != strings.Join(tt.want, " ") || len(got) != len(tt.want) {
			t.Errorf("ParseFeeds(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{StatePath: "s.json"},
		{Dir: "corpus"},
		{Dir: "corpus", StatePath: "s.json", Feeds: []string{"javascript:alert(1)"}},
	} {
		if _, err := New(cfg, nil); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
	bad := filepath.Join(t.TempDir(), "feeds.json")
	os.WriteFile(bad, []byte("{"), 0o644)
	if _, err := New(Config{Dir: "corpus", StatePath: bad}, nil); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("New with a corrupt state file: %v", err)
	}
}

func TestPollAtom(t *testing.T) {
	s := newSite(t)
	s.feed = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml")
		w.Write([]byte(`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Briefing Room</title>
  <id>tag:example.org,2026:feed</id>
  <updated>2026-08-20T16:58:25-04:00</updated>
  <entry>
    <title>Fact Sheet: President Donald J. Trump Launches the Golden Age of Space Transportation</title>
    <id>tag:example.org,2026:fact-sheet-1</id>
    <link rel="alternate" href="/fact-sheets/2026/08/fact-sheet-president-donald-j-trump-launches-the-golden-age-of-space-transportation/"/>
    <published>2026-08-20T16:58:25-04:00</published>
    <updated>2026-08-21T09:00:00-04:00</updated>
    <category term="fact-sheets"/>
    <category term="space"/>
  </entry>
</feed>`))
	}
	p := newPoller(t, s, t.TempDir(), filepath.Join(t.TempDir(), "feeds.json"))
	added, err := p.Poll(context.Background())
	if err != nil || len(added) != 1 {
		t.Fatalf("Poll = %q, %v", added, err)
	}
	b, _ := os.ReadFile(added[0])
	fm, body := frontMatter(t, string(b))
	if fm["published_time"] != "2026-08-20 16:58:25-04:00" || fm["tags"] != `["fact-sheets", "space"]` || !strings.HasSuffix(fm["source_url"], "/fact-sheets/2026/08/fact-sheet-president-donald-j-trump-launches-the-golden-age-of-space-transportation/") {
		t.Errorf("front matter = %q", fm)
	}
	if !strings.Contains(body, "signed a National Security Presidential Memorandum") {
		t.Errorf("body = %s", body)
	}
}

func FuzzMarkdownFrontMatter(f *testing.F) {
	for _, s := range []string{`Remarks: "Peace"`, "a\nb", `\_`, "\x00\u2028#"} {
		f.Add(s, "https://example.com/a?b=c")
	}
	f.Fuzz(func(t *testing.T, title, link string) {
		if !utf8.ValidString(title) || !utf8.ValidString(link) || strings.ContainsAny(link, "\n\r") {
			t.Skip()
		}
		b, err := doc{Title: title, SourceURL: link, Tags: []string{title}, Body: []string{"x"}}.markdown()
		if err != nil {
			t.Fatal(err)
		}
		fm, _ := frontMatter(t, string(b))
		if fm["title"] != collapse(title) || fm["source_url"] != link {
			t.Errorf("read back title %q, url %q; want %q, %q", fm["title"], fm["source_url"], collapse(title), link)
		}
	})
}

// TestPollKilledHalfWay kills a poll (keeps the saved state as it was)
// while the second of three new items is being fetched; the next poll
// fetches the items that were left, not the first one again. The state is
// in the file, or in a StateStore shared by replicas.
func TestPollKilledHalfWay(t *testing.T) {
	for _, shared := range []bool{false, true} {
		t.Run(map[bool]string{false: "file", true: "StateStore"}[shared], func(t *testing.T) {
			testPollKilledHalfWay(t, shared)
		})
	}
}

func testPollKilledHalfWay(t *testing.T, shared bool) {
	s := newSite(t, 0, 1, 2) // written oldest first: 2, 1, 0
	dir, state := t.TempDir(), filepath.Join(t.TempDir(), "feeds.json")
	store := &memStore{}
	useStore := func(c *Config) {
		if shared {
			c.State = store
		}
	}
	saved := func() []byte {
		if shared {
			return store.get()
		}
		b, _ := os.ReadFile(state)
		return b
	}
	paths := map[int]string{
		2: "/presidential-actions/2026/08/national-security-presidential-memorandum-nspm-17/",
		1: "/fact-sheets/2026/08/fact-sheet-president-donald-j-trump-launches-the-golden-age-of-space-transportation/",
		0: "/releases/2026/08/president-trump-and-republicans-deliver-for-south-carolina-families/",
	}
	s.pages["national-security-presidential-memorandum-nspm-17"] = func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, "testdata/pages/president-trump-and-republicans-deliver-for-south-carolina-families.html")
	}
	var mu sync.Mutex
	var atKill []byte // the saved state when the process died
	killed := false
	s.pages["fact-sheet-president-donald-j-trump-launches-the-golden-age-of-space-transportation"] = func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if !killed {
			killed = true
			atKill = saved()
		}
		mu.Unlock()
		http.ServeFile(w, r, "testdata/pages/fact-sheet-president-donald-j-trump-launches-the-golden-age-of-space-transportation.html")
	}
	added, err := newPoller(t, s, dir, state, useStore).Poll(context.Background())
	if err != nil || len(added) != 3 {
		t.Fatalf("Poll = %q, %v; want 3 files", added, err)
	}
	// What the killed process left: the state as it was, no files after the first.
	mu.Lock()
	left := atKill
	mu.Unlock()
	if left == nil {
		t.Fatal("no state saved before the second item: a killed poll starts over")
	}
	if shared {
		store.Save(context.Background(), left)
	} else if err := os.WriteFile(state, left, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range added[1:] {
		os.Remove(f)
	}
	again, err := newPoller(t, s, dir, state, useStore).Poll(context.Background())
	if err != nil || len(again) != 2 {
		t.Fatalf("Poll after the kill = %q, %v; want the 2 files the killed poll did not write", again, err)
	}
	for item, want := range map[int]int{2: 1, 1: 2, 0: 2} {
		if got := len(s.requests(paths[item])); got != want {
			t.Errorf("item %d page fetched %d times, want %d", item, got, want)
		}
	}
	if _, err := os.Stat(state); shared && err == nil {
		t.Errorf("the state file %s was written; with a StateStore the state belongs there", state)
	}
}

// memStore is a StateStore in memory.
type memStore struct {
	mu sync.Mutex
	b  []byte
}

func (m *memStore) get() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return bytes.Clone(m.b)
}

func (m *memStore) Load(context.Context) ([]byte, error) { return m.get(), nil }

func (m *memStore) Save(_ context.Context, b []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.b = bytes.Clone(b)
	return nil
}
