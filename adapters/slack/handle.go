package slack

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/briefbot/briefbot/answer"
)

// Replies that never carry err.Error().
const (
	msgEngineFailed = "Sorry, something went wrong while searching the briefings. Please try again in a moment."
	msgBusy         = "Sorry, I'm too busy to answer right now. Please try again in a minute."
	msgSlowDown     = "You're asking faster than I can keep up. Please wait a minute before the next question."
	msgEmpty        = "Ask me a question about the press briefings, for example: _what did the press secretary say about inflation?_ Type `/brief help` for more."
	msgNoDigests    = "Digests are not configured on this bot."
	msgDigestFailed = "Sorry, I couldn't do that with the digest right now. Please try again later."
	msgDigestUsage  = "Usage: `/brief digest subscribe [time zone]`, `/brief digest unsubscribe` or `/brief digest now`."
)

// target is where a reply goes.
type target struct {
	channel     string
	threadTS    string // reply in this thread
	user        string // the person asking
	responseURL string // slash commands and buttons: reply through it
	ephemeral   bool   // only the person asking sees the reply
}

// handleEventsAPI routes an Events API callback. It runs on the event
// reader and must not block: the answering happens in the worker pool.
func (b *Bot) handleEventsAPI(ev slackevents.EventsAPIEvent) {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if ev.Type != slackevents.CallbackEvent || !ok {
		return
	}
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		if e.BotID != "" || e.User == "" || b.isSelf(e.User, e.BotID) || e.Edited != nil {
			return
		}
		if !b.seen.first(dedupeKey("event", cb.EventID), dedupeKey("msg", e.Channel, e.TimeStamp)) {
			b.log.Debug("duplicate delivery ignored", "event_id", cb.EventID)
			return
		}
		thread := e.ThreadTimeStamp
		if thread == "" {
			thread = e.TimeStamp
		}
		b.converseLater(target{channel: e.Channel, threadTS: thread, user: e.User}, e.Text, true, "mention")
	case *slackevents.MessageEvent:
		// Subtypes are edits, deletions, joins, bot posts...: never questions.
		if e.SubType != "" || e.BotID != "" || e.User == "" || b.isSelf(e.User, e.BotID) {
			return
		}
		addressed := false
		switch e.ChannelType {
		case slackevents.ChannelTypeIM:
			addressed = true
		case slackevents.ChannelTypeChannel, slackevents.ChannelTypeGroup:
			// A reply in a thread, which the bot may follow. A message that
			// mentions the bot arrives as app_mention too, and is answered
			// from there.
			if e.ThreadTimeStamp == "" || e.ThreadTimeStamp == e.TimeStamp || b.mentionsSelf(e.Text) {
				return
			}
		default:
			return
		}
		keys := []string{dedupeKey("event", cb.EventID), dedupeKey("msg", e.Channel, e.TimeStamp)}
		t := target{channel: e.Channel, threadTS: e.ThreadTimeStamp, user: e.User}
		if addressed {
			if !b.seen.first(keys...) {
				b.log.Debug("duplicate delivery ignored", "event_id", cb.EventID)
				return
			}
			b.converseLater(t, e.Text, true, "dm")
			return
		}
		if b.quiet == 0 {
			return // following threads is off
		}
		// Most replies in threads are people talking: no rate limit, no
		// "too busy" and no shared de-duplication for them until the rule
		// says one is for the bot.
		if !b.enqueue(func(ctx context.Context) { b.converse(ctx, t, e.Text, false, keys...) }) {
			b.log.Info("question queue full; a reply in a thread was not considered", "trigger", "thread")
		}
	case *slackevents.AssistantThreadStartedEvent:
		if !b.seen.first(dedupeKey("event", cb.EventID)) {
			b.log.Debug("duplicate delivery ignored", "event_id", cb.EventID)
			return
		}
		at := e.AssistantThread
		if at.ChannelID == "" || at.ThreadTimeStamp == "" {
			return
		}
		if !b.enqueue(func(ctx context.Context) { b.startAssistantThread(ctx, at) }) {
			b.drop(replyOther, "queue full", "trigger", "assistant_thread_started")
		}
	}
}

