package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/briefbot/briefbot/postgres"
	"github.com/briefbot/briefbot/postgres/pgtest"
)

// TestMain lets the PostgreSQL tests start this test binary as `bot`: with
// BRIEFBOT_TEST_BOT_ARGS set, it runs the command line instead of the
// tests, so a test can kill -9 a real bot process.
func TestMain(m *testing.M) {
	if args := os.Getenv("BRIEFBOT_TEST_BOT_ARGS"); args != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, strings.Fields(args), os.Getenv, os.Stdin, os.Stdout, os.Stderr)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "bot:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const (
	slackSecret    = "test-signing-secret"
	digestChannel  = "CDIGEST"
	answerChannel  = "C1"
	craneQuestion  = "How many cranes did the lighthouse keeper count?"
	craneDocument  = "---\ntitle: \"Lighthouse statement\"\ndate: '2024-05-02'\nsource_url: https://example.gov/lighthouse\n---\n\nThe lighthouse keeper counted 4,200 migrating cranes over the bay.\n"
	harborDocument = "---\ntitle: \"Harbor statement\"\ndate: '2024-05-01'\nsource_url: https://example.gov/harbor\n---\n\nThe harbor reopened to shipping on Tuesday after three weeks of repairs.\n"
)

// slackPost is one chat.postMessage the fake Slack received.
type slackPost struct {
	Replica   string // which replica's API URL it came through
	Channel   string
	Body      string
	Delivered bool // answered ok to a client still there
}

// fakeSlack is the Slack Web API for every replica; each replica has its
// own base URL (/<replica>/api/) so posts can be told apart. hold, when
// set, may keep a post waiting until release is closed.
type fakeSlack struct {
	*httptest.Server
	mu    sync.Mutex
	posts []slackPost
	hold  func(p slackPost) (release <-chan struct{}) // nil: answer at once
}

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		method := parts[len(parts)-1]
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		switch method {
		case "auth.test":
			io.WriteString(w, `{"ok":true,"user_id":"UBOT","bot_id":"BBOT","team_id":"T1","user":"briefbot"}`)
		case "chat.postMessage":
			p := slackPost{Replica: parts[0], Channel: r.Form.Get("channel"), Body: r.Form.Encode()}
			f.mu.Lock()
			hold := f.hold
			f.mu.Unlock()
			if hold != nil {
				if release := hold(p); release != nil {
					select {
					case <-release:
					case <-r.Context().Done():
					}
				}
			}
			if r.Context().Err() != nil {
				f.record(p) // the sender died: Slack never got it
				return
			}
			p.Delivered = true
			f.record(p)
			fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700000000.%06d"}`, p.Channel, len(f.all()))
		default:
			io.WriteString(w, `{"ok":true}`)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeSlack) record(p slackPost) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.posts = append(f.posts, p)
}

func (f *fakeSlack) all() []slackPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]slackPost(nil), f.posts...)
}

// delivered returns the posts to channel that reached Slack.
func (f *fakeSlack) delivered(channel string) []slackPost {
	var out []slackPost
	for _, p := range f.all() {
		if p.Channel == channel && p.Delivered {
			out = append(out, p)
		}
	}
	return out
}

// replicaEnv is the environment of one replica sharing dbURL.
func replicaEnv(t *testing.T, name, dbURL string, slackAPI *fakeSlack, pub ed25519.PublicKey) map[string]string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return map[string]string{
		"DATA_DIR":             t.TempDir(),
		"CORPUS_DIR":           t.TempDir(),
		"HTTP_ADDR":            addr,
		"DATABASE_URL":         dbURL,
		"SLACK_BOT_TOKEN":      "xoxb-test",
		"SLACK_SIGNING_SECRET": slackSecret,
		"SLACK_API_URL":        slackAPI.URL + "/" + name + "/api/",
		"DISCORD_PUBLIC_KEY":   hex.EncodeToString(pub),
		"DIGEST_TIME":          "00:00",
		"DIGEST_CHANNELS":      "slack:" + digestChannel,
		"DIGEST_EMPTY":         "post",
		"DIGEST_CLAIM_TIMEOUT": "2s",
		"LOG_LEVEL":            "debug",
	}
}

