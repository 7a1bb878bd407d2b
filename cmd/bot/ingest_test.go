package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/briefbot/briefbot/corpus/feed"
	"github.com/briefbot/briefbot/postgres"
	"github.com/briefbot/briefbot/postgres/pgtest"
)

// TestIngestRefusesInternalAddresses runs `bot ingest URL` on the machine
// itself, a cloud metadata service and a redirect to one: nothing is
// fetched or saved, and the error names the refused URL without the
// secrets in it. With DATABASE_URL, nothing reaches the shared corpus
// either.
func TestIngestRefusesInternalAddresses(t *testing.T) {
	t.Run("corpus folder", func(t *testing.T) { testIngestRefuses(t, "") })
	t.Run("shared corpus", func(t *testing.T) { testIngestRefuses(t, pgtest.URL(t)) })
}

func testIngestRefuses(t *testing.T, dbURL string) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/go" {
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
			return
		}
		hits.Add(1)
		fmt.Fprint(w, "<html><body><p>internal</p></body></html>")
	}))
	defer srv.Close()
	corpusDir := t.TempDir()
	for _, u := range []string{
		srv.URL + "/page?token=s3cr3t",
		strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/page",
		srv.URL + "/go",
		"http://169.254.169.254/latest/meta-data/",
		"http://[fd00:ec2::254]/latest/meta-data/",
		"http://100.100.100.200/latest/meta-data/",
	} {
		env := map[string]string{"CORPUS_DIR": corpusDir}
		if dbURL != "" {
			env["DATABASE_URL"] = dbURL
		}
		_, err := runBot(t, env, "ingest", u)
		if !errors.Is(err, feed.ErrForbiddenAddress) || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("bot ingest %s: error %v, want ErrForbiddenAddress, no secret", u, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback server served %d pages, want none", n)
	}
	if entries, _ := os.ReadDir(corpusDir); len(entries) != 0 {
		t.Errorf("bot ingest saved %d entries, want none", len(entries))
	}
	if dbURL == "" {
		return
	}
	db, err := postgres.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, n, err := db.Corpus().Last(context.Background()); err != nil || n != 0 {
		t.Errorf("shared corpus holds %d documents (%v), want none", n, err)
	}
}
