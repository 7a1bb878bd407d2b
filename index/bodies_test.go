package index

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/corpus"
)

func testDoc(id, body string) corpus.Document {
	d := corpus.Document{ID: id, Title: "Title " + id, Date: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Body: body}
	start := 0
	for i, para := range strings.Split(body, "\n\n") {
		speaker := ""
		if i%2 == 1 {
			speaker = "Q"
		}
		d.Passages = append(d.Passages, corpus.Passage{Speaker: speaker, Start: start, End: start + len(para)})
		start += len(para) + 2
	}
	return d
}

func TestEntryRoundTrip(t *testing.T) {
	for _, d := range []corpus.Document{
		testDoc("a", "One paragraph."),
		testDoc("b", "First.\n\nSecond, with “quotes” and a\u00a0non-breaking space.\n\nThird."),
		{ID: "empty"},
	} {
		b := encodeEntry(nil, d)
		body, passages, err := decodeEntry(b)
		if err != nil {
			t.Fatalf("decodeEntry(encodeEntry(%s)): %v", d.ID, err)
		}
		if body != d.Body || !reflect.DeepEqual(passages, append([]corpus.Passage{}, d.Passages...)) {
			t.Errorf("round trip of %s = %q %+v, want %q %+v", d.ID, body, passages, d.Body, d.Passages)
		}
	}
	// Damage is reported, never a panic or a wrong quote.
	b := encodeEntry(nil, testDoc("b", "First.\n\nSecond."))
	for _, bad := range [][]byte{nil, {0xff}, b[:3], append([]byte{50}, b[1:]...)} {
		if _, _, err := decodeEntry(bad); err == nil {
			t.Errorf("decodeEntry(%q) succeeded, want an error", bad)
		}
	}
}

func TestShouldCompact(t *testing.T) {
	tests := []struct {
		size, live int64
		want       bool
	}{
		{0, 0, false},
		{100 << 20, 60 << 20, false},              // less dead than live
		{100 << 20, 40 << 20, true},               // more dead than live
		{compactAbove, 0, false},                  // too little to bother
		{compactAbove + 1, 0, true},               // all dead
		{2*compactAbove + 10, compactAbove, true}, // just over both
	}
	for _, tt := range tests {
		if got := shouldCompact(tt.size, tt.live); got != tt.want {
			t.Errorf("shouldCompact(%d, %d) = %v, want %v", tt.size, tt.live, got, tt.want)
		}
	}
}

// TestCompact rewrites a store holding replaced and removed documents and
// checks that every document still reads back, from the new generation.
func TestCompact(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	if _, err := Build(ctx, dir, []corpus.Document{testDoc("a", "Alpha one.\n\nAlpha two."), testDoc("b", "Bravo."), testDoc("c", "Charlie.")}, nil); err != nil {
		t.Fatal(err)
	}
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	want := []corpus.Document{testDoc("a", "Alpha, edited.\n\nAlpha two.\n\nAlpha three is the last one."), testDoc("c", "Charlie.")}
	if _, err := x.Sync(ctx, want, nil); err != nil {
		t.Fatal(err)
	}
	before := x.bodies.size
	if err := x.compact(); err != nil {
		t.Fatalf("compact: %v", err)
	}
	if x.bodies.name != "bodies-2.dat" || x.bodies.size >= before {
		t.Errorf("after compact: %s of %d bytes, want bodies-2.dat smaller than %d", x.bodies.name, x.bodies.size, before)
	}
	if _, err := os.Stat(filepath.Join(dir, bodyFile)); !os.IsNotExist(err) {
		t.Errorf("old generation still there after compact: %v", err)
	}
	check := func(x *Index) {
		t.Helper()
		for _, w := range want {
			got, err := x.Document(w.ID)
			if err != nil {
				t.Fatalf("Document(%s) after compact: %v", w.ID, err)
			}
			if got.Body != w.Body || !reflect.DeepEqual(got.Passages, w.Passages) {
				t.Errorf("Document(%s) after compact = %q, want %q", w.ID, got.Body, w.Body)
			}
		}
		if hits, err := x.Search(ctx, Query{Terms: []string{"three"}}); err != nil || len(hits) != 1 || hits[0].DocID != "a" || hits[0].Passage != 2 {
			t.Errorf("Search(three) after compact = %+v, %v; want a#2", hits, err)
		}
	}
	check(x)
	// The new generation is what the index opens next time, and a later
	// update appends to it.
	x.Close()
	if x, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	check(x)
	want = append(want, testDoc("d", "Delta."))
	if _, err := x.Sync(ctx, want, nil); err != nil {
		t.Fatal(err)
	}
	check(x)
}

