package answer

import (
	"bufio"
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Background is how often words occur in general English: counts of the
// index's terms in WordNet's definitions and lemmas, written by cmd/train
// (background.tsv). A question whose words are far more common in general
// English than in the corpus ("boiling point", "Mount Everest") is
// probably not about the corpus.
type Background struct {
	count map[string]float64
	total float64
}

// NewBackground returns the background of the given term counts.
func NewBackground(counts map[string]float64) *Background {
	b := &Background{count: counts}
	for _, n := range counts {
		b.total += n
	}
	return b
}

//go:embed background.tsv
var backgroundTSV string

var generalEnglish = mustBackground(backgroundTSV)

func mustBackground(s string) *Background {
	b, err := readBackground(s)
	if err != nil {
		panic(fmt.Sprintf("answer: embedded background.tsv: %v", err)) // tested: cannot happen at run time
	}
	return b
}

// readBackground reads "term<TAB>count" lines; # starts a comment.
func readBackground(s string) (*Background, error) {
	counts := make(map[string]float64)
	sc := bufio.NewScanner(strings.NewReader(s))
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		w, c, ok := strings.Cut(t, "\t")
		n, err := strconv.ParseFloat(c, 64)
		if !ok || err != nil || n <= 0 {
			return nil, fmt.Errorf("line %d: want term, a tab and a count", line)
		}
		counts[w] = n
	}
	return NewBackground(counts), sc.Err()
}

// affinity is how much more a term belongs to the corpus than to general
// English: the log ratio of its share of the corpus's passages to its
// share of the background, both smoothed.
func (b *Background) affinity(df, passages int, term string) float64 {
	if passages == 0 {
		return 0
	}
	pc := (float64(df) + 0.5) / (float64(passages) + 1)
	pb := (b.count[term] + 0.5) / (b.total + 1)
	return math.Log(pc / pb)
}
