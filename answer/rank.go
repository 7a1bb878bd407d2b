package answer

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// candidatePassages is how many passages one search retrieves: 50
// rather than 25 put an accepted answer among the first three quotes for
// 12 more of the 342 questions of qa/train and 3 more of set A's (one
// fewer first), each after a fresh fit (2026-12-01, BENCHMARKS.md), at
// about 1.5 ms more of the answer's median. When
// fewer than minCandidates quotable sentences come of them (the closest
// passages are lines of a list, a fact-check's claims, headlines: short,
// so they outscore the statements), the search goes on to
// widePassages.
const (
	candidatePassages = 50
	widePassages      = 100
	minCandidates     = 12
)

// ranked is a question's candidate sentences, best first.
type ranked struct {
	p     *params // the parameters it was ranked with
	qs    questionTerms
	cands []*candidate
	docs  map[string]*corpus.Document // the documents read for it, by ID
	// vouched: the best sentence is quoted whatever its confidence, as
	// the words of the speaker asked for, or as naming the thing asked
	// about (see Engine.search).
	vouched bool
}

// candidate is a sentence that may answer.
type candidate struct {
	doc        *corpus.Document
	passage    int
	sents      []span // all sentences of the passage (body offsets)
	i          int    // this sentence
	terms      []map[string]int
	quotable   []bool // which sentences of the passage can anchor a quote
	f          features
	score      float64
	confidence float64
	content    map[string]bool // content terms of this sentence, for diversity; see contentTerms
	names      uint64          // the question's names its passage holds (bit k: qs.names[k])
}

// text is the candidate's sentence.
func (c *candidate) text() string { return c.doc.Body[c.sents[c.i].Start:c.sents[c.i].End] }

// hitInfo is a retrieved passage with its place among the hits.
type hitInfo struct {
	index.Hit
	rank  int
	score float64 // over the best hit of its search
}

// rank retrieves passages for qu and scores their quotable sentences.
// A question that asks for the latest also searches the corpus's last
// year, so that new answers are among the candidates even when older ones
// match more words.
func (e *Engine) rank(ctx context.Context, qu query) (ranked, error) {
	r := ranked{p: e.params()}
	qs := e.prepareWith(qu.topic, qu.df)
	r.qs = qs
	if len(qs.terms) == 0 {
		return r, ErrEmptyQuestion
	}
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	base := index.Query{
		Terms: append(slices.Clip(qs.order), qs.aliasTerms...), Since: qu.period.since, Until: qu.period.until,
		Source: qu.q.Source, Speakers: qu.speakers, Size: candidatePassages, StableTies: e.Stable,
	}
	hits, err := e.searchIndex(ctx, base)
	if err != nil {
		return r, err
	}
	lists := [][]index.Hit{hits}
	newest := e.newest()
	if qu.recent == recencyStrong && !newest.IsZero() {
		from := newest.AddDate(-1, 0, 0)
		if base.Since.Before(from) && (base.Until.IsZero() || base.Until.After(from)) {
			recent := base
			recent.Since = from
			more, err := e.searchIndex(ctx, recent)
			if err != nil {
				return r, err
			}
			lists = append(lists, more)
		}
	}
	// A period read from the question is when something happened, and a
	// later document may say what happened then: "In 2021, the economy
	// created 6.7 million jobs" is in a 2022 release. The year after the
	// period is searched too, for passages that name it; of those, only
	// sentences that name it are candidates (see period.names). What a
	// speaker said in a period was said then.
	year, _, calendar := qu.period.calendar()
	later := calendar && qu.periodInferred && len(qu.speakers) == 0
	var laterHits []index.Hit
	if later {
		after := base
		after.Since = qu.period.until.Add(time.Nanosecond)
		after.Until = qu.period.until.AddDate(1, 0, 0)
		for _, t := range e.idx.Analyze(year) {
			after.Must = append(after.Must, t.Term)
		}
		more, err := e.searchIndex(ctx, after)
		if err != nil {
			return r, err
		}
		laterHits = more
		lists[0] = byScore(hits, laterHits)
	}
	r.docs = make(map[string]*corpus.Document)
	infos := mergeHits(lists)
	if len(infos) == 0 {
		return r, nil
	}
	pl := pool{seen: make(map[string]bool), titles: make(map[string]map[string]bool), titleNames: make(map[string]uint64)}
	if err := e.gather(qu, &r, infos, &pl); err != nil {
		return r, err
	}
	if len(pl.cands) < minCandidates && len(hits) == base.Size {
		wide := base
		wide.Size = widePassages
		if lists[0], err = e.searchIndex(ctx, wide); err != nil {
			return r, err
		}
		lists[0] = byScore(lists[0], laterHits)
		if err := e.gather(qu, &r, mergeHits(lists), &pl); err != nil {
			return r, err
		}
	}
	if later {
		pl.cands = slices.DeleteFunc(pl.cands, func(c *candidate) bool {
			return c.doc.Date.After(qu.period.until) && !qu.period.names(c.text())
		})
	}
	e.weigh(&r, qu, &pl, newest)
	return r, nil
}

// byScore is one ranking of two searches of the same terms, whose scores
// are on one scale.
func byScore(a, b []index.Hit) []index.Hit {
	if len(b) == 0 {
		return a
	}
	out := append(slices.Clip(a), b...)
	slices.SortStableFunc(out, func(x, y index.Hit) int { return cmp.Compare(y.Score, x.Score) })
	return out
}

// pool is the candidates gathered from a question's searches, with what
// gathering them learnt of their documents.
type pool struct {
	cands      []*candidate
	seen       map[string]bool            // passages scored, "docID#passage"
	titles     map[string]map[string]bool // the stemmed words of each document's title
	titleNames map[string]uint64          // the question's names each title holds (bit k: qs.names[k])
}

