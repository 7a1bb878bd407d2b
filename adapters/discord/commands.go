package discord

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/conversation"
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
• Mention me or send me a direct message with a question to get the same answer as ` + "`/ask`" + `. Reply to my answer to follow up: *and in 2023?* *what about Kirby?* *why?*
• Right-click a message → Apps → **Ask briefbot** to ask it as a question.
• Under an answer: **More quotes**, **Newer**, **Older**, and **Helpful** / **Not helpful** to tell the team how it did.

When the briefings don't answer a question, I say so and show the closest passages. I never make up text.`

// askMessageCommand is the message context-menu command that asks the
// selected message as a question.
const askMessageCommand = "Ask briefbot"

// commands are the slash commands and the message command, registered
// with one bulk overwrite.
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
				{
					Type:         discordgo.ApplicationCommandOptionString,
					Name:         "speaker",
					Description:  "Only this person's words",
					Autocomplete: true,
					MaxLength:    100,
				},
				{
					Type:        discordgo.ApplicationCommandOptionString,
					Name:        "since",
					Description: "Only documents from this date on: YYYY-MM-DD or YYYY-MM",
					MaxLength:   10,
				},
			},
		},
		{
			Name: askMessageCommand,
			Type: discordgo.MessageApplicationCommand,
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
	if i == nil {
		return
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete, discordgo.InteractionMessageComponent:
	default:
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

// handleInteraction answers an application command, an autocomplete
// request or a button click. It returns once the first response is sent;
// a deferred answer is finished by a tracked goroutine. The caller must
// hold an in-flight slot (begin).
func (b *Bot) handleInteraction(ctx context.Context, i *discordgo.Interaction, respond respondFunc) {
	switch i.Type {
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.autocomplete(ctx, i, respond)
		return
	case discordgo.InteractionMessageComponent:
		b.handleComponent(ctx, i, respond)
		return
	}
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
	if data.CommandType == discordgo.MessageApplicationCommand {
		if data.Name != askMessageCommand {
			quick("Unknown command. Try /help.", true)
			return
		}
		var text string
		if data.Resolved != nil {
			if m := data.Resolved.Messages[data.TargetID]; m != nil {
				text = strings.TrimSpace(userMention.ReplaceAllString(m.Content, " "))
			}
		}
		if text == "" {
			quick("That message has no text to ask about.", true)
			return
		}
		b.askCommand(ctx, i, respond, log, text, false, quick)
		return
	}
	switch data.Name {
	case "help":
		quick(helpText, true)
	case "ask":
		text := stringOption(opts, "question")
		if s := strings.TrimSpace(stringOption(opts, "speaker")); s != "" {
			text += " speaker:" + strings.Join(strings.Fields(s), "_")
		}
		if s := strings.TrimSpace(stringOption(opts, "since")); s != "" {
			text += " since:" + strings.Join(strings.Fields(s), "")
		}
		b.askCommand(ctx, i, respond, log, text, boolOption(opts, "private"), quick)
	case "digest":
		b.handleDigest(ctx, i, respond, opts, log, quick)
	default:
		quick("Unknown command. Try /help.", true)
	}
}

// askCommand answers text, asked by /ask or the message command; the
// answer of the message command repeats the question.
func (b *Bot) askCommand(ctx context.Context, i *discordgo.Interaction, respond respondFunc, log logger, text string, private bool, quick func(string, bool)) {
	q, err := answer.ParseQuestion(text)
	if err != nil {
		quick(userText(err), true)
		return
	}
	if strings.TrimSpace(q.Text) == "" {
		quick(emptyQuestion, true)
		return
	}
	opt := renderOptions{}
	if i.Type == discordgo.InteractionApplicationCommand {
		if d, ok := i.Data.(discordgo.ApplicationCommandInteractionData); ok && d.CommandType == discordgo.MessageApplicationCommand {
			opt.question = conversation.Format(q)
		}
	}
	log.Debug("question", "text", q.Text)
	b.respondSlow(ctx, i, respond, private, log, func(ctx context.Context) reply {
		a, err := b.ans.Ask(ctx, q)
		if err != nil {
			return b.errorReply(log, err)
		}
		log.Debug("answered", "quotes", len(a.Quotes), "no_answer", a.NoAnswer, "confidence", a.Confidence)
		return b.answerReply(ctx, log, q, a, opt, answerState{private: private})
	})
}

// userText is what a person is shown for err: its message when it is
// written for people (an *answer.Error), else the fixed apology.
func userText(err error) string {
	if msg, ok := answer.UserMessage(err); ok {
		return msg
	}
	return sorryText
}

// errorReply is the reply to a question the engine could not answer: the
// message of an *answer.Error (a stop-words-only question, a bad filter)
// as is, and for anything else, which is logged, the fixed apology.
func (b *Bot) errorReply(log logger, err error) reply {
	if msg, ok := answer.UserMessage(err); ok {
		return textReply(msg)
	}
	log.Error("answer question", "err", err)
	return textReply(sorryText)
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
		Components:      nonNilComponents(r.Components),
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
	comps := nonNilComponents(r.Components)
	return &discordgo.WebhookEdit{Content: &content, Embeds: &embeds, Components: &comps, AllowedMentions: noMentions()}
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
