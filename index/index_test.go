package index_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// newDoc builds a document whose passages are paras; a para "LABEL: text"
// is a speaker turn with the label outside the passage span, as corpus
// does it.
func newDoc(id, title string, date time.Time, source string, paras ...string) corpus.Document {
	d := corpus.Document{ID: id, Title: title, Date: date, Source: source,
		URL: "https://" + source + "/" + id, Kind: "press-briefings", Tags: []string{"test"}}
	var b strings.Builder
	for i, p := range paras {
		if i > 0 {
			b.WriteString("\n\n")
		}
		speaker := ""
		if label, text, ok := strings.Cut(p, ": "); ok && label == strings.ToUpper(label) {
			speaker = label
			b.WriteString(label + ": ")
			p = text
		}
		start := b.Len()
		b.WriteString(p)
		d.Passages = append(d.Passages, corpus.Passage{Speaker: speaker, Start: start, End: b.Len()})
	}
	d.Body = b.String()
	return d
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func build(t *testing.T, dir string, docs []corpus.Document) {
	t.Helper()
	if _, err := index.Build(context.Background(), dir, docs, nil); err != nil {
		t.Fatalf("Build: %v", err)
	}
}

func open(t *testing.T, dir string) *index.Index {
	t.Helper()
	x, err := index.Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

// search returns "docID#passage" of the hits for text, sorted.
func search(t *testing.T, x *index.Index, q index.Query, text string) []string {
	t.Helper()
	for _, tok := range x.Analyze(text) {
		q.Terms = append(q.Terms, tok.Term)
	}
	hits, err := x.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%q): %v", text, err)
	}
	var out []string
	for _, h := range hits {
		out = append(out, fmt.Sprintf("%s#%d", h.DocID, h.Passage))
	}
	sort.Strings(out)
	return out
}

func briefingDocs() []corpus.Document {
	return []corpus.Document{
		newDoc("psaki-2021", "Press Briefing by Press Secretary Jen Psaki", day("2021-06-10"), "whitehouse.gov",
			"MS. PSAKI: Good afternoon. We expect inflation to be transitory.",
			"Q: Will the President send troops to Ukraine?",
			"MS. PSAKI: The President has been clear that he will not send troops to fight in Ukraine."),
		newDoc("kjp-2023", "Press Briefing by Press Secretary Karine Jean-Pierre", day("2023-03-14"), "whitehouse.gov",
			"MS. JEAN-PIERRE: The CHIPS Act brings semiconductor manufacturing home.",
			"MS. JEAN-PIERRE: Tariffs are not the answer to inflation."),
		newDoc("news-2025", "Tariffs take effect", day("2025-04-02"), "example.com",
			"New tariffs on steel took effect on Wednesday, officials said."),
	}
}

