package answer

import (
	"context"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// MaxDigestStories is how many stories Digest shows; the rest are counted
// in Digest.More.
const MaxDigestStories = 15

// Limits that keep a digest within what Slack and Discord render (the
// adapters trim too, but a digest cut by an adapter loses whole stories
// at random; cut here, the reader is told how many are missing).
// MaxDigestChars is about how long a digest may be, titles, sentences and
// links of all its stories together, to fit one Slack or Discord message;
// stories past it are left out (Digest.CutForSize) whatever the maximum
// number of stories asked for.
const MaxDigestChars = maxDigestBytes

const (
	maxDigestBytes     = 11000 // titles, sentences and links of all stories
	maxDigestAnalyzed  = 200   // newest documents read; older ones only counted
	maxStorySentences  = 3
	minStorySentences  = 2
	maxStoryBytes      = 900 // sentences of one story, once it has two
	maxStoryLinks      = 8   // Also and Related each
	minSentenceChars   = 40
	maxSentenceBytes   = 400
	digestTopTerms     = 20
	digestLeadSentence = 2 // sentences of the lead that identify a story
)

// Thresholds of similarity between two documents' titles and leads
// (Jaccard of content terms) and bodies (cosine of the frequent terms,
// IDF-weighted). Measured on the sample corpus and a week of the Briefing
// Room: copies of one text score 1 and 1; a news report of a briefing and
// the briefing's transcript about 0.15 and 0.6; a fact sheet and the press
// call presenting it 0.07 and 0.55; two readouts of calls with the same
// leaders 0.4 and 0.45; two daily press briefings on different subjects
// 0.2 and 0.2 (their titles are alike, their news is not).
const (
	dupLead = 0.5
	dupBody = 0.85
)

// sameEventTitle is the similarity of two titles' distinctive words
// (weighted by rarity: "tornado" counts, "President Biden" hardly) above
// which two documents cover one event: "Remarks by President Biden on
// Tornado Response and Recovery Efforts" and "... After Briefing on Tornado
// Response and Recovery Efforts" score 0.9, two statements of the
// President on different subjects under 0.3.
const sameEventTitle = 0.5

// weightedJaccard is the Jaccard similarity of two weighted term sets.
func weightedJaccard(a, b map[string]float64) float64 {
	var both, either float64
	for _, t := range sortedKeys(a) {
		if w, ok := b[t]; ok {
			both += math.Min(a[t], w)
			either += math.Max(a[t], w)
		} else {
			either += a[t]
		}
	}
	for _, t := range sortedKeys(b) {
		if _, ok := a[t]; !ok {
			either += b[t]
		}
	}
	if either == 0 {
		return 0
	}
	return both / either
}

// related reports whether two documents' similarities make them one
// subject.
func related(lead, body float64) bool {
	return lead >= 0.3 || body >= 0.45 || lead >= 0.15 && body >= 0.3
}

// Digest summarises the documents published in (since, until] that no
// earlier digest can have shown (see isNew): for each story its two or
// three most informative sentences, verbatim; copies of one text from
// several outlets merged (Also), coverage of one event grouped under its
// most newsworthy document (Related), each document shown once; the most
// newsworthy stories first (briefings, statements and remarks before
// fact sheets, and those before proclamations and nominations), at most
// MaxDigestStories stories. A zero until has no upper bound.
func (e *Engine) Digest(ctx context.Context, since, until time.Time) (Digest, error) {
	return e.DigestN(ctx, since, until, MaxDigestStories)
}

// digestGrace is how long before a period a document may be dated and
// still be news in it, when it reached the index during the period: a
// statement dated (by day) yesterday that a feed delivered after
// yesterday's digest. Anything dated earlier that arrives now is the
// archive (a bulk import, a backfill), not news.
const digestGrace = 48 * time.Hour

// isNew reports whether a document dated date (zero if undated) and first
// indexed at added is news in (since, until]: dated in the period, or
// reaching the index in it, dated at most digestGrace before it, and
// after the period's start (a document the index held, and whose date had
// come, at the end of the previous period was in that period's digest).
// An undated document counts from when it was indexed.
func isNew(date, added, since, until time.Time) bool {
	in := func(t time.Time) bool {
		return !t.IsZero() && t.After(since) && (until.IsZero() || !t.After(until))
	}
	if date.IsZero() {
		return in(added)
	}
	if in(date) {
		return true
	}
	// Available for a digest from when it was both indexed and dated.
	avail := added
	if date.After(avail) {
		avail = date
	}
	return in(avail) && !date.Before(since.Add(-digestGrace))
}

// DigestN is Digest showing at most max stories (at least one). Fewer are
// shown when they would not fit one chat message (Digest.CutForSize).
func (e *Engine) DigestN(ctx context.Context, since, until time.Time, max int) (Digest, error) {
	if max < 1 {
		max = 1
	}
	dg := Digest{Since: since, Until: until}
	entries, err := e.idx.Entries(func(date, added time.Time) bool { return isNew(date, added, since, until) })
	if err != nil {
		return dg, err
	}
	window := make([]*index.Entry, len(entries))
	for i := range entries {
		window[i] = &entries[i]
	}
	// Newest first, to choose which to read when there are too many.
	sort.Slice(window, func(i, j int) bool {
		a, b := when(window[i]), when(window[j])
		if !a.Equal(b) {
			return a.After(b)
		}
		return window[i].ID < window[j].ID
	})
	// A window of thousands (a first digest over a fresh index) is not
	// read in full: the newest are more than the digest can show.
	skipped := 0
	if len(window) > maxDigestAnalyzed {
		skipped = len(window) - maxDigestAnalyzed
		window = window[:maxDigestAnalyzed]
	}
	items := make([]*digestItem, 0, len(window))
	for _, en := range window {
		if err := ctx.Err(); err != nil {
			return dg, err
		}
		items = append(items, e.digestItem(en))
	}
	rank(items)
	groups := group(merge(items))

	// One story per group: its head, with the rest of the group as Related.
	all := make([]Story, 0, len(groups))
	for _, g := range groups {
		all = append(all, g[0].story())
	}
	shown := min(len(all), max)
	dg.Stories = fit(all, max)
	dg.CutForSize = shown - len(dg.Stories)
	dg.More = len(all) - len(dg.Stories) + skipped
	return dg, nil
}

// rank orders items by newsworthiness (see newsworthiness), a day older
// than the newest costing a fifth of a point, then newest first.
func rank(items []*digestItem) {
	var newest time.Time
	for _, it := range items {
		if it.when.After(newest) {
			newest = it.when
		}
	}
	for _, it := range items {
		it.weight = newsworthiness(it.doc)
		it.rank = it.weight - 0.2*math.Floor(newest.Sub(it.when).Hours()/24)
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.rank != b.rank {
			return a.rank > b.rank
		}
		if !a.when.Equal(b.when) {
			return a.when.After(b.when)
		}
		return a.doc.ID < b.doc.ID
	})
}

