package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/briefbot/briefbot/adapters/console"
	"github.com/briefbot/briefbot/corpus"
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
	// Files added to or changed in the corpus folder are answered from
	// without leaving the chat.
	if path := corpusPath(*corpusFlag, env); path != "" {
		if info, err := os.Stat(path); err == nil && info.IsDir() {
			wctx, stop := context.WithCancel(ctx)
			var wg sync.WaitGroup
			wg.Go(func() {
				if err := corpus.Watch(wctx, path, 2*time.Second, reindexer(path, s.idx, env.logger)); err != nil {
					env.logger.Warn("corpus watch stopped", "err", err)
				}
			})
			defer wg.Wait()
			defer stop()
		}
	}
	return console.Run(ctx, s.eng, env.stdin, stdout)
}
