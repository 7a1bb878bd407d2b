package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/briefbot/briefbot/corpus/feed"
	"github.com/briefbot/briefbot/index"
	"github.com/briefbot/briefbot/postgres"
)

// dedupeWindow is how long replicas remember a platform delivery: longer
// than Slack's and Discord's retries.
const dedupeWindow = time.Hour

// openFollower opens the configured index and brings it up to date with the
// shared corpus: on the first start of a replica, a build from the whole
// table, with progress on stderr.
func (m *Main) openFollower(ctx context.Context, db *postgres.DB) (*index.Index, *follower, error) {
	dir := m.cfg.IndexDir
	idx, err := openFollowing(ctx, dir)
	if err != nil {
		return nil, nil, indexError(dir, err)
	}
	fol := &follower{idx: idx, docs: db.Corpus(), logger: m.logger.With("component", "follow"), progress: &progress{w: m.stderr}}
	st, err := fol.catchUp(ctx)
	fol.progress = nil // later catch-ups are small and logged
	if err != nil {
		idx.Close()
		return nil, nil, err
	}
	docs, _, err := idx.Count()
	if err != nil {
		idx.Close()
		return nil, nil, err
	}
	m.logger.Info("index ready, following the shared corpus", "dir", dir, "documents", docs,
		"added", st.Added, "updated", st.Updated, "removed", st.Removed, "seq", fol.status().Seq)
	if docs == 0 {
		m.logger.Warn("no documents yet: `bot ingest`, feeds or files in a replica's corpus folder add them")
	}
	return idx, fol, nil
}

// feedLeaderRetry is how often a replica that does not poll the feeds
// checks whether the one that does is gone.
const feedLeaderRetry = 15 * time.Second

// leadFeeds polls the feeds while this replica holds the feed lock; the
// lock passes to another replica when this one dies or loses the database.
// Each term starts from the state the previous poller saved.
func (m *Main) leadFeeds(ctx context.Context, db *postgres.DB, cfg feed.Config) error {
	logger := m.logger.With("component", "feeds")
	for {
		l, err := db.TryLock(ctx, "feeds")
		if err != nil && ctx.Err() == nil {
			logger.Debug("feed lock", "err", err)
		}
		if l != nil {
			logger.Info("this replica polls the feeds")
			err := m.pollWhileLeading(ctx, l, cfg)
			l.Release()
			if ctx.Err() != nil {
				return nil
			}
			logger.Warn("feed polling stopped; another replica may take over", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(feedLeaderRetry):
		}
	}
}

// pollWhileLeading runs a poller until ctx is done or l is lost.
func (m *Main) pollWhileLeading(ctx context.Context, l *postgres.Lock, cfg feed.Config) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() {
		select {
		case <-l.Lost():
			cancel()
		case <-ctx.Done():
		}
	})
	p, err := feed.New(cfg, m.logger.With("component", "feeds"))
	if err != nil {
		return err
	}
	if err := p.Run(ctx); err != nil {
		return err
	}
	select {
	case <-l.Lost():
		return errLockLost
	default:
		return nil
	}
}

// errLockLost ends a feed poller whose database connection failed.
var errLockLost = errors.New("the feed lock's database connection failed")
