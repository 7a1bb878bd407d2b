package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"time"

	discordbot "github.com/briefbot/briefbot/adapters/discord"
	slackbot "github.com/briefbot/briefbot/adapters/slack"
	"github.com/briefbot/briefbot/conversation"
	"github.com/briefbot/briefbot/corpus/feed"
	"github.com/briefbot/briefbot/digest"
	"github.com/briefbot/briefbot/redact"
)

// config is the bot's configuration, read from the environment (and .env)
// and checked once, before a command does any work; the commands and the
// adapters they build trust it. Errors name the variable.
type config struct {
	CorpusDir string     // CORPUS_DIR or --corpus; "" = the bundled sample
	DataDir   string     // DATA_DIR, default ./data
	IndexDir  string     // --index, default DataDir/index
	LogLevel  slog.Level // LOG_LEVEL
	HTTPAddr  string     // HTTP_ADDR as set; "" = :8080, and only when an adapter needs it

	Slack   *slackbot.Config   // nil: Slack is not configured
	Discord *discordbot.Config // nil: Discord is not configured
	Digest  digest.Config      // DIGEST_*

	// Quiet (CONVERSATION_QUIET) is how long a thread or DM the bots
	// answered in may stay quiet before they stop following it; negative
	// turns following off.
	Quiet time.Duration

	Feeds        []string      // FEEDS
	FeedInterval time.Duration // FEED_INTERVAL
	FeedState    string        // FEED_STATE, default DataDir/feeds.json

	// DatabaseURL (DATABASE_URL) moves the state replicas share, and the
	// corpus of record, to PostgreSQL; "" keeps it in DataDir.
	DatabaseURL string
}

// defaultHTTPAddr is where the HTTP listener binds when HTTP_ADDR is not set.
const defaultHTTPAddr = ":8080"

// loadConfig reads and checks every variable. where holds the command's
// --corpus and --index flags, which win over the environment; nil for
// commands without them.
func loadConfig(getenv func(string) string, where *locations) (*config, error) {
	level, err := logLevel(getenv("LOG_LEVEL"))
	if err != nil {
		return nil, err
	}
	cfg := &config{
		CorpusDir: getenv("CORPUS_DIR"),
		DataDir:   orDefault(getenv("DATA_DIR"), "data"),
		LogLevel:  level,
		HTTPAddr:  getenv("HTTP_ADDR"),

		DatabaseURL: strings.TrimSpace(getenv("DATABASE_URL")),
	}
	if where != nil && where.corpus != "" {
		cfg.CorpusDir = where.corpus
	}
	cfg.IndexDir = filepath.Join(cfg.DataDir, "index")
	if where != nil && where.index != "" {
		cfg.IndexDir = where.index
	}
	cfg.FeedState = orDefault(getenv("FEED_STATE"), filepath.Join(cfg.DataDir, "feeds.json"))

	sc, slackOn, err := slackConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	if slackOn {
		cfg.Slack = &sc
	}
	dc, discordOn, err := discordConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	if discordOn {
		cfg.Discord = &dc
	}
	if cfg.Digest, err = digestConfigFromEnv(getenv); err != nil {
		return nil, err
	}
	if cfg.Quiet, err = quietFromEnv(getenv("CONVERSATION_QUIET")); err != nil {
		return nil, err
	}
	if cfg.Slack != nil {
		cfg.Slack.Quiet = cfg.Quiet
	}
	if cfg.Discord != nil {
		cfg.Discord.Quiet = cfg.Quiet
	}
	if cfg.Feeds, err = feed.ParseFeeds(getenv("FEEDS")); err != nil {
		return nil, redact.Err(err, nil)
	}
	cfg.FeedInterval = feed.DefaultInterval
	if v := getenv("FEED_INTERVAL"); v != "" {
		if cfg.FeedInterval, err = time.ParseDuration(v); err != nil || cfg.FeedInterval < time.Minute {
			return nil, fmt.Errorf("FEED_INTERVAL=%q: use a duration of at least 1m, such as 15m or 1h", v)
		}
	}
	if cfg.DatabaseURL != "" && !strings.HasPrefix(cfg.DatabaseURL, "postgres://") && !strings.HasPrefix(cfg.DatabaseURL, "postgresql://") {
		return nil, errors.New("DATABASE_URL: want a PostgreSQL URL such as postgres://briefbot:PASSWORD@db:5432/briefbot")
	}
	if len(cfg.Feeds) > 0 && cfg.CorpusDir == "" {
		return nil, errors.New("FEEDS needs CORPUS_DIR: feed items are saved there as files")
	}
	if _, _, err := net.SplitHostPort(cfg.listenAddr()); err != nil {
		return nil, fmt.Errorf("HTTP_ADDR=%q: use host:port or :port, such as :8080", cfg.HTTPAddr)
	}
	return cfg, nil
}

// quietFromEnv reads CONVERSATION_QUIET: a Go duration, or 0 or off to
// answer only mentions and direct messages, each on its own.
func quietFromEnv(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	switch strings.ToLower(v) {
	case "":
		return conversation.DefaultQuiet, nil
	case "0", "off":
		return -1, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Minute || d > 7*24*time.Hour {
		return 0, fmt.Errorf("CONVERSATION_QUIET=%q: use a duration from 1m to 168h, such as 30m, or off", v)
	}
	return d, nil
}

// conversationStore is the file of the conversation store.
func (c *config) conversationStore() string { return filepath.Join(c.DataDir, "conversations.db") }

// feedbackStore is the file of the feedback store.
func (c *config) feedbackStore() string { return filepath.Join(c.DataDir, "feedback.db") }

// listenAddr is where the HTTP listener binds.
func (c *config) listenAddr() string { return orDefault(c.HTTPAddr, defaultHTTPAddr) }

// digestStore is the file of the digest store.
func (c *config) digestStore() string { return filepath.Join(c.DataDir, "digest.db") }

// canPostDigests reports whether a platform that can post digests is
// configured: Slack, or Discord with a bot token (HTTP interactions alone
// can only answer).
func (c *config) canPostDigests() bool {
	return c.Slack != nil || (c.Discord != nil && c.Discord.BotToken != "")
}

func logLevel(s string) (slog.Level, error) {
	var l slog.Level
	if s == "" {
		return slog.LevelInfo, nil
	}
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("LOG_LEVEL=%q: use debug, info, warn or error", s)
	}
	return l, nil
}

// shownURL is how an error message may show a URL setting's value: " %q"
// with its user information and query values masked.
func shownURL(v string) string { return fmt.Sprintf(" %q", redact.Text(v)) }

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
