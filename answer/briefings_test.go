package answer

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// briefingQuestions are questions people type, over testdata/briefings,
// with what must hold of the answer whatever the fitted weights: the
// golden file records the rest.
var briefingQuestions = []struct {
	name, question string
	check          func(a Answer) string // "" when the answer is as it must be
}{
	{"kirby-haiti", "What did Kirby say about Haiti?", speakerIs("John Kirby")},
	{"kjp-debt", "What did KJP say about the debt ceiling?", speakerIs("Karine Jean-Pierre")},
	{"psaki-mandates", "What did Psaki say about vaccine mandates in August 2021?", all(speakerIs("Jen Psaki"), within(2021, 8))},
	{"troops", "Will the US send troops to Ukraine?", nil},
	{"president-2023", "What did the President say about default in 2023?", all(speakerIs("Joe Biden"), within(2023, 0))},
	{"president-faith", "What did the President say about faith?", nil},
	{"trump-faith", "What did Trump say about prayer?", speakerIs("Donald Trump")},
	{"vp-2025", "What did the Vice President say at the Starlight Ball?", nil},
	{"haiti-latest", "latest statement on Haiti", firstDated("2024-06-25")}, // the newest document about Haiti by its title
	{"press-secretary", "Who is the press secretary?", nil},
	{"filibuster", "What is the White House position on the debt limit?", nil},
	{"leavitt", "What has Leavitt said about tariffs?", nil},
	{"kirby-2030", "What did Kirby say about Haiti in 2030?", outsideNoted()},
	{"offtopic-everest", "How tall is Mount Everest?", declined()},
	{"offtopic-recipe", "What is the recipe for banana bread?", declined()},
}

func speakerIs(name string) func(Answer) string {
	return func(a Answer) string {
		if len(a.Quotes) == 0 {
			return "no quotes"
		}
		if a.Outside {
			return ""
		}
		for _, q := range a.Quotes {
			if q.Speaker != name {
				return fmt.Sprintf("a quote by %q, want %q", q.Speaker, name)
			}
		}
		return ""
	}
}

func within(year int, month time.Month) func(Answer) string {
	return func(a Answer) string {
		for _, q := range a.Quotes {
			if a.Outside {
				break
			}
			if q.Date.Year() != year || month != 0 && q.Date.Month() != month {
				return fmt.Sprintf("a quote of %s, outside the period", q.Date.Format("2006-01-02"))
			}
		}
		return ""
	}
}

func firstDated(day string) func(Answer) string {
	return func(a Answer) string {
		if len(a.Quotes) == 0 {
			return "no quotes"
		}
		if got := a.Quotes[0].Date.Format("2006-01-02"); got != day {
			return fmt.Sprintf("the first quote is of %s, want %s", got, day)
		}
		return ""
	}
}

func outsideNoted() func(Answer) string {
	return func(a Answer) string {
		if !strings.HasPrefix(a.Note, "Nothing from Kirby") {
			return fmt.Sprintf("note %q, want one saying nothing from Kirby in 2030", a.Note)
		}
		if len(a.Quotes) > 0 && !a.Outside {
			return "quotes not labelled as outside the period"
		}
		return ""
	}
}

func declined() func(Answer) string {
	return func(a Answer) string {
		if !a.NoAnswer {
			return fmt.Sprintf("answered with confidence %.2f: %q", a.Confidence, a.Quotes[0].Text)
		}
		return ""
	}
}

func all(fs ...func(Answer) string) func(Answer) string {
	return func(a Answer) string {
		for _, f := range fs {
			if s := f(a); s != "" {
				return s
			}
		}
		return ""
	}
}

// TestBriefingsGolden asks realistic questions of the Briefing Room
// sample: every quote is verbatim and a statement (never a question, a
// heading or boilerplate), speakers and periods are kept, and the full
// replies are golden files (go test ./answer -run BriefingsGolden -update).
func TestBriefingsGolden(t *testing.T) {
	for _, tt := range briefingQuestions {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseQuestion(tt.question)
			if err != nil {
				t.Fatal(err)
			}
			a, err := briefings.eng.Ask(t.Context(), q)
			if err != nil {
				t.Fatalf("Ask(%q): %v", tt.question, err)
			}
			for _, qt := range append(append([]Quote(nil), a.Quotes...), a.Related...) {
				d, err := briefings.idx.Document(qt.DocID)
				if err != nil || d.Body[qt.Start:qt.End] != qt.Text {
					t.Errorf("Ask(%q) quote %q is not verbatim in %s", tt.question, qt.Text, qt.DocID)
				}
				if first := sentences(qt.Text); len(first) > 0 {
					s := qt.Text[first[0].Start:first[0].End]
					if !quotable(s) && !quotable(qt.Text[first[len(first)-1].Start:first[len(first)-1].End]) {
						t.Errorf("Ask(%q) quotes %q, which is not a statement that answers", tt.question, qt.Text)
					}
				}
			}
			if tt.check != nil {
				if msg := tt.check(a); msg != "" {
					t.Errorf("Ask(%q): %s", tt.question, msg)
				}
			}
			var b strings.Builder
			u := a.Understood
			fmt.Fprintf(&b, "Q %s\nread as: topic %q, speaker %q %q, period %q, latest %v\n", tt.question, u.Topic, u.Speaker, u.Speakers, u.Period, u.Latest)
			if a.Note != "" {
				fmt.Fprintf(&b, "note %s (outside %v)\n", a.Note, a.Outside)
			}
			fmt.Fprintf(&b, "band %s\n", a.Band())
			for _, qt := range a.Quotes {
				fmt.Fprintf(&b, "quote %s | %s | %s\n  %s\n", qt.Date.Format("2006-01-02"), qt.Speaker, qt.DocID, qt.Text)
			}
			for _, qt := range a.Related {
				fmt.Fprintf(&b, "related %s | %s | %s\n  %s\n", qt.Date.Format("2006-01-02"), qt.Speaker, qt.DocID, qt.Text)
			}
			path := filepath.Join("testdata", "briefings-golden", tt.name+".golden")
			if *update {
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./answer -run BriefingsGolden -update)", err)
			}
			if b.String() != string(want) {
				t.Errorf("Ask(%q) changed (go test ./answer -run BriefingsGolden -update to accept):\ngot:\n%s\nwant:\n%s", tt.question, b.String(), want)
			}
		})
	}
}

