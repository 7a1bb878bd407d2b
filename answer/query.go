package answer

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/briefbot/briefbot/corpus"
)

// recency is how much a question wants the newest word on its subject.
type recency int

const (
	recencyNone   recency = iota
	recencySoft           // asked in the present tense: "Is Biden running for reelection?"
	recencyStrong         // "latest", "most recent", "current", "Who is the press secretary?"
)

// query is a question understood: what it is about, whose words it wants,
// from when, and what kind of answer.
type query struct {
	q     Question
	topic string // the words that carry the subject, with names, dates and frame words left out

	speakers    []string // speaker filter: registry names or words of a label; nil: anyone
	speakerSaid string   // how the question named them: "Kirby", "the press secretary"
	// speakerInferred and periodInferred tell filters read from the
	// question's words from typed ones (speaker:, since:): an inferred
	// filter that finds nothing is relaxed, and the reply says so.
	speakerInferred bool
	subjects        []string // names of people the question is about, not filters
	period          period
	periodInferred  bool
	recent          recency
	kind            answerKind
	named           bool              // "What is the Golden Dome?": asks what a named thing is (reNamedThing)
	outside         bool              // the filters above were dropped because they found nothing
	allTypes        bool              // compute the answer-type cues of every candidate (for the trainer)
	domain          float64           // how much the question's words belong to the corpus (see Engine.domain)
	df              map[string][2]int // document frequency and passage count of its terms, looked up once
}

var (
	// speechVerbs make a name before them the speaker: "What did Kirby say
	// about Haiti?", "Has Psaki commented on ...".
	reSpeech = regexp.MustCompile(`(?i)\b(?:say|says|said|saying|tell|tells|told|comment|comments|commented|commenting|react|reacts|reacted|respond|responds|responded|think|thinks|thought|believe|believes|claim|claims|claimed|argue|argues|argued|mention|mentions|mentioned|describe|describes|described|warn|warns|warned|promise|promises|promised|pledge|pledged|insist|insisted|explain|explains|explained|defend|defended|stress|stressed|emphasize|emphasized|acknowledge|acknowledged|admit|admitted|deny|denied|vow|vowed|urge|urged|suggest|suggested|criticize|criticized|praise|praised|blame|blamed|testify|testified|weigh in|weighed in|feel|feels|felt|want|wants|wanted|(?:speak|speaks|spoke|talk|talks|talked|remark|remarked)(?: out)? (?:about|on|regarding|of)|position|stance|view|views|comments|remarks|statement|statements|response|reaction|take|message|words|opinion|thoughts)\b`)
	// reOnTopic: "Kirby on Haiti", "Psaki re: masks".
	reOnTopic = regexp.MustCompile(`(?i)^\W*$|^\s*(?:on|about|re:?|regarding|and)\s`)
	// reAccording: "according to Kirby"; reFrom: "quotes from Kirby", "a
	// statement by Kirby".
	reAccording = regexp.MustCompile(`(?i)\baccording to\s*$`)
	reFrom      = regexp.MustCompile(`(?i)\b(?:from|by)\s*$`)
	reQuoteWord = regexp.MustCompile(`(?i)\b(?:quotes?|words|comments?|remarks?|statements?|briefings?|said|says|say)\b`)

	reRecent  = regexp.MustCompile(`(?i)\b(?:the )?(?:latest|most recent|most recently|newest|newer|more recent|recent|recently|lately|current|currently|right now|now|these days|at the moment|nowadays|at present|presently|as of today|up to date|still|anymore|any more|today'?s|so far|yet)\b`)
	rePresent = regexp.MustCompile(`(?i)^\s*(?:who|what|which|where|how much|how many)(?:'s|’s| is| are| does| do)\b|^\s*(?:is|are|does|do|can|will)\b|^\s*(?:who|what)s\b|^\s*(?:has|have)\b.*\bbeen\b|\bso far\b`)
	// reFigureNow: a figure asked in the present tense ("What is the
	// unemployment rate?", "What's the price of gas?") is asked as of now.
	reFigureNow = regexp.MustCompile(`(?i)^\s*(?:what|how much|how high|how low)(?:'s|’s| is| are)\s+(?:the\s+|a\s+)?(?:[\p{L}-]+\s+){0,3}(?:rate|rates|price|prices|level|levels|number|total|average|deficit|debt|cost|costs|figure|figures|count|balance)\b`)
	rePast      = regexp.MustCompile(`(?i)\b(?:did|was|were|had|ago|used to|back in|previously|former|formerly|once|originally|first)\b`)
	// reMoney: words for money, which a number question's answer says in
	// figures.
	reMoney = regexp.MustCompile(`(?i)\b(?:money|dollars|cash)\b`)
	// reNamedThing: "What is the Golden Dome?", "What was Operation
	// Midnight Hammer?", "What is GOLD EAGLE?": what a thing the question
	// names (capitalised words, or an acronym) is.
	reNamedThing = regexp.MustCompile(`^\s*[Ww]hat(?:'s|’s| is| was| are| were) (?:the |a |an )?(?:(?:[A-Z][\pL\d’'-]*|\d+)(?: (?:of |for |and |the |on )?(?:[A-Z][\pL\d’'-]*|\d+))+|[A-Z]{3,}[\pL-]*)\s*\??\s*$`)
	reWhoIs      = regexp.MustCompile(`(?i)^\s*(?:who|whos)(?:'s|’s| is| are)?\s+(?:the\s+)?(?:current\s+|new\s+)?(?:(?:wh|white house|u\.s\.|us|america(?:'s|’s)?|the president(?:'s|’s)|\pL+(?:'s|’s))\s+)?$`)
)

