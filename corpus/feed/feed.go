// Package feed keeps a corpus directory current from RSS and Atom feeds and
// from single pages or files ingested on demand. It fetches each new feed
// item's page politely, extracts the article text and saves it as a Markdown
// file with YAML front matter, the format package corpus loads. It is the only
// importer of gofeed and go-trafilatura.
package feed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"

	"github.com/briefbot/briefbot/redact"
)

// Defaults for zero Config fields.
const (
	DefaultInterval   = 15 * time.Minute
	DefaultMaxBytes   = 5 << 20
	DefaultTimeout    = 30 * time.Second
	DefaultMaxBackoff = 6 * time.Hour
	DefaultUserAgent  = "briefbot/1.0 (+https://github.com/briefbot/briefbot)"
)

// Config configures a Poller. Only Dir and StatePath (or State) are required.
type Config struct {
	Feeds      []string      // RSS or Atom URLs (see ParseFeeds)
	Dir        string        // corpus directory (CORPUS_DIR); items go under Dir/feeds/<host>/YYYY-MM/
	StatePath  string        // JSON file remembering seen items and validators, e.g. DATA_DIR/feeds.json
	State      StateStore    // when set, keeps that state instead of StatePath (shared by replicas)
	Interval   time.Duration // time between polls; DefaultInterval when zero
	Client     *http.Client  // NewClient's when nil: public addresses only
	UserAgent  string        // DefaultUserAgent when empty
	MaxBytes   int64         // cap on any response body; DefaultMaxBytes when zero
	Timeout    time.Duration // per request; DefaultTimeout when zero
	MaxBackoff time.Duration // cap on the wait after repeated feed errors; DefaultMaxBackoff when zero
	Clock      func() time.Time
}

// Poller polls feeds and writes their new items into the corpus directory.
// Its methods are safe for concurrent use; polls do not overlap.
type Poller struct {
	cfg    Config
	fetch  fetcher
	logger *slog.Logger

	mu      sync.Mutex
	st      *state
	backoff map[string]retry // feed URL -> next attempt
}

type retry struct {
	failures int
	until    time.Time
}