// subscribeSince subscribes the digest channel as if since long ago, so
// that today's slot (DIGEST_TIME 00:00) is due the moment a replica starts.
func subscribeSince(t *testing.T, dbURL string) {
	db, err := postgres.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rec := fmt.Sprintf(`{"active":true,"from_env":true,"start":%q}`, time.Now().Add(-72*time.Hour).UTC().Format(time.RFC3339))
	err = db.Digests().Update(context.Background(), "slack:"+digestChannel, func([]byte) ([]byte, error) { return []byte(rec), nil })
	if err != nil {
		t.Fatal(err)
	}
}

// digestDate reads the local date of the channel's last digest.
func digestDate(t *testing.T, dbURL string) string {
	db, err := postgres.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v, err := db.Digests().Get(context.Background(), "slack:"+digestChannel)
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Date string `json:"date"`
	}
	json.Unmarshal(v, &rec)
	return rec.Date
}

// serving is a bot serve running in this process.
type serving struct {
	env  map[string]string
	log  *syncBuffer
	stop func() error
}

func startServe(t *testing.T, env map[string]string) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	s := &serving{env: env, log: &syncBuffer{}}
	go func() { done <- run(ctx, []string{"serve"}, mapEnv(env), strings.NewReader(""), io.Discard, s.log) }()
	var once sync.Once
	var err error
	s.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(60 * time.Second):
				err = fmt.Errorf("serve did not stop")
			}
		})
		return err
	}
	t.Cleanup(func() { s.stop() })
	waitHealthy(t, env["HTTP_ADDR"], s.log)
	return s
}

