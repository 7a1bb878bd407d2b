package digest

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSlotsAcrossDST(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	tests := []struct {
		name         string
		now          string // UTC
		hour, minute int
		lastDate     string
		last, next   string // UTC
	}{
		{"day before spring forward", "2026-03-07T15:00:00Z", 8, 0, "2026-03-07", "2026-03-07T13:00:00Z", "2026-03-08T12:00:00Z"},
		{"spring forward day, before", "2026-03-08T11:59:59Z", 8, 0, "2026-03-07", "2026-03-07T13:00:00Z", "2026-03-08T12:00:00Z"},
		{"spring forward day, at", "2026-03-08T12:00:00Z", 8, 0, "2026-03-08", "2026-03-08T12:00:00Z", "2026-03-09T12:00:00Z"},
		{"gap 02:30 is 03:30 EDT", "2026-03-08T10:00:00Z", 2, 30, "2026-03-08", "2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"},
		{"fall back day, before", "2026-11-01T12:30:00Z", 8, 0, "2026-10-31", "2026-10-31T12:00:00Z", "2026-11-01T13:00:00Z"},
		{"fall back day, after", "2026-11-01T13:00:01Z", 8, 0, "2026-11-01", "2026-11-01T13:00:00Z", "2026-11-02T13:00:00Z"},
		{"ambiguous 01:30 is the first", "2026-11-01T05:45:00Z", 1, 30, "2026-11-01", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := utc(tt.now)
			day, last := lastSlot(now, tt.hour, tt.minute, ny)
			if dateKey(day) != tt.lastDate || !last.Equal(utc(tt.last)) {
				t.Errorf("lastSlot(%s) = %s %s, want %s %s", tt.now, dateKey(day), last.UTC(), tt.lastDate, tt.last)
			}
			if next := nextSlot(now, tt.hour, tt.minute, ny); !next.Equal(utc(tt.next)) {
				t.Errorf("nextSlot(%s) = %s, want %s", tt.now, next.UTC(), tt.next)
			}
		})
	}
}

func TestRunAcrossDST(t *testing.T) {
	tests := []struct {
		name       string
		from, to   string
		wantPosted []string
	}{
		{"March", "2026-03-06T00:00:00Z", "2026-03-10T00:00:00Z", []string{
			"slack:C1@2026-03-06T13:00:00Z", "slack:C1@2026-03-07T13:00:00Z",
			"slack:C1@2026-03-08T12:00:00Z", "slack:C1@2026-03-09T12:00:00Z"}},
		{"November", "2026-10-30T00:00:00Z", "2026-11-03T00:00:00Z", []string{
			"slack:C1@2026-10-30T12:00:00Z", "slack:C1@2026-10-31T12:00:00Z",
			"slack:C1@2026-11-01T13:00:00Z", "slack:C1@2026-11-02T13:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to := utc(tt.from), utc(tt.to)
			e := newEnv(t, from)
			e.comp.docs = hourly(from.Add(-48*time.Hour), to)
			e.session(Config{Location: mustZone(t, "America/New_York"), Channels: []string{"slack:C1"}}, from, to)
			if got := postTimes(e.posts.posted()); !slices.Equal(got, tt.wantPosted) {
				t.Errorf("posts = %v, want %v", got, tt.wantPosted)
			}
		})
	}
}

