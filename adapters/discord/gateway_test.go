package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/answer"
)

var testQuote = answer.Quote{
	Text:    "We are not going to send U.S. troops to fight in Ukraine.",
	Speaker: "MS. PSAKI",
	DocID:   "2022-01-05-briefing",
	Title:   "Press Briefing by Press Secretary Jen Psaki, January 5, 2022",
	Source:  "whitehouse.gov",
	Kind:    "press-briefings",
	Date:    time.Date(2022, 1, 5, 0, 0, 0, 0, time.UTC),
	URL:     "https://www.whitehouse.gov/briefing-room/press-briefings/2022/01/05/press-briefing-by-press-secretary-jen-psaki-january-5-2022/",
}

func quoteAnswerer() fakeAnswerer {
	return fakeAnswerer{ask: func(_ context.Context, q answer.Question) (answer.Answer, error) {
		return answer.Answer{Question: q, Quotes: []answer.Quote{testQuote}, Confidence: 0.8}, nil
	}}
}

// startGateway runs a Bot against a fake Discord and returns once the
// gateway is connected. stop cancels Run and waits for it to return nil.
func startGateway(t *testing.T, cfg Config, ans answerer) (fd *fakeDiscord, conn *fakeConn, stop func()) {
	t.Helper()
	fd, conn, stop, _ = startGatewayLogging(t, cfg, ans, testLogger(t))
	return fd, conn, stop
}

// startGatewayLogging is startGateway with the bot's log going to logger;
// it also returns the Bot.
func startGatewayLogging(t *testing.T, cfg Config, ans answerer, logger *slog.Logger) (fd *fakeDiscord, conn *fakeConn, stop func(), b *Bot) {
	t.Helper()
	fd = newFakeDiscord(t)
	cfg.BotToken = "test-token"
	cfg.AppID = "42"
	cfg.APIURL = fd.srv.URL
	b, err := New(cfg, ans, logger)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	conn = fd.waitConn()
	var once bool
	stop = func() {
		t.Helper()
		if once {
			return
		}
		once = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v, want nil", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return within 10s of cancel")
		}
	}
	t.Cleanup(stop)
	return fd, conn, stop, b
}

func interaction(id, name string, options ...map[string]any) map[string]any {
	if options == nil {
		options = []map[string]any{}
	}
	return map[string]any{
		"id":             id,
		"application_id": "42",
		"type":           2,
		"token":          "tok-" + id,
		"channel_id":     "300",
		"guild_id":       "200",
		"member":         map[string]any{"user": map[string]any{"id": "7", "username": "alice"}, "permissions": "0"},
		"data":           map[string]any{"id": "1", "name": name, "type": 1, "options": options},
	}
}

func askInteraction(id, question string) map[string]any {
	return interaction(id, "ask", map[string]any{"name": "question", "type": 3, "value": question})
}

// sent decodes the JSON body of a recorded request.
type sentMessage struct {
	Type int `json:"type"`
	Data struct {
		Content         string            `json:"content"`
		Flags           int               `json:"flags"`
		Embeds          []json.RawMessage `json:"embeds"`
		AllowedMentions json.RawMessage   `json:"allowed_mentions"`
	} `json:"data"`
	Content          string            `json:"content"`
	Embeds           []json.RawMessage `json:"embeds"`
	AllowedMentions  json.RawMessage   `json:"allowed_mentions"`
	MessageReference *struct {
		MessageID string `json:"message_id"`
	} `json:"message_reference"`
}

func decode(t *testing.T, body []byte) sentMessage {
	t.Helper()
	var m sentMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return m
}

