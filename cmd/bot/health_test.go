package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
	status = http.StatusServiceUnavailable
	if _, _, err := c.run("", "health"); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("bot health on a 503 = %v, want an error naming it", err)
	}
	srv.Close()
	if _, _, err := c.run("", "health"); err == nil || !strings.Contains(err.Error(), "unhealthy") {
		t.Errorf("bot health with nothing listening = %v, want unhealthy", err)
	}
}
