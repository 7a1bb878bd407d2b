package slack

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// maxClockSkew is how far a request timestamp may be from now.
const maxClockSkew = 5 * time.Minute

// Register mounts the HTTP endpoints Slack calls when the app does not use
// Socket Mode: POST /slack/events, /slack/commands and /slack/interactions.
// Every request must carry a valid signature made with Config.SigningSecret
// and a timestamp within five minutes; anything else gets 401 and no work.
// The handlers answer at once and leave the answering to the workers
// started by Run.
func (b *Bot) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /slack/events", b.serveEvents)
	mux.HandleFunc("POST /slack/commands", b.serveCommands)
	mux.HandleFunc("POST /slack/interactions", b.serveInteractions)
}

// verify reads the body and checks the request's signature and timestamp.
// On failure it has already answered 401.
func (b *Bot) verify(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	deny := func(reason string) ([]byte, bool) {
		b.log.Warn("rejected HTTP request", "path", r.URL.Path, "reason", reason)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return nil, false
	}
	if b.cfg.SigningSecret == "" {
		return deny("no signing secret configured")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, b.cfg.MaxBodyBytes))
	if err != nil {
		return deny("body unreadable or too large")
	}
	ts, err := strconv.ParseInt(r.Header.Get("X-Slack-Request-Timestamp"), 10, 64)
	if err != nil {
		return deny("no timestamp")
	}
	if b.clock().Sub(time.Unix(ts, 0)).Abs() > maxClockSkew {
		return deny("stale timestamp")
	}
	sv, err := slack.NewSecretsVerifier(r.Header, b.cfg.SigningSecret)
	if err != nil {
		return deny("bad signature headers")
	}
	if _, err := sv.Write(body); err != nil {
		return deny("signature")
	}
	if err := sv.Ensure(); err != nil {
		return deny("bad signature")
	}
	return body, true
}

func (b *Bot) serveEvents(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verify(w, r)
	if !ok {
		return
	}
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		// Event types this bot does not handle land here too: say OK so
		// that Slack does not retry them.
		b.log.Debug("event not understood", "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	if ev.Type == slackevents.URLVerification {
		if ch, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent); ok {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, ch.Challenge)
			return
		}
	}
	b.handleEventsAPI(ev)
	w.WriteHeader(http.StatusOK)
}

func (b *Bot) serveCommands(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verify(w, r)
	if !ok {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	b.handleSlashCommand(cmd, requestKey(r.Header.Get("X-Slack-Request-Timestamp"), body))
	// An empty 200 shows nothing; the answer follows via response_url.
	w.WriteHeader(http.StatusOK)
}

func (b *Bot) serveInteractions(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verify(w, r)
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	b.handleInteraction(cb)
	w.WriteHeader(http.StatusOK)
}
