package main

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// slackSigned posts body to a bot serve's Slack endpoint path, signed.
func slackSigned(t *testing.T, addr, path, contentType, body string) {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(slackSecret))
	mac.Write([]byte("v0:" + ts + ":" + body))
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s = %d", path, resp.StatusCode)
	}
}

// slackMessage posts a signed message event: an app_mention, or a reply
// in channel C1's thread under thread.
func slackMessage(t *testing.T, addr, eventID, kind, text, ts, thread string) {
	t.Helper()
	threadField := ""
	if thread != "" {
		threadField = fmt.Sprintf(`,"thread_ts":%q`, thread)
	}
	body := fmt.Sprintf(`{"type":"event_callback","team_id":"T1","api_app_id":"A1","event_id":%q,"event_time":%d,
		"event":{"type":%q,"channel_type":"channel","user":"U1","text":%q,"ts":%q,"channel":%q,"event_ts":%q%s}}`,
		eventID, time.Now().Unix(), kind, text, ts, answerChannel, ts, threadField)
	slackSigned(t, addr, "/slack/events", "application/json", body)
}

// waitSlack waits for the n-th post to channel and returns it, its body
// decoded.
func waitSlack(t *testing.T, f *fakeSlack, channel string, n int) url.Values {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if got := f.delivered(channel); len(got) >= n {
			v, _ := url.ParseQuery(got[n-1].Body)
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d posts to %s after 30s, want %d", len(f.delivered(channel)), channel, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

var answerIDRE = regexp.MustCompile(`"action_id":"brief_more"[^}]*"value":"([a-z2-7]{16})"|"value":"([a-z2-7]{16})"[^}]*"action_id":"brief_more"`)

// TestConversationEndToEnd runs bot serve on the bundled sample, with the
// real engine, Slack over HTTP and Discord interactions: a question of
// stop words gets the engine's message on both; a reply in the thread
// follows up without a mention; after a restart the buttons of the first
// answer still work and bot feedback lists the verdict.
func TestConversationEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts bot serve twice")
	}
	slackAPI := newFakeSlack(t)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env := map[string]string{
		"DATA_DIR":             t.TempDir(),
		"HTTP_ADDR":            addr,
		"SLACK_BOT_TOKEN":      "xoxb-test",
		"SLACK_SIGNING_SECRET": slackSecret,
		"SLACK_API_URL":        slackAPI.URL + "/a/api/",
		"DISCORD_PUBLIC_KEY":   hex.EncodeToString(pub),
		"BOT_ENV_FILE":         "/nonexistent",
		"LOG_LEVEL":            "debug",
	}
	s := startServe(t, env)

	slackMessage(t, addr, "Ev1", "app_mention", "<@UBOT> Who said that?", "1700000000.000100", "")
	if v := waitSlack(t, slackAPI, answerChannel, 1); !strings.Contains(v.Get("text"), "no words to search for") {
		t.Errorf("Slack reply to a stop-words question = %q", v.Get("text"))
	}
	if code, body := discordAsk(t, addr, priv, "9001", "Who said that?"); code != 200 || !strings.Contains(body, "no words to search for") || strings.Contains(body, "Sorry") {
		t.Errorf("Discord reply to a stop-words question = %d %s", code, body)
	}

	const thread = "1700000001.000100"
	slackMessage(t, addr, "Ev2", "app_mention", "<@UBOT> Will the US send troops to Ukraine?", thread, "")
	first := waitSlack(t, slackAPI, answerChannel, 2)
	if first.Get("thread_ts") != thread || !strings.Contains(first.Get("blocks"), "brief_more") {
		t.Fatalf("answer = %v, want one in the thread with buttons", first)
	}
	m := answerIDRE.FindStringSubmatch(first.Get("blocks"))
	if m == nil {
		t.Fatalf("no More button in %s", first.Get("blocks"))
	}
	id := m[1] + m[2]
	slackMessage(t, addr, "Ev3", "message", "thanks!", "1700000002.000100", thread)
	slackMessage(t, addr, "Ev4", "message", "and what did Psaki say about it?", "1700000003.000100", thread)
	followUp := waitSlack(t, slackAPI, answerChannel, 3)
	if followUp.Get("thread_ts") != thread || !strings.Contains(followUp.Get("blocks"), "Following up:") {
		t.Errorf("follow-up = %v, want an answer in the thread that follows up", followUp)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("serve: %v\n%s", err, s.log)
	}

	// A restart: the buttons of the first answer still work.
	s = startServe(t, env)
	// "More" rather than "Older": the sample's quotes may all be undated,
	// and then "Older" has no day to go back from and says so privately.
	for i, action := range []string{"brief_more", "brief_helpful"} {
		payload := fmt.Sprintf(`{"type":"block_actions","trigger_id":"trig-%d","user":{"id":"U1"},"channel":{"id":%q},
			"container":{"type":"message","channel_id":%q,"message_ts":"1700000009.000100","is_ephemeral":false},
			"message":{"type":"message","ts":"1700000009.000100","thread_ts":%q},"response_url":%q,
			"actions":[{"type":"button","action_id":%q,"block_id":"brief_actions","value":%q,"action_ts":"%d.1"}]}`,
			i, answerChannel, answerChannel, thread, slackAPI.URL+"/response/"+action, action, id, i)
		slackSigned(t, addr, "/slack/interactions", "application/x-www-form-urlencoded", "payload="+url.QueryEscape(payload))
	}
	more := waitSlack(t, slackAPI, answerChannel, 4)
	if got := more.Get("text") + more.Get("blocks"); more.Get("thread_ts") != thread || !strings.Contains(got, "More quotes") && !strings.Contains(got, "No more quotes") {
		t.Errorf("More after the restart = %v", more)
	}
	var out string
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(out, "1 verdict"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("bot feedback = %q, want the Helpful click\nlog:\n%s", out, s.log)
		}
		out = runCapture(t, env, "feedback")
	}
	if !strings.Contains(out, "helpful  slack C1 U1") || !strings.Contains(out, "Q: Will the US send troops to Ukraine?") || !strings.Contains(out, "> ") {
		t.Errorf("bot feedback = %s", out)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("serve: %v\n%s", err, s.log)
	}
	if strings.Contains(s.log.String(), "level=ERROR") {
		t.Errorf("serve logged an error:\n%s", s.log)
	}
}

// runCapture runs the bot with env and returns what it printed.
func runCapture(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	cl := &cli{t: t, env: env}
	out, _, err := cl.run("", args...)
	if err != nil {
		t.Fatalf("bot %s: %v", strings.Join(args, " "), err)
	}
	return out
}
