package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/briefbot/briefbot/adapters/console"
)

func runChat(ctx context.Context, args []string, env *environment, stdout io.Writer) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	corpusFlag := fs.String("corpus", "", "corpus directory or .jsonl file (default: CORPUS_DIR, else the bundled sample)")
	indexFlag := fs.String("index", "", "index directory (default: DATA_DIR/index)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: bot chat [--corpus PATH] [--index DIR]

Chats in the terminal: type a question, get verbatim cited quotes. No Slack
or Discord tokens needed. The index is created or brought up to date first
and stays locked for the session. Type help for the filters, quit (or
Ctrl-D) to leave. This is what bot does with no command.

Flags:`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("")
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError(fmt.Sprintf("chat takes no arguments (got %q); to ask one question use bot ask", fs.Arg(0)))
	}
	s, err := openSession(ctx, env, *corpusFlag, *indexFlag)
	if err != nil {
		return err
	}
	defer s.Close()
	return console.Run(ctx, s.eng, env.stdin, stdout)
}
