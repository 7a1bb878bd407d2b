package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/joho/godotenv"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// usageError is a mistake in the command line; main exits 2 for it. An
// empty one means the usage text was already printed.
type usageError string

func (e usageError) Error() string { return string(e) }

// environment is what every command gets: configuration and outputs.
type environment struct {
	getenv func(string) string
	stdin  io.Reader
	stderr io.Writer
	logger *slog.Logger
}

const usage = `bot answers questions about press briefings with verbatim, cited quotes.

Usage:
  bot [command] [flags]

Commands:
  ask "question"   answer one question (--json for machines)
  chat             chat in the terminal (the default with no command)
  index            build or refresh the on-disk index of the corpus
  serve            run the Slack and Discord bots and the digest schedule
  digest           print the digest of new documents (--post to send it)
  ingest PATH|URL  add one document to the corpus and index it
  eval             measure answer quality on a question set
  bench            measure build time, latency and memory on a corpus

Run "bot COMMAND --help" for a command's flags. Configuration comes from the
environment and a .env file in the working directory (see .env.example):
CORPUS_DIR (default: the bundled sample corpus), DATA_DIR (default: ./data),
LOG_LEVEL (debug, info, warn, error; default info), and the Slack, Discord,
digest and feed variables.
`

// run is main without the process: tests call it with their own arguments,
// environment and outputs.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	getenv = withDotEnv(getenv)
	level, err := logLevel(getenv("LOG_LEVEL"))
	if err != nil {
		return err
	}
	env := &environment{
		getenv: getenv,
		stdin:  stdin,
		stderr: stderr,
		logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
	}
	cmd := "chat"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "ask":
		return runAsk(ctx, args, env, stdout)
	case "chat":
		return runChat(ctx, args, env, stdout)
	case "index":
		return runIndex(ctx, args, env, stdout)
	case "eval":
		return runEval(ctx, args, env, stdout)
	case "bench":
		return runBench(ctx, args, env, stdout)
	case "serve":
		return runServe(ctx, args, env, stdout)
	case "digest":
		return runDigest(ctx, args, env, stdout)
	case "ingest":
		return runIngest(ctx, args, env, stdout)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError(fmt.Sprintf("unknown command %q", cmd))
}

// withDotEnv layers the variables of ./.env under the real environment:
// the real environment wins.
func withDotEnv(getenv func(string) string) func(string) string {
	file := ".env"
	if f := getenv("BOT_ENV_FILE"); f != "" {
		file = f
	}
	vals, err := godotenv.Read(file)
	if err != nil {
		return getenv
	}
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return vals[k]
	}
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

// corpusPath returns the corpus location: the flag, else CORPUS_DIR, else
// "" for the bundled sample.
func corpusPath(flagValue string, env *environment) string {
	if flagValue != "" {
		return flagValue
	}
	return env.getenv("CORPUS_DIR")
}

// dataDir returns DATA_DIR, default ./data.
func dataDir(env *environment) string {
	if d := env.getenv("DATA_DIR"); d != "" {
		return d
	}
	return "data"
}

// loadCorpus loads the corpus at path ("" = the bundled sample) and reports
// skipped documents on stderr.
func loadCorpus(path string, env *environment) ([]corpus.Document, error) {
	var docs []corpus.Document
	var problems []corpus.Problem
	var err error
	if path == "" {
		docs, problems, err = corpus.LoadFS(corpus.Sample(), ".")
	} else {
		if _, serr := os.Stat(path); serr != nil {
			return nil, fmt.Errorf("corpus %s: %w (set CORPUS_DIR or --corpus to a folder of documents or a .jsonl file)", path, errors.Unwrap(serr))
		}
		docs, problems, err = corpus.Load(path)
	}
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	for i, p := range problems {
		if i == 10 {
			fmt.Fprintf(env.stderr, "skipped %d more documents\n", len(problems)-10)
			break
		}
		fmt.Fprintf(env.stderr, "skipped %s\n", p.String())
	}
	if len(docs) == 0 {
		where := path
		if where == "" {
			where = "the bundled sample"
		}
		return nil, fmt.Errorf("no documents in %s (it needs .md, .txt or .jsonl files)", where)
	}
	return docs, nil
}

// scratchIndex opens dir refreshed with docs, or builds a temporary index
// when dir is "", removed by cleanup.
func scratchIndex(ctx context.Context, dir string, docs []corpus.Document, env *environment) (*index.Index, func(), error) {
	cleanup := func() {}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "briefbot-index-")
		if err != nil {
			return nil, nil, err
		}
		dir = filepath.Join(tmp, "index")
		cleanup = func() { os.RemoveAll(tmp) }
	}
	idx, _, err := index.Refresh(ctx, dir, docs, progressPrinter(env.stderr, len(docs)))
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return idx, func() { idx.Close(); cleanup() }, nil
}

// progressPrinter reports indexing progress on builds that take more than
// a couple of seconds: documents per second and the time left.
func progressPrinter(w io.Writer, total int) func(index.Progress) {
	var last time.Time
	printed := false
	return func(p index.Progress) {
		if p.Elapsed < 2*time.Second || time.Since(last) < time.Second && p.Done < p.Total {
			return
		}
		last = time.Now()
		rate := float64(p.Done) / p.Elapsed.Seconds()
		eta := time.Duration(float64(p.Total-p.Done)/rate) * time.Second
		fmt.Fprintf(w, "\rindexing %d/%d documents, %.0f docs/s, %s left   ", p.Done, p.Total, rate, eta.Round(time.Second))
		printed = true
		if p.Done == p.Total && printed {
			fmt.Fprintln(w)
		}
	}
}

var _ = strings.TrimSpace
var _ = flag.ContinueOnError