// gather scores the quotable sentences of the retrieved passages not in
// pl yet, in the order retrieved, and adds them to pl. The documents are
// read, and the passages scored, on e.workers goroutines: a question is
// answered sooner where there are cores to spare, and the candidates come
// out in the same order whatever the number.
func (e *Engine) gather(qu query, r *ranked, infos []hitInfo, pl *pool) error {
	if err := e.readDocs(r.docs, infos); err != nil {
		return err
	}
	qs, seen, titles, titleNames := r.qs, pl.seen, pl.titles, pl.titleNames
	type job struct {
		d        *corpus.Document
		p, rank  int
		title    map[string]bool
		hitScore float64
	}
	var jobs []job
	for _, h := range infos {
		d := r.docs[h.DocID]
		if h.Passage >= len(d.Passages) {
			continue
		}
		p := h.Passage
		hitScore := h.score
		if d.Passages[p].FromAudience() {
			continue
		}
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
				st := qs.meet(index.Stem(t.Term))
				title[st] = true
				seq = append(seq, st)
			}
			titles[d.ID] = title
			titleNames[d.ID] = namesIn(qs.names, seq)
		}
		jobs = append(jobs, job{d, p, h.rank, title, hitScore})
	}
	scored := make([][]*candidate, len(jobs))
	inParallel(e.workers, len(jobs), func(i int) error {
		j := jobs[i]
		scored[i] = e.score(qs, j.d, j.p, j.title, j.hitScore, j.rank)
		return nil
	})
	for i, cs := range scored {
		if n := jobs[i].d.Passages[jobs[i].p].Name; n != "" && slices.Contains(qu.subjects, n) {
			for _, c := range cs {
				c.f[fSubject] = 1
			}
		}
		pl.cands = append(pl.cands, cs...)
	}
	return nil
}

// readDocs reads into docs the documents of infos it does not hold yet.
func (e *Engine) readDocs(docs map[string]*corpus.Document, infos []hitInfo) error {
	var ids []string
	for _, h := range infos {
		if _, ok := docs[h.DocID]; !ok && !slices.Contains(ids, h.DocID) {
			ids = append(ids, h.DocID)
		}
	}
	read := make([]corpus.Document, len(ids))
	err := inParallel(e.workers, len(ids), func(i int) (err error) {
		read[i], err = e.idx.Document(ids[i])
		return err
	})
	if err != nil {
		return err
	}
	for i, id := range ids {
		docs[id] = &read[i]
	}
	return nil
}

// maxWorkers is the most goroutines that work on one question.
const maxWorkers = 4

// defaultWorkers is how many goroutines work on one question: one per
// processor, at most maxWorkers.
func defaultWorkers() int { return min(runtime.GOMAXPROCS(0), maxWorkers) }

