package answer

import (
	"context"
	"sort"
	"strings"
	"unicode"

	"github.com/briefbot/briefbot/corpus"
)

// What conversations need beyond Ask: the next quotes for a question
// ("More quotes"), the speakers a person can pick from, whether a message
// in a conversation is only chatter, and a short description of how a
// question was read. None of it changes how answers are ranked.

// Span is where a quote was cut from: its document and its byte offsets
// in the document's body. It identifies a quote already shown.
type Span struct {
	DocID string `json:"doc"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// SpanOf returns the span of q.
func SpanOf(q Quote) Span { return Span{DocID: q.DocID, Start: q.Start, End: q.End} }

// minMoreConfidence is the least confidence, as a share of the bound of
// the "low" band, that a further quote must have: the next quotes may be
// weaker than the first three, but not noise.
const minMoreConfidence = 0.5

// More answers q again with up to three quotes that overlap none of
// shown: the next ones down the same ranking ("More quotes"). A sentence
// inside a shown quote is never quoted again, nor one that says nearly
// what a shown quote says. Confidence is that of the first new quote.
// When nothing more is worth quoting, the answer has no quotes and
// NoAnswer set (Related stays empty). Like Ask, only failures of the
// index are errors; ErrEmptyQuestion is an *Error.
func (e *Engine) More(ctx context.Context, q Question, shown []Span) (Answer, error) {
	qu := e.understand(q)
	ans := Answer{Question: q, Understood: qu.understanding()}
	r, outside, err := e.search(ctx, qu)
	if err != nil {
		return ans, err
	}
	if qu.filtered() && (outside || !answers(r)) {
		ans.Note = qu.nothingNote()
	}
	ans.Outside = outside
	ans.Quotes, ans.Confidence = e.pickMore(r, shown)
	ans.NoAnswer = len(ans.Quotes) == 0
	return ans, nil
}

// pickMore is pickQuotes that starts with the shown spans already quoted
// and keeps going past the first quotes, as far as minMoreConfidence.
func (e *Engine) pickMore(r ranked, shown []Span) ([]Quote, float64) {
	byDoc := make(map[string][]Span)
	for _, s := range shown {
		byDoc[s.DocID] = append(byDoc[s.DocID], s)
	}
	inShown := func(c *candidate, i int) bool {
		for _, s := range byDoc[c.doc.ID] {
			if c.sents[i].Start < s.End && s.Start < c.sents[i].End {
				return true
			}
		}
		return false
	}
	type sentence struct {
		doc     *corpus.Document
		passage int
		i       int
	}
	quoted := make(map[sentence]bool)
	var picked []*candidate // shown and new quotes, for diversity
	for _, c := range r.cands {
		if inShown(c, c.i) {
			picked = append(picked, c)
		}
	}
	floor := minMoreConfidence * r.p.bands.Answer
	var out []Quote
	var conf float64
	for _, c := range r.cands {
		if len(out) == maxQuotes || c.confidence < floor {
			break
		}
		if quoted[sentence{c.doc, c.passage, c.i}] || inShown(c, c.i) || e.similarToAny(c, picked) {
			continue
		}
		q, lo, hi := e.quote(c, r.cands, func(i int) bool {
			return quoted[sentence{c.doc, c.passage, i}] || inShown(c, i)
		})
		for i := lo; i <= hi; i++ {
			quoted[sentence{c.doc, c.passage, i}] = true
		}
		if len(out) == 0 {
			conf = c.confidence
		}
		picked = append(picked, c)
		out = append(out, q)
	}
	return out, conf
}

// Speakers returns up to n speakers of the indexed documents whose name,
// or a word of it, starts with prefix (any case), those who speak most
// first: what a person picks from when asking for someone's words. An
// empty prefix returns the n who speak most.
func (e *Engine) Speakers(prefix string, n int) []string {
	if n <= 0 {
		return nil
	}
	book := e.speakers.get(e.idx, e.Background)
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	var names []string
	for name := range book.passages {
		if prefix == "" || matchesPrefix(name, prefix) {
			names = append(names, name)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := book.passages[names[i]], book.passages[names[j]]
		if a != b {
			return a > b
		}
		return names[i] < names[j]
	})
	return names[:min(n, len(names))]
}

// matchesPrefix reports whether name or one of its words starts with
// prefix, which is lower case.
func matchesPrefix(name, prefix string) bool {
	name = strings.ToLower(name)
	if strings.HasPrefix(name, prefix) {
		return true
	}
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '-' || r == '.' }) {
		if strings.HasPrefix(w, prefix) {
			return true
		}
	}
	return false
}

// Chatter reports whether a message says nothing to search for: thanks,
// agreement, laughter, an emoji, punctuation. A bot never answers chatter,
// not even in a direct message; LooksLikeQuestion, stricter, decides
// whether a message in a shared thread is meant for the bot at all.
func Chatter(text string) bool {
	t := strings.TrimSpace(text)
	if t == "" || reChatter.MatchString(t) {
		return true
	}
	return strings.IndexFunc(t, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0
}

// Summary says in a few words how a question was read: its topic, whose
// words and from when, and whether the newest answers come first, as in
// "“Haiti” from Kirby in 2023". A reply to a follow-up shows it, so the
// person sees what carried over from the conversation.
func (u Understanding) Summary() string {
	var parts []string
	if t := (query{topic: u.Topic}).topicWords(); t != "" {
		parts = append(parts, "“"+truncate(t, 120)+"”")
	}
	if u.Speaker != "" {
		parts = append(parts, "from "+truncate(u.Speaker, 80))
	}
	if u.Period != "" {
		parts = append(parts, u.Period)
	}
	if u.Latest {
		parts = append(parts, "newest first")
	}
	return strings.Join(parts, " ")
}
