package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
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

const serveUsage = `Usage: bot serve [--corpus PATH] [--index DIR]

Runs every configured platform until interrupted (Ctrl-C or SIGTERM finish
the answers in flight, then exit):
  Slack    SLACK_BOT_TOKEN + SLACK_APP_TOKEN (Socket Mode) or
           SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET (HTTP, on HTTP_ADDR)
  Discord  DISCORD_BOT_TOKEN + DISCORD_APP_ID (gateway) and/or
           DISCORD_PUBLIC_KEY (HTTP interactions, on HTTP_ADDR)
Also posts the daily digest (DIGEST_*), polls FEEDS into CORPUS_DIR, and
re-indexes CORPUS_DIR when files in it change. With HTTP_ADDR in use,
GET /healthz answers 200 once the index is open. See .env.example.

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
// that posts through them, with its store in DATA_DIR, and points dig at
// the scheduler. The caller closes the store.
func newScheduler(env *environment, eng *answer.Engine, dcfg digest.Config, dig *lateDigester) (*platforms, *digest.Store, *digest.Scheduler, error) {
	p, err := newPlatforms(env, eng, dig)
	if err != nil {
		return nil, nil, nil, err
	}
	store, err := digest.Open(filepath.Join(dataDir(env), "digest.db"))
	if err != nil {
		return nil, nil, nil, err
	}
	sched, err := digest.New(dcfg, store, eng, p.posters, env.logger.With("component", "digest"))
	if err != nil {
		store.Close()
		return nil, nil, nil, err
	}
	dig.s = sched
	return p, store, sched, nil
}

// newPlatforms builds the adapters configured in the environment; none
// configured is an error that names the variables to set.
func newPlatforms(env *environment, eng *answer.Engine, dig *lateDigester) (*platforms, error) {
	sc, slackOn, err := slackConfigFromEnv(env.getenv)
	if err != nil {
		return nil, err
	}
	dc, discordOn, err := discordConfigFromEnv(env.getenv)
	if err != nil {
		return nil, err
	}
	if !slackOn && !discordOn {
		return nil, errors.New("no platform configured: set SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP), " +
			"and/or DISCORD_BOT_TOKEN with DISCORD_APP_ID (gateway) or DISCORD_PUBLIC_KEY (HTTP); see .env.example")
	}
	p := &platforms{posters: make(map[string]digest.Poster)}
	if slackOn {
		sc.Digests = dig
		if p.slack, err = slackbot.New(sc, eng, env.logger.With("platform", "slack")); err != nil {
			return nil, err
		}
		p.posters["slack"] = p.slack
		p.http = p.http || sc.SigningSecret != ""
	}
	if discordOn {
		dc.Digests = dig
		if p.discord, err = discordbot.New(dc, eng, env.logger.With("platform", "discord")); err != nil {
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

func runServe(ctx context.Context, args []string, env *environment, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	corpusFlag := fs.String("corpus", "", "corpus directory or .jsonl file (default: CORPUS_DIR, else the bundled sample)")
	indexFlag := fs.String("index", "", "index directory (default: DATA_DIR/index)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), serveUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("")
	}
	// Check the whole configuration before the slow start-up work.
	dcfg, err := digestConfigFromEnv(env.getenv)
	if err != nil {
		return err
	}
	feeds, err := feed.ParseFeeds(env.getenv("FEEDS"))
	if err != nil {
		return err
	}
	interval := feed.DefaultInterval
	if v := env.getenv("FEED_INTERVAL"); v != "" {
		if interval, err = time.ParseDuration(v); err != nil || interval < time.Minute {
			return fmt.Errorf("FEED_INTERVAL=%q: use a duration of at least 1m, such as 15m or 1h", v)
		}
	}
	path := corpusPath(*corpusFlag, env)
	if len(feeds) > 0 && path == "" {
		return errors.New("FEEDS needs CORPUS_DIR: feed items are saved there as files")
	}
	addr := env.getenv("HTTP_ADDR")
	if _, _, err := net.SplitHostPort(orDefault(addr, ":8080")); err != nil {
		return fmt.Errorf("HTTP_ADDR=%q: use host:port or :port, such as :8080", addr)
	}
	dig := &lateDigester{}
	if _, err := newPlatforms(env, nil, dig); err != nil {
		return err // configuration errors, before the index is opened
	}

	if len(feeds) > 0 {
		// Feeds fill the folder: it may start empty, but it must be a folder.
		if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
			return fmt.Errorf("CORPUS_DIR=%s must be an existing folder when FEEDS is set", path)
		}
	}
	src, err := listCorpus(path)
	if err != nil {
		return err
	}
	if len(feeds) > 0 {
		src.allowEmpty = true
		src.report = func(problems []corpus.Problem) { logProblems(env.logger, problems) }
	}
	dir := orDefault(*indexFlag, filepath.Join(dataDir(env), "index"))
	idx, st, err := indexCorpus(ctx, dir, src, false, env)
	if err != nil {
		return explainIndexErr(err, dir)
	}
	defer idx.Close()
	env.logger.Info("index ready", "dir", dir, "documents", src.files.Count(), "added", st.Added, "updated", st.Updated, "removed", st.Removed)
	eng := answer.New(idx)
	p, store, sched, err := newScheduler(env, eng, dcfg, dig)
	if err != nil {
		return err
	}
	defer store.Close()

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
	if p.slack != nil {
		start("slack", p.slack.Run)
	}
	if p.discord != nil {
		start("discord", p.discord.Run)
	}
	start("digest", sched.Run)
	if len(feeds) > 0 {
		poller, err := feed.New(feed.Config{
			Feeds:     feeds,
			Dir:       path,
			StatePath: orDefault(env.getenv("FEED_STATE"), filepath.Join(dataDir(env), "feeds.json")),
			Interval:  interval,
			Client:    feed.NewClient(feed.ClientConfig{Timeout: 2 * time.Minute}),
		}, env.logger.With("component", "feeds"))
		if err != nil {
			cancel()
			wg.Wait()
			return err
		}
		start("feeds", poller.Run)
	}
	if path != "" {
		start("watch", func(ctx context.Context) error {
			return corpus.Watch(ctx, path, 2*time.Second, reindexer(path, idx, env.logger))
		})
	}
	if p.http || addr != "" {
		srv, err := listen(orDefault(addr, ":8080"), p, env.logger)
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
	env.logger.Info("serving", "slack", p.slack != nil, "discord", p.discord != nil, "http", p.http || addr != "", "feeds", len(feeds))
	<-ctx.Done()
	wg.Wait()
	env.logger.Info("stopped")
	return firstErr
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

func listen(addr string, p *platforms, logger *slog.Logger) (*httpServer, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	})
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

// reindexer returns the watcher's callback: reload the corpus folder and
// bring the index up to date (only changed documents are re-indexed).
func reindexer(path string, idx *index.Index, logger *slog.Logger) func(context.Context) {
	return func(ctx context.Context) {
		files, err := corpus.List(path)
		if err != nil {
			logger.Error("reload corpus", "err", err)
			return
		}
		// A folder that suddenly looks empty (an unmounted volume, a sync
		// tool mid-way) must not empty the index: the documents would all
		// come back as "new" to the digest. The stream ends in an error
		// then, which stops the update before it removes anything.
		indexed, _, err := idx.Count()
		if err != nil {
			logger.Error("re-index", "err", err)
			return
		}
		docs := func(yield func(corpus.Document, error) bool) {
			for d := range files.Documents() {
				if !yield(d, nil) {
					return
				}
			}
			if files.Count() == 0 && indexed > 0 {
				yield(corpus.Document{}, errEmptyFolder)
			}
		}
		st, err := idx.SyncFrom(ctx, docs, nil)
		logProblems(logger, files.Problems())
		if errors.Is(err, errEmptyFolder) {
			logger.Warn("corpus folder holds no documents; keeping the index as it is", "dir", path)
			return
		}
		if err != nil {
			logger.Error("re-index", "err", err)
			return
		}
		logger.Info("corpus changed", "added", st.Added, "updated", st.Updated, "removed", st.Removed)
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

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// explainIndexErr adds what a person can do about an index that cannot be
// opened.
func explainIndexErr(err error, dir string) error {
	switch {
	case errors.Is(err, index.ErrLocked):
		return fmt.Errorf("%w; stop the other process, or point DATA_DIR (or --index) at another directory", err)
	case errors.Is(err, index.ErrFormat):
		return err
	case errors.Is(err, index.ErrReadOnly):
		// Deleting would destroy the index and not help.
		return fmt.Errorf("%w; make %s writable, or point DATA_DIR (or --index) at a writable folder", err, dir)
	}
	return fmt.Errorf("%w (to start over, delete %s or run `bot index --rebuild`)", err, dir)
}
