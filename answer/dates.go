package answer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/briefbot/briefbot/corpus"
)

// period is a span of days a question asks about.
type period struct {
	since, until time.Time // until is inclusive to its last nanosecond; a zero end is open
	said         string    // the words that named it ("in 2023", "last week")
}

func (p period) zero() bool { return p.since.IsZero() && p.until.IsZero() }

// A date in a question, in the forms people type: "March 3, 2022",
// "March 3rd 2022", "3 March 2022", "March 2022", "Mar. 2022", "2022-03-03",
// "2022-03", "3/3/2022", "2022".
const (
	reMonth   = `(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`
	reDayNum  = `(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?`
	reYear    = `(?:19[5-9][0-9]|20[0-9][0-9])`
	reSeason  = `(?:spring|summer|fall|autumn|winter)`
	reDateAny = `(?:` + reMonth + ` ` + reDayNum + `,? ` + reYear + `|` + reDayNum + ` (?:of )?` + reMonth + `,? ` + reYear +
		`|` + reMonth + `,? ` + reYear + `|` + reYear + `-[01][0-9](?:-[0-3][0-9])?|[01]?[0-9]/[0-3]?[0-9]/` + reYear +
		`|(?:early |late |mid-?|the )?` + reSeason + ` (?:of )?` + reYear + `|(?:early|late|mid-?) ?` + reYear +
		`|` + reMonth + ` ` + reDayNum + `|` + reYear + `|` + reMonth + `)`
)

var (
	reBetween = regexp.MustCompile(`(?i)\b(?:between|from) (` + reDateAny + `) (?:and|to|until|through|thru|-) (` + reDateAny + `)\b`)
	reSince   = regexp.MustCompile(`(?i)\b(?:since|after|starting(?: in)?|from) (` + reDateAny + `)\b`)
	reBefore  = regexp.MustCompile(`(?i)\b(?:before|until|till|prior to|up to) (` + reDateAny + `)\b`)
	reIn      = regexp.MustCompile(`(?i)\b(?:in|during|throughout|over|on|at the (?:start|end|beginning) of|around) (` + reDateAny + `)\b`)
	// A count up to a day: "as of the end of 2023", "by the end of March".
	reAsOf = regexp.MustCompile(`(?i)\b(?:as of|by the end of)(?: the end of)? (` + reDateAny + `)\b`)
	// A full date stands for itself anywhere ("the March 3, 2022 briefing").
	reBareDate = regexp.MustCompile(`(?i)\b(` + reMonth + ` ` + reDayNum + `,? ` + reYear + `|` + reDayNum + ` ` + reMonth + `,? ` + reYear + `|` + reMonth + `,? ` + reYear + `|` + reYear + `-[01][0-9]-[0-3][0-9])\b`)
	// A year at the end of a question ("Biden on Haiti 2023?").
	reTrailingYear = regexp.MustCompile(`(?i)(?:^|[\s,(])(` + reYear + `)\)?\s*[?.!]*\s*$`)
	reRelative     = regexp.MustCompile(`(?i)\b(today|yesterday|this (?:week|month|year)|last (?:week|month|year)|(?:the )?past (?:week|month|year)|(?:in |over |during )?(?:the )?(?:last|past) ([0-9]+|two|three|four|five|six|seven|eight|nine|ten|twelve|a few|several) (days?|weeks?|months?|years?)|([0-9]+|two|three|four|five|six) (days?|weeks?|months?|years?) ago)\b`)
)

// reBackBefore matches "back" (or "way back") just before a period's
// words: "What did Biden call Putin back in March 2022?".
var reBackBefore = regexp.MustCompile(`(?i)\b(?:way )?back\s+$`)

// yearTargets are words before a year that make it a goal or a name
// rather than the period asked about.
var yearTargets = map[string]bool{"for": true, "by": true, "to": true, "of": true, "the": true, "until": true, "through": true, "fy": true, "fiscal": true}

var monthNames = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

var smallNumbers = map[string]int{"a few": 3, "several": 3, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12}

