package main

import (
	"math"
	"sort"

	"github.com/briefbot/briefbot/answer"
)

// example is one question of the training data: its candidate sentences
// and which of them answer it.
type example struct {
	Set   string      // "day", "all", "title", "squad", "user", or off-topic: "offtopic", "offuser"
	Kind  int         // index of the answer kind asked, in kinds
	Cands [][]float64 // base features, one row per candidate, in the order canonical sets
	Pos   []bool      // candidates that answer; none for off-topic questions
}

// canonical rounds ex's features to nine decimals and orders its
// candidates by them. The engine sums some features over maps, whose
// order Go varies from run to run, so their last bits differ, and with
// them the order of near-equal candidates: rounded and sorted, the same
// questions give the same rows, and the fit the same file.
func (ex *example) canonical() {
	for _, row := range ex.Cands {
		for k, x := range row {
			row[k] = math.Round(x*1e9) / 1e9
		}
	}
	idx := make([]int, len(ex.Cands))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ra, rb := ex.Cands[idx[a]], ex.Cands[idx[b]]
		for k := range ra {
			if ra[k] != rb[k] {
				return ra[k] < rb[k]
			}
		}
		pa, pb := ex.Pos != nil && ex.Pos[idx[a]], ex.Pos != nil && ex.Pos[idx[b]]
		return !pa && pb
	})
	cands := make([][]float64, len(idx))
	var pos []bool
	if ex.Pos != nil {
		pos = make([]bool, len(idx))
	}
	for i, j := range idx {
		cands[i] = ex.Cands[j]
		if pos != nil {
			pos[i] = ex.Pos[j]
		}
	}
	ex.Cands, ex.Pos = cands, pos
}

// kinds are the answer kinds, in the order of the type weights.
var kinds = []string{"other", "person", "time", "number", "place", "yesno"}

// Feature layout of the ranker: the engine's base features, then one
// "type_yes" and one "type_no" column per kind.
var (
	base  = answer.FeatureNames()
	nBase = len(base)
	nRank = nBase + 2*len(kinds)
	fYes  = indexOf(base, "type_yes")
	fNo   = indexOf(base, "type_no")
)

// questionLevel features are the same for every candidate of a question:
// they bear on the confidence, not on the order.
var questionLevel = map[string]bool{"names_missing": true, "unknown": true, "outside": true, "topic_size": true, "domain_min": true, "domain_mean": true}

// heldFixed are ranking features the reporters' questions cannot teach:
// every answer to a reporter is a named official's turn in a briefing on
// the day the question was asked, so fitting would learn that briefings
// and officials always win and that dates never matter. Their weights,
// like the document-kind priors, stay as set by hand in params.json: a
// briefing or statement over a proclamation, the newest for "latest", a
// person's own words when the question is about them, not a third party's.
var heldFixed = map[string]bool{"kind": true, "age": true, "age_soft": true, "age_strong": true, "subject": true, "named": true, "third": true}

func indexOf(names []string, n string) int {
	for i, x := range names {
		if x == n {
			return i
		}
	}
	panic("unknown feature " + n)
}

// rankRow expands a candidate's base features into the ranker's layout.
func rankRow(f []float64, kind int, row []float64) {
	copy(row, f)
	row[fYes], row[fNo] = 0, 0
	for i := nBase; i < nRank; i++ {
		row[i] = 0
	}
	row[nBase+2*kind] = f[fYes]
	row[nBase+2*kind+1] = f[fNo]
}

// rankScores scores the candidates of ex under weights w.
func rankScores(ex *example, w []float64) []float64 {
	row := make([]float64, nRank)
	out := make([]float64, len(ex.Cands))
	for i, f := range ex.Cands {
		rankRow(f, ex.Kind, row)
		var s float64
		for j, x := range row {
			s += w[j] * x
		}
		out[i] = s
	}
	return out
}

// top returns the index of the best-scored candidate; ties go to the
// engine's earlier candidate.
func top(scores []float64) int {
	best := -1
	for i, s := range scores {
		if best < 0 || s > scores[best] {
			best = i
		}
	}
	return best
}

// hitAt reports whether one of the k best candidates answers.
func hitAt(ex *example, scores []float64, k int) bool {
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return scores[order[a]] > scores[order[b]] })
	for i := 0; i < k && i < len(order); i++ {
		if ex.Pos[order[i]] {
			return true
		}
	}
	return false
}

