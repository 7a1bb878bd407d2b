package discord

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/conversation"
	"github.com/bwmarrin/discordgo"
)

// Discord's message limits. Discord counts characters; we count UTF-16 code
// units, which is never fewer, so a message we accept Discord accepts too.
const (
	maxContent     = 2000
	maxEmbeds      = 10
	maxTitle       = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxAuthorName  = 256
	maxEmbedTotal  = 6000 // across all embeds of one message
	maxURL         = 2048

	// minUsefulDescription is the smallest trimmed description worth sending;
	// below it the embed is dropped and counted as "not shown".
	minUsefulDescription = 120
)

const (
	colorAnswer  = 0x2b6cb0
	colorRelated = 0x99aab5
	colorDigest  = 0x2f855a
)

// reply is a platform-neutral rendered message: what goes into an
// interaction response, a webhook edit or a channel message.
type reply struct {
	Content    string                       `json:"content,omitempty"`
	Embeds     []*discordgo.MessageEmbed    `json:"embeds,omitempty"`
	Components []discordgo.MessageComponent `json:"components,omitempty"`
}

// renderOptions adds context and buttons around an answer.
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

// customIDPrefix starts the custom_id of the bot's buttons:
// "bb:<action>:<answer ID>", at most 29 of Discord's 100 characters.
const customIDPrefix = "bb:"

// customID is the custom_id of the button for action under answer id.
func customID(a conversation.Action, id string) string {
	return customIDPrefix + string(a) + ":" + id
}

// parseCustomID reads a custom_id made by customID.
func parseCustomID(s string) (conversation.Action, string, bool) {
	rest, ok := strings.CutPrefix(s, customIDPrefix)
	if !ok {
		return "", "", false
	}
	name, id, ok := strings.Cut(rest, ":")
	a, known := conversation.ParseAction(name)
	if !ok || !known || !conversation.ValidID(id) {
		return "", "", false
	}
	return a, id, true
}

// components are an answer's buttons: the ones that find more in a first
// row, the feedback ones in a second (Discord allows five a row).
func components(id string, actions []conversation.Action) []discordgo.MessageComponent {
	if !conversation.ValidID(id) {
		return nil
	}
	var first, second []discordgo.MessageComponent
	for _, a := range actions {
		btn := discordgo.Button{Label: a.Label(), Style: discordgo.SecondaryButton, CustomID: customID(a, id)}
		switch a {
		case conversation.Share:
			btn.Style = discordgo.PrimaryButton
			first = append(first, btn)
		case conversation.Helpful, conversation.NotHelpful:
			second = append(second, btn)
		default:
			first = append(first, btn)
		}
	}
	var rows []discordgo.MessageComponent
	for _, row := range [][]discordgo.MessageComponent{first, second} {
		if len(row) > 0 {
			rows = append(rows, discordgo.ActionsRow{Components: row})
		}
	}
	return rows
}

// snowflake matches a Discord ID, which alone may go inside <@…>.
var snowflake = regexp.MustCompile(`^[0-9]{1,20}$`)

// noMentions forbids every ping: users, roles, @everyone and @here. The
// explicit empty slice makes the JSON say "parse":[] rather than null.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// renderAnswer turns an Answer into a message: one embed per quote, or a
// clear "not found" with the closest passages; opt adds the question, how
// a follow-up was read, and the buttons.
func renderAnswer(a answer.Answer, opt renderOptions) reply {
	var head []string
	if l := cleanText(opt.lead); l != "" {
		head = append(head, "*"+clip(safeText(l), 500)+"*")
	}
	if q := strings.Join(strings.Fields(opt.question), " "); q != "" {
		who := "Question"
		if snowflake.MatchString(opt.askedBy) {
			who = "<@" + opt.askedBy + "> asked"
		}
		head = append(head, who+": "+clip(safeText(q), 500))
	}
	if n := cleanText(a.Note); n != "" {
		if a.Outside && len(a.Quotes) > 0 {
			n += " The closest quotes from other speakers or times:"
		}
		head = append(head, clip(safeText(n), 500))
	}
	r := answerBody(a)
	if len(head) > 0 {
		r.Content = strings.Join(append(head, r.Content), "\n")
	}
	r.Components = components(opt.id, opt.buttons)
	return fit(r)
}

// answerBody is the answer itself: a line on how far to trust it, and one
// embed per quote or closest passage.
func answerBody(a answer.Answer) reply {
	var r reply
	switch {
	case a.NoAnswer || len(a.Quotes) == 0:
		if len(a.Related) == 0 {
			r.Content = "I couldn't find this in the briefings. Try other words, or fewer filters."
		} else {
			r.Content = "I couldn't find this in the briefings. The closest passages:"
		}
		for _, q := range a.Related {
			r.Embeds = append(r.Embeds, quoteEmbed(q, colorRelated))
		}
	default:
		switch a.Band() {
		case answer.BandHigh:
			r.Content = "From the briefings:"
		case answer.BandMedium:
			r.Content = "From the briefings (medium confidence, check the sources):"
		default:
			r.Content = "From the briefings (low confidence, this may not answer the question):"
		}
		for _, q := range a.Quotes {
			r.Embeds = append(r.Embeds, quoteEmbed(q, colorAnswer))
		}
	}
	return r
}

