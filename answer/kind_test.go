package answer

import (
	"fmt"
	"testing"
	"time"
	"unicode"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

func TestClassify(t *testing.T) {
	for q, want := range map[string]answerKind{
		"How many jobs were added in Biden's first year?":         kindNumber,
		"When did Biden sign the bipartisan infrastructure bill?": kindTime,
		"Who is the press secretary?":                             kindPerson,
		"Where did Biden go to see the Kentucky tornado damage?":  kindPlace,
		"Where does Biden stand on codifying Roe?":                kindOther, // a position, not a place
		"Where does the marijuana review stand?":                  kindOther,
		"Does Biden support an assault weapons ban?":              kindYesNo,
		"Did Biden pardon Hunter?":                                kindYesNo,
		"What did Kirby say about Haiti?":                         kindOther,
	} {
		if got := classify(q); got != want {
			t.Errorf("classify(%q) = %s, want %s", q, kindNames[got], kindNames[want])
		}
	}
}

// The words of a cited order's title are not what the citing sentence
// says.
func TestCitations(t *testing.T) {
	text := "Covered Products shall not be subject to tariffs imposed by Executive Order 14194 of February 1, 2025 (Imposing Duties to Address the Situation at Our Southern Border), as amended, or Proclamation 10896 (Adjusting Imports of Steel)."
	var got []string
	for _, sp := range citations(text) {
		got = append(got, text[sp[0]:sp[1]])
	}
	want := []string{"Imposing Duties to Address the Situation at Our Southern Border", "Adjusting Imports of Steel"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("citations = %q, want %q", got, want)
	}
	if got := citations("The President met the Governor (D-Md.) on Monday."); got != nil {
		t.Errorf("citations of a sentence citing no order = %v", got)
	}
}

// A law or programme named with a word of the question is not what the
// question is about, unless the question names it.
func TestOtherLaws(t *testing.T) {
	text := "The Inflation Reduction Act capped insulin at $35, and the American Rescue Plan cut child poverty; inflation fell."
	for _, c := range []struct {
		question string
		want     []string
	}{
		{"What's the latest inflation rate?", []string{"Inflation Reduction Act"}},
		{"How much did the Inflation Reduction Act cap insulin at?", nil},
		{"What did the rescue plan do for child poverty?", nil}, // "rescue plan": two of three words
		{"Did the American Rescue Plan cut child poverty?", nil},
		{"What is the price of insulin?", nil},
	} {
		qs := sample.eng.prepare(c.question)
		var got []string
		for _, sp := range sample.eng.otherLaws(text, qs) {
			got = append(got, text[sp[0]:sp[1]])
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("otherLaws for %q = %q, want %q", c.question, got, c.want)
		}
	}
}

func TestNumberNear(t *testing.T) {
	qs := questionTerms{kind: kindNumber, all: map[string]bool{"how": true, "many": true, "jobs": true, "were": true, "added": true}}
	qs.counted = map[string]bool{index.Stem("jobs"): true}
	for s, want := range map[string][2]float64{
		"In 2021, the economy created 6.7 million jobs, the most on record.": {1, 0},
		"Jobs rose by 272,000 in May.":                                       {1, 0},
		"The plant adds 15 new manufacturing jobs.":                          {1, 0}, // within four words
		"The 15 governors met to talk about jobs.":                           {0.5, 0.5},
		"About 40 percent of the plan went to roads; the rest created jobs.": {0.5, 0.5}, // a number, not of jobs
		"In 2021, jobs came back.":                                           {0.5, 0.5}, // a year is a number, not a count of jobs
		"Jobs came back.":                                                    {0, 1},
	} {
		yes, no := answerType(qs, s)
		if yes != want[0] || no != want[1] {
			t.Errorf("answerType(%q) = %v, %v; want %v, %v", s, yes, no, want[0], want[1])
		}
	}
}

func TestPersonName(t *testing.T) {
	qs := questionTerms{kind: kindPerson, all: map[string]bool{"who": true, "is": true, "the": true, "secretary": true, "of": true, "state": true}}
	for s, want := range map[string][2]float64{
		"Secretary of State Marco Rubio met the minister.":                         {1, 0},
		"Marco Rubio, the Secretary of State, met the minister.":                   {1, 0}, // a name opening the sentence
		"The Memorandum directs the Secretary of State to act.":                    {0.5, 0.5},
		"The Executive Order directs the Department of Homeland Security to act.":  {0.5, 0.5}, // offices, no one named
		"Under the new Order, Congress must act.":                                  {0.5, 0.5},
		"The secretary will travel next week.":                                     {0, 1},
		"I want to thank the White House AI and crypto czar, David Sacks.":         {1, 0},
		"Today, President Biden announced his intent to nominate Leon E. Panetta.": {1, 0},
		// Another office of the same title answers another question.
		"Richard Roe, of Oklahoma, to be an Assistant Secretary of State.":                    {0, 1},
		"Deputy Secretary of State Jane Roe met the minister.":                                {0, 1},
		"Secretary of State Marco Rubio and Assistant Secretary of State Jane Roe met today.": {1, 0},
		"Deputy Director Jane Doe and Assistant Secretary of State Richard Roe met today.":    {0, 1},
		// Lowering "İ" makes the text longer: the match is read where it is.
		"İİİİ Richard Roe, of Oklahoma, to be an Assistant Secretary of State.": {0, 1},
	} {
		yes, no := answerType(qs, s)
		if yes != want[0] || no != want[1] {
			t.Errorf("answerType(%q) = %v, %v; want %v, %v", s, yes, no, want[0], want[1])
		}
	}
}

// TestWideSearch: when the closest passages give too few quotable
// sentences (a fact-check's "MYTH:" lines, shorter and so closer than any
// statement), the search goes on and finds the statement that answers.
func TestWideSearch(t *testing.T) {
	day := time.Date(2025, 7, 4, 0, 0, 0, 0, time.UTC)
	var docs []corpus.Document
	for i := range 30 {
		docs = append(docs, whDoc(t, "articles", fmt.Sprintf("mythbuster-%d", i), fmt.Sprintf("Mythbuster %d", i), day,
			"MYTH: The President never signed the Golden Widget Act.\n\nMYTH: The Golden Widget Act was never signed.\n"))
	}
	docs = append(docs, whDoc(t, "statements-releases", "widget-law", "Statement from the President", day,
		"Surrounded by families who had waited years for relief, and after thanking the Members of Congress who wrote it, the President signed the Golden Widget Act into law on July 4, 2025, at a ceremony at the White House."))
	eng := kindEngine(t, docs...)
	q, err := ParseQuestion("When was the Golden Widget Act signed?")
	if err != nil {
		t.Fatal(err)
	}
	_, cands, err := eng.Candidates(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(cands) == 0 || cands[0].DocID != docs[len(docs)-1].ID {
		t.Fatalf("candidates = %+v, want the statement first", cands)
	}
}

// A sentence with none of the topic's words ("He can't hear us.", next to
// sentences about hurricanes, in a document titled with them) comes after
// every sentence that has some, whatever its score.
func TestOwnTopicFirst(t *testing.T) {
	d := &corpus.Document{ID: "d"}
	near := &candidate{doc: d, score: 9}
	near.f[fAdj], near.f[fTitle] = 0.5, 0.5
	own := &candidate{doc: d, i: 1, score: 7}
	own.f[fCov] = 0.3
	related := &candidate{doc: d, i: 2, score: 6}
	related.f[fBridge] = 0.2
	if !before(own, near) || before(near, own) || !before(related, near) {
		t.Errorf("a sentence without the topic ranks above one with it")
	}
	if !before(own, related) || !before(near, &candidate{doc: d, i: 3, score: 8}) {
		t.Errorf("between sentences alike in topic, the score does not decide")
	}
}

// sentenceWords are a sentence's words as score gives them to
// slotConflicts.
func sentenceWords(s string) []word {
	var words []word
	for _, tok := range sample.eng.idx.Analyze(s) {
		words = append(words, word{tok.Term, unicode.IsUpper(firstRune(s[tok.Start:]))})
	}
	return words
}

// TestSlots: "troops to Ukraine" is not met by troops sent elsewhere.
func TestSlots(t *testing.T) {
	qs := sample.eng.prepare("Will the US send troops to Ukraine?")
	want := []slot{{pre: "send", head: "troop", prep: "to", fill: "ukrain"}}
	if fmt.Sprint(qs.slots) != fmt.Sprint(want) {
		t.Fatalf("slots = %+v, want %+v", qs.slots, want)
	}
	for s, want := range map[string][]string{
		"The United States is willing to send troops to NATO allies if Russia invades Ukraine.": {"troop", "ukrain", "send"},
		"Troops to NATO allies; nothing about Ukraine.":                                         {"troop", "ukrain"}, // not sent
		"He would not send troops to Ukraine.":                                                  nil,
		"We sent aid and troops to Poland, Romania and Ukraine.":                                nil, // a few words on
		"Troops arrived in Ukraine.":                                                            nil, // another preposition: nothing said
		"We will not send troops to the region.":                                                nil, // "the region" may be Ukraine
		"We will send troops to Poland.":                                                        {"troop", "ukrain", "send"},
		"We will send troops to Ukrainian units.":                                               nil, // the place's other word
	} {
		if got := slotConflicts(qs.slots, sentenceWords(s), qs.alias); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("slotConflicts(%q) = %q, want %q", s, got, want)
		}
	}
	if got := sample.eng.prepare("What did Biden say about tariffs on Canada?").slots; len(got) != 1 || got[0].head != "tariff" || got[0].fill != "canada" {
		t.Errorf("tariffs on Canada: slots %+v", got)
	}
	// A name written with accents in the sentence and without them in the
	// question is the same name.
	gospic := sample.eng.prepare("When did the unit move to Gospic?").slots
	words := sentenceWords("The unit moved to Gospić in 1991.")
	if len(gospic) != 1 || slotConflicts(gospic, words, nil) != nil {
		t.Errorf("move to Gospic vs Gospić: slots %+v, conflicts %q", gospic, slotConflicts(gospic, words, nil))
	}
	// A fill in capitals is met by a name's initials, "the United
	// States" by "the U.S."; another name still conflicts.
	for q, sentences := range map[string]map[string]bool{
		"When did WJZ-TV in NYC begin broadcasting?": {
			"WJZ-TV in New York City began broadcasting on August 10, 1948.": false,
			"WJZ-TV in Baltimore began broadcasting in 1948.":                true,
		},
		"Who was the broadcaster for Super Bowl 50 in the United States?": {
			"CBS broadcast Super Bowl 50 in the U.S. as part of an eight-year agreement.": false,
			"Super Bowl 50 in Santa Clara was the first played there.":                    true,
		},
	} {
		slots := sample.eng.prepare(q).slots
		if len(slots) == 0 {
			t.Errorf("%q: no slots", q)
			continue
		}
		for s, conflict := range sentences {
			if got := slotConflicts(slots, sentenceWords(s), nil) != nil; got != conflict {
				t.Errorf("%q against %q: conflict %v, want %v (slots %+v)", q, s, got, conflict, slots)
			}
		}
	}
	if got := sample.eng.prepare("How many people live in the city?").slots; len(got) != 0 {
		t.Errorf("live in the city: slots %+v, want none (not a name)", got)
	}
}

// TestCountry: the question's "US" is the country, which a sentence may
// call the United States or American, and not the pronoun "us".
func TestCountry(t *testing.T) {
	idx := jsonlIndex(t, []string{
		`{"id":"pron","title":"Remarks","date":"2022-01-05","text":"Let us talk about the pipeline sanctions today."}`,
		`{"id":"name","title":"Remarks","date":"2022-01-05","text":"The United States imposed pipeline sanctions today."}`,
		`{"id":"adj","title":"Remarks","date":"2022-01-05","text":"American pipeline sanctions took effect today."}`,
		`{"id":"abbr","title":"Remarks","date":"2022-01-05","text":"U.S. pipeline sanctions took effect today."}`,
	})
	eng := New(idx)
	for q, want := range map[string]map[string]bool{
		"Did the US impose pipeline sanctions?":      {"pron": false, "name": true, "adj": true, "abbr": true},
		"Did US pipeline sanctions take effect?":     {"pron": false, "name": true, "adj": true, "abbr": true},
		"Did they tell us about pipeline sanctions?": {"pron": false, "name": false, "adj": false, "abbr": false}, // the pronoun asks nothing of the country
	} {
		_, cands, err := eng.Candidates(t.Context(), Question{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		us := eng.prepare(q).terms["us"]
		for _, c := range cands {
			w, ok := want[c.DocID]
			if !ok {
				continue
			}
			delete(want, c.DocID)
			qs := eng.prepare(q)
			covered := c.Features[fCov]*qs.total >= qs.terms["pipelin"]+qs.terms["sanction"]+us-1e-9 && us > 0
			if covered != w {
				t.Errorf("%q: %s's sentence covers the US: %v, want %v (cov %.3f)", q, c.DocID, covered, w, c.Features[fCov])
			}
		}
		if len(want) > 0 {
			t.Errorf("%q: no candidate from %v", q, want)
		}
	}
}

// TestYesNoAnswer: a yes/no question is answered by a sentence that says
// no, or yes in so many words; "without" says no too.
func TestYesNoAnswer(t *testing.T) {
	qs := questionTerms{kind: kindYesNo}
	for s, want := range map[string]float64{
		"He would not order the deployment of American troops to Ukraine.":         1,
		"Even without the prospect of sending in U.S. troops, officials insisted.": 1,
		"There is no intention of sending troops.":                                 1,
		"The United States is willing to send troops to NATO allies.":              0,
		"The withdrawal of troops from Afghanistan ended on August 30.":            0, // "with…" is not "without"
	} {
		if yes, _ := answerType(qs, s); yes != want {
			t.Errorf("answerType(%q) = %v, want %v", s, yes, want)
		}
	}
}

// TestThingNotPerson: capitalised words that end in an institution word
// name a thing.
func TestThingNotPerson(t *testing.T) {
	qs := questionTerms{kind: kindPerson, all: map[string]bool{"who": true, "is": true, "trump's": true, "ai": true, "and": true, "crypto": true, "czar": true}}
	for s, want := range map[string]bool{
		"The order directs the development of an AI Action Plan, led by the White House AI & Crypto Czar.": false,
		"I want to thank the White House AI and crypto czar, David Sacks.":                                 true,
		"Trump named David Sacks as the czar.":                                                             true,
	} {
		if got := hasPersonName(s, qs); got != want {
			t.Errorf("hasPersonName(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestPlaces: a country and the word for its people or things meet in
// full, either way round, in the sentence, its document's title and the
// search; other places do not.
func TestPlaces(t *testing.T) {
	idx := jsonlIndex(t, []string{
		`{"id":"country","title":"Remarks","date":"2022-01-05","text":"Troops massed along the border of Ukraine this week."}`,
		`{"id":"adj","title":"Remarks","date":"2022-01-05","text":"Troops massed along the Ukrainian border this week."}`,
		`{"id":"people","title":"Remarks","date":"2022-01-05","text":"Ukrainians watched troops mass along the border this week."}`,
		`{"id":"other","title":"Remarks","date":"2022-01-05","text":"Troops massed along the Polish border this week."}`,
		`{"id":"title","title":"Statement on Ukraine","date":"2022-01-05","text":"Troops massed along the border this week."}`,
	})
	eng := New(idx)
	for _, q := range []string{"Are troops massing on the Ukrainian border?", "Are troops massing on the border of Ukraine?"} {
		_, cands, err := eng.Candidates(t.Context(), Question{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{"country": true, "adj": true, "people": true, "other": false, "title": true}
		for _, c := range cands {
			if c.DocID == "title" {
				if c.Features[fTitle] == 0 {
					t.Errorf("%q: the title's Ukraine is not counted (title %.3f)", q, c.Features[fTitle])
				}
				delete(want, "title")
				continue
			}
			w, ok := want[c.DocID]
			if !ok {
				continue
			}
			delete(want, c.DocID)
			if full := c.Features[fCov] >= 0.999; full != w {
				t.Errorf("%q: %s's sentence covers the whole topic: %v, want %v (cov %.3f)", q, c.DocID, full, w, c.Features[fCov])
			}
		}
		if len(want) > 0 {
			t.Errorf("%q: no candidate from %v", q, want)
		}
	}
}

// TestVerbForms: a verb's irregular forms meet in full, so a sentence
// holds the question's verb whichever form either uses.
func TestVerbForms(t *testing.T) {
	idx := jsonlIndex(t, []string{
		`{"id":"win","title":"Remarks","date":"2022-01-05","text":"Jane Roe is winning the county pie contest again."}`,
		`{"id":"lead","title":"Remarks","date":"2022-01-05","text":"John Doe will lead the delegation to the county pie contest."}`,
	})
	eng := New(idx)
	for q, id := range map[string]string{"Who won the county pie contest?": "win", "Who led the delegation to the county pie contest?": "lead"} {
		_, cands, err := eng.Candidates(t.Context(), Question{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range cands {
			if c.DocID != id {
				continue
			}
			found = true
			if c.Features[fCov] < 0.999 || c.Features[fVerb] != 1 {
				t.Errorf("%q: %s's sentence: cov %.3f, verb %.2f; want 1, 1", q, id, c.Features[fCov], c.Features[fVerb])
			}
		}
		if !found {
			t.Errorf("%q: no candidate from %s", q, id)
		}
	}
}
