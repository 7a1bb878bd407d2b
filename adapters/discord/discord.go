// Package discord answers questions about press briefings on Discord with
// verbatim, cited quotes. It serves slash commands (/ask with speaker
// autocomplete, /digest, /help), the "Ask briefbot" message command and
// the buttons under its answers, over the gateway or an HTTP interactions
// endpoint; and over the gateway @mentions, DMs, replies to its answers
// and follow-ups in threads. It posts digests. It is the only package
// that imports discordgo.
package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/conversation"
	"github.com/briefbot/briefbot/feedback"
	"github.com/briefbot/briefbot/redact"
	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// answerer is the engine: a question in, verbatim quotes out; follow-ups
// read in the context of the question before; more quotes; the speakers
// to pick from.
type answerer interface {
	Ask(ctx context.Context, q answer.Question) (answer.Answer, error)
	FollowUp(prev answer.Question, text string) (answer.Question, error)
	More(ctx context.Context, q answer.Question, shown []answer.Span) (answer.Answer, error)
	Speakers(prefix string, n int) []string
}

// feedbackRecorder records what people say of an answer.
type feedbackRecorder interface {
	Record(ctx context.Context, f feedback.Feedback) error
}

// digester manages digest subscriptions; channel is "discord:<channelID>".
type digester interface {
	Subscribe(ctx context.Context, channel, tz string) error
	Unsubscribe(ctx context.Context, channel string) error
	Now(ctx context.Context, channel string) (answer.Digest, error)
}

// Config configures a Bot. BotToken enables the gateway (and REST calls
// that need the bot's identity); PublicKey enables the HTTP interactions
// endpoint. At least one is required. Zero values of the tuning knobs get
// the defaults documented on each field.
type Config struct {
	BotToken  string // bot token, with or without the "Bot " prefix
	AppID     string // application ID; required with BotToken
	GuildID   string // register commands in this guild only (instant); "" = global
	PublicKey string // application public key, 64 hex characters (HTTP mode)
	APIURL    string // REST base standing in for https://discord.com ("" = Discord)

	Digests digester         // nil: /digest says digests are not configured
	Clock   func() time.Time // nil = time.Now; drives de-duplication, signature windows and threads' quiet periods

	// Conversations keeps the threads the bot follows and the state behind
	// the buttons under its answers, so both outlive a restart and are
	// shared by replicas; nil keeps them in this process's memory.
	Conversations conversation.Store
	// Feedback records the "Helpful" and "Not helpful" buttons; nil leaves
	// them out.
	Feedback feedbackRecorder
	// Quiet is how long a DM or thread the bot answered in may stay quiet
	// before it stops following it (see conversation.Decide), default
	// conversation.DefaultQuiet; negative turns following off.
	Quiet time.Duration
	// MessageContent asks for the privileged Message Content intent
	// (enable it on the application's Bot page first, or the gateway
	// refuses to connect): without it Discord sends the bot the text of
	// DMs, mentions and replies only, so follow-ups in threads need a
	// mention.
	MessageContent bool

	DeferAfter      time.Duration // answer inline if done within this, else defer (default 2s)
	AnswerTimeout   time.Duration // per question or digest (default 30s)
	MaxRetries      int           // retries after a 429 per REST call (default 2; negative = none)
	MaxRetryWait    time.Duration // longest wait for one rate-limit retry or bucket reset (default 5s)
	DedupeTTL       time.Duration // how long IDs are remembered (default and minimum 1h)
	DedupeSize      int           // most IDs remembered (default 10000)
	Dedupe          Deduper       // shared across replicas (see Deduper); nil = this process only
	MaxInFlight     int           // questions answered at once; more are told to try again in a minute (default 64)
	MaxNotices      int           // such "too busy" replies being sent at once; beyond, one is dropped, logged at warn and counted (default 256)
	MaxBodyBytes    int64         // HTTP interaction body limit (default 64 KiB)
	SignatureWindow time.Duration // accepted signature timestamp skew (default 5m)
	ReconnectDelay  time.Duration // first gateway reconnect wait, doubling to 2m (default 1s)
	HTTPTimeout     time.Duration // per REST request (default 15s)
}

