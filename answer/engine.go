package answer

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// Engine answers questions from an index. It is safe for concurrent use.
type Engine struct {
	idx     *index.Index
	stop    map[string]bool // analysed stop words
	timeout time.Duration
}

// New returns an engine over idx.
func New(idx *index.Index) *Engine {
	e := &Engine{idx: idx, stop: make(map[string]bool), timeout: 5 * time.Second}
	for _, w := range strings.Fields(stopWords) {
		for _, t := range idx.Analyze(w) {
			e.stop[t.Term] = true
		}
	}
	return e
}

// Limits of a quote.
const (
	maxQuoteSentences = 3
	maxQuoteBytes     = 600
	maxQuotes         = 3
	candidatePassages = 25
	minQuoteRatio     = 0.5 // a second or third quote scores at least this share of the first
)

// noAnswerBelow is the confidence (see features.confidence) under which
// the engine says the corpus does not answer. On the SQuAD questions it
// keeps about 97% of the answerable questions answered and declines about
// 83% of the questions about articles the corpus does not hold.
const noAnswerBelow = 0.62

// ErrEmptyQuestion is returned for a question with no searchable words;
// it is an *Error, shown to the person as is.
var ErrEmptyQuestion error = invalidf("the question has no words to search for; try asking in a full sentence")

// Ask answers q with up to three verbatim quotes, or NoAnswer and the
// closest passages. Only failures of the index are errors.
func (e *Engine) Ask(ctx context.Context, q Question) (Answer, error) {
	start := time.Now()
	ans := Answer{Question: q}
	r, err := e.rank(ctx, q)
	if err != nil {
		return ans, err
	}
	cands := r.cands
	if len(r.hits) == 0 {
		ans.NoAnswer = true
		ans.Took = time.Since(start)
		return ans, nil
	}
	if len(cands) == 0 || cands[0].confidence < noAnswerBelow {
		ans.NoAnswer = true
		if len(cands) > 0 {
			ans.Confidence = cands[0].confidence
		}
		ans.Related = e.related(r.hits, r.doc)
		ans.Took = time.Since(start)
		return ans, nil
	}
	ans.Confidence = cands[0].confidence
	// Each quote is a sentence and the neighbours that complete it; a
	// sentence already quoted is not quoted again, and a near-duplicate of
	// a quote (the same statement in another release) is skipped.
	type sentence struct {
		doc     *corpus.Document
		passage int
		i       int
	}
	quoted := make(map[sentence]bool)
	var picked []*candidate
	for _, c := range cands {
		if len(picked) == maxQuotes || len(picked) > 0 && c.score < minQuoteRatio*cands[0].score {
			break
		}
		if quoted[sentence{c.doc, c.passage, c.i}] || e.similarToAny(c, picked) {
			continue
		}
		q, lo, hi := e.quote(c, cands, func(i int) bool { return quoted[sentence{c.doc, c.passage, i}] })
		for i := lo; i <= hi; i++ {
			quoted[sentence{c.doc, c.passage, i}] = true
		}
		picked = append(picked, c)
		ans.Quotes = append(ans.Quotes, q)
	}
	ans.Took = time.Since(start)
	return ans, nil
}

// ranked is a question's candidate sentences, best first.
type ranked struct {
	hits  []index.Hit
	cands []*candidate
	doc   func(string) (*corpus.Document, error)
}

