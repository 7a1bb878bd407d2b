package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/briefbot/briefbot/redact"
)

// runSocketMode reads events over Socket Mode until ctx is done. slack-go
// reconnects after drops and "disconnect" requests; it gives up only on
// fatal errors such as a revoked token.
func (b *Bot) runSocketMode(ctx context.Context) error {
	smc := socketmode.New(b.client, socketmode.OptionLog(logOutput{b.log}))
	readCtx, stopReading := context.WithCancel(ctx)
	var reader sync.WaitGroup
	reader.Go(func() {
		for {
			select {
			case <-readCtx.Done():
				return
			case evt := <-smc.Events:
				b.handleSocketEvent(readCtx, smc, evt)
			}
		}
	})
	err := smc.RunContext(ctx)
	stopReading()
	// Whatever the reader acknowledged is queued before Run drains the pool.
	reader.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("slack socket mode: %w", redact.Err(err, redactString))
}

// handleSocketEvent acknowledges every envelope first, then routes it.
func (b *Bot) handleSocketEvent(ctx context.Context, smc *socketmode.Client, evt socketmode.Event) {
	if evt.Request != nil && evt.Request.EnvelopeID != "" {
		b.ack(ctx, smc, evt.Request.EnvelopeID)
	}
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		b.log.Debug("socket mode connecting")
	case socketmode.EventTypeConnected:
		b.log.Info("socket mode connected")
	case socketmode.EventTypeHello:
		b.log.Debug("socket mode hello")
	case socketmode.EventTypeConnectionError:
		if e, ok := evt.Data.(*slack.ConnectionErrorEvent); ok {
			b.log.Warn("socket mode connection failed; retrying", "attempt", e.Attempt, "backoff", e.Backoff, "err", e.ErrorObj)
		}
	case socketmode.EventTypeInvalidAuth:
		b.log.Error("socket mode: invalid app token")
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		b.log.Warn("socket mode I/O error", "data", fmt.Sprint(evt.Data))
	case socketmode.EventTypeErrorBadMessage:
		// Unknown envelope types and event types slack-go cannot parse
		// still carry an envelope ID: acknowledge them so Slack does not
		// resend them forever.
		if e, ok := evt.Data.(*socketmode.ErrorBadMessage); ok {
			var env struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal(e.Message, &env) == nil && env.EnvelopeID != "" {
				b.ack(ctx, smc, env.EnvelopeID)
			}
			b.log.Debug("socket mode message not understood", "err", e.Cause)
		}
	case socketmode.EventTypeEventsAPI:
		if ev, ok := evt.Data.(slackevents.EventsAPIEvent); ok {
			b.handleEventsAPI(ev)
		}
	case socketmode.EventTypeSlashCommand:
		if cmd, ok := evt.Data.(slack.SlashCommand); ok {
			delivery := ""
			if evt.Request != nil {
				// The same envelope delivered again is ignored.
				delivery = dedupeKey("envelope", evt.Request.EnvelopeID)
			}
			b.handleSlashCommand(cmd, delivery)
		}
	case socketmode.EventTypeInteractive:
		if cb, ok := evt.Data.(slack.InteractionCallback); ok {
			b.handleInteraction(cb)
		}
	}
}

func (b *Bot) ack(ctx context.Context, smc *socketmode.Client, envelopeID string) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := smc.AckCtx(ctx, envelopeID, nil); err != nil {
		b.log.Warn("socket mode ack failed", "envelope_id", envelopeID, "err", err)
	}
}
