package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

func TestHealthURL(t *testing.T) {
	for addr, want := range map[string]string{
		":8080":          "http://127.0.0.1:8080/healthz",
		"0.0.0.0:9000":   "http://127.0.0.1:9000/healthz",
		"[::]:8080":      "http://127.0.0.1:8080/healthz",
		"10.0.0.5:8080":  "http://10.0.0.5:8080/healthz",
		"localhost:8081": "http://localhost:8081/healthz",
	} {
		if got := healthURL(addr); got != want {
			t.Errorf("healthURL(%q) = %q, want %q", addr, got, want)
		}
	}
}

func TestHealthCommand(t *testing.T) {
	status, body := http.StatusOK, ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	defer srv.Close()
	c := newCLI(t)
	c.env["HTTP_ADDR"] = strings.TrimPrefix(srv.URL, "http://")
	if out, _, err := c.run("", "health"); err != nil || out != "ok\n" {
		t.Errorf("bot health on a healthy bot = %q, %v; want ok", out, err)
	}
	body = `{"status":"degraded","platforms":{"slack":{"state":"up"},"discord":{"state":"retrying","failures":3,` +
		`"last_error":"discord: open gateway: websocket: bad handshake","retry_at":"2026-11-30T12:00:00Z"}}}`
	out, _, err := c.run("", "health")
	want := "degraded\n  discord: retrying, 3 failures, last: discord: open gateway: websocket: bad handshake, next try at 2026-11-30T12:00:00Z\n"
	if err != nil || out != want {
		t.Errorf("bot health on a degraded bot = %q, %v; want %q", out, err, want)
	}
	// With DATABASE_URL: the database and the shared corpus as well.
	body = `{"status":"degraded","index":{"documents":2,"following":{"seq":7,"error":"read changes: connection refused"}},` +
		`"database":{"reachable":false,"error":"connection refused"},"platforms":{"slack":{"state":"up"},"discord":{"state":"starting"}}}`
	out, _, err = c.run("", "health")
	want = "degraded\n  shared corpus: read changes: connection refused\n  database: unreachable: connection refused\n  discord: starting\n"
	if err != nil || out != want {
		t.Errorf("bot health with the database down = %q, %v; want %q", out, err, want)
	}
	status = http.StatusServiceUnavailable
	body = `{"status":"unhealthy","index":{"documents":0,"error":"index is corrupt"},"platforms":{}}`
	if _, _, err := c.run("", "health"); err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "index is corrupt") {
		t.Errorf("bot health on a 503 = %v, want an error naming it and the index's error", err)
	}
	body = ""
	if _, _, err := c.run("", "health"); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("bot health on a 503 = %v, want an error naming it", err)
	}
	srv.Close()
	if _, _, err := c.run("", "health"); err == nil || !strings.Contains(err.Error(), "unhealthy") {
		t.Errorf("bot health with nothing listening = %v, want unhealthy", err)
	}
}

// TestHealthz: GET /healthz reports the index and each platform in one
// JSON report with one status, and bot health reads it.
func TestHealthz(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	doc := corpus.Document{ID: "a", Title: "Briefing", Date: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Body: "The harbor reopened."}
	if _, err := index.Build(context.Background(), dir, []corpus.Document{doc}, nil); err != nil {
		t.Fatal(err)
	}
	idx, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	var slackUp, discordUp atomic.Bool
	slackUp.Store(true)
	sup := func(name string, up *atomic.Bool) *supervisor {
		return &supervisor{name: name, log: slog.New(slog.DiscardHandler), now: time.Now,
			stats: func() platformStats { return platformStats{Up: up.Load(), Answered: 2} }}
	}
	srv := httptest.NewServer(&healthz{idx: idx, sups: []*supervisor{sup("slack", &slackUp), sup("discord", &discordUp)}})
	defer srv.Close()

	get := func() (healthReport, *http.Response) {
		t.Helper()
		resp, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var rep healthReport
		if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
			t.Fatal(err)
		}
		return rep, resp
	}
	rep, resp := get()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("GET /healthz = %s, Cache-Control %q; want 200, no-store", resp.Status, resp.Header.Get("Cache-Control"))
	}
	if rep.Status != "degraded" || rep.Index.Documents != 1 || rep.Database != nil ||
		rep.Platforms["slack"].State != "up" || rep.Platforms["slack"].Answered != 2 || rep.Platforms["discord"].State != "starting" {
		t.Errorf("/healthz with discord starting = %+v", rep)
	}
	c := newCLI(t)
	if out, _, err := c.run("", "health", "--url", srv.URL); err != nil || out != "degraded\n  discord: starting\n" {
		t.Errorf("bot health = %q, %v; want degraded with discord starting", out, err)
	}
	discordUp.Store(true)
	if rep, _ := get(); rep.Status != "ok" {
		t.Errorf("/healthz with everything up = %+v, want ok", rep)
	}
	if out, _, err := c.run("", "health", "--url", srv.URL); err != nil || out != "ok\n" {
		t.Errorf("bot health = %q, %v; want ok", out, err)
	}
}
