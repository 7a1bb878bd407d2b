package slack

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/slack-go/slack"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/conversation"
)

// Slack's Block Kit limits, and the budget this package keeps under them.
const (
	maxSectionChars  = 3000  // text of one section block
	maxBlocks        = 50    // blocks in one message
	maxMessageChars  = 12000 // all text in one message; Slack's limit is about 13k
	maxFallbackChars = 400   // the notification text
	maxHeaderChars   = 150   // header block text
	maxButtonValue   = 2000  // button value (the bot's are answer IDs, 16 bytes)
	maxLabelChars    = 150   // link labels, titles
	maxURLChars      = 1000  // longer links are dropped, their label kept
	maxQuestionEcho  = 500   // the question repeated in a reply

	// reserveBlocks and reserveChars are kept back while rendering content
	// for the trailing notes and buttons.
	reserveBlocks = 4
	reserveChars  = 800
)

// Action IDs of the buttons the bot renders: actionPrefix and the
// conversation.Action, except Share, whose ID predates the others.
const (
	actionPrefix = "brief_"
	actionShare  = "share_answer"
	blockActions = "brief_actions"
)

// actionID is the action ID of the button for a.
func actionID(a conversation.Action) string {
	if a == conversation.Share {
		return actionShare
	}
	return actionPrefix + string(a)
}

// actionOf is the button whose action ID is id.
func actionOf(id string) (conversation.Action, bool) {
	if id == actionShare {
		return conversation.Share, true
	}
	s, ok := strings.CutPrefix(id, actionPrefix)
	if !ok {
		return "", false
	}
	return conversation.ParseAction(s)
}

// message is a rendered Slack message: a notification fallback and blocks.
type message struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks"`
}

// renderOptions adds context around an answer.
type renderOptions struct {
	question string // repeat the question (when the reply is not next to it)
	askedBy  string // user ID of the asker, for shared answers
	// lead, when set, opens the answer with how its question was read: a
	// follow-up's ("Following up: …") or a button's. Plain text.
	lead string
	// id is the answer's ID (conversation.NewID), which its buttons carry.
	id      string
	buttons []conversation.Action
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escape makes text from documents and people inert in mrkdwn: with & < >
// escaped no <!channel>, <!here>, <@U…> or <url|label> can be formed.
func escape(s string) string { return htmlEscaper.Replace(s) }

// textLen counts characters the way Slack's limits do (UTF-16 code units),
// which is never less than the rune count.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// clean flattens whitespace and cuts s to at most n characters, adding an
// ellipsis when it cut. The result is not escaped.
func clean(s string, n int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "")), " ")
	if textLen(s) <= n {
		return s
	}
	used := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if used+w > n-1 {
			return strings.TrimRightFunc(s[:i], unicode.IsSpace) + "…"
		}
		used += w
	}
	return s
}

// safeURL returns raw as a URL that can go inside <url|label>, or "" when
// it is not an absolute http(s) URL.
func safeURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > 2000 {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	u.User = nil
	s := u.String()
	// Characters that would end the link, split it from its label, or
	// start an entity.
	s = strings.NewReplacer("|", "%7C", "<", "%3C", ">", "%3E", " ", "%20", "\"", "%22").Replace(s)
	s = strings.ReplaceAll(s, "&", "&amp;")
	if len(s) > maxURLChars {
		return "" // a link this long would crowd out the answer
	}
	return s
}

// link builds a mrkdwn link, or the escaped label alone when the URL is
// unusable. label is cleaned and escaped here.
func link(rawURL, label string) string {
	label = clean(label, maxLabelChars)
	u := safeURL(rawURL)
	if u == "" {
		return escape(label)
	}
	if label == "" {
		if p, err := url.Parse(rawURL); err == nil {
			label = p.Host
		}
	}
	return "<" + u + "|" + escape(label) + ">"
}

