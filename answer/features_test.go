package answer

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/corpus"
)

func TestNamesIn(t *testing.T) {
	names := []name{
		{stems: []string{"doctor", "who"}, weight: 1},
		{stems: []string{"tesla"}, weight: 1},
	}
	tests := []struct {
		seq  []string
		want uint64
	}{
		{[]string{"the", "doctor", "who", "seri"}, 1},
		{[]string{"doctor", "of", "theolog", "who"}, 0}, // the words, but not together
		{[]string{"tesla", "and", "doctor", "who"}, 3},
		{nil, 0},
	}
	for _, tt := range tests {
		if got := namesIn(names, tt.seq); got != tt.want {
			t.Errorf("namesIn(%q) = %b, want %b", tt.seq, got, tt.want)
		}
	}
}

func TestPrepareNames(t *testing.T) {
	qs := sample.eng.prepare("What did Jen Psaki say about the Nord Stream pipeline, and NATO?")
	var got [][]string
	for _, n := range qs.names {
		got = append(got, n.stems)
	}
	want := [][]string{{"jen", "psaki"}, {"nord", "stream"}, {"nato"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("names = %q, want %q", got, want)
	}
	if qs.namesTotal <= 0 || qs.namesTotal > qs.total {
		t.Errorf("namesTotal = %v, want in (0, %v]", qs.namesTotal, qs.total)
	}
	if qs := sample.eng.prepare("what did psaki say"); len(qs.names) != 0 {
		t.Errorf("a lower-case question has names %v", qs.names)
	}
}

func TestConfidence(t *testing.T) {
	var f features
	f[fCov], f[fMatch], f[fPhrase], f[fDoc] = 0.8, 0.5, 0.5, 0.9
	c := fitted.confidence(&f)
	if c <= 0 || c >= 1 {
		t.Fatalf("confidence = %v, want in (0, 1)", c)
	}
	// One probability: that the question is about the corpus, times that
	// the sentence answers it.
	if want := fitted.on.p(&f) * fitted.hit.p(&f); c != want {
		t.Errorf("confidence = %v, want on-topic × hit = %v", c, want)
	}
}

func TestParseParams(t *testing.T) {
	if _, err := parseParams(paramsJSON); err != nil {
		t.Fatalf("embedded params.json: %v", err)
	}
	for _, bad := range []string{
		`{"rank": {"no_such_feature": 1}}`,
		`{"type": {"no_such_kind": [1, 0]}}`,
		`{"bands": {"answer": 0.5, "medium": 0.4, "high": 0.9}}`,
		`{"hit": {"bias": 0, "weights": {"nope": 1}}}`,
		`not json`,
	} {
		if _, err := parseParams([]byte(bad)); err == nil {
			t.Errorf("parseParams(%s) = nil error, want one", bad)
		}
	}
}

func TestBandOf(t *testing.T) {
	b := CurrentBands()
	if !(0 < b.Answer && b.Answer <= b.Medium && b.Medium <= b.High && b.High <= 1) {
		t.Fatalf("bands %+v not in order", b)
	}
	for _, b := range []Bands{b, {Answer: 0.2, Medium: 0.4, High: 0.8}, {Answer: 0.2, Medium: 0.2, High: 0.8}, {Answer: 0.19, Medium: 1, High: 1}} {
		tests := []struct {
			p    float64
			want Band
		}{
			{0, BandNone}, {b.Answer - 1e-9, BandNone}, {b.Answer, BandLow}, {b.Medium, BandMedium},
			{b.High - 1e-9, BandMedium}, {b.High, BandHigh}, {1, BandHigh},
		}
		if b.Answer == b.Medium {
			tests[2].want = BandMedium
		}
		// A bound of 1 is never reached, even by a confidence of 1.
		for i := range tests {
			if tests[i].want == BandHigh && b.High == 1 {
				tests[i].want = BandMedium
			}
			if tests[i].want == BandMedium && b.Medium == 1 {
				tests[i].want = BandLow
			}
		}
		for _, tt := range tests {
			if got := b.of(tt.p); got != tt.want {
				t.Errorf("bands %+v: band of %v = %s, want %s", b, tt.p, got, tt.want)
			}
		}
	}
	if BandOf(0.5) != CurrentBands().of(0.5) {
		t.Error("BandOf does not use the fitted bands")
	}
	// An answer's band is its confidence's; a declined one has none.
	if got, want := (Answer{Confidence: 0.99, Quotes: []Quote{{Text: "x"}}}).Band(), BandOf(0.99); got != want || got == BandNone {
		t.Errorf("Band of a confident answer = %s, want %s", got, want)
	}
	if got := (Answer{Confidence: 0.99, NoAnswer: true}).Band(); got != BandNone {
		t.Errorf("Band of a declined answer = %s, want none", got)
	}
}

// Quotes never repeat a sentence: a quote widened over its neighbours
// leaves them out of later quotes.
func TestAskQuotesDoNotOverlap(t *testing.T) {
	for _, text := range []string{
		"Will the US send troops to Ukraine?",
		"What did the senior administration official say about sanctions?",
		"When will Biden speak with Zelenskyy?",
		"Russian troops Ukraine border",
	} {
		a := ask(t, text)
		for i, p := range a.Quotes {
			for _, q := range a.Quotes[i+1:] {
				if p.DocID == q.DocID && p.Start < q.End && q.Start < p.End {
					t.Errorf("Ask(%q): quotes overlap: [%d,%d) and [%d,%d) of %s", text, p.Start, p.End, q.Start, q.End, p.DocID)
				}
			}
		}
	}
}

// The bridge lets a question's word meet the word an answer uses instead.
func TestBridge(t *testing.T) {
	for _, pair := range [][2]string{{"ban", "prohibit"}, {"job", "employ"}, {"cut", "reduc"}} {
		found := false
		for _, r := range fittedBridge[pair[0]] {
			found = found || r.Stem == pair[1]
		}
		if !found {
			t.Errorf("the bridge does not relate %q to %q: %v", pair[0], pair[1], fittedBridge[pair[0]])
		}
	}
	// The round trip through the file format keeps it.
	var b strings.Builder
	if err := fittedBridge.Write(&b); err != nil {
		t.Fatal(err)
	}
	back, err := ReadBridge(strings.NewReader(b.String()))
	if err != nil || len(back) != len(fittedBridge) {
		t.Fatalf("ReadBridge(Write(bridge)) = %d words, %v; want %d", len(back), err, len(fittedBridge))
	}
	if _, err := ReadBridge(strings.NewReader("send\tdeploy:2\n")); err == nil {
		t.Error("ReadBridge accepted a strength above 1")
	}
}

// TestNewestFirst: "the latest" puts the confident, topical answers first,
// newest day first.
func TestNewestFirst(t *testing.T) {
	day := func(d int) *corpus.Document {
		return &corpus.Document{ID: fmt.Sprint(d), Date: time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC)}
	}
	mk := func(name string, d int, cov, conf float64) *candidate {
		c := &candidate{doc: day(d), confidence: conf}
		c.f[fCov] = cov
		c.content = map[string]bool{name: true}
		return c
	}
	names := func(cs []*candidate) []string {
		var out []string
		for _, c := range cs {
			for n := range c.content {
				out = append(out, n)
			}
		}
		return out
	}

	m := fitted.bands.Answer
	cs := []*candidate{mk("old", 1, 1, m+0.1), mk("unsure new", 9, 1, m-0.01), mk("new", 5, 0.5, m), mk("off-topic new", 8, 0.1, 0.99)}
	newestFirst(cs, m, questionTerms{})
	if got, want := names(cs), []string{"new", "old", "unsure new", "off-topic new"}; !slices.Equal(got, want) {
		t.Errorf("newestFirst: %v, want %v", got, want)
	}
	// One answer alone comes first too.
	cs = []*candidate{mk("unsure", 9, 1, m-0.01), mk("sure", 1, 1, m+0.1)}
	newestFirst(cs, m, questionTerms{})
	if got, want := names(cs), []string{"sure", "unsure"}; !slices.Equal(got, want) {
		t.Errorf("newestFirst with one answer: %v, want %v", got, want)
	}

	// A document about the whole topic by its title is the latest word on
	// it when it is the newest, however unsure the confidence ("What's
	// the latest on Iran?").
	titled := mk("titled unsure", 7, 1, m-0.05)
	titled.f[fTitleHas] = 1
	cs = []*candidate{mk("sure", 1, 1, m+0.1), mk("untitled unsure", 9, 1, m-0.01), titled}
	newestFirst(cs, m, questionTerms{})
	if got, want := names(cs), []string{"titled unsure", "sure", "untitled unsure"}; !slices.Equal(got, want) {
		t.Errorf("newestFirst with a document about the topic by its title: %v, want %v", got, want)
	}

	// A third party quoted in a release is not the latest word.
	clip := mk("clip", 9, 1, m+0.2)
	clip.f[fThird] = 1
	cs = []*candidate{mk("sure", 1, 1, m+0.1), clip}
	newestFirst(cs, m, questionTerms{})
	if got, want := names(cs), []string{"sure", "clip"}; !slices.Equal(got, want) {
		t.Errorf("newestFirst with a third party's words: %v, want %v", got, want)
	}

	// Asked who, the answers name someone.
	said := func(name string, d int, text string) *candidate {
		c := mk(name, d, 1, m+0.1)
		c.doc.Body = text
		c.sents = []span{{Start: 0, End: len(text)}}
		return c
	}
	cs = []*candidate{
		said("unnamed", 9, "The press secretary will brief at noon."),
		said("older", 3, "Press Secretary Jen Psaki briefed reporters."),
		said("newer", 5, "Press Secretary Karoline Leavitt briefed reporters."),
		said("deputy", 7, "Deputy Press Secretary Harrison Fields briefed reporters."),
	}
	who := questionTerms{kind: kindPerson, all: map[string]bool{"who": true, "is": true, "the": true, "press": true, "secretary": true}}
	newestFirst(cs, m, who)
	if got, want := names(cs), []string{"newer", "older", "unnamed", "deputy"}; !slices.Equal(got, want) {
		t.Errorf("newestFirst asked who: %v, want %v", got, want)
	}
	// The office's words stand together: "HHS Secretary Robert F.
	// Kennedy Jr. … at a press conference" does not name the press
	// secretary.
	together := said("together", 3, "Press Secretary Karine Jean-Pierre briefed reporters.")
	together.f[fPhrase] = 1
	cs = []*candidate{together, said("apart", 9, "HHS Secretary Robert Kennedy held a press conference.")}
	who.pairs = [][2]string{{"press", "secretari"}}
	newestFirst(cs, m, who)
	if got, want := names(cs), []string{"together", "apart"}; !slices.Equal(got, want) {
		t.Errorf("newestFirst asked who, the office's words apart: %v, want %v", got, want)
	}
	// A name of several words stands together in the passage: "World
	// Organization for Animal Health" is not the World Health
	// Organization; one word of a name ("Paris") needs nothing more.
	whole := mk("whole", 3, 1, m+0.1)
	whole.names = 1
	cs = []*candidate{mk("scattered", 9, 1, m+0.1), whole}
	who = questionTerms{names: []name{{stems: []string{"world", "health", "organ"}}, {stems: []string{"pari"}}}}
	newestFirst(cs, m, who)
	if got, want := names(cs), []string{"whole", "scattered"}; !slices.Equal(got, want) {
		t.Errorf("newestFirst with a name of several words: %v, want %v", got, want)
	}
}