// frameWords ask how something was said or by whom, not what about: they
// are never the topic.
var frameWords = wordSet(`white house administration administrations position positions stance stances
statement statements say says said saying comment comments commented react reacts reacted reaction
reactions respond responds responded response responses think thinks thought view views remark remarks
mention mentioned discuss discussed latest recent recently
update updates news happening going anything something official officials opinion opinions thought
thoughts feel feels felt believe believes tell told stand stands take message words current currently
happen happens happened
now lately newest`)

// understand reads q into a query: the period, recency, the speaker
// whose words are wanted, and the topic, from the question's words and
// its explicit filters (which win over what is inferred). now is the
// current time.
func (e *Engine) understand(q Question) query {
	text := expandShorthand(q.Text)
	qu := query{q: q, kind: classify(text), named: reNamedThing.MatchString(text), df: make(map[string][2]int)}
	qu.domain = e.domain(text, qu.df)
	now := e.now()

	p, rest := findPeriod(text, now)
	if p.zero() {
		p = findTermPeriod(text, now)
	}
	text = rest
	switch {
	case !q.Since.IsZero() || !q.Until.IsZero():
		qu.period = period{since: q.Since, until: q.Until}
	case !p.zero():
		qu.period, qu.periodInferred = p, true
	}

	// Recency: "latest", "current", and the present tense.
	if q.Latest {
		qu.recent = recencyStrong
	}
	if loc := reRecent.FindAllStringIndex(text, -1); loc != nil {
		qu.recent = recencyStrong
		text = cutSpans(text, loc)
	} else if rePresent.MatchString(q.Text) && !rePast.MatchString(q.Text) && qu.period.zero() {
		qu.recent = recencySoft
		if reFigureNow.MatchString(q.Text) {
			qu.recent = recencyStrong
		}
	}

	// Speakers: a typed speaker: filter, else a person or office the
	// question names as the one speaking.
	book := e.speakers.get(e.idx, e.Background)
	if q.Speaker != "" {
		qu.speakers = book.filterFor(q.Speaker)
		qu.speakerSaid = q.Speaker
	}
	var cut [][]int
	for _, m := range book.find(text) {
		before, after := text[:m.start], text[m.end:]
		if reWhoIs.MatchString(before) && m.office != "" {
			// "Who is the press secretary?": the office is the subject,
			// and the question is about now.
			qu.recent = recencyStrong
			qu.kind = kindPerson
			continue
		}
		if m.office == "" && reInstitution.MatchString(after) {
			// "the Trump administration's position": the administration
			// speaks, in its releases and briefings, not Trump alone.
			// Without a period of its own, the question is about that
			// administration's term: the latest before now.
			if qu.period.zero() && len(m.names) > 0 {
				if since, until, ok := presidentTerm(m.names[0], now, false); ok {
					qu.period, qu.periodInferred = period{since: since, until: until, said: strings.TrimSpace(text[m.start:m.end])}, true
				}
			}
			continue
		}
		speaking := speaksNext(after) && !reSpeech.MatchString(before) ||
			reWhatCall.MatchString(before) && reCallNext.MatchString(after) ||
			reAccording.MatchString(before) ||
			reFrom.MatchString(before) && reQuoteWord.MatchString(text) ||
			strings.TrimSpace(before) == "" && reOnTopic.MatchString(after) ||
			possessiveFrame(after)
		if !speaking {
			// A person the question is about: their own words are the
			// likeliest answer ("Does Biden support a ban?").
			if m.office == "" && len(m.names) > 0 {
				qu.subjects = append(qu.subjects, m.names[0])
			} else if m.office != "" {
				qu.subjects = append(qu.subjects, officeHolders(m.office, qu.period)...)
			}
			continue
		}
		if q.Speaker == "" {
			names := m.names
			if m.office == "" {
				names = book.personFilter(m.names)
			} else if m.office == "president" || m.office == "vice president" || m.office == "first lady" {
				names = officeHolders(m.office, qu.period)
			}
			qu.speakers = append(qu.speakers, names...)
			if qu.speakerSaid != "" {
				qu.speakerSaid += " or "
			}
			qu.speakerSaid += strings.TrimSpace(text[m.start:m.end])
			qu.speakerInferred = true
		}
		end := m.end
		// "Trump's position on …": the possessive goes with the name.
		for _, pos := range []string{"'s", "’s"} {
			if strings.HasPrefix(text[end:], pos) {
				end += len(pos)
			}
		}
		cut = append(cut, []int{m.start, end})
	}
	text = cutSpans(text, cut)
	if qu.kind == kindNumber {
		// "How much climate money is in the Inflation Reduction Act?" is
		// answered in dollars ("$369 billion"), seldom with "money".
		text = reMoney.ReplaceAllString(text, "")
	}
	qu.speakers = slices.Compact(qu.speakers)
	qu.topic = text
	return qu
}

