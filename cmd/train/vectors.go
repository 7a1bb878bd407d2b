package main

import (
	"iter"
	"math"
	"sort"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// Distributional neighbours: words the corpus uses in the same places
// ("send troops", "deploy troops", "sending forces", "deploying forces")
// are related even when no reporter's question and answer pair them. The
// trainer counts, for the commonest words, the words around them (two on
// each side, content words only), weighs those counts by positive
// pointwise mutual information and relates each word to those whose
// vectors are most alike (cosine).
const (
	vecWords    = 3000 // words that get neighbours: the commonest content stems
	vecContexts = 2000 // context words: the commonest
	vecWindow   = 2
	vecMinSim   = 0.35 // least cosine for a neighbour, chosen on the held-out questions
	vecNeigh    = 4
)

// vectorBridge counts the documents' words as contents yields them; eng
// decides what a content word is and its stem.
func vectorBridge(docs iter.Seq[corpus.Document], eng *answer.Engine) answer.Bridge {
	// First pass over the text in memory would hold the corpus; instead
	// keep each document's stem sequence only while counting.
	freq := make(map[string]int)
	var seqs [][]string
	for d := range docs {
		var seq []string
		for _, t := range eng.ContentTerms(d.Body) {
			st := index.Stem(t)
			seq = append(seq, st)
			freq[st]++
		}
		seqs = append(seqs, seq)
	}
	top := func(n int) map[string]int {
		type kv struct {
			w string
			n int
		}
		var l []kv
		for w, c := range freq {
			if len(w) >= 3 && c >= 20 {
				l = append(l, kv{w, c})
			}
		}
		sort.Slice(l, func(i, j int) bool {
			if l[i].n != l[j].n {
				return l[i].n > l[j].n
			}
			return l[i].w < l[j].w
		})
		out := make(map[string]int)
		for i, x := range l {
			if i >= n {
				break
			}
			out[x.w] = i
		}
		return out
	}
	words, ctxs := top(vecWords), top(vecContexts)
	m := make([][]float64, len(words))
	for i := range m {
		m[i] = make([]float64, len(ctxs))
	}
	for _, seq := range seqs {
		for i, w := range seq {
			wi, ok := words[w]
			if !ok {
				continue
			}
			for j := max(0, i-vecWindow); j <= min(len(seq)-1, i+vecWindow); j++ {
				if j == i {
					continue
				}
				if ci, ok := ctxs[seq[j]]; ok {
					m[wi][ci]++
				}
			}
		}
	}
	// PPMI, then unit length.
	rowSum := make([]float64, len(m))
	colSum := make([]float64, len(ctxs))
	var total float64
	for i, row := range m {
		for j, c := range row {
			rowSum[i] += c
			colSum[j] += c
			total += c
		}
	}
	for i, row := range m {
		var norm float64
		for j, c := range row {
			if c == 0 {
				continue
			}
			pmi := math.Log(c * total / (rowSum[i] * colSum[j]))
			if pmi < 0 {
				pmi = 0
			}
			row[j] = pmi
			norm += pmi * pmi
		}
		if norm > 0 {
			norm = math.Sqrt(norm)
			for j := range row {
				row[j] /= norm
			}
		}
	}
	byIndex := make([]string, len(words))
	for w, i := range words {
		byIndex[i] = w
	}
	b := make(answer.Bridge)
	for i := range m {
		var rel []answer.Related
		for k := range m {
			if k == i {
				continue
			}
			var dot float64
			for j, x := range m[i] {
				if x != 0 {
					dot += x * m[k][j]
				}
			}
			if dot >= vecMinSim {
				rel = append(rel, answer.Related{Stem: byIndex[k], Weight: round3(dot)})
			}
		}
		sortRelated(rel)
		if len(rel) > vecNeigh {
			rel = rel[:vecNeigh]
		}
		if len(rel) > 0 {
			b[byIndex[i]] = rel
		}
	}
	return b
}
