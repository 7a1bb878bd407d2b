package main

import (
	"hash/fnv"
	"iter"
	"sort"
	"strings"
	"time"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/corpus"
)

// pair is a reporter's question and the official's answer that follows
// it in a transcript: training data from the briefings themselves.
type pair struct {
	DocID    string
	Date     time.Time
	Q        int    // index of the question's passage in the original document
	Question string // what the engine is asked: the question the reporter put
	// AnswerStart and AnswerEnd are the byte span in the body of the
	// answering turn: every passage of the official who answers, up to
	// the next question.
	AnswerStart, AnswerEnd int
	Speaker                string
	Key                    uint64 // orders and samples pairs reproducibly
	// Answer is the answering turn's text: a copy of the transcript
	// published twice holds it too (see answers).
	Answer string
}

// miner picks pairs from documents as they stream past and takes the
// chosen pairs' questions out of the documents, so the engine cannot find
// the answer by matching the question itself.
type miner struct {
	Before  time.Time       // only documents dated before (zero: any)
	From    time.Time       // only documents dated on or after (zero: any)
	Every   uint64          // keep one question in every `Every` (by hash)
	Pairs   []pair          // the chosen pairs
	Texts   []textPair      // every pair seen, chosen or not: the bridge learns from them
	Titles  []titleQuestion // questions written from titles (see titles.go)
	Docs    int             // documents let through
	Removed int             // questions taken out

	// chosen holds, by the text of question and answer, the key of each
	// pair sampled (see choose): a transcript published twice, as a
	// briefing and again as remarks, loses the same questions in both
	// copies, and its pairs are asked once.
	chosen map[uint64]uint64
	asked  map[uint64]bool
}

// choose runs over docs before filter does and samples the pairs, so
// that every copy of a transcript loses the chosen questions.
func (m *miner) choose(docs iter.Seq[corpus.Document]) {
	m.chosen = make(map[uint64]uint64)
	for d := range m.dated(docs) {
		m.eachPair(d, func(i, j int, question, answer string) {
			if key := pairKey(d.ID, i); key%m.Every == 0 {
				ck := textKey(d.Body[d.Passages[i].Start:d.Passages[i].End], answer)
				if old, ok := m.chosen[ck]; !ok || key < old {
					m.chosen[ck] = key
				}
			}
		})
	}
}

// dated keeps the documents in the miner's dates.
func (m *miner) dated(docs iter.Seq[corpus.Document]) iter.Seq[corpus.Document] {
	return func(yield func(corpus.Document) bool) {
		for d := range docs {
			if !m.Before.IsZero() && !d.Date.Before(m.Before) {
				continue
			}
			if !yield(d) {
				return
			}
		}
	}
}

// filter streams docs, keeping those in the miner's dates, and mines and
// strips their chosen questions.
func (m *miner) filter(docs iter.Seq[corpus.Document]) iter.Seq2[corpus.Document, error] {
	return func(yield func(corpus.Document, error) bool) {
		for d := range m.dated(docs) {
			m.Docs++
			if m.From.IsZero() || !d.Date.Before(m.From) {
				d = m.mine(d)
				if q, key := questionFromTitle(d); q != "" {
					m.Titles = append(m.Titles, titleQuestion{DocID: d.ID, Date: d.Date, Question: q, Key: key})
				}
			}
			if !yield(d, nil) {
				return
			}
		}
	}
}

// mine finds d's question-and-answer pairs, keeps the sampled ones and
// returns d without their questions.
func (m *miner) mine(d corpus.Document) corpus.Document {
	drop := make(map[int]bool)
	ps := d.Passages
	m.eachPair(d, func(i, j int, question, answer string) {
		m.Texts = append(m.Texts, textPair{Date: d.Date, Q: question, A: strings.Clone(answer)})
		key := pairKey(d.ID, i)
		if m.chosen != nil {
			ck := textKey(d.Body[ps[i].Start:ps[i].End], answer)
			k, ok := m.chosen[ck]
			if !ok {
				return
			}
			drop[i] = true
			if m.asked[ck] {
				return // a copy's: asked once
			}
			if m.asked == nil {
				m.asked = make(map[uint64]bool)
			}
			m.asked[ck] = true
			key = k
		} else if key%m.Every != 0 {
			return
		}
		m.Pairs = append(m.Pairs, pair{
			DocID: d.ID, Date: d.Date, Q: i, Question: question,
			AnswerStart: ps[i+1].Start, AnswerEnd: ps[j].End, Speaker: ps[i+1].Name, Key: key,
			Answer: strings.Clone(answer),
		})
		drop[i] = true
	})
	if len(drop) == 0 {
		return d
	}
	kept := make([]corpus.Passage, 0, len(ps)-len(drop))
	for i, p := range ps {
		if !drop[i] {
			kept = append(kept, p)
		}
	}
	m.Removed += len(drop)
	d.Passages = kept
	return d
}