func (c *Config) setDefaults() {
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.DeferAfter <= 0 {
		c.DeferAfter = 2 * time.Second
	}
	if c.AnswerTimeout <= 0 {
		c.AnswerTimeout = 30 * time.Second
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 2
	} else if c.MaxRetries < 0 {
		c.MaxRetries = 0
	}
	if c.MaxRetryWait <= 0 {
		c.MaxRetryWait = 5 * time.Second
	}
	if c.DedupeTTL < time.Hour {
		c.DedupeTTL = time.Hour
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 64
	}
	if c.MaxNotices <= 0 {
		c.MaxNotices = 256
	}
	if c.DedupeSize <= 0 {
		c.DedupeSize = 10000
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 64 << 10
	}
	if c.SignatureWindow <= 0 {
		c.SignatureWindow = 5 * time.Minute
	}
	if c.ReconnectDelay <= 0 {
		c.ReconnectDelay = time.Second
	}
	if c.HTTPTimeout <= 0 {
		c.HTTPTimeout = 15 * time.Second
	}
	if c.Quiet == 0 {
		c.Quiet = conversation.DefaultQuiet
	}
	if c.Conversations == nil {
		c.Conversations = &conversation.Memory{Clock: c.Clock}
	}
}

const maxReconnectDelay = 2 * time.Minute

// Bot is a Discord front end for an answer engine. Create it with New,
// then call Run (gateway) and/or Register (HTTP interactions).
type Bot struct {
	cfg    Config
	ans    answerer
	log    *slog.Logger
	s      *discordgo.Session
	pubKey ed25519.PublicKey
	seen   deliveryLog
	selfID atomic.Pointer[string]
	store  conversation.Store
	quiet  time.Duration // 0: following DMs and threads is off
	kinds  channelKinds  // which channels are threads

	disconnected chan struct{} // gateway dropped; Run reconnects

	mu       sync.Mutex // guards closing, inFlight, notices and wg.Add against wg.Wait
	closing  bool
	inFlight int            // tasks started by begin and not yet ended
	notices  int            // busy replies being sent (beginNotice)
	wg       sync.WaitGroup // in-flight answers and notices

	up                      atomic.Bool  // the gateway is connected, or HTTP-only Run is active
	answered, busy, dropped atomic.Int64 // see Stats
}

// Stats counts what became of the commands and messages the bot took, and
// reports whether it is serving. Every one ends in Answered or Busy, or,
// when even the busy reply cannot be sent, in Dropped (each logged at
// warn).
type Stats struct {
	Up       bool  // the gateway is connected (HTTP-only: Run is active)
	Answered int64 // replies delivered: answers, "not found", help, apologies
	Busy     int64 // told to try again: too busy, or restarting (HTTP)
	Dropped  int64 // replies that could not be sent
}

// Stats returns the counters since New.
func (b *Bot) Stats() Stats {
	return Stats{Up: b.up.Load(), Answered: b.answered.Load(), Busy: b.busy.Load(), Dropped: b.dropped.Load()}
}

// New checks cfg and prepares a Bot; it does not connect to anything.
func New(cfg Config, ans answerer, logger *slog.Logger) (*Bot, error) {
	if ans == nil {
		return nil, errors.New("discord: no answer engine")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg.BotToken = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(cfg.BotToken), "Bot "))
	if cfg.BotToken == "" && cfg.PublicKey == "" {
		return nil, errors.New("discord: set a bot token (gateway) or a public key (HTTP interactions)")
	}
	if cfg.BotToken != "" && cfg.AppID == "" {
		return nil, errors.New("discord: the application ID is required with a bot token")
	}
	if strings.ContainsAny(cfg.BotToken, " \t\r\n") {
		return nil, errors.New("discord: the bot token contains white space")
	}
	cfg.setDefaults()
	// Everything this adapter logs, the shared de-duplication's warnings
	// included, passes the redactor.
	logger = slog.New(redact.Handler(logger.With("platform", "discord").Handler(), scrub))
	b := &Bot{
		cfg:          cfg,
		ans:          ans,
		log:          logger,
		seen:         newDeliveryLog(cfg, logger),
		disconnected: make(chan struct{}, 1),
		store:        cfg.Conversations,
		quiet:        max(cfg.Quiet, 0),
	}
	if cfg.PublicKey != "" {
		key, err := hex.DecodeString(strings.TrimSpace(cfg.PublicKey))
		if err != nil || len(key) != ed25519.PublicKeySize {
			return nil, errors.New("discord: the public key must be 64 hex characters")
		}
		b.pubKey = ed25519.PublicKey(key)
	}
	tr, err := newAPITransport(cfg.APIURL, cfg.MaxRetryWait, nil)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", scrubErr(err))
	}

	token := ""
	if cfg.BotToken != "" {
		token = "Bot " + cfg.BotToken
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("discord: new session: %w", err)
	}
	s.Client = &http.Client{Transport: tr, Timeout: cfg.HTTPTimeout}
	// discordgo's default dialer waits 45 s for a handshake; fail sooner
	// and let Run's reconnect loop try again.
	s.Dialer = &websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: cfg.HTTPTimeout}
	// discordgo retries a 429 forever (sleeping without a context); we
	// retry a bounded number of times ourselves, see rest.
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 1 // 502s
	// discordgo's reconnect loop ignores Close and contexts and can reopen a
	// session after shutdown; Run reconnects instead, on Disconnect events.
	s.ShouldReconnectOnError = false
	// Handlers run in the gateway's read loop, in order (READY before the
	// first MESSAGE_CREATE); they only de-duplicate and start work.
	s.SyncEvents = true
	s.StateEnabled = false
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if cfg.MessageContent {
		s.Identify.Intents |= discordgo.IntentMessageContent
	}
	s.AddHandler(b.onReady)
	s.AddHandler(b.onDisconnect)
	s.AddHandler(b.onInteractionCreate)
	s.AddHandler(b.onMessageCreate)
	b.s = s
	return b, nil
}

