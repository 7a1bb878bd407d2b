package discord

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/briefbot/briefbot/answer"
	"github.com/bwmarrin/discordgo"
)

// Fixed replies. Users never see an error's text: details go to the log.
const (
	sorryText        = "Sorry, something went wrong while searching the briefings. Please try again in a moment."
	sorryDigestText  = "Sorry, something went wrong with the digest. Please try again in a moment."
	noDigestsText    = "Digests are not configured on this bot."
	restartingText   = "The bot is restarting. Please try again in a moment."
	busyText         = "Sorry, I'm too busy to answer right now. Please try again in a minute."
	emptyQuestion    = "Ask a question, for example: `/ask question: Will the US send troops to Ukraine?`"
	managePermission = "Changing this channel's digest subscription needs the Manage Channels permission."
)

const helpText = `**briefbot** answers questions about press briefings with verbatim, cited quotes.

• ` + "`/ask question: <text>`" + ` — quotes that answer it, each with speaker, document, publisher and date. Add ` + "`private: True`" + ` to see the answer alone.
• Filters inside the question: ` + "`since:2022-01-01`" + ` ` + "`until:2022-01-31`" + ` ` + "`source:whitehouse.gov`" + ` ` + "`speaker:psaki`" + `
• ` + "`/digest`" + ` — what was added recently. ` + "`/digest action: subscribe tz: Europe/Berlin`" + ` posts it here every morning; ` + "`action: unsubscribe`" + ` stops it.
• Mention me or send me a direct message with a question to get the same answer as ` + "`/ask`" + `.

When the briefings don't answer a question, I say so and show the closest passages. I never make up text.`

// commands are the slash commands, registered with one bulk overwrite.
func commands() []*discordgo.ApplicationCommand {
	return []*discordgo.ApplicationCommand{
		{
			Name:        "ask",
			Description: "Ask about the press briefings; get verbatim, cited quotes",
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type:        discordgo.ApplicationCommandOptionString,
					Name:        "question",
					Description: "Your question; filters: since:YYYY-MM-DD until: source: speaker:",
					Required:    true,
					MaxLength:   answer.MaxQuestionBytes * 2,
				},
				{
					Type:        discordgo.ApplicationCommandOptionBoolean,
					Name:        "private",
					Description: "Only you see the answer",
				},
			},
		},
		{
			Name:        "digest",
			Description: "Show what was added to the briefings, or (un)subscribe this channel",
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type:        discordgo.ApplicationCommandOptionString,
					Name:        "action",
					Description: "latest (default), subscribe or unsubscribe",
					Choices: []*discordgo.ApplicationCommandOptionChoice{
						{Name: "latest", Value: "latest"},
						{Name: "subscribe", Value: "subscribe"},
						{Name: "unsubscribe", Value: "unsubscribe"},
					},
				},
				{
					Type:        discordgo.ApplicationCommandOptionString,
					Name:        "tz",
					Description: "Time zone for the daily digest, such as Europe/Berlin",
					MaxLength:   64,
				},
			},
		},
		{
			Name:        "help",
			Description: "How to ask briefbot questions",
		},
	}
}

// respondFunc sends the first response to an interaction: a REST callback
// over the gateway, the HTTP response body in HTTP mode.
type respondFunc func(ctx context.Context, resp *discordgo.InteractionResponse) error

func (b *Bot) onInteractionCreate(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
	i := ic.Interaction
	if i == nil || i.Type != discordgo.InteractionApplicationCommand {
		return
	}
	if !b.seen.first("i:" + i.ID) {
		b.log.Debug("duplicate interaction", "id", i.ID)
		return
	}
	switch b.begin() {
	case admitted:
		go func() {
			defer b.end()
			b.handleInteraction(context.Background(), i, b.gatewayRespond(i))
		}()
	case admitBusy:
		log := b.log.With("interaction", i.ID)
		log.Info("too many questions in flight; telling the person to try again", "limit", b.cfg.MaxInFlight)
		respond := b.gatewayRespond(i)
		b.noticeLater(log, func(ctx context.Context) error {
			return respond(ctx, messageResponse(textReply(busyText), true))
		})
	case admitClosing:
		b.drop(b.log.With("interaction", i.ID), "shutting down", nil)
	}
}

func (b *Bot) gatewayRespond(i *discordgo.Interaction) respondFunc {
	return func(ctx context.Context, resp *discordgo.InteractionResponse) error {
		ctx, cancel := context.WithTimeout(ctx, b.cfg.HTTPTimeout)
		defer cancel()
		return b.rest(ctx, func(opts ...discordgo.RequestOption) error {
			return b.s.InteractionRespond(i, resp, opts...)
		})
	}
}

