package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func mapEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestServeWithoutPlatformNamesVariables(t *testing.T) {
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"serve"}, mapEnv(map[string]string{"DATA_DIR": t.TempDir()}), strings.NewReader(""), &out, &errb)
	if err == nil {
		t.Fatal("serve with no platform configured succeeded")
	}
	for _, v := range []string{"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_BOT_TOKEN", "DISCORD_PUBLIC_KEY"} {
		if !strings.Contains(err.Error(), v) {
			t.Errorf("error %q does not name %s", err, v)
		}
	}
}

func TestServeBadConfig(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(nil)
	base := map[string]string{"DATA_DIR": t.TempDir(), "DISCORD_PUBLIC_KEY": hex.EncodeToString(pub)}
	for name, tc := range map[string]struct{ key, val, want string }{
		"digest time":   {"DIGEST_TIME", "25:99", "DIGEST_TIME"},
		"feed interval": {"FEED_INTERVAL", "soon", "FEED_INTERVAL"},
		"feeds":         {"FEEDS", "ftp://example.org/feed", "FEEDS"},
		"http addr":     {"HTTP_ADDR", "nonsense", "HTTP_ADDR"},
		"feeds no dir":  {"FEEDS", "https://example.org/feed", "CORPUS_DIR"},
	} {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			env[tc.key] = tc.val
			var out, errb bytes.Buffer
			err := run(context.Background(), []string{"serve"}, mapEnv(env), strings.NewReader(""), &out, &errb)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("serve with %s=%q: err = %v, want one naming %s", tc.key, tc.val, err, tc.want)
			}
		})
	}
}

// TestServeHealthzAndWatch runs serve in HTTP-interactions mode on a
// loopback port: /healthz answers once the index is open, a document
// dropped into CORPUS_DIR becomes answerable without a restart, and
// cancelling the context stops serve cleanly.
func TestServeHealthzAndWatch(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole bot")
	}
	pub, _, _ := ed25519.GenerateKey(nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	corpusDir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(corpusDir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("one.md", "---\ntitle: \"Harbor statement\"\ndate: '2024-05-01'\nsource_url: https://example.gov/harbor\n---\n\nThe harbor reopened to shipping on Tuesday after repairs.\n")
	dataDir := t.TempDir()
	env := mapEnv(map[string]string{
		"DATA_DIR":           dataDir,
		"CORPUS_DIR":         corpusDir,
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub),
		"HTTP_ADDR":          addr,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out, errb syncBuffer
	go func() { done <- run(ctx, []string{"serve"}, env, strings.NewReader(""), &out, &errb) }()

	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("GET /healthz = %d, want 200", resp.StatusCode)
			}
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("/healthz never answered: %v\nlog:\n%s", err, errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	write("two.md", "---\ntitle: \"Lighthouse statement\"\ndate: '2024-05-02'\nsource_url: https://example.gov/lighthouse\n---\n\nThe lighthouse keeper counted 4,200 migrating cranes over the bay.\n")
	deadline = time.Now().Add(30 * time.Second)
	for !strings.Contains(errb.String(), "corpus changed") {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("new document was not indexed; log:\n%s", errb.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after cancel", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}

	// The index now answers from the new document.
	var ans bytes.Buffer
	err = run(context.Background(), []string{"ask", "--json", "How many cranes did the lighthouse keeper count?"}, env, strings.NewReader(""), &ans, &errb)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ans.String(), "4,200 migrating cranes") {
		t.Fatalf("answer after the folder changed = %s, want the lighthouse quote", ans.String())
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's and the test's
// goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
