// Package conversation is what lets the Slack and Discord bots carry a
// conversation on: the question each thread is about, so that a follow-up
// needs no new mention; the rule that decides when the bot answers in a
// thread it follows and when it stops; and, behind the buttons under an
// answer, the question and quotes that "More quotes", "Newer", "Older",
// "Share" and the feedback buttons act on. The state is kept in a Store
// (bbolt in DATA_DIR by default, PostgreSQL for replicas), so threads and
// buttons keep working after a restart and on any replica.
package conversation

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/feedback"
)

// DefaultQuiet is how long a thread may stay quiet before the bot stops
// following it, unless configured otherwise.
const DefaultQuiet = 30 * time.Minute

// Thread is what the bot remembers of a conversation it takes part in: a
// channel thread, a direct message, a Discord thread.
type Thread struct {
	// Question is what the thread is about now: the first question with
	// every follow-up merged in (answer.Engine.FollowUp).
	Question answer.Question `json:"question"`
	// Asker is the person the bot is talking with: who asked last.
	Asker string `json:"asker,omitempty"`
	// At is when the bot last answered in the thread; zero before the
	// first answer.
	At time.Time `json:"at,omitzero"`
	// Stopped is set when people in the thread talk to each other: the
	// bot then answers there only when it is mentioned again.
	Stopped bool `json:"stopped,omitempty"`
	// Assistant marks a Slack assistant thread (the AI-app split view).
	Assistant bool `json:"assistant,omitempty"`
	// Titled is set once an assistant thread has been given its title.
	Titled bool `json:"titled,omitempty"`
}

// Live reports whether the bot still follows t at now: it answered there
// no longer than quiet ago. A zero quiet turns following off.
func (t Thread) Live(now time.Time, quiet time.Duration) bool {
	return quiet > 0 && !t.At.IsZero() && now.Sub(t.At) <= quiet
}

// Message is a message that reached the bot, as the rule sees it.
type Message struct {
	User string // who wrote it
	Text string // its text, the bot's own mention removed
	// Addressed is set when the message is for the bot whatever the
	// thread: it mentions the bot, replies to the bot's answer, or is a
	// direct message.
	Addressed bool
	// MentionsOthers is set when it mentions someone other than the bot.
	MentionsOthers bool
}

// Verdict is what the bot does with a message.
type Verdict int

// The verdicts of Decide.
const (
	Ignore   Verdict = iota // not for the bot; the thread is left as it is
	Stop                    // people talk to each other: stop following the thread
	FollowUp                // answer it in the thread's context (Engine.FollowUp)
	Fresh                   // answer it as a question of its own
)

// String names the verdict, for logs.
func (v Verdict) String() string {
	return [...]string{"ignore", "stop", "follow-up", "fresh"}[v]
}

// Decide applies the conversation rule to m, a message in thread t (the
// zero Thread when the bot has not answered there), at now:
//
//   - Chatter (thanks, agreement, an emoji) is never answered.
//   - A message addressed to the bot (a mention, a reply to its answer, a
//     direct message) is answered: as a follow-up while the thread is
//     live (the bot answered there less than quiet ago), else as a new
//     question. It makes its writer the person the bot talks with, and
//     resumes a thread that had stopped.
//   - Any other message counts only in a live thread the bot still
//     follows. When someone other than the person the bot talks with
//     writes, or the message mentions someone, people are talking to each
//     other: the bot stops following until it is mentioned again.
//     Otherwise a message that asks something (answer.LooksLikeQuestion)
//     is a follow-up, and the rest is ignored.
//
// A quiet of zero turns follow-ups off: only addressed messages are
// answered, each as a new question.
func Decide(t Thread, m Message, now time.Time, quiet time.Duration) Verdict {
	if answer.Chatter(m.Text) {
		return Ignore
	}
	live := t.Live(now, quiet)
	if m.Addressed {
		if live {
			return FollowUp
		}
		return Fresh
	}
	if !live || t.Stopped {
		return Ignore
	}
	if m.User != t.Asker || m.MentionsOthers {
		return Stop
	}
	if !answer.LooksLikeQuestion(m.Text) {
		return Ignore
	}
	return FollowUp
}

