package answer

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxQuestionBytes caps the question text; longer input is cut at a word
// boundary rather than rejected, so a pasted paragraph still gets an answer.
const MaxQuestionBytes = 500

// ParseQuestion reads a question typed by a person. Filter tokens anywhere in
// the text narrow the search:
//
//	since:2021-12-01  until:2022-01-31  source:whitehouse.gov  speaker:psaki
//
// Dates are YYYY-MM-DD (or YYYY-MM). An invalid filter value is an *Error,
// whose message can be shown to the person as is.
func ParseQuestion(text string) (Question, error) {
	text = strings.ToValidUTF8(text, " ")
	var q Question
	var words []string
	for _, f := range strings.Fields(text) {
		key, val, ok := strings.Cut(f, ":")
		if !ok || val == "" {
			words = append(words, f)
			continue
		}
		switch strings.ToLower(key) {
		case "since", "from", "after":
			t, err := parseDay(val)
			if err != nil {
				return Question{}, invalidf("since:%s is not a date; use since:YYYY-MM-DD", truncate(val, 40))
			}
			q.Since = t
		case "until", "to", "before":
			t, err := parseDay(val)
			if err != nil {
				return Question{}, invalidf("until:%s is not a date; use until:YYYY-MM-DD", truncate(val, 40))
			}
			// until: is inclusive of the whole day or month.
			if len(val) == len("2006-01") {
				q.Until = t.AddDate(0, 1, 0).Add(-time.Nanosecond)
			} else {
				q.Until = t.Add(24*time.Hour - time.Nanosecond)
			}
		case "source", "site":
			q.Source = strings.ToLower(strings.TrimPrefix(val, "www."))
		case "speaker", "by":
			q.Speaker = strings.ToLower(strings.ReplaceAll(val, "_", " "))
		default:
			words = append(words, f)
		}
	}
	q.Text = truncate(strings.Join(words, " "), MaxQuestionBytes)
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Until.Before(q.Since) {
		return Question{}, invalidf("until: is before since:; nothing can match")
	}
	return q, nil
}

// parseDay reads YYYY-MM-DD or YYYY-MM. Years the index cannot search
// (before 1700 or after 2200) are refused rather than failing later.
func parseDay(s string) (time.Time, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		t, err = time.Parse("2006-01", s)
	}
	if err == nil && (t.Year() < 1700 || t.Year() > 2200) {
		err = fmt.Errorf("year %d out of range", t.Year())
	}
	return t, err
}

// truncate cuts s to at most n bytes at a rune and, where possible, word
// boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if i := strings.LastIndexByte(s[:cut], ' '); i > n/2 {
		cut = i
	}
	return s[:cut]
}
