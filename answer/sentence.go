package answer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// span is a byte range [Start, End) of a text.
type span struct{ Start, End int }

// abbreviations end with a period without ending a sentence. Lower-cased,
// without the final period.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "sr": true, "jr": true,
	"gen": true, "lt": true, "col": true, "maj": true, "capt": true, "cmdr": true, "adm": true,
	"sgt": true, "cpl": true, "pvt": true, "gov": true, "sen": true, "rep": true, "sec": true,
	"amb": true, "pres": true, "rev": true, "hon": true, "st": true, "ave": true, "blvd": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"u.s": true, "u.k": true, "u.n": true, "e.u": true, "d.c": true, "u.s.a": true,
	"a.m": true, "p.m": true, "i.e": true, "e.g": true, "etc": true, "vs": true, "v": true,
	"inc": true, "co": true, "corp": true, "ltd": true, "dept": true,
	"est": true, "approx": true, "fig": true, "vol": true, "al": true, "ft": true, "mt": true,
	"pub": true, "stat": true, // Pub. L. 117-58, 135 Stat. 429
}

// sentences splits text into sentence spans. A sentence ends at . ! or ?
// (followed by closing quotes or brackets) before white space and a
// capital letter, digit or opening quote; abbreviations and initials do not
// end a sentence.
func sentences(text string) []span {
	var out []span
	start := 0
	skipSpace := func(i int) int {
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsSpace(r) {
				break
			}
			i += n
		}
		return i
	}
	start = skipSpace(0)
	for i := start; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if r == '\n' && i+1 < len(text) && text[i+1] == '\n' {
			// Paragraph break always ends a sentence.
			end := trimRightSpace(text, i)
			if end > start {
				out = append(out, span{start, end})
			}
			i = skipSpace(i)
			start = i
			continue
		}
		if r != '.' && r != '!' && r != '?' {
			i += n
			continue
		}
		j := i + n
		// Runs of terminators and closing punctuation belong to the sentence.
		for j < len(text) {
			r2, n2 := utf8.DecodeRuneInString(text[j:])
			if r2 == '.' || r2 == '!' || r2 == '?' || r2 == '"' || r2 == '\'' || r2 == '”' || r2 == '’' || r2 == ')' || r2 == ']' {
				j += n2
				continue
			}
			break
		}
		if j >= len(text) {
			break
		}
		r2, _ := utf8.DecodeRuneInString(text[j:])
		if !unicode.IsSpace(r2) {
			i = j
			continue
		}
		k := skipSpace(j)
		if k >= len(text) {
			break
		}
		next, _ := utf8.DecodeRuneInString(text[k:])
		if !(unicode.IsUpper(next) || unicode.IsDigit(next) || next == '"' || next == '“' || next == '‘' || next == '(' || next == '[') {
			i = j
			continue
		}
		if r == '.' && j == i+1 && (isAbbreviation(text[start:i]) || isNumberAbbreviation(text[start:i], text[k:])) {
			i = j
			continue
		}
		out = append(out, span{start, j})
		start = k
		i = k
	}
	if end := trimRightSpace(text, len(text)); end > start {
		out = append(out, span{start, end})
	}
	return out
}

// isAbbreviation reports whether the word before a period (the end of s)
// is an abbreviation or an initial.
func isAbbreviation(s string) bool {
	k := strings.LastIndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '(' || r == '"' || r == '“' })
	w := s[k+1:]
	if k >= 0 {
		_, n := utf8.DecodeRuneInString(s[k:])
		w = s[k+n:]
	}
	if w == "" {
		return false
	}
	if isInitials(w) {
		return true // "John F. Kennedy", "J.R.R. Tolkien"
	}
	return abbreviations[strings.ToLower(w)]
}

// isNumberAbbreviation reports whether the word before a period is "No"
// or "Nos" and a number follows ("No. 5"), where "No." is no sentence end;
// "No. They will not." is.
func isNumberAbbreviation(before, after string) bool {
	k := strings.LastIndexFunc(before, unicode.IsSpace)
	w := strings.ToLower(before[k+1:])
	if w != "no" && w != "nos" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(after)
	return unicode.IsDigit(r)
}

// isInitials reports whether w is one capital letter or several joined
// by periods ("F", "J.I", "J.R.R").
func isInitials(w string) bool {
	for i, part := range strings.Split(w, ".") {
		r, n := utf8.DecodeRuneInString(part)
		if n != len(part) || !unicode.IsUpper(r) {
			return false
		}
		_ = i
	}
	return true
}

func trimRightSpace(s string, end int) int {
	for end > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= n
	}
	return end
}
