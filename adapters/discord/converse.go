package discord

import (
	"context"
	"regexp"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/conversation"
	"github.com/briefbot/briefbot/feedback"
)

// Replies of the conversation features.
const (
	buttonExpiredText = "This answer is too old for its buttons. Please ask again."
	buttonFailedText  = "Sorry, I couldn't do that right now. Please try again in a moment."
	noMoreText        = "No more quotes on this in the documents."
	noNewerText       = "Nothing newer on this in the documents."
	noOlderText       = "Nothing older on this in the documents."
	thanksText        = "Thanks! Your feedback was recorded; the team uses it to improve the answers."
)

// maxChoices is how many autocomplete choices Discord takes.
const maxChoices = 25

var userMention = regexp.MustCompile(`<@!?([0-9]+)>`)

// chanKey names the conversation of a DM or a Discord thread in the store.
func chanKey(channelID string) string { return "discord:chan:" + channelID }

func (b *Bot) onMessageCreate(_ *discordgo.Session, mc *discordgo.MessageCreate) {
	m := mc.Message
	if m == nil || !b.fromPerson(m) {
		return
	}
	addressed := b.addressed(m)
	// With the Message Content intent a message in a guild may be a
	// follow-up in a thread the bot answered in; handleMessage decides.
	if !addressed && (!b.cfg.MessageContent || b.quiet == 0 || m.GuildID == "" || strings.TrimSpace(m.Content) == "") {
		return
	}
	if addressed && !b.seen.first("m:"+m.ID) {
		b.log.Debug("duplicate message", "id", m.ID)
		return
	}
	switch b.begin() {
	case admitted:
		go func() {
			defer b.end()
			b.handleMessage(m, addressed)
		}()
	case admitBusy:
		log := b.log.With("message", m.ID, "channel", m.ChannelID)
		if !addressed {
			log.Debug("too many questions in flight; a message in a thread was not considered")
			return
		}
		log.Info("too many questions in flight; telling the person to try again", "limit", b.cfg.MaxInFlight)
		b.noticeLater(log, func(ctx context.Context) error { return b.replyTo(ctx, m, textReply(busyText)) })
	case admitClosing:
		if addressed {
			b.drop(b.log.With("message", m.ID, "channel", m.ChannelID), "shutting down", nil)
		}
	}
}

// fromPerson reports whether m is an ordinary message from a person: not
// from a bot (the bot itself included), a webhook or the system.
func (b *Bot) fromPerson(m *discordgo.Message) bool {
	if m.Author == nil || m.Author.Bot || m.Author.System || m.WebhookID != "" {
		return false
	}
	if self := b.self(); self != "" && m.Author.ID == self {
		return false
	}
	return m.Type == discordgo.MessageTypeDefault || m.Type == discordgo.MessageTypeReply
}

// addressed reports whether m is for the bot whatever the channel: a DM,
// a mention, or a reply to one of its messages.
func (b *Bot) addressed(m *discordgo.Message) bool {
	if m.GuildID == "" {
		return true
	}
	self := b.self()
	if self == "" {
		return false
	}
	for _, u := range m.Mentions {
		if u != nil && u.ID == self {
			return true
		}
	}
	return m.ReferencedMessage != nil && m.ReferencedMessage.Author != nil && m.ReferencedMessage.Author.ID == self
}

// mentionsOthers reports whether m mentions anyone but the bot: people
// talking to each other.
func mentionsOthers(m *discordgo.Message, self string) bool {
	if m.MentionEveryone || len(m.MentionRoles) > 0 {
		return true
	}
	for _, u := range m.Mentions {
		if u != nil && u.ID != self {
			return true
		}
	}
	return false
}

// answerIDOf returns the answer ID the buttons of ref carry when ref is
// one of the bot's answers, else "".
func answerIDOf(ref *discordgo.Message, self string) string {
	if ref == nil || ref.Author == nil || self == "" || ref.Author.ID != self {
		return ""
	}
	for _, c := range ref.Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, e := range row.Components {
			if btn, ok := e.(*discordgo.Button); ok {
				if _, id, ok := parseCustomID(btn.CustomID); ok {
					return id
				}
			}
		}
	}
	return ""
}