func TestBuildOpenSearch(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	build(t, dir, briefingDocs())
	x := open(t, dir)
	docs, passages, err := x.Count()
	if err != nil || docs != 3 || passages != 6 {
		t.Fatalf("Count() = %d, %d, %v, want 3, 6, nil", docs, passages, err)
	}
	tests := []struct {
		text string
		want []string
	}{
		{"semiconductor manufacturing", []string{"kjp-2023#0"}},
		{"transitory", []string{"psaki-2021#0"}},
		{"troops", []string{"psaki-2021#1", "psaki-2021#2"}},
		{"steel", []string{"news-2025#0"}},
		{"zeppelin", nil},
	}
	for _, tt := range tests {
		if got := search(t, x, index.Query{}, tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestSearchRanksBestPassageFirst(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	build(t, dir, briefingDocs())
	x := open(t, dir)
	var terms []string
	for _, tok := range x.Analyze("semiconductor manufacturing CHIPS Act") {
		terms = append(terms, tok.Term)
	}
	hits, err := x.Search(context.Background(), index.Query{Terms: terms, Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].DocID != "kjp-2023" || hits[0].Passage != 0 || hits[0].Score <= 0 {
		t.Fatalf("Search(size 1) = %+v, want kjp-2023 passage 0 with a positive score", hits)
	}
}

func TestSearchFilters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	build(t, dir, briefingDocs())
	x := open(t, dir)
	tests := []struct {
		name string
		q    index.Query
		text string
		want []string
	}{
		{"none", index.Query{}, "inflation tariffs", []string{"kjp-2023#1", "news-2025#0", "psaki-2021#0"}},
		{"since", index.Query{Since: day("2022-01-01")}, "inflation tariffs", []string{"kjp-2023#1", "news-2025#0"}},
		{"until", index.Query{Until: day("2023-12-31")}, "inflation tariffs", []string{"kjp-2023#1", "psaki-2021#0"}},
		{"since and until", index.Query{Since: day("2023-01-01"), Until: day("2023-12-31")}, "inflation tariffs", []string{"kjp-2023#1"}},
		{"until is inclusive", index.Query{Until: day("2021-06-10")}, "inflation", []string{"psaki-2021#0"}},
		{"source", index.Query{Source: "example.com"}, "inflation tariffs", []string{"news-2025#0"}},
		{"source folds case", index.Query{Source: "WhiteHouse.gov"}, "inflation tariffs", []string{"kjp-2023#1", "psaki-2021#0"}},
		{"speaker", index.Query{Speakers: []string{"psaki"}}, "inflation tariffs", []string{"psaki-2021#0"}},
		{"speaker full label", index.Query{Speakers: []string{"ms. jean-pierre"}}, "inflation tariffs", []string{"kjp-2023#1"}},
		{"speaker Q", index.Query{Speakers: []string{"q"}}, "troops", []string{"psaki-2021#1"}},
		{"any of two speakers", index.Query{Speakers: []string{"psaki", "jean-pierre"}}, "inflation tariffs", []string{"kjp-2023#1", "psaki-2021#0"}},
		{"filters exclude everything", index.Query{Source: "example.com", Speakers: []string{"psaki"}}, "inflation tariffs", nil},
		{"must hold", index.Query{Must: []string{"steel"}}, "inflation tariffs", []string{"news-2025#0"}},
		{"must hold every term", index.Query{Must: []string{"steel", "inflation"}}, "inflation tariffs", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := search(t, x, tt.q, tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("Search(%q, %+v) = %v, want %v", tt.text, tt.q, got, tt.want)
			}
		})
	}
}

// corpusV2 is briefingDocs with one document shortened, one removed and one
// added.
func corpusV2() []corpus.Document {
	docs := briefingDocs()
	docs[0] = newDoc("psaki-2021", "Press Briefing by Press Secretary Jen Psaki", day("2021-06-10"), "whitehouse.gov",
		"MS. PSAKI: Good afternoon. We expect inflation to be temporary.")
	docs = docs[:2] // news-2025 removed
	docs = append(docs, newDoc("fact-2024", "Fact Sheet: Lowering Prescription Drug Costs", day("2024-08-15"), "whitehouse.gov",
		"Medicare negotiated lower insulin prices for seniors."))
	return docs
}

func TestSyncReindexesOnlyChanges(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	build(t, dir, briefingDocs())
	x := open(t, dir)
	st, err := x.Sync(context.Background(), corpusV2(), nil)
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	want := index.Stats{Added: 1, Updated: 1, Removed: 1, Unchanged: 1, Passages: 2}
	if st != want {
		t.Errorf("Sync stats = %+v, want %+v", st, want)
	}
	checkV2(t, x)

	st, err = x.Sync(context.Background(), corpusV2(), nil)
	if err != nil {
		t.Fatalf("second Sync: %v", err)
	}
	if want := (index.Stats{Unchanged: 3}); st != want {
		t.Errorf("second Sync stats = %+v, want %+v", st, want)
	}
}

func TestRefreshReindexesOnlyChanges(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	x, st, err := index.Refresh(ctx, dir, briefingDocs(), nil)
	if err != nil {
		t.Fatalf("Refresh (new index): %v", err)
	}
	if want := (index.Stats{Added: 3, Passages: 6}); st != want {
		t.Errorf("Refresh (new index) stats = %+v, want %+v", st, want)
	}
	x.Close()
	x, st, err = index.Refresh(ctx, dir, corpusV2(), nil)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	defer x.Close()
	if want := (index.Stats{Added: 1, Updated: 1, Removed: 1, Unchanged: 1, Passages: 2}); st != want {
		t.Errorf("Refresh stats = %+v, want %+v", st, want)
	}
	checkV2(t, x)
}

// checkV2 checks that searches see corpusV2 and nothing of what it dropped.
func checkV2(t *testing.T, x *index.Index) {
	t.Helper()
	tests := []struct {
		text string
		want []string
	}{
		{"steel", nil},                            // removed document
		{"troops", nil},                           // passages dropped from the shortened document
		{"transitory", nil},                       // old text of the changed passage
		{"temporary", []string{"psaki-2021#0"}},   // new text
		{"insulin", []string{"fact-2024#0"}},      // added document
		{"semiconductor", []string{"kjp-2023#0"}}, // unchanged document
	}
	for _, tt := range tests {
		if got := search(t, x, index.Query{}, tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("after update, Search(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
	if _, err := x.Document("news-2025"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Document(removed) error = %v, want os.ErrNotExist", err)
	}
	d, err := x.Document("psaki-2021")
	if err != nil || len(d.Passages) != 1 || !strings.Contains(d.Body, "temporary") {
		t.Errorf("Document(changed) = %d passages, body %q, %v; want the new version", len(d.Passages), d.Body, err)
	}
	if n, p, err := x.Count(); err != nil || n != 3 {
		t.Errorf("Count() = %d docs, %d passages, %v; want 3 docs", n, p, err)
	}
}

func TestDocumentRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	want := briefingDocs()
	want[0].Date = time.Date(2021, 6, 10, 13, 45, 0, 0, time.UTC)
	want[0].Tags = []string{"ukraine", "inflation"}
	want[0].Body += "\n\nNon\u00a0breaking space and “quotes” survive."
	want[0].Passages = append(want[0].Passages, corpus.Passage{Start: len(want[0].Body) - 38, End: len(want[0].Body)})
	build(t, dir, want)
	x := open(t, dir)
	for _, w := range want {
		got, err := x.Document(w.ID)
		if err != nil {
			t.Fatalf("Document(%s): %v", w.ID, err)
		}
		if !got.Date.Equal(w.Date) {
			t.Errorf("Document(%s).Date = %v, want %v", w.ID, got.Date, w.Date)
		}
		got.Date = w.Date
		if !reflect.DeepEqual(got, w) {
			t.Errorf("Document(%s) =\n%+v\nwant\n%+v", w.ID, got, w)
		}
	}
	if _, err := x.Document("nope"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Document(unknown) error = %v, want os.ErrNotExist", err)
	}
}

func TestAddedSinceKeepsFirstAdded(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	old := newDoc("a", "Old statement", day("2020-01-01"), "whitehouse.gov", "An old statement about tariffs.")
	build(t, dir, []corpus.Document{old})
	x := open(t, dir)
	all, err := x.AddedSince(time.Time{})
	if err != nil || len(all) != 1 || all[0].ID != "a" || all[0].Added.IsZero() {
		t.Fatalf("AddedSince(zero) = %+v, %v; want document a with an Added time", all, err)
	}
	first := all[0].Added

	time.Sleep(20 * time.Millisecond)
	mark := time.Now()
	time.Sleep(20 * time.Millisecond)
	edited := newDoc("a", "Old statement (corrected)", day("2020-01-01"), "whitehouse.gov", "An old statement about tariffs, corrected.")
	fresh := newDoc("b", "New statement", day("2020-01-02"), "whitehouse.gov", "A new statement about inflation.")
	st, err := x.Sync(context.Background(), []corpus.Document{edited, fresh}, nil)
	if err != nil || st.Updated != 1 || st.Added != 1 {
		t.Fatalf("Sync = %+v, %v; want 1 updated, 1 added", st, err)
	}
	got, err := x.AddedSince(mark)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range got {
		ids = append(ids, e.ID)
	}
	if !slices.Equal(ids, []string{"b"}) {
		t.Errorf("AddedSince(before update) = %v, want [b]: an updated document keeps its first Added time", ids)
	}
	all, err = x.AddedSince(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.ID == "a" {
			if !e.Added.Equal(first) {
				t.Errorf("Added of updated document = %v, want the first one %v", e.Added, first)
			}
			if e.Title != edited.Title || e.Body != edited.Body {
				t.Errorf("AddedSince returned the old version of a: %q", e.Title)
			}
		}
	}
	// A document dated after t counts as new even if indexed earlier.
	got, err = x.AddedSince(day("2020-01-01").Add(12 * time.Hour))
	if err != nil || len(got) != 2 {
		t.Errorf("AddedSince(date between) = %d entries, %v; want 2 (both were indexed after it)", len(got), err)
	}
}

// manyDocs returns n documents of five passages each, all mentioning word.
func manyDocs(n int, word string) []corpus.Document {
	docs := make([]corpus.Document, n)
	for i := range docs {
		docs[i] = newDoc(fmt.Sprintf("doc-%04d", i), "Bulk document", day("2024-01-01"), "whitehouse.gov",
			"First paragraph about "+word+".", "Second paragraph.", "Third paragraph.", "Fourth paragraph.", "Fifth paragraph about "+word+".")
	}
	return docs
}

func TestInterruptedBuildKeepsPreviousIndex(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "idx")
	build(t, dir, briefingDocs())

	// More passages than one batch, so the build is cancelled half way.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batches := 0
	_, err := index.Build(ctx, dir, manyDocs(1000, "zeppelin"), func(p index.Progress) {
		batches++
		if p.Done >= p.Total {
			t.Errorf("progress reached %d/%d before the build was cancelled; make the corpus larger", p.Done, p.Total)
		}
		cancel()
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Build error = %v, want context.Canceled", err)
	}
	if batches != 1 {
		t.Errorf("progress called %d times, want 1", batches)
	}
	func() {
		x, err := index.Open(dir)
		if err != nil {
			t.Fatalf("Open after cancelled build: %v", err)
		}
		defer x.Close()
		if got := search(t, x, index.Query{}, "zeppelin"); got != nil {
			t.Errorf("after cancelled build, Search(new content) = %v, want nothing", got)
		}
		if got := search(t, x, index.Query{}, "semiconductor"); !slices.Equal(got, []string{"kjp-2023#0"}) {
			t.Errorf("after cancelled build, Search(old content) = %v, want [kjp-2023#0]", got)
		}
		if n, _, err := x.Count(); err != nil || n != 3 {
			t.Errorf("after cancelled build, Count() = %d, %v; want 3", n, err)
		}
	}()

	// A build that died without cleaning up (a crash) leaves a temporary
	// directory behind; the next Build removes it.
	if err := os.MkdirAll(filepath.Join(parent, "idx.tmp-123456", "bleve"), 0o755); err != nil {
		t.Fatal(err)
	}
	build(t, dir, manyDocs(3, "zeppelin"))
	if left, _ := filepath.Glob(filepath.Join(parent, "*.tmp-*")); len(left) > 0 {
		t.Errorf("temporary directories left after Build: %v", left)
	}
	x := open(t, dir)
	if got := search(t, x, index.Query{Size: 100}, "zeppelin"); len(got) != 6 {
		t.Errorf("after rebuild, Search(new content) = %v, want 6 passages", got)
	}
	if got := search(t, x, index.Query{}, "semiconductor"); got != nil {
		t.Errorf("after rebuild, Search(old content) = %v, want nothing", got)
	}
}

func TestLocked(t *testing.T) {
	defer func(d time.Duration) { index.LockTimeout = d }(index.LockTimeout)
	index.LockTimeout = 100 * time.Millisecond
	dir := filepath.Join(t.TempDir(), "idx")
	build(t, dir, briefingDocs())
	x, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tests := []struct {
		name string
		run  func() error
	}{
		{"Open", func() error {
			y, err := index.Open(dir)
			if err == nil {
				y.Close()
			}
			return err
		}},
		{"Build", func() error {
			_, err := index.Build(ctx, dir, briefingDocs(), nil)
			return err
		}},
		{"Refresh", func() error {
			y, _, err := index.Refresh(ctx, dir, briefingDocs(), nil)
			if err == nil {
				y.Close()
			}
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			err := tt.run()
			if !errors.Is(err, index.ErrLocked) {
				t.Errorf("%s of an open index: error %v, want ErrLocked", tt.name, err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("%s took %v to fail, want about LockTimeout", tt.name, d)
			}
		})
	}
	// The index in use is untouched.
	if got := search(t, x, index.Query{}, "semiconductor"); !slices.Equal(got, []string{"kjp-2023#0"}) {
		t.Errorf("after lock failures, Search = %v, want [kjp-2023#0]", got)
	}
	x.Close()
	y, err := index.Open(dir)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	y.Close()
}

func TestErrFormat(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	build(t, dir, briefingDocs())
	db, err := bolt.Open(filepath.Join(dir, "docs.db"), 0o644, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("format"), []byte("briefbot-index-0"))
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if x, err := index.Open(dir); !errors.Is(err, index.ErrFormat) {
		if err == nil {
			x.Close()
		}
		t.Fatalf("Open(old format) error = %v, want ErrFormat", err)
	}
	// Refresh rebuilds an index of another format.
	x, st, err := index.Refresh(context.Background(), dir, corpusV2(), nil)
	if err != nil {
		t.Fatalf("Refresh(old format): %v", err)
	}
	defer x.Close()
	if st.Added != 3 || !st.Rebuilt {
		t.Errorf("Refresh(old format) stats = %+v, want a full rebuild (3 added, Rebuilt)", st)
	}
	checkV2(t, x)
}

func TestAnalyze(t *testing.T) {
	x := open(t, filepath.Join(t.TempDir(), "idx"))
	tests := []struct {
		in   string
		want []string
	}{
		{"U.S.", []string{"us"}},
		{"the U.S. and the US", []string{"the", "us", "and", "the", "us"}},
		{"Russia’s", []string{"russia"}},
		{"Russia's", []string{"russia"}},
		{"don’t", []string{"don't"}},
		{"D.C.", []string{"dc"}},
		{"1.5 percent", []string{"1.5", "percent"}},
		{"Who did not", []string{"who", "did", "not"}},
		{"tariffs", []string{"tariff"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tok := range x.Analyze(tt.in) {
			got = append(got, tok.Term)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Analyze(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	toks := x.Analyze("Hello, U.S. world")
	if len(toks) != 3 || toks[1].Start != 7 || toks[1].End != 10 {
		t.Errorf("Analyze spans = %+v, want the second token at [7,10)", toks)
	}
}

func TestHash(t *testing.T) {
	base := briefingDocs()[0]
	h := index.Hash(base)
	if h == "" || index.Hash(base) != h {
		t.Fatalf("Hash is empty or unstable: %q", h)
	}
	clone := base
	clone.Passages = slices.Clone(base.Passages)
	if index.Hash(clone) != h {
		t.Errorf("Hash of an identical copy differs")
	}
	tests := []struct {
		name   string
		change func(d *corpus.Document)
	}{
		{"Body", func(d *corpus.Document) { d.Body += "!" }},
		{"Title", func(d *corpus.Document) { d.Title = "Another title" }},
		{"Date", func(d *corpus.Document) { d.Date = d.Date.AddDate(0, 0, 1) }},
		{"URL", func(d *corpus.Document) { d.URL += "?x" }},
		{"Tags", func(d *corpus.Document) { d.Tags = []string{"other"} }},
		{"Passages dropped", func(d *corpus.Document) { d.Passages = d.Passages[:1] }},
		{"Passage span", func(d *corpus.Document) { d.Passages[0].End-- }},
		{"Passage speaker", func(d *corpus.Document) { d.Passages[0].Speaker = "MR. PRICE" }},
		// Field boundaries count: moving text from title to body changes it.
		{"Title into Body", func(d *corpus.Document) {
			d.Body = d.Title[len(d.Title)-1:] + d.Body
			d.Title = d.Title[:len(d.Title)-1]
		}},
	}
	for _, tt := range tests {
		d := base
		d.Passages = slices.Clone(base.Passages)
		tt.change(&d)
		if index.Hash(d) == h {
			t.Errorf("Hash unchanged after changing %s", tt.name)
		}
	}
}

func TestRawMatch(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	build(t, dir, briefingDocs())
	x := open(t, dir)
	tests := []struct {
		text string
		size int
		want int
	}{
		{"steel", 10, 1},
		{"Will the President send troops?", 10, 4}, // any word matches: OR
		{"Will the President send troops?", 2, 2},  // size caps the hits
		{"Tariffs", 10, 2},                         // the field's analyzer: case and plural folded
		{"talks: -x /.*/", 10, 0},                  // query syntax is plain text here
		{"zeppelin", 10, 0},
	}
	for _, tt := range tests {
		got, err := x.RawMatch(context.Background(), tt.text, tt.size)
		if err != nil || got != tt.want {
			t.Errorf("RawMatch(%q, %d) = %d, %v, want %d", tt.text, tt.size, got, err, tt.want)
		}
	}
}

func TestBuildRefusesNonIndexFolder(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(keep, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := index.Build(context.Background(), dir, nil, nil); err == nil {
		t.Fatal("Build replaced a folder that holds no index")
	}
	if b, err := os.ReadFile(keep); err != nil || string(b) != "precious" {
		t.Fatalf("file in the folder = %q, %v; want it untouched", b, err)
	}
}

func TestCloseTwice(t *testing.T) {
	x, err := index.Open(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
}

// A mistyped --index or DATA_DIR must leave the folder or file it names
// exactly as it was.
func TestRefreshLeavesNonIndexAlone(t *testing.T) {
	docs := []corpus.Document{newDoc("a.md", "Alpha", time.Time{}, "", "The harbor reopened on Tuesday.")}
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes.txt")
	os.WriteFile(notes, []byte("precious"), 0o644)
	file := filepath.Join(t.TempDir(), "afile.txt")
	os.WriteFile(file, []byte("also precious"), 0o644)
	for _, target := range []string{dir, file} {
		if x, _, err := index.Refresh(context.Background(), target, docs, nil); err == nil {
			x.Close()
			t.Fatalf("Refresh(%s) used a path that holds no index", target)
		}
		if _, err := index.Open(target); err == nil {
			t.Fatalf("Open(%s) used a path that holds no index", target)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder now holds %d entries, want only notes.txt", len(entries))
	}
	if b, _ := os.ReadFile(notes); string(b) != "precious" {
		t.Errorf("notes.txt = %q", b)
	}
	if b, _ := os.ReadFile(file); string(b) != "also precious" {
		t.Errorf("afile.txt = %q", b)
	}
}

// A rebuild keeps when each document was first added, so the next digest
// does not announce the whole corpus as new.
func TestBuildKeepsAddedTimes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	docs := []corpus.Document{newDoc("a.md", "Alpha", time.Time{}, "", "The harbor reopened on Tuesday.")}
	if _, err := index.Build(context.Background(), dir, docs, nil); err != nil {
		t.Fatal(err)
	}
	mark := time.Now()
	time.Sleep(10 * time.Millisecond)
	docs = append(docs, newDoc("b.md", "Beta", time.Time{}, "", "The lighthouse counted cranes."))
	if _, err := index.Build(context.Background(), dir, docs, nil); err != nil {
		t.Fatal(err)
	}
	x, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	got, err := x.AddedSince(mark)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "b.md" {
		var ids []string
		for _, e := range got {
			ids = append(ids, e.ID)
		}
		t.Fatalf("AddedSince(before rebuild) = %v, want only the new b.md", ids)
	}
}

// bodyFile returns the path of the index's body store.
func bodyFile(t *testing.T, dir string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "bodies-*.dat"))
	if len(m) != 1 {
		t.Fatalf("body store files in %s = %v, want one", dir, m)
	}
	return m[0]
}

func TestDamagedBodyStore(t *testing.T) {
	tests := []struct {
		name   string
		damage func(path string) error
		want   string // in the error of Document or Open
	}{
		{"flipped byte", func(path string) error {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			b[len(b)-5] ^= 0x20
			return os.WriteFile(path, b, 0o644)
		}, "checksum"},
		{"truncated", func(path string) error { return os.Truncate(path, 10) }, "truncated"},
		{"missing", os.Remove, "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "idx")
			build(t, dir, briefingDocs())
			if err := tt.damage(bodyFile(t, dir)); err != nil {
				t.Fatal(err)
			}
			x, err := index.Open(dir)
			if err == nil {
				defer x.Close()
				var d corpus.Document
				for _, id := range []string{"psaki-2021", "kjp-2023", "news-2025"} {
					if d, err = x.Document(id); err != nil {
						break
					}
				}
				if err == nil {
					t.Fatalf("Document after damage = %q, want an error", d.Body)
				}
			}
			if !errors.Is(err, index.ErrCorrupt) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "bot index --rebuild") {
				t.Errorf("error after damage = %v, want ErrCorrupt saying %q and how to rebuild", err, tt.want)
			}
		})
	}
}

// stream yields docs, then err (when not nil).
func stream(docs []corpus.Document, err error) iter.Seq2[corpus.Document, error] {
	return func(yield func(corpus.Document, error) bool) {
		for _, d := range docs {
			if !yield(d, nil) {
				return
			}
		}
		if err != nil {
			yield(corpus.Document{}, err)
		}
	}
}

func TestBuildFromStopsOnStreamError(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	build(t, dir, briefingDocs())
	errStop := errors.New("the corpus went away")
	// More than a batch of documents reach the index before the error.
	if _, err := index.BuildFrom(context.Background(), dir, stream(manyDocs(1000, "zeppelin"), errStop), nil); !errors.Is(err, errStop) {
		t.Fatalf("BuildFrom(failing stream) error = %v, want the stream's", err)
	}
	x := open(t, dir)
	if got := search(t, x, index.Query{}, "zeppelin"); got != nil {
		t.Errorf("after failed build, Search(new content) = %v, want nothing", got)
	}
	if got := search(t, x, index.Query{}, "semiconductor"); !slices.Equal(got, []string{"kjp-2023#0"}) {
		t.Errorf("after failed build, Search(old content) = %v, want [kjp-2023#0]", got)
	}
}

func TestSyncFromStreamErrorRemovesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	build(t, dir, briefingDocs())
	x := open(t, dir)
	errStop := errors.New("the folder looks empty")
	added := newDoc("fact-2024", "Fact sheet", day("2024-03-01"), "whitehouse.gov", "Insulin costs are capped.")
	st, err := x.SyncFrom(context.Background(), stream([]corpus.Document{added}, errStop), nil)
	if !errors.Is(err, errStop) {
		t.Fatalf("SyncFrom(failing stream) error = %v, want the stream's", err)
	}
	if st.Removed != 0 {
		t.Errorf("SyncFrom(failing stream) removed %d documents, want none", st.Removed)
	}
	if n, _, err := x.Count(); err != nil || n != 3 {
		t.Errorf("after failed sync, Count() = %d, %v; want the 3 documents", n, err)
	}
	// The same stream without the error makes the index hold exactly it.
	st, err = x.SyncFrom(context.Background(), stream([]corpus.Document{added}, nil), nil)
	if want := (index.Stats{Added: 1, Removed: 3, Passages: 1}); err != nil || st != want {
		t.Errorf("SyncFrom = %+v, %v; want %+v", st, err, want)
	}
}

func TestRefreshFromStreamsLikeRefresh(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	var calls []index.Progress
	x, st, err := index.RefreshFrom(ctx, dir, stream(manyDocs(1000, "zeppelin"), nil), func(p index.Progress) { calls = append(calls, p) })
	if err != nil {
		t.Fatalf("RefreshFrom: %v", err)
	}
	if want := (index.Stats{Added: 1000, Passages: 5000}); st != want {
		t.Errorf("RefreshFrom stats = %+v, want %+v", st, want)
	}
	if len(calls) < 2 || calls[len(calls)-1].Done != 1000 || calls[0].Total != 0 {
		t.Errorf("progress = %+v, want several reports ending at 1000 done, total unknown", calls)
	}
	x.Close()
	x, st, err = index.RefreshFrom(ctx, dir, stream(corpusV2(), nil), nil)
	if err != nil {
		t.Fatalf("RefreshFrom: %v", err)
	}
	defer x.Close()
	if st.Added != 3 || st.Removed != 1000 {
		t.Errorf("RefreshFrom stats = %+v, want 3 added, 1000 removed", st)
	}
	checkV2(t, x)
}

// A passage is found by its document's title too, below a passage that
// holds the words itself.
func TestSearchTitle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	build(t, dir, []corpus.Document{
		newDoc("uvalde", "Remarks on the Shooting in Uvalde, Texas", day("2022-05-24"), "whitehouse.gov",
			"As a nation, we have to ask when we are going to stand up to the gun lobby.", "I am sick and tired of it."),
		newDoc("other", "Remarks on Infrastructure", day("2022-05-25"), "whitehouse.gov",
			"Uvalde is on our minds today.", "Roads and bridges."),
	})
	x := open(t, dir)
	got := search(t, x, index.Query{}, "uvalde")
	if len(got) < 3 || got[0] != "other#0" {
		t.Errorf("Search(uvalde) = %v, want other#0 (the word itself) first, then the speech on Uvalde", got)
	}
	if !slices.Contains(got, "uvalde#0") || !slices.Contains(got, "uvalde#1") {
		t.Errorf("Search(uvalde) = %v, want the passages of the speech whose title names Uvalde", got)
	}
}
