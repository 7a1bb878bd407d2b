package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"slices"
	"time"
)

const healthUsage = `Usage: bot health [--url URL]

Asks a running bot serve whether it is up: GET /healthz on HTTP_ADDR
(default :8080; a host of 0.0.0.0, :: or none means this machine).
Exits 0 when it answers 200, 1 otherwise, and prints "ok", or "degraded"
with each platform that is not up (starting, or retrying after a failure:
serve keeps the other platforms running meanwhile). The Docker image's
HEALTHCHECK runs it: the image has no shell or curl.

Flags:`

func runHealth(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("health", healthUsage)
	url := fs.String("url", "", "health URL to check (default: http://HTTP_ADDR/healthz)")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for the answer")
	if err := parseFlags(fs, args, 0, "health takes no arguments, got %q"); err != nil {
		return err
	}
	if err := m.configure(nil); err != nil {
		return err
	}
	if *url == "" {
		*url = healthURL(m.cfg.listenAddr())
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return usageError(fmt.Sprintf("--url %q: %v", *url, err))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: %s answered %s", *url, resp.Status)
	}
	var report healthReport
	if json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&report) != nil || report.Status == "" {
		report.Status = "ok" // an older bot answers a plain "ok"
	}
	fmt.Fprintln(m.stdout, report.Status)
	for _, name := range slices.Sorted(maps.Keys(report.Platforms)) {
		h := report.Platforms[name]
		if h.State == "up" {
			continue
		}
		line := fmt.Sprintf("  %s: %s", name, h.State)
		if h.Failures > 0 {
			line += fmt.Sprintf(", %d failures, last: %s", h.Failures, h.LastError)
		}
		if h.RetryAt != nil {
			line += ", next try at " + h.RetryAt.Format(time.RFC3339)
		}
		fmt.Fprintln(m.stdout, line)
	}
	return nil
}

// healthURL is the /healthz URL of a bot listening on addr (host:port).
func healthURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/healthz"
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz"
}
