package answer

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
)

// features describe how well a candidate sentence answers a question. A
// sentence's rank is the weighted sum of its features; the confidence that
// the best one answers is a logistic function of the same features.
type features [nFeatures]float64

// The features of a candidate sentence. Keep featureNames in step: the
// fitted parameters name them.
const (
	fMatch        = iota // the sentence's own BM25 match of the topic, 0..1
	fCov                 // share of the topic's weight in the sentence
	fAdj                 // share found only in the neighbouring sentences
	fPass                // share found only elsewhere in the passage
	fQTurn               // share found only in the reporter's question the passage answers
	fTitle               // share found only in the document's title
	fTitleHas            // share of the topic's weight in the document's title: what the document is about
	fBridge              // share met only through related words ("deploy" for "send")
	fHit                 // the passage's retrieval score over the best one's
	fPhrase              // share of the topic's word pairs kept together
	fVerb                // share of the question's verbs (what was done: "sign", "pardon") it holds
	fRank                // the passage's retrieval rank
	fDoc                 // share of the topic's weight in the document's retrieved passages and title
	fDocCaps             // share of the question's names found together there
	fTypeYes             // holds the kind of thing asked for (a date for "when"...); weighed by kind
	fTypeNo              // lacks it; weighed by kind
	fConsensus           // other documents give the same answer (number, date, name): log scale, 0..1
	fCentral             // other documents say much the same beyond the question's words (0..1)
	fNoNew               // 1 when it has no content word the question lacks
	fNamed               // its speaker is a named person (an official), not a label or no one
	fSubject             // its speaker is a person the question is about
	fFirst               // the first sentence of its passage
	fKind                // the prior of its document's kind (a briefing over a proclamation)
	fAge                 // recency of its document: 1 for the newest, decaying over a year
	fAgeSoft             // fAge when the question is in the present tense, else 0
	fAgeStrong           // fAge when the question asks for the latest, else 0
	fLength              // its length in words, log scale, 0..1 (60 words and more: 1)
	fThird               // a third party quoted in a release ("Senator X: “…”"), not the administration
	fNamesMissing        // question: share of the topic's weight in names the document lacks
	fUnknown             // question: share of the topic's weight in words the corpus never uses
	fOutside             // question: the speaker or period asked for found nothing; relaxed
	fTopicSize           // question: how many topic words, log scale
	fDomainMin           // question: the least affinity of a topic word to the corpus (see background)
	fDomainMean          // question: the mean affinity of all the question's words to the corpus
	nFeatures
)

// featureNames are the names of the features in the fitted parameters.
var featureNames = [nFeatures]string{
	fMatch: "match", fCov: "cov", fAdj: "adj", fPass: "pass", fQTurn: "qturn", fTitle: "title", fTitleHas: "title_has",
	fBridge: "bridge", fHit: "hit", fPhrase: "phrase", fVerb: "verb", fRank: "rank", fDoc: "doc", fDocCaps: "doc_caps",
	fTypeYes: "type_yes", fTypeNo: "type_no", fConsensus: "consensus", fCentral: "central", fNoNew: "no_new", fNamed: "named", fSubject: "subject", fFirst: "first",
	fKind: "kind", fAge: "age", fAgeSoft: "age_soft", fAgeStrong: "age_strong", fLength: "length", fThird: "third",
	fNamesMissing: "names_missing", fUnknown: "unknown", fOutside: "outside", fTopicSize: "topic_size",
	fDomainMin: "domain_min", fDomainMean: "domain_mean",
}

// FeatureNames returns the names of the candidate features, in the order
// of Candidate.Features; the trainer writes its parameters by these names.
func FeatureNames() []string { return featureNames[:] }

func (f *features) dot(w *features) float64 {
	var s float64
	for i := range f {
		s += f[i] * w[i]
	}
	return s
}

// params are the fitted parameters of ranking and confidence (see
// cmd/train and params.json).
type params struct {
	rank       features           // weights of a sentence's rank
	typeW      [nKinds][2]float64 // weights of fTypeYes and fTypeNo by the kind asked
	on, hit    logistic           // the confidence's two factors
	bands      Bands              // where the confidence's bands begin
	kindPriors map[string]float64 // fKind's value by document class
}