// handleMessage answers, or not, a message: a DM, a mention or a reply to
// one of the bot's answers (addressed), or, with the Message Content
// intent, a message in a thread the bot answered in (see
// conversation.Decide). A reply to an answer follows up on that answer's
// question; a DM or a thread follows up on the conversation's.
func (b *Bot) handleMessage(m *discordgo.Message, addressed bool) {
	log := b.log.With("message", m.ID, "channel", m.ChannelID)
	self := b.self()
	text := strings.TrimSpace(userMention.ReplaceAllStringFunc(m.Content, func(s string) string {
		if userMention.FindStringSubmatch(s)[1] == self {
			return " "
		}
		return s
	}))
	ctx, cancel := context.WithTimeout(context.Background(), b.cfg.AnswerTimeout)
	defer cancel()
	if addressed && (text == "" || strings.EqualFold(text, "help")) {
		b.send(ctx, log, m, textReply(helpText))
		return
	}
	key := chanKey(m.ChannelID)
	th, known, err := conversation.GetThread(ctx, b.store, key)
	if err != nil {
		log.Warn("conversation store unavailable; answering without the conversation's context", "err", err)
	}
	now := b.cfg.Clock()
	if id := answerIDOf(m.ReferencedMessage, self); id != "" {
		// A reply to an answer carries on from that answer's question.
		st, ok, err := conversation.GetAnswer(ctx, b.store, id)
		if err != nil {
			log.Warn("could not read the answer replied to", "err", err)
		}
		if ok {
			th = conversation.Thread{Question: st.Question, Asker: m.Author.ID, At: now}
		}
	}
	msg := conversation.Message{User: m.Author.ID, Text: text, Addressed: addressed, MentionsOthers: mentionsOthers(m, self)}
	v := conversation.Decide(th, msg, now, b.quiet)
	log.Debug("conversation", "verdict", v.String(), "addressed", addressed, "text", text)
	switch v {
	case conversation.Ignore:
		return
	case conversation.Stop:
		th.Stopped = true
		if err := conversation.PutThread(ctx, b.store, key, th); err != nil {
			log.Warn("could not record that a thread stopped", "err", err)
		}
		return
	}
	if !addressed && !b.seen.first("m:"+m.ID) {
		log.Debug("duplicate message")
		return
	}
	var q answer.Question
	if v == conversation.FollowUp {
		q, err = b.ans.FollowUp(th.Question, text)
	} else {
		q, err = answer.ParseQuestion(text)
	}
	if err != nil {
		b.send(ctx, log, m, textReply(userText(err)))
		return
	}
	log.Debug("question", "text", q.Text, "follow_up", v == conversation.FollowUp)
	// DMs and Discord threads are conversations; a mention in a channel
	// continues only through replies to the answer.
	follow := m.GuildID == "" || known || b.isThread(ctx, m.ChannelID)
	state := answerState{}
	if follow {
		state.thread = key
	}
	a, err := b.ans.Ask(ctx, q)
	// The conversation is remembered before the reply goes out: a reply
	// typed the moment it appears must find it.
	if follow {
		if err := conversation.PutThread(ctx, b.store, key, th.Answered(q, m.Author.ID, now)); err != nil {
			log.Warn("could not remember the conversation; a follow-up will need a mention", "err", err)
		}
	}
	if err != nil {
		b.send(ctx, log, m, b.errorReply(log, err))
		return
	}
	opt := renderOptions{}
	if v == conversation.FollowUp {
		opt.lead = "Following up: " + conversation.ReadAs(a)
	}
	b.send(ctx, log, m, b.answerReply(ctx, log, q, a, opt, state))
}

// send replies r to m, counting it.
func (b *Bot) send(ctx context.Context, log logger, m *discordgo.Message, r reply) {
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.HTTPTimeout)
	defer cancel()
	if err := b.replyTo(sendCtx, m, r); err != nil {
		b.drop(log, "reply to message", err)
		return
	}
	b.answered.Add(1)
}

