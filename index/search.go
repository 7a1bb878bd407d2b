package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	bolt "go.etcd.io/bbolt"
)

// analyzerName is the analyzer of every text field. Unlike Bleve's "en" it
// keeps stop words (who, not, did carry meaning in questions; the answer
// package decides what to ignore) and only strips plurals and possessives,
// which keeps "Putin" from meeting "put" and "states" from meeting "stated".
const analyzerName = "qa"

func newMapping() *mapping.IndexMappingImpl {
	registerAnalysis()
	m := bleve.NewIndexMapping()
	m.ScoringModel = "bm25"
	err := m.AddCustomAnalyzer(analyzerName, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name, normName, en.PossessiveName, en.PluralStemmerName},
	})
	if err != nil {
		panic(err) // static configuration: cannot fail at run time
	}
	m.DefaultAnalyzer = analyzerName

	text := bleve.NewTextFieldMapping()
	text.Analyzer = analyzerName
	text.Store = false
	text.IncludeTermVectors = false
	text.IncludeInAll = false
	text.DocValues = false
	speaker := bleve.NewTextFieldMapping()
	speaker.Analyzer = analyzerName
	speaker.Store = false
	speaker.IncludeTermVectors = false
	speaker.IncludeInAll = false
	speaker.DocValues = false
	keyword := bleve.NewKeywordFieldMapping()
	keyword.Store = false
	keyword.IncludeInAll = false
	keyword.IncludeTermVectors = false
	keyword.DocValues = false

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("text", text)
	dm.AddFieldMappingsAt("title", text)
	dm.AddFieldMappingsAt("speaker", speaker)
	dm.AddFieldMappingsAt("source", keyword)
	dm.AddFieldMappingsAt("day", keyword)
	// No "_all" composite field: every query names its field, and building
	// the empty composite for each passage cost a tenth of the indexing CPU.
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.DefaultMapping = dm
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}

// Token is one analysed term of a text with its byte span.
type Token struct {
	Term       string
	Start, End int
}

// Analyze splits text into the terms the index uses.
func (x *Index) Analyze(text string) []Token {
	ts := x.an.Analyze([]byte(text))
	out := make([]Token, 0, len(ts))
	for _, t := range ts {
		out = append(out, Token{Term: string(t.Term), Start: t.Start, End: t.End})
	}
	return out
}

// Query is a search for passages.
type Query struct {
	Terms       []string  // analysed terms, as from Analyze; repeated terms weigh more
	Since       time.Time // zero: no lower bound; compared by UTC calendar day
	Until       time.Time // zero: no upper bound; inclusive, by UTC calendar day
	Source      string    // publisher host
	Speakers    []string  // any of these speakers: each holds words of a label or name, all of which must match
	Must        []string  // analysed terms every passage's text holds (they add nothing to the score)
	Size        int       // number of hits, default 50
	MaxDuration time.Duration
	StableTies  bool // break ties of score by passage ID, so runs rank alike (slower)
}

// Hit is a matching passage.
type Hit struct {
	DocID   string
	Passage int // index into the document's Passages
	Score   float64
}

// titleBoost weighs a term found in a passage's document title against
// one found in the passage itself.
const titleBoost = 0.3

// A term in more than titleCommonMin passages and more than one passage
// in titleCommon is not searched in titles (see Search). On the Briefing
// Room this halves the answer's p95 latency and leaves its answers as
// they were.
const (
	titleCommon    = 50
	titleCommonMin = 5000
)

// MaxTerms caps the number of query terms; longer questions keep the first.
const MaxTerms = 32

