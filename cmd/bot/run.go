package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
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

// source is a corpus found on disk (or the bundled sample) but not read:
// commands stream it into the index a few files at a time, so indexing a
// large corpus never holds all of it in memory.
type source struct {
	files      *corpus.Files
	where      string // the path, or "the bundled sample", for messages
	allowEmpty bool   // a corpus with no documents is not an error

	// report, when set, receives the skipped documents instead of stderr.
	report func([]corpus.Problem)
}

// errNoDocuments is the error of a corpus with no documents.
type errNoDocuments string

func (e errNoDocuments) Error() string {
	return fmt.Sprintf("no documents in %s (it needs .md, .txt or .jsonl files)", string(e))
}

// listCorpus finds the files of the corpus at path ("" = the bundled
// sample) without reading them.
func listCorpus(path string) (*source, error) {
	if path == "" {
		files, err := corpus.ListFS(corpus.Sample(), ".")
		if err != nil {
			return nil, fmt.Errorf("load corpus: %w", err)
		}
		return &source{files: files, where: "the bundled sample"}, nil
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("corpus %s: %w (set CORPUS_DIR or --corpus to a folder of documents or a .jsonl file)", path, errors.Unwrap(err))
	}
	files, err := corpus.List(path)
	if err != nil {
		return nil, err
	}
	return &source{files: files, where: path}, nil
}

// documents reads the corpus, yielding its documents and, unless
// allowEmpty, an error once it turns out to hold none: the index then stays
// as it was.
func (s *source) documents() iter.Seq2[corpus.Document, error] {
	return func(yield func(corpus.Document, error) bool) {
		if s.files.Files() == 0 && !s.allowEmpty {
			yield(corpus.Document{}, errNoDocuments(s.where))
			return
		}
		for d := range s.files.Documents() {
			if !yield(d, nil) {
				return
			}
		}
		if s.files.Count() == 0 && !s.allowEmpty {
			yield(corpus.Document{}, errNoDocuments(s.where))
		}
	}
}

// indexCorpus streams src into the index in dir: Refresh, or Build when
// rebuild is set, which returns no open index. Progress and the skipped
// documents go to stderr.
func indexCorpus(ctx context.Context, dir string, src *source, rebuild bool, env *environment) (*index.Index, index.Stats, error) {
	progress := newProgress(env.stderr, src.files.Estimate())
	var idx *index.Index
	var st index.Stats
	var err error
	if rebuild {
		st, err = index.BuildFrom(ctx, dir, src.documents(), progress.report)
	} else {
		idx, st, err = index.RefreshFrom(ctx, dir, src.documents(), progress.report)
	}
	progress.done()
	if src.report != nil {
		src.report(src.files.Problems())
	} else {
		reportProblems(env.stderr, src.files.Problems())
	}
	var none errNoDocuments
	if errors.As(err, &none) {
		return nil, st, none
	}
	if st.Rebuilt {
		fmt.Fprintf(env.stderr, "rebuilt the index %s: it was made by another version of the bot\n", dir)
	}
	if st.Added+st.Updated > 0 {
		// Indexing leaves a heap of garbage (analysed passages, Bleve's
		// in-memory segments) that the runtime would otherwise keep mapped
		// until later collections; the commands that index go on to answer
		// or serve for a long time, so give it back now.
		debug.FreeOSMemory()
	}
	return idx, st, err
}

// reportProblems lists the first skipped or cut documents on w.
func reportProblems(w io.Writer, problems []corpus.Problem) {
	for i, p := range problems {
		switch {
		case i == 10:
			fmt.Fprintf(w, "and %d more documents skipped or cut\n", len(problems)-10)
			return
		case p.Warning:
			fmt.Fprintf(w, "warning: %s\n", p.String())
		default:
			fmt.Fprintf(w, "skipped %s\n", p.String())
		}
	}
}

// scratchIndex opens dir refreshed with src, or builds a temporary index
// when dir is "", removed by cleanup.
func scratchIndex(ctx context.Context, dir string, src *source, env *environment) (*index.Index, func(), error) {
	cleanup := func() {}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "briefbot-index-")
		if err != nil {
			return nil, nil, err
		}
		dir = filepath.Join(tmp, "index")
		cleanup = func() { os.RemoveAll(tmp) }
	}
	idx, _, err := indexCorpus(ctx, dir, src, false, env)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return idx, func() { idx.Close(); cleanup() }, nil
}

// progress reports indexing progress on builds that take more than a
// couple of seconds: documents per second and the time left.
type progress struct {
	w       io.Writer
	total   int // documents expected, an estimate
	last    time.Time
	printed bool
}

func newProgress(w io.Writer, total int) *progress { return &progress{w: w, total: total} }

func (p *progress) report(pr index.Progress) {
	if pr.Total > 0 {
		p.total = pr.Total
	}
	if pr.Elapsed < 2*time.Second || time.Since(p.last) < time.Second {
		return
	}
	p.last = time.Now()
	rate := float64(pr.Done) / pr.Elapsed.Seconds()
	total := max(p.total, pr.Done)
	eta := time.Duration(float64(total-pr.Done)/rate) * time.Second
	fmt.Fprintf(p.w, "\rindexing %d/%d documents, %.0f docs/s, %s left   ", pr.Done, total, rate, eta.Round(time.Second))
	p.printed = true
}

// done ends the progress line, if one was printed.
func (p *progress) done() {
	if p.printed {
		fmt.Fprintln(p.w)
		p.printed = false
	}
}
