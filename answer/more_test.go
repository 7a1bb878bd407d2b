package answer

import (
	"errors"
	"slices"
	"testing"
)

func TestMore(t *testing.T) {
	q, _ := ParseQuestion("What did KJP say about the debt ceiling?")
	a, err := briefings.eng.Ask(t.Context(), q)
	if err != nil || len(a.Quotes) == 0 {
		t.Fatalf("Ask = %d quotes, %v", len(a.Quotes), err)
	}
	var shown []Span
	for _, qt := range a.Quotes {
		shown = append(shown, SpanOf(qt))
	}
	overlaps := func(s Span) bool {
		for _, o := range shown {
			if o.DocID == s.DocID && s.Start < o.End && o.Start < s.End {
				return true
			}
		}
		return false
	}
	rounds := 0
	for {
		m, err := briefings.eng.More(t.Context(), q, shown)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Quotes) == 0 {
			if !m.NoAnswer {
				t.Error("More without quotes: NoAnswer not set")
			}
			break
		}
		rounds++
		if len(m.Quotes) > 3 || m.Confidence <= 0 || m.Understood.Speaker != "KJP" {
			t.Errorf("More = %d quotes, confidence %.3f, read as %+v", len(m.Quotes), m.Confidence, m.Understood)
		}
		for _, qt := range m.Quotes {
			s := SpanOf(qt)
			if overlaps(s) {
				t.Errorf("More quoted %v again", s)
			}
			d, err := briefings.idx.Document(qt.DocID)
			if err != nil || d.Body[qt.Start:qt.End] != qt.Text {
				t.Errorf("More quote %v is not verbatim", s)
			}
			if qt.Speaker != "Karine Jean-Pierre" {
				t.Errorf("More quote by %q, want Karine Jean-Pierre", qt.Speaker)
			}
			shown = append(shown, s)
		}
		if rounds > 10 {
			t.Fatal("More never runs out")
		}
	}
	if rounds == 0 {
		t.Error("More found nothing beyond the first answer")
	}

	if _, err := briefings.eng.More(t.Context(), Question{Text: "Who said that?"}, nil); !errors.Is(err, ErrEmptyQuestion) {
		t.Errorf("More(stop words) = %v, want ErrEmptyQuestion", err)
	}
}

func TestSpeakers(t *testing.T) {
	all := briefings.eng.Speakers("", 100)
	if len(all) < 5 || all[0] != "Jen Psaki" {
		t.Errorf("Speakers(\"\") = %q, want the most frequent, Jen Psaki, first", all)
	}
	tests := []struct {
		prefix string
		n      int
		want   []string
	}{
		{"ki", 5, []string{"John Kirby"}},
		{"KAR", 5, []string{"Karine Jean-Pierre", "Karoline Leavitt"}},
		{"jean", 5, []string{"Karine Jean-Pierre"}},
		{"", 2, all[:2]},
		{"zz", 5, nil},
		{"j", 0, nil},
	}
	for _, tt := range tests {
		if got := briefings.eng.Speakers(tt.prefix, tt.n); !slices.Equal(got, tt.want) {
			t.Errorf("Speakers(%q, %d) = %q, want %q", tt.prefix, tt.n, got, tt.want)
		}
	}
}

func TestChatter(t *testing.T) {
	for _, s := range []string{"", "thanks", "Thank you!", "ok", "👍", ":+1:", "lol", "?!", "cool"} {
		if !Chatter(s) {
			t.Errorf("Chatter(%q) = false, want true", s)
		}
	}
	// Not chatter, though not all look like questions: a direct message
	// of keywords is still a question for the bot.
	for _, s := range []string{"troops ukraine", "why?", "and in 2023", "I disagree with that", "2023"} {
		if Chatter(s) {
			t.Errorf("Chatter(%q) = true, want false", s)
		}
	}
}

func TestUnderstandingSummary(t *testing.T) {
	tests := []struct{ question, want string }{
		{"What did Kirby say about Haiti in 2023?", "“Haiti” from Kirby in 2023"},
		{"latest statement on Haiti", "“Haiti” newest first"},
		{"Will the US send troops to Ukraine?", "“US send troops Ukraine”"},
	}
	for _, tt := range tests {
		q, _ := ParseQuestion(tt.question)
		a, err := briefings.eng.Ask(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Understood.Summary(); got != tt.want {
			t.Errorf("Summary of %q = %q, want %q", tt.question, got, tt.want)
		}
	}
}