// handleSlashCommand routes /brief. It must not block. delivery identifies
// this delivery of the command (requestKey over HTTP, the envelope in
// Socket Mode): a command has no ID of its own, and its trigger_id may be
// missing.
func (b *Bot) handleSlashCommand(cmd slack.SlashCommand, delivery string) {
	if !b.seen.first(dedupeKey("trigger", cmd.TriggerID), delivery) {
		b.log.Debug("duplicate slash command ignored")
		return
	}
	t := target{channel: cmd.ChannelID, user: cmd.UserID, ephemeral: true}
	if validResponseURL(cmd.ResponseURL) {
		t.responseURL = cmd.ResponseURL
	}
	text := strings.TrimSpace(cmd.Text)
	fields := strings.Fields(text)
	verb := ""
	if len(fields) > 0 {
		verb = strings.ToLower(fields[0])
	}
	switch verb {
	case "", "help":
		b.notice(t, renderText(helpText), replyOther)
	case "digest":
		b.digestLater(t, fields[1:])
	default:
		b.askLater(t, text, renderOptions{question: plainText(text)}, "slash")
	}
}

// handleInteraction handles button clicks. It must not block.
func (b *Bot) handleInteraction(cb slack.InteractionCallback) {
	if cb.Type != slack.InteractionTypeBlockActions {
		return
	}
	for _, a := range cb.ActionCallback.BlockActions {
		act, ok := actionOf(a.ActionID)
		if !ok {
			continue
		}
		if !b.seen.first(dedupeKey("trigger", cb.TriggerID), dedupeKey("action", cb.User.ID, a.ActionTs)) {
			b.log.Debug("duplicate button click ignored")
			return
		}
		c := click{
			channel:   cb.Channel.ID,
			user:      cb.User.ID,
			ephemeral: cb.Container.IsEphemeral,
			threadTS:  cb.Message.ThreadTimestamp,
			messageTS: cb.Container.MessageTs,
		}
		if c.channel == "" {
			c.channel = cb.Container.ChannelID
		}
		if c.threadTS == "" {
			c.threadTS = cb.Container.ThreadTs
		}
		if validResponseURL(cb.ResponseURL) {
			c.responseURL = cb.ResponseURL
		}
		value := a.Value
		if !b.enqueue(func(ctx context.Context) { b.act(ctx, act, value, c) }) {
			b.log.Info("question queue full; telling the person to try again", "trigger", string(act))
			b.notice(c.private(), renderText(msgBusy), replyBusy)
		}
		return
	}
}

// askLater queues a slash command's question, or a polite refusal when
// the person asks too often or the queue is full.
func (b *Bot) askLater(t target, text string, opt renderOptions, trigger string) {
	if !b.admit(t, trigger) {
		return
	}
	if !b.enqueue(func(ctx context.Context) { b.answerQuestion(ctx, t, text, opt) }) {
		b.log.Info("question queue full; telling the person to try again", "trigger", trigger)
		b.notice(t, renderText(msgBusy), replyBusy)
	}
}

// converseLater queues a message addressed to the bot (a mention, a direct
// message), or a polite refusal when the person asks too often or the
// queue is full.
func (b *Bot) converseLater(t target, text string, addressed bool, trigger string) {
	if !b.admit(t, trigger) {
		return
	}
	if !b.enqueue(func(ctx context.Context) { b.converse(ctx, t, text, addressed) }) {
		b.log.Info("question queue full; telling the person to try again", "trigger", trigger)
		b.notice(t, renderText(msgBusy), replyBusy)
	}
}

// admit applies the per-person rate limit, telling the person once per
// window when they are over it.
func (b *Bot) admit(t target, trigger string) bool {
	ok, tell := b.limiter.allow(t.user)
	if !ok {
		b.log.Info("user rate limited", "trigger", trigger)
		if tell {
			b.notice(t, renderText(msgSlowDown), replyOther)
		}
	}
	return ok
}

// replyKind is what a reply is, for the counters in Stats.
type replyKind int

const (
	replyOther  replyKind = iota // help, usage, digests, "slow down"
	replyAnswer                  // the reply to a question
	replyBusy                    // "too busy, try again in a minute"
)

// notice queues a short reply for the notice workers. When even that queue
// is full the reply is lost: it is logged at warn and counted.
func (b *Bot) notice(t target, m message, kind replyKind) {
	if !b.put(b.notices, func(ctx context.Context) { b.reply(ctx, t, m, kind) }) {
		b.drop(kind, "reply queue full")
	}
}

// drop records a reply that will never be posted.
func (b *Bot) drop(kind replyKind, reason string, args ...any) {
	n := b.dropped.Add(1)
	b.log.Warn("reply dropped", append([]any{"reason", reason, "busy_note", kind == replyBusy, "dropped_total", n}, args...)...)
}