// quoteChunks formats raw as an escaped mrkdwn block quote ("> " on every
// line), split into pieces of at most per characters and at most total
// characters overall. It reports whether raw had to be cut, in which case
// the last piece ends with an ellipsis.
func quoteChunks(raw string, per, total int) (chunks []string, cut bool) {
	rest := strings.TrimSpace(strings.ReplaceAll(strings.ToValidUTF8(raw, ""), "\r\n", "\n"))
	for rest != "" {
		budget := min(per, total) - len("> ") - 1 // 1 for a trailing ellipsis
		if budget < 20 {
			cut = true
			break
		}
		n := fitPrefix(rest, budget)
		if n < len(rest) {
			if i := strings.LastIndexAny(rest[:n], " \n\t"); i > n/2 {
				n = i
			}
		}
		chunk := "> " + quoteText(strings.TrimRightFunc(rest[:n], unicode.IsSpace))
		chunks = append(chunks, chunk)
		total -= textLen(chunk)
		rest = strings.TrimLeftFunc(rest[n:], unicode.IsSpace)
	}
	if cut && len(chunks) > 0 {
		chunks[len(chunks)-1] += "…"
	}
	return chunks, cut
}

// quoteCost is how many characters r takes once escaped and quoted.
func quoteCost(r rune) int {
	switch {
	case r == '\n':
		return len("\n> ")
	case r == '&':
		return len("&amp;")
	case r == '<' || r == '>':
		return len("&lt;")
	case r >= 0x10000:
		return 2
	}
	return 1
}

// fitPrefix returns the byte length of the longest prefix of s whose quoted
// form fits in budget characters.
func fitPrefix(s string, budget int) int {
	used := 0
	for i, r := range s {
		used += quoteCost(r)
		if used > budget {
			return i
		}
	}
	return len(s)
}

func quoteText(s string) string {
	return strings.ReplaceAll(escape(s), "\n", "\n> ")
}

// attribution cites q: speaker, linked title, publisher, date.
func attribution(q answer.Quote) string {
	var parts []string
	if s := clean(q.Speaker, 100); s != "" {
		parts = append(parts, "*"+escape(s)+"*")
	}
	if l := link(q.URL, q.Title); l != "" {
		parts = append(parts, l)
	}
	if s := clean(q.Source, 100); s != "" {
		parts = append(parts, escape(s))
	}
	if !q.Date.IsZero() {
		parts = append(parts, q.Date.Format("Jan 2, 2006"))
	}
	if len(parts) == 0 {
		return "— unattributed"
	}
	return "— " + strings.Join(parts, " · ")
}

// builder appends blocks while keeping within a block and character budget.
type builder struct {
	blocks    []slack.Block
	chars     int
	maxBlocks int
	maxChars  int
}

func newBuilder() *builder {
	return &builder{maxBlocks: maxBlocks - reserveBlocks, maxChars: maxMessageChars - reserveChars}
}

func (m *builder) room() int { return m.maxChars - m.chars }

func (m *builder) fits(blocks, chars int) bool {
	return len(m.blocks)+blocks <= m.maxBlocks && m.chars+chars <= m.maxChars
}

// release lifts the reserve, for the trailing notes and buttons.
func (m *builder) release() { m.maxBlocks, m.maxChars = maxBlocks, maxMessageChars }

func mrkdwn(s string) *slack.TextBlockObject {
	// verbatim: Slack must not auto-link names or parse mentions in text
	// that came from documents or people.
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, true)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func (m *builder) section(text string) bool {
	text = clipSection(text)
	c := textLen(text)
	if !m.fits(1, c) {
		return false
	}
	m.blocks = append(m.blocks, slack.NewSectionBlock(mrkdwn(text), nil, nil))
	m.chars += c
	return true
}

func (m *builder) context(text string) bool {
	text = clipSection(text)
	c := textLen(text)
	if !m.fits(1, c) {
		return false
	}
	m.blocks = append(m.blocks, slack.NewContextBlock("", mrkdwn(text)))
	m.chars += c
	return true
}

// clipSection is the last line of defence for a section's length; callers
// size their text so that it normally does nothing.
func clipSection(s string) string {
	if textLen(s) <= maxSectionChars {
		return s
	}
	used, cut := 0, 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if used+w > maxSectionChars-1 {
			cut = i
			break
		}
		used += w
	}
	s = s[:cut]
	// Do not leave half an entity or link behind.
	if i := strings.LastIndexAny(s, "&<"); i >= 0 && !strings.ContainsAny(s[i:], ";>") {
		s = s[:i]
	}
	return s + "…"
}

