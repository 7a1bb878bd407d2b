package answer

import (
	"regexp"
	"strings"
)

// FollowUp reads text, said in a conversation after prev was asked, as a
// question in its context: what text does not say again carries over
// from prev. "What about Kirby?" keeps the topic and period and changes
// the speaker; "and in 2023?" keeps the topic and speaker and changes the
// period; "why?" and "anything newer?" keep everything, asking why or for
// the latest. A follow-up that names its own topic ("What about Gaza?")
// keeps only prev's speaker, period and source. Filters typed into text
// (speaker:, since:) win as always. The result can be followed up again.
func (e *Engine) FollowUp(prev Question, text string) (Question, error) {
	nq, err := ParseQuestion(text)
	if err != nil {
		return Question{}, err
	}
	pu := e.understand(prev)
	nu := e.understand(nq)
	// In a conversation that has a speaker, a bare name is the next
	// speaker: "what about Psaki?".
	if nu.speakerSaid == "" && nq.Speaker == "" && pu.speakerSaid != "" {
		for _, m := range e.speakers.get(e.idx, e.Background).find(nu.topic) {
			if m.office == "" || !reWhoIs.MatchString(nu.topic[:m.start]) {
				nu.speakerSaid = strings.TrimSpace(nu.topic[m.start:m.end])
				nu.topic = cutSpans(nu.topic, [][]int{{m.start, m.end}})
				break
			}
		}
	}
	out := Question{Source: prev.Source, Latest: prev.Latest || pu.recent == recencyStrong}
	if nq.Source != "" {
		out.Source = nq.Source
	}
	// The topic: the new one if it has words of its own, else the old.
	topic := pu.topic
	if len(e.ContentTerms(nu.topic)) > 0 {
		topic = nu.topic
	} else if w := reWhWord.FindString(nu.topic); w != "" && !reWhatAbout.MatchString(nu.topic) && !strings.HasPrefix(strings.ToLower(pu.topic), strings.ToLower(w)) {
		topic = w + " " + stripWh(pu.topic) // "why?": why, about the same thing
	}
	out.Text = strings.TrimSpace(topic)
	// The speaker: a new one replaces the old.
	switch {
	case nq.Speaker != "" || nu.speakerSaid != "":
		out.Speaker = nu.speakerSaid
	case prev.Speaker != "":
		out.Speaker = prev.Speaker
	default:
		out.Speaker = pu.speakerSaid
	}
	// The period: a new one replaces the old. A period typed as since:
	// and until: stays typed; one the words named stays in the words, so
	// that it is read as the question's own (see inText).
	p, inferred := pu.period, pu.periodInferred
	if !nu.period.zero() {
		p, inferred = nu.period, nu.periodInferred
	}
	if inferred {
		if text, ok := e.inText(out, p); ok {
			out.Text = text
			p = period{}
		}
	}
	out.Since, out.Until = p.since, p.until
	if nu.recent == recencyStrong {
		out.Latest = true
	}
	return out, nil
}

// inText returns q's text with period p named in it, as its words said
// it ("in 2023", "last week"), when the text read again gives that
// period. A period read from the words, unlike since: and until:, is
// relaxed when nothing in it answers, and a year or month asked about is
// looked for in the next year's sentences that name it too.
func (e *Engine) inText(q Question, p period) (string, bool) {
	base := strings.TrimRight(q.Text, " ?")
	for _, text := range []string{q.Text, base + " " + p.said + "?", base + " in " + p.said + "?"} {
		q.Text = text
		u := e.understand(q)
		if u.periodInferred && u.period.since.Equal(p.since) && u.period.until.Equal(p.until) {
			return text, true
		}
	}
	return "", false
}

// reWhatAbout starts a follow-up that names what it is about, not a new
// question word: "what about Kirby?", "how about in 2023?".
var reWhatAbout = regexp.MustCompile(`(?i)^\W*(?:what|how)\s+about\b`)

var reWhWord = regexp.MustCompile(`(?i)^\W*(why|how|when|where|who|what|which)\b`)

// stripWh removes a question's leading question word: "what did say about
// Haiti" -> "did say about Haiti".
func stripWh(s string) string {
	if loc := reWhWord.FindStringIndex(s); loc != nil {
		return strings.TrimSpace(s[loc[1]:])
	}
	return s
}

// reChatter is what people say in a thread that is not a question for
// the bot: thanks, agreement, laughter, emoji.
var reChatter = regexp.MustCompile(`(?i)^\W*(?:thanks?(?: you)?(?: so much| a lot)?|thx|ty|cheers|great|nice|cool|ok(?:ay)?|k|got it|perfect|awesome|lol|haha+|yes|yeah|yep|no|nope|sure|right|interesting|wow|good(?: bot)?|bad bot|\+1|:[a-z0-9_+-]+:)\W*$`)

// reAsks starts a message that asks something even without a question
// mark: "what about Kirby", "and in 2023", "show me more".
var reAsks = regexp.MustCompile(`(?i)^\W*(?:who|what|when|where|why|how|which|is|are|was|were|do|does|did|can|could|will|would|should|has|have|had|any|anything|and|also|tell|show|give|find|more|same|newer|older|latest|what's|whats)\b`)

// LooksLikeQuestion reports whether a message in a conversation asks the
// bot something, rather than thanking it, agreeing or reacting. A bot in
// a thread answers only these.
func LooksLikeQuestion(text string) bool {
	t := strings.TrimSpace(text)
	if t == "" || reChatter.MatchString(t) {
		return false
	}
	if strings.Contains(t, "?") {
		return true
	}
	if reAsks.MatchString(t) {
		return true
	}
	for _, f := range []string{"speaker:", "since:", "until:", "source:"} {
		if strings.Contains(strings.ToLower(t), f) {
			return true
		}
	}
	return false
}
