package corpus

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Problem is a document that could not be loaded: it is skipped and
// reported, and the rest of the corpus still loads. A Warning is a
// document that was loaded but cut to fit the Limits; Reason says what
// was cut.
type Problem struct {
	File    string // file name as the loader saw it
	Line    int    // 1-based line, 0 when the whole file is at fault
	Reason  string
	Warning bool // the document was loaded, shortened
}

// String formats the problem as "file:line: reason" (or "file: reason").
func (p Problem) String() string {
	switch {
	case p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Reason)
	case p.File != "":
		return p.File + ": " + p.Reason
	}
	return p.Reason
}

// Error implements error, so Parse can return a Problem.
func (p Problem) Error() string { return p.String() }

// Parse parses one text document named name (a slash path relative to the
// corpus root, which becomes Document.ID). It detects the shape:
//
//   - Markdown or text with YAML front matter between "---" lines (title,
//     date, source_url, published_time, tags), as in the Briefing Room;
//   - plain text whose first lines are a title, a YYYYMMDD date and a URL;
//   - plain text with a headline line and a body, or only a body.
//
// The error is a Problem naming the line at fault. Parse applies no Limits
// (the loaders do): data is already in memory.
func Parse(name string, data []byte) (Document, error) {
	fail := func(line int, format string, args ...any) (Document, error) {
		return Document{}, Problem{File: name, Line: line, Reason: fmt.Sprintf(format, args...)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return fail(0, "empty document")
	}
	if binary(data) {
		return fail(0, "binary data, not text")
	}
	text := string(data)
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	if strings.IndexByte(text, '\r') >= 0 {
		text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	}
	lines := strings.Split(text, "\n")
	doc := Document{ID: name}
	ext := strings.ToLower(path.Ext(name))
	markdown := ext == ".md" || ext == ".markdown"
	var body []string
	switch {
	case strings.TrimRight(lines[0], " \t") == "---":
		end := 1
		for end < len(lines) && strings.TrimRight(lines[end], " \t") != "---" && strings.TrimRight(lines[end], " \t") != "..." {
			end++
		}
		if end == len(lines) {
			return fail(1, "front matter not closed by a \"---\" line")
		}
		fm, err := parseFrontMatter(lines[1:end], 2)
		if err == nil {
			err = doc.applyFrontMatter(fm)
		}
		if p, ok := err.(Problem); ok {
			p.File = name
			return Document{}, p
		}
		if doc.Kind == "" {
			if dir, _, ok := strings.Cut(name, "/"); ok {
				doc.Kind = dir
			}
		}
		body, markdown = lines[end+1:], true
	case len(lines) >= 3 && isDateLine(lines[1]) && isURL(lines[2]):
		doc.Title = collapseSpace(lines[0])
		doc.Date, _ = parseDate(strings.TrimSpace(lines[1]))
		doc.URL = strings.TrimSpace(lines[2])
		doc.Kind = "news"
		body = lines[3:]
	default:
		doc.Kind = "news"
		body = lines
		for len(body) > 0 && isBlank(body[0]) {
			body = body[1:]
		}
		if len(body) == 0 {
			return fail(0, "empty document")
		}
		first := strings.TrimSpace(strings.TrimLeft(body[0], "#"))
		if rest := body[1:]; headline(first) && !allBlank(rest) {
			doc.Title = collapseSpace(inline(first))
			body = rest
		}
	}
	var paras []para
	if markdown {
		paras = markdownParas(body)
	} else {
		paras = plainParas(body)
	}
	doc.Body, doc.Passages = assemble(paras, "")
	if len(doc.Passages) == 0 {
		return fail(0, "no text in the body")
	}
	if doc.Title == "" {
		doc.Title = fallbackTitle(name, doc.Body)
	}
	doc.Source = source(doc.URL)
	nameSpeakers(&doc)
	return detach(doc), nil
}

// applyFrontMatter copies the known front matter keys into d.
func (d *Document) applyFrontMatter(fm map[string]fmValue) error {
	d.Title = collapseSpace(fm["title"].str)
	d.URL = strings.TrimSpace(fm["source_url"].str)
	if d.URL == "" {
		d.URL = strings.TrimSpace(fm["url"].str)
	}
	tags := fm["tags"]
	d.Tags = tags.list
	if tags.str != "" {
		d.Tags = []string{tags.str}
	}
	if len(d.Tags) > 0 {
		d.Kind = d.Tags[0]
	}
	for _, key := range []string{"date", "published_time"} {
		v, ok := fm[key]
		if !ok || v.str == "" {
			continue
		}
		t, err := parseDate(v.str)
		if err != nil {
			return Problem{Line: v.line, Reason: fmt.Sprintf("front matter %s: %v", key, err)}
		}
		d.Date = t
		break
	}
	return nil
}

// binary reports whether data looks like binary rather than text: a NUL
// byte, or invalid UTF-8 with many bad sequences and control characters.
func binary(data []byte) bool {
	if bytes.IndexByte(data, 0) >= 0 {
		return true
	}
	if utf8.Valid(data) {
		return false
	}
	bad, n := 0, 0
	for len(data) > 0 {
		if c := data[0]; c >= 0x20 && c < utf8.RuneSelf {
			n++
			data = data[1:]
			continue
		}
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size == 1 || r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f' {
			bad++
		}
		n++
		data = data[size:]
	}
	return bad*10 > n
}