// replyTo sends r as a reply to m.
func (b *Bot) replyTo(ctx context.Context, m *discordgo.Message, r reply) error {
	msg := messageSend(r)
	noFail := false
	msg.Reference = &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: &noFail}
	return b.rest(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := b.s.ChannelMessageSendComplex(m.ChannelID, msg, opts...)
		return err
	})
}

// answerState is what answerReply stores beside the question and answer.
type answerState struct {
	thread  string        // the conversation's key, "" for none
	earlier []answer.Span // quotes shown before for the same question
	private bool          // the answer is shown to one person only
}

// answerReply renders a, the answer to q, with buttons that act on it:
// its state goes to the store under a new ID, which the buttons carry.
// When the store fails the answer goes out without buttons.
func (b *Bot) answerReply(ctx context.Context, log logger, q answer.Question, a answer.Answer, opt renderOptions, s answerState) reply {
	st := conversation.NewAnswer(q, a, s.earlier, b.cfg.Clock())
	st.Thread, st.Private = s.thread, s.private
	id := conversation.NewID()
	if err := conversation.PutAnswer(ctx, b.store, id, st); err != nil {
		log.Warn("could not store the answer's state; sending it without buttons", "err", err)
	} else {
		opt.id, opt.buttons = id, st.Buttons(b.cfg.Feedback != nil)
	}
	return renderAnswer(a, opt)
}

// userOf is the ID of the person behind an interaction.
func userOf(i *discordgo.Interaction) string {
	switch {
	case i.Member != nil && i.Member.User != nil:
		return i.Member.User.ID
	case i.User != nil:
		return i.User.ID
	}
	return ""
}

// handleComponent carries out a click on one of an answer's buttons. All
// it needs is in the store, so it works after a restart and on any
// replica; the answer to the click is private when the answer clicked is.
func (b *Bot) handleComponent(ctx context.Context, i *discordgo.Interaction, respond respondFunc) {
	data, ok := i.Data.(discordgo.MessageComponentInteractionData)
	if !ok {
		return
	}
	act, id, ok := parseCustomID(data.CustomID)
	log := b.log.With("interaction", i.ID, "button", string(act))
	quick := func(text string) {
		if err := respond(ctx, messageResponse(textReply(text), true)); err != nil {
			b.drop(log, "respond to interaction", err)
			return
		}
		b.answered.Add(1)
	}
	if !ok {
		quick(buttonExpiredText)
		return
	}
	st, found, err := conversation.GetAnswer(ctx, b.store, id)
	if err != nil {
		log.Error("read the state of an answer", "err", err)
		quick(buttonFailedText)
		return
	}
	if !found {
		quick(buttonExpiredText)
		return
	}
	private := i.Message != nil && i.Message.Flags&discordgo.MessageFlagsEphemeral != 0
	user := userOf(i)
	switch act {
	case conversation.Helpful, conversation.NotHelpful:
		if b.cfg.Feedback == nil {
			quick(buttonExpiredText)
			return
		}
		verdict := feedback.Helpful
		if act == conversation.NotHelpful {
			verdict = feedback.NotHelpful
		}
		if err := b.cfg.Feedback.Record(ctx, st.Feedback(verdict, "discord", i.ChannelID, user, b.cfg.Clock())); err != nil {
			log.Error("record feedback", "err", err)
			quick(buttonFailedText)
			return
		}
		quick(thanksText)
	case conversation.More:
		b.respondSlow(ctx, i, respond, private, log, func(ctx context.Context) reply {
			a, err := b.ans.More(ctx, st.Question, st.Shown())
			if err != nil {
				return b.errorReply(log, err)
			}
			if len(a.Quotes) == 0 {
				return textReply(noMoreText)
			}
			return b.answerReply(ctx, log, st.Question, a, renderOptions{lead: "More quotes: " + conversation.ReadAs(a)},
				answerState{thread: st.Thread, earlier: st.Shown(), private: private})
		})
	case conversation.Newer, conversation.Older:
		q, ok := st.NewerQuestion()
		lead, none := "Newer quotes: ", noNewerText
		if act == conversation.Older {
			q, ok = st.OlderQuestion()
			lead, none = "Older quotes: ", noOlderText
		}
		if !ok {
			quick(none)
			return
		}
		b.respondSlow(ctx, i, respond, private, log, func(ctx context.Context) reply {
			a, err := b.ans.Ask(ctx, q)
			if err != nil {
				return b.errorReply(log, err)
			}
			if a.NoAnswer || a.Outside || len(a.Quotes) == 0 {
				return textReply(none)
			}
			b.moveThread(ctx, log, st.Thread, q)
			return b.answerReply(ctx, log, q, a, renderOptions{lead: lead + conversation.ReadAs(a)},
				answerState{thread: st.Thread, private: private})
		})
	case conversation.Share:
		// The answer again, in the channel for everyone, saying who asked;
		// its buttons act on the same state.
		b.respondSlow(ctx, i, respond, false, log, func(ctx context.Context) reply {
			var a answer.Answer
			var err error
			if len(st.Earlier) > 0 {
				a, err = b.ans.More(ctx, st.Question, st.Earlier)
			} else {
				a, err = b.ans.Ask(ctx, st.Question)
			}
			if err != nil {
				return b.errorReply(log, err)
			}
			public := st
			public.Private = false
			return renderAnswer(a, renderOptions{question: conversation.Format(st.Question), askedBy: user, id: id, buttons: public.Buttons(b.cfg.Feedback != nil)})
		})
	}
}