// rank retrieves passages for q and scores their sentences.
func (e *Engine) rank(ctx context.Context, q Question) (ranked, error) {
	var r ranked
	qs := e.prepare(q.Text)
	if len(qs.terms) == 0 {
		return r, ErrEmptyQuestion
	}
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	hits, err := e.idx.Search(ctx, index.Query{
		Terms:   qs.order,
		Since:   q.Since,
		Until:   q.Until,
		Source:  q.Source,
		Speaker: q.Speaker,
		Size:    candidatePassages,
	})
	if err != nil {
		return r, err
	}
	r.hits = hits
	docs := make(map[string]*corpus.Document)
	r.doc = func(id string) (*corpus.Document, error) {
		if d, ok := docs[id]; ok {
			return d, nil
		}
		d, err := e.idx.Document(id)
		if err != nil {
			return nil, err
		}
		docs[id] = &d
		return &d, nil
	}
	if len(hits) == 0 {
		return r, nil
	}
	var cands []*candidate
	seen := make(map[string]bool)
	titles := make(map[string]map[string]bool)
	titleNames := make(map[string]uint64)
	maxHit := hits[0].Score
	for rank, h := range hits {
		d, err := r.doc(h.DocID)
		if err != nil {
			return r, err
		}
		if h.Passage >= len(d.Passages) {
			continue
		}
		p := h.Passage
		hitScore := h.Score / maxHit
		if d.Passages[p].IsQuestion() {
			// A reporter's question is never the answer, but it points at
			// the answer: the next turn.
			if p+1 >= len(d.Passages) || d.Passages[p+1].IsQuestion() {
				continue
			}
			p++
			hitScore *= 0.8
		}
		key := fmt.Sprintf("%s#%d", d.ID, p)
		if seen[key] {
			continue
		}
		seen[key] = true
		title, ok := titles[d.ID]
		if !ok {
			title = make(map[string]bool)
			var seq []string
			for _, t := range e.idx.Analyze(d.Title) {
				st := index.Stem(t.Term)
				title[st] = true
				seq = append(seq, st)
			}
			titles[d.ID] = title
			titleNames[d.ID] = namesIn(qs.names, seq)
		}
		cands = append(cands, e.score(qs, d, p, title, hitScore, rank)...)
	}
	// Document evidence: the share of the question's weight that the
	// document's retrieved passages hold together (and its title). A
	// sentence in the document the question is about beats a look-alike
	// elsewhere.
	docTerms := make(map[*corpus.Document]map[string]bool)
	for _, c := range cands {
		m := docTerms[c.doc]
		if m == nil {
			m = make(map[string]bool)
			for t := range titles[c.doc.ID] {
				m[t] = true
			}
			docTerms[c.doc] = m
		}
		if c.i == 0 {
			for _, st := range c.terms {
				for t := range st {
					m[t] = true
				}
			}
		}
	}
	docNames := make(map[*corpus.Document]uint64)
	for _, c := range cands {
		docNames[c.doc] |= c.names | titleNames[c.doc.ID]
	}
	docCov := make(map[*corpus.Document]float64, len(docTerms))
	docCaps := make(map[*corpus.Document]float64, len(docTerms))
	for d, m := range docTerms {
		var w float64
		for _, t := range qs.uniq {
			if m[t] {
				w += qs.terms[t]
			}
		}
		docCov[d] = w / qs.total
		if qs.namesTotal > 0 {
			var nw float64
			for k, n := range qs.names {
				if docNames[d]&(1<<k) != 0 {
					nw += n.weight
				}
			}
			docCaps[d] = nw / qs.namesTotal
		}
	}
	for _, c := range cands {
		c.f[fDoc] = docCov[c.doc]
		c.f[fDocCaps] = docCaps[c.doc]
		// A question that names people, places or things the document
		// never mentions is about something else.
		var missing float64
		if qs.namesTotal > 0 {
			missing = math.Min(1, qs.namesTotal/qs.total) * (1 - docCaps[c.doc])
		}
		c.confidence = c.f.confidence(missing)
		c.score = c.f.score(qs.kind)
	}
	// The answer-type cues (regular expressions over the text) are the
	// costly part of scoring; only sentences that can still reach the top
	// get them.
	best := math.Inf(-1)
	for _, c := range cands {
		best = math.Max(best, c.score)
	}
	tw := typeWeights[qs.kind]
	for _, c := range cands {
		if c.score >= best-tw[0]+tw[1] {
			c.f[fTypeYes], c.f[fTypeNo] = answerType(qs, c.doc.Body[c.sents[c.i].Start:c.sents[c.i].End])
			c.score = c.f.score(qs.kind)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if a.doc.ID != b.doc.ID {
			return a.doc.ID < b.doc.ID
		}
		if a.passage != b.passage {
			return a.passage < b.passage
		}
		return a.i < b.i
	})
	r.cands = cands
	return r, nil
}