func TestGatewayAsk(t *testing.T) {
	t.Parallel()
	fd, conn, stop := startGateway(t, Config{GuildID: "200"}, quoteAnswerer())

	put := fd.requests("PUT", "/api/v9/applications/")
	if len(put) != 1 || put[0].Path != "/api/v9/applications/42/guilds/200/commands" {
		t.Fatalf("bulk overwrite = %+v, want one PUT /api/v9/applications/42/guilds/200/commands", put)
	}
	if put[0].Auth != "Bot test-token" {
		t.Errorf("bulk overwrite Authorization = %q, want %q", put[0].Auth, "Bot test-token")
	}
	var cmds []struct {
		Name    string
		Type    int
		Options []struct {
			Name         string
			Autocomplete bool
		}
	}
	json.Unmarshal(put[0].Body, &cmds)
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
		var opts []string
		for _, o := range c.Options {
			opts = append(opts, fmt.Sprintf("%s:%v", o.Name, o.Autocomplete))
		}
		switch c.Name {
		case "ask":
			if got := strings.Join(opts, " "); got != "question:false private:false speaker:true since:false" {
				t.Errorf("/ask options = %s, want question, private, speaker (autocomplete) and since", got)
			}
		case askMessageCommand:
			if c.Type != 3 {
				t.Errorf("%s has type %d, want 3 (message command)", c.Name, c.Type)
			}
		}
	}
	if got := strings.Join(names, ","); got != "ask,Ask briefbot,digest,help" {
		t.Errorf("registered commands = %s, want ask,Ask briefbot,digest,help", got)
	}

	id := <-conn.identify
	// Guilds | GuildMessages | DirectMessages, no privileged intents.
	if got := id["intents"]; got != float64(1|1<<9|1<<12) {
		t.Errorf("identify intents = %v, want %d", got, 1|1<<9|1<<12)
	}

	ask := askInteraction("500", "Will the US send troops to Ukraine?")
	conn.send(0, "INTERACTION_CREATE", ask)
	conn.send(0, "INTERACTION_CREATE", ask) // redelivered
	// A sentinel read after the duplicate: once it is answered, the
	// duplicate has been judged; stop then waits for anything in flight.
	conn.send(0, "INTERACTION_CREATE", interaction("599", "help"))
	fd.waitRequest("POST", "/api/v9/interactions/599/")
	stop()
	cb := fd.requests("POST", "/api/v9/interactions/500/tok-500/callback")[0]

	if n := len(fd.requests("POST", "/api/v9/interactions/500/")); n != 1 {
		t.Errorf("interaction 500 got %d responses, want 1", n)
	}
	m := decode(t, cb.Body)
	if m.Type != 4 {
		t.Errorf("response type = %d, want 4 (channel message)", m.Type)
	}
	if len(m.Data.Embeds) != 1 {
		t.Fatalf("embeds = %d, want 1", len(m.Data.Embeds))
	}
	embed := string(m.Data.Embeds[0])
	for _, want := range []string{testQuote.Text, testQuote.Title, testQuote.URL, "MS. PSAKI", "whitehouse.gov", "5 Jan 2022"} {
		if !strings.Contains(embed, want) {
			t.Errorf("embed %s lacks %q", embed, want)
		}
	}
	if got := string(m.Data.AllowedMentions); !strings.Contains(got, `"parse":[]`) {
		t.Errorf("allowed_mentions = %s, want empty parse list", got)
	}
}

func TestGatewayGlobalCommands(t *testing.T) {
	t.Parallel()
	fd, _, _ := startGateway(t, Config{}, quoteAnswerer())
	put := fd.requests("PUT", "/api/v9/applications/")
	if len(put) != 1 || put[0].Path != "/api/v9/applications/42/commands" {
		t.Fatalf("bulk overwrite = %+v, want one PUT /api/v9/applications/42/commands", put)
	}
}

func TestGatewayDeferredAnswer(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	slow := fakeAnswerer{ask: func(ctx context.Context, q answer.Question) (answer.Answer, error) {
		select {
		case <-release:
		case <-ctx.Done():
			return answer.Answer{}, ctx.Err()
		}
		return answer.Answer{Question: q, Quotes: []answer.Quote{testQuote}, Confidence: 0.8}, nil
	}}
	fd, conn, _ := startGateway(t, Config{DeferAfter: 20 * time.Millisecond}, slow)

	private := map[string]any{"name": "private", "type": 5, "value": true}
	q := map[string]any{"name": "question", "type": 3, "value": "Will the US send troops?"}
	conn.send(0, "INTERACTION_CREATE", interaction("501", "ask", q, private))

	cb := decode(t, fd.waitRequest("POST", "/api/v9/interactions/501/tok-501/callback").Body)
	if cb.Type != 5 {
		t.Fatalf("first response type = %d, want 5 (deferred)", cb.Type)
	}
	if cb.Data.Flags&64 == 0 {
		t.Errorf("deferred response flags = %d, want ephemeral (64) for private:true", cb.Data.Flags)
	}
	close(release)
	edit := fd.waitRequest("PATCH", "/api/v9/webhooks/42/tok-501/messages/@original")
	m := decode(t, edit.Body)
	if len(m.Embeds) != 1 || !strings.Contains(string(m.Embeds[0]), testQuote.Text) {
		t.Errorf("edit embeds = %s, want the quote", m.Embeds)
	}
	if !strings.Contains(string(m.AllowedMentions), `"parse":[]`) {
		t.Errorf("edit allowed_mentions = %s, want empty parse list", m.AllowedMentions)
	}
}

