// Package digest posts a daily digest of new briefings to subscribed Slack and
// Discord channels: the schedule, the subscriptions, and posting each channel
// at most one digest per local date, also across restarts.
//
// Exactly once, as far as a crash allows: before posting, the channel's
// record in the store is claimed for the date in one transaction; after a
// successful post the same record gets the date as done, the end of the
// digest's period, and loses the claim. A failed post releases the claim and
// is retried later, so it stays due until it succeeds. A claim found with no
// post running was left by a crash, which may have come before or after the
// message went out. Such a claim is retried once, when it is older than
// Config.ClaimTimeout, and then abandoned: a crash at the wrong moment may
// cost one duplicate digest, never a series of them, and never a lost
// period, because the next digest starts where the last posted one ended.
//
// Several replicas sharing one Store (PostgreSQL) post each digest once: a
// replica delivers to a channel only while it holds the channel's lock
// (Store.TryLock), which dies with the replica, so a claim found under the
// lock was left by a crash, as in a single process. Writes of the state
// that fail (the database gone for a while) are retried with backoff; a
// digest whose claim cannot be written is not posted.
package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/briefbot/briefbot/answer"
)

// composer is the subset of *answer.Engine the scheduler uses.
type composer interface {
	Digest(ctx context.Context, since, until time.Time) (answer.Digest, error)
}

// Poster posts a digest to one channel of its platform. The Slack and Discord
// adapters implement it; a digest without stories reads "no new briefings".
type Poster interface {
	PostDigest(ctx context.Context, channelID string, d answer.Digest) error
}

// Config is the schedule and posting policy. Zero fields take the defaults.
type Config struct {
	Time      string         // daily time of day "HH:MM" (default "08:00")
	Location  *time.Location // zone of Time for channels without their own (default UTC)
	Channels  []string       // always subscribed unless unsubscribed by command: "slack:C0123ABC", "discord:123456789"
	PostEmpty bool           // post a digest without stories on days with nothing new, instead of nothing

	Clock func() time.Time                     // default time.Now
	After func(time.Duration) <-chan time.Time // default time.After; every wait goes through it

	Attempts     int           // tries per post before giving up until later (default 4)
	Backoff      time.Duration // wait before the first retry, doubled for each next (default 5s)
	ClaimTimeout time.Duration // age at which a claim left by a crash is retried (default 5m)
}

// DefaultClaimTimeout is Config.ClaimTimeout when zero.
const DefaultClaimTimeout = 5 * time.Minute

const (
	maxSleep      = time.Minute     // re-check at least this often
	minSleep      = time.Second     // never spin, even when something stays due
	maxRetryWait  = time.Hour       // longest pause between rounds of a failing post
	orphanRetries = 1               // retries of a claim left by a crash
	lockRetry     = 5 * time.Second // look again at a channel another replica is delivering to
)

// Scheduler posts digests to subscribed channels at their local time of day.
// Its methods are safe for concurrent use.
type Scheduler struct {
	cfg          Config
	hour, minute int
	st           Store
	comp         composer
	posters      map[string]Poster
	logger       *slog.Logger
	wake         chan struct{}

	mu sync.Mutex // serialises deliveries; guards zones
	// retryMu guards retry on its own, so Unsubscribe never waits behind a
	// delivery that is backing off.
	retryMu sync.Mutex
	retry   map[string]retryState
	zones   map[string]*time.Location
}

// retryState delays the next round of a channel whose post failed.
type retryState struct {
	at   time.Time
	wait time.Duration
}