// parseDateExpr reads one date expression as the span of days it covers.
// A month or a day without a year means the latest one not after now.
func parseDateExpr(s string, now time.Time) (lo, hi time.Time, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer(",", "", ".", "", "the ", "", " of ", " ").Replace(s)
	f := strings.Fields(s)
	if len(f) == 0 {
		return
	}
	dayOf := func(y int, m time.Month, d int) (time.Time, time.Time, bool) {
		t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		if t.Month() != m {
			return time.Time{}, time.Time{}, false
		}
		return t, t, true
	}
	monthSpan := func(y int, m time.Month) (time.Time, time.Time, bool) {
		t := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
		return t, t.AddDate(0, 1, -1), true
	}
	yearOf := func(w string) (int, bool) {
		if len(w) != 4 {
			return 0, false
		}
		y, err := strconv.Atoi(w)
		return y, err == nil && y >= 1950 && y <= 2099
	}
	monthOf := func(w string) (time.Month, bool) {
		if len(w) < 3 {
			return 0, false
		}
		m, ok := monthNames[w[:3]]
		return m, ok
	}
	dayNum := func(w string) (int, bool) {
		w = strings.TrimRight(w, "stndrh")
		d, err := strconv.Atoi(w)
		return d, err == nil && d >= 1 && d <= 31
	}
	// latest returns the year of the latest month m (day d) not after now.
	latest := func(m time.Month, d int) int {
		y := now.Year()
		if time.Date(y, m, max(d, 1), 0, 0, 0, 0, time.UTC).After(now) {
			y--
		}
		return y
	}
	switch {
	case len(f) == 1:
		w := f[0]
		if y, ok := yearOf(w); ok {
			return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC), true
		}
		if m, ok := monthOf(w); ok {
			return monthSpan(latest(m, 1), m)
		}
		if t, err := time.Parse("2006-01-02", w); err == nil {
			return t, t, true
		}
		if t, err := time.Parse("2006-01", w); err == nil {
			return monthSpan(t.Year(), t.Month())
		}
		if t, err := time.Parse("1/2/2006", w); err == nil {
			return t, t, true
		}
	case len(f) == 2:
		// Seasons and parts of a year.
		if y, ok := yearOf(f[1]); ok {
			switch strings.TrimSuffix(f[0], "-") {
			case "spring":
				return time.Date(y, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 5, 31, 0, 0, 0, 0, time.UTC), true
			case "summer":
				return time.Date(y, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 8, 31, 0, 0, 0, 0, time.UTC), true
			case "fall", "autumn":
				return time.Date(y, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 11, 30, 0, 0, 0, 0, time.UTC), true
			case "winter":
				return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 2, 28, 0, 0, 0, 0, time.UTC), true
			case "early":
				return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 4, 30, 0, 0, 0, 0, time.UTC), true
			case "mid":
				return time.Date(y, 5, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 8, 31, 0, 0, 0, 0, time.UTC), true
			case "late":
				return time.Date(y, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC), true
			}
			if m, ok := monthOf(f[0]); ok {
				return monthSpan(y, m)
			}
		}
		if strings.HasPrefix(f[0], "mid-") {
			return parseDateExpr("mid "+f[0][4:]+" "+f[1], now)
		}
		if m, ok := monthOf(f[0]); ok {
			if d, ok := dayNum(f[1]); ok {
				return dayOf(latest(m, d), m, d)
			}
		}
	case len(f) == 3:
		if y, ok := yearOf(f[2]); ok {
			if m, ok := monthOf(f[0]); ok {
				if d, ok := dayNum(f[1]); ok {
					return dayOf(y, m, d)
				}
			}
			if m, ok := monthOf(f[1]); ok {
				if d, ok := dayNum(f[0]); ok {
					return dayOf(y, m, d)
				}
			}
			switch f[0] + " " + f[1] {
			case "early spring", "late spring", "early summer", "late summer", "early fall", "late fall", "early winter", "late winter":
				return parseDateExpr(f[1]+" "+f[2], now)
			}
		}
		if f[0] == "mid" {
			return parseDateExpr("mid "+f[1]+" "+f[2], now)
		}
	}
	return
}