func message(id, channel, guild string, author map[string]any, content string, mentions ...map[string]any) map[string]any {
	m := map[string]any{
		"id": id, "channel_id": channel, "content": content, "type": 0,
		"author": author, "mentions": mentions,
	}
	if guild != "" {
		m["guild_id"] = guild
	}
	return m
}

func TestGatewayMentionsAndDMs(t *testing.T) {
	t.Parallel()
	fd, conn, stop := startGateway(t, Config{}, quoteAnswerer())
	alice := map[string]any{"id": "7", "username": "alice"}
	self := map[string]any{"id": "100", "username": "briefbot", "bot": true}
	otherBot := map[string]any{"id": "8", "username": "otherbot", "bot": true}

	conn.send(0, "MESSAGE_CREATE", message("601", "301", "", self, "my own reply"))
	conn.send(0, "MESSAGE_CREATE", message("602", "302", "200", otherBot, "<@100> troops?", self))
	conn.send(0, "MESSAGE_CREATE", message("603", "303", "200", alice, "no mention here"))
	conn.send(0, "MESSAGE_CREATE", message("604", "304", "", alice, "Will the US send troops?"))                 // DM
	conn.send(0, "MESSAGE_CREATE", message("605", "305", "200", alice, "<@100> Will the US send troops?", self)) // mention
	conn.send(0, "MESSAGE_CREATE", message("605", "305", "200", alice, "<@100> Will the US send troops?", self)) // redelivered
	conn.send(0, "MESSAGE_CREATE", message("606", "306", "", alice, "sentinel question"))                        // DM
	fd.waitRequest("POST", "/api/v9/channels/306/")
	stop()

	posts := fd.requests("POST", "/api/v9/channels/")
	var paths []string
	for _, p := range posts {
		paths = append(paths, p.Path)
		m := decode(t, p.Body)
		if m.MessageReference == nil {
			t.Errorf("%s: no message_reference, want a reply", p.Path)
		}
		if !strings.Contains(string(m.AllowedMentions), `"parse":[]`) {
			t.Errorf("%s: allowed_mentions = %s, want empty parse", p.Path, m.AllowedMentions)
		}
		if len(m.Embeds) != 1 || !strings.Contains(string(m.Embeds[0]), testQuote.Text) {
			t.Errorf("%s: embeds = %s, want the quote", p.Path, m.Embeds)
		}
	}
	got := strings.Join(sortStrings(paths), " ")
	want := "/api/v9/channels/304/messages /api/v9/channels/305/messages /api/v9/channels/306/messages"
	if got != want {
		t.Errorf("replies = %s, want %s", got, want)
	}
}

func sortStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

func TestGatewayReconnects(t *testing.T) {
	t.Parallel()
	fd, conn, _ := startGateway(t, Config{ReconnectDelay: 10 * time.Millisecond}, quoteAnswerer())
	<-conn.identify
	conn.ws.Close() // the gateway drops

	conn2 := fd.waitConn()
	resume := <-conn2.identify
	if resume["session_id"] != "session-1" {
		t.Errorf("after a drop the bot sent %v, want a resume of session-1", resume)
	}
	conn2.send(0, "INTERACTION_CREATE", askInteraction("502", "troops?"))
	fd.waitRequest("POST", "/api/v9/interactions/502/tok-502/callback")
}