// handleInteraction answers an application command. It returns once the
// first response is sent; a deferred answer is finished by a tracked
// goroutine. The caller must hold an in-flight slot (begin).
func (b *Bot) handleInteraction(ctx context.Context, i *discordgo.Interaction, respond respondFunc) {
	data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok {
		return
	}
	opts := make(map[string]*discordgo.ApplicationCommandInteractionDataOption)
	for _, o := range data.Options {
		if o != nil {
			opts[o.Name] = o
		}
	}
	log := b.log.With("interaction", i.ID, "command", data.Name)
	quick := func(text string, ephemeral bool) {
		if err := respond(ctx, messageResponse(textReply(text), ephemeral)); err != nil {
			b.drop(log, "respond to interaction", err)
			return
		}
		b.answered.Add(1)
	}
	switch data.Name {
	case "help":
		quick(helpText, true)
	case "ask":
		text := stringOption(opts, "question")
		private := boolOption(opts, "private")
		q, err := answer.ParseQuestion(text)
		if err != nil {
			quick(userText(err), true)
			return
		}
		if strings.TrimSpace(q.Text) == "" {
			quick(emptyQuestion, true)
			return
		}
		log.Debug("question", "text", q.Text)
		b.respondSlow(ctx, i, respond, private, log, func(ctx context.Context) reply {
			return b.ask(ctx, log, q)
		})
	case "digest":
		b.handleDigest(ctx, i, respond, opts, log, quick)
	default:
		quick("Unknown command. Try /help.", true)
	}
}

// ask runs the engine and renders its answer, or a fixed apology.
// userText is what a person is shown for err: its message when it is
// written for people (an *answer.Error), else the fixed apology.
func userText(err error) string {
	if msg, ok := answer.UserMessage(err); ok {
		return msg
	}
	return sorryText
}

func (b *Bot) ask(ctx context.Context, log logger, q answer.Question) reply {
	a, err := b.ans.Ask(ctx, q)
	if msg, ok := answer.UserMessage(err); ok {
		return textReply(msg)
	}
	if err != nil {
		log.Error("answer question", "err", err)
		return textReply(sorryText)
	}
	log.Debug("answered", "quotes", len(a.Quotes), "no_answer", a.NoAnswer, "confidence", a.Confidence)
	return renderAnswer(a)
}

func (b *Bot) handleDigest(ctx context.Context, i *discordgo.Interaction, respond respondFunc,
	opts map[string]*discordgo.ApplicationCommandInteractionDataOption, log logger, quick func(string, bool)) {
	if b.cfg.Digests == nil {
		quick(noDigestsText, true)
		return
	}
	channel := "discord:" + i.ChannelID
	action := stringOption(opts, "action")
	tz := strings.TrimSpace(stringOption(opts, "tz"))
	switch action {
	case "", "latest":
		b.respondSlow(ctx, i, respond, false, log, func(ctx context.Context) reply {
			d, err := b.cfg.Digests.Now(ctx, channel)
			if err != nil {
				log.Error("digest now", "err", err)
				return textReply(sorryDigestText)
			}
			return renderDigest(d)
		})
	case "subscribe":
		if tz != "" {
			if _, err := time.LoadLocation(tz); err != nil || tz == "Local" {
				quick(fmt.Sprintf("tz: %q is not a time zone I know; use an IANA name such as Europe/Berlin or America/New_York.", clip(tz, 64)), true)
				return
			}
		}
		if !canManage(i) {
			quick(managePermission, true)
			return
		}
		b.respondSlow(ctx, i, respond, false, log, func(ctx context.Context) reply {
			if err := b.cfg.Digests.Subscribe(ctx, channel, tz); err != nil {
				log.Error("digest subscribe", "err", err)
				return textReply(sorryDigestText)
			}
			msg := "Subscribed: this channel gets the briefing digest every morning"
			if tz != "" {
				msg += " (" + tz + ")"
			}
			return textReply(msg + ".")
		})
	case "unsubscribe":
		if !canManage(i) {
			quick(managePermission, true)
			return
		}
		b.respondSlow(ctx, i, respond, false, log, func(ctx context.Context) reply {
			if err := b.cfg.Digests.Unsubscribe(ctx, channel); err != nil {
				log.Error("digest unsubscribe", "err", err)
				return textReply(sorryDigestText)
			}
			return textReply("Unsubscribed: this channel no longer gets the digest.")
		})
	default:
		quick("action: use latest, subscribe or unsubscribe.", true)
	}
}

type logger interface {
	Error(string, ...any)
	Warn(string, ...any)
	Debug(string, ...any)
}

// canManage reports whether the invoker may change the channel's digest
// subscription: anyone in a DM, Manage Channels or Administrator in a guild.
func canManage(i *discordgo.Interaction) bool {
	if i.Member == nil {
		return true
	}
	return i.Member.Permissions&(discordgo.PermissionManageChannels|discordgo.PermissionAdministrator) != 0
}

