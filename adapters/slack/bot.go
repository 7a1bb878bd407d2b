// Package slack connects briefbot to Slack: it receives mentions, direct
// messages, replies in threads it answered, the /brief slash command,
// button clicks and the AI-app assistant events (over Socket Mode or the
// HTTP Events API), asks the answer engine, and replies with Block Kit
// messages that quote the briefings verbatim with citations, with buttons
// for more, newer and older quotes, sharing and feedback.
//
// It is the only package that imports github.com/slack-go/slack.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/conversation"
	"github.com/briefbot/briefbot/feedback"
	"github.com/briefbot/briefbot/redact"
)

// answerer is the answer engine as this package uses it.
type answerer interface {
	Ask(ctx context.Context, q answer.Question) (answer.Answer, error)
	FollowUp(prev answer.Question, text string) (answer.Question, error)
	More(ctx context.Context, q answer.Question, shown []answer.Span) (answer.Answer, error)
}

// feedbackRecorder records what people say of an answer.
type feedbackRecorder interface {
	Record(ctx context.Context, f feedback.Feedback) error
}

// digester manages digest subscriptions; channel is "slack:<channelID>".
type digester interface {
	Subscribe(ctx context.Context, channel, tz string) error
	Unsubscribe(ctx context.Context, channel string) error
	Now(ctx context.Context, channel string) (answer.Digest, error)
}

// slackAPI is the subset of the Slack Web API client the bot calls.
type slackAPI interface {
	AuthTestContext(ctx context.Context) (*slack.AuthTestResponse, error)
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (string, error)
	SetAssistantThreadsStatusContext(ctx context.Context, params slack.AssistantThreadsSetStatusParameters) error
	SetAssistantThreadsTitleContext(ctx context.Context, params slack.AssistantThreadsSetTitleParameters) error
	SetAssistantThreadsSuggestedPromptsContext(ctx context.Context, params slack.AssistantThreadsSetSuggestedPromptsParameters) error
}

// Config configures a Bot. Zero values of the optional knobs pick the
// defaults documented on each field.
type Config struct {
	// BotToken is the bot user OAuth token (xoxb-...). Required.
	BotToken string
	// AppToken is the app-level token (xapp-...) with connections:write.
	// When set, Run connects over Socket Mode.
	AppToken string
	// SigningSecret verifies HTTP requests from Slack (see Register).
	// At least one of AppToken and SigningSecret is required.
	SigningSecret string
	// APIURL is the Web API base URL, default "https://slack.com/api/".
	APIURL string
	// Workers is the number of questions answered concurrently, default 4.
	Workers int
	// Digests manages digest subscriptions; nil disables /brief digest.
	Digests digester
	// Conversations keeps the threads the bot follows and the state behind
	// the buttons under its answers, so both outlive a restart and are
	// shared by replicas; nil keeps them in this process's memory.
	Conversations conversation.Store
	// Feedback records the "Helpful" and "Not helpful" buttons; nil leaves
	// the buttons out.
	Feedback feedbackRecorder
	// Quiet is how long a thread the bot answered in may stay quiet before
	// the bot stops following it (see conversation.Decide), default
	// conversation.DefaultQuiet. Negative turns following off: only
	// mentions and direct messages are answered, each on its own.
	Quiet time.Duration
	// Clock returns the current time; nil means time.Now. It drives
	// de-duplication, the per-user rate limit and request timestamp checks.
	Clock func() time.Time

	// QueueSize bounds the questions waiting for a worker, default 256.
	// A question that finds the queue full is told to ask again in a minute.
	QueueSize int
	// NoticeQueueSize bounds the short replies waiting to be posted ("too
	// busy", help, usage), default 1024. They have their own workers, so a
	// full question queue never silences them; one that finds this queue
	// full too is logged at warn and counted in Stats.Dropped.
	NoticeQueueSize int
	// AnswerTimeout bounds one question, engine and replies included,
	// default 30s.
	AnswerTimeout time.Duration
	// ShutdownTimeout bounds how long Run waits for answers in flight after
	// its context is done, default 30s.
	ShutdownTimeout time.Duration
	// DedupeWindow is how long a delivered event is remembered, default 1h.
	DedupeWindow time.Duration
	// DedupeMax bounds the remembered events, default 100000.
	DedupeMax int
	// Dedupe, when set, de-duplicates deliveries across replicas (see
	// Deduper); this process's memory still backs it up.
	Dedupe Deduper
	// UserLimit is how many questions one person may ask per UserWindow,
	// default 10; negative disables the limit.
	UserLimit int
	// UserWindow is the per-user rate limit window, default 1 minute.
	UserWindow time.Duration
	// MaxRetries is how often a rate-limited (429) post is retried, default 3;
	// negative disables retries.
	MaxRetries int
	// MaxRetryWait caps one wait for Retry-After, default 30s.
	MaxRetryWait time.Duration
	// MaxBodyBytes limits HTTP request bodies, default 1 MiB.
	MaxBodyBytes int64
	// HTTPClient is used for the Web API and response URLs; default a client
	// with a 30s timeout.
	HTTPClient *http.Client
}

