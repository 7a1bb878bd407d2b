package answer

import (
	"context"
	"strings"
	"time"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// Engine answers questions from an index. It is safe for concurrent use.
type Engine struct {
	// Now is the clock that "last week" and "this year" count from; nil
	// means time.Now.
	Now func() time.Time
	// AsOf, when set, answers as the corpus stood that day: documents
	// dated after it are not searched, and "the latest" is the latest up
	// to it. bot eval --now sets it, so that questions written for a past
	// day are asked of what had been published by then.
	AsOf time.Time
	// Bridge relates question words to answer words; New sets the one
	// cmd/train fitted. The trainer sets its own.
	Bridge Bridge
	// Background is general English, against which a question's words
	// tell whether it is about the corpus; New sets the embedded one.
	Background *Background
	// Stable breaks ties between equally scored passages by their IDs, so
	// that the same index always gives the same candidates (the trainer
	// sets it; it makes searches slower).
	Stable bool

	fit      *params // nil: the embedded parameters (see SetParams)
	idx      *index.Index
	stop     map[string]bool // analysed stop words
	frame    map[string]bool // analysed frame words: how something was said, not what about
	kin      map[string]*kin // stems of words that meet in full -> their family (see placeWords, verbForms)
	timeout  time.Duration
	speakers speakerCache
	workers  int // goroutines that read and score a question's passages (see inParallel)
}

// New returns an engine over idx.
func New(idx *index.Index) *Engine {
	e := &Engine{idx: idx, stop: make(map[string]bool), frame: make(map[string]bool), timeout: 5 * time.Second, Bridge: fittedBridge, Background: generalEnglish,
		workers: defaultWorkers()}
	for _, w := range strings.Fields(stopWords) {
		for _, t := range idx.Analyze(w) {
			e.stop[t.Term] = true
		}
	}
	for w := range frameWords {
		for _, t := range idx.Analyze(w) {
			e.frame[t.Term] = true
		}
	}
	e.kin = kinOf(idx)
	return e
}

// Limits of a quote.
const (
	maxQuoteSentences = 3
	maxQuoteBytes     = 600
	maxQuotes         = 3
	minQuoteRatio     = 0.5 // a second or third quote scores at least this share of the first
)

// ErrEmptyQuestion is returned for a question with no searchable words;
// it is an *Error, shown to the person as is.
var ErrEmptyQuestion error = invalidf("the question has no words to search for; try asking in a full sentence")

// Ask answers q with up to three verbatim quotes, or NoAnswer and the
// closest passages. Only failures of the index are errors.
//
// The question is read first: the speaker whose words it wants ("What did
// Kirby say about Haiti?"), the period it names ("in 2023", "last week"),
// whether it asks for the latest, and its topic. When the speaker or the
// period has nothing that answers, the reply says so and quotes the
// closest answers outside them (Answer.Outside).
func (e *Engine) Ask(ctx context.Context, q Question) (Answer, error) {
	start := time.Now()
	qu := e.understand(q)
	ans, err := e.answer(ctx, qu)
	ans.Took = time.Since(start)
	return ans, err
}

func (e *Engine) answer(ctx context.Context, qu query) (Answer, error) {
	ans := Answer{Question: qu.q, Understood: qu.understanding()}
	r, outside, err := e.search(ctx, qu)
	if err != nil {
		return ans, err
	}
	if qu.filtered() && (outside || !answers(r)) {
		ans.Note = qu.nothingNote()
	}
	if len(r.cands) > 0 {
		ans.Confidence = r.cands[0].confidence
	}
	if unknown := r.qs.unknownWords; len(unknown) > 0 && ans.Note == "" {
		// A name the documents never use: no quote can be about it
		// ("When will Macron speak with Putin?" of a corpus without him).
		ans.Note = "The documents never mention “" + strings.Join(unknown, "”, “") + "”."
		ans.NoAnswer = true
		ans.Related = e.related(r)
		return ans, nil
	}
	if !answers(r) {
		ans.NoAnswer = true
		ans.Related = e.related(r)
		return ans, nil
	}
	ans.Outside = outside
	ans.Quotes = e.pickQuotes(r)
	return ans, nil
}

// search ranks the candidates for qu. When the speaker or period asked
// for has nothing confident enough to quote, it ranks again without them
// and reports outside; if that finds nothing better either, the first
// ranking stands.
func (e *Engine) search(ctx context.Context, qu query) (r ranked, outside bool, err error) {
	r, err = e.rank(ctx, qu)
	if err != nil || answers(r) {
		return r, false, err
	}
	if len(r.cands) > 0 {
		f := &r.cands[0].f
		// The speaker asked for said it in the topic's own words: their
		// words answer better than anyone else's, however unsure the
		// confidence ("What did Kirby say about Haiti?" is not answered
		// by Jake Sullivan when Kirby spoke of Haiti).
		spoken := len(qu.speakers) > 0 && f[fCov] >= minSpokenCov
		// "What is the Golden Dome?": a sentence that names the thing
		// asked about, whole, says what the documents know of it.
		named := qu.named && f[fCov] >= 0.999 && f[fPhrase] >= 0.999
		if spoken || named {
			r.vouched = true
			return r, false, nil
		}
	}
	if !qu.filtered() {
		return r, false, nil
	}
	// First the period goes, keeping the speaker; then both.
	if len(qu.speakers) > 0 && !qu.period.zero() {
		w := qu
		w.period, w.outside = period{}, true
		r2, err := e.rank(ctx, w)
		if err != nil {
			return r, false, err
		}
		if answers(r2) {
			return r2, true, nil
		}
	}
	r2, err := e.rank(ctx, qu.widened(e.newest()))
	if err != nil {
		return r, false, err
	}
	if answers(r2) || len(r.cands) == 0 {
		return r2, true, nil
	}
	return r, false, nil
}

// answers reports whether the best candidate is confident enough to be
// quoted as the answer.
func answers(r ranked) bool {
	return len(r.cands) > 0 && (r.vouched || r.cands[0].confidence >= r.p.bands.Answer)
}

// minSpokenCov is the share of the topic's weight a sentence of the
// speaker asked for holds when their words are quoted below the
// answering bound (see Engine.search).
const minSpokenCov = 0.5

// pickQuotes chooses up to three quotes from the ranked candidates. Each quote
// is a sentence and the neighbours that complete it; a sentence already
// quoted is not quoted again, and a near-duplicate of a quote (the same
// statement in another release) is skipped.
func (e *Engine) pickQuotes(r ranked) []Quote {
	type sentence struct {
		doc     *corpus.Document
		passage int
		i       int
	}
	quoted := make(map[sentence]bool)
	var picked []*candidate
	var out []Quote
	for _, c := range r.cands {
		if len(picked) == maxQuotes || len(picked) > 0 && c.score < minQuoteRatio*r.cands[0].score {
			break
		}
		if quoted[sentence{c.doc, c.passage, c.i}] || e.similarToAny(c, picked) {
			continue
		}
		q, lo, hi := e.quote(c, r.cands, func(i int) bool { return quoted[sentence{c.doc, c.passage, i}] })
		for i := lo; i <= hi; i++ {
			quoted[sentence{c.doc, c.passage, i}] = true
		}
		picked = append(picked, c)
		out = append(out, q)
	}
	return out
}

// similarToAny reports whether c says nearly what a quote already picked
// says: most of its content words are the same.
func (e *Engine) similarToAny(c *candidate, picked []*candidate) bool {
	for _, p := range picked {
		if jaccard(e.contentTerms(p), e.contentTerms(c)) > 0.6 {
			return true
		}
	}
	return false
}

// contentTerms is the set of content words of c's sentence.
func (e *Engine) contentTerms(c *candidate) map[string]bool {
	if c.content == nil {
		c.content = make(map[string]bool)
		for t := range c.terms[c.i] {
			if !e.stop[t] {
				c.content[t] = true
			}
		}
	}
	return c.content
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for t := range a {
		if b[t] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// A quote grows by a neighbouring sentence when it is shorter than
// wideShort bytes or the neighbour scores at least wideRatio of it.
const (
	wideShort = 200
	wideRatio = 0.5
)

// quote builds the quote for c: its sentence, widened by a neighbour when
// the sentence alone is too short to stand on its own or the neighbour
// answers too, but never into a sentence already quoted (taken) or one
// that is a question or a heading. It also returns the first and last
// sentence it spans.
func (e *Engine) quote(c *candidate, all []*candidate, taken func(i int) bool) (q Quote, lo, hi int) {
	lo, hi = c.i, c.i
	scoreOf := make(map[int]float64)
	for _, o := range all {
		if o.doc == c.doc && o.passage == c.passage {
			scoreOf[o.i] = o.score
		}
	}
	size := func(a, b int) int { return c.sents[b].End - c.sents[a].Start }
	wants := func(i int) bool {
		if taken(i) || !c.quotable[i] && !e.joins(c, i) {
			return false
		}
		return size(lo, hi) < wideShort || scoreOf[i] >= wideRatio*c.score
	}
	for hi-lo+1 < maxQuoteSentences {
		next, prev := hi+1, lo-1
		switch {
		case next < len(c.sents) && wants(next) && size(lo, next) <= maxQuoteBytes:
			hi = next
		case prev >= 0 && wants(prev) && size(prev, hi) <= maxQuoteBytes:
			lo = prev
		default:
			return e.quoteSpan(c, lo, hi), lo, hi
		}
	}
	return e.quoteSpan(c, lo, hi), lo, hi
}

// joins reports whether sentence i of c's passage, not quotable on its
// own, may still complete a quote: a short answer such as "No." or "That's
// right." next to the sentence quoted, never a question or a heading.
func (e *Engine) joins(c *candidate, i int) bool {
	s := strings.TrimSpace(c.doc.Body[c.sents[i].Start:c.sents[i].End])
	core := strings.TrimRight(s, `"'”’) `)
	lower := strings.ToLower(strings.ReplaceAll(s, "’", "'"))
	return core != "" && !strings.HasSuffix(core, "?") && !stageNote(s) && hasLower(s) &&
		(strings.HasSuffix(core, ".") || strings.HasSuffix(core, "!")) && !formula(s, lower) &&
		!reGreeting.MatchString(lower)
}

// quoteSpan cites sentences lo..hi of c's passage, cut to maxQuoteBytes.
func (e *Engine) quoteSpan(c *candidate, lo, hi int) Quote {
	start, end := c.sents[lo].Start, c.sents[hi].End
	if end-start > maxQuoteBytes {
		end = cutAtWord(c.doc.Body, start, start+maxQuoteBytes)
	}
	return e.cite(c.doc, c.passage, start, end, c.score)
}

// cutAtWord returns an end offset no later than max that falls at a word
// boundary after start.
func cutAtWord(body string, start, max int) int {
	end := max
	for end > start && body[end] != ' ' {
		end--
	}
	if end <= start {
		end = max
		for end > start && (body[end]&0xC0) == 0x80 {
			end--
		}
	}
	return end
}

func (e *Engine) cite(d *corpus.Document, p, start, end int, score float64) Quote {
	text := d.Body[start:end]
	return Quote{
		Text: text, Speaker: speakerOf(d, p, text), DocID: d.ID, Title: d.Title, Source: d.Source,
		Kind: d.Kind, Date: d.Date, URL: d.URL, Start: start, End: end, Score: score,
	}
}

// related returns up to three of the closest quotable sentences, from
// different documents, for a question the corpus does not answer.
func (e *Engine) related(r ranked) []Quote {
	var out []Quote
	var picked []*candidate
	seen := make(map[string]bool)
	none := func(int) bool { return false }
	for _, c := range r.cands {
		if len(out) == 3 {
			break
		}
		// One passage per document, and not the same statement twice
		// (a fact sheet is often published under two addresses).
		if seen[c.doc.ID] || e.similarToAny(c, picked) {
			continue
		}
		seen[c.doc.ID] = true
		picked = append(picked, c)
		q, _, _ := e.quote(c, nil, none)
		out = append(out, q)
	}
	return out
}
