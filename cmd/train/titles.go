package main

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"strings"
	"time"

	"github.com/briefbot/briefbot/corpus"
)

// titleQuestion is a question written from a document's title, the way
// people ask about what a statement or a speech said: "Statement from
// President Joe Biden on the Passage of the Inflation Reduction Act"
// becomes "What did Biden say about the Passage of the Inflation
// Reduction Act?", answered by that document. Titles give questions in
// the users' own register (short, naming a speaker, a subject and
// sometimes a period) with a known answering document: data to fit and
// calibrate on that reporters' questions cannot give.
type titleQuestion struct {
	DocID    string
	Date     time.Time
	Question string
	Key      uint64
}

var (
	// "Statement from President Joe Biden on X", "Remarks by Vice
	// President Harris at X".
	reTitleSaid = regexp.MustCompile(`^(?:Statement|Remarks) (?:from|by) ((?:President|Vice President|First Lady|Press Secretary|National Security Advisor|Secretary|White House Press Secretary|NSC Spokesperson)[\p{L} .'’-]*?) (on|at|marking|honoring|to) (.+)$`)
	// "FACT SHEET: Biden-Harris Administration Announces New Actions to X".
	reTitleFact = regexp.MustCompile(`(?i)^FACT SHEET: (?:President \p{L}+(?: \p{L}+)?|The Biden-?\x{2060}?Harris Administration|Biden-?\x{2060}?Harris Administration|The White House|Vice President \p{L}+) (?:Announces|Takes|Launches|Releases|Issues|Signs|Delivers|Unveils|Highlights) (.+)$`)
	// "Readout of President Biden’s Call with Prime Minister X".
	reTitleReadout = regexp.MustCompile(`^Readout of (President [\p{L} .]+?|Vice President [\p{L} .]+?)[’']s? (?:Call|Meeting|Phone Call|Virtual Meeting) [Ww]ith (.+)$`)
	reTrailingDate = regexp.MustCompile(`,? (?:\d{4}|[A-Z][a-z]+ \d{1,2}, \d{4})$`)
)

// questionFromTitle writes the question a title answers, "" when its
// title has no shape the trainer knows. Every third question also names
// the document's month ("in March 2022").
func questionFromTitle(d corpus.Document) (string, uint64) {
	title := strings.TrimSpace(reTrailingDate.ReplaceAllString(d.Title, ""))
	h := fnv.New64a()
	h.Write([]byte(d.ID))
	key := h.Sum64()
	var q string
	switch {
	case reTitleSaid.MatchString(title):
		m := reTitleSaid.FindStringSubmatch(title)
		who := speakerWord(m[1])
		if who == "" {
			return "", 0
		}
		if m[2] == "at" {
			q = fmt.Sprintf("What did %s say at %s?", who, m[3])
		} else {
			q = fmt.Sprintf("What did %s say about %s?", who, m[3])
		}
	case reTitleFact.MatchString(title):
		m := reTitleFact.FindStringSubmatch(title)
		q = fmt.Sprintf("What is the administration doing about %s?", m[1])
	case reTitleReadout.MatchString(title):
		m := reTitleReadout.FindStringSubmatch(title)
		who := speakerWord(m[1])
		if who == "" {
			return "", 0
		}
		q = fmt.Sprintf("What did %s discuss with %s?", who, m[2])
	default:
		return "", 0
	}
	if words(q) > maxQuestionWords {
		return "", 0
	}
	if key%3 == 0 && !d.Date.IsZero() {
		q = strings.TrimSuffix(q, "?") + " in " + d.Date.Format("January 2006") + "?"
	}
	return q, key
}

// speakerWord is how people name a title's speaker: the surname after an
// office ("President Joe Biden" -> "Biden"), or the office alone ("the
// Press Secretary").
func speakerWord(s string) string {
	f := strings.Fields(s)
	last := f[len(f)-1]
	switch strings.ToLower(last) {
	case "president", "secretary", "lady", "advisor", "spokesperson":
		return "the " + s
	}
	return last
}