// TestSpeakerOwnWords: when the speaker a question names said the topic's
// words, their words are quoted however unsure the confidence, rather
// than someone else's or nothing; a topic they never spoke of still gets
// the plain "nothing from" note.
func TestSpeakerOwnWords(t *testing.T) {
	eng := New(briefings.idx)
	p := EmbeddedParams()
	p.Bands = Bands{Answer: 0.999, Medium: 0.9995, High: 0.9999} // nothing is confident enough
	if err := eng.SetParams(p); err != nil {
		t.Fatal(err)
	}
	ask := func(text string) Answer {
		q, err := ParseQuestion(text)
		if err != nil {
			t.Fatal(err)
		}
		a, err := eng.Ask(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := ask("What did Kirby say about Haiti?")
	if a.NoAnswer || a.Outside || len(a.Quotes) == 0 || a.Note != "" {
		t.Fatalf("Kirby on Haiti: no answer %v, outside %v, note %q, %d quotes; want Kirby's words", a.NoAnswer, a.Outside, a.Note, len(a.Quotes))
	}
	if q := a.Quotes[0]; q.Speaker != "John Kirby" || !strings.Contains(strings.ToLower(q.Text), "haiti") {
		t.Errorf("first quote %q by %q, want Kirby on Haiti", q.Text, q.Speaker)
	}
	if a.Band() != BandLow {
		t.Errorf("band %q, want %q for an answer below the answering bound", a.Band(), BandLow)
	}
	a = ask("What did Kirby say about the Super Bowl?")
	if !a.NoAnswer || !strings.HasPrefix(a.Note, "Nothing from Kirby") {
		t.Errorf("Kirby on the Super Bowl: no answer %v, note %q; want the nothing-from note", a.NoAnswer, a.Note)
	}
}

// TestNamedThing: "What is the Laken Riley Act?" is answered by a sentence
// that names the act whole, however unsure the confidence; a named thing
// the documents never name is still declined.
func TestNamedThing(t *testing.T) {
	for _, c := range []struct {
		q     string
		named bool
	}{
		{"What is the Golden Dome?", true},
		{"What was Operation Midnight Hammer?", true},
		{"what's the Board of Peace for Gaza?", true},
		{"What is GOLD EAGLE?", true},
		{"What is the capital of Australia?", false},
		{"Who is the Secretary of State?", false},
		{"What is the White House position on the debt limit?", false},
	} {
		if got := reNamedThing.MatchString(c.q); got != c.named {
			t.Errorf("reNamedThing(%q) = %v, want %v", c.q, got, c.named)
		}
	}
	eng := New(briefings.idx)
	p := EmbeddedParams()
	p.Bands = Bands{Answer: 0.999, Medium: 0.9995, High: 0.9999}
	if err := eng.SetParams(p); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q, want string // want: "" for a decline
	}{
		{"What is the Laken Riley Act?", "Laken Riley Act"},
		{"What is the Eiffel Tower?", ""},
	} {
		q, err := ParseQuestion(c.q)
		if err != nil {
			t.Fatal(err)
		}
		a, err := eng.Ask(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case c.want == "" && !a.NoAnswer:
			t.Errorf("%q answered with %q, want a decline", c.q, a.Quotes[0].Text)
		case c.want != "" && (a.NoAnswer || !strings.Contains(a.Quotes[0].Text, c.want)):
			t.Errorf("%q: no answer %v, %d quotes; want a quote naming %q", c.q, a.NoAnswer, len(a.Quotes), c.want)
		}
	}
}

// TestWorkersAgree: reading and scoring a question's passages on several
// goroutines gives the same answers, in the same order, as on one.
func TestWorkersAgree(t *testing.T) {
	one, many := New(briefings.idx), New(briefings.idx)
	one.workers, many.workers = 1, maxWorkers
	for _, tt := range briefingQuestions {
		q, err := ParseQuestion(tt.question)
		if err != nil {
			t.Fatal(err)
		}
		a1, err1 := one.Ask(t.Context(), q)
		a2, err2 := many.Ask(t.Context(), q)
		if err1 != nil || err2 != nil {
			t.Fatalf("Ask(%q): %v, %v", tt.question, err1, err2)
		}
		a1.Took, a2.Took = 0, 0
		if !reflect.DeepEqual(a1, a2) {
			t.Errorf("Ask(%q) with %d workers:\n%+v\nwith 1:\n%+v", tt.question, maxWorkers, a2, a1)
		}
	}
}