func waitHealthy(t *testing.T, addr string, log fmt.Stringer) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz on %s never answered: %v\nlog:\n%s", addr, err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// health reads /healthz.
func health(t *testing.T, addr string) healthReport {
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rep healthReport
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// slackEvent posts a signed app_mention event to a replica.
func slackEvent(t *testing.T, addr, eventID, text string) int {
	body := fmt.Sprintf(`{"type":"event_callback","team_id":"T1","api_app_id":"A1","event_id":%q,"event_time":%d,
		"event":{"type":"app_mention","user":"U1","text":"<@UBOT> %s","ts":"1700000000.000100","channel":%q,"event_ts":"1700000000.000100"}}`,
		eventID, time.Now().Unix(), text, answerChannel)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(slackSecret))
	mac.Write([]byte("v0:" + ts + ":" + body))
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/events", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// discordAsk posts a signed /ask interaction to a replica and returns the
// status and the response body.
func discordAsk(t *testing.T, addr string, key ed25519.PrivateKey, id, question string) (int, string) {
	body := fmt.Sprintf(`{"id":%q,"application_id":"111","type":2,"token":"tok","channel_id":"222","guild_id":"333",
		"member":{"user":{"id":"444","username":"reporter"}},
		"data":{"id":"555","name":"ask","type":1,"options":[{"name":"question","type":3,"value":%q}]}}`, id, question)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sig := ed25519.Sign(key, []byte(ts+body))
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/discord/interactions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// askBoth sends the same interaction to a and b at once: exactly one may
// answer; it returns that answer.
func askBoth(t *testing.T, a, b string, key ed25519.PrivateKey, id, question string) string {
	t.Helper()
	var wg sync.WaitGroup
	codes, bodies := make([]int, 2), make([]string, 2)
	for i, addr := range []string{a, b} {
		wg.Go(func() { codes[i], bodies[i] = discordAsk(t, addr, key, id, question) })
	}
	wg.Wait()
	answered := 0
	var body string
	for i := range codes {
		switch codes[i] {
		case http.StatusOK:
			answered++
			body = bodies[i]
		case http.StatusConflict:
		default:
			t.Errorf("interaction %s: replica %d answered %d %s", id, i, codes[i], bodies[i])
		}
	}
	if answered != 1 {
		t.Fatalf("interaction %s sent to two replicas: %d answers (%v), want 1", id, answered, codes)
	}
	return body
}

// TestReplicasShareOneDatabase runs two bot serve replicas on one
// database: the same Slack event and the same Discord interaction get one
// answer, both schedulers at the digest minute post once, and a document
// ingested through one replica, or dropped in its folder, is answered by
// the other within seconds.
func TestReplicasShareOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two bots")
	}
	dbURL := pgtest.URL(t)
	slackAPI := newFakeSlack(t)
	pub, key, _ := ed25519.GenerateKey(nil)
	subscribeSince(t, dbURL)
	envA, envB := replicaEnv(t, "a", dbURL, slackAPI, pub), replicaEnv(t, "b", dbURL, slackAPI, pub)
	// Both start together: both schedulers find today's digest due.
	var wg sync.WaitGroup
	var a, b *serving
	wg.Go(func() { a = startServe(t, envA) })
	wg.Go(func() { b = startServe(t, envB) })
	wg.Wait()
	if t.Failed() {
		return
	}
	addrA, addrB := envA["HTTP_ADDR"], envB["HTTP_ADDR"]

	// A document ingested through A is answered by B.
	doc := filepath.Join(t.TempDir(), "lighthouse.md")
	os.WriteFile(doc, []byte(craneDocument), 0o644)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"ingest", doc}, mapEnv(envA), strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatalf("ingest: %v", err)
	}
	start := time.Now()
	for health(t, addrB).Index.Documents < 1 {
		if time.Since(start) > 15*time.Second {
			t.Fatalf("replica B never indexed the document ingested through A; B's log:\n%s", b.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("ingested through A, indexed by B after %v", time.Since(start).Round(time.Millisecond))

	// The same interaction reaches both replicas: one answer.
	if ans := askBoth(t, addrA, addrB, key, "900000000000000001", craneQuestion); !strings.Contains(ans, "4,200 migrating cranes") {
		t.Errorf("answer = %s, want the lighthouse quote", ans)
	}

	// The same Slack event reaches both replicas (a retry through the load
	// balancer): one answer.
	for _, addr := range []string{addrA, addrB, addrA} {
		if code := slackEvent(t, addr, "Ev0001", craneQuestion); code != http.StatusOK {
			t.Fatalf("slack event: %d", code)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(slackAPI.delivered(answerChannel)) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second) // time for a second answer, were there one
	if got := slackAPI.delivered(answerChannel); len(got) != 1 || !strings.Contains(got[0].Body, "4%2C200+migrating+cranes") {
		t.Errorf("Slack answers to one event sent to two replicas = %d %v, want 1 with the quote", len(got), got)
	}

	// A file dropped into B's corpus folder is answered by A.
	os.WriteFile(filepath.Join(envB["CORPUS_DIR"], "harbor.md"), []byte(harborDocument), 0o644)
	deadline = time.Now().Add(20 * time.Second)
	for health(t, addrA).Index.Documents < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("A never indexed the file dropped into B's folder; B's log:\n%s", b.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, ans := discordAsk(t, addrA, key, "900000000000000002", "When did the harbor reopen to shipping?"); !strings.Contains(ans, "reopened to shipping on Tuesday") {
		t.Errorf("A's answer about B's file = %s", ans)
	}

	// Both schedulers found today's digest due at start: one post.
	if got := slackAPI.delivered(digestChannel); len(got) != 1 {
		t.Errorf("digests posted by two replicas at the digest minute = %d, want 1", len(got))
	}
	if d := digestDate(t, dbURL); d != time.Now().UTC().Format(time.DateOnly) {
		t.Errorf("digest date recorded = %q, want today", d)
	}
	rep := health(t, addrB)
	if rep.Status != "ok" || rep.Database == nil || !rep.Database.Reachable || rep.Index.Following == nil || rep.Index.Following.Seq == 0 {
		t.Errorf("/healthz = %+v", rep)
	}
	for _, s := range []*serving{a, b} {
		if err := s.stop(); err != nil {
			t.Errorf("serve: %v\n%s", err, s.log)
		}
	}
}

// botProcess is a bot serve in a process of its own, to kill -9.
type botProcess struct {
	cmd *exec.Cmd
	log *syncBuffer
}

func startBot(t *testing.T, env map[string]string) *botProcess {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "BRIEFBOT_TEST_BOT_ARGS=serve", pgtest.Env+"=")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &botProcess{cmd: cmd, log: &syncBuffer{}}
	cmd.Stdout, cmd.Stderr = p.log, p.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return p
}

// TestDigestOnceAcrossKill starts two bot processes on one database with
// today's digest due: a kill -9 of either, while the other holds the post
// or while it is itself posting, still gives exactly one digest.
func TestDigestOnceAcrossKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts bot processes")
	}
	for _, killHolder := range []bool{true, false} {
		name := map[bool]string{true: "the poster killed mid-post", false: "the other killed"}[killHolder]
		t.Run(name, func(t *testing.T) {
			dbURL := pgtest.URL(t)
			slackAPI := newFakeSlack(t)
			pub, _, _ := ed25519.GenerateKey(nil)
			subscribeSince(t, dbURL)
			bots := map[string]*botProcess{}
			envs := map[string]map[string]string{}
			for _, n := range []string{"a", "b"} {
				envs[n] = replicaEnv(t, n, dbURL, slackAPI, pub)
			}
			first := make(chan string, 1)
			release := make(chan struct{})
			var once sync.Once
			slackAPI.mu.Lock()
			slackAPI.hold = func(p slackPost) <-chan struct{} {
				if p.Channel != digestChannel {
					return nil
				}
				held := false
				once.Do(func() { held = true; first <- p.Replica })
				if held {
					return release
				}
				return nil
			}
			slackAPI.mu.Unlock()
			for n, env := range envs {
				bots[n] = startBot(t, env)
			}
			var holder string
			select {
			case holder = <-first:
			case <-time.After(60 * time.Second):
				t.Fatalf("no digest post; logs:\n%s\n%s", bots["a"].log, bots["b"].log)
			}
			other := map[string]string{"a": "b", "b": "a"}[holder]
			victim := map[bool]string{true: holder, false: other}[killHolder]
			if err := bots[victim].cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			bots[victim].cmd.Wait()
			if !killHolder {
				close(release) // the holder's post goes through
			} // else the held post dies with its sender: Slack never got it
			defer func() {
				if killHolder {
					close(release)
				}
			}()
			survivor := map[string]string{"a": "b", "b": "a"}[victim]
			deadline := time.Now().Add(60 * time.Second)
			for digestDate(t, dbURL) != time.Now().UTC().Format(time.DateOnly) {
				if time.Now().After(deadline) {
					t.Fatalf("digest never recorded after a kill -9 of %s (holder %s); survivor's log:\n%s", victim, holder, bots[survivor].log)
				}
				time.Sleep(100 * time.Millisecond)
			}
			time.Sleep(4 * time.Second) // longer than DIGEST_CLAIM_TIMEOUT: a second post would show
			if got := slackAPI.delivered(digestChannel); len(got) != 1 {
				t.Fatalf("digests delivered after a kill -9 of %s (holder %s) = %d, want 1; survivor's log:\n%s", victim, holder, len(got), bots[survivor].log)
			}
		})
	}
}

// tcpProxy forwards loopback connections to target until cut: then it
// drops every connection and refuses new ones until restored, as a
// database that went away would.
type tcpProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]bool
}