// newsworthiness weighs what a document is, from its title and kind:
// briefings and calls with the press, statements and remarks carry the
// day's news; readouts and fact sheets less; executive orders and
// legislation less again; ceremonial proclamations, nominations and
// routine notices least.
func newsworthiness(d *corpus.Document) float64 {
	t := strings.ToLower(d.Title)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(t, w) {
				return true
			}
		}
		return false
	}
	starts := func(words ...string) bool {
		for _, w := range words {
			if strings.HasPrefix(t, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("proclamation"):
		return 0.2
	case has("nominat", "appoint", "intent to nominate", "key nominees", "announces key"):
		return 0.25
	case starts("message to the", "letter to", "notice on", "notice of", "text of a letter", "memorandum on the delegation"):
		return 0.3
	case starts("press briefing", "press gaggle", "background press call", "on-the-record press call", "press call", "press conference"):
		return 1
	case starts("statement", "joint statement"):
		return 0.95
	case starts("remarks"), has("press conference"):
		return 0.9
	case starts("readout"):
		return 0.8
	case starts("fact sheet"):
		return 0.75
	case has("executive order"):
		return 0.6
	}
	switch d.Kind {
	case "press-briefings":
		return 1
	case "speeches-remarks", "remarks":
		return 0.9
	case "news", "articles":
		return 0.85
	case "statements-releases", "briefings-statements", "releases":
		return 0.8
	case "fact-sheets":
		return 0.75
	case "blog":
		return 0.6
	case "legislation":
		return 0.5
	case "presidential-actions":
		return 0.4
	case "disclosures", "research":
		return 0.3
	}
	return 0.7
}

// when is the time a document counts from in a digest: its date, or when
// it was added for an undated document.
func when(en *index.Entry) time.Time {
	if en.Date.IsZero() {
		return en.Added
	}
	return en.Date
}

// fit returns the first stories that fit in max stories and
// maxDigestBytes, shortening stories to two sentences before leaving
// any out.
func fit(stories []Story, max int) []Story {
	if len(stories) > max {
		stories = stories[:max]
	}
	size := 0
	for _, s := range stories {
		size += storyBytes(s)
	}
	for i := len(stories) - 1; i >= 0 && size > maxDigestBytes; i-- {
		if ss := stories[i].Sentences; len(ss) > minStorySentences {
			size -= storyBytes(stories[i])
			stories[i].Sentences = ss[:minStorySentences:minStorySentences]
			size += storyBytes(stories[i])
		}
	}
	for len(stories) > 1 && size > maxDigestBytes {
		size -= storyBytes(stories[len(stories)-1])
		stories = stories[:len(stories)-1]
	}
	return stories
}

// digestItem is a document of the digest with what it takes to compare it
// with the others; once merged or grouped, it carries them too.
type digestItem struct {
	doc       *corpus.Document
	when      time.Time // date, or when added for an undated document
	sentences []Quote
	lead      map[string]bool    // content terms of the title and lead
	titleW    map[string]float64 // content terms of the title, IDF-weighted
	top       map[string]float64 // the body's most frequent content terms, IDF-weighted
	also      []*digestItem      // near-duplicates merged into this one
	related   []*digestItem      // stories grouped under this one
	weight    float64            // newsworthiness of its kind (see newsworthiness)
	rank      float64            // weight, less for older days (see rank)
}

func (it *digestItem) story() Story {
	d := it.doc
	s := Story{
		Title: d.Title, URL: d.URL, Source: d.Source, Kind: d.Kind, Date: d.Date,
		Sentences: it.sentences,
	}
	for i, o := range it.also {
		if i == maxStoryLinks {
			break
		}
		s.Also = append(s.Also, link(o.doc))
	}
	for i, o := range it.related {
		if i == maxStoryLinks {
			break
		}
		s.Related = append(s.Related, link(o.doc))
	}
	return s
}

func link(d *corpus.Document) Link {
	return Link{Title: d.Title, URL: d.URL, Source: d.Source, Date: d.Date}
}

func storyBytes(s Story) int {
	n := len(s.Title) + len(s.URL)
	for _, q := range s.Sentences {
		n += len(q.Text)
	}
	for _, l := range append(s.Also, s.Related...) {
		n += len(l.Title) + len(l.URL)
	}
	return n
}

// merge folds near-duplicates (the same story from several outlets) into
// one item: the earliest, else the most complete, carries the others in
// also. items are ranked (see rank); so is the result, a merged item
// taking the best rank of its copies.
func merge(items []*digestItem) []*digestItem {
	parent := make([]int, len(items))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			if lead, body := similarity(items[i], items[j]); lead >= dupLead || body >= dupBody {
				if a, b := find(i), find(j); a != b {
					parent[b] = a
				}
			}
		}
	}
	sets := make(map[int][]*digestItem)
	var roots []int
	for i, it := range items {
		r := find(i)
		if sets[r] == nil {
			roots = append(roots, r)
		}
		sets[r] = append(sets[r], it)
	}
	var out []*digestItem
	for _, r := range roots {
		set := sets[r]
		sort.SliceStable(set, func(i, j int) bool { return better(set[i], set[j]) })
		head := set[0]
		head.also = append(head.also, set[1:]...)
		for _, o := range set[1:] {
			head.rank = math.Max(head.rank, o.rank)
			head.weight = math.Max(head.weight, o.weight)
		}
		out = append(out, head)
	}
	// In the order of the items, the best ranked first.
	sort.SliceStable(out, func(i, j int) bool { return out[i].rank > out[j].rank })
	return out
}