// fitRank fits the ranker's weights as a conditional logit: for each
// question, the probability that one of the answering sentences is the
// best, against all its candidates. Each set of questions weighs the
// same in the fit whatever its size. The features are standardised for
// the fit; w0 starts it; l2 pulls the weights towards w0. Plain gradient
// steps (Adam) in a fixed order: the same data gives the same weights.
func fitRank(exs []*example, w0 []float64, l2 float64, iters int) []float64 {
	mean, sd := moments(exs, nRank, func(ex *example, f []float64, row []float64) { rankRow(f, ex.Kind, row) })
	fixed := make([]bool, nRank)
	for i := range sd {
		if questionLevel[featureName(i)] {
			sd[i] = 0 // constant within a question: no bearing on the order
		}
		fixed[i] = heldFixed[featureName(i)]
	}
	setWeight := make(map[string]float64)
	for _, ex := range exs {
		setWeight[ex.Set]++
	}
	for s, n := range setWeight {
		setWeight[s] = 1 / n / float64(len(setWeight))
	}
	// In standardised units: w_std = w * sd.
	w := make([]float64, nRank)
	prior := make([]float64, nRank)
	for i := range w {
		if sd[i] > 0 {
			w[i], prior[i] = w0[i]*sd[i], w0[i]*sd[i]
		}
	}
	m, v := make([]float64, nRank), make([]float64, nRank)
	const lr, b1, b2, eps = 0.02, 0.9, 0.999, 1e-8
	row := make([]float64, nRank)
	grad := make([]float64, nRank)
	for it := 1; it <= iters; it++ {
		clear(grad)
		for _, ex := range exs {
			if !anyTrue(ex.Pos) {
				continue
			}
			scores := make([]float64, len(ex.Cands))
			mx := math.Inf(-1)
			for c, f := range ex.Cands {
				rankRow(f, ex.Kind, row)
				var s float64
				for j := range row {
					if sd[j] > 0 {
						s += w[j] * (row[j] - mean[j]) / sd[j]
					}
				}
				scores[c] = s
				mx = math.Max(mx, s)
			}
			var zAll, zPos float64
			for c, s := range scores {
				e := math.Exp(s - mx)
				scores[c] = e
				zAll += e
				if ex.Pos[c] {
					zPos += e
				}
			}
			sw := setWeight[ex.Set]
			for c, f := range ex.Cands {
				g := scores[c] / zAll
				if ex.Pos[c] {
					g -= scores[c] / zPos
				}
				if g == 0 {
					continue
				}
				rankRow(f, ex.Kind, row)
				for j := range row {
					if sd[j] > 0 {
						grad[j] += sw * g * (row[j] - mean[j]) / sd[j]
					}
				}
			}
		}
		for j := range w {
			if sd[j] == 0 || fixed[j] {
				continue
			}
			g := grad[j] + 2*l2*(w[j]-prior[j])
			m[j] = b1*m[j] + (1-b1)*g
			v[j] = b2*v[j] + (1-b2)*g*g
			mh := m[j] / (1 - math.Pow(b1, float64(it)))
			vh := v[j] / (1 - math.Pow(b2, float64(it)))
			w[j] -= lr * mh / (math.Sqrt(vh) + eps)
		}
	}
	out := make([]float64, nRank)
	for j := range w {
		switch {
		case fixed[j] || sd[j] == 0:
			out[j] = w0[j] // held, or nothing in the data to learn it from
		default:
			out[j] = w[j] / sd[j]
		}
	}
	return out
}

func featureName(i int) string {
	if i < nBase {
		return base[i]
	}
	k := (i - nBase) / 2
	if (i-nBase)%2 == 0 {
		return "type_yes_" + kinds[k]
	}
	return "type_no_" + kinds[k]
}

func anyTrue(b []bool) bool {
	for _, x := range b {
		if x {
			return true
		}
	}
	return false
}

// moments returns the mean and standard deviation of every column over
// all candidates.
func moments(exs []*example, n int, expand func(*example, []float64, []float64)) (mean, sd []float64) {
	mean, sd = make([]float64, n), make([]float64, n)
	row := make([]float64, n)
	var count float64
	for _, ex := range exs {
		for _, f := range ex.Cands {
			expand(ex, f, row)
			for j, x := range row {
				mean[j] += x
				sd[j] += x * x
			}
			count++
		}
	}
	for j := range mean {
		if count == 0 {
			break
		}
		mean[j] /= count
		sd[j] = math.Sqrt(math.Max(0, sd[j]/count-mean[j]*mean[j]))
		if sd[j] < 1e-9 {
			sd[j] = 0
		}
	}
	return mean, sd
}

