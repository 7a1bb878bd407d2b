package corpus

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// fmValue is one front matter value: a scalar, or a list for "tags".
type fmValue struct {
	line int // 1-based line of the key in the file
	str  string
	list []string
}

// parseFrontMatter reads the subset of YAML used by front matter: top-level
// "key: value" pairs whose values are plain, single- or double-quoted
// scalars (possibly folded over indented lines), flow lists [a, b] or block
// lists of "- item". first is the file line number of lines[0].
func parseFrontMatter(lines []string, first int) (map[string]fmValue, error) {
	m := make(map[string]fmValue)
	for i := 0; i < len(lines); {
		l := lines[i]
		if isBlank(l) || strings.HasPrefix(strings.TrimSpace(l), "#") {
			i++
			continue
		}
		lineNo := first + i
		colon := strings.IndexByte(l, ':')
		if l[0] == ' ' || l[0] == '\t' || colon <= 0 || colon+1 < len(l) && l[colon+1] != ' ' && l[colon+1] != '\t' {
			return nil, Problem{Line: lineNo, Reason: fmt.Sprintf("front matter: expected \"key: value\", got %q", trunc(l, 40))}
		}
		key := strings.TrimSpace(l[:colon])
		// The value continues on indented (or blank) lines and on "- item" lines.
		j := i + 1
		for j < len(lines) && (isBlank(lines[j]) || lines[j][0] == ' ' || lines[j][0] == '\t' || strings.HasPrefix(lines[j], "- ")) {
			j++
		}
		raw := strings.TrimSpace(l[colon+1:])
		cont := lines[i+1 : j]
		v, err := fmDecode(raw, cont)
		if err != nil {
			return nil, Problem{Line: lineNo, Reason: fmt.Sprintf("front matter %s: %v", key, err)}
		}
		v.line = lineNo
		m[key] = v
		i = j
	}
	return m, nil
}

// fmDecode decodes a value that starts with raw and continues on cont.
func fmDecode(raw string, cont []string) (fmValue, error) {
	text := raw
	if len(cont) > 0 {
		text = raw + "\n" + strings.Join(cont, "\n")
	}
	switch {
	case raw == "" && len(cont) > 0 && strings.HasPrefix(strings.TrimSpace(cont[0]), "- "):
		var list []string
		for _, c := range cont {
			c = strings.TrimSpace(c)
			if c == "" {
				continue
			}
			item, ok := strings.CutPrefix(c, "- ")
			if !ok {
				return fmValue{}, fmt.Errorf("bad list item %q", trunc(c, 40))
			}
			s, err := fmScalar(strings.TrimSpace(item))
			if err != nil {
				return fmValue{}, err
			}
			list = append(list, s)
		}
		return fmValue{list: list}, nil
	case strings.HasPrefix(raw, "["):
		inner := strings.TrimSpace(strings.ReplaceAll(text, "\n", " "))
		if !strings.HasSuffix(inner, "]") {
			return fmValue{}, fmt.Errorf("unterminated list")
		}
		var list []string
		for _, item := range strings.Split(inner[1:len(inner)-1], ",") {
			if item = strings.TrimSpace(item); item == "" {
				continue
			}
			s, err := fmScalar(item)
			if err != nil {
				return fmValue{}, err
			}
			list = append(list, s)
		}
		return fmValue{list: list}, nil
	case raw == "|" || raw == ">" || raw == "|-" || raw == ">-":
		var parts []string
		for _, c := range cont {
			parts = append(parts, strings.TrimSpace(c))
		}
		sep := " "
		if raw[0] == '|' {
			sep = "\n"
		}
		return fmValue{str: strings.TrimSpace(strings.Join(parts, sep))}, nil
	}
	s, err := fmScalar(text)
	return fmValue{str: s}, err
}

