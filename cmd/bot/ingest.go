package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/briefbot/briefbot/corpus/feed"
	"github.com/briefbot/briefbot/index"
)

func runIngest(ctx context.Context, args []string, env *environment, stdout io.Writer) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	indexFlag := fs.String("index", "", "index directory (default: DATA_DIR/index)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: bot ingest PATH|URL

Adds one document to the corpus now: a local .md, .txt or .jsonl file is
copied into CORPUS_DIR; a web page is fetched, its main text extracted and
saved into CORPUS_DIR as Markdown with front matter. Then the index is
brought up to date. While the bot runs, it indexes the new file itself.

Flags:`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("")
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError("ingest takes one file or URL")
	}
	dir := env.getenv("CORPUS_DIR")
	if dir == "" {
		return errors.New("ingest needs CORPUS_DIR: the folder the document is saved into")
	}
	// The hardened client: a URL, or a redirect, may point anywhere.
	client := feed.NewClient(feed.ClientConfig{Timeout: 30 * time.Second})
	saved, err := feed.Ingest(ctx, client, fs.Arg(0), dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "saved %s\n", saved)
	src, err := listCorpus(dir)
	if err != nil {
		return err
	}
	idxDir := orDefault(*indexFlag, filepath.Join(dataDir(env), "index"))
	idx, st, err := indexCorpus(ctx, idxDir, src, false, env)
	if errors.Is(err, index.ErrLocked) {
		fmt.Fprintln(stdout, "the running bot has the index open; it indexes the new file within seconds")
		return nil
	}
	if err != nil {
		return explainIndexErr(err, idxDir)
	}
	defer idx.Close()
	fmt.Fprintf(stdout, "indexed: %d added, %d updated (%d documents in all)\n", st.Added, st.Updated, src.files.Count())
	return nil
}
