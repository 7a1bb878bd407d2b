package slack

import (
	"context"
	"regexp"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/conversation"
	"github.com/briefbot/briefbot/feedback"
)

// Replies of the conversation features.
const (
	msgButtonExpired = "This answer is too old for its buttons. Please ask again."
	msgButtonFailed  = "Sorry, I couldn't do that right now. Please try again in a moment."
	msgNoMore        = "No more quotes on this in the documents."
	msgNoNewer       = "Nothing newer on this in the documents."
	msgNoOlder       = "Nothing older on this in the documents."
	msgThanks        = "Thanks! Your feedback was recorded; the team uses it to improve the answers."
	msgStatus        = "Searching the briefings…"
)

// suggestedPrompts are offered when someone opens a new assistant thread.
var suggestedPrompts = []slack.AssistantThreadsPrompt{
	{Title: "What's new?", Message: "What did the press secretary say this week?"},
	{Title: "Someone's words", Message: "What did Kirby say about Haiti?"},
	{Title: "A position", Message: "Will the US send troops to Ukraine?"},
	{Title: "How to ask", Message: "help"},
}

// threadKey names a conversation in the store: a channel thread, or a
// direct message conversation (thread "" for its main view).
func threadKey(channel, thread string) string { return "slack:" + channel + ":" + thread }

// converse answers, or not, a message in a conversation: addressed (a
// mention, a direct message) or a reply in a thread the bot may follow
// (see conversation.Decide), whose delivery keys are checked once the rule
// says it is for the bot. It runs in the worker pool.
func (b *Bot) converse(ctx context.Context, t target, raw string, addressed bool, keys ...string) {
	text := b.questionText(raw)
	if addressed && text == "" {
		b.reply(ctx, t, renderText(msgEmpty), replyAnswer)
		return
	}
	if addressed && strings.EqualFold(text, "help") {
		b.reply(ctx, t, renderText(helpText), replyAnswer)
		return
	}
	key := threadKey(t.channel, t.threadTS)
	th, _, err := conversation.GetThread(ctx, b.store, key)
	if err != nil {
		// Without the store a mention is still answered, on its own.
		b.log.Warn("conversation store unavailable; answering without the thread's context", "err", err)
	}
	now := b.clock()
	m := conversation.Message{User: t.user, Text: text, Addressed: addressed, MentionsOthers: b.mentionsOthers(raw)}
	v := conversation.Decide(th, m, now, b.quiet)
	b.log.Debug("conversation", "verdict", v.String(), "addressed", addressed, "text", text)
	switch v {
	case conversation.Ignore:
		return
	case conversation.Stop:
		th.Stopped = true
		if err := conversation.PutThread(ctx, b.store, key, th); err != nil {
			b.log.Warn("could not record that a thread stopped", "err", err)
		}
		return
	}
	if !addressed {
		if !b.seen.first(keys...) {
			b.log.Debug("duplicate delivery ignored")
			return
		}
		if !b.admit(t, "thread") {
			return
		}
	}
	var q answer.Question
	lead := ""
	if v == conversation.FollowUp {
		q, err = b.ans.FollowUp(th.Question, text)
	} else {
		q, err = answer.ParseQuestion(text)
	}
	if err != nil {
		b.reply(ctx, t, b.errorReply(err), replyAnswer)
		return
	}
	if th.Assistant {
		b.setStatus(ctx, t, msgStatus)
	}
	a, err := b.ans.Ask(ctx, q)
	if err != nil {
		b.reply(ctx, t, b.errorReply(err), replyAnswer)
		return
	}
	b.log.Debug("answered", "question", q.Text, "follow_up", v == conversation.FollowUp, "quotes", len(a.Quotes), "no_answer", a.NoAnswer)
	if v == conversation.FollowUp {
		lead = "Following up: " + conversation.ReadAs(a)
	}
	// The thread is remembered before the answer goes out: a reply typed
	// the moment the answer appears must find it.
	th = th.Answered(q, t.user, now)
	if err := conversation.PutThread(ctx, b.store, key, th); err != nil {
		b.log.Warn("could not remember the thread; a follow-up will need a mention", "err", err)
	}
	b.replyAnswer(ctx, t, q, a, renderOptions{lead: lead}, answerState{thread: key})
	if th.Assistant && !th.Titled {
		err := b.api.SetAssistantThreadsTitleContext(ctx, slack.AssistantThreadsSetTitleParameters{
			ChannelID: t.channel, ThreadTS: t.threadTS, Title: clean(text, 80),
		})
		if err != nil {
			b.log.Warn("could not title the assistant thread", "err", err)
			return
		}
		th.Titled = true
		if err := conversation.PutThread(ctx, b.store, key, th); err != nil {
			b.log.Warn("could not record that the assistant thread has a title", "err", err)
		}
	}
}

// answerState is what replyAnswer stores beside the question and answer.
type answerState struct {
	thread  string        // the conversation's key, "" for none
	earlier []answer.Span // quotes shown before for the same question
	private bool          // the answer is shown to one person only
}

