package answer

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// digestEngine indexes the sample corpus plus extra documents in a fresh
// on-disk index and returns an engine over it, with every document by ID.
func digestEngine(t *testing.T, extra ...corpus.Document) (*Engine, map[string]corpus.Document) {
	t.Helper()
	docs, problems, err := corpus.LoadFS(corpus.Sample(), ".")
	if err != nil || len(problems) > 0 {
		t.Fatalf("load sample: %v %v", err, problems)
	}
	docs = append(docs, extra...)
	idx, _, err := index.Refresh(context.Background(), filepath.Join(t.TempDir(), "index"), docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	byID := make(map[string]corpus.Document)
	for _, d := range docs {
		byID[d.ID] = d
	}
	return New(idx), byID
}

// briefing parses a Markdown document with front matter.
func briefing(t *testing.T, id, title, date, url, body string) corpus.Document {
	t.Helper()
	text := fmt.Sprintf("---\ntitle: %q\ndate: '%s'\nsource_url: %s\ntags: news\n---\n\n%s\n", title, date, url, body)
	d, err := corpus.Parse(id, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const grainStory = `The Department of Agriculture announced on Tuesday that it will release 4 million tons of emergency grain reserves to stabilise bread prices across the Midwest.

"We are acting now so that families do not pay more at the checkout this winter," Agriculture Secretary Tom Vilsack said at a press conference in Des Moines.

The release, the largest since 2012, will be split between regional mills and food banks over the next three months, according to department officials.

Farm groups welcomed the decision but warned that drought conditions in Kansas and Nebraska could push wheat prices higher again by spring.`

var seedIDs = []string{
	"000_d5ea5fd7c7a49589.txt", "001_9113edbd277c3798.txt", "002_5746d6ddd9dd780a.txt",
	"003_dfa55f3eea3551b4.txt", "004_81ded0c439161584.txt",
}

var dec1 = time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC)

func TestDigestSeeds(t *testing.T) {
	e, docs := digestEngine(t)
	dg, err := e.Digest(context.Background(), dec1, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if dg.More != 0 {
		t.Errorf("More = %d, want 0", dg.More)
	}
	for _, s := range dg.Stories {
		if len(s.Sentences) < 2 || len(s.Sentences) > 3 {
			t.Errorf("story %q has %d sentences, want 2-3", s.Title, len(s.Sentences))
		}
		for _, q := range s.Sentences {
			d := docs[q.DocID]
			if q.Title != s.Title || q.Title != d.Title {
				t.Errorf("quote of %s has title %q, story %q", q.DocID, q.Title, s.Title)
			}
			checkDigestQuote(t, d, q)
		}
	}
	// Every seed is shown exactly once: as a story, or listed under one.
	shown := shownTitles(dg)
	for _, id := range seedIDs {
		if n := shown[docs[id].Title]; n != 1 {
			t.Errorf("seed %s is shown %d times, want once", id, n)
		}
	}
	// The transcript is quoted with its speaker.
	for _, s := range dg.Stories {
		if s.Kind == "press-briefings" && s.Sentences[0].Speaker != "SENIOR ADMINISTRATION OFFICIAL" {
			t.Errorf("briefing quote speaker = %q, want SENIOR ADMINISTRATION OFFICIAL", s.Sentences[0].Speaker)
		}
	}
}

// checkDigestQuote fails unless q is a verbatim sentence of d, not a
// reporter's question and not boilerplate.
func checkDigestQuote(t *testing.T, d corpus.Document, q Quote) {
	t.Helper()
	if q.End > len(d.Body) || q.Start >= q.End || d.Body[q.Start:q.End] != q.Text {
		t.Errorf("quote %q of %s is not Body[%d:%d]", q.Text, d.ID, q.Start, q.End)
		return
	}
	for _, p := range d.Passages {
		if p.Start <= q.Start && q.End <= p.End && p.IsQuestion() {
			t.Errorf("quote %q is a reporter's question", q.Text)
		}
	}
	n := len([]rune(q.Text))
	if n < 40 || len(q.Text) > 400 {
		t.Errorf("quote %q has %d characters, want 40-400", q.Text, n)
	}
	for _, b := range []string{"Thanks all.", "Good morning, everyone.", "Thank you.", "11:56 A.M. EST", "END", "###", "Via Teleconference"} {
		if strings.Contains(q.Text, b) {
			t.Errorf("quote %q contains boilerplate %q", q.Text, b)
		}
	}
}

func TestBoilerplate(t *testing.T) {
	long := strings.Repeat("The committee will review the budget proposal in detail. ", 8)
	tests := []struct {
		in   string
		want bool
	}{
		{"Thanks all.", true},
		{"Good morning, everyone.", true},
		{"Thank you.", true},
		{"11:56 A.M. EST", true},
		{"12:42 P.M. EST", true},
		{"END", true},
		{"###", true},
		{"Via Teleconference", true},
		{"THE PRESIDENT AND THE FIRST LADY AT THE WHITE HOUSE TODAY", true},
		{"And thank you all for joining us on this call today, we really appreciate it.", true},
		{"With that, I will turn it over to my colleague for a few opening remarks on this.", true},
		{"Here is what the President said in his remarks this morning:", true},
		{"This is [senior administration official].", true},
		{long, true},
		{"As you all know, President Biden and President Putin will hold a secure video call tomorrow.", false},
		{"Thanks to the new law, 2 million households will see lower heating bills this winter.", false},
	}
	for _, tt := range tests {
		if got := boilerplate(tt.in); got != tt.want {
			t.Errorf("boilerplate(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestDigestMergesCopies(t *testing.T) {
	first := briefing(t, "grain/ap.md", "USDA releases emergency grain reserves to curb bread prices", "2022-01-05", "https://apnews.com/grain-reserves", grainStory)
	dup := briefing(t, "grain/reuters.md", "USDA to release emergency grain reserves", "2022-01-06", "https://www.reuters.com/grain", grainStory)
	e, docs := digestEngine(t, dup, first)
	dg, err := e.Digest(context.Background(), time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var grain []Story
	for _, s := range dg.Stories {
		if strings.Contains(s.Title, "grain") {
			grain = append(grain, s)
		}
	}
	if len(grain) != 1 {
		t.Fatalf("%d grain stories, want 1 merged: %+v", len(grain), grain)
	}
	s := grain[0]
	if s.URL != first.URL || s.Source != "apnews.com" {
		t.Errorf("merged story is %s (%s), want the earliest, %s", s.URL, s.Source, first.URL)
	}
	want := []Link{{Title: dup.Title, URL: dup.URL, Source: "reuters.com", Date: dup.Date}}
	if !reflect.DeepEqual(s.Also, want) {
		t.Errorf("Also = %+v, want %+v", s.Also, want)
	}
	if len(s.Sentences) < 2 {
		t.Fatalf("merged story has %d sentences", len(s.Sentences))
	}
	for _, q := range s.Sentences {
		checkDigestQuote(t, docs[q.DocID], q)
		if q.DocID != first.ID {
			t.Errorf("merged story quotes %s, want %s", q.DocID, first.ID)
		}
	}
	// The named, quoted speaker and the concrete number make the cut.
	var text string
	for _, q := range s.Sentences {
		text += q.Text
	}
	if !strings.Contains(text, "4 million tons") {
		t.Errorf("grain story sentences %q miss the lead's number", text)
	}
}

func TestDigestGroupsRelated(t *testing.T) {
	e, _ := digestEngine(t)
	dg, err := e.Digest(context.Background(), dec1, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	// Related lists coverage of the same event that is not a story of its
	// own: no story is shown twice.
	for title, n := range shownTitles(dg) {
		if n > 1 {
			t.Errorf("%q is shown %d times", title, n)
		}
	}
	// The news report of the background call and the call's transcript
	// are one subject, shown as one story: the transcript, with the
	// reports under it.
	var grouped bool
	for _, s := range dg.Stories {
		if strings.HasPrefix(s.Title, "Background Press Call") && len(s.Related) > 0 {
			grouped = true
		}
	}
	if !grouped {
		t.Errorf("the background call transcript is not grouped with its news reports")
	}
}

// shownTitles counts how often each document is shown in dg: as a story,
// in Also or in Related.
func shownTitles(dg Digest) map[string]int {
	n := make(map[string]int)
	for _, s := range dg.Stories {
		n[s.Title]++
		for _, l := range append(s.Also, s.Related...) {
			n[l.Title]++
		}
	}
	return n
}

func TestDigestCap(t *testing.T) {
	grain := briefing(t, "grain/ap.md", "USDA releases emergency grain reserves to curb bread prices", "2022-01-05", "https://apnews.com/grain-reserves", grainStory)
	e, _ := digestEngine(t, grain)
	all, err := e.Digest(context.Background(), dec1, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	dg, err := e.DigestN(context.Background(), dec1, time.Time{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Stories) < 2 || len(dg.Stories) != 1 || dg.More != len(all.Stories)-1 || dg.CutForSize != 0 {
		t.Errorf("DigestN(max 1) = %d stories, %d more (%d for size); want 1 and %d more of %d", len(dg.Stories), dg.More, dg.CutForSize, len(all.Stories)-1, len(all.Stories))
	}
}

func TestFitBytes(t *testing.T) {
	sentence := Quote{Text: strings.Repeat("x", 390)}
	stories := func(n int) []Story {
		var out []Story
		for range n {
			out = append(out, Story{Title: "t", Sentences: []Quote{sentence, sentence, sentence}})
		}
		return out
	}
	size := func(ss []Story) (n int) {
		for _, s := range ss {
			n += storyBytes(s)
		}
		return n
	}
	if got := fit(stories(2), MaxDigestStories); len(got) != 2 || len(got[0].Sentences) != 3 || len(got[1].Sentences) != 3 {
		t.Errorf("fit shortened a short digest")
	}
	// Too long with three sentences each, short enough with two: the
	// oldest stories lose their third sentence, none is left out.
	got := fit(stories(12), MaxDigestStories)
	if len(got) != 12 || size(got) > maxDigestBytes || len(got[0].Sentences) != 3 || len(got[11].Sentences) != 2 {
		t.Errorf("fit(12 long stories) kept %d stories, %d bytes", len(got), size(got))
	}
	// Too long even with two: stories are left out.
	got = fit(stories(30), MaxDigestStories)
	if len(got) == 0 || len(got) >= MaxDigestStories || size(got) > maxDigestBytes {
		t.Errorf("fit(30 long stories) kept %d stories, %d bytes (limit %d)", len(got), size(got), maxDigestBytes)
	}
	for _, s := range got {
		if len(s.Sentences) != 2 {
			t.Errorf("a story kept %d sentences in a digest over the limit, want 2", len(s.Sentences))
		}
	}
}

func TestDigestWindow(t *testing.T) {
	feb1 := briefing(t, "feb/01.md", "USDA releases emergency grain reserves to curb bread prices", "2022-02-01", "https://apnews.com/grain", grainStory)
	feb10 := briefing(t, "feb/10.md", "Navy names new destroyer after Medal of Honor recipient",
		"2022-02-10", "https://www.navy.mil/destroyer", `The Navy on Thursday named its newest Arleigh Burke-class destroyer after a Korean War Medal of Honor recipient, Secretary Carlos Del Toro announced at a ceremony in Norfolk.

"His courage under fire defined a generation of sailors, and this ship will carry his name for decades," Del Toro said.

The ship, the 82nd of its class, is scheduled to be commissioned in 2027 and will be homeported in San Diego.`)
	e, docs := digestEngine(t, feb1, feb10)
	built := time.Now()
	day := func(d int) time.Time { return time.Date(2022, 2, d, 0, 0, 0, 0, time.UTC) }
	titles := func(dg Digest) []string {
		var out []string
		for _, s := range dg.Stories {
			out = append(out, s.Title)
		}
		return out
	}
	tests := []struct {
		name         string
		since, until time.Time
		want         []string
	}{
		{"dated in the window", day(5), day(15), []string{feb10.Title}},
		{"until is inclusive", day(5), day(10), []string{feb10.Title}},
		{"since is exclusive", day(10), day(15), nil},
		{"both, newest first", day(1).Add(-time.Nanosecond), day(28), []string{feb10.Title, feb1.Title}},
		{"nothing added or dated since the build", built, time.Time{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dg, err := e.Digest(context.Background(), tt.since, tt.until)
			if err != nil {
				t.Fatal(err)
			}
			if got := titles(dg); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Digest(%v, %v) = %q, want %q", tt.since, tt.until, got, tt.want)
			}
			if !dg.Since.Equal(tt.since) || !dg.Until.Equal(tt.until) {
				t.Errorf("Digest period = %v..%v, want %v..%v", dg.Since, dg.Until, tt.since, tt.until)
			}
		})
	}
	// Added with the build, and so new when until is after it: the
	// documents dated in the period and the undated ones, not the seeds
	// dated before it (an archive loaded today is not today's news).
	dg, err := e.Digest(context.Background(), day(1), built.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	shown := shownTitles(dg)
	for _, d := range []corpus.Document{feb1, feb10} {
		if shown[d.Title] != 1 {
			t.Errorf("Digest since Feb 1 until after the build shows %q %d times, want once", d.Title, shown[d.Title])
		}
	}
	for _, id := range seedIDs {
		d := docs[id]
		if want := b2i(d.Date.IsZero()); shown[d.Title] != want {
			t.Errorf("seed %s (dated %v) shown %d times, want %d", id, d.Date, shown[d.Title], want)
		}
	}
}

func TestDigestDeterministic(t *testing.T) {
	e, _ := digestEngine(t)
	until := time.Now().Add(time.Hour)
	first, err := e.Digest(context.Background(), dec1, until)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		again, err := e.Digest(context.Background(), dec1, until)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(first, again) {
			for i := range first.Stories {
				if i < len(again.Stories) && !reflect.DeepEqual(first.Stories[i], again.Stories[i]) {
					t.Fatalf("story %d differs between runs:\n%+v\n%+v", i, first.Stories[i], again.Stories[i])
				}
			}
			t.Fatalf("Digest differs between runs: %d and %d stories", len(first.Stories), len(again.Stories))
		}
	}
}

func TestDigestCanceled(t *testing.T) {
	e, _ := digestEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Digest(ctx, dec1, time.Time{}); err == nil {
		t.Error("Digest with a canceled context succeeded")
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