// point is one question for the confidence: the features of its best
// candidate and whether that candidate answers.
type point struct {
	set string
	f   []float64
	hit bool
}

// points ranks each question's candidates under w and returns its best
// candidate; questions with no candidate are left out (the engine
// declines them before any confidence).
func points(exs []*example, w []float64) []point {
	var out []point
	for _, ex := range exs {
		if len(ex.Cands) == 0 {
			continue
		}
		s := rankScores(ex, w)
		b := top(s)
		out = append(out, point{set: ex.Set, f: ex.Cands[b], hit: ex.Pos != nil && ex.Pos[b]})
	}
	return out
}

// notConfidence are features the confidence leaves out: a passage's
// place among the hits says nothing about whether it answers, and neither
// does a document's age. In the fit, age mostly tells SQuAD's undated
// articles from the briefings, and a confidence that learnt it would
// doubt every answer from a corpus's newest documents. Nor does the
// share of the topic in words the corpus never uses: the fit gave it a
// weight for answering (it goes with names the documents lack, weighed
// against), so that "Who won the 2022 World Cup?" of the bundled sample,
// which never says "won", "world" or "cup", was answered.
var notConfidence = map[string]bool{"rank": true, "age": true, "age_soft": true, "age_strong": true, "third": true, "unknown": true}

// logit is a fitted logistic regression over the base features.
type logit struct {
	bias float64
	w    []float64
}

func (l logit) p(f []float64) float64 {
	z := l.bias
	for j := range l.w {
		z += l.w[j] * f[j]
	}
	return 1 / (1 + math.Exp(-z))
}

// fitLogit fits a logistic regression of label on the base features of
// the points keep lets in, by Newton's method with an L2 penalty on the
// standardised weights. Each set weighs the same in the fit.
func fitLogit(pts []point, keep func(point) bool, label func(point) bool, l2 float64) logit {
	var in []point
	for _, p := range pts {
		if keep(p) {
			in = append(in, p)
		}
	}
	mean, sd := make([]float64, nBase), make([]float64, nBase)
	for _, p := range in {
		for j, x := range p.f {
			mean[j] += x
			sd[j] += x * x
		}
	}
	for j := range mean {
		mean[j] /= float64(max(1, len(in)))
		sd[j] = math.Sqrt(math.Max(0, sd[j]/float64(max(1, len(in)))-mean[j]*mean[j]))
		if sd[j] < 1e-9 || notConfidence[base[j]] {
			sd[j] = 0
		}
	}
	setWeight := make(map[string]float64)
	for _, p := range in {
		setWeight[p.set]++
	}
	for s, c := range setWeight {
		setWeight[s] = float64(len(in)) / c / float64(len(setWeight))
	}
	n := nBase + 1
	beta := make([]float64, n)
	row := make([]float64, n)
	for range 25 {
		g := make([]float64, n)
		h := make([][]float64, n)
		for i := range h {
			h[i] = make([]float64, n)
		}
		for _, p := range in {
			row[0] = 1
			for j := range nBase {
				row[j+1] = 0
				if sd[j] > 0 {
					row[j+1] = (p.f[j] - mean[j]) / sd[j]
				}
			}
			var z float64
			for j := range row {
				z += beta[j] * row[j]
			}
			mu := 1 / (1 + math.Exp(-z))
			y := 0.0
			if label(p) {
				y = 1
			}
			sw := setWeight[p.set]
			for j := range row {
				if row[j] == 0 {
					continue
				}
				g[j] += sw * (mu - y) * row[j]
				for k := range row {
					h[j][k] += sw * mu * (1 - mu) * row[j] * row[k]
				}
			}
		}
		for j := 1; j < n; j++ {
			g[j] += 2 * l2 * beta[j]
			h[j][j] += 2 * l2
		}
		for j := range n {
			h[j][j] += 1e-9
		}
		step := solve(h, g)
		for j := range beta {
			beta[j] -= step[j]
		}
	}
	out := logit{bias: beta[0], w: make([]float64, nBase)}
	for j := range nBase {
		if sd[j] > 0 {
			out.w[j] = beta[j+1] / sd[j]
			out.bias -= out.w[j] * mean[j]
		}
	}
	return out
}

// confModel is the engine's confidence: the probability that the best
// candidate answers, as the product of two fitted probabilities, that
// the question is about the corpus at all (answerable questions against
// off-topic ones) and that the candidate answers an answerable question.
// The first is what declining off-topic questions needs, the second what
// the "high" band needs; they weigh the features differently.
type confModel struct{ on, hit logit }