// SearchTerms returns the index terms Ask searches for text: its content
// words, stop words dropped. Benchmarks use it to time retrieval alone.
func (e *Engine) SearchTerms(text string) []string {
	return e.prepare(text).order
}

// questionTerms is an analysed question.
type questionTerms struct {
	terms      map[string]float64 // stem of a content term -> weight (idf times repetitions)
	order      []string           // content terms in question order, repeated as asked
	total      float64            // sum of weights
	all        map[string]bool    // every analysed term of the question, stop words included
	kind       answerKind
	pairs      [][2]string // consecutive content terms of the question
	uniq       []string    // distinct content terms, sorted: sums over them are reproducible
	names      []name      // the names the question mentions
	namesTotal float64     // their weight
}

func (e *Engine) prepare(text string) questionTerms {
	qs := questionTerms{terms: make(map[string]float64), all: make(map[string]bool), kind: classify(text)}
	count := make(map[string]float64) // index term -> times asked
	var stemOrder []string
	for _, t := range e.idx.Analyze(text) {
		qs.all[t.Term] = true
		if e.stop[t.Term] || !hasLetterOrDigit(t.Term) {
			continue
		}
		if len(qs.order) == index.MaxTerms {
			break
		}
		qs.order = append(qs.order, t.Term)
		stemOrder = append(stemOrder, index.Stem(t.Term))
		count[t.Term]++
	}
	for i := 1; i < len(stemOrder); i++ {
		if stemOrder[i] != stemOrder[i-1] {
			qs.pairs = append(qs.pairs, [2]string{stemOrder[i-1], stemOrder[i]})
		}
	}
	// Weights come from the index's terms; sentences are compared by stem,
	// and a stem weighs as much as its rarest form in the question.
	terms := make([]string, 0, len(count))
	for t := range count {
		terms = append(terms, t)
	}
	sort.Strings(terms)
	for _, t := range terms {
		df, total := e.idx.DocFreq(t)
		w := math.Log(1 + (float64(total)-float64(df)+0.5)/(float64(df)+0.5))
		if df == 0 {
			// A word the corpus never uses: it weighs like the rarest word, so
			// a question about something else is not mistaken for a match.
			w = math.Log(1 + (float64(total)+0.5)/1.5)
		}
		w *= 1 + 0.3*(count[t]-1)
		st := index.Stem(t)
		qs.all[st] = true
		if w > qs.terms[st] {
			qs.terms[st] = w
		}
	}
	for st := range qs.terms {
		qs.uniq = append(qs.uniq, st)
	}
	sort.Strings(qs.uniq)
	for _, st := range qs.uniq {
		qs.total += qs.terms[st]
	}
	// Names: runs of words capitalised inside the question, not at its
	// start ("Doctor Who", "Summer Theatre", "Tesla").
	var run []string
	flush := func() {
		var w float64
		seen := make(map[string]bool)
		for _, st := range run {
			if !seen[st] {
				seen[st] = true
				w += qs.terms[st]
			}
		}
		if w > 0 && len(qs.names) < maxNames {
			qs.names = append(qs.names, name{stems: run, weight: w})
			qs.namesTotal += w
		}
		run = nil
	}
	for i, w := range strings.Fields(text) {
		r, _ := utf8.DecodeRuneInString(w)
		if i == 0 || !unicode.IsUpper(r) {
			flush()
			continue
		}
		for _, t := range e.idx.Analyze(w) {
			run = append(run, index.Stem(t.Term))
		}
		if strings.ContainsAny(w[len(w)-1:], ",.;:?!)\"”") {
			flush()
		}
	}
	flush()
	return qs
}