// better reports whether a should head a merged story rather than b: it
// has a date and b not, or appeared earlier, or has more to show.
func better(a, b *digestItem) bool {
	ad, bd := !a.doc.Date.IsZero(), !b.doc.Date.IsZero()
	if ad != bd {
		return ad
	}
	if !a.when.Equal(b.when) {
		return a.when.Before(b.when)
	}
	if ca, cb := completeness(a.doc), completeness(b.doc); ca != cb {
		return ca > cb
	}
	if len(a.doc.Body) != len(b.doc.Body) {
		return len(a.doc.Body) > len(b.doc.Body)
	}
	return a.doc.ID < b.doc.ID
}

func completeness(d *corpus.Document) int {
	n := 0
	for _, s := range []string{d.URL, d.Source, d.Kind} {
		if s != "" {
			n++
		}
	}
	return n
}

// group gathers the coverage of one event: each story joins the group of
// the best-ranked story it is related to, the one it resembles most, so
// groups do not chain into one. The head of a group, listing the others in
// related, is its most newsworthy kind of document. stories are ranked;
// groups keep the order of their best-ranked story.
func group(stories []*digestItem) [][]*digestItem {
	var groups [][]*digestItem
	for _, s := range stories {
		best, bestSim := -1, 0.0
		for g, members := range groups {
			lead, body := similarity(members[0], s)
			if !related(lead, body) && weightedJaccard(members[0].titleW, s.titleW) < sameEventTitle {
				continue
			}
			if sim := lead + body; sim > bestSim {
				best, bestSim = g, sim
			}
		}
		if best < 0 {
			groups = append(groups, []*digestItem{s})
			continue
		}
		groups[best] = append(groups[best], s)
	}
	// The story shown for a group is its most newsworthy kind of document,
	// the transcript or statement rather than a report of it; the group
	// keeps the place of its best-ranked member.
	for gi, g := range groups {
		h := 0
		for i, it := range g {
			if it.weight > g[h].weight {
				h = i
			}
		}
		head := g[h]
		ordered := []*digestItem{head}
		for i, it := range g {
			if i != h {
				head.related = append(head.related, it)
				ordered = append(ordered, it)
			}
		}
		groups[gi] = ordered
	}
	return groups
}

