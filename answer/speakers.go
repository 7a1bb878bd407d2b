package answer

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// speakerBook finds the people a question names, in the index's speaker
// registry: full names ("Karine Jean-Pierre"), surnames ("Kirby"), initials
// ("KJP") and offices ("the press secretary", "the President").
type speakerBook struct {
	byName     map[string]string   // lower-cased full name -> name
	bySurname  map[string][]string // lower-cased surname -> names, most passages first
	byInitials map[string]string   // "kjp" -> name (three letters or more)
	byOffice   map[string][]string // office ("press secretary") -> names, most passages first
	offices    []officeRE          // the offices of byOffice with more than one word, longest first
	passages   map[string]int
	prominent  int // passages that make a speaker prominent: found by initials
	known      int // passages that make a speaker known: found in lower case
	background *Background
	first      map[string]time.Time
	last       map[string]time.Time
}

// speakerCache keeps the book of an index until the index changes.
type speakerCache struct {
	mu   sync.Mutex
	gen  uint64
	book *speakerBook
}

func (c *speakerCache) get(idx *index.Index, bg *Background) *speakerBook {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g := idx.Generation(); c.book == nil || g != c.gen {
		sp, err := idx.Speakers()
		if err != nil {
			sp = nil // a question still gets an answer, without names
		}
		c.book, c.gen = newSpeakerBook(sp), g
		c.book.background = bg
	}
	return c.book
}

// minOfficeTitles is how many titles must name someone in an office
// before a question's "the press secretary" means them.
const minOfficeTitles = 1

func newSpeakerBook(sp []index.Speaker) *speakerBook {
	b := &speakerBook{
		byName: make(map[string]string), bySurname: make(map[string][]string),
		byInitials: make(map[string]string), byOffice: make(map[string][]string),
		passages: make(map[string]int), first: make(map[string]time.Time), last: make(map[string]time.Time),
	}
	total := 0
	for _, s := range sp {
		total += s.Passages
	}
	b.prominent = max(20, total/100)
	b.known = max(20, total/5000)
	for _, s := range sp { // most passages first
		b.passages[s.Name], b.first[s.Name], b.last[s.Name] = s.Passages, s.First, s.Last
		words := strings.Fields(s.Name)
		if len(words) == 0 {
			continue
		}
		label := strings.ToUpper(s.Name) == s.Name // "MR. ZIENTS": a label, no name
		if !label {
			b.byName[strings.ToLower(s.Name)] = s.Name
			if len(words) >= 2 {
				var ini strings.Builder
				for _, w := range words {
					for part := range strings.SplitSeq(w, "-") {
						if r := []rune(part); len(r) > 0 && unicode.IsUpper(r[0]) {
							ini.WriteRune(unicode.ToLower(r[0]))
						}
					}
				}
				if k := ini.String(); len(k) >= 3 {
					if _, taken := b.byInitials[k]; !taken && s.Passages >= b.prominent {
						b.byInitials[k] = s.Name
					}
				}
			}
		}
		sur := strings.ToLower(strings.Trim(words[len(words)-1], ".,"))
		if s.Passages > 0 && (len(words) >= 2 && !label || label && len(words) >= 2 && !notSurnames[sur]) {
			b.bySurname[sur] = append(b.bySurname[sur], s.Name)
		}
		for office, n := range s.Offices {
			if n >= minOfficeTitles {
				office = normOffice(office)
				b.byOffice[office] = append(b.byOffice[office], s.Name)
			}
		}
	}
	for office, names := range b.byOffice {
		sort.SliceStable(names, func(i, j int) bool { return b.passages[names[i]] > b.passages[names[j]] })
		b.byOffice[office] = slices.Compact(names)
		if strings.Contains(office, " ") && office != "vice president" && office != "first lady" && office != "second gentleman" {
			b.offices = append(b.offices, officeRE{office, regexp.MustCompile(`\b(?:the )?(?:white house )?` + regexp.QuoteMeta(office) + `\b`)})
		}
	}
	sort.Slice(b.offices, func(i, j int) bool {
		if len(b.offices[i].office) != len(b.offices[j].office) {
			return len(b.offices[i].office) > len(b.offices[j].office)
		}
		return b.offices[i].office < b.offices[j].office
	})
	return b
}