// New checks cfg, fills in defaults and loads the state file. A nil logger
// discards logs.
func New(cfg Config, logger *slog.Logger) (*Poller, error) {
	if cfg.Dir == "" {
		return nil, errors.New("feed: corpus directory (Dir) is required")
	}
	if cfg.StatePath == "" && cfg.State == nil {
		return nil, errors.New("feed: state file path (StatePath) is required")
	}
	for _, f := range cfg.Feeds {
		if err := checkHTTP(f); err != nil {
			return nil, redactErr(fmt.Errorf("feed: %w", err))
		}
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Client == nil {
		cfg.Client = NewClient(ClientConfig{Timeout: cfg.Timeout})
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var st *state // from State before the first poll
	if cfg.State == nil {
		var err error
		if st, err = loadState(cfg.StatePath); err != nil {
			return nil, err
		}
	}
	return &Poller{
		cfg:     cfg,
		fetch:   fetcher{client: cfg.Client, userAgent: cfg.UserAgent, maxBytes: cfg.MaxBytes, timeout: cfg.Timeout},
		logger:  logger,
		st:      st,
		backoff: map[string]retry{},
	}, nil
}

// Run polls all feeds at once and then every Interval until ctx is done,
// logging what each poll added and every problem. It returns nil on
// cancellation.
func (p *Poller) Run(ctx context.Context) error {
	t := time.NewTicker(p.cfg.Interval)
	defer t.Stop()
	for {
		added, err := p.Poll(ctx)
		if ctx.Err() != nil {
			return nil
		}
		for _, e := range flatten(err) {
			p.logger.Warn("feed problem", "err", e)
		}
		if len(added) > 0 {
			p.logger.Info("feeds polled", "feeds", len(p.cfg.Feeds), "added", len(added))
		} else {
			p.logger.Debug("feeds polled", "feeds", len(p.cfg.Feeds), "added", 0)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Poll makes one pass over the feeds that are not backing off after errors
// and returns the paths of the files it wrote. The error joins one error per
// failed feed or skipped item, each naming the URL and the reason; other
// feeds and items are still processed, and existing files are never touched.
func (p *Poller) Poll(ctx context.Context) (added []string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ensureState(ctx); err != nil {
		return nil, err
	}
	var errs []error
	for _, f := range p.cfg.Feeds {
		if ctx.Err() != nil {
			break
		}
		now := p.cfg.Clock()
		if r := p.backoff[f]; now.Before(r.until) {
			p.logger.Debug("feed backing off", "feed", redact.URLs(f), "until", r.until)
			continue
		}
		paths, ferr := p.pollFeed(ctx, f)
		added = append(added, paths...)
		var fe *feedError
		if errors.As(ferr, &fe) {
			r := p.backoff[f]
			r.failures++
			wait := min(p.cfg.Interval<<min(r.failures-1, 20), p.cfg.MaxBackoff)
			var se *statusError
			if errors.As(ferr, &se) && se.RetryAfter > wait {
				wait = min(se.RetryAfter, p.cfg.MaxBackoff)
			}
			r.until = now.Add(wait)
			p.backoff[f] = r
		} else {
			delete(p.backoff, f)
		}
		if ferr != nil {
			errs = append(errs, ferr)
		}
		if serr := p.saveState(ctx); serr != nil {
			errs = append(errs, serr)
		}
	}
	return added, errors.Join(errs...)
}

// feedError is a failure to fetch or parse the feed itself, which triggers
// backoff; item errors do not.
type feedError struct {
	url string
	err error
}

func (e *feedError) Error() string {
	return redact.URLs(fmt.Sprintf("feed %s: %v", e.url, e.err))
}
func (e *feedError) Unwrap() error { return e.err }

func (p *Poller) pollFeed(ctx context.Context, feedURL string) ([]string, error) {
	prev := p.st.Feeds[feedURL]
	resp, err := p.fetch.get(ctx, feedURL, prev)
	if err != nil {
		return nil, &feedError{feedURL, err}
	}
	if resp.NotModified {
		p.logger.Debug("feed not modified", "feed", redact.URLs(feedURL))
		return nil, nil
	}
	parsed, err := gofeed.NewParser().Parse(bytes.NewReader(resp.Body))
	if err != nil {
		return nil, &feedError{feedURL, fmt.Errorf("parse: %w", err)}
	}
	var added []string
	var errs []error
	retryLater := false
	items := slices.Clone(parsed.Items)
	slices.Reverse(items) // feeds list newest first; write oldest first
	for _, it := range items {
		if ctx.Err() != nil {
			return added, ctx.Err()
		}
		link := itemLink(it, resp.URL)
		keys := itemKeys(it.GUID, link)
		if len(keys) == 0 || p.st.seen(keys) {
			continue
		}
		path, err := p.saveItem(ctx, feedURL, it, link)
		switch {
		case err == nil:
			added = append(added, path)
			p.logger.Info("feed item added", "url", redact.URLs(link), "path", path)
		case errors.Is(err, errExists):
			// written by an earlier run that stopped before saving the state
		case transient(err):
			retryLater = true // not marked seen: the next poll tries again
			errs = append(errs, redactErr(fmt.Errorf("item %s (feed %s), will retry: %w", link, feedURL, err)))
			continue
		default:
			errs = append(errs, redactErr(fmt.Errorf("item %s (feed %s), skipped for good: %w", link, feedURL, err)))
		}
		p.st.markSeen(keys, p.cfg.Clock())
		// Save after every item, so a poll killed half-way does not fetch
		// again the pages it had already handled.
		if err := p.saveState(ctx); err != nil {
			return added, errors.Join(append(errs, err)...)
		}
	}
	// Keep the old validators while an item awaits a retry, or a 304 would
	// hide it until the feed changes.
	if !retryLater {
		p.st.Feeds[feedURL] = feedState{ETag: resp.ETag, LastModified: resp.LastModified}
	}
	return added, errors.Join(errs...)
}

// itemLink is the item's absolute http(s) link, falling back to a GUID that
// is a URL; it is empty when there is neither.
func itemLink(it *gofeed.Item, base *url.URL) string {
	for _, s := range append([]string{it.Link}, it.Links...) {
		if u, err := base.Parse(strings.TrimSpace(s)); err == nil && s != "" && checkHTTP(u.String()) == nil {
			return u.String()
		}
	}
	if it.GUID != "" && checkHTTP(strings.TrimSpace(it.GUID)) == nil {
		return strings.TrimSpace(it.GUID)
	}
	return ""
}

// saveItem fetches and extracts the item's page (or falls back to the feed's
// own text) and writes it as a new file.
func (p *Poller) saveItem(ctx context.Context, feedURL string, it *gofeed.Item, link string) (string, error) {
	if link == "" {
		return "", permanent(fmt.Errorf("item %q has no http(s) link", it.GUID))
	}
	art, err := fetchArticle(ctx, p.fetch, link)
	if err != nil {
		text := firstNonEmpty(it.Content, it.Description)
		if text == "" {
			return "", err
		}
		p.logger.Warn("feed item page unavailable, saving the feed's text instead", "url", redact.URLs(link), "err", redactErr(err))
		art = article{Body: htmlParagraphs(text)}
		if len(art.Body) == 0 {
			return "", err
		}
	}
	d := doc{
		Title:     firstNonEmpty(collapse(it.Title), art.Title, link),
		SourceURL: link,
		Feed:      redact.URLs(feedURL), // the file is no place for the feed's credentials
		Body:      art.Body,
	}
	switch {
	case it.PublishedParsed != nil:
		d.Published = keepOffset(it.Published, *it.PublishedParsed)
		d.Date = d.Published
	case it.UpdatedParsed != nil:
		d.Date = *it.UpdatedParsed
	case !art.Date.IsZero():
		d.Date = art.Date
	default:
		d.Date = p.cfg.Clock()
	}
	for _, c := range it.Categories {
		if c = collapse(c); c != "" && !slices.Contains(d.Tags, c) {
			d.Tags = append(d.Tags, c)
		}
	}
	if len(d.Tags) == 0 {
		d.Tags = []string{"news"}
	}
	return saveDoc(p.cfg.Dir, "feeds", d)
}

// keepOffset returns the feed's own timestamp with its UTC offset (gofeed
// converts to UTC), so the date matches the publisher's calendar day.
func keepOffset(raw string, parsed time.Time) time.Time {
	for _, layout := range []string{time.RFC1123Z, time.RFC3339, "Mon, 2 Jan 2006 15:04:05 -0700"} {
		if t, err := time.Parse(layout, strings.TrimSpace(raw)); err == nil && t.Equal(parsed) {
			return t
		}
	}
	return parsed
}

// fetchArticle fetches a page and extracts its article.
func fetchArticle(ctx context.Context, f fetcher, link string) (article, error) {
	resp, err := f.get(ctx, link, feedState{})
	if err != nil {
		return article{}, err
	}
	body, err := decodeHTML(resp.Body, resp.ContentType)
	if err != nil {
		return article{}, err
	}
	return extract(body, resp.URL)
}

// saveDoc writes d under dir/kind/<host>/YYYY-MM/ with a name made of the
// date and the title.
func saveDoc(dir, kind string, d doc) (string, error) {
	data, err := d.markdown()
	if err != nil {
		return "", err
	}
	host := "unknown"
	if u, err := url.Parse(d.SourceURL); err == nil && u.Hostname() != "" {
		host = slug(u.Hostname()) // "127-0-0-1", "www-whitehouse-gov"
	}
	sub := filepath.Join(dir, kind, host, d.Date.Format("2006-01"))
	return writeNew(sub, d.Date.Format(time.DateOnly)+"-"+slug(d.Title)+".md", data)
}

// htmlParagraphs returns the paragraphs of an HTML (or plain text) fragment
// such as a feed item's description.
func htmlParagraphs(s string) []string {
	n, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return nil
	}
	return paragraphs(n)
}

// firstNonEmpty returns the first non-empty string.
func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// redacted is an error whose message shows none of the secrets of the URLs
// in it (see redact.URLs); errors.Is and errors.As still see the cause.
type redacted struct{ err error }

func (e redacted) Error() string { return redact.URLs(e.err.Error()) }
func (e redacted) Unwrap() error { return e.err }

func redactErr(err error) error {
	if err == nil {
		return nil
	}
	return redacted{err}
}

// flatten lists the leaves of a tree of joined errors.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// ParseFeeds parses the FEEDS setting: comma-separated absolute http or
// https URLs. Blank entries are ignored and duplicates dropped; an empty
// string yields no feeds.
func ParseFeeds(s string) ([]string, error) {
	var feeds []string
	for i, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if err := checkHTTP(f); err != nil {
			return nil, fmt.Errorf("FEEDS entry %d: %w", i+1, err)
		}
		if !slices.Contains(feeds, f) {
			feeds = append(feeds, f)
		}
	}
	return feeds, nil
}
