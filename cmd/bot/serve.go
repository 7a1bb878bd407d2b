package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	discordbot "github.com/briefbot/briefbot/adapters/discord"
	slackbot "github.com/briefbot/briefbot/adapters/slack"
	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/corpus/feed"
	"github.com/briefbot/briefbot/digest"
	"github.com/briefbot/briefbot/index"
)

const serveUsage = `Usage: bot serve [--corpus PATH] [--index DIR] [--refresh]

Runs every configured platform until interrupted (Ctrl-C or SIGTERM finish
the answers in flight, then exit):
  Slack    SLACK_BOT_TOKEN + SLACK_APP_TOKEN (Socket Mode) or
           SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET (HTTP, on HTTP_ADDR)
  Discord  DISCORD_BOT_TOKEN + DISCORD_APP_ID (gateway) and/or
           DISCORD_PUBLIC_KEY (HTTP interactions, on HTTP_ADDR)
In Slack and Discord, replies in threads the bot answered and later DMs
are follow-ups (CONVERSATION_QUIET, default 30m, of quiet ends them), and
the buttons under answers keep their state in DATA_DIR/conversations.db;
Helpful / Not helpful go to DATA_DIR/feedback.db (bot feedback lists them).
Also posts the daily digest (DIGEST_*), polls FEEDS into CORPUS_DIR, and
re-indexes CORPUS_DIR when files in it change (it may start empty). A
platform that fails (Discord's gateway unreachable, say) is started again
after 5 s, 10 s, 20 s ... at most every 5 minutes, while the others keep
running. With HTTP_ADDR in use, GET /healthz answers 200 once the index is
open (bot health asks it), with the state of the index, the database and
each platform, and the platforms' reply counts, as JSON. With DATABASE_URL,
replicas share their state and the corpus in PostgreSQL (docs/deploy.md).
See .env.example.

Flags:`

// platforms are the configured chat adapters.
type platforms struct {
	slack   *slackbot.Bot
	discord *discordbot.Bot
	posters map[string]digest.Poster
	http    bool // an adapter needs the HTTP listener
}

// lateDigester lets the adapters, which the scheduler posts through, reach
// the scheduler, which is created after them.
type lateDigester struct{ s *digest.Scheduler }

func (l *lateDigester) Subscribe(ctx context.Context, channel, tz string) error {
	return l.s.Subscribe(ctx, channel, tz)
}

func (l *lateDigester) Unsubscribe(ctx context.Context, channel string) error {
	return l.s.Unsubscribe(ctx, channel)
}

func (l *lateDigester) Now(ctx context.Context, channel string) (answer.Digest, error) {
	return l.s.Now(ctx, channel)
}

// newScheduler builds the configured platforms and the digest scheduler
// that posts through them, over the shared state sh.
func (m *Main) newScheduler(ctx context.Context, eng *answer.Engine, sh *shared) (*platforms, *digest.Scheduler, error) {
	dig := &lateDigester{}
	p, err := m.newPlatforms(eng, dig, sh)
	if err != nil {
		return nil, nil, err
	}
	sched, err := digest.New(ctx, m.cfg.Digest, sh.digests, eng, p.posters, m.logger.With("component", "digest"))
	if err != nil {
		return nil, nil, err
	}
	dig.s = sched
	return p, sched, nil
}

// errNoPlatform is serve's error when neither Slack nor Discord is
// configured.
var errNoPlatform = errors.New("no platform configured: set SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP), " +
	"and/or DISCORD_BOT_TOKEN with DISCORD_APP_ID (gateway) or DISCORD_PUBLIC_KEY (HTTP); see .env.example")

// newPlatforms builds the configured adapters over eng; with a shared
// database they de-duplicate deliveries across replicas.
func (m *Main) newPlatforms(eng *answer.Engine, dig *lateDigester, sh *shared) (*platforms, error) {
	p := &platforms{posters: make(map[string]digest.Poster)}
	if m.cfg.Slack != nil {
		sc := *m.cfg.Slack
		sc.Digests = dig
		sc.Conversations, sc.Feedback = sh.conversations, sh.feedback
		if sh.db != nil {
			sc.Dedupe = sh.db.Deliveries("slack", dedupeWindow)
		}
		var err error
		if p.slack, err = slackbot.New(sc, eng, m.logger.With("platform", "slack")); err != nil {
			return nil, err
		}
		p.posters["slack"] = p.slack
		p.http = p.http || sc.SigningSecret != ""
	}
	if m.cfg.Discord != nil {
		dc := *m.cfg.Discord
		dc.Digests = dig
		dc.Conversations, dc.Feedback = sh.conversations, sh.feedback
		if sh.db != nil {
			dc.Dedupe = sh.db.Deliveries("discord", dedupeWindow)
		}
		var err error
		if p.discord, err = discordbot.New(dc, eng, m.logger.With("platform", "discord")); err != nil {
			return nil, err
		}
		if dc.BotToken != "" {
			// Posting a digest needs the bot token; HTTP interactions alone
			// can only answer.
			p.posters["discord"] = p.discord
		}
		p.http = p.http || dc.PublicKey != ""
	}
	return p, nil
}

