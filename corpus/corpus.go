// Package corpus loads press briefings, transcripts, statements and news
// articles from files, JSONL exports and feeds into Documents.
package corpus

import (
	"strings"
	"time"
)

// Document is one source text: a briefing transcript, a statement, a news
// article. Body is the unwrapped text (hard-wrapped lines joined, paragraphs
// separated by a blank line); every quote the bot shows is a span of Body.
type Document struct {
	ID     string    // stable identifier: path relative to the corpus root, or the JSONL id
	Title  string    // from front matter, header, or the first line / file name
	Date   time.Time // publication date (zero when unknown)
	URL    string    // canonical link
	Source string    // publisher, derived from the URL host ("whitehouse.gov")
	Kind   string    // category such as "press-briefings", "statements-releases", "news"
	Tags   []string  // front matter tags
	Body   string    // unwrapped text; paragraphs separated by "\n\n"

	// Passages are the paragraphs or speaker turns of Body, in order.
	Passages []Passage
}

// Passage is a paragraph or one speaker turn: Body[Start:End], with the
// speaker label (such as "MS. PSAKI:") excluded from the span.
type Passage struct {
	Speaker string // "MS. PSAKI", "SENIOR ADMINISTRATION OFFICIAL", "Q", or "" when unknown
	// Name is the person who speaks, in full: "Jen Psaki" for "MS. PSAKI",
	// the President of the day for "THE PRESIDENT", the author of a
	// statement. "" for questions, anonymous speakers and names the
	// document does not spell out.
	Name  string
	Start int // byte offset into Document.Body
	End   int // byte offset into Document.Body (exclusive)
}

// IsQuestion reports whether the passage is a reporter's question, which is
// never quoted as an answer.
func (p Passage) IsQuestion() bool { return p.Speaker == "Q" }

// FromAudience reports whether the passage is said from the audience
// ("AUDIENCE MEMBER", "PROTESTER"): a heckler's or a crowd's words, never
// quoted as what an official said.
func (p Passage) FromAudience() bool {
	for _, w := range strings.Fields(p.Speaker) {
		switch w {
		case "AUDIENCE", "AUDIENCCE", "AUIDENCE", "AUDICENCE", "PROTESTER", "PROTESTERS", "PROTESTOR", "HECKLER", "CROWD":
			return true
		}
	}
	return false
}
