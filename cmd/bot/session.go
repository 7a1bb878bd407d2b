package main

import (
	"context"
	"errors"
	"fmt"

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

// openSession opens the configured index, brought up to date with the
// configured corpus (every file re-read with refresh).
func (m *Main) openSession(ctx context.Context, refresh bool) (*session, error) {
	idx, res, err := m.openIndex(ctx, openOptions{refresh: refresh})
	if err != nil {
		return nil, err
	}
	return &session{idx: idx, eng: answer.New(idx), stats: res.Stats}, nil
}

// Close releases the index for other processes.
func (s *session) Close() error { return s.idx.Close() }

// indexError adds what a person can do about an index that cannot be
// opened: the usual cause of a locked one is a bot already running on the
// same data directory.
func indexError(dir string, err error) error {
	switch {
	case errors.Is(err, index.ErrLocked):
		return fmt.Errorf("%w\nThe index %s is open in another bot process (bot serve or bot chat?). "+
			"Stop it, or point DATA_DIR (or --index) at another directory", err, dir)
	case errors.Is(err, index.ErrFormat), errors.As(err, new(errNoDocuments)), errors.As(err, new(errOtherCorpus)),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, index.ErrReadOnly):
		// Deleting would destroy the index and not help.
		return fmt.Errorf("%w; make %s writable, or point DATA_DIR (or --index) at a writable folder", err, dir)
	}
	return fmt.Errorf("%w (to start over, delete %s or run `bot index --rebuild`)", err, dir)
}