// name is a run of capitalised words in a question: stems of all its
// words, stop words included, and the weight of its content words.
type name struct {
	stems  []string
	weight float64
}

// maxNames bounds the names of a question that are looked for (a bit set).
const maxNames = 64

// namesIn returns the set of names whose words stand together, in order,
// in seq.
func namesIn(names []name, seq []string) uint64 {
	var found uint64
	for k, n := range names {
		for i := 0; i+len(n.stems) <= len(seq); i++ {
			ok := true
			for j, st := range n.stems {
				if seq[i+j] != st {
					ok = false
					break
				}
			}
			if ok {
				found |= 1 << k
				break
			}
		}
	}
	return found
}

func hasLetterOrDigit(s string) bool {
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r > 127 {
			return true
		}
	}
	return false
}

// candidate is a sentence that may answer.
type candidate struct {
	doc        *corpus.Document
	passage    int
	sents      []span // all sentences of the passage (body offsets)
	i          int    // this sentence
	terms      []map[string]int
	f          features
	score      float64
	confidence float64
	content    map[string]bool // content terms of this sentence, for diversity; see contentTerms
	names      uint64          // the question's names its passage holds (bit k: qs.names[k])
}

// pairCoverage is the weighted share of the question's consecutive content
// word pairs that stand close together (within two words, either order) in
// seq: a sentence that rephrases the question keeps its phrases together,
// one that matches by chance scatters them.
func pairCoverage(qs questionTerms, seq []string) float64 {
	if len(qs.pairs) == 0 {
		return 0
	}
	var got, all float64
	for _, pr := range qs.pairs {
		w := qs.terms[pr[0]] + qs.terms[pr[1]]
		all += w
		for i, t := range seq {
			if t != pr[0] && t != pr[1] {
				continue
			}
			other := pr[1]
			if t == pr[1] {
				other = pr[0]
			}
			hit := false
			for j := i + 1; j < len(seq) && j <= i+3; j++ {
				if seq[j] == other {
					hit = true
					break
				}
			}
			if hit {
				got += w
				break
			}
		}
	}
	return got / all
}

// A quote grows by a neighbouring sentence when it is shorter than
// wideShort bytes or the neighbour scores at least wideRatio of it.
const (
	wideShort = 200
	wideRatio = 0.5
)

const (
	bm25K1       = 1.2
	bm25B        = 0.4
	avgSentTerms = 24.0
)