// Bot answers questions asked in Slack. Create it with New, start it with
// Run, and in HTTP mode mount its handlers with Register.
type Bot struct {
	cfg    Config
	ans    answerer
	log    *slog.Logger
	client *slack.Client // for Socket Mode, which needs the concrete client
	api    slackAPI
	clock  func() time.Time

	seen    deliveryLog
	limiter *userLimiter
	store   conversation.Store
	quiet   time.Duration // 0: following threads is off

	qmu     sync.RWMutex
	closed  bool
	jobs    chan job // questions, shares and digest commands
	notices chan job // short replies, posted by their own workers

	running atomic.Bool // Run is active
	up      atomic.Bool // Run is serving: auth.test passed
	self    atomic.Pointer[identity]

	answered, busy, dropped atomic.Int64 // see Stats
}

// Stats counts what became of the questions the bot acknowledged, and
// reports whether it is serving. Every acknowledged question ends in
// Answered or Busy, or, when even that reply cannot be posted, in Dropped
// (each logged at warn).
type Stats struct {
	Up       bool  // Run is serving: the bot token was accepted
	Answered int64 // replies posted to questions: answers, "no answer", apologies
	Busy     int64 // questions told "too busy, ask again in a minute"
	Dropped  int64 // replies of any kind that could not be queued or posted
}

// Stats returns the counters since New.
func (b *Bot) Stats() Stats {
	return Stats{Up: b.up.Load(), Answered: b.answered.Load(), Busy: b.busy.Load(), Dropped: b.dropped.Load()}
}

// job is one unit of work for the worker pool.
type job func(ctx context.Context)

// identity is who the bot is, learnt from auth.test.
type identity struct{ userID, botID string }

// New checks cfg and returns a Bot that asks ans. A nil logger discards logs.
func New(cfg Config, ans answerer, logger *slog.Logger) (*Bot, error) {
	if ans == nil {
		return nil, errors.New("slack: no answer engine")
	}
	if cfg.BotToken == "" {
		return nil, errors.New("slack: bot token is required")
	}
	if !strings.HasPrefix(cfg.BotToken, "xoxb-") {
		return nil, errors.New("slack: bot token must start with xoxb-")
	}
	if cfg.AppToken != "" && !strings.HasPrefix(cfg.AppToken, "xapp-") {
		return nil, errors.New("slack: app token must start with xapp-")
	}
	if cfg.AppToken == "" && cfg.SigningSecret == "" {
		return nil, errors.New("slack: need an app token (Socket Mode) or a signing secret (HTTP mode)")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = slack.APIURL
	}
	u, err := url.Parse(cfg.APIURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("slack: API URL %q is not an http(s) URL", redact.Text(cfg.APIURL))
	}
	if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	if cfg.Workers < 0 || cfg.QueueSize < 0 || cfg.NoticeQueueSize < 0 || cfg.DedupeMax < 0 || cfg.MaxBodyBytes < 0 {
		return nil, errors.New("slack: Workers, QueueSize, NoticeQueueSize, DedupeMax and MaxBodyBytes must not be negative")
	}
	setDefault(&cfg.Workers, 4)
	setDefault(&cfg.QueueSize, 256)
	setDefault(&cfg.NoticeQueueSize, 1024)
	setDefault(&cfg.AnswerTimeout, 30*time.Second)
	setDefault(&cfg.ShutdownTimeout, 30*time.Second)
	setDefault(&cfg.DedupeWindow, time.Hour)
	setDefault(&cfg.DedupeMax, 100_000)
	setDefault(&cfg.UserLimit, 10)
	setDefault(&cfg.UserWindow, time.Minute)
	setDefault(&cfg.MaxRetries, 3)
	setDefault(&cfg.MaxRetryWait, 30*time.Second)
	setDefault(&cfg.MaxBodyBytes, 1<<20)
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Conversations == nil {
		cfg.Conversations = &conversation.Memory{Clock: cfg.Clock}
	}
	setDefault(&cfg.Quiet, conversation.DefaultQuiet)
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("platform", "slack")

	// Everything this adapter and slack-go log passes the redactor.
	logger = slog.New(redact.Handler(logger.Handler(), redactString))
	opts := []slack.Option{
		slack.OptionAPIURL(cfg.APIURL),
		slack.OptionHTTPClient(cfg.HTTPClient),
		slack.OptionLog(logOutput{logger}),
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	client := slack.New(cfg.BotToken, opts...)
	b := &Bot{
		cfg:     cfg,
		ans:     ans,
		log:     logger,
		client:  client,
		api:     client,
		clock:   cfg.Clock,
		seen:    newDeliveryLog(cfg, logger),
		limiter: newUserLimiter(cfg.Clock, cfg.UserLimit, cfg.UserWindow),
		store:   cfg.Conversations,
		quiet:   max(cfg.Quiet, 0),
		jobs:    make(chan job, cfg.QueueSize),
		notices: make(chan job, cfg.NoticeQueueSize),
	}
	return b, nil
}

func setDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v == 0 {
		*v = def
	}
}