// inParallel calls f(0) to f(n-1) on up to workers goroutines (fewer for
// a short list) and returns the error of the lowest i that failed.
func inParallel(workers, n int, f func(i int) error) error {
	workers = min(workers, n/2)
	if workers <= 1 {
		for i := range n {
			if err := f(i); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				errs[i] = f(i)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// weigh scores the candidates in pl against each other and their
// documents, puts them in order and keeps them in r.
func (e *Engine) weigh(r *ranked, qu query, pl *pool, newest time.Time) {
	qs, cands, titles, titleNames := r.qs, pl.cands, pl.titles, pl.titleNames
	// Document evidence: the share of the topic's weight that the
	// document's retrieved passages hold together (and its title). A
	// sentence in the document the question is about beats a look-alike
	// elsewhere.
	docTerms := make(map[*corpus.Document]map[string]bool)
	counted := make(map[*map[string]int]bool) // passages whose terms are in docTerms
	for _, c := range cands {
		m := docTerms[c.doc]
		if m == nil {
			m = make(map[string]bool)
			for t := range titles[c.doc.ID] {
				m[t] = true
			}
			docTerms[c.doc] = m
		}
		if counted[&c.terms[0]] {
			continue
		}
		counted[&c.terms[0]] = true
		for _, st := range c.terms {
			for t := range st {
				m[t] = true
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
	topicSize := math.Log1p(float64(len(qs.uniq)))
	for _, c := range cands {
		f := &c.f
		f[fDoc] = docCov[c.doc]
		f[fDocCaps] = docCaps[c.doc]
		// A question that names people, places or things the document
		// never mentions is about something else.
		if qs.namesTotal > 0 {
			f[fNamesMissing] = math.Min(1, qs.namesTotal/qs.total) * (1 - docCaps[c.doc])
		}
		f[fUnknown] = qs.unknown / qs.total
		f[fTopicSize] = topicSize
		f[fDomainMin], f[fDomainMean] = qs.domainMin, qu.domain
		if qu.outside {
			f[fOutside] = 1
		}
		f[fKind] = r.p.kindPriors[docClass(c.doc)]
		if !c.doc.Date.IsZero() && !newest.IsZero() {
			age := newest.Sub(c.doc.Date).Hours() / 24
			f[fAge] = math.Exp(-math.Max(0, age) / 365)
		}
		switch qu.recent {
		case recencySoft:
			f[fAgeSoft] = f[fAge]
		case recencyStrong:
			f[fAgeStrong] = f[fAge]
		}
		c.score = r.p.score(f, qs.kind)
	}
	// The answer-type cues (regular expressions over the text) are the
	// costly part of scoring; only sentences that can still reach the top
	// get them.
	best := math.Inf(-1)
	for _, c := range cands {
		best = math.Max(best, c.score)
	}
	tw := r.p.typeW[qs.kind]
	reach := best - tw[0] + tw[1] - math.Abs(r.p.rank[fConsensus]) - math.Abs(r.p.rank[fCentral])
	var near []*candidate
	for _, c := range cands {
		// Asked how many, any topical sentence with a number may go first
		// (see numbersFirst).
		if qu.allTypes || c.score >= reach || qs.kind == kindNumber && topical(c) {
			near = append(near, c)
		}
	}
	// Answers that several documents give agree: "$369 billion" for the
	// climate money of the Inflation Reduction Act, "We are not going to
	// be negotiating over the debt ceiling" said again and again.
	consensus(qs, near)
	e.centrality(qs, near)
	for _, c := range near {
		c.f[fTypeYes], c.f[fTypeNo] = answerType(qs, c.text())
		c.score = r.p.score(&c.f, qs.kind)
	}
	for _, c := range cands {
		c.confidence = r.p.confidence(&c.f)
	}
	sort.SliceStable(cands, func(i, j int) bool { return before(cands[i], cands[j]) })
	if qs.kind == kindNumber {
		numbersFirst(cands, r.p.bands.Answer)
	}
	if qu.recent == recencyStrong {
		newestFirst(cands, r.p.bands.Answer, qs)
		// "What's the latest on Iran?": the newest document about Iran
		// answers, however little its sentences are like the questions
		// the confidence learnt from.
		r.vouched = len(cands) > 0 && aboutByTitle(cands[0]) && answersAlone(cands[0], 0, qs)
	}
	r.cands = cands
}

// before reports whether a ranks above b: a sentence that holds some of
// the topic above one that does not (see ownTopic), then by score, then
// in the order of the documents.
func before(a, b *candidate) bool {
	if oa, ob := ownTopic(a), ownTopic(b); oa != ob {
		return oa
	}
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
}

// ownTopic reports whether c's sentence itself holds a word of the topic,
// or a relative of one. A sentence that only stands near the topic ("He
// can't hear us." in a passage about hurricanes) says nothing about it,
// and comes after every sentence that does.
func ownTopic(c *candidate) bool { return c.f[fCov]+c.f[fBridge] > 0 }

// topical reports whether c's sentence itself holds at least half the
// weight of the question's topic, its words or their relatives.
func topical(c *candidate) bool { return c.f[fCov]+c.f[fBridge] >= 0.5 }

// numbersFirst puts first, in their order, the candidates of a "how
// many" question that hold a number the question does not, at least half
// its topic and are confident enough to be answered with (at least
// floor): a sentence without a number does not answer, however well it
// matches the words.
func numbersFirst(cands []*candidate, floor float64) {
	toFront(cands, func(c *candidate) bool { return c.f[fTypeYes] > 0 && topical(c) && c.confidence >= floor })
}

// newestFirst puts first, newest day first, the candidates that answer on
// their own (see answersAlone): a question that asks for the latest
// ("What's the latest on …", "Who is the press secretary?") wants the
// newest statement that answers, not the one that matches the most
// words. The others keep their order after them; among answers of one
// day the score decides.
func newestFirst(cands []*candidate, floor float64, qs questionTerms) {
	day := func(c *candidate) int {
		y, m, d := c.doc.Date.Date()
		return y*10000 + int(m)*100 + d
	}
	n := toFront(cands, func(c *candidate) bool { return answersAlone(c, floor, qs) })
	good := cands[:n]
	sort.SliceStable(good, func(i, j int) bool { return day(good[i]) > day(good[j]) })
}

// answersAlone reports whether c answers on its own: confident enough to
// be answered with (at least floor), with at least half the topic's
// weight in the sentence itself, and the administration's words, not a
// third party's quoted in a release. Asked who, it names someone and
// holds words of the office asked together ("Press Secretary Karoline
// Leavitt", not "HHS Secretary Robert F. Kennedy Jr. … at a press
// conference"); asked how many, it holds a number.
func answersAlone(c *candidate, floor float64, qs questionTerms) bool {
	if c.confidence < floor && !aboutByTitle(c) || !topical(c) || c.f[fThird] != 0 {
		return false
	}
	// A name of several words stands together in its passage: "World
	// Organization for Animal Health" is not the World Health Organization.
	for k, n := range qs.names {
		if len(n.stems) > 1 && c.names&(1<<k) == 0 {
			return false
		}
	}
	switch qs.kind {
	case kindPerson:
		return namesHolder(c.text(), qs) && (len(qs.pairs) == 0 || c.f[fPhrase] > 0)
	case kindNumber:
		return c.f[fTypeYes] > 0
	}
	return true
}

// aboutByTitle reports whether c's document is about the whole topic by
// its title ("Peace Through Strength: … Iranian Threat" for "the latest
// on Iran") and c's sentence holds all of it too.
func aboutByTitle(c *candidate) bool {
	return c.f[fTitleHas] >= 0.999 && c.f[fCov]+c.f[fBridge] >= 0.999
}

// toFront moves the candidates keep accepts before the others, each
// group in its order, and returns how many it accepted.
func toFront(cands []*candidate, keep func(*candidate) bool) int {
	var good, rest []*candidate
	for _, c := range cands {
		if keep(c) {
			good = append(good, c)
		} else {
			rest = append(rest, c)
		}
	}
	copy(cands, good)
	copy(cands[len(good):], rest)
	return len(good)
}

// mergeHits joins the hits of several searches: a passage found twice
// keeps its better place.
func mergeHits(lists [][]index.Hit) []hitInfo {
	var out []hitInfo
	at := make(map[index.Hit]int)
	for _, hits := range lists {
		if len(hits) == 0 {
			continue
		}
		top := hits[0].Score
		for rank, h := range hits {
			key := index.Hit{DocID: h.DocID, Passage: h.Passage}
			hi := hitInfo{Hit: h, rank: rank, score: h.Score / top}
			if i, ok := at[key]; ok {
				if hi.score > out[i].score {
					out[i].score = hi.score
				}
				out[i].rank = min(out[i].rank, rank)
				continue
			}
			at[key] = len(out)
			out = append(out, hi)
		}
	}
	return out
}

// docClass sorts a document into the classes whose priors fKind weighs:
// a briefing or a statement answers more often than a proclamation or a
// list of nominees.
func docClass(d *corpus.Document) string {
	t := strings.ToLower(d.Title)
	k := strings.ToLower(d.Kind)
	switch {
	case strings.Contains(t, "nominat") || strings.Contains(t, "appointments") || strings.Contains(t, "key appointment"):
		return "nomination"
	case k == "presidential-actions" || strings.HasPrefix(t, "a proclamation") || strings.HasPrefix(t, "executive order") ||
		strings.HasPrefix(t, "memorandum") || strings.HasPrefix(t, "proclamation"):
		return "action"
	case strings.HasPrefix(t, "readout"):
		return "readout"
	case strings.Contains(t, "fact sheet") || k == "fact-sheets":
		return "fact-sheet"
	case k == "press-briefings" || strings.Contains(t, "press briefing") || strings.Contains(t, "gaggle") ||
		strings.Contains(t, "press call") || strings.Contains(t, "press conference"):
		return "briefing"
	case k == "speeches-remarks" || k == "remarks" || strings.HasPrefix(t, "remarks"):
		return "remarks"
	case strings.HasPrefix(t, "statement") || k == "statements-releases" || k == "briefings-statements":
		return "statement"
	case strings.HasPrefix(t, "what they are saying") || strings.HasPrefix(t, "icymi") || strings.HasPrefix(t, "watch:") ||
		strings.Contains(t, "what they are saying"):
		return "roundup" // others' words, collected
	case k == "articles":
		return "article"
	}
	return "other"
}

// SearchTerms returns the index terms Ask searches for text: its topic
// words, stop words, frame words, names of speakers and dates left out.
// Benchmarks use it to time retrieval alone.
func (e *Engine) SearchTerms(text string) []string {
	return e.prepare(e.understand(Question{Text: text}).topic).order
}

// questionTerms is an analysed question topic.
type questionTerms struct {
	terms      map[string]float64 // stem of a content term -> weight (idf times repetitions)
	order      []string           // content terms in question order, repeated as asked
	total      float64            // sum of weights
	unknown    float64            // weight of the terms the corpus never uses
	domainMin  float64            // the least affinity of a term to the corpus
	all        map[string]bool    // every analysed term of the question, stop words included
	kind       answerKind
	counted    map[string]bool // stems of what a number question counts ("jobs" of "how many jobs")
	pairs      [][2]string     // consecutive content terms of the question
	verbs      []string        // stems of the question's own verbs, the thing done ("sign" of "When did Biden sign …?")
	uniq       []string        // distinct content terms, sorted: sums over them are reproducible
	names      []name          // the names the question mentions
	namesTotal float64         // their weight
	// country: the question's "us" is the country ("the US", "U.S."),
	// which a sentence may call the United States, America or
	// American, and not the pronoun of "let us".
	country bool
	// slots are the question's "troops to Ukraine": a word, the
	// preposition after it and the word that fills it (stems). A
	// sentence that fills the slot with something else ("troops to NATO
	// allies") is about another thing (see slotConflicts).
	slots []slot
	// alias: a sentence's stem that stands for one of the question's, a
	// place's other word ("ukrainian" for "ukrain") or a verb's other
	// form ("win" for "won"); aliasTerms are the index terms of the
	// places', searched too.
	alias      map[string]string
	aliasTerms []string
	// unknownWords are the names' words the corpus never uses in any
	// spelling ("Macron" of a corpus without him; not "Gospic" of one
	// with "Gospić"), as the question wrote them.
	unknownWords []string
}

// meet returns the question's stem that a text's stem st stands for
// (see alias), or st itself.
func (qs *questionTerms) meet(st string) string {
	if a := qs.alias[st]; a != "" {
		return a
	}
	return st
}

func (e *Engine) prepare(text string) questionTerms { return e.prepareWith(text, nil) }

// prepareWith is prepare with the document frequencies already looked up
// for the question (see Engine.domain); it adds those it looks up.
func (e *Engine) prepareWith(text string, dfs map[string][2]int) questionTerms {
	docFreq := func(t string) (int, int) {
		if v, ok := dfs[t]; ok {
			return v[0], v[1]
		}
		df, n := e.idx.DocFreq(t)
		if dfs != nil {
			dfs[t] = [2]int{df, n}
		}
		return df, n
	}
	qs := questionTerms{terms: make(map[string]float64), all: make(map[string]bool), kind: classify(text)}
	count := make(map[string]float64) // index term -> times asked
	unspelt := make(map[string]bool)  // stems of words the corpus has in no spelling
	var stemOrder []string
	toks := e.idx.Analyze(text)
	for i, t := range toks {
		qs.all[t.Term] = true
		if t.Term == "us" {
			if text[t.Start] != 'U' && !strings.Contains(text[t.Start:t.End], ".") && (i == 0 || toks[i-1].Term != "the") {
				continue // "tell us": the pronoun
			}
			qs.country = true
		}
		if e.stop[t.Term] || e.frame[t.Term] || !hasLetterOrDigit(t.Term) {
			continue
		}
		if len(qs.order) == index.MaxTerms {
			break
		}
		// A word the corpus (nearly) never uses may be a spelling of one it
		// uses often: "Zelensky" for "Zelenskyy". A name (capitalised
		// after the first word) may be the rarer spelling even when the
		// corpus has it a few times.
		isName := false
		if t.Start > 0 && t.Start < len(text) {
			r, _ := utf8.DecodeRuneInString(text[t.Start:])
			isName = unicode.IsUpper(r)
		}
		if df, _ := docFreq(t.Term); df < 5 || isName && df < 200 {
			alt, n := e.idx.Similar(t.Term)
			if alt != "" && isName {
				n, _ = docFreq(alt)
			}
			if alt != "" && n >= 10*(df+1) {
				t.Term = alt
				qs.all[alt] = true
			} else if df == 0 && isName && !e.idx.Spelt(t.Term) {
				unspelt[index.Stem(t.Term)] = true
			}
		}
		qs.order = append(qs.order, t.Term)
		stemOrder = append(stemOrder, index.Stem(t.Term))
		count[t.Term]++
	}
	if qs.kind == kindNumber {
		if m := reCounted.FindStringSubmatch(text); m != nil {
			for _, w := range m[1:] {
				t := strings.ToLower(w)
				if w == "" || e.stop[t] || e.frame[t] {
					break
				}
				if qs.counted == nil {
					qs.counted = make(map[string]bool)
				}
				qs.counted[index.Stem(t)] = true
			}
		}
	}
	qs.verbs = e.predicate(text)
	qs.slots = e.slotsOf(text, toks)
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
	unknown := make(map[string]bool)
	qs.domainMin = math.Inf(1)
	for _, t := range terms {
		df, total := docFreq(t)
		a := e.Background.affinity(df, total, t)
		qs.domainMin = math.Min(qs.domainMin, a)
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
			unknown[st] = df == 0
		}
	}
	for st := range qs.terms {
		qs.uniq = append(qs.uniq, st)
	}
	sort.Strings(qs.uniq)
	for _, st := range qs.uniq {
		qs.total += qs.terms[st]
		if unknown[st] {
			qs.unknown += qs.terms[st]
		}
		// "Ukrainian" of the question is met by "Ukraine", "won" by "win",
		// and the other way round (see placeWords, verbForms).
		if p := e.kin[st]; p != nil {
			for i, o := range p.stems {
				if _, asked := qs.terms[o]; asked || qs.alias[o] != "" {
					continue
				}
				if qs.alias == nil {
					qs.alias = make(map[string]string)
				}
				qs.alias[o] = st
				qs.all[o], qs.all[p.terms[i]] = true, true
				if p.search {
					qs.aliasTerms = append(qs.aliasTerms, p.terms[i])
				}
			}
		}
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
			st := index.Stem(t.Term)
			run = append(run, st)
			if unknown[st] && unspelt[st] {
				unspelt[st] = false // named once
				qs.unknownWords = append(qs.unknownWords, strings.Trim(w, ",.;:?!()\"“”'’"))
			}
		}
		if strings.ContainsAny(w[len(w)-1:], ",.;:?!)\"”") {
			flush()
		}
	}
	flush()
	// A year the topic holds ("the 2010 Stanley Cup", "the 1992
	// election") singles out an event as a name does: a document that
	// never mentions it is about another one.
	for _, st := range qs.uniq {
		if reYearWord.MatchString(st) && !named(qs.names, st) && len(qs.names) < maxNames {
			qs.names = append(qs.names, name{stems: []string{st}, weight: qs.terms[st]})
			qs.namesTotal += qs.terms[st]
		}
	}
	return qs
}

// named reports whether st is a word of one of names.
func named(names []name, st string) bool {
	for _, n := range names {
		if slices.Contains(n.stems, st) {
			return true
		}
	}
	return false
}

// predicate returns the stems of the verbs of a question that say what
// was done: "sign" of "When did Biden sign the infrastructure bill?",
// "declare" of "Did Trump declare a national energy emergency?". Without
// a parser, a verb is a word of the verb lexicon in one of the places a
// question puts one: the first within six words after an auxiliary ("did
// the Supreme Court rule"), the word after an opening "Who" ("Who won"),
// or a past participle anywhere ("were picked"). A speech or stance verb
// there ("say", "support": the answer states it in its own words) means
// none, and a word after an article or a possessive is a noun ("the
// ban", "Trump's pick").
func (e *Engine) predicate(text string) []string {
	var out []string
	add := func(w string) {
		for _, t := range e.idx.Analyze(w) {
			if st := index.Stem(t.Term); !slices.Contains(out, st) {
				out = append(out, st)
			}
		}
	}
	fields := strings.Fields(text)
	words := make([]string, len(fields))
	for i, f := range fields {
		words[i] = strings.Trim(f, ",.;:?!()\"“”'’")
	}
	isVerb := func(i int) bool {
		w := words[i]
		if w == "" || !verbs[w] && !extraVerbs[w] || auxiliaries[w] {
			return false // lower case only: a capitalised word is a name
		}
		prev := strings.ToLower(words[i-1])
		return !determiners[prev] && !strings.HasSuffix(fields[i-1], "'s") && !strings.HasSuffix(fields[i-1], "’s")
	}
	after := -1 // the word after the last auxiliary, while its verb is sought
	for i := range words {
		lw := strings.ToLower(words[i])
		switch {
		case auxiliaries[lw]:
			after = i + 1
		case i == 0:
		case after >= 0 && i-after < 6 && isVerb(i):
			if !stances[lw] && !e.frame[lw] && !reSpeech.MatchString(lw) {
				add(words[i])
			}
			after = -1
		case i == 1 && strings.EqualFold(words[0], "who") && isVerb(i),
			strings.HasSuffix(words[i], "ed") && !notVerbsEd[words[i]] && isVerb(i):
			add(words[i])
		}
	}
	return out
}

// verbMet is the share of the question's verbs the sentence (its stems)
// holds, or meets through related words; 0 when the question has none.
func (e *Engine) verbMet(qs questionTerms, sent map[string]int) float64 {
	if len(qs.verbs) == 0 {
		return 0
	}
	var n float64
	for _, v := range qs.verbs {
		if sent[v] > 0 {
			n++
		} else {
			n += e.bridged(v, sent)
		}
	}
	return n / float64(len(qs.verbs))
}

var (
	auxiliaries = wordSet(`is are was were be been being am has have had having do does did doing done will would
		can could should shall may might must get got gets`)
	stances = wordSet(`support supports supported back backs backed favor favors favored want wants wanted
		oppose opposes opposed like likes stand stands think thinks feel feels plan plans planning`)
	determiners = wordSet(`the a an this that these those its his her their our my your any no`)
	// extraVerbs are verbs of what governments do that the quotability
	// lexicon (verbs) lacks.
	extraVerbs = wordSet(`pardon pardoned rename renamed rejoin rejoined cancel cancelled canceled forgive forgave
		forgiven sanction sanctioned invade invaded evacuate evacuated nominate nominated sue sued revoke revoked
		rescind rescinded enact enacted banned fire fired elect elected invoke invoked`)
)

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

const (
	bm25K1       = 1.2
	bm25B        = 0.4
	avgSentTerms = 24.0
)

// score splits passage p of d into sentences and scores each quotable
// one against the question.
func (e *Engine) score(qs questionTerms, d *corpus.Document, p int, title map[string]bool, hitScore float64, rank int) []*candidate {
	ps := d.Passages[p]
	text := d.Body[ps.Start:ps.End]
	sents := sentences(text)
	if len(sents) == 0 {
		return nil
	}
	ok := make([]bool, len(sents))
	any := false
	for i := range sents {
		ok[i] = quotable(text[sents[i].Start:sents[i].End])
		any = any || ok[i]
		sents[i].Start += ps.Start
		sents[i].End += ps.Start
	}
	if !any {
		return nil
	}
	toks := e.idx.Analyze(text)
	cites := citations(text)
	if names := e.otherLaws(text, qs); len(names) > 0 {
		cites = append(cites, names...)
		slices.SortFunc(cites, func(a, b [2]int) int { return cmp.Compare(a[0], b[0]) })
	}
	terms := make([]map[string]int, len(sents))
	seqs := make([][]string, len(sents))
	lens := make([]int, len(sents))
	for i := range terms {
		terms[i] = make(map[string]int)
	}
	k := 0
	prev := ""
	var words [][]word // every word of each sentence, for the question's slots
	if len(qs.slots) > 0 {
		words = make([][]word, len(sents))
	}
	var stems []string // every word of the passage, to find the question's names in
	if len(qs.names) > 0 {
		stems = make([]string, 0, len(toks))
	}
	for _, t := range toks {
		for len(cites) > 0 && t.Start >= cites[0][1] {
			cites = cites[1:]
		}
		if len(cites) > 0 && t.Start >= cites[0][0] {
			continue // another document's title, cited
		}
		at := t.Start + ps.Start
		for k < len(sents)-1 && at >= sents[k].End {
			k++
		}
		st := index.Stem(t.Term)
		if st == "us" && text[t.Start] == 'u' {
			st = usPronoun // "let us", not the U.S.
		}
		st = qs.meet(st) // "Ukrainian" where the question says "Ukraine"
		if stems != nil {
			stems = append(stems, st)
		}
		terms[k][st]++
		if qs.country && (st == "america" || st == "american" || t.Term == "state" && prev == "united") {
			terms[k]["us"]++
		}
		prev = t.Term
		if words != nil {
			words[k] = append(words[k], word{t.Term, unicode.IsUpper(firstRune(text[t.Start:]))})
		}
		if !e.stop[t.Term] {
			seqs[k] = append(seqs[k], st)
		}
		lens[k]++
	}
	// Context: the reporter's question this turn answers.
	context := make(map[string]bool)
	if p > 0 && d.Passages[p-1].IsQuestion() {
		prev := d.Passages[p-1]
		for _, t := range e.idx.Analyze(d.Body[prev.Start:prev.End]) {
			context[qs.meet(index.Stem(t.Term))] = true
		}
	}
	passageTerms := make(map[string]int)
	for _, m := range terms {
		for t, n := range m {
			passageTerms[t] += n
		}
	}
	names := namesIn(qs.names, stems)
	var titleShare float64
	for _, t := range qs.uniq {
		if title[t] {
			titleShare += qs.terms[t]
		}
	}
	titleShare /= qs.total
	named := 0.0
	if ps.Name != "" {
		named = 1
	}
	third := -1.0 // thirdParty's, once a sentence is a candidate
	out := make([]*candidate, 0, len(sents))
	for i := range sents {
		if !ok[i] {
			continue
		}
		var match, covered, adj, pass, qturn, ttl, bridged float64
		var elsewhere []string // the question's words the sentence puts in another slot
		if words != nil {
			elsewhere = slotConflicts(qs.slots, words[i], qs.alias)
		}
		for _, t := range qs.uniq {
			w := qs.terms[t]
			tf := float64(terms[i][t])
			if slices.Contains(elsewhere, t) {
				tf = 0
			}
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
			case passageTerms[t] > 0:
				pass += w
			case context[t]:
				qturn += w
			case title[t]:
				ttl += w
			default:
				if s := e.bridged(t, terms[i]); s > 0 {
					bridged += w * s
				}
			}
		}
		if covered == 0 && bridged == 0 && adj == 0 && pass == 0 && qturn == 0 {
			continue // nothing of the topic in the sentence or around it
		}
		c := &candidate{doc: d, passage: p, sents: sents, i: i, terms: terms, quotable: ok, names: names}
		f := &c.f
		f[fMatch] = match / (qs.total * (bm25K1 + 1))
		f[fCov] = covered / qs.total
		f[fAdj] = adj / qs.total
		f[fPass] = pass / qs.total
		f[fQTurn] = qturn / qs.total
		f[fTitle] = ttl / qs.total
		f[fTitleHas] = titleShare
		f[fBridge] = bridged / qs.total
		f[fHit] = hitScore
		f[fPhrase] = pairCoverage(qs, seqs[i])
		f[fVerb] = e.verbMet(qs, terms[i])
		f[fRank] = float64(rank)
		f[fNamed] = named
		if third < 0 {
			third = thirdParty(qs, ps, text)
		}
		f[fThird] = third
		f[fLength] = math.Min(1, math.Log1p(float64(lens[i]))/math.Log1p(60))
		if i == 0 {
			f[fFirst] = 1
		}
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

// firstRune is the first letter of s.
func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// usPronoun is what the pronoun "us" is counted as in a sentence, so that
// it does not meet the question's "US".
const usPronoun = "us·pron"

// slot is a word of the question with the preposition after it and the
// word that fills it: "troops to Ukraine", "tariffs on Canada", "nominate
// to the Supreme Court". All are stems, the preposition as written.
type slot struct {
	pre, head, prep, fill string
	abbr                  string // the fill written in capitals ("nyc"), which a name's initials spell
}

// word is a word of a sentence as analysed, and whether it is written
// with a capital.
type word struct {
	term string
	caps bool
}

// slotPreps are the prepositions whose object tells things apart: troops
// sent to Ukraine or to NATO allies, tariffs on Canada or on China.
var slotPreps = map[string]bool{"to": true, "on": true, "in": true, "into": true, "against": true, "for": true, "from": true, "with": true}

// slotSkip are the words between a preposition and its object.
var slotSkip = map[string]bool{"the": true, "a": true, "an": true, "its": true, "their": true, "our": true}

// slotsOf finds the question's slots in its analysed words: a content
// word, a preposition right after it and the next content word, a name
// (written with a capital): "troops to Ukraine", not "live in the city",
// whose city a sentence may call by its name.
func (e *Engine) slotsOf(text string, toks []index.Token) []slot {
	content := func(t string) bool { return !e.stop[t] && !e.frame[t] && hasLetterOrDigit(t) }
	var out []slot
	for i := 0; i+2 < len(toks); i++ {
		h, p := toks[i], toks[i+1]
		if !content(h.Term) || !slotPreps[p.Term] || strings.TrimSpace(text[h.End:p.Start]) != "" {
			continue
		}
		j := i + 2
		for j < len(toks) && slotSkip[toks[j].Term] {
			j++
		}
		if j < len(toks) && content(toks[j].Term) && unicode.IsUpper(firstRune(text[toks[j].Start:])) {
			s := slot{head: index.Stem(h.Term), prep: p.Term, fill: index.Stem(toks[j].Term)}
			written := text[toks[j].Start:toks[j].End]
			switch {
			case toks[j].Term == "united" && j+1 < len(toks) && strings.HasPrefix(toks[j+1].Term, "state"):
				s.fill = "us" // "in the United States" is "in the U.S."
			case len(written) >= 2 && len(written) <= 5 && strings.ToUpper(written) == written && !strings.ContainsAny(written, "0123456789"):
				s.abbr = toks[j].Term // "NYC": "New York City" fills it too
			}
			if i > 0 && content(toks[i-1].Term) && strings.TrimSpace(text[toks[i-1].End:h.Start]) == "" {
				s.pre = index.Stem(toks[i-1].Term) // "send" of "send troops to Ukraine"
			}
			out = append(out, s)
		}
	}
	return out
}

// foldMarks drops accents, so that a name written with them and without
// them meets itself: "Gospić" and "Gospic".
func foldMarks(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// initials are the first letters of the first n words, if all are
// written with a capital: "nyc" of "New York City".
func initials(words []word, n int) string {
	if len(words) < n {
		return ""
	}
	b := make([]byte, 0, n)
	for _, w := range words[:n] {
		if !w.caps || w.term == "" {
			return ""
		}
		b = append(b, w.term[0])
	}
	return string(b)
}

// slotConflicts returns the words of the slots that a sentence's words
// (analysed, stop words kept) fill with another name and never with the
// question's: "send troops to NATO allies if Russia invades Ukraine" is
// not about troops to Ukraine. A fill a few words on still counts ("aid
// to Israel and Ukraine").
func slotConflicts(slots []slot, words []word, alias map[string]string) (conflicts []string) {
	for _, s := range slots {
		other, same, pre := false, false, false
		fill := foldMarks(s.fill)
		for p := 0; p+2 < len(words) && !same; p++ {
			if words[p+1].term != s.prep || index.Stem(words[p].term) != s.head {
				continue
			}
			q := p + 2
			for q < len(words) && slotSkip[words[q].term] {
				q++
			}
			for r := q; r < len(words) && r <= q+3; r++ {
				st := index.Stem(words[r].term)
				if foldMarks(st) == fill || alias[st] == s.fill || s.abbr != "" && initials(words[r:], len(s.abbr)) == s.abbr ||
					fill == "us" && words[r].term == "united" && r+1 < len(words) && strings.HasPrefix(words[r+1].term, "state") {
					same = true
					break
				}
			}
			if !same && q < len(words) && words[q].caps {
				other = true // another name fills it; so may the question's word before
				pre = pre || s.pre != "" && p > 0 && index.Stem(words[p-1].term) == s.pre
			}
		}
		if other && !same {
			conflicts = append(conflicts, s.head, s.fill)
			if pre {
				conflicts = append(conflicts, s.pre)
			}
		}
	}
	return conflicts
}

// reCitation finds the title of another order cited in the text of an
// order or proclamation: "Executive Order 14257 of April 2, 2025
// (Regulating Imports With a Reciprocal Tariff …)". Submatch 1 is the
// title.
var reCitation = regexp.MustCompile(`\b(?:Executive Order|Proclamation|Memorandum|Directive|Order)\s+(?:No\.\s*)?\d[\d-]*(?:\s+of\s+[A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4})?,?\s*\(([^()]*)\)`)

// reLawName finds the name of a law or programme: "Inflation Reduction
// Act", "American Rescue Plan", "CHIPS and Science Act".
var reLawName = regexp.MustCompile(`\b[A-Z][\p{L}’'-]*(?:\s+(?:(?:and|of|for|the|to|on|in)\s+)?[A-Z][\p{L}’'-]*)*\s+(?:Act|Law|Plan|Program|Initiative|Agenda)\b`)

// otherLaws returns the byte spans of the names of laws and programmes in
// text that share a word with the question but are not what it names:
// "inflation" in "the Inflation Reduction Act" does not answer "what's
// the latest inflation rate?", nor "jobs" in "the Infrastructure
// Investment and Jobs Act" a question on jobs. A name of which the
// question holds half the words or more is its own.
func (e *Engine) otherLaws(text string, qs questionTerms) [][2]int {
	if !strings.Contains(text, "Act") && !strings.Contains(text, "Law") && !strings.Contains(text, "Plan") &&
		!strings.Contains(text, "Program") && !strings.Contains(text, "Initiative") && !strings.Contains(text, "Agenda") {
		return nil
	}
	var out [][2]int
	for _, m := range reLawName.FindAllStringIndex(text, -1) {
		if strings.HasPrefix(text[m[0]:m[1]], "The ") {
			m[0] += len("The ")
		}
		words, held := 0, 0
		for _, t := range e.idx.Analyze(text[m[0]:m[1]]) {
			if e.stop[t.Term] {
				continue
			}
			words++
			if _, ok := qs.terms[index.Stem(t.Term)]; ok {
				held++
			}
		}
		if held > 0 && 2*held < words {
			out = append(out, [2]int{m[0], m[1]})
		}
	}
	return out
}

// citations returns the byte spans of the titles text cites (see
// reCitation), in order. Their words say what the cited document is
// about, not what the sentence says: "the situation at our southern
// border" in the title of an order a tariff proclamation amends.
func citations(text string) [][2]int {
	if !strings.Contains(text, "Order ") && !strings.Contains(text, "Proclamation ") && !strings.Contains(text, "Memorandum ") && !strings.Contains(text, "Directive ") {
		return nil
	}
	var out [][2]int
	for _, m := range reCitation.FindAllStringSubmatchIndex(text, -1) {
		out = append(out, [2]int{m[2], m[3]})
	}
	return out
}

// thirdParty is 1 when passage ps (its text) quotes a third party in a
// release ("Rep. Jane Roe: “…”") whom the question does not name, else 0.
func thirdParty(qs questionTerms, ps corpus.Passage, text string) float64 {
	if ps.Speaker != "" {
		return 0
	}
	label, quoted := clipLabel(text)
	if !quoted {
		return 0
	}
	if len(qs.names) > 0 {
		var seq []string
		for w := range strings.FieldsFuncSeq(strings.ToLower(label), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			seq = append(seq, index.Stem(w))
		}
		if namesIn(qs.names, seq) != 0 {
			return 0
		}
	}
	return 1
}

// bridged returns how strongly a sentence with the given stems holds a word
// related to the question's stem t (see bridge.go), 0 when it holds none.
func (e *Engine) bridged(t string, sent map[string]int) float64 {
	best := 0.0
	for _, r := range e.Bridge[t] {
		if sent[r.Stem] > 0 && r.Weight > best {
			best = r.Weight
		}
	}
	return best
}

var (
	reUnitNumber = regexp.MustCompile(`(?i)\$?\d[\d,]*(?:\.\d+)?(?:\s?(?:%|percent|million|billion|trillion|thousand))?`)
	reUnitTime   = regexp.MustCompile(`(?i)\b(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? )?(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? )?(?:19|20)\d\d\b`)
	reUnitName   = regexp.MustCompile(`\b[A-Z][a-z]+(?: [A-Z]\.)?(?: [A-Z][a-z]+(?:-[A-Z][a-z]+)?)+`)
)

// units returns what a sentence offers as an answer of the kind asked: its
// numbers for "how many", its dates for "when", its names for "who",
// normalised, without those the question itself holds.
func units(kind answerKind, s string, qs questionTerms) []string {
	var re *regexp.Regexp
	switch kind {
	case kindNumber:
		re = reUnitNumber
	case kindTime:
		re = reUnitTime
	case kindPerson:
		re = reUnitName
	default:
		return nil
	}
	var out []string
	for _, m := range re.FindAllString(s, 8) {
		u := strings.ToLower(strings.NewReplacer(",", "", "$", "", " ", "").Replace(m))
		if kind == kindNumber && len(u) == 4 && (strings.HasPrefix(u, "19") || strings.HasPrefix(u, "20")) {
			continue // a year, not an amount
		}
		if qs.all[u] || qs.all[strings.ToLower(m)] || len(u) < 2 {
			continue
		}
		if kind == kindPerson && qs.all[strings.ToLower(m[strings.LastIndexByte(m, ' ')+1:])] {
			continue // a name the question gives
		}
		out = append(out, u)
	}
	return out
}

// consensus sets fConsensus: how many other documents among the
// candidates offer the same answer (a number, a date, a name) as each
// candidate, on a log scale that reaches 1 at nine.
func consensus(qs questionTerms, cands []*candidate) {
	if qs.kind != kindNumber && qs.kind != kindTime && qs.kind != kindPerson {
		return
	}
	per := make([][]string, len(cands))
	docs := make(map[string]map[string]bool)
	for i, c := range cands {
		per[i] = units(qs.kind, c.text(), qs)
		for _, u := range per[i] {
			if docs[u] == nil {
				docs[u] = make(map[string]bool)
			}
			docs[u][c.doc.ID] = true
		}
	}
	for i, c := range cands {
		best := 0
		for _, u := range per[i] {
			best = max(best, len(docs[u])-1)
		}
		c.f[fConsensus] = math.Min(1, math.Log1p(float64(best))/math.Log(10))
	}
}

// domain is the mean affinity to the corpus of all the words of a
// question but stop words, frame words and names included: "What is the
// White House doing about tariffs?" belongs to a briefings corpus, "How
// tall is Mount Everest?" does not.
func (e *Engine) domain(text string, dfs map[string][2]int) float64 {
	var sum float64
	n := 0
	for _, t := range e.idx.Analyze(text) {
		if e.stop[t.Term] || !hasLetterOrDigit(t.Term) {
			continue
		}
		v, ok := dfs[t.Term]
		if !ok {
			df, total := e.idx.DocFreq(t.Term)
			v = [2]int{df, total}
			dfs[t.Term] = v
		}
		df, total := v[0], v[1]
		sum += e.Background.affinity(df, total, t.Term)
		n++
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// maxCentral bounds the candidates whose centrality is computed: the
// work grows with its square.
const maxCentral = 80

// centrality sets fCentral: how much of what each candidate says beyond
// the question's own words other documents among the candidates say too
// (the mean of its three best cosine similarities with candidates of other
// documents, over content stems). A talking point repeated across
// briefings and statements is the one people quote.
func (e *Engine) centrality(qs questionTerms, cands []*candidate) {
	if len(cands) > maxCentral {
		cands = append([]*candidate(nil), cands...)
		sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
		cands = cands[:maxCentral]
	}
	sets := make([][]string, len(cands))
	for i, c := range cands {
		for t := range e.contentTerms(c) {
			if _, asked := qs.terms[t]; !asked {
				sets[i] = append(sets[i], t)
			}
		}
		sort.Strings(sets[i])
	}
	var top [3]float64
	for i, c := range cands {
		top = [3]float64{}
		for j, d := range cands {
			if i == j || c.doc == d.doc || len(sets[i]) == 0 || len(sets[j]) == 0 {
				continue
			}
			sim := float64(common(sets[i], sets[j])) / math.Sqrt(float64(len(sets[i])*len(sets[j])))
			if sim > top[2] {
				top[2] = sim
				sort.Sort(sort.Reverse(sort.Float64Slice(top[:])))
			}
		}
		c.f[fCentral] = (top[0] + top[1] + top[2]) / 3
	}
}

// common counts the strings two sorted slices share.
func common(a, b []string) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}

// searchIndex searches the index for q, up to AsOf when it is set and the
// index holds later documents (a limit on dates leaves out undated
// documents, and it changes the scores).
func (e *Engine) searchIndex(ctx context.Context, q index.Query) ([]index.Hit, error) {
	if !e.AsOf.IsZero() && e.AsOf.Before(e.idx.Newest()) && (q.Until.IsZero() || q.Until.After(e.AsOf)) {
		q.Until = e.AsOf
	}
	return e.idx.Search(ctx, q)
}

// newest is the date of the newest document searched.
func (e *Engine) newest() time.Time {
	n := e.idx.Newest()
	if !e.AsOf.IsZero() && n.After(e.AsOf) {
		return e.AsOf
	}
	return n
}