// logistic is a logistic function of the features.
type logistic struct {
	bias float64
	w    features
}

func (l *logistic) p(f *features) float64 {
	return 1 / (1 + math.Exp(-(l.bias + f.dot(&l.w))))
}

// Bands are the confidences at which each band shown to people begins.
// Below Answer the bot says the documents do not answer.
type Bands struct {
	Answer float64 `json:"answer"`
	Medium float64 `json:"medium"`
	High   float64 `json:"high"`
}

// Params is the file format of the fitted parameters: what cmd/train
// writes and the engine embeds.
type Params struct {
	Rank map[string]float64    `json:"rank"` // weight of each feature in a sentence's rank
	Type map[string][2]float64 `json:"type"` // weights of type_yes and type_no by the kind of answer asked
	// The confidence is OnTopic's probability times Hit's: that the
	// question is about the corpus, and that the best sentence answers it.
	OnTopic    Logistic                   `json:"on_topic"`
	Hit        Logistic                   `json:"hit"`
	Bands      Bands                      `json:"bands"`
	KindPriors map[string]float64         `json:"kind_priors"` // fKind's value by document class (set by hand)
	Meta       map[string]json.RawMessage `json:"meta,omitempty"`
}

// Logistic is a fitted logistic regression over named features.
type Logistic struct {
	Bias    float64            `json:"bias"`
	Weights map[string]float64 `json:"weights"`
}

//go:embed params.json
var paramsJSON []byte

// fitted are the parameters the engine uses, read from params.json.
var fitted = mustParams(paramsJSON)

// SetParams makes the engine rank and judge with p instead of the
// embedded parameters. cmd/train asks its questions with fixed ones, so
// that what it fits does not depend on the file it replaces.
func (e *Engine) SetParams(p Params) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	pp, err := parseParams(b)
	if err != nil {
		return err
	}
	e.fit = pp
	return nil
}

// params returns the parameters the engine ranks with.
func (e *Engine) params() *params {
	if e.fit != nil {
		return e.fit
	}
	return fitted
}

func mustParams(b []byte) *params {
	p, err := parseParams(b)
	if err != nil {
		panic(fmt.Sprintf("answer: embedded params.json: %v", err)) // tested: cannot happen at run time
	}
	return p
}

// parseParams reads a parameter file; every name in it must be known.
func parseParams(b []byte) (*params, error) {
	var f Params
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	index := func(name string) (int, error) {
		for i, n := range featureNames {
			if n == name {
				return i, nil
			}
		}
		return 0, fmt.Errorf("unknown feature %q", name)
	}
	p := &params{bands: f.Bands, kindPriors: f.KindPriors}
	for name, w := range f.Rank {
		i, err := index(name)
		if err != nil {
			return nil, err
		}
		p.rank[i] = w
	}
	for _, l := range []struct {
		in  Logistic
		out *logistic
	}{{f.OnTopic, &p.on}, {f.Hit, &p.hit}} {
		l.out.bias = l.in.Bias
		for name, w := range l.in.Weights {
			i, err := index(name)
			if err != nil {
				return nil, err
			}
			l.out.w[i] = w
		}
	}
	for name, w := range f.Type {
		k, ok := kindByName(name)
		if !ok {
			return nil, fmt.Errorf("unknown answer kind %q", name)
		}
		p.typeW[k] = w
	}
	if !(0 <= p.bands.Answer && p.bands.Answer <= p.bands.Medium && p.bands.Medium <= p.bands.High && p.bands.High <= 1) {
		return nil, fmt.Errorf("bands %+v are not in order", p.bands)
	}
	return p, nil
}

// score is the rank of a sentence with features f answering a question of
// kind k.
func (p *params) score(f *features, k answerKind) float64 {
	tw := p.typeW[k]
	return f.dot(&p.rank) + tw[0]*f[fTypeYes] + tw[1]*f[fTypeNo]
}

// confidence is the probability that the sentence with features f, the
// best one found, answers the question.
func (p *params) confidence(f *features) float64 {
	return p.on.p(f) * p.hit.p(f)
}