// TestThirdParty: in a release that gathers reactions, a line quoting
// someone outside the administration is marked as a third party's, unless
// the question names them; the release's own sentences are not.
func TestThirdParty(t *testing.T) {
	day := time.Date(2023, 5, 2, 0, 0, 0, 0, time.UTC)
	eng := kindEngine(t, whDoc(t, "briefing-room/statements-releases", "praise-for-the-drug-price-plan", "Praise for the Drug Price Plan", day,
		"The President's plan lowers prescription drug prices for seniors by capping insulin at 35 dollars a month.\n\n"+
			"Senator Jane Roe: “This plan to lower prescription drug prices is a win for every senior in my state.”"))
	thirdOf := func(question string) map[string]float64 {
		t.Helper()
		_, cands, err := eng.Candidates(context.Background(), Question{Text: question})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := eng.idx.Document(cands[0].DocID)
		if err != nil {
			t.Fatal(err)
		}
		out := make(map[string]float64)
		for _, c := range cands {
			out[doc.Body[c.Start:c.End]] = c.Features[fThird]
			if l := c.Features[fLength]; l <= 0 || l > 1 {
				t.Errorf("length %v of %q, want in (0, 1]", l, doc.Body[c.Start:c.End])
			}
		}
		return out
	}
	got := thirdOf("What is the plan on prescription drug prices?")
	if len(got) != 2 {
		t.Fatalf("candidates %v, want both sentences", got)
	}
	for s, third := range got {
		if want := strings.HasPrefix(s, "Senator"); (third == 1) != want {
			t.Errorf("third = %v for %q, want %v", third, s, want)
		}
	}
	for s, third := range thirdOf("What did Jane Roe say about prescription drug prices?") {
		if third != 0 {
			t.Errorf("third = %v for %q when the question names her", third, s)
		}
	}
}

// Asked how many, a sentence with a number goes before one without,
// however well the other matches; a number in a sentence off the topic,
// or not confident enough to answer with, does not.
func TestNumbersFirst(t *testing.T) {
	m := fitted.bands.Answer
	mk := func(name string, cov, yes, conf float64) *candidate {
		c := &candidate{content: map[string]bool{name: true}, confidence: conf}
		c.f[fCov], c.f[fTypeYes] = cov, yes
		return c
	}
	cs := []*candidate{mk("words", 1, 0, m+0.2), mk("off-topic number", 0.2, 1, m), mk("number", 0.6, 1, m),
		mk("unsure number", 1, 1, m-0.01), mk("some number", 0.5, 0.5, m+0.1)}
	numbersFirst(cs, m)
	var got []string
	for _, c := range cs {
		for n := range c.content {
			got = append(got, n)
		}
	}
	if want := []string{"number", "some number", "words", "off-topic number", "unsure number"}; !slices.Equal(got, want) {
		t.Errorf("numbersFirst: %v, want %v", got, want)
	}
}