// similarity compares two documents by the content terms of their titles
// and leads (Jaccard) and by their bodies' frequent terms (cosine).
func similarity(a, b *digestItem) (lead, body float64) {
	return jaccard(a.lead, b.lead), cosine(a.top, b.top)
}

func cosine(a, b map[string]float64) float64 {
	var dot, na, nb float64
	for _, t := range sortedKeys(a) {
		dot += a[t] * b[t]
		na += a[t] * a[t]
	}
	for _, t := range sortedKeys(b) {
		nb += b[t] * b[t]
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// sortedKeys returns the keys of m in order, so that sums of floats over
// a map come out the same on every run.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// digestSentence is a sentence that may represent its document.
type digestSentence struct {
	passage    int
	start, end int // body offsets
	terms      map[string]bool
	score      float64
}

// digestItem analyses a document: its candidate sentences, the terms that
// identify it, and the sentences chosen for the digest.
func (e *Engine) digestItem(en *index.Entry) *digestItem {
	d := &en.Document
	it := &digestItem{doc: d, when: when(en), lead: make(map[string]bool)}
	var cands []*digestSentence
	freq := make(map[string]int)
	for p, ps := range d.Passages {
		if ps.IsQuestion() || ps.End > len(d.Body) || ps.Start >= ps.End {
			continue
		}
		text := d.Body[ps.Start:ps.End]
		toks := e.idx.Analyze(text)
		for _, t := range toks {
			if e.content(t.Term) {
				freq[t.Term]++
			}
		}
		k := 0
		for _, s := range sentences(text) {
			terms := make(map[string]bool)
			for ; k < len(toks) && toks[k].Start < s.End; k++ {
				if toks[k].Start >= s.Start && e.content(toks[k].Term) {
					terms[toks[k].Term] = true
				}
			}
			if m := reDateline.FindStringIndex(text[s.Start:s.End]); m != nil {
				s.Start += m[1]
			}
			sent := text[s.Start:s.End]
			if boilerplate(sent) || len(terms) == 0 {
				continue
			}
			cands = append(cands, &digestSentence{passage: p, start: ps.Start + s.Start, end: ps.Start + s.End, terms: terms})
		}
	}
	title := make(map[string]bool)
	for _, t := range e.idx.Analyze(d.Title) {
		if e.content(t.Term) {
			title[t.Term] = true
			it.lead[t.Term] = true
		}
	}
	for i, c := range cands {
		if i == digestLeadSentence {
			break
		}
		for t := range c.terms {
			it.lead[t] = true
		}
	}
	top := topTerms(freq, title)
	it.top = e.weighIDF(top)
	titleW := make(map[string]float64, len(title))
	for t := range title {
		titleW[t] = 1
	}
	it.titleW = e.weighIDF(titleW)
	it.sentences = e.pick(d, cands, top, title)
	return it
}

// content reports whether an analysed term carries topic: not a stop word,
// not punctuation or a lone digit.
func (e *Engine) content(term string) bool {
	return !e.stop[term] && hasLetterOrDigit(term) && utf8.RuneCountInString(term) > 1
}

// topTerms returns the most frequent content terms of a body, title terms
// weighing double, as a vector of log-scaled frequencies.
func topTerms(freq map[string]int, title map[string]bool) map[string]float64 {
	type tw struct {
		t string
		w float64
	}
	var all []tw
	for t, n := range freq {
		w := 1 + math.Log(float64(n))
		if title[t] {
			w *= 2
		}
		all = append(all, tw{t, w})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].w != all[j].w {
			return all[i].w > all[j].w
		}
		return all[i].t < all[j].t
	})
	top := make(map[string]float64)
	for i, x := range all {
		if i == digestTopTerms {
			break
		}
		top[x.t] = x.w
	}
	return top
}