// Search returns the best-matching passages by Bleve's BM25.
func (x *Index) Search(ctx context.Context, q Query) ([]Hit, error) {
	if q.Size <= 0 {
		q.Size = 50
	}
	weights := make(map[string]float64)
	var order []string
	for _, t := range q.Terms {
		if _, ok := weights[t]; !ok {
			if len(order) == MaxTerms {
				continue
			}
			order = append(order, t)
		}
		weights[t]++
	}
	if len(order) == 0 {
		return nil, nil
	}
	var should []query.Query
	for _, t := range order {
		tq := bleve.NewTermQuery(t)
		tq.SetField("text")
		tq.SetBoost(weights[t])
		should = append(should, tq)
		// The document's title counts for less: a passage of a speech
		// "on the Shooting in Uvalde" is about Uvalde without naming it.
		// A word in thousands of passages and more than one in
		// titleCommon ("president", "Biden") is skipped there: every
		// passage of every document so titled would be visited, for the
		// least of the scores.
		if df, n := x.DocFreq(t); df > titleCommonMin && df*titleCommon > n {
			continue
		}
		tt := bleve.NewTermQuery(t)
		tt.SetField("title")
		tt.SetBoost(titleBoost * weights[t])
		should = append(should, tt)
	}
	var top query.Query = bleve.NewDisjunctionQuery(should...)
	var must []query.Query
	if !q.Since.IsZero() || !q.Until.IsZero() {
		must = append(must, dayRange(q.Since, q.Until))
	}
	if q.Source != "" {
		must = append(must, sourceQuery(q.Source))
	}
	for _, t := range q.Must {
		tq := bleve.NewTermQuery(t)
		tq.SetField("text")
		must = append(must, tq)
	}
	var anyOf []query.Query
	for _, sp := range q.Speakers {
		var words []query.Query
		for _, t := range x.Analyze(sp) {
			tq := bleve.NewTermQuery(t.Term)
			tq.SetField("speaker")
			words = append(words, tq)
		}
		switch len(words) {
		case 0:
		case 1:
			anyOf = append(anyOf, words[0])
		default:
			anyOf = append(anyOf, bleve.NewConjunctionQuery(words...))
		}
	}
	switch {
	case len(anyOf) == 1:
		must = append(must, anyOf[0])
	case len(anyOf) > 1:
		must = append(must, bleve.NewDisjunctionQuery(anyOf...))
	case len(q.Speakers) > 0:
		return nil, nil // speakers named, none of them searchable
	}
	if len(must) > 0 {
		for _, m := range must {
			m.(query.BoostableQuery).SetBoost(0)
		}
		top = bleve.NewConjunctionQuery(append([]query.Query{top}, must...)...)
	}
	req := bleve.NewSearchRequestOptions(top, q.Size, 0, false)
	if q.StableTies {
		// Ties go to the lower ID, so equal scores always rank alike. It
		// costs a fifth of the search: every match's ID is read.
		req.SortBy([]string{"-_score", "_id"})
	}
	if q.MaxDuration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, q.MaxDuration)
		defer cancel()
	}
	x.blMu.RLock()
	res, err := x.bl.SearchInContext(ctx, req)
	x.blMu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	hits := make([]Hit, 0, len(res.Hits))
	err = x.db.View(func(tx *bolt.Tx) error {
		keys := tx.Bucket(bucketKeys)
		var k [8]byte
		for _, h := range res.Hits {
			key, n, ok := splitPassageID(h.ID)
			if !ok {
				continue
			}
			// A key no document has is left over from an interrupted update.
			binary.BigEndian.PutUint64(k[:], key)
			if id := keys.Get(k[:]); id != nil {
				hits = append(hits, Hit{DocID: string(id), Passage: n, Score: h.Score})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return hits, nil
}

// DocFreq returns how many passages contain term, and the number of
// passages in the index. Counts may include recently deleted passages until
// Bleve merges segments, which is close enough for term weights.
func (x *Index) DocFreq(term string) (df, n int) {
	gen := x.generation.Load()
	if v, ok := x.dfCache.Load(term); ok {
		if e := v.(dfEntry); e.gen == gen {
			return e.df, e.n
		}
	}
	df, n = x.docFreq(term)
	if x.dfCached.Add(1) > maxDFCache {
		x.dfCache.Clear() // a bounded cache: start over
		x.dfCached.Store(1)
	}
	x.dfCache.Store(term, dfEntry{gen: gen, df: df, n: n})
	return df, n
}

// dfEntry is a cached document frequency, valid for one index generation.
type dfEntry struct {
	gen   uint64
	df, n int
}

// maxDFCache bounds the terms whose document frequency is remembered.
const maxDFCache = 1 << 16

func (x *Index) docFreq(term string) (df, n int) {
	x.blMu.RLock()
	defer x.blMu.RUnlock()
	total, err := x.bl.DocCount()
	if err != nil {
		return 0, 0
	}
	d, err := x.bl.FieldDictRange("text", []byte(term), []byte(term))
	if err != nil {
		return 0, int(total)
	}
	defer d.Close()
	for {
		e, err := d.Next()
		if err != nil || e == nil {
			break
		}
		if e.Term == term {
			df += int(e.Count)
		}
	}
	return df, int(total)
}

// Dates are indexed as terms of the "day" field, not as a Bleve date: a
// date field indexes every value under sixteen numeric terms, which made up
// a fifth of the index. Each dated passage has three: its UTC year, month
// and day ("y2023", "m2023-01", "d2023-01-05"), and a range of days is
// searched as at most a handful of term ranges of whole years, whole months
// and days. Fixed-width numbers make lexical order the order of time.

// dayTerms returns the "day" terms of a passage dated t.
func dayTerms(t time.Time) []string {
	t = t.UTC()
	if t.Year() < 0 || t.Year() > 9999 {
		return nil
	}
	return []string{"y" + t.Format("2006"), "m" + t.Format("2006-01"), "d" + t.Format("2006-01-02")}
}

// dayRange returns the query for passages dated on or after the UTC day of
// since and on or before the UTC day of until; a zero time is no bound.
func dayRange(since, until time.Time) query.Query {
	day := func(t time.Time) time.Time {
		t = t.UTC()
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	lo, hi := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	if !since.IsZero() && day(since).After(lo) {
		lo = day(since)
	}
	if !until.IsZero() && day(until).Before(hi) {
		hi = day(until)
	}
	var ranges []query.Query
	add := func(prefix, layout string, from, to time.Time) {
		incl := true
		q := bleve.NewTermRangeInclusiveQuery(prefix+from.Format(layout), prefix+to.Format(layout), &incl, &incl)
		q.SetField("day")
		ranges = append(ranges, q)
	}
	monthEnd := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC) }
	for cur := lo; !cur.After(hi); {
		switch {
		case cur.YearDay() == 1 && !time.Date(cur.Year(), 12, 31, 0, 0, 0, 0, time.UTC).After(hi):
			// Whole years, through the last one that ends by hi.
			last := hi.Year()
			if hi.Month() != 12 || hi.Day() != 31 {
				last--
			}
			end := time.Date(last, 1, 1, 0, 0, 0, 0, time.UTC)
			add("y", "2006", cur, end)
			cur = end.AddDate(1, 0, 0)
		case cur.Day() == 1 && !monthEnd(cur).After(hi):
			// Whole months, through December or the last that ends by hi.
			end := cur
			for end.Month() < 12 && !monthEnd(end.AddDate(0, 1, 0)).After(hi) {
				end = end.AddDate(0, 1, 0)
			}
			add("m", "2006-01", cur, end)
			cur = end.AddDate(0, 1, 0)
		default:
			// Days, through the end of the month or hi.
			end := monthEnd(cur)
			if end.After(hi) {
				end = hi
			}
			add("d", "2006-01-02", cur, end)
			cur = end.AddDate(0, 0, 1)
		}
	}
	if len(ranges) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return bleve.NewDisjunctionQuery(ranges...)
}

// Similar returns the term of the text field that is one edit (a letter
// added, dropped, changed, or two swapped, after the first three) from
// term and that most passages hold, with how many, when that is more than
// term's own count: "zelensky" gives "zelenskyy". Only terms of five
// letters or more are looked up.
func (x *Index) Similar(term string) (string, int) {
	if len(term) < 5 {
		return "", 0
	}
	x.blMu.RLock()
	defer x.blMu.RUnlock()
	d, err := x.bl.FieldDictPrefix("text", []byte(term[:3]))
	if err != nil {
		return "", 0
	}
	defer d.Close()
	best, bestN := "", 0
	for {
		e, err := d.Next()
		if err != nil || e == nil {
			break
		}
		if e.Term == term || int(e.Count) <= bestN || abs(len(e.Term)-len(term)) > 1 || !oneEdit(term, e.Term) {
			continue
		}
		best, bestN = e.Term, int(e.Count)
	}
	return best, bestN
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// oneEdit reports whether a and b differ by one insertion, deletion,
// substitution or swap of neighbouring letters.
func oneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	switch {
	case len(a) == len(b):
		if i == len(a) {
			return false
		}
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] // swap
	case len(a)+1 == len(b):
		return a[i:] == b[i+1:] // insertion
	}
	return false
}

// Spelt reports whether the index holds term or a spelling of it within
// two edits (letters, not bytes, so "Gospic" finds "Gospić") that starts
// with the same letter: whether a word the question uses, possibly
// mistyped, is one the documents use at all. Words of fewer than four
// letters ("RB", "TDs") are taken as known.
func (x *Index) Spelt(term string) bool {
	want := []rune(term)
	if len(want) < 4 {
		return true
	}
	x.blMu.RLock()
	defer x.blMu.RUnlock()
	d, err := x.bl.FieldDictPrefix("text", []byte(string(want[:1])))
	if err != nil {
		return true // when in doubt, the word is known
	}
	defer d.Close()
	for {
		e, err := d.Next()
		if err != nil || e == nil {
			return false
		}
		if e.Count > 0 && withinTwoEdits(want, []rune(e.Term)) {
			return true
		}
	}
}

// withinTwoEdits reports whether the Levenshtein distance of a and b is at
// most 2.
func withinTwoEdits(a, b []rune) bool {
	if abs(len(a)-len(b)) > 2 {
		return false
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > 2 {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(b)] <= 2
}
