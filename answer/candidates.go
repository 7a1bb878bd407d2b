package answer

import (
	"context"
	"encoding/json"
	"time"
)

// Candidate is a sentence that may answer a question, with the features
// the ranker weighs: what cmd/train fits the parameters on.
type Candidate struct {
	DocID    string
	Passage  int       // index of the passage in the document
	Sentence int       // index of the sentence in the passage
	Start    int       // byte span of the sentence in the document body
	End      int       //
	Date     time.Time // the document's date
	Kind     string    // the kind of answer the question asks for: "person", "time", ... (see the "type" parameters)
	Features []float64 // in the order of FeatureNames
	Score    float64   // the rank under the embedded parameters
}

// Candidates reads q as Ask does and returns every candidate sentence it
// weighs, best first, with all their features (the answer-type cues too,
// which Ask computes only near the top). As in Ask, a speaker or period
// that has nothing to quote is dropped.
func (e *Engine) Candidates(ctx context.Context, q Question) (Understanding, []Candidate, error) {
	qu := e.understand(q)
	qu.allTypes = true
	r, _, err := e.search(ctx, qu)
	if err != nil {
		return qu.understanding(), nil, err
	}
	out := make([]Candidate, len(r.cands))
	for i, c := range r.cands {
		s := c.sents[c.i]
		out[i] = Candidate{
			DocID: c.doc.ID, Passage: c.passage, Sentence: c.i, Start: s.Start, End: s.End, Date: c.doc.Date,
			Kind: kindNames[r.qs.kind], Features: append([]float64(nil), c.f[:]...), Score: c.score,
		}
	}
	return qu.understanding(), out, nil
}

// ContentTerms returns the index terms of text that carry content, as a
// question's topic is searched: stop words and frame words ("say",
// "position", "White House") left out.
func (e *Engine) ContentTerms(text string) []string {
	var out []string
	for _, t := range e.idx.Analyze(text) {
		if !e.stop[t.Term] && !e.frame[t.Term] && hasLetterOrDigit(t.Term) {
			out = append(out, t.Term)
		}
	}
	return out
}

// EmbeddedParams returns the parameters the engine was built with, in
// the file format cmd/train writes.
func EmbeddedParams() Params {
	var p Params
	if err := json.Unmarshal(paramsJSON, &p); err != nil {
		panic(err) // mustParams has read the same bytes
	}
	return p
}