func runServe(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("serve", serveUsage)
	where := locationFlags(fs)
	if err := parseFlags(fs, args, 0, "serve takes no arguments, got %q"); err != nil {
		return err
	}
	// The whole configuration is checked before the slow start-up work.
	if err := m.configure(where); err != nil {
		return err
	}
	cfg := m.cfg
	if cfg.Slack == nil && cfg.Discord == nil {
		return errNoPlatform
	}
	path := cfg.CorpusDir
	if len(cfg.Feeds) > 0 {
		// Feeds fill the folder: it may start empty, but it must be a folder.
		if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
			return fmt.Errorf("CORPUS_DIR=%s must be an existing folder when FEEDS is set", path)
		}
	}
	// A corpus folder may start empty (a new Docker volume, feeds still to
	// come): the watch indexes documents as they arrive.
	folder := false
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		folder = true
	}
	// The shared state first: an unreachable database is reported before
	// the slow start-up work.
	sh, err := m.openShared(ctx)
	if err != nil {
		return err
	}
	defer sh.Close()
	var idx *index.Index
	var fol *follower
	if sh.db != nil {
		if idx, fol, err = m.openFollower(ctx, sh.db); err != nil {
			return err
		}
		defer idx.Close()
	} else {
		var res syncResult
		idx, res, err = m.openIndex(ctx, openOptions{refresh: where.refresh, allowEmpty: folder, logged: true})
		if err != nil {
			return err
		}
		defer idx.Close()
		m.logger.Info("index ready", "dir", cfg.IndexDir, "documents", res.Docs, "files_read", res.Read, "added", res.Added, "updated", res.Updated, "removed", res.Removed)
		if res.Docs == 0 {
			m.logger.Warn("no documents yet: add files to the corpus folder and they are indexed as they arrive", "corpus", path)
		}
	}
	eng := answer.New(idx)
	p, sched, err := m.newScheduler(ctx, eng, sh)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var firstErr error
	var once sync.Once
	start := func(name string, f func(context.Context) error) {
		wg.Go(func() {
			if err := f(ctx); err != nil && ctx.Err() == nil {
				once.Do(func() { firstErr = fmt.Errorf("%s: %w", name, err) })
				cancel()
			}
		})
	}
	sups := m.supervisors(p)
	for _, s := range sups {
		start(s.name, s.Run)
	}
	start("digest", sched.Run)
	feedCfg := feed.Config{
		Feeds:     cfg.Feeds,
		Dir:       path,
		StatePath: cfg.FeedState,
		Interval:  cfg.FeedInterval,
		Client:    feed.NewClient(feed.ClientConfig{Timeout: 2 * time.Minute}),
	}
	switch {
	case len(cfg.Feeds) == 0:
	case sh.db != nil:
		// One replica at a time polls, from the state the last one left.
		feedCfg.State = sh.db.FeedState()
		start("feeds", func(ctx context.Context) error { return m.leadFeeds(ctx, sh.db, feedCfg) })
	default:
		poller, err := feed.New(feedCfg, m.logger.With("component", "feeds"))
		if err != nil {
			cancel()
			wg.Wait()
			return err
		}
		start("feeds", poller.Run)
	}
	if fol != nil {
		start("follow", fol.run)
	}
	if path != "" && fol != nil && folder {
		// The folder is an inbox to the shared corpus, which the index follows.
		snaps := make(chan corpus.Snapshot, 1)
		pub := &publisher{root: path, idx: idx, docs: sh.db.Corpus(), logger: m.logger.With("component", "publish")}
		start("publish", func(ctx context.Context) error { return pub.run(ctx, snaps) })
		start("watch", func(ctx context.Context) error {
			w := &corpus.Watcher{Dir: path}
			return w.Run(ctx, func(ctx context.Context, snap corpus.Snapshot) {
				select {
				case snaps <- snap:
				case <-ctx.Done():
				}
			})
		})
	} else if path != "" && fol == nil {
		start("watch", func(ctx context.Context) error {
			w := &corpus.Watcher{Dir: path}
			return w.Run(ctx, m.reindexer(idx, folder))
		})
	}
	serveHTTP := p.http || cfg.HTTPAddr != ""
	if serveHTTP {
		srv, err := listen(cfg.listenAddr(), p, m.logger, &healthz{idx: idx, fol: fol, db: sh.db, sups: sups})
		if err != nil {
			cancel()
			wg.Wait()
			return err
		}
		start("http", func(ctx context.Context) error {
			errc := make(chan error, 1)
			go func() { errc <- srv.serve() }()
			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
				sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer scancel()
				return srv.Shutdown(sctx)
			}
		})
	}
	m.logger.Info("serving", "slack", p.slack != nil, "discord", p.discord != nil, "http", serveHTTP, "feeds", len(cfg.Feeds))
	<-ctx.Done()
	wg.Wait()
	m.logger.Info("stopped")
	return firstErr
}