// relativePeriod reads "last week", "this year", "the past 3 months", "two
// weeks ago" against now.
func relativePeriod(m []string, now time.Time) (lo, hi time.Time, ok bool) {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	expr := strings.ToLower(m[1])
	weekStart := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7)) // Monday
	switch {
	case expr == "today":
		return today, today, true
	case expr == "yesterday":
		y := today.AddDate(0, 0, -1)
		return y, y, true
	case expr == "this week":
		return weekStart, today, true
	case expr == "last week":
		return weekStart.AddDate(0, 0, -7), weekStart.AddDate(0, 0, -1), true
	case expr == "this month":
		return time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC), today, true
	case expr == "last month":
		first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
		return first.AddDate(0, -1, 0), first.AddDate(0, 0, -1), true
	case expr == "this year":
		return time.Date(today.Year(), 1, 1, 0, 0, 0, 0, time.UTC), today, true
	case expr == "last year":
		return time.Date(today.Year()-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(today.Year()-1, 12, 31, 0, 0, 0, 0, time.UTC), true
	case strings.HasSuffix(expr, "past week"):
		return today.AddDate(0, 0, -7), today, true
	case strings.HasSuffix(expr, "past month"):
		return today.AddDate(0, -1, 0), today, true
	case strings.HasSuffix(expr, "past year"):
		return today.AddDate(-1, 0, 0), today, true
	}
	n, unit := m[2], m[3]
	if n == "" {
		n, unit = m[4], m[5]
	}
	k, err := strconv.Atoi(n)
	if err != nil {
		k = smallNumbers[strings.ToLower(n)]
	}
	if k <= 0 || k > 1000 {
		return
	}
	var from time.Time
	switch strings.TrimSuffix(strings.ToLower(unit), "s") {
	case "day":
		from = today.AddDate(0, 0, -k)
	case "week":
		from = today.AddDate(0, 0, -7*k)
	case "month":
		from = today.AddDate(0, -k, 0)
	case "year":
		from = today.AddDate(-k, 0, 0)
	default:
		return
	}
	if m[4] != "" {
		// "two weeks ago": around that day, a unit either side of it.
		return from, from.AddDate(0, 0, 7), true
	}
	return from, today, true
}

// findPeriod finds the period a question names and returns it with the
// text left once its words are taken out. now is the current time, which
// "last week" and "this year" count from.
func findPeriod(text string, now time.Time) (period, string) {
	var p period
	cut := func(loc []int) {
		p.said = strings.TrimSpace(text[loc[0]:loc[1]])
		// "back in March 2022" says when, "back" included.
		if m := reBackBefore.FindStringIndex(text[:loc[0]]); m != nil {
			loc = []int{m[0], loc[1]}
		}
		text = strings.Join(strings.Fields(text[:loc[0]]+" "+text[loc[1]:]), " ")
	}
	endOfDay := func(t time.Time) time.Time { return t.Add(24*time.Hour - time.Nanosecond) }
	if m := reBetween.FindStringSubmatchIndex(text); m != nil {
		lo, _, ok1 := parseDateExpr(text[m[2]:m[3]], now)
		_, hi, ok2 := parseDateExpr(text[m[4]:m[5]], now)
		if ok1 && ok2 && !hi.Before(lo) {
			p.since, p.until = lo, endOfDay(hi)
			cut(m[:2])
			return p, text
		}
	}
	if m := reRelative.FindStringSubmatchIndex(text); m != nil {
		groups := make([]string, 6)
		for i := range groups {
			if m[2*i] >= 0 {
				groups[i] = text[m[2*i]:m[2*i+1]]
			}
		}
		if lo, hi, ok := relativePeriod(groups, now); ok {
			p.since, p.until = lo, endOfDay(hi)
			cut(m[:2])
			return p, text
		}
	}
	for _, re := range []*regexp.Regexp{reAsOf, reSince, reBefore, reIn, reBareDate, reTrailingYear} {
		m := re.FindStringSubmatchIndex(text)
		if m == nil {
			continue
		}
		lo, hi, ok := parseDateExpr(text[m[2]:m[3]], now)
		if !ok {
			continue
		}
		if re == reTrailingYear {
			// "the plan for 2030" is about a goal, not a period; "fiscal
			// year 2022" is a name.
			before := strings.Fields(strings.ToLower(text[:m[2]]))
			fiscal := len(before) > 1 && before[len(before)-1] == "year" && before[len(before)-2] == "fiscal"
			if lo.Year() > now.Year() || fiscal || len(before) > 0 && yearTargets[before[len(before)-1]] {
				continue
			}
		}
		switch re {
		case reAsOf:
			p.until = endOfDay(hi)
		case reSince:
			p.since = lo
		case reBefore:
			p.until = lo.Add(-time.Nanosecond)
		default:
			p.since, p.until = lo, endOfDay(hi)
		}
		if re == reTrailingYear {
			m[0], m[1] = m[2], m[3]
		}
		cut(m[:2])
		return p, text
	}
	return p, text
}