// quote appends q as block-quote sections plus an attribution line. It
// reports false, adding nothing, when not even a short quote fits.
func (m *builder) quote(q answer.Quote) (added, cut bool) {
	cite := attribution(q)
	room := m.room() - textLen(cite)
	blocksLeft := m.maxBlocks - len(m.blocks) - 1
	if room < 100 || blocksLeft < 1 {
		return false, true
	}
	chunks, cut := quoteChunks(q.Text, maxSectionChars, room)
	if len(chunks) > blocksLeft {
		chunks = chunks[:blocksLeft]
		chunks[len(chunks)-1] += "…"
		cut = true
	}
	if len(chunks) == 0 {
		return false, true
	}
	for _, c := range chunks {
		m.section(c)
	}
	m.context(cite)
	return true, cut
}

func (m *builder) message(fallback string) message {
	return message{Text: clean(fallback, maxFallbackChars), Blocks: m.blocks}
}

// renderAnswer renders a as a Block Kit message within Slack's limits.
func renderAnswer(a answer.Answer, opt renderOptions) message {
	m := newBuilder()
	if q := clean(opt.question, maxQuestionEcho); q != "" {
		who := "You asked"
		if validID(opt.askedBy) {
			who = "<@" + opt.askedBy + "> asked"
		}
		m.context(who + ": " + escape(q))
	}
	if l := clean(opt.lead, maxQuestionEcho); l != "" {
		m.context(escape(l))
	}
	if n := clean(a.Note, maxQuestionEcho); n != "" {
		note := "_" + escape(n) + "_"
		if a.Outside && len(a.Quotes) > 0 {
			note += " The closest quotes from other speakers or times:"
		}
		m.section(note)
	}
	trimmed := false
	var fallback string
	if a.NoAnswer || len(a.Quotes) == 0 {
		fallback = "Not found in the briefings."
		intro := "*Not found in the briefings.* No passage answers this directly."
		if len(a.Related) > 0 {
			intro += " The closest passages:"
		} else {
			intro += " Try other words, or a wider date range (since:YYYY-MM-DD)."
		}
		m.section(intro)
		for _, q := range a.Related {
			added, cut := m.quote(q)
			trimmed = trimmed || cut
			if !added {
				break
			}
		}
	} else {
		first := a.Quotes[0]
		fallback = "“" + escape(clean(first.Text, 250)) + "”"
		if s := clean(first.Speaker, 60); s != "" {
			fallback += " — " + escape(s)
		} else if t := clean(first.Title, 80); t != "" {
			fallback += " — " + escape(t)
		}
		for _, q := range a.Quotes {
			added, cut := m.quote(q)
			trimmed = trimmed || cut
			if !added {
				break
			}
		}
		m.release()
		m.context(confidenceHint(a))
	}
	m.release()
	if trimmed {
		m.context("_Trimmed to fit Slack's limits; follow the links for the full text._")
	}
	if b := buttons(opt.id, opt.buttons); b != nil {
		m.blocks = append(m.blocks, b)
	}
	return m.message(fallback)
}

// buttons is the actions block of an answer: one button per action, each
// carrying the answer's ID, which is all a click needs (the rest is in the
// conversation store).
func buttons(id string, actions []conversation.Action) slack.Block {
	if !conversation.ValidID(id) || len(actions) == 0 {
		return nil
	}
	var els []slack.BlockElement
	for _, a := range actions {
		btn := slack.NewButtonBlockElement(actionID(a), id, plain(a.Label()))
		if a == conversation.Share {
			btn.Style = slack.StylePrimary
		}
		els = append(els, btn)
	}
	return slack.NewActionBlock(blockActions, els...)
}

// confidenceHint says how far to trust an answer, by the engine's band.
// It shows no percentage: the probability is not calibrated on the
// questions users type, the bands are (see answer.BandOf).
func confidenceHint(a answer.Answer) string {
	switch a.Band() {
	case answer.BandHigh:
		return "Confidence: high"
	case answer.BandMedium:
		return "Confidence: medium; check the source"
	default:
		return "Confidence: low; this may not answer the question"
	}
}

