package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/corpus/feed"
	"github.com/briefbot/briefbot/index"
)

// TestFeedItemsAppearInAnswers follows a feed item from the feed to a
// quote: poll a local feed, load the corpus folder it wrote, index it, ask
// what only the new item says. A second poll adds nothing.
func TestFeedItemsAppearInAnswers(t *testing.T) {
	const sentence = "The Secretary announced that 312 new weather buoys will be moored along the Atlantic coast by next spring."
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Statements</title><link>%[1]s/</link><description>x</description>
<item><title>Statement on Coastal Weather Buoys</title><link>%[1]s/buoys</link><guid>%[1]s/buoys</guid>
<pubDate>Tue, 05 Mar 2024 15:00:00 -0500</pubDate><category>statements-releases</category></item>
</channel></rss>`, srv.URL)
	})
	mux.HandleFunc("/buoys", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>Statement on Coastal Weather Buoys</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/about">About</a></nav>
<main><article><h1>Statement on Coastal Weather Buoys</h1>
<p>Today the Department of Commerce described its plans for ocean observation along the eastern seaboard, in response to questions from coastal communities and fishing fleets.</p>
<p>%s</p>
<p>The buoys will report wave height, water temperature and wind speed every ten minutes, and the data will be published openly for forecasters, sailors and researchers.</p>
</article></main><footer>Privacy policy. Accessibility. Contact us.</footer></body></html>`, sentence)
	})

	dir := t.TempDir()
	p, err := feed.New(feed.Config{
		Feeds:     []string{srv.URL + "/feed.xml"},
		Dir:       dir,
		StatePath: filepath.Join(t.TempDir(), "feeds.json"),
		Client:    srv.Client(),
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	added, err := p.Poll(ctx)
	if err != nil || len(added) != 1 {
		t.Fatalf("first Poll = %v, %v; want one new file", added, err)
	}
	if again, err := p.Poll(ctx); err != nil || len(again) != 0 {
		t.Fatalf("second Poll = %v, %v; want nothing new", again, err)
	}

	docs, problems, err := corpus.Load(dir)
	if err != nil || len(problems) > 0 || len(docs) != 1 {
		t.Fatalf("Load(feed folder) = %d docs, problems %v, err %v", len(docs), problems, err)
	}
	idxDir := filepath.Join(t.TempDir(), "index")
	if _, err := index.Build(ctx, idxDir, docs, nil); err != nil {
		t.Fatal(err)
	}
	idx, err := index.Open(idxDir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	q, _ := answer.ParseQuestion("How many weather buoys will be moored along the Atlantic coast?")
	ans, err := answer.New(idx).Ask(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if ans.NoAnswer || len(ans.Quotes) == 0 || !strings.Contains(ans.Quotes[0].Text, "312 new weather buoys") {
		t.Fatalf("answer = %+v, want the buoy sentence from the feed item", ans)
	}
	if got := ans.Quotes[0].URL; got != srv.URL+"/buoys" {
		t.Errorf("quote URL = %q, want the item's link", got)
	}
}
