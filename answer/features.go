package answer

import "math"

// features describe how well a candidate sentence answers a question. A
// sentence's score is their weighted sum.
type features [nFeatures]float64

// The features of a candidate sentence.
const (
	fMatch   = iota // the sentence's own BM25 match, 0..1
	fCov            // share of the question's weight in the sentence
	fAdj            // share found only in the neighbouring sentences
	fPass           // share found only elsewhere in the passage or its Q turn
	fTitle          // share found only in the document's title
	fHit            // the passage's retrieval score over the best one's
	fPhrase         // share of the question's word pairs kept together
	fShort          // 1 for a sentence under five words
	fRank           // the passage's retrieval rank
	fDoc            // share of the question's weight in the document's retrieved passages and title
	fDocCaps        // share of the question's names found there
	fTypeYes        // holds the kind of thing asked for (a date for "when"...); weighed by kind
	fTypeNo         // lacks it; weighed by kind
	fNoNew          // 1 when it has no content word the question lacks
	nFeatures
)

func (f *features) dot(w *features) float64 {
	var s float64
	for i := range f {
		s += f[i] * w[i]
	}
	return s
}

// weights of the features in a sentence's score. They were fitted on the
// SQuAD questions (../shared/qa/squad-a) as a conditional logit (the
// sentence that holds the answer should score highest among the retrieved
// ones), pulled towards earlier hand-set weights so that they do not
// follow Wikipedia's habits too far: fitted on half of the questions, they
// rank the other half as well as a fit on all of them. The answer-type
// weights are set by hand: a "how many" or "when" question is rarely
// answered by a sentence without a number or a date.
var weights = features{
	fMatch:   0.95,
	fCov:     0.64,
	fAdj:     0.47,
	fPass:    0.14,
	fTitle:   0.71,
	fHit:     0.28,
	fPhrase:  0.09,
	fShort:   -0.3,
	fRank:    -0.0013,
	fDoc:     0.14,
	fDocCaps: 0.30,
	fNoNew:   -0.08,
}

// typeWeights are the weights of fTypeYes and fTypeNo by the kind of
// answer the question asks for.
var typeWeights = [...][2]float64{
	kindOther:  {0, 0},
	kindPerson: {0.15, -0.05},
	kindTime:   {0.2, -0.2},
	kindNumber: {0.2, -0.2},
	kindPlace:  {0.1, 0},
	kindYesNo:  {0.03, 0},
}

// score is the weighted sum of the features of a sentence answering a
// question of kind k.
func (f *features) score(k answerKind) float64 {
	tw := typeWeights[k]
	return f.dot(&weights) + tw[0]*f[fTypeYes] + tw[1]*f[fTypeNo]
}

// confidence is the probability that the sentence with features f answers
// the question, given the share of the question's names (its weight) that
// its document does not mention. It is a logistic fit on the SQuAD
// questions, answerable ones against questions about articles the corpus
// does not hold.
func (f *features) confidence(namesMissing float64) float64 {
	z := -2.118 + 3.719*f[fCov] + 4.361*f[fAdj] + 2.783*f[fPass] + 3.658*f[fTitle] +
		2.186*f[fPhrase] + 2.241*f[fMatch] + 2.550*f[fDoc] - 6.221*namesMissing
	return 1 / (1 + math.Exp(-z))
}
