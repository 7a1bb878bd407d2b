package feed

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// StateStore keeps the poller's state, a JSON document, where several
// replicas of the bot share it (the PostgreSQL store): the replica that
// polls next starts from what the last one saw. Config.State nil keeps it
// in the file at Config.StatePath.
type StateStore interface {
	// Load returns the saved state, nil when there is none.
	Load(ctx context.Context) ([]byte, error)
	// Save replaces the saved state.
	Save(ctx context.Context, state []byte) error
}

// loadShared reads the state from cfg.State.
func loadShared(ctx context.Context, s StateStore) (*state, error) {
	st := &state{Feeds: map[string]feedState{}, Seen: map[string]time.Time{}}
	b, err := s.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("read feed state: %w", err)
	}
	if b == nil {
		return st, nil
	}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("feed state is corrupt: %w", err)
	}
	if st.Feeds == nil {
		st.Feeds = map[string]feedState{}
	}
	if st.Seen == nil {
		st.Seen = map[string]time.Time{}
	}
	return st, nil
}

// ensureState reads the state once, before the first poll, from the shared
// store (New reads the file itself).
func (p *Poller) ensureState(ctx context.Context) error {
	if p.st != nil {
		return nil
	}
	st, err := loadShared(ctx, p.cfg.State)
	if err != nil {
		return err
	}
	p.st = st
	return nil
}

// saveState writes the state to the shared store or the file.
func (p *Poller) saveState(ctx context.Context) error {
	if p.cfg.State == nil {
		return p.st.save(p.cfg.StatePath)
	}
	b, err := json.Marshal(p.st)
	if err != nil {
		return err
	}
	if err := p.cfg.State.Save(ctx, b); err != nil {
		return fmt.Errorf("save feed state: %w", err)
	}
	return nil
}