// answerQuestion answers a slash command's question, privately. It runs
// in the worker pool.
func (b *Bot) answerQuestion(ctx context.Context, t target, text string, opt renderOptions) {
	text = b.questionText(text)
	if text == "" {
		b.reply(ctx, t, renderText(msgEmpty), replyAnswer)
		return
	}
	q, err := answer.ParseQuestion(text)
	if err != nil {
		b.reply(ctx, t, b.errorReply(err), replyAnswer)
		return
	}
	start := b.clock()
	a, err := b.ans.Ask(ctx, q)
	if err != nil {
		b.reply(ctx, t, b.errorReply(err), replyAnswer)
		return
	}
	b.log.Debug("answered", "question", q.Text, "quotes", len(a.Quotes), "no_answer", a.NoAnswer, "took", b.clock().Sub(start))
	b.replyAnswer(ctx, t, q, a, opt, answerState{private: t.ephemeral})
}

// errorReply is the reply to a question the engine could not answer: the
// message of an *answer.Error (a stop-words-only question, a bad filter)
// as is, and for anything else, which is logged, a fixed apology that
// never carries err.Error().
func (b *Bot) errorReply(err error) message {
	if msg, ok := answer.UserMessage(err); ok {
		return renderText(escape(msg))
	}
	b.log.Error("answer failed", "err", err)
	return renderText(msgEngineFailed)
}

// digestLater queues a /brief digest subcommand.
func (b *Bot) digestLater(t target, args []string) {
	if b.cfg.Digests == nil {
		b.notice(t, renderText(msgNoDigests), replyOther)
		return
	}
	sub := ""
	if len(args) > 0 {
		sub = strings.ToLower(args[0])
	}
	channel := "slack:" + t.channel
	var run func(ctx context.Context) message
	switch sub {
	case "subscribe":
		tz := ""
		if len(args) > 1 {
			tz = args[1]
			if _, err := time.LoadLocation(tz); err != nil || tz == "Local" {
				b.notice(t, renderText("Unknown time zone `"+escape(clean(tz, 60))+"`. Use an IANA name such as `Europe/Berlin` or `America/New_York`."), replyOther)
				return
			}
		}
		run = func(ctx context.Context) message {
			if err := b.cfg.Digests.Subscribe(ctx, channel, tz); err != nil {
				b.log.Error("digest subscribe failed", "err", err)
				return renderText(msgDigestFailed)
			}
			when := ""
			if tz != "" {
				when = " (time zone " + escape(tz) + ")"
			}
			return renderText("This channel will get the daily briefing digest" + when + ". Stop it with `/brief digest unsubscribe`.")
		}
	case "unsubscribe":
		run = func(ctx context.Context) message {
			if err := b.cfg.Digests.Unsubscribe(ctx, channel); err != nil {
				b.log.Error("digest unsubscribe failed", "err", err)
				return renderText(msgDigestFailed)
			}
			return renderText("This channel will no longer get the daily digest.")
		}
	case "now":
		run = func(ctx context.Context) message {
			d, err := b.cfg.Digests.Now(ctx, channel)
			if err != nil {
				b.log.Error("digest now failed", "err", err)
				return renderText(msgDigestFailed)
			}
			return renderDigest(d)
		}
	default:
		b.notice(t, renderText(msgDigestUsage), replyOther)
		return
	}
	if !b.enqueue(func(ctx context.Context) { b.reply(ctx, t, run(ctx), replyOther) }) {
		b.log.Info("question queue full; telling the person to try again", "trigger", "digest")
		b.notice(t, renderText(msgBusy), replyBusy)
	}
}

var (
	mentionRE = regexp.MustCompile(`<@([A-Z0-9]+)(\|[^>]*)?>`)
	entityRE  = regexp.MustCompile(`<([^<>]*)>`)
)

// questionText turns Slack message text into plain question text: the bot's
// own mention removed, links and other mentions reduced to their labels,
// entities unescaped.
func (b *Bot) questionText(s string) string {
	self := ""
	if who := b.self.Load(); who != nil {
		self = who.userID
	}
	s = mentionRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := mentionRE.FindStringSubmatch(m)
		if sub[1] == self || self == "" {
			return " "
		}
		if sub[2] != "" {
			return "@" + sub[2][1:]
		}
		return " "
	})
	return strings.TrimSpace(plainText(s))
}

// plainText reduces Slack markup (<url|label>, <#C1|name>, &amp;) to text.
func plainText(s string) string {
	s = entityRE.ReplaceAllStringFunc(s, func(m string) string {
		inner := m[1 : len(m)-1]
		if i := strings.IndexByte(inner, '|'); i >= 0 {
			return inner[i+1:]
		}
		return strings.TrimLeft(inner, "!#@")
	})
	s = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}