// supervisors wrap the configured platforms so that a failing one is
// restarted with a backoff instead of stopping serve.
func (m *Main) supervisors(p *platforms) []*supervisor {
	var sups []*supervisor
	add := func(name string, run func(context.Context) error, stats func() platformStats) {
		sups = append(sups, &supervisor{name: name, run: run, stats: stats, log: m.logger, now: m.now, backoff: m.restart})
	}
	if p.slack != nil {
		add("slack", p.slack.Run, func() platformStats {
			st := p.slack.Stats()
			return platformStats{Up: st.Up, Answered: st.Answered, Busy: st.Busy, Dropped: st.Dropped}
		})
	}
	if p.discord != nil {
		add("discord", p.discord.Run, func() platformStats {
			st := p.discord.Stats()
			return platformStats{Up: st.Up, Answered: st.Answered, Busy: st.Busy, Dropped: st.Dropped}
		})
	}
	return sups
}

// httpServer is an http.Server with its listener already bound, so a busy
// port is reported before serving starts.
type httpServer struct {
	*http.Server
	ln net.Listener
}

func (s *httpServer) serve() error {
	if err := s.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func listen(addr string, p *platforms, logger *slog.Logger, health *healthz) (*httpServer, error) {
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", health)
	if p.slack != nil {
		p.slack.Register(mux)
	}
	if p.discord != nil {
		p.discord.Register(mux)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("HTTP_ADDR %s: %w", addr, err)
	}
	logger.Info("listening", "addr", ln.Addr().String())
	return &httpServer{
		Server: &http.Server{
			Handler:           mux,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      30 * time.Second,
			ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		},
		ln: ln,
	}, nil
}

// reindexer returns the folder watch's callback: bring the index up to
// date with the folder, reading only the files that changed (see syncer).
func (m *Main) reindexer(idx *index.Index, allowEmpty bool) func(context.Context, corpus.Snapshot) {
	s := &syncer{root: m.cfg.CorpusDir, allowEmpty: allowEmpty}
	return func(ctx context.Context, snap corpus.Snapshot) {
		res, err := s.sync(ctx, idx, snap)
		logProblems(m.logger, res.Problems)
		switch {
		case errors.Is(err, errEmptyFolder), errors.As(err, new(errNoDocuments)):
			m.logger.Warn("corpus folder holds no documents; keeping the index as it is", "dir", s.root)
		case err != nil && ctx.Err() == nil:
			m.logger.Error("re-index", "err", err)
		case err == nil && res.changed():
			m.logger.Info("corpus changed", "files_read", res.Read, "added", res.Added, "updated", res.Updated, "removed", res.Removed)
		}
	}
}

// errEmptyFolder stops a re-index of a corpus folder that holds no documents.
var errEmptyFolder = errors.New("corpus folder holds no documents")

// logProblems logs the skipped documents and those cut to fit the limits.
func logProblems(logger *slog.Logger, problems []corpus.Problem) {
	for _, p := range problems {
		msg := "skipped document"
		if p.Warning {
			msg = "document cut"
		}
		logger.Warn(msg, "problem", p.String())
	}
}