func TestRestartAroundPostingTime(t *testing.T) {
	day := "2026-05-04T"
	cfg := Config{Channels: []string{"discord:42"}}
	tests := []struct {
		name           string
		stop, restart  string // first process ends, second starts (time of day, UTC)
		crashCompose   bool   // the first process dies while composing
		crashPost      bool   // the first process dies right after posting
		wantPosts      int
		wantSecondAtOr string // time of the last post
	}{
		{name: "before", stop: "07:59:30", restart: "07:59:50", wantPosts: 1, wantSecondAtOr: "08:00:00"},
		{name: "just after", stop: "08:00:01", restart: "08:01:30", wantPosts: 1, wantSecondAtOr: "08:00:00"},
		{name: "hours after", stop: "09:00:00", restart: "11:00:00", wantPosts: 1, wantSecondAtOr: "08:00:00"},
		{name: "killed composing", stop: "08:30:00", restart: "08:00:20", crashCompose: true, wantPosts: 1, wantSecondAtOr: "08:05:00"},
		{name: "killed composing, back late", stop: "08:30:00", restart: "10:00:00", crashCompose: true, wantPosts: 1, wantSecondAtOr: "10:00:00"},
		// The documented cost of retrying a crashed claim: one duplicate.
		{name: "killed after posting", stop: "08:30:00", restart: "08:00:20", crashPost: true, wantPosts: 2, wantSecondAtOr: "08:05:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, utc(day+"07:00:00Z"))
			e.comp.docs = hourly(utc(day+"00:00:00Z"), utc(day+"23:00:00Z"))
			first := true
			crash := func() {
				if first {
					first = false
					runtime.Goexit()
				}
			}
			if tt.crashPost {
				e.posts.fail = func(int) error { crash(); return nil }
			}
			e.clk.set(utc(day + "07:00:00Z"))
			s, st := e.start(cfg)
			if tt.crashCompose {
				s.comp = composerFunc(func(ctx context.Context, since, until time.Time) (answerDigest, error) {
					crash()
					return e.comp.Digest(ctx, since, until)
				})
			}
			e.run(s, utc(day+tt.stop+"Z"))
			st.Close()

			e.session(cfg, utc(day+tt.restart+"Z"), utc(day+"23:00:00Z"))
			e.session(cfg, utc(day+"23:30:00Z"), utc(day+"23:59:00Z"))
			posts := e.posts.calls // including the one a crash interrupted
			if len(posts) != tt.wantPosts {
				t.Fatalf("posts = %v, want %d", postTimes(posts), tt.wantPosts)
			}
			if got, want := posts[len(posts)-1].At, utc(day+tt.wantSecondAtOr+"Z"); !got.Equal(want) {
				t.Errorf("last post at %s, want %s", got, want)
			}
			st, err := Open(e.path)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			sub, _, err := load(context.Background(), st, "discord:42")
			if err != nil || sub.Date != "2026-05-04" || sub.Claim != nil {
				t.Errorf("stored state = %+v, %v; want date 2026-05-04 and no claim", sub, err)
			}
		})
	}
}

func TestRepeatedCrashIsAbandoned(t *testing.T) {
	e := newEnv(t, utc("2026-05-04T07:00:00Z"))
	e.comp.docs = hourly(utc("2026-05-03T00:00:00Z"), utc("2026-05-06T00:00:00Z"))
	e.posts.fail = func(int) error { runtime.Goexit(); return nil }
	cfg := Config{Channels: []string{"slack:C1"}}
	e.session(cfg, utc("2026-05-04T07:00:00Z"), utc("2026-05-04T09:00:00Z")) // posts, dies
	e.session(cfg, utc("2026-05-04T09:00:00Z"), utc("2026-05-04T10:00:00Z")) // retries once, dies
	e.posts.fail = nil
	e.session(cfg, utc("2026-05-04T10:00:00Z"), utc("2026-05-05T09:00:00Z")) // gives up; next day as usual
	got := postTimes(e.posts.calls)
	want := []string{"slack:C1@2026-05-04T08:00:00Z", "slack:C1@2026-05-04T09:00:00Z", "slack:C1@2026-05-05T08:00:00Z"}
	if !slices.Equal(got, want) {
		t.Fatalf("posts = %v, want %v", got, want)
	}
	// Nothing was recorded as posted, so the 5th covers the 24 h since the 4th's.
	if since := e.posts.calls[2].Since; !since.Equal(utc("2026-05-04T08:00:00Z")) {
		t.Errorf("digest of the 5th since %s, want 2026-05-04T08:00:00Z", since)
	}
}