// Run serves the gateway until ctx is done, then waits for in-flight
// answers and closes the connection. With a bot token it first registers
// the slash commands with one bulk overwrite (guild-scoped when GuildID is
// set), and reconnects when the gateway drops. Without a bot token
// (HTTP-only) it waits for ctx and in-flight answers. It returns nil after
// a clean shutdown.
func (b *Bot) Run(ctx context.Context) error {
	if b.cfg.BotToken == "" {
		b.up.Store(true)
		<-ctx.Done()
		b.up.Store(false)
		b.drain()
		return nil
	}
	if err := b.registerCommands(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped during start-up
		}
		return err
	}
	if err := b.s.Open(); err != nil {
		return fmt.Errorf("discord: open gateway: %w", scrubErr(err))
	}
	b.up.Store(true)
	defer b.up.Store(false)
	b.log.Info("gateway connected")
	delay := b.cfg.ReconnectDelay
	for {
		select {
		case <-ctx.Done():
			b.shutdown()
			return nil
		case <-b.disconnected:
		}
		for {
			b.log.Warn("gateway disconnected; reconnecting", "in", delay)
			t := time.NewTimer(delay)
			select {
			case <-ctx.Done():
				t.Stop()
				b.shutdown()
				return nil
			case <-t.C:
			}
			err := b.s.Open()
			if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
				b.up.Store(true)
				b.log.Info("gateway reconnected")
				delay = b.cfg.ReconnectDelay
				break
			}
			b.log.Warn("gateway reconnect failed", "err", scrubErr(err))
			delay = min(delay*2, maxReconnectDelay)
		}
	}
}

// shutdown finishes in-flight answers, then closes the gateway.
func (b *Bot) shutdown() {
	b.log.Info("shutting down; finishing in-flight answers")
	b.drain()
	if err := b.s.Close(); err != nil {
		b.log.Warn("close gateway", "err", scrubErr(err))
	}
}

// registerCommands replaces the application's commands with ours in one
// request, so removed commands disappear and nothing is registered twice.
func (b *Bot) registerCommands(ctx context.Context) error {
	cmds := commands()
	err := b.rest(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := b.s.ApplicationCommandBulkOverwrite(b.cfg.AppID, b.cfg.GuildID, cmds, opts...)
		return err
	})
	if err != nil {
		return fmt.Errorf("discord: register commands: %w", err)
	}
	scope := "global"
	if b.cfg.GuildID != "" {
		scope = "guild " + b.cfg.GuildID
	}
	b.log.Info("registered slash commands", "count", len(cmds), "scope", scope)
	return nil
}

// PostDigest posts a rendered digest to a channel. channelID may carry the
// "discord:" prefix used for digest subscriptions. It needs a bot token.
func (b *Bot) PostDigest(ctx context.Context, channelID string, d answer.Digest) error {
	if b.cfg.BotToken == "" {
		return errors.New("discord: posting a digest needs a bot token")
	}
	channelID = strings.TrimPrefix(channelID, "discord:")
	if channelID == "" || strings.ContainsAny(channelID, "/?#") {
		return fmt.Errorf("discord: post digest: invalid channel ID %q", channelID)
	}
	msg := messageSend(renderDigest(d))
	err := b.rest(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := b.s.ChannelMessageSendComplex(channelID, msg, opts...)
		return err
	})
	if err != nil {
		return fmt.Errorf("discord: post digest to channel %s: %w", channelID, err)
	}
	return nil
}

// admission is what becomes of a new command or message.
type admission int

const (
	admitted     admission = iota // answer it
	admitBusy                     // MaxInFlight reached: say so
	admitClosing                  // shutting down
)