// respondSlow runs work and answers inline if it finishes within
// DeferAfter (Discord allows 3 s for the first response). Otherwise it
// acknowledges with a deferred response ("thinking…") and edits that
// response when work is done.
func (b *Bot) respondSlow(ctx context.Context, i *discordgo.Interaction, respond respondFunc, ephemeral bool, log logger, work func(context.Context) reply) {
	// The work outlives ctx when deferred (an HTTP request's ctx ends with
	// its response); AnswerTimeout bounds it instead.
	workCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.AnswerTimeout)
	done := make(chan reply, 1)
	go func() { done <- work(workCtx) }()

	t := time.NewTimer(b.cfg.DeferAfter)
	select {
	case r := <-done:
		t.Stop()
		cancel()
		if err := respond(ctx, messageResponse(r, ephemeral)); err != nil {
			b.drop(log, "respond to interaction", err)
			return
		}
		b.answered.Add(1)
		return
	case <-t.C:
	}
	if err := respond(ctx, deferredResponse(ephemeral)); err != nil {
		cancel()
		b.drop(log, "defer interaction response", err)
		return
	}
	b.goTracked(func() {
		defer cancel()
		r := <-done
		editCtx, cancelEdit := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.HTTPTimeout)
		defer cancelEdit()
		edit := webhookEdit(r)
		err := b.rest(editCtx, func(opts ...discordgo.RequestOption) error {
			_, err := b.s.InteractionResponseEdit(i, edit, opts...)
			return err
		})
		if err != nil {
			b.drop(log, "edit deferred interaction response", err)
			return
		}
		b.answered.Add(1)
	})
}

func messageResponse(r reply, ephemeral bool) *discordgo.InteractionResponse {
	d := &discordgo.InteractionResponseData{
		Content:         r.Content,
		Embeds:          nonNil(r.Embeds),
		AllowedMentions: noMentions(),
	}
	if ephemeral {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: d}
}

func deferredResponse(ephemeral bool) *discordgo.InteractionResponse {
	d := &discordgo.InteractionResponseData{AllowedMentions: noMentions()}
	if ephemeral {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource, Data: d}
}

func webhookEdit(r reply) *discordgo.WebhookEdit {
	content := r.Content
	embeds := nonNil(r.Embeds)
	return &discordgo.WebhookEdit{Content: &content, Embeds: &embeds, AllowedMentions: noMentions()}
}

// stringOption and boolOption read options without discordgo's panicking
// accessors: a malformed payload must not crash the bot.
func stringOption(opts map[string]*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	if o, ok := opts[name]; ok {
		if s, ok := o.Value.(string); ok {
			return s
		}
	}
	return ""
}

func boolOption(opts map[string]*discordgo.ApplicationCommandInteractionDataOption, name string) bool {
	if o, ok := opts[name]; ok {
		if v, ok := o.Value.(bool); ok {
			return v
		}
	}
	return false
}

func (b *Bot) onMessageCreate(_ *discordgo.Session, mc *discordgo.MessageCreate) {
	m := mc.Message
	if m == nil || !b.wantMessage(m) {
		return
	}
	if !b.seen.first("m:" + m.ID) {
		b.log.Debug("duplicate message", "id", m.ID)
		return
	}
	switch b.begin() {
	case admitted:
		go func() {
			defer b.end()
			b.handleMessage(m)
		}()
	case admitBusy:
		log := b.log.With("message", m.ID, "channel", m.ChannelID)
		log.Info("too many questions in flight; telling the person to try again", "limit", b.cfg.MaxInFlight)
		b.noticeLater(log, func(ctx context.Context) error { return b.replyTo(ctx, m, textReply(busyText)) })
	case admitClosing:
		b.drop(b.log.With("message", m.ID, "channel", m.ChannelID), "shutting down", nil)
	}
}

// wantMessage reports whether m is a person's DM to the bot or a message
// mentioning it. Bots (the bot itself included) and webhooks are ignored.
func (b *Bot) wantMessage(m *discordgo.Message) bool {
	if m.Author == nil || m.Author.Bot || m.Author.System || m.WebhookID != "" {
		return false
	}
	self := b.self()
	if self != "" && m.Author.ID == self {
		return false
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return false
	}
	if m.GuildID == "" {
		return true
	}
	for _, u := range m.Mentions {
		if u != nil && self != "" && u.ID == self {
			return true
		}
	}
	return false
}

var userMention = regexp.MustCompile(`<@!?([0-9]+)>`)

// handleMessage answers a DM or mention with a reply to it.
func (b *Bot) handleMessage(m *discordgo.Message) {
	log := b.log.With("message", m.ID, "channel", m.ChannelID)
	self := b.self()
	text := userMention.ReplaceAllStringFunc(m.Content, func(s string) string {
		if userMention.FindStringSubmatch(s)[1] == self {
			return " "
		}
		return s
	})
	ctx, cancel := context.WithTimeout(context.Background(), b.cfg.AnswerTimeout)
	defer cancel()

	var r reply
	q, err := answer.ParseQuestion(text)
	switch {
	case err != nil:
		r = textReply(userText(err))
	case strings.TrimSpace(q.Text) == "":
		r = textReply(helpText)
	default:
		log.Debug("question", "text", q.Text)
		r = b.ask(ctx, log, q)
	}
	sendCtx, cancelSend := context.WithTimeout(context.Background(), b.cfg.HTTPTimeout)
	defer cancelSend()
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
