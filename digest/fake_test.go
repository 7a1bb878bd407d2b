package digest

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the zones in these tests must not depend on the machine

	"github.com/briefbot/briefbot/answer"
)

// fakeClock is a clock whose After advances time instead of waiting, so a Run
// loop replays days in microseconds. It cancels the run once time reaches stop.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	stop   time.Time
	cancel context.CancelFunc
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now, stop, cancel := c.now, c.stop, c.cancel
	c.mu.Unlock()
	if cancel != nil && !now.Before(stop) {
		cancel()
	}
	ch := make(chan time.Time, 1)
	ch <- now
	return ch
}

// fakeComposer has one document per entry of docs and returns those dated in
// (since, until] as stories.
type fakeComposer struct {
	mu    sync.Mutex
	docs  []time.Time
	calls int
	crash bool // runtime.Goexit in Digest, as if the process died
}

func (c *fakeComposer) Digest(ctx context.Context, since, until time.Time) (answer.Digest, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	d := answer.Digest{Since: since, Until: until}
	for _, t := range c.docs {
		if t.After(since) && !t.After(until) {
			d.Stories = append(d.Stories, answer.Story{Title: t.Format(time.RFC3339), Date: t})
		}
	}
	return d, nil
}

// hourly returns a document for every hour in [from, to).
func hourly(from, to time.Time) []time.Time {
	var docs []time.Time
	for t := from; t.Before(to); t = t.Add(time.Hour) {
		docs = append(docs, t)
	}
	return docs
}

// post is one call of a fake poster.
type post struct {
	Channel      string // "platform:id"
	At           time.Time
	Since, Until time.Time
	Stories      int
	Err          error
}

// fakePosters records posts of every platform; fail, when set, decides the
// outcome of each call.
type fakePosters struct {
	mu    sync.Mutex
	clk   *fakeClock
	calls []post
	fail  func(n int) error // n counts calls from 1
}

type platformPoster struct {
	f        *fakePosters
	platform string
}

func (p platformPoster) PostDigest(ctx context.Context, id string, d answer.Digest) error {
	f := p.f
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, post{Channel: p.platform + ":" + id, At: f.clk.Now(), Since: d.Since, Until: d.Until, Stories: len(d.Stories)})
	if f.fail == nil {
		return nil
	}
	n := len(f.calls)
	err := f.fail(n) // may runtime.Goexit: the message went out, then the process died
	f.calls[n-1].Err = err
	return err
}

func (f *fakePosters) posters() map[string]Poster {
	return map[string]Poster{"slack": platformPoster{f, "slack"}, "discord": platformPoster{f, "discord"}}
}

// posted returns the successful posts.
func (f *fakePosters) posted() []post {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ok []post
	for _, p := range f.calls {
		if p.Err == nil {
			ok = append(ok, p)
		}
	}
	return ok
}

// env is a bot's persistent world: a store file, a clock, a corpus and the
// platforms, across restarts of the scheduler.
type env struct {
	t     *testing.T
	path  string
	clk   *fakeClock
	comp  *fakeComposer
	posts *fakePosters
}

func newEnv(t *testing.T, start time.Time) *env {
	clk := &fakeClock{now: start}
	return &env{
		t:     t,
		path:  filepath.Join(t.TempDir(), "digest.db"),
		clk:   clk,
		comp:  &fakeComposer{},
		posts: &fakePosters{clk: clk},
	}
}

// start opens the store and a scheduler, as the process does at start. The
// store is closed at the end of the test unless stop closes it first.
func (e *env) start(cfg Config) (*Scheduler, *Bolt) {
	e.t.Helper()
	st, err := Open(e.path)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Close() })
	cfg.Clock, cfg.After = e.clk.Now, e.clk.After
	s, err := New(context.Background(), cfg, st, e.comp, e.posts.posters(), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return s, st
}

// run runs s until the clock reaches stop. Run executes in its own goroutine
// so that a fake may end it with runtime.Goexit, as a crash would.
func (e *env) run(s *Scheduler, stop time.Time) {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.clk.mu.Lock()
	e.clk.stop, e.clk.cancel = stop, cancel
	e.clk.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.Run(ctx); err != nil {
			e.t.Errorf("Run: %v", err)
		}
	}()
	<-done
}

// session starts the process at time at, runs it until stop and closes the
// store, as a restart would.
func (e *env) session(cfg Config, at, stop time.Time) {
	e.t.Helper()
	e.clk.set(at)
	s, st := e.start(cfg)
	e.run(s, stop)
	if err := st.Close(); err != nil {
		e.t.Fatal(err)
	}
}

func postTimes(ps []post) []string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s@%s", p.Channel, p.At.UTC().Format(time.RFC3339)))
	}
	return out
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

type answerDigest = answer.Digest

// composerFunc adapts a function to the composer interface.
type composerFunc func(ctx context.Context, since, until time.Time) (answer.Digest, error)

func (f composerFunc) Digest(ctx context.Context, since, until time.Time) (answer.Digest, error) {
	return f(ctx, since, until)
}
