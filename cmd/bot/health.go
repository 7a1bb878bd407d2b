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

	"github.com/briefbot/briefbot/index"
	"github.com/briefbot/briefbot/postgres"
	"github.com/briefbot/briefbot/redact"
)

const healthUsage = `Usage: bot health [--url URL]

Asks a running bot serve whether it is up: GET /healthz on HTTP_ADDR
(default :8080; a host of 0.0.0.0, :: or none means this machine).
Exits 0 when it answers 200, 1 otherwise, and prints "ok", or "degraded"
with what is wrong: the database unreachable (with DATABASE_URL; the bot
answers from its index meanwhile), the shared corpus not followed, or a
platform not up (starting, or retrying after a failure: serve keeps the
other platforms running meanwhile). The Docker image's HEALTHCHECK runs
it: the image has no shell or curl.

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
	var report healthReport
	decodeErr := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&report)
	if resp.StatusCode != http.StatusOK {
		if decodeErr == nil && report.Index.Error != "" {
			return fmt.Errorf("unhealthy: %s answered %s: index: %s", *url, resp.Status, report.Index.Error)
		}
		return fmt.Errorf("unhealthy: %s answered %s", *url, resp.Status)
	}
	if decodeErr != nil || report.Status == "" {
		report.Status = "ok" // an older bot answers a plain "ok"
	}
	fmt.Fprintln(m.stdout, report.Status)
	for _, line := range report.problems() {
		fmt.Fprintln(m.stdout, "  "+line)
	}
	return nil
}

// problems are the lines bot health prints under "degraded": each part of
// the bot that is not well.
func (r healthReport) problems() []string {
	var lines []string
	if r.Index.Error != "" {
		lines = append(lines, "index: "+r.Index.Error)
	}
	if f := r.Index.Following; f != nil && f.Error != "" {
		lines = append(lines, "shared corpus: "+f.Error)
	}
	if d := r.Database; d != nil && !d.Reachable {
		lines = append(lines, "database: unreachable: "+d.Error)
	}
	for _, name := range slices.Sorted(maps.Keys(r.Platforms)) {
		h := r.Platforms[name]
		if h.State == "up" {
			continue
		}
		line := fmt.Sprintf("%s: %s", name, h.State)
		if h.Failures > 0 {
			line += fmt.Sprintf(", %d failures, last: %s", h.Failures, h.LastError)
		}
		if h.RetryAt != nil {
			line += ", next try at " + h.RetryAt.Format(time.RFC3339)
		}
		lines = append(lines, line)
	}
	return lines
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

// healthz answers GET /healthz with a healthReport: 200 while the bot can
// answer, 503 when its index cannot be read. A database that is down or a
// platform that is not up makes the bot "degraded", not unhealthy:
// restarting the process would not bring Discord or the database back, and
// would stop what works (the index still answers, the other platforms
// still serve).
type healthz struct {
	idx  *index.Index
	fol  *follower    // nil without DATABASE_URL
	db   *postgres.DB // nil without DATABASE_URL
	sups []*supervisor
}

// healthReport is the body of GET /healthz, which bot health reads.
type healthReport struct {
	// Status is "ok" when the index is open, the database (with
	// DATABASE_URL) reachable and every platform up; "degraded" when the
	// bot answers but one of those is not well; "unhealthy" (with a 503)
	// when the index cannot be read.
	Status    string                    `json:"status"`
	Index     indexHealth               `json:"index"`
	Database  *databaseHealth           `json:"database,omitempty"`
	Platforms map[string]platformHealth `json:"platforms"`
}

type indexHealth struct {
	Documents int           `json:"documents"`
	Following *followStatus `json:"following,omitempty"` // the shared corpus
	Error     string        `json:"error,omitempty"`
}

type databaseHealth struct {
	Reachable bool   `json:"reachable"`
	Schema    int    `json:"schema_version,omitempty"`
	Error     string `json:"error,omitempty"`
}

// healthOf is the report on the platforms alone: each one's state, and
// "degraded" unless all are up.
func healthOf(sups []*supervisor) healthReport {
	r := healthReport{Status: "ok", Platforms: make(map[string]platformHealth)}
	for _, s := range sups {
		h := s.health()
		r.Platforms[s.name] = h
		if h.State != "up" {
			r.Status = "degraded"
		}
	}
	return r
}

func (h *healthz) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rep := healthOf(h.sups)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	docs, _, err := h.idx.Count()
	rep.Index.Documents = docs
	if err != nil {
		// The report is public to whoever reaches HTTP_ADDR: errors are
		// redacted like the logs.
		rep.Status, rep.Index.Error = "unhealthy", redact.Text(err.Error())
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(rep)
		return
	}
	if h.fol != nil {
		fs := h.fol.status()
		fs.Error = redact.Text(fs.Error)
		rep.Index.Following = &fs
	}
	if h.db != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		v, err := h.db.Version(ctx)
		cancel()
		if err != nil {
			rep.Status = "degraded"
			rep.Database = &databaseHealth{Error: redact.Text(err.Error())}
		} else {
			rep.Database = &databaseHealth{Reachable: true, Schema: v}
		}
	}
	json.NewEncoder(w).Encode(rep)
}
