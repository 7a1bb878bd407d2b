package answer

import (
	"reflect"
	"testing"
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
	m := f
	m[fNamesMissing] = 1
	if got := fitted.confidence(&m); got >= c {
		t.Errorf("confidence with the question's names missing = %v, want below %v", got, c)
	}
	g := f
	g[fCov] = 0.2
	if l := fitted.confidence(&g); l >= c {
		t.Errorf("confidence with less of the question matched = %v, want below %v", l, c)
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
