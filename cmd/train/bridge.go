package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/index"
)

// substitutions counts, over question-and-answer pairs, the words an
// official used in answering that the reporter did not, against the words
// the reporter used that the official did not: "Will you send troops?" -
// "We will not deploy troops" pairs "send" with "deploy". Words both use
// are the topic, not a substitution, and are not counted.
type substitutions struct {
	n     float64                       // pairs
	nq    map[string]float64            // pairs whose question has the stem
	na    map[string]float64            // pairs whose answer has the stem
	joint map[string]map[string]float64 // question stem -> answer stem -> pairs
}

func newSubstitutions() *substitutions {
	return &substitutions{nq: make(map[string]float64), na: make(map[string]float64), joint: make(map[string]map[string]float64)}
}

// add counts one pair, given the content stems of its question and answer.
func (s *substitutions) add(q, a map[string]bool) {
	if len(q) == 0 || len(a) == 0 {
		return
	}
	s.n++
	for w := range q {
		s.nq[w]++
	}
	for w := range a {
		s.na[w]++
	}
	for w := range q {
		if a[w] {
			continue
		}
		m := s.joint[w]
		if m == nil {
			m = make(map[string]float64)
			s.joint[w] = m
		}
		for v := range a {
			if !q[v] {
				m[v]++
			}
		}
	}
}

// Thresholds of a learned association: seen together in at least
// minJoint pairs, with a normalised pointwise mutual information of at
// least minNPMI; each word keeps its maxRelated strongest.
const (
	minJoint   = 4
	minNPMI    = 0.3
	maxRelated = 5
)

// bridge returns the associations that pass the thresholds, with their
// normalised PMI as the weight.
func (s *substitutions) bridge() answer.Bridge {
	b := make(answer.Bridge)
	for q, m := range s.joint {
		var rel []answer.Related
		for a, n := range m {
			if n < minJoint || len(a) < 3 || len(q) < 3 {
				continue
			}
			pmi := math.Log(n * s.n / (s.nq[q] * s.na[a]))
			npmi := pmi / -math.Log(n/s.n)
			if npmi >= minNPMI {
				rel = append(rel, answer.Related{Stem: a, Weight: math.Min(1, round3(npmi))})
			}
		}
		sortRelated(rel)
		if len(rel) > maxRelated {
			rel = rel[:maxRelated]
		}
		if len(rel) > 0 {
			b[q] = rel
		}
	}
	return b
}

func sortRelated(rel []answer.Related) {
	sort.Slice(rel, func(i, j int) bool {
		if rel[i].Weight != rel[j].Weight {
			return rel[i].Weight > rel[j].Weight
		}
		return rel[i].Stem < rel[j].Stem
	})
}

// stems returns the content stems of text, as the engine compares words.
func stems(eng *answer.Engine, text string) map[string]bool {
	out := make(map[string]bool)
	for _, t := range eng.ContentTerms(text) {
		out[index.Stem(t)] = true
	}
	return out
}

// WordNet relations and their strengths: words of one sense (synonyms),
// and a sense's broader word or a word derived from it.
const (
	wnSynonym = 0.6
	wnRelated = 0.4
	wnSenses  = 2 // only a word's commonest senses
)