func TestDowntimeGivesOneDigest(t *testing.T) {
	e := newEnv(t, utc("2026-01-01T07:00:00Z"))
	e.comp.docs = hourly(utc("2025-12-31T00:00:00Z"), utc("2026-01-06T00:00:00Z"))
	cfg := Config{Channels: []string{"slack:C1"}}
	e.session(cfg, utc("2026-01-01T07:00:00Z"), utc("2026-01-01T09:00:00Z"))
	e.session(cfg, utc("2026-01-04T10:00:00Z"), utc("2026-01-05T09:00:00Z"))
	got := e.posts.posted()
	want := []string{"slack:C1@2026-01-01T08:00:00Z", "slack:C1@2026-01-04T10:00:00Z", "slack:C1@2026-01-05T08:00:00Z"}
	if !slices.Equal(postTimes(got), want) {
		t.Fatalf("posts = %v, want %v", postTimes(got), want)
	}
	if p := got[1]; !p.Since.Equal(got[0].At) || !p.Until.Equal(p.At) || p.Stories != 74 {
		t.Errorf("catch-up digest covers (%s, %s] with %d stories, want (%s, %s] with 74", p.Since, p.Until, p.Stories, got[0].At, p.At)
	}
}

func TestChannelsInOwnZones(t *testing.T) {
	e := newEnv(t, utc("2026-01-10T00:00:00Z"))
	e.comp.docs = hourly(utc("2026-01-09T00:00:00Z"), utc("2026-01-12T00:00:00Z"))
	s, _ := e.start(Config{Location: mustZone(t, "Asia/Tokyo")})
	for ch, tz := range map[string]string{"slack:C1": "Europe/Berlin", "discord:7": "America/Los_Angeles", "slack:C2": ""} {
		if err := s.Subscribe(context.Background(), ch, tz); err != nil {
			t.Fatal(err)
		}
	}
	e.run(s, utc("2026-01-11T00:00:00Z"))
	got := postTimes(e.posts.posted())
	want := []string{"slack:C1@2026-01-10T07:00:00Z", "discord:7@2026-01-10T16:00:00Z", "slack:C2@2026-01-10T23:00:00Z"}
	if !slices.Equal(got, want) {
		t.Errorf("posts = %v, want %v", got, want)
	}
}

func TestEmptyDay(t *testing.T) {
	for _, postEmpty := range []bool{false, true} {
		e := newEnv(t, utc("2026-02-01T07:00:00Z"))
		e.comp.docs = hourly(utc("2026-02-02T09:00:00Z"), utc("2026-02-02T10:00:00Z")) // one on the 2nd
		e.session(Config{Channels: []string{"slack:C1"}, PostEmpty: postEmpty},
			utc("2026-02-01T07:00:00Z"), utc("2026-02-04T12:00:00Z"))
		var got []int
		for _, p := range e.posts.posted() {
			got = append(got, p.Stories)
		}
		want := []int{1} // on the 3rd
		if postEmpty {
			want = []int{0, 0, 1, 0}
		}
		if !slices.Equal(got, want) {
			t.Errorf("PostEmpty=%v: stories per post = %v, want %v", postEmpty, got, want)
		}
		if e.comp.calls != 4 {
			t.Errorf("PostEmpty=%v: composed %d times, want once a day (4)", postEmpty, e.comp.calls)
		}
	}
}

func TestFailedPostRetried(t *testing.T) {
	e := newEnv(t, utc("2026-02-01T07:00:00Z"))
	e.comp.docs = hourly(utc("2026-01-31T00:00:00Z"), utc("2026-02-03T00:00:00Z"))
	e.posts.fail = func(n int) error {
		if n <= 2 {
			return errors.New("503")
		}
		return nil
	}
	e.session(Config{Channels: []string{"slack:C1"}, Backoff: 10 * time.Second},
		utc("2026-02-01T07:00:00Z"), utc("2026-02-01T12:00:00Z"))
	var at []string
	for _, p := range e.posts.calls {
		at = append(at, p.At.Format("15:04:05"))
	}
	if want := []string{"08:00:00", "08:00:10", "08:00:30"}; !slices.Equal(at, want) {
		t.Errorf("attempts at %v, want %v", at, want)
	}
	if got := e.posts.posted(); len(got) != 1 || !got[0].Until.Equal(utc("2026-02-01T08:00:00Z")) {
		t.Errorf("posted %v, want one digest until 08:00", postTimes(got))
	}
}

