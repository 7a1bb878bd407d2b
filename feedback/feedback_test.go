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
	if _, err := OpenBolt(path); err == nil {
		t.Error("a second OpenBolt of a held file succeeded")
	}
}