// weighIDF returns top with each term's weight multiplied by one plus its
// inverse passage frequency, so that the words every document of a topic
// shares ("president", "ukraine") count for less when comparing documents.
func (e *Engine) weighIDF(top map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(top))
	for t, w := range top {
		df, n := e.idx.DocFreq(t)
		out[t] = w * (1 + math.Log(1+(float64(n)-float64(df)+0.5)/(float64(df)+0.5)))
	}
	return out
}

var (
	reDigit      = regexp.MustCompile(`\d`)
	reNumberWord = regexp.MustCompile(`(?i)\b(?:hundred|thousand|million|billion|trillion|dozens?|percent)\b`)
)

// reDateline is the place and dash that open a press release ("WASHINGTON,
// D.C. — "): not part of the news.
var reDateline = regexp.MustCompile(`^[A-Z][A-Z.,' ]{2,40}(?:\([A-Za-z. ]+\))? ?[—–-]{1,2} `)

// sentenceEnds are the characters a sentence of prose ends with; a line
// without one is a heading, a dateline, a name and title, or a list item.
const sentenceEnds = ".!?…\"”’')]"

// boilerplate reports whether a sentence is packaging rather than news:
// too short or too long to quote, greetings and thanks, time stamps,
// "END", "###", headings and datelines (no final punctuation), logistics
// of a call, bylines and links to other stories, and the formulas of
// proclamations ("NOW, THEREFORE, I, ... do hereby proclaim").
func boilerplate(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < minSentenceChars || len(s) > maxSentenceBytes {
		return true
	}
	if strings.HasSuffix(s, ":") || reClockTime.MatchString(s) {
		return true
	}
	if last, _ := utf8.DecodeLastRuneInString(s); !strings.ContainsRune(sentenceEnds, last) {
		return true // "Aboard Air Force One", "Karine Jean-Pierre, Press Secretary"
	}
	lower := strings.ToLower(strings.ReplaceAll(s, "’", "'"))
	if n < 160 && reGreeting.MatchString(lower) || n < 80 && strings.HasPrefix(lower, "this is ") {
		return true // greetings, thanks, a speaker introducing themselves
	}
	for _, h := range housekeeping {
		if strings.Contains(lower, h) {
			return true
		}
	}
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
	}
	return true // "END", "###", headings in capitals
}

