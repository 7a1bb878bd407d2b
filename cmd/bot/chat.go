package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
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

On a terminal, the line can be edited (arrows, Home/End, Ctrl-A/E/K/U/W),
the up and down arrows recall earlier questions (kept in
DATA_DIR/chat_history), answers wrap at the window's width, and log lines
(such as a re-index of the folder) print above the prompt.

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
	// A person at a terminal gets line editing, history and text wrapped
	// to the window, and log lines above the prompt; pipes and tests get
	// plain lines.
	var tty *console.Terminal
	in, inOK := m.stdin.(*os.File)
	out, outOK := m.stdout.(*os.File)
	if inOK && outOK && console.IsTerminal(in) && console.IsTerminal(out) {
		if tty, err = console.OpenTerminal(in, out, filepath.Join(m.cfg.DataDir, "chat_history")); err != nil {
			return err
		}
		defer tty.Close()
		m.logger = slog.New(slog.NewTextHandler(tty, &slog.HandlerOptions{Level: m.cfg.LogLevel}))
	}
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
	if tty != nil {
		return tty.Run(ctx, s.eng)
	}
	return console.Run(ctx, s.eng, m.stdin, m.stdout)
}
