package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
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

// errHelp ends a command whose usage was asked for and printed; run
// returns nil for it.
var errHelp = errors.New("help requested")

// Main is one run of the command line: its input and outputs, the
// environment, and the configuration the command loads from it once its
// flags are parsed.
type Main struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer

	cfg    *config      // set by configure
	logger *slog.Logger // set by configure
}

// command is one verb of the command line. run parses the command's flags
// (with flagSet and parseFlags), loads the configuration (configure) and
// does the work.
type command struct {
	name    string
	args    string // what follows the name in the overview
	summary string
	run     func(ctx context.Context, m *Main, args []string) error
}

// commands is the command table, in the order of the overview.
func commands() []command {
	return []command{
		{"ask", `"question"`, "answer one question (--json for machines)", runAsk},
		{"chat", "", "chat in the terminal (the default with no command)", runChat},
		{"index", "", "build or refresh the on-disk index of the corpus", runIndex},
		{"serve", "", "run the Slack and Discord bots and the digest schedule", runServe},
		{"digest", "", "print the digest of new documents (--post to send it)", runDigest},
		{"ingest", "PATH|URL", "add one document to the corpus and index it", runIngest},
		{"eval", "", "measure answer quality on a question set", runEval},
		{"bench", "", "measure build time, latency and memory on a corpus", runBench},
	}
}

// usage is the overview printed by bot help.
func usage() string {
	var b strings.Builder
	b.WriteString(`bot answers questions about press briefings with verbatim, cited quotes.

Usage:
  bot [command] [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-16s %s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
	}
	b.WriteString(`
Run "bot COMMAND --help" for a command's flags. Configuration comes from the
environment and a .env file in the working directory (see .env.example):
CORPUS_DIR (default: the bundled sample corpus), DATA_DIR (default: ./data),
LOG_LEVEL (debug, info, warn, error; default info), and the Slack, Discord,
digest and feed variables.
`)
	return b.String()
}

// run is main without the process: tests call it with their own arguments,
// environment and outputs.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	m := &Main{getenv: withDotEnv(getenv), stdin: stdin, stdout: stdout, stderr: stderr}
	name := "chat"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	switch name {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage())
		return nil
	}
	for _, c := range commands() {
		if c.name == name {
			err := c.run(ctx, m, args)
			if errors.Is(err, errHelp) {
				return nil
			}
			return err
		}
	}
	fmt.Fprint(stderr, usage())
	return usageError(fmt.Sprintf("unknown command %q", name))
}

// flagSet returns a command's flag set; its usage is the command's text
// followed by the flags, on stderr.
func (m *Main) flagSet(name, text string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), text)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses a command's flags and checks it got at most maxArgs
// arguments (what it says about extra ones is tooMany, with %q for the
// first). -h returns errHelp; a bad flag has been printed with the usage.
func parseFlags(fs *flag.FlagSet, args []string, maxArgs int, tooMany string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usageError("")
	}
	if fs.NArg() > maxArgs {
		fs.Usage()
		return usageError(fmt.Sprintf(tooMany, fs.Arg(maxArgs)))
	}
	return nil
}

// locations are the --corpus and --index flags that several commands
// share; empty values leave CORPUS_DIR and DATA_DIR/index.
type locations struct {
	corpus, index string
}

// locationFlags adds --corpus and --index to fs.
func locationFlags(fs *flag.FlagSet) *locations {
	var l locations
	fs.StringVar(&l.corpus, "corpus", "", "corpus directory or .jsonl file (default: CORPUS_DIR, else the bundled sample)")
	fs.StringVar(&l.index, "index", "", "index directory (default: DATA_DIR/index)")
	return &l
}

// configure loads the configuration, with the command's --corpus and
// --index flags (where, nil if it has none) over the environment, and
// creates the logger.
func (m *Main) configure(where *locations) error {
	cfg, err := loadConfig(m.getenv, where)
	if err != nil {
		return err
	}
	m.cfg = cfg
	m.logger = slog.New(slog.NewTextHandler(m.stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	return nil
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
func indexCorpus(ctx context.Context, dir string, src *source, rebuild bool, m *Main) (*index.Index, index.Stats, error) {
	progress := newProgress(m.stderr, src.files.Estimate())
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
		reportProblems(m.stderr, src.files.Problems())
	}
	var none errNoDocuments
	if errors.As(err, &none) {
		return nil, st, none
	}
	if st.Rebuilt {
		fmt.Fprintf(m.stderr, "rebuilt the index %s: it was made by another version of the bot\n", dir)
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

// reportProblems lists the first skipped documents on w.
func reportProblems(w io.Writer, problems []corpus.Problem) {
	for i, p := range problems {
		if i == 10 {
			fmt.Fprintf(w, "skipped %d more documents\n", len(problems)-10)
			break
		}
		fmt.Fprintf(w, "skipped %s\n", p.String())
	}
}

// scratchIndex opens dir refreshed with src, or builds a temporary index
// when dir is "", removed by cleanup.
func scratchIndex(ctx context.Context, dir string, src *source, m *Main) (*index.Index, func(), error) {
	cleanup := func() {}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "briefbot-index-")
		if err != nil {
			return nil, nil, err
		}
		dir = filepath.Join(tmp, "index")
		cleanup = func() { os.RemoveAll(tmp) }
	}
	idx, _, err := indexCorpus(ctx, dir, src, false, m)
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