// pick scores a document's candidate sentences and returns the two or
// three best, in document order.
func (e *Engine) pick(d *corpus.Document, cands []*digestSentence, top map[string]float64, title map[string]bool) []Quote {
	var norm float64
	for _, t := range sortedKeys(top) {
		norm += top[t] * top[t]
	}
	norm = math.Sqrt(norm)
	for k, c := range cands {
		text := d.Body[c.start:c.end]
		speaker := d.Passages[c.passage].Speaker
		// Centrality: cosine of the sentence's terms with the body's
		// frequent terms.
		var central float64
		for _, t := range sortedKeys(c.terms) {
			central += top[t]
		}
		if norm > 0 {
			central /= norm * math.Sqrt(float64(len(c.terms)))
		}
		s := central
		// Lead position: the news comes first in a statement or an article;
		// a transcript opens with the speaker settling in.
		lead := 0.4
		if speaker != "" {
			lead = 0.2
		}
		s += lead / (1 + 0.25*float64(k))
		if len(title) > 0 {
			inTitle := 0
			for t := range title {
				if c.terms[t] {
					inTitle++
				}
			}
			s += 0.2 * float64(inTitle) / float64(len(title))
			if jaccard(c.terms, title) >= 0.8 {
				s -= 0.5 // the headline again
			}
		}
		switch {
		case speaker == "MODERATOR":
			s -= 0.3
		case speaker != "" || attribution(text) != "":
			s += 0.15 // a quote with a named speaker
		}
		if reDigit.MatchString(text) || reNumberWord.MatchString(text) {
			s += 0.1
		}
		if strings.HasSuffix(strings.TrimRight(text, `"'”’)`), "?") {
			s -= 0.3
		}
		if r, _ := utf8.DecodeRuneInString(text); unicode.IsLower(r) {
			s -= 0.1 // a fragment
		}
		c.score = s
	}
	order := make([]*digestSentence, len(cands))
	copy(order, cands)
	sort.SliceStable(order, func(i, j int) bool { return order[i].score > order[j].score })
	var picked []*digestSentence
	size := 0
	for _, c := range order {
		if len(picked) == maxStorySentences {
			break
		}
		if len(picked) >= minStorySentences && (c.score < 0.6*picked[0].score || size+c.end-c.start > maxStoryBytes) {
			break
		}
		dup := false
		for _, p := range picked {
			if jaccard(p.terms, c.terms) > 0.5 {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		picked = append(picked, c)
		size += c.end - c.start
	}
	sort.Slice(picked, func(i, j int) bool { return picked[i].start < picked[j].start })
	out := make([]Quote, 0, len(picked))
	for _, c := range picked {
		out = append(out, e.cite(d, c.passage, c.start, c.end, c.score))
	}
	return out
}