func newProxy(t *testing.T, target string) *tcpProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	t.Cleanup(func() { ln.Close(); p.cut() })
	return p
}

func (p *tcpProxy) serve(c net.Conn) {
	p.mu.Lock()
	if p.down {
		p.mu.Unlock()
		c.Close()
		return
	}
	p.mu.Unlock()
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[up] = true, true
	p.mu.Unlock()
	go func() { io.Copy(up, c); up.Close() }()
	io.Copy(c, up)
	c.Close()
}

func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *tcpProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// TestDatabaseDownAndBack cuts the database away from a running bot right
// after its digest went out, before it could record it: the bot keeps
// answering from its index, reports the database on /healthz, does not
// crash, records the digest once the database is back, and never posts it
// twice.
func TestDatabaseDownAndBack(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the bot")
	}
	dbURL := pgtest.URL(t)
	u, _ := url.Parse(dbURL)
	proxy := newProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	proxied := u.String()

	// The corpus first, straight to the database.
	slackAPI := newFakeSlack(t)
	pub, key, _ := ed25519.GenerateKey(nil)
	env := replicaEnv(t, "a", proxied, slackAPI, pub)
	doc := filepath.Join(t.TempDir(), "lighthouse.md")
	os.WriteFile(doc, []byte(craneDocument), 0o644)
	if err := run(context.Background(), []string{"ingest", doc}, mapEnv(env), strings.NewReader(""), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	subscribeSince(t, dbURL)

	// The database goes away the moment the digest is posted.
	restored := make(chan struct{})
	slackAPI.hold = func(p slackPost) <-chan struct{} {
		if p.Channel == digestChannel {
			select {
			case <-restored:
			default:
				proxy.cut()
			}
		}
		return nil
	}
	s := startServe(t, env)
	deadline := time.Now().Add(30 * time.Second)
	for len(slackAPI.delivered(digestChannel)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no digest; log:\n%s", s.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Down: questions are still answered, /healthz says so.
	if code, ans := discordAsk(t, env["HTTP_ADDR"], key, "900000000000000003", craneQuestion); code != 200 || !strings.Contains(ans, "4,200 migrating cranes") {
		t.Errorf("answer while the database is down = %d %s", code, ans)
	}
	if rep := health(t, env["HTTP_ADDR"]); rep.Status != "degraded" || rep.Database.Reachable {
		t.Errorf("/healthz while the database is down = %+v", rep)
	}
	time.Sleep(3 * time.Second)
	if d := digestDate(t, dbURL); d != "" {
		t.Fatalf("digest recorded while the database was down: %q", d)
	}
	close(restored)
	proxy.restore()
	deadline = time.Now().Add(60 * time.Second)
	for digestDate(t, dbURL) != time.Now().UTC().Format(time.DateOnly) {
		if time.Now().After(deadline) {
			t.Fatalf("digest never recorded after the database came back; log:\n%s", s.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(3 * time.Second)
	if got := slackAPI.delivered(digestChannel); len(got) != 1 {
		t.Errorf("digests posted across the outage = %d, want 1", len(got))
	}
	for health(t, env["HTTP_ADDR"]).Status != "ok" {
		if time.Now().After(deadline) {
			t.Fatal("/healthz never ok again")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("serve after the outage: %v\n%s", err, s.log)
	}
}

// TestServeUnreachableDatabase: a bad DATABASE_URL at start is an error
// naming it, without the password.
func TestServeUnreachableDatabase(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(nil)
	env := map[string]string{
		"DATA_DIR":           t.TempDir(),
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub),
		"DATABASE_URL":       "postgres://briefbot:hunter2@127.0.0.1:1/briefbot?connect_timeout=2",
	}
	err := run(context.Background(), []string{"serve"}, mapEnv(env), strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("serve with an unreachable database: %v; want an error naming DATABASE_URL without the password", err)
	}
	env["DATABASE_URL"] = "mysql://x"
	if err := run(context.Background(), []string{"serve"}, mapEnv(env), strings.NewReader(""), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Fatalf("serve with DATABASE_URL=mysql://x: %v", err)
	}
}
