package corpus

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits bound what one document may cost, so that loading and indexing
// stay within a fixed amount of memory whatever the corpus holds: a file of
// a million one-word lines, a 60 MB Markdown file, a 100 MB JSONL line.
// What a limit cuts is reported as a warning Problem naming the file. A
// zero field takes its default; a negative one turns the limit off.
//
// The defaults are far above what real briefing collections hold (in the
// Briefing Room corpus the longest document has 918 passages, the longest
// passage 76 KB and the largest file 250 KB), so they cut only hostile or
// broken files.
type Limits struct {
	// MaxTextBytes is how much of a text file is read, and how much of a
	// JSONL document's "text" is kept; the rest is cut at a line break.
	// It holds even when the file system reports a wrong size.
	MaxTextBytes int64
	// MaxLineBytes is the longest JSONL line parsed; a longer line is
	// skipped without being held in memory.
	MaxLineBytes int64
	// MaxPassages is how many passages a document keeps. When a document
	// has more, runs of short paragraphs of one speaker are first merged
	// into passages of up to 1 KiB; the passages still beyond the limit
	// are dropped with the text they cover.
	MaxPassages int
	// MaxPassageBytes is the longest passage; a longer paragraph is split
	// at sentence ends, else at spaces.
	MaxPassageBytes int
}

// The defaults of Limits.
const (
	DefaultMaxTextBytes    = 8 << 20
	DefaultMaxLineBytes    = 16 << 20
	DefaultMaxPassages     = 10000
	DefaultMaxPassageBytes = 128 << 10
)

// mergeBytes is the size up to which short passages are merged when a
// document has too many: about a long paragraph.
const mergeBytes = 1 << 10

// unlimited stands for a limit turned off.
const unlimited = int64(1<<63 - 1)

func pick(v, def int64) int64 {
	switch {
	case v < 0:
		return unlimited
	case v == 0:
		return def
	}
	return v
}

func (l Limits) maxText() int64   { return pick(l.MaxTextBytes, DefaultMaxTextBytes) }
func (l Limits) maxLine() int64   { return pick(l.MaxLineBytes, DefaultMaxLineBytes) }
func (l Limits) maxPassages() int { return int(pick(int64(l.MaxPassages), DefaultMaxPassages)) }
func (l Limits) maxPassageBytes() int {
	return int(pick(int64(l.MaxPassageBytes), DefaultMaxPassageBytes))
}

// fit cuts doc to the passage limits: it splits passages longer than
// MaxPassageBytes, merges runs of short passages when there are more than
// MaxPassages, then drops the passages beyond MaxPassages and the body
// after the last one kept. It returns what it did, nothing when doc fits
// as it is (the common case costs one pass over the passages).
func (l Limits) fit(doc *Document) []string {
	maxN, maxLen := l.maxPassages(), l.maxPassageBytes()
	long := 0
	for _, p := range doc.Passages {
		if p.End-p.Start > maxLen {
			long++
		}
	}
	if long == 0 && len(doc.Passages) <= maxN {
		return nil
	}
	var notes []string
	ps := doc.Passages
	if long > 0 {
		var out []Passage
		for _, p := range ps {
			out = splitPassage(out, doc.Body, p, maxLen)
		}
		notes = append(notes, fmt.Sprintf("%d paragraphs longer than %s split", long, byteSize(int64(maxLen))))
		ps = out
	}
	if n := len(ps); n > maxN {
		ps = mergeShort(doc.Body, ps, min(mergeBytes, maxLen))
		if len(ps) < n {
			notes = append(notes, fmt.Sprintf("%d passages merged into %d", n, len(ps)))
		}
	}
	if n := len(ps); n > maxN {
		ps = ps[:maxN]
		notes = append(notes, fmt.Sprintf("%d passages dropped after the first %d, with their text", n-maxN, maxN))
		// A fresh copy, so the text cut off is not kept alive.
		doc.Body = strings.Clone(doc.Body[:ps[maxN-1].End])
	}
	doc.Passages = slices.Clip(slices.Clone(ps))
	return notes
}

// splitPassage appends p to out, cut into pieces of at most max bytes of
// body. A piece ends after a sentence ('.', '?' or '!' and a space) in the
// second half of the window, else at its last space, else at a character
// boundary; the spaces between pieces belong to neither.
func splitPassage(out []Passage, body string, p Passage, max int) []Passage {
	start := p.Start
	for p.End-start > max {
		end := start + max
		cut := -1
		for i := end; i > start+max/2; i-- {
			if body[i] == ' ' && (body[i-1] == '.' || body[i-1] == '?' || body[i-1] == '!') {
				cut = i
				break
			}
		}
		if cut < 0 {
			if i := strings.LastIndexByte(body[start+max/2:end+1], ' '); i >= 0 {
				cut = start + max/2 + i
			}
		}
		if cut < 0 {
			cut = end
			for cut > start && !utf8.RuneStart(body[cut]) {
				cut--
			}
		}
		stop := cut
		for stop > start && body[stop-1] == ' ' {
			stop--
		}
		if stop > start {
			out = append(out, Passage{Speaker: p.Speaker, Name: p.Name, Start: start, End: stop})
		}
		start = cut
		for start < p.End && body[start] == ' ' {
			start++
		}
	}
	if start < p.End {
		out = append(out, Passage{Speaker: p.Speaker, Name: p.Name, Start: start, End: p.End})
	}
	return out
}

// mergeShort merges each run of consecutive passages of one speaker that
// are whole paragraphs of body (nothing but a paragraph break between
// them, so no speaker label) into passages of up to max bytes. It works in
// place.
func mergeShort(body string, ps []Passage, max int) []Passage {
	out := ps[:0]
	for _, p := range ps {
		if n := len(out); n > 0 {
			last := &out[n-1]
			if last.Speaker == p.Speaker && last.Name == p.Name && p.Start == last.End+2 && body[last.End:p.Start] == "\n\n" && p.End-last.Start <= max {
				last.End = p.End
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// cutText cuts text to at most max bytes, at the last line break within
// them when there is one, else at a character boundary.
func cutText[T ~string | ~[]byte](text T, max int64) T {
	if int64(len(text)) <= max {
		return text
	}
	return cutLine(text[:max])
}

// cutLine cuts what is left of a longer text after its last line break,
// or, without one, before a character its end cuts in two.
func cutLine[T ~string | ~[]byte](head T) T {
	for i := len(head) - 1; i >= 0; i-- {
		if head[i] == '\n' {
			return head[:i+1]
		}
	}
	for i := len(head) - 1; i >= 0 && i >= len(head)-utf8.UTFMax; i-- {
		if c := head[i]; utf8.RuneStart(c) {
			n := 1
			switch {
			case c >= 0xF0:
				n = 4
			case c >= 0xE0:
				n = 3
			case c >= 0xC0:
				n = 2
			}
			if i+n > len(head) {
				return head[:i]
			}
			break
		}
	}
	return head
}

// byteSize formats a size for messages: "8 MiB", "60.2 MiB", "900 bytes".
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// cutNote is the warning for a document cut to fit the limits.
func cutNote(notes []string) string {
	return "cut to fit the corpus limits: " + strings.Join(notes, "; ")
}
