package slack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/slack-go/slack"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/redact"
)

// PostDigest posts d to the channel with the given ID (without the
// "slack:" prefix). Rate-limited posts are retried after Retry-After, a
// bounded number of times.
func (b *Bot) PostDigest(ctx context.Context, channelID string, d answer.Digest) error {
	if channelID == "" {
		return errors.New("slack: post digest: no channel")
	}
	if err := b.post(ctx, target{channel: channelID}, renderDigest(d)); err != nil {
		return fmt.Errorf("slack: post digest to %s: %w", channelID, redact.Err(err, redactString))
	}
	return nil
}

// reply posts m to t and counts it as kind; a failure is where errors end:
// logged at warn and counted as dropped.
func (b *Bot) reply(ctx context.Context, t target, m message, kind replyKind) {
	if err := b.post(ctx, t, m); err != nil {
		b.drop(kind, "post failed", "channel", t.channel, "err", err)
		return
	}
	switch kind {
	case replyAnswer:
		b.answered.Add(1)
	case replyBusy:
		b.busy.Add(1)
	}
}

// post sends m to t: through the response URL when there is one, else as
// an ephemeral or ordinary message, threaded when t.threadTS is set.
func (b *Bot) post(ctx context.Context, t target, m message) error {
	if t.responseURL != "" {
		kind := "in_channel"
		if t.ephemeral {
			kind = "ephemeral"
		}
		return b.postResponse(ctx, t.responseURL, m, kind, false, false)
	}
	opts := []slack.MsgOption{
		slack.MsgOptionText(m.Text, false),
		slack.MsgOptionBlocks(m.Blocks...),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	}
	if t.threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(t.threadTS))
	}
	return b.retry(ctx, func(ctx context.Context) error {
		if t.ephemeral {
			_, err := b.api.PostEphemeralContext(ctx, t.channel, t.user, opts...)
			return err
		}
		_, _, err := b.api.PostMessageContext(ctx, t.channel, opts...)
		return err
	})
}

// postResponse posts to a response URL of a slash command or button.
func (b *Bot) postResponse(ctx context.Context, responseURL string, m message, kind string, replace, del bool) error {
	msg := &slack.WebhookMessage{
		Text:            m.Text,
		ResponseType:    kind,
		ReplaceOriginal: replace,
		DeleteOriginal:  del,
	}
	if len(m.Blocks) > 0 {
		msg.Blocks = &slack.Blocks{BlockSet: m.Blocks}
	}
	off := false
	msg.UnfurlLinks, msg.UnfurlMedia = &off, &off
	return b.retry(ctx, func(ctx context.Context) error {
		return slack.PostWebhookCustomHTTPContext(ctx, responseURL, b.cfg.HTTPClient, msg)
	})
}

// retry calls f again after Slack's Retry-After while it is rate limited,
// at most MaxRetries times.
func (b *Bot) retry(ctx context.Context, f func(context.Context) error) error {
	for attempt := 0; ; attempt++ {
		err := f(ctx)
		rl, ok := errors.AsType[*slack.RateLimitedError](err)
		if !ok || attempt >= b.cfg.MaxRetries {
			return err
		}
		wait := min(max(rl.RetryAfter, 100*time.Millisecond), b.cfg.MaxRetryWait)
		b.log.Info("rate limited by Slack; retrying", "retry_after", wait, "attempt", attempt+1)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// validResponseURL accepts the URLs Slack sends for replies: https, or
// http to a loopback address (local fakes and tests).
func validResponseURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		ip := net.ParseIP(u.Hostname())
		return u.Hostname() == "localhost" || (ip != nil && ip.IsLoopback())
	}
	return false
}