func (c confModel) p(f []float64) float64 { return c.on.p(f) * c.hit.p(f) }

func fitConfidence(pts []point, l2 float64) confModel {
	// Whether a question is about the corpus at all is learnt from
	// questions as people ask them: the users' (the training half of
	// --questions), those written from titles ("What did Biden say about
	// Haiti?": short ones, as people type too) and SQuAD's of their own
	// articles, against the off-topic ones. The reporters' questions are
	// asked within their day or of a corpus without their own turn, so
	// their best sentences look unlike a user's: fitted on them too, the
	// bound that declines 92% of the held-out off-topic questions
	// answered 72% of the held-out users' questions and 90% of the
	// development set's (qa/briefings-a); without them, 82% and 98%.
	// Without the title questions short ones such as "latest statement
	// on Haiti" or "latest on Iran" were thought off-topic for most of
	// their sentences, and newest-first had few to choose from. Without
	// users' questions the fit falls back on every set.
	sets := func(p point) bool { return p.set == "user" || p.set == "title" || p.set == "squad" || offTopic(p.set) }
	haveUser := false
	for _, p := range pts {
		haveUser = haveUser || p.set == "user"
	}
	if !haveUser {
		sets = func(point) bool { return true }
	}
	onTopic := func(p point) bool { return !offTopic(p.set) }
	// Whether the best candidate answers is learnt from the sets whose
	// labels say so: over the whole corpus a reporter's question is
	// usually answered as well by another briefing's turn as by the one
	// that followed it, so "missed" there is no verdict.
	labelled := func(p point) bool { return !offTopic(p.set) && p.set != "all" && p.set != "user" }
	return confModel{
		on:  fitLogit(pts, sets, onTopic, l2),
		hit: fitLogit(pts, labelled, func(p point) bool { return p.hit }, l2),
	}
}

// solve solves a x = b by Gaussian elimination with partial pivoting.
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	m := make([][]float64, n)
	for i := range m {
		m[i] = append(append([]float64(nil), a[i]...), b[i])
	}
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		if math.Abs(m[c][c]) < 1e-12 {
			continue
		}
		for r := range n {
			if r == c {
				continue
			}
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for i := range n {
		if math.Abs(m[i][i]) > 1e-12 {
			x[i] = m[i][n] / m[i][i]
		}
	}
	return x
}

// chooseBands sets the bands' bounds on held-out questions: "answer" so
// that declineRate of every off-topic set is declined, "high" at the
// lowest confidence above which highPrecision of the answers are right,
// "medium" likewise at mediumPrecision. Precision is judged on the users'
// questions when there are any, else on the sets whose labels are
// sentences. minCount answers at least back a precision.
func chooseBands(pts []point, cm confModel, declineRate, highPrecision, mediumPrecision float64, minCount int) answer.Bands {
	off := map[string][]float64{}
	type scored struct {
		c   float64
		hit bool
	}
	users := false
	for _, p := range pts {
		users = users || p.set == "user"
	}
	var all []scored
	for _, p := range pts {
		c := cm.p(p.f)
		if offTopic(p.set) {
			off[p.set] = append(off[p.set], c)
			continue
		}
		// A title question counts any sentence of its document as
		// right, and over the whole corpus a reporter's question has
		// no single answer: judged there, "high" would promise more
		// than it keeps.
		if users && p.set == "user" || !users && p.set != "title" && p.set != "all" {
			all = append(all, scored{c, p.hit})
		}
	}
	var b answer.Bands
	for _, cs := range off {
		sort.Float64s(cs)
		i := int(math.Ceil(declineRate*float64(len(cs)))) - 1
		b.Answer = math.Max(b.Answer, round3(cs[max(0, min(i, len(cs)-1))]+1e-3))
	}
	sort.Slice(all, func(i, j int) bool { return all[i].c > all[j].c })
	// The lowest bound whose answers above it are right often enough,
	// scanning down from the most confident.
	bound := func(precision float64) float64 {
		t, hits := 1.0, 0
		for i, s := range all {
			if s.hit {
				hits++
			}
			n := i + 1
			if n >= minCount && float64(hits)/float64(n) >= precision {
				t = s.c
			}
		}
		return round3(t)
	}
	b.High = math.Max(b.Answer, bound(highPrecision))
	b.Medium = math.Min(b.High, math.Max(b.Answer, bound(mediumPrecision)))
	return b
}

// offTopic reports whether set holds questions nothing in the corpus
// answers.
func offTopic(set string) bool { return set == "offtopic" || set == "offuser" }

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
