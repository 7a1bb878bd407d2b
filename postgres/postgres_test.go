package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/feedback"
	"github.com/briefbot/briefbot/postgres/pgtest"
)

func open(t *testing.T, url string) *DB {
	t.Helper()
	db, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://bot:s3cret@db:5432/briefbot?sslmode=disable", "postgres://bot:xxxxx@db:5432/briefbot?sslmode=disable"},
		{"postgres://bot@db/briefbot", "postgres://bot@db/briefbot"},
		{"postgres://db/briefbot?password=s3cret", "postgres://db/briefbot?password=xxxxx"},
		{"host=db user=bot password=s3cret dbname=briefbot", "host=db user=bot password=xxxxx dbname=briefbot"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestOpenUnreachable needs no server: nothing listens on port 1.
func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := Open(ctx, "postgres://bot:s3cret@127.0.0.1:1/briefbot?connect_timeout=2")
	if err == nil {
		t.Fatal("Open of a closed port succeeded")
	}
	if msg := err.Error(); !strings.Contains(msg, "DATABASE_URL") || strings.Contains(msg, "s3cret") || !strings.Contains(msg, "127.0.0.1:1") {
		t.Errorf("Open error = %q, want one naming DATABASE_URL and the host, without the password", msg)
	}
	_, err = Open(ctx, "mysql://what")
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("Open(mysql://) = %v, want an error naming DATABASE_URL", err)
	}
}

func TestMigrateTwiceAndConcurrently(t *testing.T) {
	url := pgtest.URL(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			db, err := Open(context.Background(), url)
			if err == nil {
				db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	db := open(t, url)
	v, err := db.Version(context.Background())
	if err != nil || v != SchemaVersion() {
		t.Errorf("Version = %d, %v; want %d", v, err, SchemaVersion())
	}
	if _, err := db.pool.Exec(context.Background(), `INSERT INTO schema_migrations (version) VALUES ($1)`, SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), url); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open of a newer schema = %v, want a refusal", err)
	}
}

