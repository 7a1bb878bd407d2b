package console

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/briefbot/briefbot/answer"
)

// width is where quote text wraps when the terminal's width is not known.
const width = 80

const indent = "  "

// Render writes a for a terminal: each quote wrapped and cited, or the
// no-answer reply with the closest passages. Document text is untrusted:
// control characters and escape sequences are removed before printing.
// Lines wrap at 80 columns.
func Render(w io.Writer, a answer.Answer) { RenderWidth(w, a, width) }

// RenderWidth is Render for a terminal of the given width: lines break
// between words before it (a link longer than the line gets a line of its
// own).
func RenderWidth(w io.Writer, a answer.Answer, width int) {
	width = max(width, 20)
	var b strings.Builder
	if a.Note != "" {
		b.WriteString(Clean(a.Note) + "\n")
		if a.Outside && len(a.Quotes) > 0 {
			b.WriteString("The closest quotes from other speakers or times:\n")
		}
		b.WriteString("\n")
	}
	if a.NoAnswer || len(a.Quotes) == 0 {
		b.WriteString("The briefings don't answer that.\n")
		if len(a.Related) > 0 {
			b.WriteString("Closest passages:\n\n")
			for _, q := range a.Related {
				writeQuote(&b, q, width)
				b.WriteString("\n")
			}
		}
		fmt.Fprintf(&b, "(answered in %s)\n", took(a.Took))
		io.WriteString(w, b.String())
		return
	}
	for _, q := range a.Quotes {
		writeQuote(&b, q, width)
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "(confidence: %s; answered in %s)\n", a.Band(), took(a.Took))
	io.WriteString(w, b.String())
}

func writeQuote(b *strings.Builder, q answer.Quote, width int) {
	for _, line := range wrap("“"+Clean(q.Text)+"”", width-len(indent)) {
		b.WriteString(indent)
		b.WriteString(line)
		b.WriteString("\n")
	}
	for i, line := range wrap("— "+citation(q), width-len(indent)-2) {
		b.WriteString(indent)
		if i > 0 {
			b.WriteString("  ") // hanging indent under the dash
		}
		b.WriteString(line)
		b.WriteString("\n")
	}
	if u := Clean(q.URL); u != "" {
		b.WriteString(indent)
		b.WriteString(u)
		b.WriteString("\n")
	}
}

// citation is "SPEAKER, Title (publisher, 2 Jan 2006)", leaving out what
// the document does not say.
func citation(q answer.Quote) string {
	var parts []string
	if s := Clean(q.Speaker); s != "" {
		parts = append(parts, s)
	}
	title := Clean(q.Title)
	if title == "" {
		title = "untitled"
	}
	parts = append(parts, title)
	c := strings.Join(parts, ", ")
	var where []string
	if s := Clean(q.Source); s != "" {
		where = append(where, s)
	}
	if !q.Date.IsZero() {
		where = append(where, q.Date.Format("2 Jan 2006"))
	}
	if len(where) > 0 {
		c += " (" + strings.Join(where, ", ") + ")"
	}
	return c
}

// confidence names a confidence score for people.
func took(d time.Duration) string {
	if d < time.Millisecond {
		return "<1 ms"
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

// wrap breaks s into lines of at most n runes at spaces; a longer word gets
// a line of its own.
func wrap(s string, n int) []string {
	var lines []string
	var line strings.Builder
	lineLen := 0
	for _, word := range strings.Fields(s) {
		wl := utf8.RuneCountInString(word)
		if lineLen > 0 && lineLen+1+wl > n {
			lines = append(lines, line.String())
			line.Reset()
			lineLen = 0
		}
		if lineLen > 0 {
			line.WriteByte(' ')
			lineLen++
		}
		line.WriteString(word)
		lineLen += wl
	}
	if lineLen > 0 {
		lines = append(lines, line.String())
	}
	return lines
}

// wrapLines wraps each line of text at width, keeping its indentation for
// the lines it continues on, and ends it with a newline.
func wrapLines(text string, width int) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		rest := strings.TrimLeft(line, " ")
		indent := line[:len(line)-len(rest)]
		parts := wrap(rest, max(width-len(indent), 10))
		if len(parts) == 0 {
			b.WriteString("\n")
		}
		for _, p := range parts {
			b.WriteString(indent + p + "\n")
		}
	}
	return b.String()
}

// Clean makes untrusted text safe to print on a terminal: escape
// sequences (CSI, OSC and the like) are removed whole, other control
// characters and bidirectional overrides become spaces or disappear, and
// invalid UTF-8 is replaced.
func Clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1b: // ESC
			i = skipEscape(s, i+n)
			continue
		case r == 0x9b: // C1 CSI
			i = skipCSI(s, i+n)
			continue
		case r == 0x9d: // C1 OSC
			i = skipString(s, i+n)
			continue
		case r == '\n' || r == '\t' || r == '\r':
			b.WriteByte(' ')
		case unicode.IsControl(r), isBidiControl(r):
			// dropped
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// skipEscape returns the offset just past the escape sequence whose ESC
// ends at i.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: strings
		return skipString(s, i+1)
	}
	// Two-character sequences such as ESC c, plus intermediates (ESC ( B).
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipCSI skips parameter and intermediate bytes and the final byte of a
// control sequence.
func skipCSI(s string, i int) int {
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipString skips a control string up to BEL or ST (ESC \ or U+009C).
// Without a terminator only the introducer goes: the rest is printable
// once the ESC is gone, and the quote stays readable.
func skipString(s string, i int) int {
	start := i
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x07 || r == 0x9c:
			return i + n
		case r == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i + n
		}
		i += n
	}
	return start
}

func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}
