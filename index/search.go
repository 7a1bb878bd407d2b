package index

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
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
	speaker := bleve.NewTextFieldMapping()
	speaker.Analyzer = analyzerName
	speaker.Store = false
	speaker.IncludeTermVectors = false
	speaker.IncludeInAll = false
	keyword := bleve.NewKeywordFieldMapping()
	keyword.Store = false
	keyword.IncludeInAll = false
	keyword.IncludeTermVectors = false
	date := bleve.NewDateTimeFieldMapping()
	date.Store = false
	date.IncludeInAll = false

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("text", text)
	dm.AddFieldMappingsAt("speaker", speaker)
	dm.AddFieldMappingsAt("source", keyword)
	dm.AddFieldMappingsAt("date", date)
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
	Since       time.Time // zero: no lower bound
	Until       time.Time // zero: no upper bound
	Source      string    // publisher host
	Speaker     string    // words of the speaker label
	Size        int       // number of hits, default 50
	MaxDuration time.Duration
}

// Hit is a matching passage.
type Hit struct {
	DocID   string
	Passage int // index into the document's Passages
	Score   float64
}

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
	}
	var top query.Query = bleve.NewDisjunctionQuery(should...)
	var must []query.Query
	if !q.Since.IsZero() || !q.Until.IsZero() {
		var lo, hi time.Time
		if !q.Since.IsZero() {
			lo = q.Since.UTC()
		}
		if !q.Until.IsZero() {
			hi = q.Until.UTC()
		}
		incl := true
		dq := bleve.NewDateRangeInclusiveQuery(lo, hi, &incl, &incl)
		dq.SetField("date")
		must = append(must, dq)
	}
	if q.Source != "" {
		sq := bleve.NewTermQuery(strings.ToLower(q.Source))
		sq.SetField("source")
		must = append(must, sq)
	}
	if q.Speaker != "" {
		var words []query.Query
		for _, t := range x.Analyze(q.Speaker) {
			tq := bleve.NewTermQuery(t.Term)
			tq.SetField("speaker")
			words = append(words, tq)
		}
		if len(words) > 0 {
			must = append(must, bleve.NewConjunctionQuery(words...))
		}
	}
	if len(must) > 0 {
		for _, m := range must {
			m.(query.BoostableQuery).SetBoost(0)
		}
		top = bleve.NewConjunctionQuery(append([]query.Query{top}, must...)...)
	}
	req := bleve.NewSearchRequestOptions(top, q.Size, 0, false)
	if q.MaxDuration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, q.MaxDuration)
		defer cancel()
	}
	res, err := x.bl.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		id, n, ok := splitPassageID(h.ID)
		if !ok {
			continue
		}
		hits = append(hits, Hit{DocID: id, Passage: n, Score: h.Score})
	}
	return hits, nil
}

// DocFreq returns how many passages contain term, and the number of
// passages in the index. Counts may include recently deleted passages until
// Bleve merges segments, which is close enough for term weights.
func (x *Index) DocFreq(term string) (df, n int) {
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