// replyAnswer posts a, the answer to q, with buttons that act on it: its
// state goes to the store under a new ID, which the buttons carry. When
// the store fails the answer goes out without buttons.
func (b *Bot) replyAnswer(ctx context.Context, t target, q answer.Question, a answer.Answer, opt renderOptions, s answerState) {
	st := conversation.NewAnswer(q, a, s.earlier, b.clock())
	st.Thread, st.Private = s.thread, s.private
	id := conversation.NewID()
	if err := conversation.PutAnswer(ctx, b.store, id, st); err != nil {
		b.log.Warn("could not store the answer's state; posting it without buttons", "err", err)
	} else {
		opt.id, opt.buttons = id, st.Buttons(b.cfg.Feedback != nil)
	}
	b.reply(ctx, t, renderAnswer(a, opt), replyAnswer)
}

// click is a button click: where it was and who clicked.
type click struct {
	channel, user string
	responseURL   string
	ephemeral     bool   // on a message only the clicker sees
	threadTS      string // the thread of the message clicked, if any
	messageTS     string // the message clicked
}

// private is where a reply only the clicker sees goes.
func (c click) private() target {
	return target{channel: c.channel, user: c.user, ephemeral: true, responseURL: c.responseURL}
}

// next is where an answer to the click goes: privately under a private
// answer; else in the thread of the answer clicked (a new thread under a
// shared answer), or the direct message.
func (c click) next() target {
	if c.ephemeral {
		return c.private()
	}
	thread := c.threadTS
	if thread == "" && !strings.HasPrefix(c.channel, "D") {
		thread = c.messageTS
	}
	return target{channel: c.channel, threadTS: thread, user: c.user}
}

// act carries out a click on one of an answer's buttons; value is the
// answer's ID. It runs in the worker pool, after a restart too: all it
// needs is in the store.
func (b *Bot) act(ctx context.Context, act conversation.Action, value string, c click) {
	var st conversation.Answer
	id := value
	if conversation.ValidID(value) {
		var ok bool
		var err error
		st, ok, err = conversation.GetAnswer(ctx, b.store, id)
		if err != nil {
			b.log.Error("read the state of an answer", "err", err)
			b.reply(ctx, c.private(), renderText(msgButtonFailed), replyOther)
			return
		}
		if !ok {
			b.reply(ctx, c.private(), renderText(msgButtonExpired), replyOther)
			return
		}
	} else if act == conversation.Share {
		// A Share button from before answers had IDs: its value is the
		// question.
		q, err := answer.ParseQuestion(b.questionText(value))
		if err != nil {
			return // the private answer already said what was wrong
		}
		st, id = conversation.Answer{Question: q, At: b.clock()}, conversation.NewID()
		if err := conversation.PutAnswer(ctx, b.store, id, st); err != nil {
			b.log.Warn("could not store the answer's state", "err", err)
			id = ""
		}
	} else {
		return
	}
	b.log.Debug("button", "action", string(act))
	switch act {
	case conversation.Helpful, conversation.NotHelpful:
		b.recordFeedback(ctx, act, st, c)
	case conversation.More:
		a, err := b.ans.More(ctx, st.Question, st.Shown())
		if err != nil {
			b.reply(ctx, c.next(), b.errorReply(err), replyAnswer)
			return
		}
		if len(a.Quotes) == 0 {
			b.reply(ctx, c.next(), renderText(msgNoMore), replyAnswer)
			return
		}
		b.replyAnswer(ctx, c.next(), st.Question, a, renderOptions{lead: "More quotes: " + conversation.ReadAs(a)},
			answerState{thread: st.Thread, earlier: st.Shown(), private: c.ephemeral})
	case conversation.Newer, conversation.Older:
		q, ok := st.NewerQuestion()
		lead, none := "Newer quotes: ", msgNoNewer
		if act == conversation.Older {
			q, ok = st.OlderQuestion()
			lead, none = "Older quotes: ", msgNoOlder
		}
		if !ok {
			b.reply(ctx, c.private(), renderText(none), replyOther)
			return
		}
		a, err := b.ans.Ask(ctx, q)
		if err != nil {
			b.reply(ctx, c.next(), b.errorReply(err), replyAnswer)
			return
		}
		if a.NoAnswer || a.Outside || len(a.Quotes) == 0 {
			b.reply(ctx, c.next(), renderText(none), replyAnswer)
			return
		}
		b.replyAnswer(ctx, c.next(), q, a, renderOptions{lead: lead + conversation.ReadAs(a)},
			answerState{thread: st.Thread, private: c.ephemeral})
		b.moveThread(ctx, st.Thread, q)
	case conversation.Share:
		b.shareAnswer(ctx, st, id, c)
	}
}

// moveThread makes q the question of the thread under key, if the bot
// follows one there: a follow-up after "Newer" builds on the newer
// question.
func (b *Bot) moveThread(ctx context.Context, key string, q answer.Question) {
	if key == "" {
		return
	}
	th, ok, err := conversation.GetThread(ctx, b.store, key)
	if err != nil || !ok {
		return
	}
	th.Question = q
	if err := conversation.PutThread(ctx, b.store, key, th); err != nil {
		b.log.Warn("could not update the thread's question", "err", err)
	}
}

