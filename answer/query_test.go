package answer

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestUnderstand(t *testing.T) {
	y := func(n int) (time.Time, time.Time) {
		return time.Date(n, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(n, 12, 31, 23, 59, 59, 999999999, time.UTC)
	}
	since23, until23 := y(2023)
	since25, until25 := y(2025)
	tests := []struct {
		q            string
		topic        []string // the topic's content terms
		speakers     []string // the speaker filter; nil: anyone
		since, until time.Time
		recent       recency
		kind         answerKind
	}{
		{q: "What did Kirby say about Haiti?", topic: []string{"haiti"}, speakers: []string{"kirby"}},
		{q: "what did kirby say about haiti", topic: []string{"haiti"}, speakers: []string{"kirby"}},
		{q: "What did KJP say about the debt ceiling?", topic: []string{"debt", "ceiling"}, speakers: []string{"jean-pierre"}},
		{q: "Kirby on Haiti", topic: []string{"haiti"}, speakers: []string{"kirby"}},
		{q: "What did Karine Jean-Pierre say about the debt ceiling?", topic: []string{"debt", "ceiling"}, speakers: []string{"jean-pierre"}},
		{q: "What has Psaki said about vaccine mandates?", topic: []string{"vaccine", "mandate"}, speakers: []string{"psaki"}},
		// The office of the day: Biden in 2023, Trump in 2025.
		{q: "What did the President say about the debt in 2023?", topic: []string{"debt"}, speakers: []string{"Joe Biden"}, since: since23, until: until23},
		// January 2025 was Biden's.
		{q: "What did the President say about faith in 2025?", topic: []string{"faith"}, speakers: []string{"Joe Biden", "Donald Trump"}, since: since25, until: until25},
		{q: "What did the President say about faith in March 2025?", topic: []string{"faith"}, speakers: []string{"Donald Trump"},
			since: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), until: time.Date(2025, 3, 31, 23, 59, 59, 999999999, time.UTC)},
		{q: "What did the press secretary say about tariffs?", topic: []string{"tariff"}, speakers: []string{"Jen Psaki", "Karine Jean-Pierre", "Karoline Leavitt"}},
		// A span of a presidency is a period, and its words stay topic.
		{q: "How many jobs were added in Biden's first year?", topic: []string{"many", "job", "added", "biden", "first", "year"}, kind: kindNumber,
			since: time.Date(2021, 1, 20, 0, 0, 0, 0, time.UTC), until: time.Date(2022, 3, 21, 0, 0, 0, 0, time.UTC)},
		// The possessive goes with the name: "'s" is not the topic.
		{q: "What's Trump's position on birthright citizenship?", topic: []string{"birthright", "citizenship"}, speakers: []string{"trump"}, recent: recencySoft},
		{q: "What is Kirby’s view on Haiti?", topic: []string{"haiti"}, speakers: []string{"kirby"}, recent: recencySoft},
		// Names that are the subject, not the speaker.
		{q: "Did Biden pardon Hunter?", topic: []string{"biden", "pardon", "hunter"}, recent: recencyNone, kind: kindYesNo},
		{q: "Is Biden running for reelection?", topic: []string{"biden", "running", "reelection"}, recent: recencySoft, kind: kindYesNo},
		{q: "When will Biden speak with Zelenskyy?", topic: []string{"biden", "speak", "zelenskyy"}, kind: kindTime},
		// What someone thinks or wants, their spokespeople say too.
		{q: "Does Biden want a $15 minimum wage?", topic: []string{"biden", "want", "15", "minimum", "wage"}, recent: recencySoft, kind: kindYesNo},
		{q: "Does the President think the strikes were enough?", topic: []string{"president", "strike", "enough"}, kind: kindYesNo},
		// Frame words are not the topic.
		{q: "What is the White House position on the filibuster?", topic: []string{"filibuster"}, recent: recencySoft},
		{q: "How did the administration react to the strike?", topic: []string{"strike"}},
		// Recency.
		{q: "latest statement on Haiti", topic: []string{"haiti"}, recent: recencyStrong},
		{q: "Who is the press secretary?", topic: []string{"press", "secretary"}, recent: recencyStrong, kind: kindPerson},
		{q: "who's the current WH press secretary?", topic: []string{"press", "secretary"}, recent: recencyStrong, kind: kindPerson},
		{q: "What is the unemployment rate?", topic: []string{"unemployment", "rate"}, recent: recencyStrong},
		{q: "What was the unemployment rate?", topic: []string{"unemployment", "rate"}, recent: recencyNone},
		{q: "What happened to Maduro in January 2026?", topic: []string{"maduro"}, since: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), until: time.Date(2026, 1, 31, 23, 59, 59, 999999999, time.UTC)},
		// A number question's "money" is answered in figures.
		{q: "How much climate money is in the Inflation Reduction Act?", topic: []string{"much", "climate", "inflation", "reduction", "act"}, kind: kindNumber},
		// Shorthand spelt out.
		{q: "Did Trump sign EOs on tariffs?", topic: []string{"trump", "sign", "executive", "order", "tariff"}, kind: kindYesNo},
		{q: "What did SCOTUS rule on tariffs?", topic: []string{"supreme", "court", "rule", "tariff"}},
		{q: "What is the most recent update on tariffs?", topic: []string{"tariff"}, recent: recencyStrong},
		// An administration speaks in its releases, not its president
		// alone, and in its term.
		{q: "What's the Trump administration's position on tariffs?", topic: []string{"trump", "tariff"}, recent: recencySoft,
			since: time.Date(2025, 1, 20, 0, 0, 0, 0, time.UTC), until: time.Date(2026, 11, 30, 23, 59, 59, 999999999, time.UTC)},
		{q: "What did the Biden administration say about tariffs?", topic: []string{"biden", "tariff"},
			since: time.Date(2021, 1, 20, 0, 0, 0, 0, time.UTC), until: time.Date(2025, 1, 20, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)},
		// Typed filters win.
		{q: "What did Kirby say about Haiti? speaker:psaki", topic: []string{"haiti"}, speakers: []string{"psaki"}},
		{q: "inflation in 2023 since:2021-01-01 until:2021-12-31", topic: []string{"inflation"}, since: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), until: time.Date(2021, 12, 31, 23, 59, 59, 999999999, time.UTC)},
	}
	for _, tt := range tests {
		q, err := ParseQuestion(tt.q)
		if err != nil {
			t.Fatal(err)
		}
		qu := briefings.eng.understand(q)
		topic := briefings.eng.ContentTerms(qu.topic)
		if !slices.Equal(topic, tt.topic) {
			t.Errorf("understand(%q) topic = %q (%q), want %q", tt.q, topic, qu.topic, tt.topic)
		}
		if !slices.Equal(qu.speakers, tt.speakers) {
			t.Errorf("understand(%q) speakers = %q, want %q", tt.q, qu.speakers, tt.speakers)
		}
		if !qu.period.since.Equal(tt.since) || !qu.period.until.Equal(tt.until) {
			t.Errorf("understand(%q) period = [%v, %v], want [%v, %v]", tt.q, qu.period.since, qu.period.until, tt.since, tt.until)
		}
		if qu.recent != tt.recent {
			t.Errorf("understand(%q) recency = %v, want %v", tt.q, qu.recent, tt.recent)
		}
		if qu.kind != tt.kind {
			t.Errorf("understand(%q) kind = %v, want %v", tt.q, qu.kind, tt.kind)
		}
	}
}