// lowerName reports whether w, typed in lower case, names the speaker
// name. A known speaker (see known) is named in a question typed in lower
// case (but for its first letter), if w is not an English word nor the
// plural of one ("weeks", "sellers"); a prominent one (see prominent) even
// if general English has the name now and then ("sullivan"), as it has a
// president's or vice president's, who is named in any question: "did
// biden sign the postal reform act".
func (b *speakerBook) lowerName(w, name string, lowerish bool) bool {
	n := b.passages[name]
	if n < b.known {
		return false
	}
	rare := b.background == nil || b.background.count[w] < maxNameCount
	switch {
	case topOffices[name] && rare:
		return true
	case !lowerish:
		return false
	case n >= b.prominent:
		return rare
	}
	return !b.common(w) && !b.common(strings.TrimSuffix(w, "s"))
}

// maxNameCount is how often general English may use a word that is also
// a prominent speaker's surname and still have it read as the name in a
// question typed in lower case: "biden" 8, "sullivan" 25, "trump" 38; not
// "young" (568), "price" (401) or "rice" (98).
const maxNameCount = 50

// topOffices are the presidents and vice presidents of the office table.
var topOffices = func() map[string]bool {
	m := make(map[string]bool)
	for _, o := range []string{"president", "vice president"} {
		for _, t := range corpus.Offices(o) {
			m[t.Name] = true
		}
	}
	return m
}()

// common reports whether a word is common in general English ("young",
// "rice", "border"): then only a capital letter makes it a name.
func (b *speakerBook) common(w string) bool {
	return b.background != nil && b.background.count[w] >= 3
}

// officeRE finds an office in a lower-cased question.
type officeRE struct {
	office string
	re     *regexp.Regexp
}

// normOffice spells an office one way: "adviser" and "advisor" alike. It
// keeps the text's length, so that what is found in it is found at the
// same place in the question ("İ", whose lower case is longer, stays).
func normOffice(s string) string {
	lower := strings.Map(func(r rune) rune {
		if l := unicode.ToLower(r); utf8.RuneLen(l) == utf8.RuneLen(r) {
			return l
		}
		return r
	}, s)
	return strings.ReplaceAll(lower, "adviser", "advisor")
}

// mention is a person or office named in a question.
type mention struct {
	start, end int      // byte span in the question
	names      []string // the registry's names it may mean, likeliest first
	office     string   // the office, when the question named one
}

// tableOffices are the offices corpus.Offices knows, longest first, with
// the ways people write them.
var tableOffices = []struct {
	re     *regexp.Regexp
	office string
}{
	{regexp.MustCompile(`(?i)\b(?:the )?(?:vice president|veep|vp)\b`), "vice president"},
	{regexp.MustCompile(`(?i)\b(?:the )?(?:first lady|flotus)\b`), "first lady"},
	{regexp.MustCompile(`(?i)\b(?:the )?second gentleman\b`), "second gentleman"},
	{regexp.MustCompile(`(?i)\b(?:the )?(?:president|potus)\b`), "president"},
}