// score splits passage p of d into sentences and scores each against the
// question.
func (e *Engine) score(qs questionTerms, d *corpus.Document, p int, title map[string]bool, hitScore float64, rank int) []*candidate {
	ps := d.Passages[p]
	text := d.Body[ps.Start:ps.End]
	sents := sentences(text)
	if len(sents) == 0 {
		return nil
	}
	for i := range sents {
		sents[i].Start += ps.Start
		sents[i].End += ps.Start
	}
	toks := e.idx.Analyze(text)
	terms := make([]map[string]int, len(sents))
	seqs := make([][]string, len(sents))
	lens := make([]int, len(sents))
	for i := range terms {
		terms[i] = make(map[string]int)
	}
	k := 0
	var stems []string // every word of the passage, to find the question's names in
	if len(qs.names) > 0 {
		stems = make([]string, 0, len(toks))
	}
	for _, t := range toks {
		at := t.Start + ps.Start
		for k < len(sents)-1 && at >= sents[k].End {
			k++
		}
		st := index.Stem(t.Term)
		if stems != nil {
			stems = append(stems, st)
		}
		terms[k][st]++
		if !e.stop[t.Term] {
			seqs[k] = append(seqs[k], st)
		}
		lens[k]++
	}
	// Context: the reporter's question this turn answers, and the title.
	context := make(map[string]bool)
	if p > 0 && d.Passages[p-1].IsQuestion() {
		prev := d.Passages[p-1]
		for _, t := range e.idx.Analyze(d.Body[prev.Start:prev.End]) {
			context[index.Stem(t.Term)] = true
		}
	}
	passageTerms := make(map[string]int)
	for _, m := range terms {
		for t, n := range m {
			passageTerms[t] += n
		}
	}
	names := namesIn(qs.names, stems)
	out := make([]*candidate, 0, len(sents))
	for i := range sents {
		var match, covered, adj, pass, ttl float64
		for _, t := range qs.uniq {
			w := qs.terms[t]
			tf := float64(terms[i][t])
			if tf > 0 {
				norm := 1 - bm25B + bm25B*float64(lens[i])/avgSentTerms
				match += w * tf * (bm25K1 + 1) / (tf + bm25K1*norm)
				covered += w
				continue
			}
			// Words of the question found around the sentence support it.
			switch {
			case i > 0 && terms[i-1][t] > 0, i+1 < len(sents) && terms[i+1][t] > 0:
				adj += w
			case passageTerms[t] > 0, context[t]:
				pass += w
			case title[t]:
				ttl += w
			}
		}
		if covered == 0 {
			continue
		}
		c := &candidate{doc: d, passage: p, sents: sents, i: i, terms: terms, names: names}
		f := &c.f
		f[fMatch] = match / (qs.total * (bm25K1 + 1))
		f[fCov] = covered / qs.total
		f[fAdj] = adj / qs.total
		f[fPass] = pass / qs.total
		f[fTitle] = ttl / qs.total
		f[fHit] = hitScore
		f[fPhrase] = pairCoverage(qs, seqs[i])
		if lens[i] < 5 {
			f[fShort] = 1 // "Thank you." and the like
		}
		f[fRank] = float64(rank)
		novel := 0
		for _, t := range seqs[i] {
			if _, ok := qs.terms[t]; !ok {
				novel++
			}
		}
		if novel == 0 {
			f[fNoNew] = 1
		}
		out = append(out, c)
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

// quote builds the quote for c: its sentence, widened by a neighbour when
// the sentence alone is too short to stand on its own or the neighbour
// answers too, but never into a sentence already quoted (taken). It also
// returns the first and last sentence it spans.
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
		return !taken(i) && (size(lo, hi) < wideShort || scoreOf[i] >= wideRatio*c.score)
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
	speaker := d.Passages[p].Speaker
	if speaker == "" {
		speaker = attribution(text)
	}
	return Quote{
		Text: text, Speaker: speaker, DocID: d.ID, Title: d.Title, Source: d.Source,
		Kind: d.Kind, Date: d.Date, URL: d.URL, Start: start, End: end, Score: score,
	}
}

// related returns up to three of the closest passages, each cut to its
// first sentences, for a question the corpus does not answer.
func (e *Engine) related(hits []index.Hit, doc func(string) (*corpus.Document, error)) []Quote {
	var out []Quote
	seen := make(map[string]bool)
	for _, h := range hits {
		if len(out) == 3 {
			break
		}
		d, err := doc(h.DocID)
		if err != nil || h.Passage >= len(d.Passages) || seen[d.ID] {
			continue
		}
		p := h.Passage
		if d.Passages[p].IsQuestion() {
			if p+1 >= len(d.Passages) || d.Passages[p+1].IsQuestion() {
				continue
			}
			p++
		}
		seen[d.ID] = true
		ps := d.Passages[p]
		ss := sentences(d.Body[ps.Start:ps.End])
		if len(ss) == 0 {
			continue
		}
		end := ps.Start + ss[0].End
		for _, s := range ss[1:] {
			if ps.Start+s.End-ps.Start > 300 {
				break
			}
			end = ps.Start + s.End
		}
		start := ps.Start + ss[0].Start
		if end-start > maxQuoteBytes {
			end = cutAtWord(d.Body, start, start+maxQuoteBytes)
		}
		out = append(out, e.cite(d, p, start, end, h.Score))
	}
	return out
}