func TestPermanentlyFailingPost(t *testing.T) {
	e := newEnv(t, utc("2026-02-01T07:00:00Z"))
	e.comp.docs = hourly(utc("2026-01-31T00:00:00Z"), utc("2026-02-03T00:00:00Z"))
	e.posts.fail = func(int) error { return errors.New("channel_not_found") }
	cfg := Config{Channels: []string{"slack:C1"}, Attempts: 3}
	e.session(cfg, utc("2026-02-01T07:00:00Z"), utc("2026-02-01T12:00:00Z"))
	// Rounds at 08:00 and 1, 2, 4, 8, 16, 32, 60 and 60 minutes after the
	// previous one: 9 by noon.
	if n := len(e.posts.calls); n != 9*3 {
		t.Errorf("%d attempts by noon, want 9 rounds of 3", n)
	}
	st, err := Open(e.path)
	if err != nil {
		t.Fatal(err)
	}
	sub, _, err := load(context.Background(), st, "slack:C1")
	st.Close()
	if err != nil || sub.Date != "" || !sub.Until.IsZero() || sub.Claim != nil {
		t.Fatalf("stored %+v, %v; want nothing recorded as posted", sub, err)
	}
	e.posts.fail = nil // the channel is fixed; a restart posts the still-due digest
	e.session(cfg, utc("2026-02-01T12:30:00Z"), utc("2026-02-01T13:00:00Z"))
	if got := postTimes(e.posts.posted()); !slices.Equal(got, []string{"slack:C1@2026-02-01T12:30:00Z"}) {
		t.Errorf("posts = %v, want one at 12:30", got)
	}
}

func TestSubscriptionsPersist(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, utc("2026-02-01T07:00:00Z"))
	cfg := Config{Channels: []string{"slack:C1", "slack:C2"}}
	s, st := e.start(cfg)
	for _, err := range []error{
		s.Subscribe(ctx, "discord:9", "Europe/Paris"),
		s.Unsubscribe(ctx, "slack:C1"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	cfg.Channels = []string{"slack:C1"} // C2 dropped from the environment
	_, st = e.start(cfg)
	subs, err := loadAll(context.Background(), st)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		active bool
		tz     string
	}{"slack:C1": {false, ""}, "slack:C2": {false, ""}, "discord:9": {true, "Europe/Paris"}}
	for ch, w := range want {
		if sub := subs[ch]; sub.Active != w.active || sub.TZ != w.tz {
			t.Errorf("%s after restart: active %v tz %q, want %v %q", ch, sub.Active, sub.TZ, w.active, w.tz)
		}
	}
	if len(subs) != len(want) {
		t.Errorf("stored %d channels, want %d", len(subs), len(want))
	}

	cfg.Channels = []string{"slack:C1", "slack:C2"} // C2 back in the environment
	s, st = e.start(cfg)
	if err := s.Subscribe(ctx, "slack:C1", ""); err != nil {
		t.Fatal(err)
	}
	subs, _ = loadAll(context.Background(), st)
	if !subs["slack:C1"].Active || !subs["slack:C2"].Active {
		t.Errorf("re-subscribed channels inactive: %+v", subs)
	}
}

func TestSubscribeBadInput(t *testing.T) {
	e := newEnv(t, utc("2026-02-01T07:00:00Z"))
	s, _ := e.start(Config{})
	s.posters = map[string]Poster{"slack": s.posters["slack"]}
	ctx := context.Background()
	tests := []struct {
		channel, tz string
		want        error
	}{
		{"slack:C1", "Mars/Olympus", ErrBadTimeZone},
		{"slack:C1", "Local", ErrBadTimeZone},
		{"slack:C1", "../../etc/passwd", ErrBadTimeZone},
		{"irc:#news", "", ErrBadChannel},
		{"slack:c1", "", ErrBadChannel},
		{"discord:123", "", ErrBadChannel}, // discord not enabled
	}
	for _, tt := range tests {
		err := s.Subscribe(ctx, tt.channel, tt.tz)
		if !errors.Is(err, tt.want) {
			t.Errorf("Subscribe(%q, %q) = %v, want %v", tt.channel, tt.tz, err, tt.want)
		}
	}
}

