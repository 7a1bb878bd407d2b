package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/index"
)

// session is the corpus loaded, its index open and refreshed, and an engine
// over it: what ask and chat share. The index stays open (and locked) until
// Close.
type session struct {
	idx   *index.Index
	eng   *answer.Engine
	stats index.Stats // what the refresh changed
}

// openSession loads the corpus (the --corpus flag, CORPUS_DIR or the bundled
// sample) and opens the index (the --index flag or DATA_DIR/index),
// bringing it up to date with the corpus.
func openSession(ctx context.Context, env *environment, corpusFlag, indexFlag string) (*session, error) {
	src, err := listCorpus(corpusPath(corpusFlag, env))
	if err != nil {
		return nil, err
	}
	dir := indexDir(indexFlag, env)
	idx, st, err := indexCorpus(ctx, dir, src, false, env)
	if err != nil {
		return nil, indexError(dir, err)
	}
	env.logger.Debug("index ready", "dir", dir, "docs", src.files.Count(),
		"added", st.Added, "updated", st.Updated, "removed", st.Removed, "unchanged", st.Unchanged)
	return &session{idx: idx, eng: answer.New(idx), stats: st}, nil
}

// Close releases the index for other processes.
func (s *session) Close() error { return s.idx.Close() }

// indexDir returns the index location: the flag, else DATA_DIR/index.
func indexDir(flagValue string, env *environment) string {
	if flagValue != "" {
		return flagValue
	}
	return filepath.Join(dataDir(env), "index")
}

// indexError explains a locked index: the usual cause is a bot already
// running on the same data directory.
func indexError(dir string, err error) error {
	if errors.Is(err, index.ErrLocked) {
		return fmt.Errorf("%w\nThe index %s is open in another bot process (bot serve or bot chat?). "+
			"Stop it, or point DATA_DIR (or --index) at another directory", err, dir)
	}
	return err
}