// speaker:biden finds "THE PRESIDENT:" in Biden's term, and not in
// Trump's.
func TestSpeakerFilterFindsThePresident(t *testing.T) {
	q, _ := ParseQuestion("default debt speaker:biden")
	a, err := briefings.eng.Ask(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Quotes) == 0 {
		t.Fatalf("speaker:biden found nothing; want THE PRESIDENT's turns of 2023")
	}
	for _, qt := range append(a.Quotes, a.Related...) {
		if a.Outside {
			break
		}
		if qt.Speaker != "Joe Biden" {
			t.Errorf("speaker:biden quotes %q (%s)", qt.Speaker, qt.DocID)
		}
	}
	q, _ = ParseQuestion("faith prayer speaker:trump")
	a, _ = briefings.eng.Ask(t.Context(), q)
	for _, qt := range a.Quotes {
		if !a.Outside && qt.Speaker != "Donald Trump" {
			t.Errorf("speaker:trump quotes %q (%s)", qt.Speaker, qt.DocID)
		}
	}
}

func TestFollowUp(t *testing.T) {
	y2023 := period{since: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), until: time.Date(2023, 12, 31, 23, 59, 59, 999999999, time.UTC)}
	mar2023 := period{since: time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC), until: time.Date(2023, 3, 31, 23, 59, 59, 999999999, time.UTC)}
	tests := []struct {
		prev, text string
		want       Question // Text compared by content terms
		period     period   // the period the follow-up is read with
		typed      bool     // as since: and until:, not read from the words
	}{
		{prev: "What did Kirby say about Haiti?", text: "what about Psaki?", want: Question{Text: "haiti", Speaker: "Psaki"}},
		{prev: "What did Kirby say about Haiti?", text: "and in 2023?", want: Question{Text: "haiti", Speaker: "Kirby"}, period: y2023},
		{prev: "What did Kirby say about Haiti?", text: "What about Kenya?", want: Question{Text: "kenya", Speaker: "Kirby"}},
		{prev: "What did Kirby say about Haiti?", text: "anything newer?", want: Question{Text: "haiti", Speaker: "Kirby", Latest: true}},
		{prev: "What did Kirby say about Haiti?", text: "why?", want: Question{Text: "haiti", Speaker: "Kirby"}},
		// The year stays a year of the question: the next year's
		// sentences that name it may answer.
		{prev: "How many jobs were added in 2022?", text: "and 2023?", want: Question{Text: "many job added"}, period: y2023},
		// "what about" is not a new question word: "How much" stays.
		{prev: "How much did wages grow in 2022?", text: "what about March 2023?", want: Question{Text: "much wage grow"}, period: mar2023},
		// The period of the question carries over.
		{prev: "What did Kirby say about Haiti in 2023?", text: "what about Psaki?", want: Question{Text: "haiti", Speaker: "Psaki"}, period: y2023},
		// Typed filters stay typed.
		{prev: "Haiti since:2023-01-01 until:2023-12-31", text: "what about Kenya?", want: Question{Text: "kenya"}, period: y2023, typed: true},
		{prev: "What did Kirby say about Haiti?", text: "since:2023-03-01 until:2023-03-31", want: Question{Text: "haiti", Speaker: "Kirby"}, period: mar2023, typed: true},
	}
	for _, tt := range tests {
		prev, _ := ParseQuestion(tt.prev)
		got, err := briefings.eng.FollowUp(prev, tt.text)
		if err != nil {
			t.Fatal(err)
		}
		u := briefings.eng.understand(got)
		gt := strings.Join(briefings.eng.ContentTerms(u.topic), " ")
		if gt != tt.want.Text || got.Speaker != tt.want.Speaker || got.Latest != tt.want.Latest {
			t.Errorf("FollowUp(%q, %q) = %+v (topic %q), want %+v", tt.prev, tt.text, got, gt, tt.want)
		}
		if !u.period.since.Equal(tt.period.since) || !u.period.until.Equal(tt.period.until) || u.periodInferred == tt.typed && !tt.period.zero() {
			t.Errorf("FollowUp(%q, %q) = %+v, read as period %v to %v (from the words: %v), want %v to %v (typed: %v)",
				tt.prev, tt.text, got, u.period.since, u.period.until, u.periodInferred, tt.period.since, tt.period.until, tt.typed)
		}
	}
	// A follow-up's follow-up keeps the thread.
	prev, _ := ParseQuestion("What did Kirby say about Haiti?")
	q1, _ := briefings.eng.FollowUp(prev, "and in 2023?")
	q2, _ := briefings.eng.FollowUp(q1, "what about Psaki?")
	u := briefings.eng.understand(q2)
	if q2.Speaker != "Psaki" || u.period.since.Year() != 2023 || strings.Join(briefings.eng.ContentTerms(u.topic), " ") != "haiti" {
		t.Errorf("second follow-up = %+v, want Haiti from Psaki in 2023", q2)
	}
}

