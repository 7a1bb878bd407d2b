package slack

import (
	"context"
	"log/slog"
	"time"
)

// Deduper records delivery keys for every replica of the bot, so that an
// event Slack delivers to several replicas (its retries reach any of them
// behind a load balancer) is answered by one. The PostgreSQL store
// implements it; without one, each process remembers its own deliveries.
type Deduper interface {
	// First reports whether none of the non-empty keys was recorded
	// before, and records them all, atomically across replicas.
	First(ctx context.Context, keys ...string) (bool, error)
}

// deliveryLog says whether a delivery is new; the handlers ask it with the
// delivery's keys.
type deliveryLog interface {
	first(keys ...string) bool
}

// sharedTimeout bounds one question to the shared Deduper: past it the
// delivery is judged by this process's memory alone.
const sharedTimeout = 2 * time.Second

// sharedLog asks the shared Deduper and this process's memory. When the
// shared store fails (the database is gone) the memory decides: a replica
// cut off from it answers, at worst twice, rather than not at all.
type sharedLog struct {
	shared Deduper
	local  *dedupe
	log    *slog.Logger
}

func (s *sharedLog) first(keys ...string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
	defer cancel()
	ok, err := s.shared.First(ctx, keys...)
	local := s.local.first(keys...)
	if err != nil {
		s.log.Warn("shared de-duplication unavailable; de-duplicating on this replica only", "err", err)
		return local
	}
	return ok && local
}

// newDeliveryLog is the de-duplication cfg asks for.
func newDeliveryLog(cfg Config, logger *slog.Logger) deliveryLog {
	local := newDedupe(cfg.Clock, cfg.DedupeWindow, cfg.DedupeMax)
	if cfg.Dedupe == nil {
		return local
	}
	return &sharedLog{shared: cfg.Dedupe, local: local, log: logger}
}
