package conversation

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/briefbot/briefbot/answer"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func TestDecide(t *testing.T) {
	live := Thread{Asker: "U1", At: t0.Add(-10 * time.Minute)}
	quiet := Thread{Asker: "U1", At: t0.Add(-31 * time.Minute)}
	stopped := live
	stopped.Stopped = true
	tests := []struct {
		name   string
		thread Thread
		msg    Message
		quiet  time.Duration
		want   Verdict
	}{
		{"follow-up by the asker", live, Message{User: "U1", Text: "and in 2023?"}, DefaultQuiet, FollowUp},
		{"chatter by the asker", live, Message{User: "U1", Text: "thanks!"}, DefaultQuiet, Ignore},
		{"emoji", live, Message{User: "U1", Text: "👍"}, DefaultQuiet, Ignore},
		{"statement by the asker", live, Message{User: "U1", Text: "I disagree with that"}, DefaultQuiet, Ignore},
		{"someone else joins", live, Message{User: "U2", Text: "what about Kirby?"}, DefaultQuiet, Stop},
		{"the asker talks to someone", live, Message{User: "U1", Text: "<@U2> what do you think?", MentionsOthers: true}, DefaultQuiet, Stop},
		{"after the quiet period", quiet, Message{User: "U1", Text: "and in 2023?"}, DefaultQuiet, Ignore},
		{"stopped thread", stopped, Message{User: "U1", Text: "and in 2023?"}, DefaultQuiet, Ignore},
		{"never answered there", Thread{}, Message{User: "U1", Text: "why?"}, DefaultQuiet, Ignore},
		{"mention in a live thread", live, Message{User: "U2", Text: "what about Kirby?", Addressed: true}, DefaultQuiet, FollowUp},
		{"mention resumes a stopped thread", stopped, Message{User: "U2", Text: "what about Kirby?", Addressed: true}, DefaultQuiet, FollowUp},
		{"mention after the quiet period", quiet, Message{User: "U1", Text: "troops in Ukraine", Addressed: true}, DefaultQuiet, Fresh},
		{"first mention", Thread{}, Message{User: "U1", Text: "troops in Ukraine", Addressed: true}, DefaultQuiet, Fresh},
		{"direct message without a question mark", live, Message{User: "U1", Text: "troops in Ukraine", Addressed: true}, DefaultQuiet, FollowUp},
		{"thanks in a direct message", live, Message{User: "U1", Text: "thank you so much", Addressed: true}, DefaultQuiet, Ignore},
		{"follow-ups off", live, Message{User: "U1", Text: "and in 2023?"}, 0, Ignore},
		{"follow-ups off, mention", live, Message{User: "U1", Text: "and in 2023?", Addressed: true}, 0, Fresh},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Decide(tt.thread, tt.msg, t0, tt.quiet); got != tt.want {
				t.Errorf("Decide(%+v, %+v) = %s, want %s", tt.thread, tt.msg, got, tt.want)
			}
		})
	}
}

func quoteOn(doc string, start int, day time.Time) answer.Quote {
	return answer.Quote{Text: "quote " + doc, DocID: doc, Start: start, End: start + 10, Date: day}
}

