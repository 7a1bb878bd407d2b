package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/joho/godotenv"

	"github.com/briefbot/briefbot/redact"
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
	now    func() time.Time // the clock: relative periods such as digest --since 24h
	// restart is how serve waits before starting a failed platform again.
	restart backoff

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
		{"feedback", "", "list the Helpful / Not helpful verdicts on answers (--json)", runFeedback},
		{"eval", "", "measure answer quality on a question set", runEval},
		{"bench", "", "measure build time, latency and memory on a corpus", runBench},
		{"health", "", "check a running bot serve's /healthz (exit 0 or 1)", runHealth},
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
LOG_LEVEL (debug, info, warn, error; default info), the Slack, Discord,
digest and feed variables, CONVERSATION_QUIET (how long the bots follow a
quiet thread, default 30m), and DATABASE_URL for several replicas sharing
their state in PostgreSQL (docs/deploy.md).
`)
	return b.String()
}

// run is main without the process: tests call it with their own arguments,
// environment and outputs.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	m := &Main{getenv: withDotEnv(getenv), stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now,
		restart: backoff{First: defaultFirstRetry, Max: defaultMaxRetry}}
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
			// Settings such as FEEDS or DISCORD_API_URL may hold a password
			// or a token; no message shows them.
			return redact.Err(err, nil)
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

// locations are the --corpus, --index and --refresh flags that the
// commands over the index share; empty values leave CORPUS_DIR and
// DATA_DIR/index.
type locations struct {
	corpus, index string
	refresh       bool
}

// locationFlags adds --corpus, --index and --refresh to fs.
func locationFlags(fs *flag.FlagSet) *locations {
	var l locations
	fs.StringVar(&l.corpus, "corpus", "", "corpus directory or .jsonl file (default: CORPUS_DIR, else the bundled sample)")
	fs.StringVar(&l.index, "index", "", "index directory (default: DATA_DIR/index)")
	fs.BoolVar(&l.refresh, "refresh", false, "re-read every corpus file, not only those whose size or modification time changed")
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
	// Every log line, the adapters', the digest's and the feeds' included,
	// passes the redactor: URLs lose their user information and query values.
	m.logger = slog.New(redact.Handler(slog.NewTextHandler(m.stderr, &slog.HandlerOptions{Level: cfg.LogLevel}), nil))
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
