package main

import (
	"context"
	"os"
	"sync"

	"github.com/briefbot/briefbot/adapters/console"
	"github.com/briefbot/briefbot/corpus"
)

const chatUsage = `Usage: bot chat [--corpus PATH] [--index DIR] [--refresh]

Chats in the terminal: type a question, get verbatim cited quotes. No Slack
or Discord tokens needed. The index is created or brought up to date first
(only changed files are read; --refresh reads them all) and stays locked
for the session; files that change in the corpus folder meanwhile are
indexed as they settle. Type help for the filters, quit (or
Ctrl-D) to leave. This is what bot does with no command.

Flags:`

func runChat(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("chat", chatUsage)
	where := locationFlags(fs)
	if err := parseFlags(fs, args, 0, "chat takes no arguments (got %q); to ask one question use bot ask"); err != nil {
		return err
	}
	if err := m.configure(where); err != nil {
		return err
	}
	s, err := m.openSession(ctx, where.refresh)
	if err != nil {
		return err
	}
	defer s.Close()
	// Files added to or changed in the corpus folder are answered from
	// without leaving the chat.
	if path := m.cfg.CorpusDir; path != "" {
		if info, err := os.Stat(path); err == nil && info.IsDir() {
			wctx, stop := context.WithCancel(ctx)
			var wg sync.WaitGroup
			wg.Go(func() {
				w := &corpus.Watcher{Dir: path}
				if err := w.Run(wctx, m.reindexer(s.idx, false)); err != nil {
					m.logger.Warn("corpus watch stopped", "err", err)
				}
			})
			defer wg.Wait()
			defer stop()
		}
	}
	return console.Run(ctx, s.eng, m.stdin, m.stdout)
}