// calendar reports whether p is one calendar year or one calendar month,
// and the words a sentence names it by: "2021", or "2021" and "March".
func (p period) calendar() (year string, month time.Month, ok bool) {
	lo, hi := p.since, p.until
	if lo.IsZero() || hi.IsZero() || lo.Day() != 1 || lo.Year() != hi.Year() || hi.AddDate(0, 0, 1).Day() != 1 {
		return "", 0, false
	}
	switch {
	case lo.Month() == 1 && hi.Month() == 12:
		return strconv.Itoa(lo.Year()), 0, true
	case lo.Month() == hi.Month():
		return strconv.Itoa(lo.Year()), lo.Month(), true
	}
	return "", 0, false
}

// names reports whether text names the calendar year or month p is: a
// later document may say what happened then ("In 2021, the economy
// created 6.7 million jobs", in a 2022 release).
func (p period) names(text string) bool {
	year, month, ok := p.calendar()
	if !ok || !containsWord(text, year) {
		return false
	}
	if month == 0 {
		return true
	}
	low := strings.ToLower(text)
	name := strings.ToLower(month.String())
	return containsWord(low, name) || containsWord(low, name[:3])
}

// containsWord reports whether w occurs in text with no letter or digit
// on either side.
func containsWord(text, w string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], w)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(w)
		before, _ := utf8.DecodeLastRuneInString(text[:j])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if !isWordRune(before) && !isWordRune(after) {
			return true
		}
		i = j + 1
	}
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// describe says a period in words for a reply: "in 2023", "between 1 Mar
// 2023 and 15 Mar 2023", "since 1 Jan 2024".
func (p period) describe() string {
	const layout = "2 Jan 2006"
	switch {
	case p.since.IsZero() && p.until.IsZero():
		return ""
	case p.until.IsZero():
		return "since " + p.since.Format(layout)
	case p.since.IsZero():
		return "before " + p.until.Add(time.Nanosecond).Format(layout)
	}
	lo, hi := p.since, p.until
	if lo.Month() == 1 && lo.Day() == 1 && hi.Month() == 12 && hi.Day() == 31 && lo.Year() == hi.Year() {
		return fmt.Sprintf("in %d", lo.Year())
	}
	if lo.Day() == 1 && lo.Year() == hi.Year() && lo.Month() == hi.Month() && hi.AddDate(0, 0, 1).Day() == 1 {
		return "in " + lo.Format("January 2006")
	}
	if lo.Equal(time.Date(hi.Year(), hi.Month(), hi.Day(), 0, 0, 0, 0, time.UTC)) {
		return "on " + lo.Format(layout)
	}
	return "between " + lo.Format(layout) + " and " + hi.Format(layout)
}

