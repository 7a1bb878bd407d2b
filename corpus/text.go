package corpus

import (
	"html"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// para is one paragraph before normalisation. noLabel marks paragraphs whose
// leading capitals cannot be a speaker label (a bold "**HEADING:**" in a fact
// sheet looks like "MS. PSAKI:" once the markup is gone).
type para struct {
	text    string
	noLabel bool
}

// assemble joins paragraphs into a Body separated by "\n\n" and cuts it into
// Passages, carrying each speaker label over to the following paragraphs.
func assemble(paras []para, speaker string) (string, []Passage) {
	var b strings.Builder
	size := 0
	for _, p := range paras {
		size += len(p.text) + 2
	}
	b.Grow(size) // collapsing only shortens: one allocation, no doubling
	ps := make([]Passage, 0, len(paras))
	for _, p := range paras {
		text := collapseSpace(p.text)
		if !strings.ContainsFunc(text, isAlnum) {
			continue // "###", "* * *", "—": separators, not text
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		start := b.Len()
		b.WriteString(text)
		said := speaker
		if !p.noLabel {
			if name, n := label(text); n > 0 {
				speaker, said = name, name
				start += n
			} else if stageLine(text) || strings.HasPrefix(text, "A: ") {
				speaker, said = "", "" // "END 12:16 P.M. EST" closes the last turn, "A:" answers a Q
			} else if stageDirection(text) {
				said = "" // "(A note is handed to Ms. Psaki.)": nobody says it; the turn goes on
			}
		}
		if start < b.Len() {
			ps = append(ps, Passage{Speaker: said, Start: start, End: b.Len()})
		}
	}
	return b.String(), ps
}

// label recognises a transcript speaker label at the start of a
// space-collapsed paragraph: "MS. PSAKI: text", "Q text", "Q: text". It
// returns the speaker and the number of bytes (label, colon, space) to skip.
// A bare "Q" paragraph switches the speaker without any text.
func label(p string) (string, int) {
	switch {
	case p == "Q" || p == "Q:":
		return "Q", len(p)
	case strings.HasPrefix(p, "Q "):
		return "Q", 2
	case strings.HasPrefix(p, "Q: "):
		return "Q", 3
	}
	i := strings.IndexByte(p, ':')
	if i <= 0 || i > 80 || !strings.HasPrefix(p[i+1:], " ") || len(p) == i+2 {
		return "", 0
	}
	name := p[:i]
	if strings.Count(name, " ") > 5 {
		return "", 0
	}
	letters := 0
	for _, w := range strings.Split(name, " ") {
		if w == "" || w[0] < 'A' || w[0] > 'Z' {
			return "", 0
		}
		for _, r := range w {
			switch {
			case r >= 'A' && r <= 'Z':
				letters++
			case r == '.' || r == '-' || r == '\'' || r == '’':
			default:
				return "", 0
			}
		}
	}
	first, _, _ := strings.Cut(name, " ")
	if letters < 2 || notSpeakers[name] || notFirstWords[first] || len(first) > 4 && strings.HasSuffix(first, "ING") {
		return "", 0
	}
	// A person's label has a title or an honorific ("MR. KIRBY", "THE
	// PRESIDENT"); one word alone is a role ("MODERATOR") or a press
	// clipping's outlet ("KOLO-TV:", "NATO:"), which speaks for no one here.
	if !strings.Contains(name, " ") && !anonymous[name] {
		return "", 0
	}
	return name, i + 2
}

// notSpeakers are capitalised lead-ins that are not speakers: memo headers,
// news furniture.
var notSpeakers = map[string]bool{
	"SUBJECT": true, "FROM": true, "CC": true, "RE": true, "DATE": true, "TIME": true,
	"LOCATION": true, "WHEN": true, "WHERE": true, "WHAT": true, "WHO": true, "WHY": true,
	"HOW": true, "NOTE": true, "NOTES": true, "UPDATE": true, "UPDATED": true, "CORRECTION": true,
	"SEE ALSO": true, "RELATED": true, "READ": true, "READ MORE": true, "WATCH": true,
	"VIDEO": true, "PHOTO": true, "PHOTOS": true, "FACT": true, "FACT SHEET": true,
	"BACKGROUND": true, "SUMMARY": true, "INTRODUCTION": true, "CONCLUSION": true,
	"OVERVIEW": true, "BREAKING": true, "EDITOR'S NOTE": true, "EDITOR’S NOTE": true,
	"SOURCE": true, "SOURCES": true, "CONTACT": true, "PURPOSE": true, "FIND": true, "PATH": true,
	"RESOLVE": true, "WASHINGTON": true,
}

// notFirstWords start headings and signature blocks, never speaker labels.
var notFirstWords = map[string]bool{"TO": true, "FOR": true, "SECTION": true, "ARTICLE": true, "PART": true, "TITLE": true}

// stageLine reports whether a paragraph is transcript furniture such as
// "12:16 P.M. EST" or "END 12:16 P.M. EST" rather than speech.
func stageLine(p string) bool {
	p = strings.TrimSpace(strings.TrimPrefix(p, "END"))
	if p == "" {
		return true
	}
	h, rest, ok := strings.Cut(p, ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(rest) < 2 || strings.Trim(h, "0123456789") != "" {
		return false
	}
	rest = strings.TrimLeft(rest, "0123456789")
	return strings.HasPrefix(rest, " A.M.") || strings.HasPrefix(rest, " P.M.")
}

// stageDirection reports whether a paragraph is a transcript's note of
// what happens rather than what is said: "(Laughter.)", "(A note is handed
// to Ms. Psaki.)", "[Inaudible]".
func stageDirection(p string) bool {
	return len(p) < 300 && (strings.HasPrefix(p, "(") && strings.HasSuffix(p, ")") ||
		strings.HasPrefix(p, "[") && strings.HasSuffix(p, "]")) &&
		strings.Count(p, "(")+strings.Count(p, "[") == 1
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// collapseSpace turns every run of white space (NBSP and newlines included)
// into a single space and trims the ends.
func collapseSpace(s string) string {
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				space = len(b) > 0
				i++
				continue
			}
			if space {
				b = append(b, ' ')
				space = false
			}
			j := i + 1 // copy the whole run of plain ASCII at once
			for j < len(s) && s[j] < utf8.RuneSelf && !asciiSpace[s[j]] {
				j++
			}
			b = append(b, s[i:j]...)
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			space = len(b) > 0
		} else {
			if space {
				b = append(b, ' ')
				space = false
			}
			b = append(b, string(r)...) // invalid bytes become U+FFFD
		}
		i += size
	}
	return string(b)
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// isBlank reports whether a line holds only white space.
func isBlank(line string) bool { return strings.TrimFunc(line, unicode.IsSpace) == "" }

// plainParas splits plain text into paragraphs. Hard-wrapped text (blank
// lines between paragraphs, short lines) is unwrapped; otherwise every line
// is a paragraph, as in news exports with one paragraph per line.
func plainParas(lines []string) []para {
	var lens []int
	blank, gap := false, false // a blank line between two text lines
	for _, l := range lines {
		if isBlank(l) {
			gap = len(lens) > 0
		} else {
			blank = blank || gap
			lens = append(lens, utf8.RuneCountInString(l))
		}
	}
	sort.Ints(lens)
	wrapped := blank && len(lens) > 0 && lens[len(lens)/2] < 120
	var ps []para
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			ps = append(ps, para{text: strings.Join(cur, " ")})
			cur = cur[:0]
		}
	}
	for _, l := range lines {
		switch {
		case isBlank(l):
			flush()
		case wrapped:
			cur = append(cur, l)
		default:
			ps = append(ps, para{text: l})
		}
	}
	flush()
	return ps
}