// quoteEmbed renders one verbatim quote with its citation: the quote as a
// block quote, the speaker as author, the document title linked to its URL,
// and publisher and date in the footer.
func quoteEmbed(q answer.Quote, color int) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Title:       safeText(q.Title),
		URL:         safeURL(q.URL),
		Description: blockQuote(safeText(q.Text)),
		Color:       color,
	}
	if e.Title == "" && e.URL != "" {
		e.Title = "Source"
	}
	if s := cleanText(q.Speaker); s != "" {
		e.Author = &discordgo.MessageEmbedAuthor{Name: s}
	}
	if f := citation(q.Source, q.Kind, q.Date); f != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: f}
	}
	return e
}

// renderDigest renders a digest: one embed per story with its key sentences
// and links to the same story elsewhere and to related documents.
func renderDigest(d answer.Digest) reply {
	var r reply
	var b strings.Builder
	b.WriteString("**Briefing digest**")
	if !d.Since.IsZero() {
		b.WriteString(" since " + day(d.Since))
	}
	switch n := len(d.Stories); n {
	case 0:
		b.WriteString(": nothing new.")
	case 1:
		b.WriteString(": 1 new story.")
	default:
		b.WriteString(": " + strconv.Itoa(n) + " new stories.")
	}
	if d.More > 0 {
		fmt.Fprintf(&b, " %d more left out.", d.More)
	}
	r.Content = b.String()
	for _, s := range d.Stories {
		r.Embeds = append(r.Embeds, storyEmbed(s))
	}
	return fit(r)
}

func storyEmbed(s answer.Story) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Title: safeText(s.Title),
		URL:   safeURL(s.URL),
		Color: colorDigest,
	}
	if e.Title == "" {
		e.Title = "Untitled"
	}
	var parts []string
	for _, q := range s.Sentences {
		t := blockQuote(safeText(q.Text))
		if sp := safeText(q.Speaker); sp != "" && t != "" {
			t += "\n— " + sp
		}
		if t != "" {
			parts = append(parts, t)
		}
	}
	e.Description = strings.Join(parts, "\n\n")
	if v := linkList(s.Also); v != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Also reported by", Value: v})
	}
	if v := linkList(s.Related); v != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Related", Value: v})
	}
	if f := citation(s.Source, s.Kind, s.Date); f != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: f}
	}
	return e
}