// find returns the people and offices text names. now dates the offices
// that the question asks about in the present.
func (b *speakerBook) find(text string) []mention {
	var out []mention
	taken := func(lo, hi int) bool {
		for _, m := range out {
			if lo < m.end && hi > m.start {
				return true
			}
		}
		return false
	}
	words := wordSpans(text)
	allLower := strings.ToLower(text) == text
	// "Did biden sign it?": phones capitalise the first letter, people
	// seldom the names.
	_, first := utf8.DecodeRuneInString(text)
	lowerish := allLower || strings.ToLower(text[first:]) == text[first:]
	// Names, longest first: "Karine Jean-Pierre", "Jean-Pierre", "KJP".
	for n := 4; n >= 1; n-- {
		for i := 0; i+n <= len(words); i++ {
			lo, hi := words[i][0], words[i+n-1][1]
			if taken(lo, hi) {
				continue
			}
			phrase := strings.ToLower(text[lo:hi])
			if name, ok := b.byName[phrase]; ok && n >= 2 {
				out = append(out, mention{start: lo, end: hi, names: []string{name}})
				continue
			}
			if n != 1 {
				continue
			}
			w := text[lo:hi]
			if name, ok := b.byInitials[phrase]; ok && (strings.ToUpper(w) == w || allLower) {
				out = append(out, mention{start: lo, end: hi, names: []string{name}})
				continue
			}
			names := b.bySurname[phrase]
			if len(names) == 0 {
				continue
			}
			capital := unicode.IsUpper([]rune(w)[0]) && (i > 0 || !questionStarts[phrase])
			if !capital && !b.lowerName(phrase, names[0], lowerish) {
				continue
			}
			// A capitalised word next to another is part of another name:
			// "White House", "Jackson Hole", "Rice University"; not the
			// word that opens a question ("Does Biden support …?").
			if capital && (i+1 < len(words) && adjacentCapital(text, words[i], words[i+1]) ||
				i > 0 && adjacentCapital(text, words[i-1], words[i]) && !officeWord(text[words[i-1][0]:words[i-1][1]]) &&
					!(i == 1 && questionStarts[strings.ToLower(text[words[0][0]:words[0][1]])])) {
				continue
			}
			out = append(out, mention{start: lo, end: hi, names: names})
		}
	}
	// Offices: the table's, then those titles give ("press secretary").
	lower := normOffice(text)
	for _, o := range b.offices {
		if !strings.Contains(lower, o.office) {
			continue // the regular expression only places what is there
		}
		for _, loc := range o.re.FindAllStringIndex(lower, -1) {
			if !taken(loc[0], loc[1]) && !deputyBefore(lower, loc[0]) {
				out = append(out, mention{start: loc[0], end: loc[1], names: b.byOffice[o.office], office: o.office})
			}
		}
	}
	for _, t := range tableOffices {
		for _, loc := range t.re.FindAllStringIndex(text, -1) {
			if taken(loc[0], loc[1]) {
				continue
			}
			// "President Biden": the name says who; the office is a title.
			if m := nextMention(out, loc[1]); m >= 0 && strings.TrimSpace(text[loc[1]:out[m].start]) == "" {
				out[m].start = loc[0]
				continue
			}
			var names []string
			for _, tm := range corpus.Offices(t.office) {
				names = append(names, tm.Name)
			}
			out = append(out, mention{start: loc[0], end: loc[1], names: slices.Compact(names), office: t.office})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// deputyBefore reports whether an office is a deputy's: "deputy press
// secretary" is not the press secretary.
func deputyBefore(lower string, at int) bool {
	before := strings.TrimSpace(lower[:at])
	return strings.HasSuffix(before, "deputy") || strings.HasSuffix(before, "assistant") || strings.HasSuffix(before, "principal")
}

func nextMention(ms []mention, at int) int {
	best := -1
	for i, m := range ms {
		if m.start >= at && (best < 0 || m.start < ms[best].start) {
			best = i
		}
	}
	return best
}

// notSurnames are the last words of labels that name an office or a role,
// never a person: "THE PRESIDENT", "SENIOR ADMINISTRATION OFFICIAL".
var notSurnames = wordSet(`president official officials moderator lady gentleman participant participants
audience member members aide operator q staff reporter crowd voice interpreter`)

// adjacentCapital reports whether two neighbouring words, with only a
// space between them, are both capitalised.
func adjacentCapital(text string, a, b [2]int) bool {
	if text[a[1]:b[0]] != " " {
		return false
	}
	return unicode.IsUpper([]rune(text[a[0]:a[1]])[0]) && unicode.IsUpper([]rune(text[b[0]:b[1]])[0])
}

// officeWord reports whether w is a title that may stand before a name:
// "President Biden", "Secretary Blinken", "Admiral Kirby".
func officeWord(w string) bool {
	return officeTitles[strings.ToLower(strings.TrimSuffix(w, "."))]
}

var officeTitles = wordSet(`president secretary admiral general ambassador senator governor mayor director
administrator chair chairman speaker leader dr mr ms mrs vice minister prime chancellor adviser advisor
coordinator spokesperson press deputy principal first lady second gentleman rep representative sen gov`)

// questionStarts are capitalised at the start of a question for no other
// reason.
var questionStarts = wordSet(`what who when where why how will would did does do is are was were can could
should has have had may might tell show give list any latest whats who's what's`)

// wordSet returns the set of the space-separated words of s.
func wordSet(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// wordSpans returns the byte spans of the words of text (letters, digits,
// hyphens and apostrophes inside a word).
func wordSpans(text string) [][2]int {
	var out [][2]int
	start := -1
	for i, r := range text {
		in := unicode.IsLetter(r) || unicode.IsDigit(r) || start >= 0 && (r == '-' || r == '\'' || r == '’' || r == '.')
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, trimWord(text, start, i))
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, trimWord(text, start, len(text)))
	}
	return out
}

// trimWord drops a trailing possessive or period from a word's span.
func trimWord(text string, lo, hi int) [2]int {
	w := text[lo:hi]
	for _, suf := range []string{"’s", "'s", ".", "'", "’", "-"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf) {
			w = w[:len(w)-len(suf)]
		}
	}
	return [2]int{lo, lo + len(w)}
}
