package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/briefbot/briefbot/conversation"
	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/corpus/feed"
	"github.com/briefbot/briefbot/digest"
	"github.com/briefbot/briefbot/feedback"
	"github.com/briefbot/briefbot/index"
	"github.com/briefbot/briefbot/postgres"
	"github.com/briefbot/briefbot/redact"
)

// shared is the state a bot process may share with other replicas: kept in
// DATA_DIR for this process alone (bbolt files, and de-duplication in
// memory), or, with DATABASE_URL, in PostgreSQL for every replica. The
// adapters and the digest see only the interfaces they declare.
type shared struct {
	db            *postgres.DB // nil without DATABASE_URL
	digests       digest.Store
	feedback      feedback.Store
	conversations conversation.Store
	closers       []func() error
}

var _ conversation.Store = (*postgres.Conversations)(nil)

// openShared opens the configured state. An unreachable database is an
// error naming DATABASE_URL, without its password.
func (m *Main) openShared(ctx context.Context) (*shared, error) {
	if m.cfg.DatabaseURL == "" {
		store, err := digest.Open(m.cfg.digestStore())
		if err != nil {
			return nil, err
		}
		fb, err := feedback.OpenBolt(m.cfg.feedbackStore())
		if err != nil {
			store.Close()
			return nil, err
		}
		conv, err := conversation.OpenBolt(m.cfg.conversationStore())
		if err != nil {
			store.Close()
			return nil, err
		}
		return &shared{digests: store, feedback: fb, conversations: conv, closers: []func() error{store.Close, fb.Close, conv.Close}}, nil
	}
	db, err := postgres.Open(ctx, m.cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	m.logger.Info("shared state in PostgreSQL", "database", db.Redacted())
	return &shared{
		db: db, digests: db.Digests(), feedback: db.Feedback(), conversations: db.Conversations(),
		closers: []func() error{func() error { db.Close(); return nil }},
	}, nil
}

// Close closes what openShared opened.
func (s *shared) Close() error {
	var errs []error
	for _, c := range s.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// openFromShared is openIndex with DATABASE_URL: the index is brought up to
// date with the shared corpus, not the corpus folder.
func (m *Main) openFromShared(ctx context.Context, o openOptions) (*index.Index, syncResult, error) {
	db, err := postgres.Open(ctx, m.cfg.DatabaseURL)
	if err != nil {
		return nil, syncResult{}, err
	}
	defer db.Close()
	if o.rebuild {
		none := func(func(corpus.Document, error) bool) {}
		if _, err := index.BuildFrom(ctx, m.cfg.IndexDir, none, nil); err != nil {
			return nil, syncResult{}, indexError(m.cfg.IndexDir, err)
		}
	}
	idx, _, err := m.openFollower(ctx, db)
	if err != nil {
		return nil, syncResult{}, err
	}
	res := syncResult{Full: o.rebuild}
	res.Docs, _, err = idx.Count()
	if err != nil || o.rebuild {
		idx.Close()
		return nil, res, err
	}
	return idx, res, nil
}

// ingestShared adds one file or web page to the shared corpus: saved into
// CORPUS_DIR when set (a temporary folder otherwise), read, and put in the
// documents table, which every replica follows.
func (m *Main) ingestShared(ctx context.Context, src string) error {
	dir := m.cfg.CorpusDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "briefbot-ingest-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	db, err := postgres.Open(ctx, m.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	// The hardened client: a URL, or a redirect, may point anywhere.
	client := feed.NewClient(feed.ClientConfig{Timeout: 30 * time.Second})
	saved, err := feed.Ingest(ctx, client, src, dir)
	if err != nil {
		return err
	}
	if m.cfg.CorpusDir != "" {
		fmt.Fprintf(m.stdout, "saved %s\n", saved)
	}
	rel, err := filepath.Rel(dir, saved)
	if err != nil {
		return err
	}
	files, err := corpus.ListPaths(dir, []string{filepath.ToSlash(rel)})
	if err != nil {
		return err
	}
	docs := slices.Collect(files.Documents())
	reportProblems(m.stderr, files.Problems())
	if len(docs) == 0 {
		return fmt.Errorf("ingest %s: no document in it", redact.URLs(src))
	}
	st, err := db.Corpus().Put(ctx, docs)
	if err != nil {
		return fmt.Errorf("ingest %s into the shared corpus: %w", redact.URLs(src), err)
	}
	fmt.Fprintf(m.stdout, "shared corpus: %d added, %d updated, %d unchanged; every replica indexes them within seconds\n", st.Added, st.Updated, st.Unchanged)
	return nil
}