func TestDeliveriesOnceAcrossReplicas(t *testing.T) {
	url := pgtest.URL(t)
	a, b := open(t, url).Deliveries("slack", time.Hour), open(t, url).Deliveries("slack", time.Hour)
	ctx := context.Background()
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		d := a
		if i%2 == 1 {
			d = b
		}
		wg.Go(func() {
			ok, err := d.First(ctx, "event:Ev1", "msg:C1:1.0")
			if err != nil {
				t.Error(err)
			}
			if ok {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("First from 8 racing callers on 2 replicas: %d wins, want 1", wins.Load())
	}
	// A delivery new only in part is a repeat, and records nothing.
	if ok, _ := b.First(ctx, "event:Ev2", "msg:C1:1.0"); ok {
		t.Error("First(new event, old message) = true, want false")
	}
	if ok, _ := a.First(ctx, "event:Ev2"); !ok {
		t.Error("First(event:Ev2) after a refused partial delivery = false, want true")
	}
	// Platforms do not share keys.
	if ok, _ := open(t, url).Deliveries("discord", time.Hour).First(ctx, "event:Ev1"); !ok {
		t.Error("discord First(slack's key) = false, want true")
	}
	// Past the window a key is new again.
	short := open(t, url).Deliveries("console", time.Millisecond)
	short.First(ctx, "k")
	time.Sleep(20 * time.Millisecond)
	if ok, _ := short.First(ctx, "k"); !ok {
		t.Error("First(k) after the window = false, want true")
	}
}

func TestDigestStoreUpdateIsAtomic(t *testing.T) {
	url := pgtest.URL(t)
	stores := []*DigestStore{open(t, url).Digests(), open(t, url).Digests()}
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 20 {
		s := stores[i%2]
		wg.Go(func() {
			err := s.Update(ctx, "slack:C1", func(old []byte) ([]byte, error) {
				var n int
				if old != nil {
					json.Unmarshal(old, &n)
				}
				return json.Marshal(n + 1)
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	v, err := stores[0].Get(ctx, "slack:C1")
	if err != nil || string(v) != "20" {
		t.Fatalf("after 20 increments on 2 replicas: %s, %v; want 20", v, err)
	}
	skip := errors.New("skip")
	if err := stores[1].Update(ctx, "slack:C1", func([]byte) ([]byte, error) { return nil, skip }); !errors.Is(err, skip) {
		t.Errorf("Update with fn's error = %v, want it back", err)
	}
	all, err := stores[1].All(ctx)
	if err != nil || len(all) != 1 || string(all["slack:C1"]) != "20" {
		t.Errorf("All = %v, %v", all, err)
	}
	if v, err := stores[1].Get(ctx, "slack:C2"); v != nil || err != nil {
		t.Errorf("Get(unknown) = %s, %v; want nil, nil", v, err)
	}
}

func TestLockHandedOverWhenHolderDies(t *testing.T) {
	url := pgtest.URL(t)
	a, b := open(t, url), open(t, url)
	ctx := context.Background()
	l, err := a.TryLock(ctx, "feeds")
	if err != nil || l == nil {
		t.Fatalf("TryLock = %v, %v", l, err)
	}
	if l2, err := b.TryLock(ctx, "feeds"); l2 != nil || err != nil {
		t.Fatalf("second TryLock = %v, %v; want nil, nil", l2, err)
	}
	// Another schema's lock of the same name is another lock.
	if l3, err := open(t, pgtest.URL(t)).TryLock(ctx, "feeds"); l3 == nil || err != nil {
		t.Fatalf("TryLock in another schema = %v, %v", l3, err)
	} else {
		l3.Release()
	}
	// The holder's connection dies, as with kill -9 or a network cut.
	if _, err := b.pool.Exec(ctx, `SELECT pg_terminate_backend($1)`, l.conn.Conn().PgConn().PID()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-l.Lost():
	case <-time.After(10 * time.Second):
		t.Fatal("Lost not closed after the connection died")
	}
	l.Release()
	deadline := time.Now().Add(10 * time.Second)
	for {
		l2, err := b.TryLock(ctx, "feeds")
		if err != nil {
			t.Fatal(err)
		}
		if l2 != nil {
			l2.Release()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("lock never handed over")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestFeedStateAndFeedback(t *testing.T) {
	db := open(t, pgtest.URL(t))
	ctx := context.Background()
	fs := db.FeedState()
	if v, err := fs.Load(ctx); v != nil || err != nil {
		t.Fatalf("Load of nothing = %s, %v", v, err)
	}
	if err := fs.Save(ctx, []byte(`{"seen":{"guid:1":"2026-01-01T00:00:00Z"}}`)); err != nil {
		t.Fatal(err)
	}
	if v, err := fs.Load(ctx); err != nil || !strings.Contains(string(v), "guid:1") {
		t.Fatalf("Load = %s, %v", v, err)
	}

	fb := db.Feedback()
	at := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	in := feedback.Feedback{
		Question: "Will the US send troops?", Verdict: feedback.Helpful, Platform: "slack", ChannelID: "C1", UserID: "U1", At: at,
		Quotes: []feedback.Quote{{DocID: "briefing-1", Start: 10, End: 42, Text: "We will not send troops."}},
	}
	if err := fb.Record(ctx, in); err != nil {
		t.Fatal(err)
	}
	if err := fb.Record(ctx, feedback.Feedback{Question: "old", At: at.Add(-time.Hour), Verdict: feedback.NotHelpful}); err != nil {
		t.Fatal(err)
	}
	got, err := fb.List(ctx, at)
	if err != nil || len(got) != 1 {
		t.Fatalf("List = %+v, %v", got, err)
	}
	if g := got[0]; g.Question != in.Question || !g.At.Equal(at) || !slices.Equal(g.Quotes, in.Quotes) || g.UserID != "U1" {
		t.Errorf("List()[0] = %+v, want %+v", g, in)
	}
}

func TestConversations(t *testing.T) {
	url := pgtest.URL(t)
	db := open(t, url)
	ctx := context.Background()
	s := db.Conversations()
	if v, err := s.Get(ctx, "thread", "slack:C1:1.0"); v != nil || err != nil {
		t.Fatalf("Get of nothing = %q, %v", v, err)
	}
	if err := s.Put(ctx, "thread", "slack:C1:1.0", []byte(`{"asker":"U1"}`), time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "thread", "slack:C1:1.0", []byte(`{"asker":"U2"}`), time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "answer", "abcdefghijklmnop", []byte(`{"found":true}`), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	// Another replica sees what this one stored.
	other := open(t, url).Conversations()
	if v, err := other.Get(ctx, "thread", "slack:C1:1.0"); err != nil || string(v) != `{"asker":"U2"}` {
		t.Errorf("Get by another replica = %q, %v; want the second Put", v, err)
	}
	if v, err := other.Get(ctx, "answer", "slack:C1:1.0"); v != nil || err != nil {
		t.Errorf("Get of another kind = %q, %v; want nothing", v, err)
	}
	time.Sleep(20 * time.Millisecond)
	if v, err := other.Get(ctx, "answer", "abcdefghijklmnop"); v != nil || err != nil {
		t.Errorf("Get of an expired record = %q, %v; want nothing", v, err)
	}
	if err := s.Put(ctx, "", "k", nil, time.Hour); err == nil {
		t.Error("Put with no kind succeeded")
	}
}

func TestCorpusChangesInOrder(t *testing.T) {
	url := pgtest.URL(t)
	db := open(t, url)
	c := db.Corpus()
	ctx := context.Background()
	var notified atomic.Int32
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go open(t, url).Corpus().Listen(lctx, func() { notified.Add(1) }, nil)
	// Change nothing before the listener is listening (it calls once on
	// connecting): a busy machine may take a while to connect.
	for deadline := time.Now().Add(10 * time.Second); notified.Load() < 1; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the listener did not connect")
		}
	}

	date := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	d1 := corpus.Document{ID: "a.md", Title: "Harbor", Date: date, Body: "The harbor reopened.", Passages: []corpus.Passage{{Start: 0, End: 20}}}
	d2 := corpus.Document{ID: "b.md", Title: "Crane", Body: "Q\nHow many?", Tags: []string{"x"}, Passages: []corpus.Passage{{Speaker: "Q", Start: 2, End: 11}}}
	st, err := c.Put(ctx, []corpus.Document{d1, d2})
	if err != nil || st.Added != 2 {
		t.Fatalf("Put = %+v, %v", st, err)
	}
	if st, err := c.Put(ctx, []corpus.Document{d1}); err != nil || st.Unchanged != 1 {
		t.Fatalf("Put again = %+v, %v; want unchanged", st, err)
	}
	d1.Body = "The harbor reopened on Tuesday."
	if st, err := c.Put(ctx, []corpus.Document{d1}); err != nil || st.Updated != 1 {
		t.Fatalf("Put changed = %+v, %v; want updated", st, err)
	}
	if n, err := c.Delete(ctx, []string{"b.md", "nope"}); err != nil || n != 1 {
		t.Fatalf("Delete = %d, %v", n, err)
	}
	if _, err := c.Put(ctx, []corpus.Document{{ID: "bad", Body: "a\x00b"}}); err == nil {
		t.Error("Put of a NUL byte succeeded")
	}
	chs, err := c.Changes(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, ch := range chs {
		if i > 0 && ch.Seq <= chs[i-1].Seq {
			t.Errorf("changes out of order: %d after %d", ch.Seq, chs[i-1].Seq)
		}
		got = append(got, ch.Doc.ID+map[bool]string{true: "-", false: "+"}[ch.Deleted])
	}
	if want := []string{"a.md+", "b.md-"}; !slices.Equal(got, want) {
		t.Fatalf("changes = %v, want %v", got, want)
	}
	a := chs[0]
	if a.Doc.Body != d1.Body || !a.Doc.Date.Equal(date) || len(a.Doc.Passages) != 1 || a.Added.IsZero() {
		t.Errorf("change a.md = %+v", a)
	}
	last, docs, err := c.Last(ctx)
	if err != nil || last != chs[1].Seq || docs != 1 {
		t.Errorf("Last = %d, %d, %v; want %d, 1", last, docs, err, chs[1].Seq)
	}
	var all []string
	for ch, err := range c.All(ctx, last) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ch.Doc.ID)
	}
	if !slices.Equal(all, []string{"a.md"}) {
		t.Errorf("All = %v, want [a.md]", all)
	}
	deadline := time.Now().Add(10 * time.Second)
	for notified.Load() < 2 { // one on connecting, at least one for the changes
		if time.Now().After(deadline) {
			t.Fatal("no notification")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
