package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/briefbot/briefbot/corpus"
)

// TestSecretsInSettingsRedacted: a password or token inside a URL setting
// never appears in what the bot prints, whether the setting is rejected
// (the error main prints) or used (warnings and logs).
func TestSecretsInSettingsRedacted(t *testing.T) {
	const secret = "hunter2"
	key := strings.Repeat("ab", 32)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string // the error names this
	}{
		{"discord api url with password", map[string]string{"DISCORD_PUBLIC_KEY": key, "DISCORD_API_URL": "https://admin:" + secret + "@proxy.example/api"}, []string{"serve"}, "DISCORD_API_URL"},
		{"discord api url with token", map[string]string{"DISCORD_PUBLIC_KEY": key, "DISCORD_API_URL": "https://proxy.example/api?token=" + secret}, []string{"serve"}, "DISCORD_API_URL"},
		{"discord api url without scheme", map[string]string{"DISCORD_PUBLIC_KEY": key, "DISCORD_API_URL": "admin:" + secret + "@proxy.example"}, []string{"serve"}, "DISCORD_API_URL"},
		{"feeds", map[string]string{"FEEDS": "https://ok.example/rss, ftp://reader:" + secret + "@feeds.example/rss?token=" + secret}, []string{"serve"}, "FEEDS"},
		{"feeds without scheme", map[string]string{"FEEDS": "reader:" + secret + "@feeds.example/rss"}, []string{"serve"}, "FEEDS"},
		{"health url", map[string]string{}, []string{"health", "--url", "http://admin:" + secret + "@127.0.0.1:1/healthz?token=" + secret}, "unhealthy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t)
			for k, v := range tt.env {
				c.env[k] = v
			}
			out, stderr, err := c.run("", tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("bot %s = %v, want an error naming %s", tt.args[0], err, tt.want)
			}
			if strings.Contains(err.Error()+out+stderr, secret) {
				t.Errorf("bot %s printed the secret: %v\n%s%s", tt.args[0], err, out, stderr)
			}
		})
	}
}

// TestLogRedactsURLs: the logger every command, adapter and the feed
// poller log through masks URLs' user information and query values.
func TestLogRedactsURLs(t *testing.T) {
	var stderr bytes.Buffer
	m := &Main{getenv: mapEnv(map[string]string{}), stderr: &stderr}
	if err := m.configure(nil); err != nil {
		t.Fatal(err)
	}
	m.logger.With("component", "feeds").Warn("feed problem",
		"err", errors.New(`feed https://feeds.example/rss?token=hunter2: Get "https://u:***@feeds.example/rss?token=hunter2": 403 Forbidden`))
	if strings.Contains(stderr.String(), "hunter2") || !strings.Contains(stderr.String(), "feeds.example/rss?token=REDACTED") {
		t.Errorf("log = %s, want the feed URL with its token masked", stderr.String())
	}
}

// TestReportProblemsRedacted: the documents skipped or cut are listed
// without the passwords and tokens of the URLs in their reasons.
func TestReportProblemsRedacted(t *testing.T) {
	var out bytes.Buffer
	reportProblems(&out, []corpus.Problem{
		{File: "a.jsonl", Line: 3, Reason: "bad url https://u:hunter2@example.org/x?token=hunter2"},
		{File: "b.md", Reason: "body cut to 1 MB; source https://example.org/y?key=hunter2", Warning: true},
	})
	got := out.String()
	if strings.Contains(got, "hunter2") || !strings.Contains(got, "skipped a.jsonl:3:") || !strings.Contains(got, "warning: b.md:") {
		t.Errorf("reportProblems = %q, want both listed with the secrets masked", got)
	}
}