// shorthand are abbreviations people type that the documents spell out:
// "Who's the WH press secretary?" asks about the White House, not about
// the letters "wh". Only upper-case forms are expanded ("eo" may be a
// word of another language, "Wh-" a false start).
var shorthand = map[string]string{
	"WH": "White House", "SCOTUS": "Supreme Court", "SOTU": "State of the Union",
	"POTUS": "the President", "VPOTUS": "the Vice President", "FLOTUS": "the First Lady",
	"EO": "executive order", "EOs": "executive orders", "NatSec": "national security",
}

var reShorthand = func() *regexp.Regexp {
	words := slices.Sorted(maps.Keys(shorthand))
	slices.Reverse(words) // "EOs" before "EO"
	return regexp.MustCompile(`\b(?:` + strings.Join(words, "|") + `)\b`)
}()

// expandShorthand spells out the shorthand in a question.
func expandShorthand(text string) string {
	return reShorthand.ReplaceAllStringFunc(text, func(w string) string { return shorthand[w] })
}

// speaksNext reports whether the words after a name make it the one who
// speaks: a speech verb in the same clause, at most three words on, with
// no other subject between ("What did Kirby say", "What has Trump been
// saying"; not "the meeting with Zelenskyy; did you talk", nor "Is Biden
// calling for regime change after saying …"). What someone thinks, believes,
// wants or feels is their mind, not their words: "Does the President
// think the strikes were enough?" is answered as well by the spokesperson
// who says what he thinks, so the name is what the question is about.
func speaksNext(after string) bool {
	loc := reSpeech.FindStringIndex(after)
	if loc == nil || mindVerbs[strings.ToLower(after[loc[0]:loc[1]])] {
		return false
	}
	between := after[:loc[0]]
	if reAnd.MatchString(between) && reTalk.MatchString(after[loc[0]:]) {
		// "What did Biden and Putin talk about?": what two talked
		// about with each other, as a readout tells it.
		return false
	}
	return len(strings.Fields(between)) <= 3 && !reOtherSubject.MatchString(between)
}

var (
	reAnd  = regexp.MustCompile(`(?i)^\s*(?:and|&)\s`)
	reTalk = regexp.MustCompile(`(?i)^(?:speak|speaks|spoke|talk|talks|talked)\b`)
)

// mindVerbs are the speech verbs of reSpeech that say what someone has in
// mind (see speaksNext).
var mindVerbs = wordSet(`think thinks thought believe believes want wants wanted feel feels felt`)

// reInstitution finds what a president's name stands before as a
// modifier: "the Trump administration", "the Biden team".
var reInstitution = regexp.MustCompile(`(?i)^(?:-[\p{L}]+)?\s+(?:administration|white house|team|cabinet|officials)\b`)

// reWhatCall and reCallNext read "What did Biden call Putin?": naming is
// saying.
var (
	reWhatCall = regexp.MustCompile(`(?i)\bwhat (?:did|does|has|have|would)\s*$`)
	reCallNext = regexp.MustCompile(`(?i)^\s*(?:call|calls|called)\b`)
)

// reOtherSubject finds, between a name and a speech verb, a clause break
// or another subject.
var reOtherSubject = regexp.MustCompile(`(?i)[?.!;]|\b(?:you|he|she|they|we|i|it|who|which|that)\b`)

// possessiveFrame reports whether a name is followed by "'s position",
// "'s comments" and the like.
func possessiveFrame(after string) bool {
	rest, ok := strings.CutPrefix(after, "'s ")
	if !ok {
		rest, ok = strings.CutPrefix(after, "’s ")
	}
	if !ok {
		return false
	}
	w, _, _ := strings.Cut(strings.ToLower(rest), " ")
	return frameNouns[strings.Trim(w, ".,?!")]
}