// eachPair calls f with each reporter's question in d (passage i) and the
// official's answer that follows (passages i+1 to j).
func (m *miner) eachPair(d corpus.Document, f func(i, j int, question, answer string)) {
	ps := d.Passages
	for i := 0; i+1 < len(ps); i++ {
		if !ps[i].IsQuestion() || ps[i+1].IsQuestion() || ps[i+1].Name == "" {
			continue
		}
		// The answer: the official's passages up to the next question.
		j := i + 1
		for j+1 < len(ps) && ps[j+1].Speaker == ps[i+1].Speaker && !ps[j+1].IsQuestion() {
			j++
		}
		question := reporterQuestion(d.Body[ps[i].Start:ps[i].End])
		answer := d.Body[ps[i+1].Start:ps[j].End]
		if question == "" || words(answer) < 15 {
			continue
		}
		f(i, j, strings.Clone(question), answer)
	}
}

// pairKey samples and orders the pair of passage i of document id.
func pairKey(id string, i int) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	h.Write([]byte{byte(i), byte(i >> 8), byte(i >> 16)})
	return h.Sum64()
}

// textKey identifies a pair by its text, the same in every copy.
func textKey(question, answer string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(question))
	h.Write([]byte{0})
	h.Write([]byte(answer))
	return h.Sum64()
}

// answers reports whether the sentence at start:end of document id is in
// p's answering turn: in p's own document, or in a copy of the turn in
// another document of the same day (doc reads documents).
func (p pair) answers(id string, start, end int, date time.Time, doc func(string) (corpus.Document, error)) bool {
	if id == p.DocID {
		return start >= p.AnswerStart && end <= p.AnswerEnd
	}
	if p.Answer == "" || !sameDay(date, p.Date) {
		return false
	}
	d, err := doc(id)
	if err != nil {
		return false
	}
	for off := 0; ; {
		k := strings.Index(d.Body[off:], p.Answer)
		if k < 0 {
			return false
		}
		k += off
		if start >= k && end <= k+len(p.Answer) {
			return true
		}
		off = k + 1
	}
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// textPair is the text of a question and its answer.
type textPair struct {
	Date time.Time
	Q, A string
}

// maxQuestionWords bounds a mined question: a reporter's turn can run to
// a paragraph of preamble; the question is its last sentences.
const maxQuestionWords = 40

// reporterQuestion returns the question a reporter's turn asks: its last
// sentence that ends in a question mark, with the sentence before it when
// that one is short context ("On Haiti."), or "" when the turn asks
// nothing.
func reporterQuestion(turn string) string {
	end := strings.LastIndex(turn, "?")
	if end < 0 {
		return ""
	}
	turn = strings.TrimSpace(turn[:end+1])
	starts := []int{0}
	for i := 0; i+1 < len(turn); i++ {
		if strings.IndexByte(".?!", turn[i]) >= 0 && turn[i+1] == ' ' {
			starts = append(starts, i+2)
		}
	}
	q := turn[starts[len(starts)-1]:]
	for k := len(starts) - 2; k >= 0 && words(turn[starts[k]:]) <= maxQuestionWords/2; k-- {
		q = turn[starts[k]:]
	}
	switch w := words(q); {
	case w < 4:
		return ""
	case w > maxQuestionWords:
		if f := strings.Fields(q); len(f) > maxQuestionWords {
			q = strings.Join(f[len(f)-maxQuestionWords:], " ")
		}
	}
	return q
}

// words counts the words of s, as the engine does.
func words(s string) int { return answer.CountWords(s) }

// split divides pairs by date: those before cut train, the rest are dev.
// Each side is ordered by key and cut to at most max.
func split(pairs []pair, cut time.Time, maxTrain, maxDev int) (train, dev []pair) {
	for _, p := range pairs {
		if p.Date.Before(cut) {
			train = append(train, p)
		} else {
			dev = append(dev, p)
		}
	}
	return sample(train, maxTrain), sample(dev, maxDev)
}

// sample orders pairs by key (a hash: a reproducible shuffle) and keeps
// at most n.
func sample(ps []pair, n int) []pair {
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].Key != ps[j].Key {
			return ps[i].Key < ps[j].Key
		}
		return ps[i].DocID < ps[j].DocID
	})
	if n > 0 && len(ps) > n {
		ps = ps[:n]
	}
	return ps
}