func TestAnswerButtonsAndQuestions(t *testing.T) {
	d1 := time.Date(2023, 3, 14, 0, 0, 0, 0, time.UTC)
	d2 := time.Date(2023, 6, 2, 0, 0, 0, 0, time.UTC)
	q := answer.Question{Text: "Haiti", Speaker: "Kirby", Since: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2023, 12, 31, 23, 59, 59, 999999999, time.UTC)}
	a := NewAnswer(q, answer.Answer{Quotes: []answer.Quote{quoteOn("a", 0, d2), quoteOn("b", 5, d1)}}, []answer.Span{{DocID: "z", Start: 1, End: 2}}, t0)
	if got, want := a.Buttons(true), []Action{More, Newer, Older, Helpful, NotHelpful}; !slices.Equal(got, want) {
		t.Errorf("Buttons = %v, want %v", got, want)
	}
	a.Private = true
	if got := a.Buttons(true); !slices.Contains(got, Share) {
		t.Errorf("private answer's buttons %v lack Share", got)
	}
	if got, want := a.Shown(), []answer.Span{{DocID: "z", Start: 1, End: 2}, {DocID: "a", Start: 0, End: 10}, {DocID: "b", Start: 5, End: 15}}; !slices.Equal(got, want) {
		t.Errorf("Shown = %v, want %v", got, want)
	}
	newer, ok := a.NewerQuestion()
	if !ok || !newer.Since.Equal(time.Date(2023, 6, 3, 0, 0, 0, 0, time.UTC)) || !newer.Until.Equal(q.Until) || newer.Text != "Haiti" || newer.Speaker != "Kirby" {
		t.Errorf("NewerQuestion = %+v, %v; want since 2023-06-03, until the end of 2023", newer, ok)
	}
	older, ok := a.OlderQuestion()
	if !ok || !older.Until.Equal(d1.Add(-time.Nanosecond)) || !older.Since.Equal(q.Since) {
		t.Errorf("OlderQuestion = %+v, %v; want until the end of 2023-03-13, since 2023-01-01", older, ok)
	}
	// A period the shown quotes already leave behind is dropped.
	late := NewAnswer(answer.Question{Text: "Haiti", Until: d2}, answer.Answer{Quotes: []answer.Quote{quoteOn("a", 0, d2)}}, nil, t0)
	if n, _ := late.NewerQuestion(); !n.Until.IsZero() {
		t.Errorf("NewerQuestion until = %v, want none", n.Until)
	}
	early := NewAnswer(answer.Question{Text: "Haiti", Since: d1}, answer.Answer{Quotes: []answer.Quote{quoteOn("a", 0, d1)}}, nil, t0)
	if o, _ := early.OlderQuestion(); !o.Since.IsZero() {
		t.Errorf("OlderQuestion since = %v, want none", o.Since)
	}

	none := NewAnswer(q, answer.Answer{NoAnswer: true, Related: []answer.Quote{quoteOn("r", 0, time.Time{})}}, nil, t0)
	if got := none.Buttons(false); len(got) != 0 {
		t.Errorf("Buttons without feedback of an answer with no quotes = %v, want none", got)
	}
	if got, want := none.Buttons(true), []Action{Helpful, NotHelpful}; !slices.Equal(got, want) {
		t.Errorf("no-answer Buttons = %v, want %v", got, want)
	}
	if len(none.Quotes) != 1 || none.Quotes[0].DocID != "r" {
		t.Errorf("no-answer Quotes = %+v, want the related passage", none.Quotes)
	}
	undated := NewAnswer(q, answer.Answer{Quotes: []answer.Quote{quoteOn("u", 0, time.Time{})}}, nil, t0)
	if got, want := undated.Buttons(true), []Action{More, Helpful, NotHelpful}; !slices.Equal(got, want) {
		t.Errorf("undated Buttons = %v, want %v", got, want)
	}
	if _, ok := undated.NewerQuestion(); ok {
		t.Error("NewerQuestion of undated quotes = ok")
	}
}

func TestFeedbackAndFormat(t *testing.T) {
	q := answer.Question{Text: "what did say about Haiti", Speaker: "the press secretary", Since: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC),
		Until: time.Date(2023, 12, 31, 23, 59, 59, 999999999, time.UTC), Source: "whitehouse.gov"}
	a := NewAnswer(q, answer.Answer{Quotes: []answer.Quote{quoteOn("a", 3, t0)}}, nil, t0)
	f := a.Feedback("helpful", "slack", "C1", "U1", t0)
	want := "what did say about Haiti speaker:the_press_secretary since:2023-01-01 until:2023-12-31 source:whitehouse.gov"
	if f.Question != want || f.Verdict != "helpful" || f.Platform != "slack" || f.ChannelID != "C1" || f.UserID != "U1" || !f.At.Equal(t0) {
		t.Errorf("Feedback = %+v", f)
	}
	if len(f.Quotes) != 1 || f.Quotes[0].DocID != "a" || f.Quotes[0].Start != 3 || f.Quotes[0].End != 13 || f.Quotes[0].Text != "quote a" {
		t.Errorf("Feedback quotes = %+v", f.Quotes)
	}
	back, err := answer.ParseQuestion(want)
	if err != nil || back.Text != q.Text || back.Speaker != q.Speaker || !back.Since.Equal(q.Since) || !back.Until.Equal(q.Until) || back.Source != q.Source {
		t.Errorf("ParseQuestion(Format(q)) = %+v, %v; want %+v", back, err, q)
	}
}