func TestNowAndPostNow(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, utc("2026-02-01T07:00:00Z"))
	e.comp.docs = hourly(utc("2026-01-30T00:00:00Z"), utc("2026-02-05T00:00:00Z"))
	s, _ := e.start(Config{Channels: []string{"slack:C1", "discord:5"}})
	if err := s.Unsubscribe(ctx, "discord:5"); err != nil {
		t.Fatal(err)
	}
	d, err := s.Now(ctx, "slack:C1")
	if err != nil || !d.Since.Equal(utc("2026-01-31T07:00:00Z")) || len(d.Stories) != 24 {
		t.Fatalf("Now before any post = since %s, %d stories, %v; want the last 24 h", d.Since, len(d.Stories), err)
	}

	e.clk.set(utc("2026-02-01T09:30:00Z"))
	if err := s.PostNow(ctx); err != nil {
		t.Fatal(err)
	}
	e.run(s, utc("2026-02-02T07:59:00Z")) // today's 08:00 is done by PostNow
	e.clk.set(utc("2026-02-02T10:00:00Z"))
	d, err = s.Now(ctx, "slack:C1")
	if err != nil || !d.Since.Equal(utc("2026-02-01T09:30:00Z")) {
		t.Errorf("Now after PostNow = since %s, %v; want the PostNow time", d.Since, err)
	}
	if got := postTimes(e.posts.calls); !slices.Equal(got, []string{"slack:C1@2026-02-01T09:30:00Z"}) {
		t.Errorf("posts = %v, want PostNow's only", got)
	}
}

func TestOpenLocked(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the lock timeout")
	}
	e := newEnv(t, time.Now())
	st, err := Open(e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = Open(e.path)
	if err == nil || !strings.Contains(err.Error(), "another process") {
		t.Errorf("second Open = %v, want a lock error", err)
	}
}

func TestParseChannels(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr string // substring naming the bad entry
	}{
		{"", nil, ""},
		{"slack:C0123ABC", []string{"slack:C0123ABC"}, ""},
		{" slack:C0123 , discord:123456789,, slack:C0123", []string{"slack:C0123", "discord:123456789"}, ""},
		{"slack:C1,discord:12a", nil, `"discord:12a"`},
		{"slack:c0123", nil, `"slack:c0123"`},
		{"slack:", nil, `"slack:"`},
		{"C0123", nil, `"C0123"`},
		{"teams:123", nil, `"teams:123"`},
		{"Slack:C1", nil, `"Slack:C1"`},
		{"discord:123456789012345678901", nil, `"discord:123456789012345678901"`},
	}
	for _, tt := range tests {
		got, err := ParseChannels(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrBadChannel) {
				t.Errorf("ParseChannels(%q) = %v, want error naming %s", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParseChannels(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string][2]int{"08:00": {8, 0}, "23:59": {23, 59}, "00:05": {0, 5}} {
		if h, m, err := ParseTime(in); err != nil || h != want[0] || m != want[1] {
			t.Errorf("ParseTime(%q) = %d, %d, %v, want %v", in, h, m, err, want)
		}
	}
	for _, in := range []string{"8:00", "24:00", "08:60", "0800", "08:00:00", "", "8am"} {
		if _, _, err := ParseTime(in); err == nil {
			t.Errorf("ParseTime(%q) succeeded, want error", in)
		}
	}
}

func FuzzParseChannels(f *testing.F) {
	for _, s := range []string{"slack:C0123,discord:123456789", " slack:C1 ,,", "teams:1", "slack:", ":::", "discord:1,discord:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		chans, err := ParseChannels(s)
		if err != nil {
			return
		}
		again, err := ParseChannels(strings.Join(chans, ","))
		if err != nil || !slices.Equal(again, chans) {
			t.Errorf("ParseChannels(%q) = %q, which parses again as %q, %v", s, chans, again, err)
		}
	})
}