// A span of a presidency: "Biden's first year", "his first 100 days",
// "Trump's first month back", "the president's first day", "over Biden's
// whole term".
var reTermSpan = regexp.MustCompile(`(?i)\b(?:(?P<name>biden|trump|the president)(?:'s|’s|s)|his)\s+(?:(?P<nth>first|second)\s+)?` +
	`(?:(?P<unit>year|month|week|day)|(?P<days>\d{1,3}|a hundred|hundred)\s+days|(?P<months>\d{1,2}|two|three|four|five|six)\s+months|` +
	`(?:(?:whole|entire|full)\s+)?(?:(?P<nth2>first|second)\s+)?(?P<term>term|presidency))` +
	`(?:\s+(?:in office|as president|back))?\b`)

// reTermPresident finds the president a "his first 100 days" belongs to;
// "the president" is the one in office now.
var reTermPresident = regexp.MustCompile(`(?i)\b(biden|trump|the president)\b`)

// termGrace is how long after the first days, months or year of a
// presidency their figures are still being reported ("In my first year in
// office, more jobs were created than ever", in the State of the Union of
// March 2022).
const termGrace = 60 * 24 * time.Hour

// findTermPeriod finds a span of a presidency the question names. Its
// words stay in the topic: "in my first year in office" answers "How
// many jobs were added in Biden's first year?". The span is of the term
// that began last before now, unless the question says "first term".
func findTermPeriod(text string, now time.Time) period {
	m := reTermSpan.FindStringSubmatchIndex(text)
	if m == nil {
		return period{}
	}
	group := func(name string) string {
		i := reTermSpan.SubexpIndex(name)
		if m[2*i] < 0 {
			return ""
		}
		return strings.ToLower(text[m[2*i]:m[2*i+1]])
	}
	who := group("name")
	if who == "" {
		p := reTermPresident.FindStringSubmatch(text)
		if p == nil {
			return period{}
		}
		who = strings.ToLower(p[1])
	}
	if group("term") == "" && group("nth") != "first" {
		return period{} // "Trump's week", "Biden's second year": not a span from the start
	}
	name := map[string]string{"biden": "Joe Biden", "trump": "Donald Trump", "the president": ""}[who]
	first := group("term") != "" && (group("nth") == "first" || group("nth2") == "first")
	since, last, ok := presidentTerm(name, now, first)
	if !ok {
		return period{}
	}
	p := period{since: since, said: strings.TrimSpace(text[m[0]:m[1]])}
	switch {
	case group("term") != "":
		p.until = last
	case group("unit") == "year":
		p.until = since.AddDate(1, 0, 0).Add(termGrace)
	case group("unit") == "month":
		p.until = since.AddDate(0, 1, 0).Add(termGrace)
	case group("unit") == "week":
		p.until = since.AddDate(0, 0, 7).Add(termGrace)
	case group("unit") == "day":
		p.until = since.AddDate(0, 0, 1).Add(termGrace)
	case group("days") != "":
		n, err := strconv.Atoi(group("days"))
		if err != nil {
			n = 100 // "a hundred"
		}
		p.until = since.AddDate(0, 0, n).Add(termGrace)
	case group("months") != "":
		n, err := strconv.Atoi(group("months"))
		if err != nil {
			n = smallNumbers[group("months")]
		}
		p.until = since.AddDate(0, n, 0).Add(termGrace)
	}
	if p.until.After(last) {
		p.until = last
	}
	return p
}

// presidentTerm returns the span of a president's term that began last
// before now (the first, if first), ending on the eve of the next
// inauguration or, while it runs, at the end of today. An empty name is
// whoever was in office then.
func presidentTerm(name string, now time.Time, first bool) (since, until time.Time, ok bool) {
	var terms []corpus.Term
	for _, t := range corpus.Offices("president") {
		if !t.From.After(now) && (name == "" || t.Name == name) {
			terms = append(terms, t)
		}
	}
	if len(terms) == 0 {
		return time.Time{}, time.Time{}, false
	}
	term := terms[len(terms)-1]
	if first && name != "" {
		term = terms[0]
	}
	until = term.To.Add(-time.Nanosecond)
	if term.To.IsZero() || term.To.After(now) {
		until = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).Add(24*time.Hour - time.Nanosecond)
	}
	return term.From, until, true
}
