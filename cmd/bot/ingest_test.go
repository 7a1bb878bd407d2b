package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/briefbot/briefbot/corpus/feed"
)

// TestIngestRefusesInternalAddresses runs `bot ingest URL` on the machine
// itself, a cloud metadata service and a redirect to one: nothing is
// fetched or saved, and the error names the refused URL without the
// secrets in it.
func TestIngestRefusesInternalAddresses(t *testing.T) {
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
		_, err := runBot(t, map[string]string{"CORPUS_DIR": corpusDir}, "ingest", u)
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
}