// begin records an in-flight task unless MaxInFlight are running or
// shutdown has started.
func (b *Bot) begin() admission {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing {
		return admitClosing
	}
	if b.inFlight >= b.cfg.MaxInFlight {
		// A flood (or a slow engine) must not grow goroutines without
		// bound: the person is told to try again instead.
		return admitBusy
	}
	b.inFlight++
	b.wg.Add(1)
	return admitted
}

func (b *Bot) end() {
	b.mu.Lock()
	b.inFlight--
	b.mu.Unlock()
	b.wg.Done()
}

// noticeLater sends a "too busy" reply with send on a goroutine of its own,
// at most MaxNotices at a time; beyond that, or when send fails, the reply
// is dropped: logged at warn and counted.
func (b *Bot) noticeLater(log logger, send func(ctx context.Context) error) {
	b.mu.Lock()
	ok := !b.closing && b.notices < b.cfg.MaxNotices
	if ok {
		b.notices++
		b.wg.Add(1)
	}
	b.mu.Unlock()
	if !ok {
		b.drop(log, "too many replies in flight", nil)
		return
	}
	go func() {
		defer func() {
			b.mu.Lock()
			b.notices--
			b.mu.Unlock()
			b.wg.Done()
		}()
		ctx, cancel := context.WithTimeout(context.Background(), b.cfg.HTTPTimeout)
		defer cancel()
		if err := send(ctx); err != nil {
			b.drop(log, "busy reply failed", err)
			return
		}
		b.busy.Add(1)
	}()
}

// drop records a reply that will never be delivered.
func (b *Bot) drop(log logger, reason string, err error) {
	n := b.dropped.Add(1)
	args := []any{"reason", reason, "dropped_total", n}
	if err != nil {
		args = append(args, "err", err)
	}
	log.Warn("reply dropped", args...)
}

// goTracked runs f as an in-flight task. Only call it from a task that is
// itself tracked, so the counter cannot be zero while Wait runs.
func (b *Bot) goTracked(f func()) {
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		f()
	}()
}

// drain stops new work and waits for in-flight tasks.
func (b *Bot) drain() {
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
	b.wg.Wait()
}

// rest runs one REST call with the request bound to ctx, retrying a 429 at
// most MaxRetries times and waiting at most MaxRetryWait each time.
func (b *Bot) rest(ctx context.Context, call func(opts ...discordgo.RequestOption) error) error {
	for attempt := 0; ; attempt++ {
		err := call(discordgo.WithContext(ctx))
		var rl *discordgo.RateLimitError
		if !errors.As(err, &rl) {
			return scrubErr(err)
		}
		if attempt >= b.cfg.MaxRetries {
			return fmt.Errorf("rate limited after %d attempts", attempt+1)
		}
		wait := max(0, min(rl.RetryAfter, b.cfg.MaxRetryWait))
		b.log.Debug("rate limited; retrying", "in", wait, "attempt", attempt+1)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// tokenInPath matches the secret part of interaction and webhook URLs.
var tokenInPath = regexp.MustCompile(`(/(?:interactions|webhooks)/[0-9]+/)[^/\s"?]+`)

// scrub removes interaction and webhook tokens from text (discordgo and
// net/http put request URLs in errors), and the user information and query
// values of any URL (redact.Text). The bot token is sent in a header and
// never appears in URLs.
func scrub(s string) string {
	return redact.Text(tokenInPath.ReplaceAllString(s, "${1}[redacted]"))
}

// scrubErr is err with its text scrubbed; errors.Is and As still work.
func scrubErr(err error) error { return redact.Err(err, scrub) }

func (b *Bot) onReady(_ *discordgo.Session, r *discordgo.Ready) {
	if r.User != nil {
		id := r.User.ID
		b.selfID.Store(&id)
	}
	b.log.Info("gateway ready", "guilds", len(r.Guilds))
}

func (b *Bot) self() string {
	if p := b.selfID.Load(); p != nil {
		return *p
	}
	return ""
}

func (b *Bot) onDisconnect(_ *discordgo.Session, _ *discordgo.Disconnect) {
	b.up.Store(false)
	select {
	case b.disconnected <- struct{}{}:
	default:
	}
}

// messageSend is a channel message with no pings allowed.
func messageSend(r reply) *discordgo.MessageSend {
	return &discordgo.MessageSend{
		Content:         r.Content,
		Embeds:          nonNil(r.Embeds),
		Components:      nonNilComponents(r.Components),
		AllowedMentions: noMentions(),
	}
}

func nonNilComponents(c []discordgo.MessageComponent) []discordgo.MessageComponent {
	if c == nil {
		return []discordgo.MessageComponent{}
	}
	return c
}

func nonNil(e []*discordgo.MessageEmbed) []*discordgo.MessageEmbed {
	if e == nil {
		return []*discordgo.MessageEmbed{}
	}
	return e
}
