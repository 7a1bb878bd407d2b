package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/briefbot/briefbot/corpus/feed"
	"github.com/briefbot/briefbot/index"
)

const ingestUsage = `Usage: bot ingest PATH|URL

Adds one document to the corpus now: a local .md, .txt or .jsonl file is
copied into CORPUS_DIR; a web page is fetched, its main text extracted and
saved into CORPUS_DIR as Markdown with front matter. Then the index is
brought up to date. While the bot runs, it indexes the new file itself.

With DATABASE_URL the document goes into the shared corpus (CORPUS_DIR,
when set, keeps a copy), and every running replica indexes it within
seconds.

Flags:`

func runIngest(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("ingest", ingestUsage)
	where := &locations{}
	fs.StringVar(&where.index, "index", "", "index directory (default: DATA_DIR/index)")
	if err := parseFlags(fs, args, 1, "ingest takes one file or URL, got another: %q"); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError("ingest takes one file or URL")
	}
	if err := m.configure(where); err != nil {
		return err
	}
	dir := m.cfg.CorpusDir
	if m.cfg.DatabaseURL != "" {
		return m.ingestShared(ctx, fs.Arg(0))
	}
	if dir == "" {
		return errors.New("ingest needs CORPUS_DIR: the folder the document is saved into")
	}
	// The hardened client: a URL, or a redirect, may point anywhere.
	client := feed.NewClient(feed.ClientConfig{Timeout: 30 * time.Second})
	saved, err := feed.Ingest(ctx, client, fs.Arg(0), dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "saved %s\n", saved)
	idx, res, err := m.openIndex(ctx, openOptions{})
	if errors.Is(err, index.ErrLocked) {
		fmt.Fprintln(m.stdout, "the running bot has the index open; it indexes the new file within seconds")
		return nil
	}
	if err != nil {
		return err
	}
	defer idx.Close()
	fmt.Fprintf(m.stdout, "indexed: %d added, %d updated (%d documents in all)\n", res.Added, res.Updated, res.Docs)
	return nil
}