// renderDigest renders d as a Block Kit message within Slack's limits;
// stories that do not fit are counted in the closing "more" line.
func renderDigest(d answer.Digest) message {
	m := newBuilder()
	title := "Briefing digest"
	switch {
	case !d.Since.IsZero() && !d.Until.IsZero():
		title += ": " + d.Since.Format("Jan 2") + " – " + d.Until.Format("Jan 2, 2006")
	case !d.Since.IsZero():
		title += " since " + d.Since.Format("Jan 2, 2006")
	}
	title = clean(title, maxHeaderChars)
	m.blocks = append(m.blocks, slack.NewHeaderBlock(plain(title)))
	m.chars += textLen(title)

	if len(d.Stories) == 0 {
		m.section("Nothing new in the briefings.")
		return m.message(title + ": nothing new")
	}
	more := d.More
	for i, s := range d.Stories {
		if !m.story(s, i > 0) {
			more += len(d.Stories) - i
			break
		}
	}
	m.release()
	if more > 0 {
		noun := "stories"
		if more == 1 {
			noun = "story"
		}
		m.context(fmt.Sprintf("_…and %d more %s._", more, noun))
	}
	n := len(d.Stories)
	fallback := fmt.Sprintf("%s: %d new %s", title, n+d.More, map[bool]string{true: "story", false: "stories"}[n+d.More == 1])
	return m.message(fallback)
}

// story appends one digest story, whole or not at all.
func (m *builder) story(s answer.Story, divider bool) bool {
	var texts []string
	head := "*" + link(s.URL, s.Title) + "*"
	var meta []string
	for _, v := range []string{s.Source, s.Kind} {
		if v = clean(v, 80); v != "" {
			meta = append(meta, escape(v))
		}
	}
	if !s.Date.IsZero() {
		meta = append(meta, s.Date.Format("Jan 2, 2006"))
	}
	if len(meta) > 0 {
		head += "\n" + strings.Join(meta, " · ")
	}
	texts = append(texts, head)

	var quotes []string
	left := maxSectionChars
	for _, q := range s.Sentences {
		chunks, _ := quoteChunks(q.Text, min(1000, left), min(1000, left))
		if len(chunks) == 0 {
			break
		}
		quotes = append(quotes, chunks[0])
		left -= textLen(chunks[0]) + 1
	}
	if len(quotes) > 0 {
		texts = append(texts, strings.Join(quotes, "\n"))
	}
	var ctx []string
	if l := links(s.Also, 5); l != "" {
		ctx = append(ctx, "Also: "+l)
	}
	if l := links(s.Related, 5); l != "" {
		ctx = append(ctx, "Related: "+l)
	}
	need, chars := len(texts), 0
	for _, t := range texts {
		chars += textLen(t)
	}
	if len(ctx) > 0 {
		need++
		chars += textLen(strings.Join(ctx, " · "))
	}
	if divider {
		need++
	}
	if !m.fits(need, chars) {
		return false
	}
	if divider {
		m.blocks = append(m.blocks, slack.NewDividerBlock())
	}
	for _, t := range texts {
		m.section(t)
	}
	if len(ctx) > 0 {
		m.context(strings.Join(ctx, " · "))
	}
	return true
}

func links(ls []answer.Link, max int) string {
	var out []string
	for _, l := range ls {
		if len(out) == max {
			out = append(out, fmt.Sprintf("+%d", len(ls)-max))
			break
		}
		label := l.Title
		if s := clean(l.Source, 60); s != "" {
			label += " (" + s + ")"
		}
		if s := link(l.URL, clean(label, 100)); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, ", ")
}

// renderText renders a short reply: help, errors, confirmations. text is
// trusted mrkdwn written by this package; escape anything else first.
func renderText(text string) message {
	m := newBuilder()
	m.section(text)
	return m.message(text)
}

var idPattern = regexp.MustCompile(`^[UW][A-Z0-9]{1,20}$`)

// validID reports whether s looks like a Slack user ID, so that it can go
// inside <@…> without forming anything else.
func validID(s string) bool { return idPattern.MatchString(s) }

const helpText = "*Ask me about the press briefings.* I answer with verbatim quotes and links to the source.\n" +
	"• Mention me in a channel: `@briefbot will the US send troops to Ukraine?` (I reply in the thread)\n" +
	"• Send me a direct message with your question\n" +
	"• Reply in the thread, without a new mention, to follow up: _and in 2023?_ _what about Kirby?_ _why?_\n" +
	"• `/brief <question>`: a private answer with a *Share in channel* button\n" +
	"• Under an answer: *More quotes*, *Newer*, *Older*, and *Helpful* / *Not helpful* to tell the team how it did\n" +
	"• Narrow a question with `since:2022-01-01` `until:2022-02-28` `source:whitehouse.gov` `speaker:psaki`\n" +
	"• `/brief digest subscribe [time zone]`, `/brief digest unsubscribe`, `/brief digest now`: the daily digest of new documents in this channel"