func TestLooksLikeQuestion(t *testing.T) {
	for _, s := range []string{"what about Kirby?", "and in 2023", "why?", "anything newer?", "Tell me more", "speaker:psaki", "Is that still the policy"} {
		if !LooksLikeQuestion(s) {
			t.Errorf("LooksLikeQuestion(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"thanks", "Thanks!", "thank you so much", "ok", "👍", ":+1:", "lol", "great", "", "nice one", "I disagree with that"} {
		if LooksLikeQuestion(s) {
			t.Errorf("LooksLikeQuestion(%q) = true, want false", s)
		}
	}
}

// TestWidenedRestoresFuturePeriod: a month read as a period that starts
// after the newest document goes back into the topic when the filters
// are dropped; a period the corpus covers does not.
func TestWidenedRestoresFuturePeriod(t *testing.T) {
	newest := time.Date(2021, 12, 29, 0, 0, 0, 0, time.UTC)
	qu := query{topic: "What meetings with Russia are scheduled ?", periodInferred: true,
		period: period{since: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), until: time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), said: "for January"}}
	if w := qu.widened(newest); !strings.Contains(w.topic, "January") || !w.period.zero() {
		t.Errorf("widened topic %q, period %+v; want January back in the topic and no period", w.topic, w.period)
	}
	qu.period.since, qu.period.until = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 1, 31, 0, 0, 0, 0, time.UTC)
	if w := qu.widened(newest); strings.Contains(w.topic, "January") {
		t.Errorf("widened topic %q: a period the corpus covers stays out of the topic", w.topic)
	}
}

