package discord

import (
	"bytes"
	"context"
	"encoding/json"
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

var (
	alice = map[string]any{"id": "7", "username": "alice"}
	bob   = map[string]any{"id": "9", "username": "bob"}
	self  = map[string]any{"id": "100", "username": "briefbot", "bot": true}
)

var customIDRE = regexp.MustCompile(`"custom_id":"bb:[a-z]+:([a-z2-7]{16})"`)

// answerIDIn returns the answer ID the buttons in a request body carry.
func answerIDIn(t *testing.T, body []byte) string {
	t.Helper()
	m := customIDRE.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no buttons with an answer ID in %s", body)
	}
	return string(m[1])
}

// waitThread waits until the conversation under key satisfies ok.
func waitThread(t *testing.T, s conversation.Store, key string, ok func(conversation.Thread) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		th, found, err := conversation.GetThread(context.Background(), s, key)
		if err != nil {
			t.Fatal(err)
		}
		if found && ok(th) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("conversation %s = %+v after 10s", key, th)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func askedFirst(th conversation.Thread) bool { return th.Question.Text != "" }

// TestGatewayThreadFollowUps: with the Message Content intent, in a
// Discord thread the bot answered, the person who asked follows up without
// a mention; chatter is ignored; the bot stops when someone else joins in.
func TestGatewayThreadFollowUps(t *testing.T) {
	t.Parallel()
	store := &conversation.Memory{}
	rec := &answerLog{}
	ans := quoteAnswerer()
	ans.log = rec
	fd, conn, stop := startGateway(t, Config{Conversations: store, MessageContent: true}, ans)
	fd.mu.Lock()
	fd.threads = map[string]bool{"900": true}
	fd.mu.Unlock()
	if id := <-conn.identify; id["intents"] != float64(1|1<<9|1<<12|1<<15) {
		t.Errorf("identify intents = %v, want Message Content too", id["intents"])
	}
	key := chanKey("900")

	conn.send(0, "MESSAGE_CREATE", message("801", "900", "200", alice, "<@100> Will the US send troops to Ukraine?", self))
	first := fd.waitRequest("POST", "/api/v9/channels/900/messages")
	waitThread(t, store, key, askedFirst)
	conn.send(0, "MESSAGE_CREATE", message("802", "900", "200", alice, "and in 2023? since:2023-01-01"))
	second := fd.waitRequest("POST", "/api/v9/channels/900/messages")
	waitThread(t, store, key, func(th conversation.Thread) bool { return strings.Contains(th.Question.Text, "2023") })
	conn.send(0, "MESSAGE_CREATE", message("803", "900", "200", alice, "thanks!"))
	conn.send(0, "MESSAGE_CREATE", message("804", "901", "200", alice, "what about Kirby?")) // a channel the bot never answered in
	conn.send(0, "MESSAGE_CREATE", message("805", "900", "200", bob, "what about Kirby?"))
	waitThread(t, store, key, func(th conversation.Thread) bool { return th.Stopped })
	conn.send(0, "MESSAGE_CREATE", message("806", "900", "200", alice, "why?"))
	// A mention brings the bot back, with the thread's question.
	conn.send(0, "MESSAGE_CREATE", message("807", "900", "200", bob, "<@100> what about Kirby? speaker:kirby", self))
	third := fd.waitRequest("POST", "/api/v9/channels/900/messages")
	stop()

	if n := len(fd.requests("POST", "/api/v9/channels/")); n != 3 {
		t.Errorf("%d replies, want 3", n)
	}
	if n := len(fd.requests("GET", "/api/v9/channels/900")); n != 1 {
		t.Errorf("asked %d times whether 900 is a thread, want once", n)
	}
	if m := decode(t, second.Body); !strings.Contains(m.Content, "Following up:") || m.MessageReference == nil || m.MessageReference.MessageID != "802" {
		t.Errorf("follow-up reply = %s, want a reply to 802 that says it follows up", second.Body)
	}
	for _, b := range [][]byte{first.Body, second.Body, third.Body} {
		answerIDIn(t, b)
	}
	qs := rec.questions()
	want := []string{
		"Will the US send troops to Ukraine?",
		"Will the US send troops to Ukraine? | and in 2023?",
		"Will the US send troops to Ukraine? | and in 2023? | what about Kirby?",
	}
	if len(qs) != len(want) {
		t.Fatalf("engine asked %+v, want %d questions", qs, len(want))
	}
	for i, w := range want {
		if qs[i].Text != w {
			t.Errorf("question %d = %q, want %q", i, qs[i].Text, w)
		}
	}
	if qs[1].Since.Year() != 2023 || qs[2].Since.Year() != 2023 || qs[2].Speaker != "kirby" {
		t.Errorf("filters did not carry over: %+v", qs)
	}
}

// TestGatewayReplyChainAndDM: without the Message Content intent, a reply
// to the bot's answer in a channel follows up on that answer; a message
// without a mention is not read; in a DM every question after the first
// is a follow-up, and thanks are ignored.
func TestGatewayReplyChainAndDM(t *testing.T) {
	t.Parallel()
	store := &conversation.Memory{}
	rec := &answerLog{}
	ans := quoteAnswerer()
	ans.log = rec
	fd, conn, stop := startGateway(t, Config{Conversations: store}, ans)

	conn.send(0, "MESSAGE_CREATE", message("811", "305", "200", alice, "<@100> Will the US send troops to Ukraine?", self))
	first := fd.waitRequest("POST", "/api/v9/channels/305/messages")
	id := answerIDIn(t, first.Body)
	// The answer as Discord shows it: by the bot, with its buttons.
	var sent struct {
		Components json.RawMessage `json:"components"`
	}
	json.Unmarshal(first.Body, &sent)
	answerMsg := map[string]any{"id": "901", "channel_id": "305", "author": self, "content": "", "type": 0, "components": sent.Components}
	reply := message("812", "305", "200", bob, "<@100> what about Kirby? speaker:kirby", self)
	reply["type"] = 19
	reply["message_reference"] = map[string]any{"message_id": "901", "channel_id": "305"}
	reply["referenced_message"] = answerMsg
	conn.send(0, "MESSAGE_CREATE", reply)
	second := fd.waitRequest("POST", "/api/v9/channels/305/messages")

	conn.send(0, "MESSAGE_CREATE", message("821", "400", "", alice, "troops ukraine"))
	fd.waitRequest("POST", "/api/v9/channels/400/messages")
	waitThread(t, store, chanKey("400"), askedFirst)
	conn.send(0, "MESSAGE_CREATE", message("822", "400", "", alice, "thank you so much"))
	conn.send(0, "MESSAGE_CREATE", message("823", "400", "", alice, "and in 2023? since:2023-01-01"))
	fd.waitRequest("POST", "/api/v9/channels/400/messages")
	stop()

	if m := decode(t, second.Body); !strings.Contains(m.Content, "Following up:") || answerIDIn(t, second.Body) == id {
		t.Errorf("reply-chain answer = %s, want a follow-up with buttons of its own", second.Body)
	}
	if _, ok, _ := conversation.GetThread(context.Background(), store, chanKey("305")); ok {
		t.Error("the bot follows channel 305, which is not a thread")
	}
	qs := rec.questions()
	want := []string{
		"Will the US send troops to Ukraine?",
		"Will the US send troops to Ukraine? | what about Kirby?",
		"troops ukraine",
		"troops ukraine | and in 2023?",
	}
	if len(qs) != len(want) {
		t.Fatalf("engine asked %+v, want %d questions", qs, len(want))
	}
	for i, w := range want {
		if qs[i].Text != w {
			t.Errorf("question %d = %q, want %q", i, qs[i].Text, w)
		}
	}
	if n := len(fd.requests("POST", "/api/v9/channels/")); n != 4 {
		t.Errorf("%d replies, want 4 (thanks ignored)", n)
	}
}

// click is a button click on a message, as Discord sends it.
func click(id, customID string, ephemeral bool) map[string]any {
	flags := 0
	if ephemeral {
		flags = 64
	}
	return map[string]any{
		"id": id, "application_id": "42", "type": 3, "token": "tok-" + id,
		"channel_id": "300", "guild_id": "200",
		"member":  map[string]any{"user": map[string]any{"id": "7", "username": "alice"}, "permissions": "0"},
		"message": map[string]any{"id": "m-" + id, "channel_id": "300", "flags": flags, "author": self, "content": ""},
		"data":    map[string]any{"custom_id": customID, "component_type": 2},
	}
}

// TestHTTPButtonsAfterRestart: each button under an answer works when
// clicked on a new Bot over the same store, as after a restart; feedback
// is stored and listed; a shared answer's buttons work too.
func TestHTTPButtonsAfterRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fb, err := feedback.OpenBolt(filepath.Join(dir, "feedback.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "conversations.db")
	store, err := conversation.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	h := newHTTPBot(t, Config{Conversations: store, Feedback: fb}, quoteAnswerer())
	_, public := h.post(mustJSON(askInteraction("900", "Will the US send troops to Ukraine?")), testNow, nil)
	privAsk := interaction("901", "ask", map[string]any{"name": "question", "type": 3, "value": "troops"},
		map[string]any{"name": "private", "type": 5, "value": true}, map[string]any{"name": "since", "type": 3, "value": "2022-01"})
	_, private := h.post(mustJSON(privAsk), testNow, nil)
	pubID, privID := answerIDIn(t, public), answerIDIn(t, private)
	if strings.Contains(string(public), "bb:share:") || !strings.Contains(string(private), "bb:share:") {
		t.Error("Share should be under the private answer only")
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}

	// The restart: a new Bot over the same files.
	store, err = conversation.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	rec := &answerLog{}
	ans := quoteAnswerer()
	ans.log = rec
	h = newHTTPBot(t, Config{Conversations: store, Feedback: fb}, ans)
	post := func(id string, v map[string]any) sentMessage {
		t.Helper()
		code, body := h.post(mustJSON(v), testNow, nil)
		if code != 200 {
			t.Fatalf("click %s = %d %s", id, code, body)
		}
		return decode(t, body)
	}
	more := post("c1", click("c1", customID(conversation.More, pubID), false))
	newer := post("c2", click("c2", customID(conversation.Newer, pubID), false))
	older := post("c3", click("c3", customID(conversation.Older, pubID), false))
	helpful := post("c4", click("c4", customID(conversation.Helpful, pubID), false))
	notHelpful := post("c5", click("c5", customID(conversation.NotHelpful, privID), true))
	morePrivate := post("c6", click("c6", customID(conversation.More, privID), true))
	shared := post("c7", click("c7", customID(conversation.Share, privID), true))
	moreShared := post("c8", click("c8", customID(conversation.More, privID), false))
	expired := post("c9", click("c9", customID(conversation.More, "zzzzzzzzzzzzzzzz"), false))

	if more.Type != 4 || more.Data.Flags != 0 || len(more.Data.Embeds) != 1 || !strings.Contains(string(more.Data.Embeds[0]), "Further quote 1.") {
		t.Errorf("More = %+v, want the next quote, in public", more)
	}
	if !strings.Contains(newer.Data.Content, "Newer quotes") || !strings.Contains(older.Data.Content, "Older quotes") {
		t.Errorf("Newer = %q, Older = %q", newer.Data.Content, older.Data.Content)
	}
	qs := rec.questions()
	if len(qs) < 3 {
		t.Fatalf("engine asked %+v", qs)
	}
	if want := time.Date(2022, 1, 6, 0, 0, 0, 0, time.UTC); !qs[1].Since.Equal(want) {
		t.Errorf("Newer asked since %v, want %v", qs[1].Since, want)
	}
	if want := time.Date(2022, 1, 5, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond); !qs[2].Until.Equal(want) {
		t.Errorf("Older asked until %v, want %v", qs[2].Until, want)
	}
	if len(rec.shown) == 0 || len(rec.shown[0]) != 1 || rec.shown[0][0].DocID != testQuote.DocID {
		t.Errorf("More skipped %+v, want the quote shown", rec.shown)
	}
	for name, m := range map[string]sentMessage{"helpful": helpful, "not helpful": notHelpful} {
		if m.Data.Flags&64 == 0 || !strings.Contains(m.Data.Content, "feedback was recorded") {
			t.Errorf("%s click = %+v, want private thanks", name, m)
		}
	}
	if morePrivate.Data.Flags&64 == 0 {
		t.Error("More under a private answer answered in public")
	}
	if shared.Data.Flags != 0 || !strings.Contains(shared.Data.Content, "<@7> asked: troops since:2022-01-01") || strings.Contains(string(mustJSON(shared)), "bb:share:") {
		t.Errorf("shared = %+v, want a public answer saying who asked, without Share", shared)
	}
	if !strings.Contains(string(mustJSON(moreShared)), "Further quote") {
		t.Errorf("More under the shared answer = %+v", moreShared)
	}
	if expired.Data.Flags&64 == 0 || !strings.Contains(expired.Data.Content, "too old") {
		t.Errorf("unknown answer = %+v, want a private note", expired)
	}

	got, err := fb.List(context.Background(), time.Time{})
	if err != nil || len(got) != 2 {
		t.Fatalf("feedback = %+v, %v; want two verdicts", got, err)
	}
	if f := got[0]; f.Verdict != feedback.Helpful || f.Platform != "discord" || f.ChannelID != "300" || f.UserID != "7" ||
		f.Question != "Will the US send troops to Ukraine?" || len(f.Quotes) != 1 || f.Quotes[0].Text != testQuote.Text || !f.At.Equal(testNow) {
		t.Errorf("helpful feedback = %+v", f)
	}
	if f := got[1]; f.Verdict != feedback.NotHelpful || f.Question != "troops since:2022-01-01" {
		t.Errorf("not-helpful feedback = %+v", f)
	}
}

// TestHTTPAutocompleteAndMessageCommand: /ask's speaker option completes
// from the engine's speakers; "Ask briefbot" answers the message it is
// used on.
func TestHTTPAutocompleteAndMessageCommand(t *testing.T) {
	t.Parallel()
	rec := &answerLog{}
	ans := quoteAnswerer()
	ans.log = rec
	h := newHTTPBot(t, Config{}, ans)
	ac := askInteraction("950", "troops")
	ac["type"] = 4
	ac["data"].(map[string]any)["options"] = []map[string]any{
		{"name": "question", "type": 3, "value": "troops"},
		{"name": "speaker", "type": 3, "value": "ka", "focused": true},
	}
	code, body := h.post(mustJSON(ac), testNow, nil)
	var got struct {
		Type int `json:"type"`
		Data struct {
			Choices []struct{ Name, Value string } `json:"choices"`
		} `json:"data"`
	}
	json.Unmarshal(body, &got)
	if code != 200 || got.Type != 8 || len(got.Data.Choices) != 2 || got.Data.Choices[0].Value != "Karine Jean-Pierre" || got.Data.Choices[1].Name != "Karoline Leavitt" {
		t.Errorf("autocomplete = %d %s, want the two speakers starting with ka", code, body)
	}

	withSpeaker := interaction("951", "ask", map[string]any{"name": "question", "type": 3, "value": "troops"},
		map[string]any{"name": "speaker", "type": 3, "value": "Karine Jean-Pierre"}, map[string]any{"name": "since", "type": 3, "value": "2023-05"})
	if code, body := h.post(mustJSON(withSpeaker), testNow, nil); code != 200 || decode(t, body).Type != 4 {
		t.Errorf("/ask with speaker and since = %d %s", code, body)
	}
	badSince := interaction("952", "ask", map[string]any{"name": "question", "type": 3, "value": "troops"},
		map[string]any{"name": "since", "type": 3, "value": "last tuesday"})
	if _, body := h.post(mustJSON(badSince), testNow, nil); !strings.Contains(decode(t, body).Data.Content, "is not a date") {
		t.Errorf("/ask since:last tuesday = %s, want the filter's message", body)
	}

	mc := map[string]any{
		"id": "960", "application_id": "42", "type": 2, "token": "tok-960", "channel_id": "300", "guild_id": "200",
		"member": map[string]any{"user": alice, "permissions": "0"},
		"data": map[string]any{"id": "2", "name": askMessageCommand, "type": 3, "target_id": "555",
			"resolved": map[string]any{"messages": map[string]any{"555": map[string]any{
				"id": "555", "channel_id": "300", "author": bob, "content": "Will the US send troops to Ukraine?", "type": 0,
			}}}},
	}
	code, body = h.post(mustJSON(mc), testNow, nil)
	m := decode(t, body)
	if code != 200 || m.Type != 4 || m.Data.Flags != 0 || !strings.Contains(m.Data.Content, "Question: Will the US send troops to Ukraine?") ||
		len(m.Data.Embeds) != 1 || !strings.Contains(string(m.Data.Embeds[0]), testQuote.Text) {
		t.Errorf("message command = %d %s, want the answer to the message, in public", code, body)
	}

	qs := rec.questions()
	if len(qs) != 2 || qs[0].Speaker != "karine jean-pierre" || qs[0].Since.Format("2006-01") != "2023-05" || qs[1].Text != "Will the US send troops to Ukraine?" {
		t.Errorf("engine asked %+v", qs)
	}
}

// TestStopWordsQuestion: a question of stop words only gets the engine's
// helpful message, over HTTP and the gateway, and logs no error.
func TestStopWordsQuestion(t *testing.T) {
	t.Parallel()
	empty := fakeAnswerer{ask: func(context.Context, answer.Question) (answer.Answer, error) {
		return answer.Answer{}, answer.ErrEmptyQuestion
	}}
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))

	h := newHTTPBot(t, Config{}, empty)
	_, body := h.post(mustJSON(askInteraction("970", "Who said that?")), testNow, nil)
	if m := decode(t, body); !strings.Contains(m.Data.Content, "no words to search for") || strings.Contains(m.Data.Content, "Sorry") {
		t.Errorf("/ask Who said that? = %s, want the engine's message", body)
	}

	fd, conn, stop, _ := startGatewayLogging(t, Config{}, empty, logger)
	conn.send(0, "MESSAGE_CREATE", message("971", "305", "200", alice, "<@100> Who said that?", self))
	r := fd.waitRequest("POST", "/api/v9/channels/305/messages")
	conn.send(0, "INTERACTION_CREATE", askInteraction("972", "Who said that?"))
	cb := fd.waitRequest("POST", "/api/v9/interactions/972/")
	stop()
	for _, b := range [][]byte{r.Body, cb.Body} {
		m := decode(t, b)
		if c := m.Content + m.Data.Content; !strings.Contains(c, "no words to search for") || strings.Contains(c, "Sorry") {
			t.Errorf("reply = %s, want the engine's message", b)
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