func allBlank(lines []string) bool {
	for _, l := range lines {
		if !isBlank(l) {
			return false
		}
	}
	return true
}

// headline reports whether a first line reads like a title rather than the
// first sentence: short and without sentence-final punctuation.
func headline(s string) bool {
	n := utf8.RuneCountInString(s)
	if n == 0 || n > 150 || !strings.ContainsFunc(s, unicode.IsLetter) {
		return false
	}
	s = strings.TrimRight(s, "\"'”’)")
	return !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") &&
		!strings.HasSuffix(s, ",") && !strings.HasSuffix(s, ";") && !strings.HasSuffix(s, ":")
}

// isDateLine reports whether line is a compact YYYYMMDD date.
func isDateLine(line string) bool {
	line = strings.TrimSpace(line)
	_, err := time.Parse("20060102", line)
	return len(line) == 8 && err == nil
}

func isURL(line string) bool {
	line = strings.TrimSpace(line)
	return (strings.HasPrefix(line, "http://") || strings.HasPrefix(line, "https://")) && !strings.ContainsAny(line, " \t")
}

// dateLayouts are the date formats found in front matter, news exports and
// JSONL; a layout without a zone means UTC.
var dateLayouts = []string{
	"2006-01-02", time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05",
	"2006-01-02T15:04:05", "2006-01-02 15:04", "20060102", "2006/01/02",
	time.RFC1123Z, time.RFC1123, "January 2, 2006", "Jan 2, 2006", "2 January 2006",
}

// parseDate parses s in one of dateLayouts.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised date %q", trunc(s, 40))
}

// source derives the publisher from a URL: its host without "www." and port.
func source(rawURL string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// fallbackTitle derives a title from a descriptive file name
// ("biden-putin-call.txt") or else from the first sentence of body.
func fallbackTitle(name, body string) string {
	stem := strings.ToValidUTF8(strings.TrimSuffix(path.Base(name), path.Ext(name)), "\uFFFD")
	words := strings.FieldsFunc(stem, func(r rune) bool { return r == '-' || r == '_' || r == ' ' || r == '.' })
	for len(words) > 0 && strings.Trim(words[0], "0123456789") == "" {
		words = words[1:] // a leading date: "2021-12-06-press-call.md"
	}
	alpha := 0
	for _, w := range words {
		if len(w) > 1 && !strings.ContainsFunc(w, unicode.IsDigit) {
			alpha++
		}
	}
	if alpha >= 3 {
		t := strings.Join(words, " ")
		r, size := utf8.DecodeRuneInString(t)
		return string(unicode.ToUpper(r)) + t[size:]
	}
	first, _, _ := strings.Cut(body, "\n")
	if i := sentenceEnd(first); i > 0 {
		first = first[:i]
	}
	cut, n := 0, 0 // last word boundary within 100 runes
	for i, r := range first {
		if n++; n > 100 {
			if cut == 0 {
				cut = i
			}
			return first[:cut] + "…"
		}
		if r == ' ' {
			cut = i
		}
	}
	return first
}

// sentenceEnd returns the index just after the first sentence of s, or 0.
// Short words before a period ("U.S.", "Mr.", "Gen.") do not end sentences.
func sentenceEnd(s string) int {
	s = s[:min(len(s), 1000)]
	for i := 0; i+1 < len(s); i++ {
		if c := s[i]; (c == '.' || c == '?' || c == '!') && s[i+1] == ' ' {
			word := s[strings.LastIndexByte(s[:i], ' ')+1 : i]
			if c == '.' && (len(word) <= 3 || strings.Contains(word, ".")) {
				continue
			}
			return i + 1
		}
	}
	return 0
}

// detach copies the fields that may be cut from the file's text, so a
// loaded document does not keep its whole source file in memory (the body
// is already a fresh string).
func detach(d Document) Document {
	d.ID = strings.Clone(d.ID)
	d.Title = strings.Clone(d.Title)
	d.URL = strings.Clone(d.URL)
	d.Source = strings.Clone(d.Source)
	d.Kind = strings.Clone(d.Kind)
	if d.Tags != nil {
		tags := make([]string, len(d.Tags))
		for i, t := range d.Tags {
			tags[i] = strings.Clone(t)
		}
		d.Tags = tags
	}
	speakers := make(map[string]string) // one copy per distinct label
	for i, p := range d.Passages {
		if p.Speaker == "" {
			continue
		}
		c, ok := speakers[p.Speaker]
		if !ok {
			c = strings.Clone(p.Speaker)
			speakers[p.Speaker] = c
		}
		d.Passages[i].Speaker = c
	}
	return d
}