// Answered returns t after the bot answered q, asked by user, at now.
func (t Thread) Answered(q answer.Question, user string, now time.Time) Thread {
	t.Question, t.Asker, t.At, t.Stopped = q, user, now, false
	return t
}

// Action is a button under an answer.
type Action string

// The buttons, in the order they are shown.
const (
	More       Action = "more"      // the next three quotes
	Newer      Action = "newer"     // the same question, after the newest quote shown
	Older      Action = "older"     // the same question, before the oldest quote shown
	Share      Action = "share"     // post a private answer in the channel
	Helpful    Action = "helpful"   // feedback: the answer helped
	NotHelpful Action = "unhelpful" // feedback: it did not
)

// Actions are all the buttons, in the order they are shown.
var Actions = []Action{More, Newer, Older, Share, Helpful, NotHelpful}

// Label is the button's text.
func (a Action) Label() string {
	switch a {
	case More:
		return "More quotes"
	case Newer:
		return "Newer"
	case Older:
		return "Older"
	case Share:
		return "Share in channel"
	case Helpful:
		return "Helpful"
	case NotHelpful:
		return "Not helpful"
	}
	return string(a)
}

// ParseAction returns the Action named s and whether there is one.
func ParseAction(s string) (Action, bool) {
	for _, a := range Actions {
		if string(a) == s {
			return a, true
		}
	}
	return "", false
}

// Quote is a quote shown in an answer: what feedback records, plus the
// date that Newer and Older start from.
type Quote struct {
	feedback.Quote
	Date time.Time `json:"date,omitzero"`
}

// Answer is what the buttons under one answer act on: the question it
// answered and the quotes it showed. It is stored under an ID (NewID)
// that the buttons carry.
type Answer struct {
	Question answer.Question `json:"question"`
	// Quotes are the quotes the answer showed: its quotes, or, when the
	// documents did not answer, the closest passages.
	Quotes []Quote `json:"quotes,omitempty"`
	// Found is set when the quotes answer the question (not NoAnswer).
	Found bool `json:"found,omitempty"`
	// Earlier are the quotes shown before these for the same question,
	// by earlier answers and "More quotes": More skips them too.
	Earlier []answer.Span `json:"earlier,omitempty"`
	// Thread is the key of the thread the answer was given in ("" for
	// none), whose question the buttons' answers move on.
	Thread string `json:"thread,omitempty"`
	// Private is set when only the person who asked saw the answer: the
	// Share button posts it in the channel.
	Private bool `json:"private,omitempty"`
	// At is when the answer was given.
	At time.Time `json:"at,omitzero"`
}

// NewAnswer is the state of a, the reply to q, given at now after the
// quotes earlier were shown for the same question.
func NewAnswer(q answer.Question, a answer.Answer, earlier []answer.Span, now time.Time) Answer {
	st := Answer{Question: q, Found: !a.NoAnswer && len(a.Quotes) > 0, Earlier: earlier, At: now}
	shown := a.Quotes
	if !st.Found {
		shown = a.Related
	}
	for _, qt := range shown {
		st.Quotes = append(st.Quotes, Quote{
			Quote: feedback.Quote{DocID: qt.DocID, Start: qt.Start, End: qt.End, Text: qt.Text},
			Date:  qt.Date,
		})
	}
	return st
}

// Buttons returns the buttons the answer gets: More, Newer and Older
// when it found quotes (Newer and Older when they are dated), Share when
// it is private, and the feedback buttons when feedback is kept.
func (a Answer) Buttons(feedback bool) []Action {
	var out []Action
	if a.Found {
		out = append(out, More)
		if newest, _ := a.span(); !newest.IsZero() {
			out = append(out, Newer, Older)
		}
	}
	if a.Private {
		out = append(out, Share)
	}
	if feedback {
		out = append(out, Helpful, NotHelpful)
	}
	return out
}