func TestIDs(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		id := NewID()
		if !ValidID(id) || seen[id] {
			t.Fatalf("NewID() = %q: invalid or repeated", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"", "abc", "ABCDEFGHIJKLMNOP", "abcdefghijklmno1", "abcdefghijklmnop0", "../../etc/passwd"} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
	for _, a := range Actions {
		if got, ok := ParseAction(string(a)); !ok || got != a {
			t.Errorf("ParseAction(%q) = %q, %v", a, got, ok)
		}
	}
	if _, ok := ParseAction("delete"); ok {
		t.Error(`ParseAction("delete") = ok`)
	}
}

func TestBoltStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conversations.db")
	s, err := OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	now := t0
	s.Clock = func() time.Time { return now }
	ctx := t.Context()
	th := Thread{Question: answer.Question{Text: "Haiti", Speaker: "Kirby"}, Asker: "U1", At: t0, Assistant: true}
	if err := PutThread(ctx, s, "slack:C1:1.0", th); err != nil {
		t.Fatal(err)
	}
	a := NewAnswer(th.Question, answer.Answer{Quotes: []answer.Quote{quoteOn("a", 0, t0)}}, nil, t0)
	a.Thread = "slack:C1:1.0"
	if err := PutAnswer(ctx, s, "abcdefghijklmnop", a); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := GetThread(ctx, s, "slack:C1:2.0"); ok || err != nil {
		t.Errorf("GetThread(unknown) = %v, %v; want not found", ok, err)
	}
	if _, ok, err := GetAnswer(ctx, s, "slack:C1:1.0"); ok || err != nil {
		t.Errorf("GetAnswer(a thread's key) = %v, %v; want not found", ok, err)
	}
	if _, err := OpenBolt(path); err == nil {
		t.Error("a second OpenBolt of an open store succeeded")
	}
	// A restart: a new Bolt over the same file.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Clock = func() time.Time { return now }
	got, ok, err := GetThread(ctx, s, "slack:C1:1.0")
	if err != nil || !ok || got.Question != th.Question || got.Asker != "U1" || !got.At.Equal(t0) || !got.Assistant {
		t.Errorf("GetThread after reopen = %+v, %v, %v; want %+v", got, ok, err, th)
	}
	ga, ok, err := GetAnswer(ctx, s, "abcdefghijklmnop")
	if err != nil || !ok || ga.Question != a.Question || len(ga.Quotes) != 1 || ga.Quotes[0].DocID != "a" || !ga.Quotes[0].Date.Equal(t0) || ga.Thread != a.Thread || !ga.Found {
		t.Errorf("GetAnswer after reopen = %+v, %v, %v; want %+v", ga, ok, err, a)
	}

	// Past its retention a thread is gone; the answer stays longer.
	now = t0.Add(ThreadRetention + time.Hour)
	if _, ok, _ := GetThread(ctx, s, "slack:C1:1.0"); ok {
		t.Error("thread still there after its retention")
	}
	if _, ok, _ := GetAnswer(ctx, s, "abcdefghijklmnop"); !ok {
		t.Error("answer gone after a thread's retention")
	}
	// A write removes what has expired.
	if err := PutThread(ctx, s, "slack:C1:3.0", th); err != nil {
		t.Fatal(err)
	}
	n := 0
	s.db.View(func(tx *bolt.Tx) error { n = tx.Bucket([]byte(kindThread)).Stats().KeyN; return nil })
	if n != 1 {
		t.Errorf("%d threads stored after pruning, want 1", n)
	}
	now = t0.Add(AnswerRetention + time.Hour)
	if _, ok, _ := GetAnswer(ctx, s, "abcdefghijklmnop"); ok {
		t.Error("answer still there after its retention")
	}
}

func TestMemoryStore(t *testing.T) {
	now := t0
	m := &Memory{Clock: func() time.Time { return now }, MaxRecords: 10}
	ctx := t.Context()
	if err := PutThread(ctx, m, "k", Thread{Asker: "U1"}); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := GetThread(ctx, m, "k"); !ok || err != nil || got.Asker != "U1" {
		t.Errorf("GetThread = %+v, %v, %v", got, ok, err)
	}
	now = t0.Add(ThreadRetention + time.Second)
	if _, ok, _ := GetThread(ctx, m, "k"); ok {
		t.Error("thread kept past its retention")
	}
	for i := range 25 {
		if err := m.Put(ctx, kindAnswer, NewID(), []byte("{}"), time.Duration(i+1)*time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(m.records); n > 10 {
		t.Errorf("Memory holds %d records, want at most 10", n)
	}
}