// A name right after the word that opens a question is a person, not the
// end of a longer name ("Does Biden", "Did Trump"); a speech verb far
// after it does not make them the speaker.
func TestSubjectAfterOpening(t *testing.T) {
	tests := []struct {
		q                  string
		subjects, speakers []string
	}{
		{"Does Biden support an assault weapons ban?", []string{"Joe Biden"}, nil},
		{"Did Trump declare a national energy emergency?", []string{"Donald Trump"}, nil},
		{"Did Biden say anything about Haiti?", nil, []string{"biden"}},
		{"Is Biden calling for regime change after saying Putin cannot remain in power?", []string{"Joe Biden"}, nil},
		{"What has Trump been saying about tariffs?", nil, []string{"trump"}},
		// Names typed in lower case: a president's in any question,
		// another known speaker's in one typed in lower case.
		{"did biden sign the debt ceiling deal?", []string{"Joe Biden"}, nil},
		{"Did biden sign the debt ceiling deal?", []string{"Joe Biden"}, nil},
		{"did trump use the Defense Production Act?", []string{"Donald Trump"}, nil},
		{"what did kirby say about haiti", nil, []string{"kirby"}},
		{"how many weeks did the talks take?", nil, nil},
		// What two talked about with each other: a readout says it.
		{"What did Biden and Putin talk about on their call?", []string{"Joe Biden"}, nil},
		// Letters whose lower case is longer do not move the office.
		{strings.Repeat("İ", 40) + " what did the press secretary say about tariffs?", nil, []string{"Jen Psaki", "Karine Jean-Pierre", "Karoline Leavitt"}},
	}
	for _, tt := range tests {
		q, err := ParseQuestion(tt.q)
		if err != nil {
			t.Fatal(err)
		}
		qu := briefings.eng.understand(q)
		if !slices.Equal(qu.subjects, tt.subjects) || !slices.Equal(qu.speakers, tt.speakers) {
			t.Errorf("understand(%q): subjects %q, speakers %q; want %q, %q", tt.q, qu.subjects, qu.speakers, tt.subjects, tt.speakers)
		}
	}
}

// predicate finds what a question asks was done, not its nouns, frame or
// stance.
func TestPredicate(t *testing.T) {
	tests := []struct {
		q    string
		want []string
	}{
		{"When did Biden sign the bipartisan infrastructure bill?", []string{"sign"}},
		{"Did Trump pardon the January 6 defendants?", []string{"pardon"}},
		{"How did the Supreme Court rule on birthright citizenship?", []string{"rule"}},
		{"How many drugs were picked for the first round of Medicare price negotiation?", []string{"pick"}},
		{"Who won the 2018 World Cup?", []string{"won"}},
		{"Does Biden support an assault weapons ban?", nil},
		{"What did Vance say about a US-India trade deal?", nil},
		{"Who is Trump's pick for attorney general?", nil},
		{"What's the latest on the debt ceiling?", nil},
	}
	for _, tt := range tests {
		if got := briefings.eng.predicate(tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("predicate(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

// A year the topic holds singles out an event as a name does: the 2010
// Stanley Cup, not the 2023 one.
func TestYearIsAName(t *testing.T) {
	tests := []struct {
		q    string
		want [][]string // the names' stems
	}{
		{"Who won the 2010 Stanley Cup?", [][]string{{"stanley", "cup"}, {"2010"}}},
		{"Who won the 1992 presidential election?", [][]string{{"1992"}}},
		{"How many jobs were added last year?", nil},
		{"How many troops are 2,500 miles away?", nil},
	}
	for _, tt := range tests {
		qs := briefings.eng.prepare(tt.q)
		var got [][]string
		for _, n := range qs.names {
			got = append(got, n.stems)
		}
		if !slices.EqualFunc(got, tt.want, slices.Equal) {
			t.Errorf("prepare(%q) names = %q, want %q", tt.q, got, tt.want)
		}
	}
}