var frameNouns = wordSet(`position stance view views comments comment remarks remark statement statements
response reaction take message words opinion thoughts response answer speech reply`)

// officeHolders returns the holders of an office during p (all of them
// when p is open).
func officeHolders(office string, p period) []string {
	var out []string
	for _, t := range corpus.Offices(office) {
		if !p.until.IsZero() && p.until.Before(t.From) || !p.since.IsZero() && !t.To.IsZero() && !p.since.Before(t.To) {
			continue
		}
		if !slices.Contains(out, t.Name) {
			out = append(out, t.Name)
		}
	}
	return out
}

// personFilter turns the names a surname may mean into speaker filter
// terms: the surname alone when one person has it (it finds their
// unresolved labels too), else the likeliest person's full name.
func (b *speakerBook) personFilter(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	full := 0
	for _, n := range names {
		if strings.ToUpper(n) != n {
			full++
		}
	}
	if full <= 1 {
		w := strings.Fields(names[0])
		return []string{strings.ToLower(strings.Trim(w[len(w)-1], ".,"))}
	}
	for _, n := range names {
		if strings.ToUpper(n) != n {
			return []string{n}
		}
	}
	return names[:1]
}

// filterFor resolves a typed speaker: filter ("psaki", "jean-pierre",
// "the_president") to filter terms: an office's holders, a known name, or
// the typed words as they are.
func (b *speakerBook) filterFor(s string) []string {
	if ms := b.find(s); len(ms) == 1 && ms[0].start == 0 && ms[0].end >= len(strings.TrimSpace(s))-1 {
		m := ms[0]
		if m.office != "" {
			if m.office == "president" || m.office == "vice president" || m.office == "first lady" {
				return officeHolders(m.office, period{})
			}
			return m.names
		}
		if len(m.names) == 1 && strings.EqualFold(m.names[0], s) {
			return m.names
		}
	}
	return []string{s}
}

// cutSpans removes the byte spans from text, leaving a space.
func cutSpans(text string, spans [][]int) string {
	if len(spans) == 0 {
		return text
	}
	slices.SortFunc(spans, func(a, b []int) int { return b[0] - a[0] })
	for _, s := range spans {
		if s[0] < 0 || s[1] > len(text) || s[0] >= s[1] {
			continue
		}
		text = text[:s[0]] + " " + text[s[1]:]
	}
	return strings.Join(strings.FieldsFunc(text, unicode.IsSpace), " ")
}

// now is the engine's clock.
func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// filtered reports whether the query keeps to a speaker or a period.
func (qu query) filtered() bool {
	return len(qu.speakers) > 0 || !qu.period.zero()
}

// widened is the query without its speaker and period, for the closest
// answers outside them.
func (qu query) widened(newest time.Time) query {
	w := qu
	w.speakers, w.period, w.outside = nil, period{}, true
	if qu.periodInferred && qu.period.said != "" && !newest.IsZero() && qu.period.since.After(newest) {
		// Words read as a period that starts after the newest document
		// were the topic: "What meetings are scheduled for January?",
		// asked of December's news, is about meetings in January.
		w.topic = qu.topic + " " + qu.period.said
	}
	return w
}

// nothingNote says plainly that nothing from the speaker or period asked
// for answers: "Nothing from Kirby about this in 2023."
func (qu query) nothingNote() string {
	var b strings.Builder
	b.WriteString("Nothing")
	if qu.speakerSaid != "" {
		b.WriteString(" from " + qu.speakerSaid)
	}
	if topic := qu.topicWords(); topic != "" {
		b.WriteString(" about “" + truncate(topic, 80) + "”")
	}
	if d := qu.period.describe(); d != "" {
		b.WriteString(" " + d)
	}
	b.WriteString(" in the documents.")
	return b.String()
}

// topicWords returns the words of the topic that carry content, as the
// question wrote them: "Haiti" for "What did Kirby say about Haiti?".
func (qu query) topicWords() string {
	var out []string
	for _, w := range strings.Fields(qu.topic) {
		w = strings.Trim(w, "?!.,;:()\"“”")
		lw := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(w, "’s"), "'s"))
		if w == "" || stopWordSet[lw] || frameWords[lw] {
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// stopWordSet is stopWords as a set.
var stopWordSet = wordSet(stopWords)

// understanding reports how the question was read.
func (qu query) understanding() Understanding {
	u := Understanding{Topic: qu.topic, Speakers: qu.speakers, Since: qu.period.since, Until: qu.period.until, Latest: qu.recent == recencyStrong}
	if qu.speakerSaid != "" {
		u.Speaker = qu.speakerSaid
	}
	u.Period = qu.period.describe()
	return u
}