// span returns the dates of the newest and oldest dated quote shown.
func (a Answer) span() (newest, oldest time.Time) {
	for _, q := range a.Quotes {
		if q.Date.IsZero() {
			continue
		}
		if newest.IsZero() || q.Date.After(newest) {
			newest = q.Date
		}
		if oldest.IsZero() || q.Date.Before(oldest) {
			oldest = q.Date
		}
	}
	return newest, oldest
}

// Shown is every quote shown for the question so far: the earlier ones
// and this answer's, which More skips.
func (a Answer) Shown() []answer.Span {
	out := append([]answer.Span(nil), a.Earlier...)
	for _, q := range a.Quotes {
		out = append(out, answer.Span{DocID: q.DocID, Start: q.Start, End: q.End})
	}
	return out
}

// NewerQuestion is the question again, restricted to documents dated
// after the day of the newest quote shown. A period the question named
// ends where it ended, when that is later; it is false when no quote is
// dated.
func (a Answer) NewerQuestion() (answer.Question, bool) {
	newest, _ := a.span()
	if newest.IsZero() {
		return answer.Question{}, false
	}
	q := a.Question
	y, m, d := newest.Date()
	q.Since = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	if !q.Until.IsZero() && !q.Until.After(q.Since) {
		q.Until = time.Time{}
	}
	return q, true
}

// OlderQuestion is the question again, restricted to documents dated
// before the day of the oldest quote shown. A period the question named
// starts where it started, when that is earlier; it is false when no
// quote is dated.
func (a Answer) OlderQuestion() (answer.Question, bool) {
	_, oldest := a.span()
	if oldest.IsZero() {
		return answer.Question{}, false
	}
	q := a.Question
	y, m, d := oldest.Date()
	q.Until = time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)
	if !q.Since.IsZero() && !q.Since.Before(q.Until) {
		q.Since = time.Time{}
	}
	q.Latest = false
	return q, true
}

// Feedback is the verdict of user, in channel of platform, on a, at at:
// the question as it can be asked again, and the quotes shown.
func (a Answer) Feedback(verdict, platform, channel, user string, at time.Time) feedback.Feedback {
	f := feedback.Feedback{
		Question: Format(a.Question), Verdict: verdict, Platform: platform,
		ChannelID: channel, UserID: user, At: at,
	}
	for _, q := range a.Quotes {
		f.Quotes = append(f.Quotes, q.Quote)
	}
	return f
}

// Format writes q as a question that answer.ParseQuestion reads back:
// its text followed by its filters (speaker:, since:, until:, source:).
// A period the text names stays in the text.
func Format(q answer.Question) string {
	parts := []string{strings.TrimSpace(q.Text)}
	if q.Speaker != "" {
		parts = append(parts, "speaker:"+strings.ReplaceAll(strings.TrimSpace(q.Speaker), " ", "_"))
	}
	if !q.Since.IsZero() {
		parts = append(parts, "since:"+q.Since.Format(time.DateOnly))
	}
	if !q.Until.IsZero() {
		parts = append(parts, "until:"+q.Until.Format(time.DateOnly))
	}
	if q.Source != "" {
		parts = append(parts, "source:"+q.Source)
	}
	return strings.TrimSpace(strings.Join(parts, " "))
}

// idEncoding spells IDs in lower-case letters and digits only, so they fit
// anywhere: a Slack button value, a Discord custom_id, a database key.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns a new random answer ID of 16 characters.
func NewID() string {
	var b [10]byte
	rand.Read(b[:])
	return idEncoding.EncodeToString(b[:])
}

// ValidID reports whether s can be an ID made by NewID: anything else in
// a button is not looked up.
func ValidID(s string) bool {
	if len(s) != 16 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}

// ReadAs says how the engine read the question of a, for the line above a
// follow-up's quotes: its summary, or the question itself.
func ReadAs(a answer.Answer) string {
	if s := a.Understood.Summary(); s != "" {
		return s
	}
	return Format(a.Question)
}