// wordnetBridge reads WordNet's database (Debian's wordnet-base puts it
// in /usr/share/wordnet) and relates each word to the synonyms, broader
// words (hypernyms) and derived forms of its commonest senses. known
// keeps the words the corpus uses and maps them to stems.
func wordnetBridge(dir string, known func(word string) (string, bool)) (answer.Bridge, error) {
	type synset struct {
		words []string
		ptrs  []string // "@ 00795881 v" style: pointer symbol, offset, part of speech
	}
	synsets := make(map[string]synset) // "v00795881" -> synset
	err := eachWordNetLine(dir, []string{"noun", "verb", "adj"}, func(_, line string) {
		f := strings.Fields(strings.SplitN(line, " | ", 2)[0])
		if len(f) < 4 {
			return
		}
		n, err := strconv.ParseInt(f[3], 16, 32)
		if err != nil || len(f) < 4+2*int(n)+1 {
			return
		}
		var ss synset
		for i := range int(n) {
			ss.words = append(ss.words, strings.ToLower(f[4+2*i]))
		}
		k := 4 + 2*int(n)
		np, _ := strconv.Atoi(f[k])
		k++
		for i := 0; i < np && k+3 < len(f); i++ {
			if sym := f[k]; sym == "@" || sym == "+" || sym == "&" || sym == "$" {
				ss.ptrs = append(ss.ptrs, f[k+2]+f[k+1])
			}
			k += 4
		}
		synsets[f[2]+f[0]] = ss
	})
	if err != nil {
		return nil, err
	}
	b := make(answer.Bridge)
	add := func(from, to string, w float64) {
		fs, ok1 := known(from)
		ts, ok2 := known(to)
		if !ok1 || !ok2 || fs == ts {
			return
		}
		for i, r := range b[fs] {
			if r.Stem == ts {
				b[fs][i].Weight = math.Max(r.Weight, w)
				return
			}
		}
		b[fs] = append(b[fs], answer.Related{Stem: ts, Weight: w})
	}
	for _, pos := range []string{"noun", "verb", "adj"} {
		f, err := os.Open(filepath.Join(dir, "index."+pos))
		if err != nil {
			return nil, fmt.Errorf("wordnet: %w", err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "  ") {
				continue
			}
			fl := strings.Fields(line)
			if len(fl) < 4 || strings.Contains(fl[0], "_") {
				continue
			}
			word, p := fl[0], fl[1]
			if p == "s" {
				p = "a"
			}
			var offs []string
			for _, x := range fl {
				if len(x) == 8 && strings.Trim(x, "0123456789") == "" {
					offs = append(offs, x)
				}
			}
			for i, off := range offs {
				if i >= wnSenses {
					break
				}
				ss := synsets[p+off]
				for _, w := range ss.words {
					if !strings.Contains(w, "_") && w != word {
						add(word, w, wnSynonym)
					}
				}
				for _, ptr := range ss.ptrs {
					for _, w := range synsets[ptr].words {
						if !strings.Contains(w, "_") && w != word {
							add(word, w, wnRelated)
						}
					}
				}
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("wordnet: %w", err)
		}
	}
	for s := range b {
		sortRelated(b[s])
		if len(b[s]) > 2*maxRelated {
			b[s] = b[s][:2*maxRelated]
		}
	}
	return b, nil
}

// mergeBridges joins bridges, keeping a pair's strongest weight.
func mergeBridges(bs ...answer.Bridge) answer.Bridge {
	out := make(answer.Bridge)
	for _, b := range bs {
		for s, rel := range b {
		next:
			for _, r := range rel {
				for i, o := range out[s] {
					if o.Stem == r.Stem {
						out[s][i].Weight = math.Max(o.Weight, r.Weight)
						continue next
					}
				}
				out[s] = append(out[s], r)
			}
		}
	}
	for s := range out {
		sortRelated(out[s])
	}
	return out
}

// wordnetBackground counts the index terms of WordNet's lemmas and
// definitions: a picture of general English, against which the engine
// tells a question about the corpus from one about something else. Terms
// seen once are left out.
func wordnetBackground(dir string, analyze func(string) []string) (map[string]float64, error) {
	counts := make(map[string]float64)
	err := eachWordNetLine(dir, []string{"noun", "verb", "adj", "adv"}, func(_, line string) {
		head, gloss, _ := strings.Cut(line, " | ")
		fl := strings.Fields(head)
		var text strings.Builder
		if len(fl) > 4 {
			if n, err := strconv.ParseInt(fl[3], 16, 32); err == nil {
				for i := 0; i < int(n) && 4+2*i < len(fl); i++ {
					text.WriteString(strings.ReplaceAll(fl[4+2*i], "_", " "))
					text.WriteByte(' ')
				}
			}
		}
		text.WriteString(gloss)
		for _, t := range analyze(text.String()) {
			counts[t]++
		}
	})
	if err != nil {
		return nil, err
	}
	for t, n := range counts {
		if n < 2 {
			delete(counts, t)
		}
	}
	return counts, nil
}

// writeBackground writes counts sorted by term.
func writeBackground(path string, counts map[string]float64) error {
	terms := make([]string, 0, len(counts))
	for t := range counts {
		terms = append(terms, t)
	}
	sort.Strings(terms)
	var b strings.Builder
	b.WriteString("# Word counts of general English: written by cmd/train from WordNet's lemmas and definitions.\n")
	for _, t := range terms {
		fmt.Fprintf(&b, "%s\t%d\n", t, int(counts[t]))
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// eachWordNetLine calls f with every synset line of WordNet's data files
// for the given parts of speech, the licence at their head skipped.
func eachWordNetLine(dir string, parts []string, f func(pos, line string)) error {
	for _, pos := range parts {
		file, err := os.Open(filepath.Join(dir, "data."+pos))
		if err != nil {
			return fmt.Errorf("wordnet: %w", err)
		}
		sc := bufio.NewScanner(file)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if line := sc.Text(); !strings.HasPrefix(line, "  ") {
				f(pos, line)
			}
		}
		file.Close()
		if err := sc.Err(); err != nil {
			return fmt.Errorf("wordnet: %w", err)
		}
	}
	return nil
}
