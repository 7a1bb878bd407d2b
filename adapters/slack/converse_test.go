package slack

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/conversation"
	"github.com/briefbot/briefbot/feedback"
)

// testClock is a clock a test moves.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// waitPosts waits until f has recorded n messages of method.
func (f *fakeSlack) waitPosts(method string, n int) []recorded {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := f.recorded(method)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			f.t.Errorf("%d %s posts after 10s, want %d: %+v", len(got), method, n, got)
			return got
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// send sends an envelope and waits for its acknowledgement.
func (c *wsConn) sendAcked(env map[string]any) {
	c.send(env)
	c.waitAck(env["envelope_id"].(string))
}

var answerIDRE = regexp.MustCompile(`"value":"([a-z2-7]{16})"`)

// answerID returns the answer ID the buttons of a posted message carry.
func answerID(t *testing.T, p recorded) string {
	t.Helper()
	m := answerIDRE.FindStringSubmatch(p.Blocks)
	if m == nil {
		t.Fatalf("no buttons with an answer ID in %s", p.Blocks)
	}
	return m[1]
}

// TestThreadFollowUps: in a channel thread the bot answered, the person
// who asked follows up without a mention and the earlier question carries
// over; chatter is ignored; the bot stops when someone else joins in,
// answers again when mentioned, and stops following after the quiet
// period.
func TestThreadFollowUps(t *testing.T) {
	f := newFakeSlack(t)
	clock := newTestClock()
	ready := make(chan struct{})
	const thread = "1700000000.000100"
	f.script = func(c *wsConn, n int) {
		defer close(ready)
		c.sendAcked(eventsEnvelope("e1", 0, "Ev1", mentionEvent("U1", "<@UBOT> will the US send troops to Ukraine?", thread)))
		f.waitPosts("chat.postMessage", 1)
		followUp := threadEvent("U1", "and in 2023? since:2023-01-01", "1700000001.0", thread)
		c.sendAcked(eventsEnvelope("e2", 0, "Ev2", followUp))
		f.waitPosts("chat.postMessage", 2)
		c.sendAcked(eventsEnvelope("e2b", 1, "Ev2", followUp)) // Slack's retry
		c.sendAcked(eventsEnvelope("e3", 0, "Ev3", threadEvent("U1", "thanks!", "1700000002.0", thread)))
		c.sendAcked(eventsEnvelope("e4", 0, "Ev4", threadEvent("U1", ":+1:", "1700000003.0", thread)))
		c.sendAcked(eventsEnvelope("e5", 0, "Ev5", threadEvent("U1", "I disagree with that", "1700000004.0", thread)))
		// A reply in a thread the bot never answered in.
		c.sendAcked(eventsEnvelope("e6", 0, "Ev6", threadEvent("U1", "what about Kirby?", "1700000005.0", "1600000000.0")))
		// Someone else joins: people talk to each other.
		c.sendAcked(eventsEnvelope("e7", 0, "Ev7", threadEvent("U2", "what about Kirby?", "1700000006.0", thread)))
		c.sendAcked(eventsEnvelope("e8", 0, "Ev8", threadEvent("U1", "why?", "1700000007.0", thread)))
		// A mention brings the bot back, with the thread's question; the
		// same message as a plain message event is left to app_mention.
		mention := mentionEvent("U2", "<@UBOT> what about Kirby? speaker:kirby", "1700000008.0")
		mention["thread_ts"] = thread
		c.sendAcked(eventsEnvelope("e9", 0, "Ev9", mention))
		c.sendAcked(eventsEnvelope("e10", 0, "Ev10", threadEvent("U2", "<@UBOT> what about Kirby? speaker:kirby", "1700000008.0", thread)))
		f.waitPosts("chat.postMessage", 3)
		c.sendAcked(eventsEnvelope("e11", 0, "Ev11", threadEvent("U2", "and in 2024? since:2024-01-01", "1700000009.0", thread)))
		f.waitPosts("chat.postMessage", 4)
		// After the quiet period the bot no longer follows the thread.
		clock.Add(conversation.DefaultQuiet + time.Minute)
		c.sendAcked(eventsEnvelope("e12", 0, "Ev12", threadEvent("U2", "and in 2025? since:2025-01-01", "1700000010.0", thread)))
		c.sendAcked(eventsEnvelope("e13", 0, "Ev13", dmEvent("U9", "a direct question?", "1700000011.0")))
		f.waitPosts("chat.postMessage", 5)
	}
	ans := &fakeAnswerer{}
	_, stop := startBot(t, f, Config{AppToken: "xapp-test", Workers: 1, Clock: clock.Now}, ans)
	waitClosed(t, ready)
	stop()

	posts := f.recorded("chat.postMessage")
	if len(posts) != 5 {
		t.Fatalf("%d posts, want 5 (the question, two follow-ups, the mention, the DM): %+v", len(posts), posts)
	}
	for i, p := range posts[:4] {
		if p.Channel != "C1" || p.ThreadTS != thread {
			t.Errorf("post %d to %s thread %q, want C1 thread %s", i, p.Channel, p.ThreadTS, thread)
		}
	}
	if !strings.Contains(posts[1].Blocks, "Following up:") {
		t.Errorf("follow-up answer does not say it follows up: %s", posts[1].Blocks)
	}
	asked := ans.questions()
	want := []string{
		"will the US send troops to Ukraine?",
		"will the US send troops to Ukraine? | and in 2023?",
		"will the US send troops to Ukraine? | and in 2023? | what about Kirby?",
		"will the US send troops to Ukraine? | and in 2023? | what about Kirby? | and in 2024?",
		"a direct question?",
	}
	if len(asked) != len(want) {
		t.Fatalf("engine asked %d questions, want %d: %+v", len(asked), len(want), asked)
	}
	for i, w := range want {
		if asked[i].Text != w {
			t.Errorf("question %d = %q, want %q", i, asked[i].Text, w)
		}
	}
	if asked[1].Since.Year() != 2023 || asked[2].Since.Year() != 2023 || asked[2].Speaker != "kirby" || asked[3].Speaker != "kirby" || asked[3].Since.Year() != 2024 {
		t.Errorf("filters did not carry over: %+v", asked)
	}
	if prevs := ans.followedUp(); len(prevs) != 3 || prevs[0].Text != want[0] {
		t.Errorf("FollowUp was given %+v, want the thread's questions", prevs)
	}
}

// TestDirectMessageFollowUps: in a direct message every question is
// answered, as a follow-up while the conversation is live; thanks are
// not.
func TestDirectMessageFollowUps(t *testing.T) {
	f := newFakeSlack(t)
	clock := newTestClock()
	ready := make(chan struct{})
	f.script = func(c *wsConn, n int) {
		defer close(ready)
		c.sendAcked(eventsEnvelope("e1", 0, "Ev1", dmEvent("U1", "troops ukraine", "1.0")))
		f.waitPosts("chat.postMessage", 1)
		c.sendAcked(eventsEnvelope("e2", 0, "Ev2", dmEvent("U1", "thank you so much", "2.0")))
		c.sendAcked(eventsEnvelope("e3", 0, "Ev3", dmEvent("U1", "👍", "3.0")))
		c.sendAcked(eventsEnvelope("e4", 0, "Ev4", dmEvent("U1", "speaker:kirby", "4.0")))
		f.waitPosts("chat.postMessage", 2)
		clock.Add(conversation.DefaultQuiet + time.Minute)
		c.sendAcked(eventsEnvelope("e5", 0, "Ev5", dmEvent("U1", "sanctions", "5.0")))
		f.waitPosts("chat.postMessage", 3)
	}
	ans := &fakeAnswerer{}
	_, stop := startBot(t, f, Config{AppToken: "xapp-test", Workers: 1, Clock: clock.Now}, ans)
	waitClosed(t, ready)
	stop()
	asked := ans.questions()
	if len(asked) != 3 || asked[0].Text != "troops ukraine" || asked[1].Text != "troops ukraine | " || asked[1].Speaker != "kirby" || asked[2].Text != "sanctions" || asked[2].Speaker != "" {
		t.Errorf("questions = %+v; want troops, the follow-up with speaker kirby, then sanctions alone", asked)
	}
	if n := len(f.recorded("")); n != 3 {
		t.Errorf("%d replies, want 3", n)
	}
}

// TestButtonsAfterRestart: each button under an answer works when clicked
// on a new Bot over the same store, as after a restart; feedback is
// stored and listed; a shared answer's buttons work too.
func TestButtonsAfterRestart(t *testing.T) {
	dir := t.TempDir()
	f := newFakeSlack(t)
	clock := newTestClock()
	fb, err := feedback.OpenBolt(filepath.Join(dir, "feedback.db"))
	if err != nil {
		t.Fatal(err)
	}
	storePath := filepath.Join(dir, "conversations.db")
	store, err := conversation.OpenBolt(storePath)
	if err != nil {
		t.Fatal(err)
	}

	// Before the restart: a mention answered in its thread, and a private
	// answer to /brief.
	const thread = "1700000000.000100"
	ready := make(chan struct{})
	f.script = func(c *wsConn, n int) {
		defer close(ready)
		c.sendAcked(eventsEnvelope("e1", 0, "Ev1", mentionEvent("U1", "<@UBOT> will the US send troops to Ukraine?", thread)))
		f.waitPosts("chat.postMessage", 1)
		c.sendAcked(map[string]any{"type": "slash_commands", "envelope_id": "s1", "payload": map[string]any{
			"command": "/brief", "text": "troops since:2022-01-01", "user_id": "U1", "channel_id": "C2",
			"response_url": f.srv.URL + "/response/slash", "trigger_id": "trig-s1", "team_id": "T1",
		}})
		f.waitPosts("response", 1)
	}
	ans := &fakeAnswerer{}
	_, stop := startBot(t, f, Config{AppToken: "xapp-test", Workers: 1, Clock: clock.Now, Conversations: store, Feedback: fb}, ans)
	waitClosed(t, ready)
	stop()
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	public := f.recorded("chat.postMessage")[0]
	private := f.recorded("response")[0]
	pubID, privID := answerID(t, public), answerID(t, private)
	for _, a := range []conversation.Action{conversation.More, conversation.Newer, conversation.Older, conversation.Helpful, conversation.NotHelpful} {
		if !strings.Contains(public.Blocks, `"action_id":"`+actionID(a)+`"`) {
			t.Errorf("public answer lacks the %s button", a)
		}
	}
	if strings.Contains(public.Blocks, actionShare) || !strings.Contains(private.Blocks, actionShare) {
		t.Error("Share should be under the private answer only")
	}

	// The restart: a new Bot over the same files.
	store, err = conversation.OpenBolt(storePath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	f.mu.Lock()
	f.posts = nil
	f.mu.Unlock()
	ready = make(chan struct{})
	f.script = func(c *wsConn, n int) {
		defer close(ready)
		c.sendAcked(clickEnvelope("c1", "t1", conversation.More, pubID, "C1", thread, "1700000001.000200", false, f.srv.URL+"/response/c1"))
		f.waitPosts("chat.postMessage", 1)
		c.sendAcked(clickEnvelope("c2", "t2", conversation.Newer, pubID, "C1", thread, "1700000001.000200", false, f.srv.URL+"/response/c2"))
		f.waitPosts("chat.postMessage", 2)
		c.sendAcked(clickEnvelope("c3", "t3", conversation.Older, pubID, "C1", thread, "1700000001.000200", false, f.srv.URL+"/response/c3"))
		f.waitPosts("chat.postMessage", 3)
		c.sendAcked(clickEnvelope("c4", "t4", conversation.Helpful, pubID, "C1", thread, "1700000001.000200", false, f.srv.URL+"/response/c4"))
		f.waitPosts("response", 1)
		c.sendAcked(clickEnvelope("c5", "t5", conversation.NotHelpful, privID, "C2", "", "1700000002.000300", true, f.srv.URL+"/response/c5"))
		f.waitPosts("response", 2)
		// Share the private answer, then ask for more under the shared one.
		c.sendAcked(clickEnvelope("c6", "t6", conversation.Share, privID, "C2", "", "1700000002.000300", true, f.srv.URL+"/response/c6"))
		shared := f.waitPosts("chat.postMessage", 4)[3]
		c.sendAcked(clickEnvelope("c7", "t7", conversation.More, answerID(t, shared), "C2", "", "1700000003.000400", false, f.srv.URL+"/response/c7"))
		f.waitPosts("chat.postMessage", 5)
		// An answer the store no longer has.
		c.sendAcked(clickEnvelope("c8", "t8", conversation.More, "zzzzzzzzzzzzzzzz", "C1", thread, "1700000001.000200", false, f.srv.URL+"/response/c8"))
		f.waitPosts("response", 4)
	}
	ans = &fakeAnswerer{}
	_, stop = startBot(t, f, Config{AppToken: "xapp-test", Workers: 1, Clock: clock.Now, Conversations: store, Feedback: fb}, ans)
	waitClosed(t, ready)
	stop()

	posts := f.recorded("chat.postMessage")
	if len(posts) != 5 {
		t.Fatalf("%d posts after the restart, want 5: %+v", len(posts), posts)
	}
	more, newer, older, shared, moreShared := posts[0], posts[1], posts[2], posts[3], posts[4]
	for _, p := range []recorded{more, newer, older} {
		if p.Channel != "C1" || p.ThreadTS != thread {
			t.Errorf("button answer to %s thread %q, want C1 thread %s", p.Channel, p.ThreadTS, thread)
		}
	}
	if !strings.Contains(more.Blocks, "Further quote 2.") || !strings.Contains(more.Blocks, "More quotes") {
		t.Errorf("More answer = %s, want the next quotes", more.Blocks)
	}
	if !strings.Contains(newer.Blocks, "Newer quotes") || !strings.Contains(older.Blocks, "Older quotes") {
		t.Error("Newer and Older answers do not say what they are")
	}
	qs := ans.questions()
	if len(qs) < 3 {
		t.Fatalf("engine asked %d questions, want at least 3", len(qs))
	}
	if qs[0].Text != "will the US send troops to Ukraine?" {
		t.Errorf("More asked %q, want the answer's question", qs[0].Text)
	}
	if len(ans.shown) == 0 || len(ans.shown[0]) != 2 || ans.shown[0][0].DocID != "2022-02-15-press-briefing" || ans.shown[0][0].Start != 100 {
		t.Errorf("More skipped %+v, want the two quotes shown", ans.shown)
	}
	if want := time.Date(2022, 2, 16, 0, 0, 0, 0, time.UTC); !qs[1].Since.Equal(want) || !qs[1].Until.IsZero() {
		t.Errorf("Newer asked since %v until %v, want since %v", qs[1].Since, qs[1].Until, want)
	}
	if want := time.Date(2022, 2, 15, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond); !qs[2].Until.Equal(want) || !qs[2].Since.IsZero() {
		t.Errorf("Older asked since %v until %v, want until %v", qs[2].Since, qs[2].Until, want)
	}
	if shared.Channel != "C2" || shared.ThreadTS != "" || !strings.Contains(shared.Blocks, "<@U1> asked") || strings.Contains(shared.Blocks, actionShare) {
		t.Errorf("shared answer = %+v, want a post in C2 saying who asked, without Share", shared)
	}
	if moreShared.Channel != "C2" || moreShared.ThreadTS != "1700000003.000400" || !strings.Contains(moreShared.Blocks, "Further quote") {
		t.Errorf("More under the shared answer = %+v, want the next quotes in its thread", moreShared)
	}
	// More under the shared answer skips the quotes the private one showed.
	if last := ans.shown[len(ans.shown)-1]; len(last) != 2 {
		t.Errorf("More under the shared answer skipped %+v, want the two quotes shown", last)
	}

	var thanks, deleted, expired int
	for _, p := range f.recorded("response") {
		switch {
		case strings.Contains(p.Text, "feedback was recorded"):
			thanks++
			if p.ResponseType != "ephemeral" {
				t.Errorf("thanks sent as %q, want ephemeral", p.ResponseType)
			}
		case p.Delete && p.Path == "/response/c6":
			deleted++
		case strings.Contains(p.Text, "too old"):
			expired++
		}
	}
	if thanks != 2 || deleted != 1 || expired != 1 {
		t.Errorf("thanks %d, private copies deleted %d, too-old notes %d; want 2, 1, 1: %+v", thanks, deleted, expired, f.recorded("response"))
	}

	got, err := fb.List(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("feedback = %+v, want two verdicts", got)
	}
	h, nh := got[0], got[1]
	if h.Verdict != feedback.Helpful || h.Question != "will the US send troops to Ukraine?" || h.Platform != "slack" || h.ChannelID != "C1" || h.UserID != "U1" || !h.At.Equal(clock.Now()) {
		t.Errorf("helpful feedback = %+v", h)
	}
	if len(h.Quotes) != 2 || h.Quotes[0].DocID != "2022-02-15-press-briefing" || h.Quotes[0].Start != 100 || h.Quotes[0].End != 184 || h.Quotes[0].Text != psakiQuote {
		t.Errorf("helpful feedback quotes = %+v, want the two quotes shown", h.Quotes)
	}
	if nh.Verdict != feedback.NotHelpful || nh.Question != "troops since:2022-01-01" || nh.ChannelID != "C2" {
		t.Errorf("not-helpful feedback = %+v, want the private answer's question with its filter", nh)
	}
}

// TestAssistantThread: a new assistant thread gets suggested prompts; a
// question there shows the status while the bot searches and titles the
// thread; a second question does not title it again.
func TestAssistantThread(t *testing.T) {
	f := newFakeSlack(t)
	ready := make(chan struct{})
	const thread = "1700000000.000900"
	started := map[string]any{"type": "assistant_thread_started", "event_ts": "1700000000.000901",
		"assistant_thread": map[string]any{"user_id": "U1", "channel_id": "D7", "thread_ts": thread, "context": map[string]any{}}}
	inThread := func(text, ts string) map[string]any {
		ev := dmEvent("U1", text, ts)
		ev["channel"], ev["thread_ts"] = "D7", thread
		return ev
	}
	f.script = func(c *wsConn, n int) {
		defer close(ready)
		c.sendAcked(eventsEnvelope("e1", 0, "Ev1", started))
		f.waitPosts("assistant.threads.setSuggestedPrompts", 1)
		c.sendAcked(eventsEnvelope("e2", 0, "Ev2", inThread("Will the US send troops to Ukraine?", "1700000001.0")))
		f.waitPosts("chat.postMessage", 1)
		c.sendAcked(eventsEnvelope("e3", 0, "Ev3", inThread("and in 2023?", "1700000002.0")))
		f.waitPosts("chat.postMessage", 2)
	}
	_, stop := startBot(t, f, Config{AppToken: "xapp-test", Workers: 1}, &fakeAnswerer{})
	waitClosed(t, ready)
	stop()

	var seq []string
	for _, p := range f.recorded("") {
		seq = append(seq, p.Method)
		if p.Channel != "D7" || p.ThreadTS != thread {
			t.Errorf("%s to %s thread %q, want D7 thread %s", p.Method, p.Channel, p.ThreadTS, thread)
		}
		switch p.Method {
		case "assistant.threads.setSuggestedPrompts":
			if !strings.Contains(p.Text, "What did Kirby say about Haiti?") {
				t.Errorf("suggested prompts = %s", p.Text)
			}
		case "assistant.threads.setStatus":
			if p.Text != msgStatus {
				t.Errorf("status = %q, want %q", p.Text, msgStatus)
			}
		case "assistant.threads.setTitle":
			if p.Text != "Will the US send troops to Ukraine?" {
				t.Errorf("title = %q, want the first question", p.Text)
			}
		}
	}
	want := "assistant.threads.setSuggestedPrompts assistant.threads.setStatus chat.postMessage assistant.threads.setTitle assistant.threads.setStatus chat.postMessage"
	if got := strings.Join(seq, " "); got != want {
		t.Errorf("calls = %s\nwant    %s", got, want)
	}
}

// TestStopWordsQuestion: a question of stop words only gets the engine's
// helpful message, never the apology for a failure, and logs no error.
func TestStopWordsQuestion(t *testing.T) {
	f := newFakeSlack(t)
	ready := make(chan struct{})
	f.script = func(c *wsConn, n int) {
		defer close(ready)
		c.sendAcked(eventsEnvelope("e1", 0, "Ev1", mentionEvent("U1", "<@UBOT> Who said that?", "1.0")))
		c.sendAcked(eventsEnvelope("e2", 0, "Ev2", dmEvent("U2", "Who said that?", "2.0")))
		c.sendAcked(map[string]any{"type": "slash_commands", "envelope_id": "s1", "payload": map[string]any{
			"command": "/brief", "text": "Who said that?", "user_id": "U3", "channel_id": "C2",
			"response_url": f.srv.URL + "/response/slash", "trigger_id": "trig-1", "team_id": "T1",
		}})
		f.waitPosts("", 3)
	}
	ans := &fakeAnswerer{ask: func(ctx context.Context, q answer.Question) (answer.Answer, error) {
		return answer.Answer{}, answer.ErrEmptyQuestion
	}}
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	_, stop := startBotLogging(t, f, Config{AppToken: "xapp-test"}, ans, logger)
	waitClosed(t, ready)
	stop()
	posts := f.recorded("")
	if len(posts) != 3 {
		t.Fatalf("%d replies, want 3", len(posts))
	}
	for _, p := range posts {
		if !strings.Contains(p.Text, "no words to search for") || strings.Contains(p.Text, "Sorry") {
			t.Errorf("%s reply = %q, want the engine's helpful message", p.Method, p.Text)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a stop-words question logged an error:\n%s", logs.String())
	}
}

// lockedWriter serialises writes to w.
type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