// fmScalar decodes a plain, 'single' or "double" quoted scalar that may be
// folded over several lines.
func fmScalar(text string) (string, error) {
	if text == "" {
		return "", nil
	}
	switch text[0] {
	case '"':
		return doubleQuoted(text)
	case '\'':
		end := -1
		for i := 1; i < len(text); i++ {
			if text[i] == '\'' {
				if i+1 < len(text) && text[i+1] == '\'' {
					i++
					continue
				}
				end = i
				break
			}
		}
		if end < 0 {
			return "", fmt.Errorf("unterminated single-quoted string")
		}
		return strings.ReplaceAll(fold(text[1:end]), "''", "'"), nil
	}
	if i := strings.Index(text, " #"); i >= 0 {
		text = text[:i]
	}
	return fold(text), nil
}

// fold applies YAML line folding: a line break with the white space around
// it becomes one space; n blank lines become n newlines.
func fold(s string) string {
	if !strings.Contains(s, "\n") {
		return strings.TrimSpace(s)
	}
	lines := strings.Split(s, "\n")
	var b strings.Builder
	blanks := 0
	for i, l := range lines {
		l = strings.Trim(l, " \t")
		if i > 0 && l == "" {
			blanks++
			continue
		}
		if i > 0 {
			if blanks > 0 {
				b.WriteString(strings.Repeat("\n", blanks))
			} else {
				b.WriteByte(' ')
			}
		}
		blanks = 0
		b.WriteString(l)
	}
	return b.String()
}

// doubleQuoted decodes a YAML double-quoted scalar, including escapes such
// as \_ (U+00A0), \u2019, \x41 and escaped line breaks.
func doubleQuoted(text string) (string, error) {
	var b []byte
	for i := 1; i < len(text); i++ {
		c := text[i]
		switch c {
		case '"':
			if rest := strings.TrimSpace(text[i+1:]); rest != "" && !strings.HasPrefix(rest, "#") {
				return "", fmt.Errorf("text after closing quote: %q", trunc(rest, 20))
			}
			return string(b), nil
		case '\n':
			// Folding: trailing white space before the break and leading
			// white space after it vanish; the break becomes a space, or
			// newlines when blank lines follow.
			for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
				b = b[:len(b)-1]
			}
			nl := 0
			for i+1 < len(text) && (text[i+1] == ' ' || text[i+1] == '\t' || text[i+1] == '\n') {
				if text[i+1] == '\n' {
					nl++
				}
				i++
			}
			if nl == 0 {
				b = append(b, ' ')
			}
			for range nl {
				b = append(b, '\n')
			}
		case '\\':
			if i+1 >= len(text) {
				return "", fmt.Errorf("unterminated double-quoted string")
			}
			i++
			e := text[i]
			if e == '\n' { // escaped line break: join without a space
				for i+1 < len(text) && (text[i+1] == ' ' || text[i+1] == '\t') {
					i++
				}
				continue
			}
			if n := hexDigits(e); n > 0 {
				if i+n >= len(text) {
					return "", fmt.Errorf("short \\%c escape", e)
				}
				r, err := strconv.ParseUint(text[i+1:i+1+n], 16, 32)
				if err != nil || !utf8.ValidRune(rune(r)) {
					return "", fmt.Errorf("bad \\%c escape %q", e, text[i+1:i+1+n])
				}
				b = utf8.AppendRune(b, rune(r))
				i += n
				continue
			}
			r, ok := yamlEscapes[e]
			if !ok {
				return "", fmt.Errorf("unknown escape \\%c", e)
			}
			b = utf8.AppendRune(b, r)
		default:
			b = append(b, c)
		}
	}
	return "", fmt.Errorf("unterminated double-quoted string")
}

// hexDigits is the number of hex digits after a \x, \u or \U escape.
func hexDigits(e byte) int {
	switch e {
	case 'x':
		return 2
	case 'u':
		return 4
	case 'U':
		return 8
	}
	return 0
}

var yamlEscapes = map[byte]rune{
	'0': 0, 'a': '\a', 'b': '\b', 't': '\t', '\t': '\t', 'n': '\n', 'v': '\v', 'f': '\f',
	'r': '\r', 'e': 0x1b, ' ': ' ', '"': '"', '/': '/', '\\': '\\', 'N': 0x85,
	'_': 0xa0, 'L': 0x2028, 'P': 0x2029,
}

// trunc shortens s to n bytes for error messages, on a rune boundary.
func trunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