// moveThread makes q the question of the conversation under key, if the
// bot follows one there: a follow-up after "Newer" builds on it.
func (b *Bot) moveThread(ctx context.Context, log logger, key string, q answer.Question) {
	if key == "" {
		return
	}
	th, ok, err := conversation.GetThread(ctx, b.store, key)
	if err != nil || !ok {
		return
	}
	th.Question = q
	if err := conversation.PutThread(ctx, b.store, key, th); err != nil {
		log.Warn("could not update the conversation's question", "err", err)
	}
}

// autocomplete offers the speakers whose names start with what the person
// typed in /ask's speaker option.
func (b *Bot) autocomplete(ctx context.Context, i *discordgo.Interaction, respond respondFunc) {
	data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok {
		return
	}
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	for _, o := range data.Options {
		if o == nil || !o.Focused || o.Name != "speaker" {
			continue
		}
		typed, _ := o.Value.(string)
		for _, name := range b.ans.Speakers(typed, maxChoices) {
			name = clip(cleanText(name), 100)
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: name})
		}
	}
	resp := &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}
	if err := respond(ctx, resp); err != nil {
		b.log.Debug("autocomplete response failed", "interaction", i.ID, "err", err)
	}
}

// channelKinds remembers which channels are threads.
type channelKinds struct {
	mu     sync.Mutex
	thread map[string]bool
}

// maxChannelKinds bounds channelKinds; past it, it starts again.
const maxChannelKinds = 10_000

// isThread reports whether the channel is a Discord thread, asking
// Discord once per channel; when Discord cannot say, it is not.
func (b *Bot) isThread(ctx context.Context, channelID string) bool {
	b.kinds.mu.Lock()
	v, ok := b.kinds.thread[channelID]
	b.kinds.mu.Unlock()
	if ok {
		return v
	}
	var ch *discordgo.Channel
	err := b.rest(ctx, func(opts ...discordgo.RequestOption) error {
		var err error
		ch, err = b.s.Channel(channelID, opts...)
		return err
	})
	if err != nil {
		b.log.Debug("could not tell whether a channel is a thread", "channel", channelID, "err", err)
		return false
	}
	b.kinds.mu.Lock()
	defer b.kinds.mu.Unlock()
	if b.kinds.thread == nil || len(b.kinds.thread) >= maxChannelKinds {
		b.kinds.thread = make(map[string]bool)
	}
	b.kinds.thread[channelID] = ch.IsThread()
	return ch.IsThread()
}