// TestOpenRemovesStaleGenerations: a compaction interrupted before its
// commit leaves the next generation behind; the current one stays in use.
func TestOpenRemovesStaleGenerations(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	if _, err := Build(context.Background(), dir, []corpus.Document{testDoc("a", "Alpha.")}, nil); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "bodies-2.dat")
	if err := os.WriteFile(stale, []byte("half written"), 0o644); err != nil {
		t.Fatal(err)
	}
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale generation kept: %v", err)
	}
	if d, err := x.Document("a"); err != nil || d.Body != "Alpha." {
		t.Errorf("Document(a) = %q, %v; want Alpha.", d.Body, err)
	}
}

// TestSearchSkipsOrphanPassages: passages indexed under a key that no
// document has (an update interrupted between Bleve and docs.db) are not
// hits.
func TestSearchSkipsOrphanPassages(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	if _, err := Build(context.Background(), dir, []corpus.Document{testDoc("a", "A zebra crossing is here.")}, nil); err != nil {
		t.Fatal(err)
	}
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if err := x.bl.Index(passageID(999, 0), map[string]interface{}{"text": "Zebra stripes."}); err != nil {
		t.Fatal(err)
	}
	hits, err := x.Search(context.Background(), Query{Terms: []string{"zebra"}})
	if err != nil || len(hits) != 1 || hits[0].DocID != "a" {
		t.Errorf("Search(zebra) = %+v, %v; want only a#0", hits, err)
	}
}

func TestPassageID(t *testing.T) {
	for _, tt := range []struct {
		key uint64
		i   int
	}{{1, 0}, {35, 36}, {1 << 40, 12345}} {
		id := passageID(tt.key, tt.i)
		key, i, ok := splitPassageID(id)
		if !ok || key != tt.key || i != tt.i {
			t.Errorf("splitPassageID(passageID(%d, %d) = %q) = %d, %d, %v", tt.key, tt.i, id, key, i, ok)
		}
	}
	for _, bad := range []string{"", "abc", "a.", ".1", "a.-1", "doc.md#3"} {
		if _, _, ok := splitPassageID(bad); ok {
			t.Errorf("splitPassageID(%q) ok, want not", bad)
		}
	}
}

// TestUnsearchablePassages: passages that can never be quoted ("Pardon
// me?", "ROBERT HUNTER BIDEN") are not searched, so they cannot crowd out
// the statements that answer; a reporter's short question still is.
func TestUnsearchablePassages(t *testing.T) {
	// testDoc makes every second passage a reporter's question.
	x := builtIndex(t, testDoc("a", "Pardon me?\n\nAnd Hunter?\n\nROBERT HUNTER BIDEN\n\nNext one.\n\nToday, I signed a pardon for my son Hunter."))
	hits, err := x.Search(context.Background(), Query{Terms: []string{"pardon", "hunter"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, h := range hits {
		got = append(got, h.Passage)
	}
	sort.Ints(got)
	if !reflect.DeepEqual(got, []int{1, 4}) {
		t.Errorf("Search(pardon hunter) found passages %v, want [1 4] (the question and the statement)", got)
	}
}

func TestWithinTwoEdits(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"gospic", "gospić", true}, {"ghengis", "genghis", true}, {"primier", "premier", true},
		{"macron", "micron", true}, {"macron", "maroon", true}, {"macron", "bacon", true},
		{"macron", "matrix", false}, {"everest", "ever", false}, {"a", "abcd", false},
	} {
		if got := withinTwoEdits([]rune(c.a), []rune(c.b)); got != c.want {
			t.Errorf("withinTwoEdits(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// TestSpelt: a word the index holds in some spelling within two edits is
// known; one it holds in none is not; short words are taken as known.
func TestSpelt(t *testing.T) {
	x := builtIndex(t, testDoc("a", "Tesla moved to Gospić with his family in 1862."))
	for term, want := range map[string]bool{"gospic": true, "tesal": true, "tesla": true, "macron": false, "rb": true} {
		if got := x.Spelt(term); got != want {
			t.Errorf("Spelt(%q) = %v, want %v", term, got, want)
		}
	}
}

// builtIndex builds an index of docs in a temporary folder and opens it;
// the test closes it.
func builtIndex(t *testing.T, docs ...corpus.Document) *Index {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "idx")
	if _, err := Build(context.Background(), dir, docs, nil); err != nil {
		t.Fatal(err)
	}
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}