// linkList renders links one a line, stopping before the field limit.
func linkList(links []answer.Link) string {
	var b strings.Builder
	w := 0
	for _, l := range links {
		title := safeText(l.Title)
		if title == "" {
			title = "Untitled"
		}
		title = clip(title, 200)
		line := "• " + title
		if u := safeURL(l.URL); u != "" {
			// Masked link text may not contain brackets; safeText escaped them.
			line = "• [" + title + "](" + u + ")"
		}
		if c := citation(l.Source, "", l.Date); c != "" {
			line += " — " + c
		}
		lw := width(line) + 1 // with its newline
		if w+lw > maxFieldValue {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
		w += lw
	}
	return b.String()
}

// citation joins publisher, kind and date: "whitehouse.gov · press-briefings · 5 Jan 2022".
func citation(source, kind string, date time.Time) string {
	var parts []string
	for _, s := range []string{source, kind} {
		if s = cleanText(s); s != "" {
			parts = append(parts, s)
		}
	}
	if !date.IsZero() {
		parts = append(parts, day(date))
	}
	return strings.Join(parts, " · ")
}

func day(t time.Time) string { return t.Format("2 Jan 2006") }

// blockQuote marks every line as a Markdown block quote.
func blockQuote(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	return "> " + strings.ReplaceAll(s, "\n", "\n> ")
}

// safeText makes document or user text safe to show in Markdown: valid
// UTF-8, Markdown escaped so a quote renders verbatim, and mentions broken
// (see cleanText).
func safeText(s string) string {
	s = cleanText(s)
	if s == "" {
		return ""
	}
	lines := strings.Split(markdownEscaper.Replace(s), "\n")
	for i, l := range lines {
		// A leading # (heading) or - (list, subtext) would reformat the quote.
		if t := strings.TrimLeft(l, " "); strings.HasPrefix(t, "#") || strings.HasPrefix(t, "-") {
			lines[i] = `\` + t
		}
	}
	return strings.Join(lines, "\n")
}

// cleanText is for places Discord shows without Markdown (embed author,
// footer): valid UTF-8, trimmed, and @everyone/@here broken with a
// zero-width space. allowed_mentions already stops the ping; this also stops
// the highlight and anything that copies the text elsewhere.
func cleanText(s string) string {
	s = strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
	return mentionBreaker.Replace(s)
}

var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, `*`, `\*`, `_`, `\_`, `~`, `\~`, "`", "\\`", `|`, `\|`, `[`, `\[`, `]`, `\]`,
)

var mentionBreaker = strings.NewReplacer("@everyone", "@\u200beveryone", "@here", "@\u200bhere")

// safeURL returns u when it is an absolute http(s) URL Discord will accept
// in an embed, and "" otherwise: one bad URL must not fail the whole message.
func safeURL(u string) string {
	u = strings.TrimSpace(u)
	if u == "" || len(u) > maxURL || !utf8.ValidString(u) || strings.ContainsAny(u, " \t\r\n()<>") {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return u
}

// width is the length Discord's limits are measured in (UTF-16 code units).
func width(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// clip cuts s to at most n UTF-16 units at a rune boundary, preferring a
// word boundary, and marks the cut with an ellipsis. It never leaves a
// dangling Markdown escape.
func clip(s string, n int) string {
	if width(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	const ellipsis = "…"
	limit := n - 1 // room for the ellipsis (1 unit)
	w, cut := 0, 0
	for i, r := range s {
		rw := utf16.RuneLen(r)
		if w+rw > limit {
			break
		}
		w += rw
		cut = i + utf8.RuneLen(r)
	}
	out := s[:cut]
	if i := strings.LastIndexAny(out, " \n"); i > len(out)*3/4 {
		out = out[:i]
	}
	// An odd run of trailing backslashes would escape the ellipsis.
	trailing := len(out) - len(strings.TrimRight(out, `\`))
	if trailing%2 == 1 {
		out = out[:len(out)-1]
	}
	out = strings.TrimRight(out, " \n")
	return out + ellipsis
}

// embedWidth is what an embed counts towards the 6000 total.
func embedWidth(e *discordgo.MessageEmbed) int {
	n := width(e.Title) + width(e.Description)
	for _, f := range e.Fields {
		n += width(f.Name) + width(f.Value)
	}
	if e.Footer != nil {
		n += width(e.Footer.Text)
	}
	if e.Author != nil {
		n += width(e.Author.Name)
	}
	return n
}

// fit trims a rendered message to Discord's limits. It never fails: long
// text is clipped, surplus fields and embeds are dropped, and the content
// says how many embeds were left out.
func fit(r reply) reply {
	out := reply{}
	budget := maxEmbedTotal
	dropped := 0
	for _, e := range r.Embeds {
		if e == nil {
			continue
		}
		if len(out.Embeds) == maxEmbeds {
			dropped++
			continue
		}
		e = fitEmbed(e)
		if w := embedWidth(e); w > budget {
			// Clip the description to what is left, if that is still useful.
			rest := budget - (w - width(e.Description))
			if rest < minUsefulDescription || e.Description == "" {
				dropped++
				continue
			}
			e.Description = clip(e.Description, rest)
		}
		budget -= embedWidth(e)
		out.Embeds = append(out.Embeds, e)
	}
	content := mentionBreaker.Replace(strings.ToValidUTF8(r.Content, "\uFFFD"))
	if dropped > 0 {
		note := fmt.Sprintf("\n(%d more not shown: Discord limits message length.)", dropped)
		content = clip(content, maxContent-width(note)) + note
	}
	out.Content = clip(content, maxContent)
	out.Components = r.Components
	if out.Content == "" && len(out.Embeds) == 0 {
		out.Content = "(empty)"
	}
	return out
}

// fitEmbed returns a copy of e with every part within its own limit.
func fitEmbed(in *discordgo.MessageEmbed) *discordgo.MessageEmbed {
	e := *in
	e.Title = clip(e.Title, maxTitle)
	e.Description = clip(e.Description, maxDescription)
	if e.Author != nil {
		a := *e.Author
		a.Name = clip(a.Name, maxAuthorName)
		e.Author = &a
		if a.Name == "" {
			e.Author = nil
		}
	}
	if e.Footer != nil {
		f := *e.Footer
		f.Text = clip(f.Text, maxFooter)
		e.Footer = &f
		if f.Text == "" {
			e.Footer = nil
		}
	}
	var fields []*discordgo.MessageEmbedField
	for _, f := range e.Fields {
		if f == nil || len(fields) == maxFields {
			continue
		}
		g := *f
		g.Name = clip(g.Name, maxFieldName)
		g.Value = clip(g.Value, maxFieldValue)
		if strings.TrimSpace(g.Name) == "" || strings.TrimSpace(g.Value) == "" {
			continue // Discord rejects empty field names and values.
		}
		fields = append(fields, &g)
	}
	e.Fields = fields
	if e.Title == "" && e.Description == "" && len(e.Fields) == 0 {
		e.Description = "(no text)"
	}
	return &e
}

// textReply is a plain message, made safe and within limits.
func textReply(s string) reply {
	return fit(reply{Content: s})
}
