package answer

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Bridge relates a question's word to the words an answer may use
// instead ("send" troops and their "deployment", "ban" and "prohibit",
// "jobs" and "employment"), by Snowball stem, with a strength in (0, 1].
// A sentence that holds a related word instead of the question's word
// meets the question part of the way (the fBridge feature).
type Bridge map[string][]Related

// Related is a word related to another, and how strongly.
type Related struct {
	Stem   string
	Weight float64
}

//go:embed bridge.tsv
var bridgeTSV string

// fittedBridge is the bridge the engine uses, written by cmd/train.
var fittedBridge = mustBridge(bridgeTSV)

func mustBridge(s string) Bridge {
	b, err := ReadBridge(strings.NewReader(s))
	if err != nil {
		panic(fmt.Sprintf("answer: embedded bridge.tsv: %v", err)) // tested: cannot happen at run time
	}
	return b
}

// ReadBridge reads a bridge file: one line per word, "stem<TAB>related:weight
// related:weight ...". Lines starting with # are comments.
func ReadBridge(r io.Reader) (Bridge, error) {
	b := make(Bridge)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		stem, rest, ok := strings.Cut(text, "\t")
		if !ok || stem == "" {
			return nil, fmt.Errorf("line %d: want stem, a tab and related words", line)
		}
		for f := range strings.FieldsSeq(rest) {
			w, v, ok := strings.Cut(f, ":")
			x, err := strconv.ParseFloat(v, 64)
			if !ok || err != nil || w == "" || x <= 0 || x > 1 {
				return nil, fmt.Errorf("line %d: bad related word %q", line, f)
			}
			b[stem] = append(b[stem], Related{Stem: w, Weight: x})
		}
	}
	return b, sc.Err()
}

// Write writes b in the format ReadBridge reads, sorted, so that the same
// bridge is always the same file.
func (b Bridge) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	stems := make([]string, 0, len(b))
	for s := range b {
		stems = append(stems, s)
	}
	sort.Strings(stems)
	for _, s := range stems {
		rel := append([]Related(nil), b[s]...)
		sort.Slice(rel, func(i, j int) bool {
			if rel[i].Weight != rel[j].Weight {
				return rel[i].Weight > rel[j].Weight
			}
			return rel[i].Stem < rel[j].Stem
		})
		bw.WriteString(s)
		for i, r := range rel {
			if i == 0 {
				bw.WriteByte('\t')
			} else {
				bw.WriteByte(' ')
			}
			fmt.Fprintf(bw, "%s:%s", r.Stem, strconv.FormatFloat(r.Weight, 'f', 3, 64))
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