// markdownParas splits Markdown (as written by pandoc for the Briefing Room)
// into paragraphs: blank lines, hard line breaks (two trailing spaces or a
// backslash), headings, list items and rules end a paragraph. Inline markup
// is stripped afterwards.
func markdownParas(lines []string) []para {
	var ps []para
	var cur []string
	heading := false
	item := false // a list item: "- [KOLO-TV](...): headline" is a clipping, not a turn
	flush := func() {
		if len(cur) == 0 {
			return
		}
		raw := strings.TrimSpace(strings.Join(cur, " "))
		ps = append(ps, para{text: inline(raw), noLabel: heading || item || strings.HasPrefix(raw, "*") || strings.HasPrefix(raw, "_")})
		heading, item = false, false
		cur = cur[:0]
	}
	for _, l := range lines {
		if isBlank(l) || isRule(l) {
			flush()
			continue
		}
		hard := strings.HasSuffix(l, "  ") || strings.HasSuffix(l, "\t") ||
			strings.HasSuffix(l, `\`) && !strings.HasSuffix(l, `\\`)
		if hard && strings.HasSuffix(l, `\`) {
			l = l[:len(l)-1]
		}
		t := strings.TrimLeft(l, " \t")
		for strings.HasPrefix(t, ">") { // blockquote
			t = strings.TrimLeft(t[1:], " \t")
		}
		switch {
		case strings.HasPrefix(t, "#"):
			if h := strings.TrimLeft(t, "#"); len(t)-len(h) <= 6 && (h == "" || h[0] == ' ') {
				flush()
				cur, heading = append(cur, strings.TrimRight(strings.TrimSpace(h), "#")), true
				flush()
				continue
			}
		case len(t) > 1 && strings.ContainsRune("-*+", rune(t[0])) && (t[1] == ' ' || t[1] == '\t'):
			flush()
			t, item = t[2:], true
		case orderedItem(t):
			flush()
			item = true
		}
		cur = append(cur, t)
		if hard {
			flush()
		}
	}
	flush()
	return ps
}

// isRule reports whether line is a Markdown thematic break ("-----", "* * *").
func isRule(line string) bool {
	t := strings.TrimSpace(line)
	if len(t) < 3 || !strings.ContainsRune("-*_=", rune(t[0])) {
		return false
	}
	return strings.Trim(t, string(t[0])+" ") == ""
}

// orderedItem reports whether t starts with an ordered list marker ("1.  ").
func orderedItem(t string) bool {
	i := 0
	for i < len(t) && i < 9 && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(t) && (t[i] == '.' || t[i] == ')') && (t[i+1] == ' ' || t[i+1] == '\t')
}

// blockTags are HTML elements that separate words; other tags vanish.
var blockTags = map[string]bool{
	"br": true, "p": true, "div": true, "td": true, "th": true, "tr": true, "li": true,
	"table": true, "tbody": true, "thead": true, "figure": true, "figcaption": true,
	"ul": true, "ol": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true,
	"h6": true, "blockquote": true, "hr": true, "img": true, "col": true, "colgroup": true,
}

// inline strips inline Markdown and HTML from one paragraph, keeping the
// words verbatim: [text](url) becomes text, images and tags disappear,
// <https://x> becomes the URL, emphasis markers and backslash escapes go.
func inline(s string) string {
	if !strings.ContainsAny(s, "\\*_![<&") {
		return s
	}
	out := strip(s, 0)
	if strings.IndexByte(out, '&') >= 0 {
		out = html.UnescapeString(out)
	}
	return out
}

// maxScan bounds how far a link target, tag or comment may reach, so that
// hostile input stays linear.
const maxScan = 2048

// strip does the work of inline; depth limits recursion into link texts.
func strip(s string, depth int) string {
	var b strings.Builder
	b.Grow(len(s))
	var brackets, parens map[int]int
	if depth < 4 && strings.IndexByte(s, '[') >= 0 {
		brackets, parens = pairs(s, '[', ']'), pairs(s, '(', ')')
	}
	opener, closer := underscores(s)
	comment := -1 // index of the "-->" closing the current comment
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			b.WriteByte(s[i+1])
			i += 2
			continue
		case c == '*':
			// Emphasis: pandoc escapes literal asterisks, so only a lone
			// "*" between spaces is kept.
			j := i
			for j < len(s) && s[j] == '*' {
				j++
			}
			if (i == 0 || s[i-1] == ' ') && (j == len(s) || s[j] == ' ') {
				b.WriteString(s[i:j])
			}
			i = j
			continue
		case c == '_':
			// _emphasis_ needs an opener before a closer; underscores
			// inside words (snake_case, file_.pdf) and "___" blanks stay.
			before := i > 0 && isWordByte(s[i-1])
			after := i+1 < len(s) && isWordByte(s[i+1])
			if after && !before && i < closer || before && !after && i > opener {
				i++
				continue
			}
		case c == '!' && brackets != nil && strings.HasPrefix(s[i+1:], "["):
			if _, end, ok := link(s, i+1, brackets, parens); ok {
				i = end
				continue
			}
		case c == '[' && brackets != nil:
			if text, end, ok := link(s, i, brackets, parens); ok {
				b.WriteString(strip(text, depth+1))
				i = end
				continue
			}
		case c == '<' && strings.HasPrefix(s[i+1:], "!--"):
			// Remember the next "-->" so that many "<!--" stay linear.
			if comment < i {
				if comment = strings.Index(s[i+4:], "-->"); comment < 0 {
					comment = len(s)
				} else {
					comment += i + 4
				}
			}
			if comment < len(s) {
				b.WriteByte(' ')
				i = comment + 3
				continue
			}
		case c == '<':
			if repl, end, ok := tag(s, i); ok {
				b.WriteString(repl)
				i = end
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

func isASCIIPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// underscores returns the first position that can open _emphasis_ and the
// last that can close it (len(s) and -1 when there are none).
func underscores(s string) (opener, closer int) {
	opener, closer = len(s), -1
	for i := strings.IndexByte(s, '_'); i >= 0 && i < len(s); i++ {
		if s[i] != '_' {
			continue
		}
		before := i > 0 && isWordByte(s[i-1])
		after := i+1 < len(s) && isWordByte(s[i+1])
		if after && !before && i < opener {
			opener = i
		}
		if before && !after {
			closer = i
		}
	}
	return opener, closer
}

// pairs maps the index of every opening bracket in s to the index of its
// closing bracket, honouring nesting and backslash escapes.
func pairs(s string, open, close byte) map[int]int {
	m := make(map[int]int)
	var stack []int
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case open:
			stack = append(stack, i)
		case close:
			if n := len(stack); n > 0 {
				m[stack[n-1]] = i
				stack = stack[:n-1]
			}
		}
	}
	return m
}

// link parses "[text](target)" at s[i] == '['. It returns the text and the
// index after the closing parenthesis.
func link(s string, i int, brackets, parens map[int]int) (text string, end int, ok bool) {
	close, ok := brackets[i]
	if !ok || close+1 >= len(s) || s[close+1] != '(' {
		return "", 0, false
	}
	paren, ok := parens[close+1]
	if !ok {
		// Unbalanced parentheses in the URL ("#:~:text=(PFE,"): the
		// target ends at the last ")" before the next space.
		target := s[close+1 : min(len(s), close+1+maxScan)]
		if sp := strings.IndexByte(target, ' '); sp >= 0 {
			target = target[:sp]
		}
		if strings.IndexByte(target, ')') < 0 { // fast path for "[a](" floods
			return "", 0, false
		}
		if paren = strings.LastIndexByte(target, ')'); paren < 0 {
			return "", 0, false
		}
		paren += close + 1
	}
	return s[i+1 : close], paren + 1, true
}

// tag recognises an HTML tag or autolink at s[i] == '<' and returns
// its replacement: a space for block elements, the URL for autolinks.
func tag(s string, i int) (repl string, end int, ok bool) {
	rest := s[i+1:]
	rest = rest[:min(len(rest), maxScan)]
	j := strings.IndexByte(rest, '>')
	if j <= 0 {
		return "", 0, false
	}
	body := rest[:j]
	if strings.HasPrefix(body, "http://") || strings.HasPrefix(body, "https://") || strings.HasPrefix(body, "mailto:") {
		if strings.ContainsAny(body, " <") {
			return "", 0, false
		}
		return body, i + 1 + j + 1, true
	}
	name := strings.TrimPrefix(body, "/")
	k := 0
	for k < len(name) && (name[k] >= 'a' && name[k] <= 'z' || name[k] >= 'A' && name[k] <= 'Z' || k > 0 && name[k] >= '0' && name[k] <= '9') {
		k++
	}
	if k == 0 || k < len(name) && !strings.ContainsRune(" \t\n/", rune(name[k])) || strings.IndexByte(body, '<') >= 0 {
		return "", 0, false
	}
	if blockTags[strings.ToLower(name[:k])] {
		return " ", i + 1 + j + 1, true
	}
	return "", i + 1 + j + 1, true
}