// recordFeedback stores the verdict of a "Helpful" or "Not helpful" click
// and thanks the person, privately.
func (b *Bot) recordFeedback(ctx context.Context, act conversation.Action, st conversation.Answer, c click) {
	if b.cfg.Feedback == nil {
		return
	}
	verdict := feedback.Helpful
	if act == conversation.NotHelpful {
		verdict = feedback.NotHelpful
	}
	if err := b.cfg.Feedback.Record(ctx, st.Feedback(verdict, "slack", c.channel, c.user, b.clock())); err != nil {
		b.log.Error("record feedback", "err", err)
		b.reply(ctx, c.private(), renderText(msgButtonFailed), replyOther)
		return
	}
	b.reply(ctx, c.private(), renderText(msgThanks), replyOther)
}

// shareAnswer posts a private answer in the channel, saying who asked, and
// removes the private copy. The question is answered again (the engine is
// deterministic), with the quotes shown before skipped as they were; the
// shared answer's buttons act on the same state.
func (b *Bot) shareAnswer(ctx context.Context, st conversation.Answer, id string, c click) {
	var a answer.Answer
	var err error
	if len(st.Earlier) > 0 {
		a, err = b.ans.More(ctx, st.Question, st.Earlier)
	} else {
		a, err = b.ans.Ask(ctx, st.Question)
	}
	if err != nil {
		b.reply(ctx, c.private(), b.errorReply(err), replyAnswer)
		return
	}
	public := st
	public.Private = false
	opt := renderOptions{question: conversation.Format(st.Question), askedBy: c.user}
	if id != "" {
		opt.id, opt.buttons = id, public.Buttons(b.cfg.Feedback != nil)
	}
	m := renderAnswer(a, opt)
	err = b.post(ctx, target{channel: c.channel}, m)
	if err != nil && c.responseURL != "" {
		// Typically not_in_channel: the response URL can post anyway.
		b.log.Debug("share via chat.postMessage failed; using response_url", "err", err)
		err = b.postResponse(ctx, c.responseURL, m, "in_channel", false, false)
	}
	if err != nil {
		b.log.Error("share failed", "err", err)
		b.reply(ctx, c.private(), renderText("Sorry, I couldn't post in this channel. Invite me with `/invite @briefbot` and try again."), replyAnswer)
		return
	}
	b.answered.Add(1)
	if c.responseURL != "" && c.ephemeral {
		// The private copy is no longer needed.
		if err := b.postResponse(ctx, c.responseURL, message{}, "", false, true); err != nil {
			b.log.Debug("could not delete the private answer", "err", err)
		}
	}
}

// startAssistantThread answers assistant_thread_started: it remembers the
// thread as an assistant thread (its first question titles it, and the
// status line shows while the bot searches) and offers suggested prompts.
func (b *Bot) startAssistantThread(ctx context.Context, at slackevents.AssistantThread) {
	key := threadKey(at.ChannelID, at.ThreadTimeStamp)
	if err := conversation.PutThread(ctx, b.store, key, conversation.Thread{Assistant: true, Asker: at.UserID}); err != nil {
		b.log.Warn("could not remember the assistant thread", "err", err)
	}
	err := b.api.SetAssistantThreadsSuggestedPromptsContext(ctx, slack.AssistantThreadsSetSuggestedPromptsParameters{
		Title: "Ask about the press briefings", ChannelID: at.ChannelID, ThreadTS: at.ThreadTimeStamp, Prompts: suggestedPrompts,
	})
	if err != nil {
		b.log.Warn("could not set the assistant thread's suggested prompts", "err", err)
	}
}

// setStatus shows status under an assistant thread while the bot works;
// Slack clears it when the reply is posted.
func (b *Bot) setStatus(ctx context.Context, t target, status string) {
	err := b.api.SetAssistantThreadsStatusContext(ctx, slack.AssistantThreadsSetStatusParameters{
		ChannelID: t.channel, ThreadTS: t.threadTS, Status: status,
	})
	if err != nil {
		b.log.Warn("could not set the assistant thread's status", "err", err)
	}
}

// broadcastRE finds mentions of many people at once.
var broadcastRE = regexp.MustCompile(`<!(?:here|channel|everyone|subteam\^)`)

// mentionsSelf reports whether Slack message text mentions the bot.
func (b *Bot) mentionsSelf(raw string) bool {
	who := b.self.Load()
	return who != nil && strings.Contains(raw, "<@"+who.userID)
}

// mentionsOthers reports whether Slack message text mentions someone
// other than the bot: people talking to each other.
func (b *Bot) mentionsOthers(raw string) bool {
	self := ""
	if who := b.self.Load(); who != nil {
		self = who.userID
	}
	for _, m := range mentionRE.FindAllStringSubmatch(raw, -1) {
		if m[1] != self {
			return true
		}
	}
	return broadcastRE.MatchString(raw)
}