// New returns a scheduler posting through posters, keyed by platform ("slack",
// "discord"). It subscribes cfg.Channels in st, except channels unsubscribed
// by command, and unsubscribes channels that an earlier DIGEST_CHANNELS
// listed and cfg.Channels no longer does.
func New(ctx context.Context, cfg Config, st Store, c composer, posters map[string]Poster, logger *slog.Logger) (*Scheduler, error) {
	if cfg.Time == "" {
		cfg.Time = "08:00"
	}
	hour, minute, err := ParseTime(cfg.Time)
	if err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 4
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 5 * time.Second
	}
	if cfg.ClaimTimeout <= 0 {
		cfg.ClaimTimeout = DefaultClaimTimeout
	}
	if st == nil || c == nil {
		return nil, errors.New("digest: New needs a store and a composer")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Scheduler{
		cfg: cfg, hour: hour, minute: minute,
		st: st, comp: c, posters: posters, logger: logger,
		wake:  make(chan struct{}, 1),
		retry: make(map[string]retryState),
		zones: make(map[string]*time.Location),
	}
	if err := s.syncEnv(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// syncEnv makes the stored subscriptions agree with cfg.Channels.
func (s *Scheduler) syncEnv(ctx context.Context) error {
	now := s.cfg.Clock()
	env := make(map[string]bool)
	for _, ch := range s.cfg.Channels {
		platform, _, err := splitChannel(ch)
		if err != nil {
			return fmt.Errorf("digest: %w", err)
		}
		if s.posters[platform] == nil {
			s.logger.Warn("digest channel configured but its platform is not enabled", "channel", ch)
		}
		env[ch] = true
		err = update(ctx, s.st, ch, func(sub *subscription, exists bool) error {
			if sub.Active || sub.Stopped {
				return errSkip
			}
			*sub = subscription{Active: true, FromEnv: true, Start: now, TZ: sub.TZ, Date: sub.Date, Until: sub.Until}
			return nil
		})
		if err != nil {
			return err
		}
	}
	subs, err := loadAll(ctx, s.st)
	if err != nil {
		return err
	}
	for ch, sub := range subs {
		if !sub.FromEnv || !sub.Active || env[ch] {
			continue
		}
		err := update(ctx, s.st, ch, func(sub *subscription, exists bool) error {
			if !sub.FromEnv || !sub.Active {
				return errSkip // another replica got there first
			}
			sub.Active, sub.FromEnv, sub.Claim = false, false, nil
			return nil
		})
		if err != nil {
			return err
		}
		s.logger.Info("digest channel no longer in DIGEST_CHANNELS, unsubscribed", "channel", ch)
	}
	return nil
}

// Run posts digests as they fall due until ctx is done, then returns nil. It
// wakes at the next due time, at least once a minute, and on Subscribe.
// Failures are logged here and retried later.
func (s *Scheduler) Run(ctx context.Context) error {
	for ctx.Err() == nil {
		next := s.tick(ctx)
		d := min(max(next.Sub(s.cfg.Clock()), minSleep), maxSleep)
		select {
		case <-ctx.Done():
		case <-s.cfg.After(d):
		case <-s.wake:
		}
	}
	return nil
}

// tick posts every digest that is due and returns when to look again.
func (s *Scheduler) tick(ctx context.Context) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Clock()
	next := now.Add(maxSleep)
	subs, err := loadAll(ctx, s.st)
	if err != nil {
		s.logger.Error("digest schedule", "err", err)
		return next
	}
	for _, ch := range slices.Sorted(maps.Keys(subs)) {
		if ctx.Err() != nil {
			break
		}
		sub := subs[ch]
		platform, _, err := splitChannel(ch)
		if !sub.Active || err != nil || s.posters[platform] == nil {
			continue
		}
		loc := s.zone(sub.TZ)
		day, at := lastSlot(now, s.hour, s.minute, loc)
		date := dateKey(day)
		if at.Before(sub.Start) || sub.Date >= date {
			next = minTime(next, nextSlot(now, s.hour, s.minute, loc))
			continue
		}
		s.retryMu.Lock()
		r, ok := s.retry[ch]
		s.retryMu.Unlock()
		if ok && now.Before(r.at) {
			next = minTime(next, r.at)
			continue
		}
		release, ok, err := s.st.TryLock(ctx, ch)
		if err != nil {
			s.failed(ch, fmt.Errorf("lock channel: %w", err))
			continue
		}
		if !ok {
			// Another replica is delivering it: look again soon, in case it dies.
			next = minTime(next, now.Add(lockRetry))
			continue
		}
		if retryAt, ok := s.due(ctx, ch, date, at); !ok {
			next = minTime(next, retryAt)
		}
		release()
	}
	return next
}

// due delivers the digest of ch for the slot of date, which was due when the
// tick read the store, unless it no longer is or a claim left by a crash must
// wait; then it returns when to look again and false. Called with s.mu and
// the channel's lock held: no delivery to ch runs anywhere else.
func (s *Scheduler) due(ctx context.Context, ch, date string, at time.Time) (time.Time, bool) {
	now := s.cfg.Clock()
	sub, _, err := load(ctx, s.st, ch)
	if err != nil {
		s.failed(ch, err)
		return time.Time{}, true
	}
	if !sub.Active || at.Before(sub.Start) || sub.Date >= date {
		return time.Time{}, true // posted or unsubscribed meanwhile
	}
	if c := sub.Claim; c != nil && c.Date == date {
		// No delivery to ch runs elsewhere: the claim was left by a crash.
		if c.Tries > orphanRetries {
			s.abandon(ctx, ch, date)
			return time.Time{}, true
		}
		if retryAt := c.At.Add(s.cfg.ClaimTimeout); now.Before(retryAt) {
			return retryAt, false
		}
		s.logger.Warn("digest claim left by a crash, retrying once; the channel may get it twice",
			"channel", ch, "date", date, "claimed", c.At)
	}
	if err := s.deliver(ctx, ch, date, false); err != nil && ctx.Err() == nil {
		s.failed(ch, err)
	}
	return time.Time{}, true
}

// abandon gives up on the date after a crash interrupted both the post and its
// retry; the next digest covers the period.
func (s *Scheduler) abandon(ctx context.Context, ch, date string) {
	s.logger.Error("digest claim left by repeated crashes, giving up on this date; the next digest covers the period",
		"channel", ch, "date", date)
	err := s.persist(ctx, ch, func(sub *subscription, exists bool) error {
		sub.Claim = nil
		sub.Date = max(sub.Date, date)
		return nil
	})
	if err != nil {
		s.logger.Error("digest schedule", "channel", ch, "err", err)
	}
}

// failed logs a failed delivery and holds back the channel's next round.
func (s *Scheduler) failed(ch string, err error) {
	s.retryMu.Lock()
	r := s.retry[ch]
	r.wait = min(max(2*r.wait, maxSleep), maxRetryWait)
	r.at = s.cfg.Clock().Add(r.wait)
	s.retry[ch] = r
	s.retryMu.Unlock()
	s.logger.Error("digest not posted, will retry", "channel", ch, "retry_at", r.at, "err", err)
}

// errNotDue reports that the channel was posted or unsubscribed meanwhile.
var errNotDue = errors.New("digest not due")

// deliver composes and posts the digest of ch for the slot of date, with the
// claim protocol described in the package comment. force posts even when the
// date is done or the digest empty (PostNow). Called with s.mu and the
// channel's lock held.
func (s *Scheduler) deliver(ctx context.Context, ch, date string, force bool) error {
	platform, id, err := splitChannel(ch)
	if err != nil {
		return err
	}
	poster := s.posters[platform]
	if poster == nil {
		return fmt.Errorf("digest %s: platform %s is not enabled", ch, platform)
	}
	until := s.cfg.Clock()
	var since time.Time
	// The claim is written before anything is posted: a digest that cannot
	// be recorded is not posted.
	err = update(ctx, s.st, ch, func(sub *subscription, exists bool) error {
		if !force && (!sub.Active || sub.Date >= date) {
			return errNotDue
		}
		tries := 1
		if sub.Claim != nil && sub.Claim.Date == date {
			tries = sub.Claim.Tries + 1
		}
		sub.Claim = &claim{Date: date, At: until, Tries: tries}
		since = sub.Until
		return nil
	})
	if errors.Is(err, errNotDue) {
		return nil
	}
	if err != nil {
		return err
	}
	if since.IsZero() || !since.Before(until) {
		since = until.Add(-24 * time.Hour)
	}

	d, err := s.comp.Digest(ctx, since, until)
	if err != nil {
		return s.release(ctx, ch, date, fmt.Errorf("compose digest: %w", err))
	}
	if len(d.Stories) == 0 && d.More == 0 && !s.cfg.PostEmpty && !force {
		s.logger.Info("digest skipped: nothing new", "channel", ch, "date", date, "since", since)
		return s.done(ctx, ch, date, time.Time{})
	}
	if err := s.post(ctx, poster, ch, id, d); err != nil {
		return s.release(ctx, ch, date, err)
	}
	s.logger.Info("digest posted", "channel", ch, "date", date, "since", since, "stories", len(d.Stories))
	s.retryMu.Lock()
	delete(s.retry, ch)
	s.retryMu.Unlock()
	return s.done(ctx, ch, date, until)
}

// post tries up to cfg.Attempts times with exponential backoff.
func (s *Scheduler) post(ctx context.Context, p Poster, ch, id string, d answer.Digest) error {
	wait := s.cfg.Backoff
	var err error
	for attempt := 1; ; attempt++ {
		if err = p.PostDigest(ctx, id, d); err == nil {
			return nil
		}
		if attempt >= s.cfg.Attempts {
			return fmt.Errorf("post digest (%d attempts): %w", attempt, err)
		}
		s.logger.Warn("digest post failed, retrying", "channel", ch, "attempt", attempt, "wait", wait, "err", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("post digest: %w (after %w)", ctx.Err(), err)
		case <-s.cfg.After(wait):
		}
		wait *= 2
	}
}

// done records the slot of date as handled and, for a posted digest, the end
// of its period, retrying while the store fails: the digest went out, and
// forgetting that would post it again.
func (s *Scheduler) done(ctx context.Context, ch, date string, until time.Time) error {
	return s.persist(ctx, ch, func(sub *subscription, exists bool) error {
		sub.Claim = nil
		sub.Date = max(sub.Date, date)
		if until.After(sub.Until) {
			sub.Until = until
		}
		return nil
	})
}

// release drops the claim after a failure that certainly posted nothing, so
// the slot stays due, and returns cause. A failing store is retried: a claim
// left behind would count as a crash.
func (s *Scheduler) release(ctx context.Context, ch, date string, cause error) error {
	err := s.persist(ctx, ch, func(sub *subscription, exists bool) error {
		if sub.Claim == nil || sub.Claim.Date != date {
			return errSkip
		}
		sub.Claim = nil
		return nil
	})
	return errors.Join(cause, err)
}

// persist is update retried with backoff (Config.Backoff, doubling up to a
// minute) until it succeeds or ctx is done.
func (s *Scheduler) persist(ctx context.Context, ch string, fn func(sub *subscription, exists bool) error) error {
	wait := s.cfg.Backoff
	for {
		err := update(ctx, s.st, ch, fn)
		if err == nil || ctx.Err() != nil {
			return err
		}
		s.logger.Warn("digest state not saved, retrying", "channel", ch, "wait", wait, "err", err)
		select {
		case <-ctx.Done():
			return err
		case <-s.cfg.After(wait):
		}
		wait = min(2*wait, maxSleep)
	}
}

// Subscribe subscribes channel ("slack:C0123ABC") to the daily digest in time
// zone tz, an IANA name; "" means the scheduler's default. The first digest
// comes at the next scheduled time. Subscribing again changes the zone.
// Errors for bad input wrap ErrBadChannel or ErrBadTimeZone.
func (s *Scheduler) Subscribe(ctx context.Context, channel, tz string) error {
	platform, _, err := splitChannel(channel)
	if err != nil {
		return err
	}
	if s.posters[platform] == nil {
		return fmt.Errorf("%w %q: %s digests are not enabled", ErrBadChannel, channel, platform)
	}
	if tz != "" {
		if _, err := loadZone(tz); err != nil {
			return err
		}
	}
	now := s.cfg.Clock()
	err = update(ctx, s.st, channel, func(sub *subscription, exists bool) error {
		if !sub.Active {
			sub.Start = now
		}
		sub.Active, sub.Stopped, sub.FromEnv, sub.TZ = true, false, false, tz
		return nil
	})
	if err != nil {
		return err
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return nil
}

// Unsubscribe stops the digest in channel. It sticks across restarts, also for
// a channel listed in DIGEST_CHANNELS, until the channel subscribes again.
func (s *Scheduler) Unsubscribe(ctx context.Context, channel string) error {
	if _, _, err := splitChannel(channel); err != nil {
		return err
	}
	err := update(ctx, s.st, channel, func(sub *subscription, exists bool) error {
		sub.Active, sub.Stopped, sub.FromEnv = false, true, false
		return nil
	})
	if err != nil {
		return err
	}
	s.retryMu.Lock()
	delete(s.retry, channel)
	s.retryMu.Unlock()
	return nil
}

// Now composes the digest channel would get now: since its last posted digest,
// or the last 24 hours. Nothing is posted or recorded.
func (s *Scheduler) Now(ctx context.Context, channel string) (answer.Digest, error) {
	if _, _, err := splitChannel(channel); err != nil {
		return answer.Digest{}, err
	}
	sub, _, err := load(ctx, s.st, channel)
	if err != nil {
		return answer.Digest{}, err
	}
	until := s.cfg.Clock()
	since := sub.Until
	if since.IsZero() || !since.Before(until) {
		since = until.Add(-24 * time.Hour)
	}
	return s.comp.Digest(ctx, since, until)
}

// PostNow posts the digest to every subscribed channel now, even when it is
// empty or the channel had today's, and records it as the channel's digest of
// its latest scheduled time. It returns the failures joined; a channel that
// another replica is delivering to at that moment is one of them.
func (s *Scheduler) PostNow(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	subs, err := loadAll(ctx, s.st)
	if err != nil {
		return err
	}
	var errs []error
	for _, ch := range slices.Sorted(maps.Keys(subs)) {
		if !subs[ch].Active {
			continue
		}
		day, _ := lastSlot(s.cfg.Clock(), s.hour, s.minute, s.zone(subs[ch].TZ))
		release, ok, err := s.st.TryLock(ctx, ch)
		if err == nil && !ok {
			err = errors.New("another replica is posting its digest; try again in a minute")
		}
		if err == nil {
			err = s.deliver(ctx, ch, dateKey(day), true)
			release()
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", ch, err))
		}
	}
	return errors.Join(errs...)
}

// zone returns the location of a stored zone name. Called with s.mu held.
func (s *Scheduler) zone(tz string) *time.Location {
	if tz == "" {
		return s.cfg.Location
	}
	if loc, ok := s.zones[tz]; ok {
		return loc
	}
	loc, err := loadZone(tz)
	if err != nil {
		// Validated on Subscribe; only a changed tzdata gets here.
		s.logger.Warn("digest time zone no longer known, using the default", "tz", tz)
		loc = s.cfg.Location
	}
	s.zones[tz] = loc
	return loc
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
