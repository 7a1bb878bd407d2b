package feedback

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

func TestBoltRecordList(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedback.db")
	b, err := OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	at := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	for i, q := range []string{"old", "first", "second"} {
		f := Feedback{Question: q, Verdict: Helpful, Platform: "slack", At: at.Add(time.Duration(i-1) * time.Hour),
			Quotes: []Quote{{DocID: "d1", Start: 3, End: 9, Text: "quoted"}}}
		if err := b.Record(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	got, err := b.List(ctx, at)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Question != "first" || got[1].Question != "second" || got[0].Quotes[0].End != 9 {
		t.Fatalf("List(since) = %+v, want first and second, oldest first", got)
	}
	// bot feedback lists what a running bot serve records: both open the
	// file only while they use it.
	lister, err := OpenBolt(path)
	if err != nil {
		t.Fatalf("a second OpenBolt of the file: %v", err)
	}
	if err := b.Record(ctx, Feedback{Question: "third", Verdict: NotHelpful, At: at.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	got, err = lister.List(ctx, at)
	if err != nil || len(got) != 3 || got[2].Question != "third" {
		t.Errorf("List by a second Bolt = %+v, %v; want first, second, third", got, err)
	}
}