// Run checks the bot token with auth.test, starts the worker pools and,
// when an app token is configured, reads events over Socket Mode,
// reconnecting after drops. Without an app token it only runs the pools for
// the handlers mounted by Register. Run returns nil once ctx is done and the
// answers already accepted are finished (bounded by
// Config.ShutdownTimeout).
//
// When Run fails (auth.test refused or unreachable, Socket Mode given up)
// it returns the error and keeps the questions already queued: Run may be
// called again, and the caller retries with a backoff.
func (b *Bot) Run(ctx context.Context) error {
	if !b.running.CompareAndSwap(false, true) {
		return errors.New("slack: Run is already running")
	}
	defer b.running.Store(false)
	authCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	who, err := b.api.AuthTestContext(authCtx)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			// Stopped before Slack was reached: what was queued (over HTTP)
			// is never posted.
			b.closeQueue()
			b.discardQueued()
			return nil
		}
		return fmt.Errorf("slack auth.test: %w", redact.Err(err, redactString))
	}
	b.self.Store(&identity{userID: who.UserID, botID: who.BotID})
	b.log.Info("slack connected", "team", who.Team, "bot_user", who.UserID, "socket_mode", b.cfg.AppToken != "")
	b.up.Store(true)
	defer b.up.Store(false)

	workCtx, stopWork := b.workContext(ctx)
	defer stopWork()
	quit := make(chan struct{})
	var workers sync.WaitGroup
	for range b.cfg.Workers {
		workers.Go(func() { b.work(workCtx, b.jobs, quit) })
	}
	for range noticeWorkers {
		workers.Go(func() { b.work(workCtx, b.notices, quit) })
	}

	var runErr error
	if b.cfg.AppToken != "" {
		runErr = b.runSocketMode(ctx)
	} else {
		<-ctx.Done()
	}
	if ctx.Err() != nil {
		// Shutting down: the workers finish what was accepted, then exit.
		b.closeQueue()
	} else {
		// Socket Mode failed: what is queued waits for the next Run.
		close(quit)
	}
	workers.Wait()
	b.log.Info("slack stopped")
	return runErr
}

// noticeWorkers post the short replies.
const noticeWorkers = 2

// work runs jobs until the queue is closed and empty, or quit is closed.
func (b *Bot) work(ctx context.Context, jobs <-chan job, quit <-chan struct{}) {
	for {
		select {
		case j, ok := <-jobs:
			if !ok {
				return
			}
			b.runJob(ctx, j)
		case <-quit:
			return
		}
	}
}

// workContext returns the context answers run under: it outlives ctx so
// that answers in flight finish, but only for ShutdownTimeout.
func (b *Bot) workContext(ctx context.Context) (context.Context, func()) {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
			return
		case <-ctx.Done():
		}
		t := time.NewTimer(b.cfg.ShutdownTimeout)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
			cancel()
		}
	}()
	return work, func() { close(done); cancel() }
}

func (b *Bot) runJob(ctx context.Context, j job) {
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("slack: job panicked", "panic", r)
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, b.cfg.AnswerTimeout)
	defer cancel()
	j(ctx)
}

// enqueue hands j to the question workers without blocking the event
// reader. It reports false when the queue is full or the bot has stopped.
func (b *Bot) enqueue(j job) bool { return b.put(b.jobs, j) }

// put adds j to queue unless it is full or the bot has stopped.
func (b *Bot) put(queue chan job, j job) bool {
	b.qmu.RLock()
	defer b.qmu.RUnlock()
	if b.closed {
		return false
	}
	select {
	case queue <- j:
		return true
	default:
		return false
	}
}

// discardQueued counts the jobs left in the closed queues as dropped.
func (b *Bot) discardQueued() {
	for _, q := range []chan job{b.jobs, b.notices} {
		for range q {
			b.drop(replyOther, "stopped before Slack was reached")
		}
	}
}

func (b *Bot) closeQueue() {
	b.qmu.Lock()
	defer b.qmu.Unlock()
	if !b.closed {
		b.closed = true
		close(b.jobs)
		close(b.notices)
	}
}

// isSelf reports whether a user or bot ID is this bot.
func (b *Bot) isSelf(userID, botID string) bool {
	who := b.self.Load()
	if who == nil {
		return false
	}
	return (userID != "" && userID == who.userID) || (botID != "" && botID == who.botID)
}

// logOutput routes slack-go's internal logging to slog at Debug level.
type logOutput struct{ log *slog.Logger }

func (l logOutput) Output(_ int, s string) error {
	l.log.Debug(strings.TrimSpace(s), "source", "slack-go")
	return nil
}
