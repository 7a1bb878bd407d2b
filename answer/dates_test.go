package answer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// clock is the fixed "now" of the date tests: Wednesday 2026-11-25.
var clock = time.Date(2026, 11, 25, 15, 4, 0, 0, time.UTC)

// dayOf parses a day, "2006-01-02", in UTC.
func dayOf(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestFindPeriod(t *testing.T) {
	d := dayOf
	end := func(s string) time.Time { return d(s).Add(24*time.Hour - time.Nanosecond) }
	tests := []struct {
		in           string
		since, until time.Time
		said, rest   string
	}{
		{"What did Biden say about inflation in 2023?", d("2023-01-01"), end("2023-12-31"), "in 2023", "What did Biden say about inflation ?"},
		{"Kirby on Haiti in January 2024", d("2024-01-01"), end("2024-01-31"), "in January 2024", "Kirby on Haiti"},
		{"troops in August 2021?", d("2021-08-01"), end("2021-08-31"), "in August 2021", "troops ?"},
		{"What did Biden call Putin back in March 2022?", d("2022-03-01"), end("2022-03-31"), "in March 2022", "What did Biden call Putin ?"},
		{"the briefing on March 3, 2022", d("2022-03-03"), end("2022-03-03"), "on March 3, 2022", "the briefing"},
		{"the March 3rd 2022 briefing", d("2022-03-03"), end("2022-03-03"), "March 3rd 2022", "the briefing"},
		{"tariffs since 2025", d("2025-01-01"), time.Time{}, "since 2025", "tariffs"},
		// A count as it stood then: up to the end of the date.
		{"How many jobs as of the end of 2023?", time.Time{}, end("2023-12-31"), "as of the end of 2023", "How many jobs ?"},
		{"aid left as of December 2023", time.Time{}, end("2023-12-31"), "as of December 2023", "aid left"},
		{"arrests by the end of March 2025", time.Time{}, end("2025-03-31"), "by the end of March 2025", "arrests"},
		{"tariffs before 2022", time.Time{}, d("2022-01-01").Add(-time.Nanosecond), "before 2022", "tariffs"},
		{"between March 2023 and May 2023", d("2023-03-01"), end("2023-05-31"), "between March 2023 and May 2023", ""},
		{"Haiti in the summer of 2024", d("2024-06-01"), end("2024-08-31"), "in the summer of 2024", "Haiti"},
		{"Haiti 2023?", d("2023-01-01"), end("2023-12-31"), "2023", "Haiti ?"},
		// Relative to the clock, Wednesday 25 November 2026.
		{"what was said last week", d("2026-11-16"), end("2026-11-22"), "last week", "what was said"},
		{"yesterday's briefing", d("2026-11-24"), end("2026-11-24"), "yesterday", "'s briefing"},
		{"tariffs this year", d("2026-01-01"), end("2026-11-25"), "this year", "tariffs"},
		{"tariffs last year", d("2025-01-01"), end("2025-12-31"), "last year", "tariffs"},
		{"tariffs last month", d("2026-10-01"), end("2026-10-31"), "last month", "tariffs"},
		{"in the past 3 months", d("2026-08-25"), end("2026-11-25"), "in the past 3 months", ""},
		{"two weeks ago", d("2026-11-11"), end("2026-11-18"), "two weeks ago", ""},
		{"in March", d("2026-03-01"), end("2026-03-31"), "in March", ""},
		{"in December", d("2025-12-01"), end("2025-12-31"), "in December", ""},
		// Years that are part of a name are not a period.
		{"the 2024 election results", time.Time{}, time.Time{}, "", "the 2024 election results"},
		{"the FY2024 budget", time.Time{}, time.Time{}, "", "the FY2024 budget"},
		{"What is the plan for 2030?", time.Time{}, time.Time{}, "", "What is the plan for 2030?"},
		{"what's the refugee admissions cap for fiscal year 2022?", time.Time{}, time.Time{}, "", "what's the refugee admissions cap for fiscal year 2022?"},
		{"Will the US send troops to Ukraine?", time.Time{}, time.Time{}, "", "Will the US send troops to Ukraine?"},
		{"What may happen next?", time.Time{}, time.Time{}, "", "What may happen next?"},
	}
	for _, tt := range tests {
		p, rest := findPeriod(tt.in, clock)
		if !p.since.Equal(tt.since) || !p.until.Equal(tt.until) || p.said != tt.said || rest != tt.rest {
			t.Errorf("findPeriod(%q) = [%v, %v] %q, rest %q; want [%v, %v] %q, rest %q",
				tt.in, p.since, p.until, p.said, rest, tt.since, tt.until, tt.said, tt.rest)
		}
	}
}

func TestPeriodDescribe(t *testing.T) {
	p, _ := findPeriod("in 2023", clock)
	if got := p.describe(); got != "in 2023" {
		t.Errorf("describe(in 2023) = %q", got)
	}
	p, _ = findPeriod("in January 2024", clock)
	if got := p.describe(); got != "in January 2024" {
		t.Errorf("describe(in January 2024) = %q", got)
	}
	p, _ = findPeriod("on March 3, 2022", clock)
	if got := p.describe(); got != "on 3 Mar 2022" {
		t.Errorf("describe(on March 3, 2022) = %q", got)
	}
	p, _ = findPeriod("last week", clock)
	if got := p.describe(); got != "between 16 Nov 2026 and 22 Nov 2026" {
		t.Errorf("describe(last week) = %q", got)
	}
}

func TestPeriodNames(t *testing.T) {
	year, _ := findPeriod("in 2021", clock)
	month, _ := findPeriod("in March 2022", clock)
	day, _ := findPeriod("on March 3, 2022", clock)
	tests := []struct {
		p    period
		text string
		want bool
	}{
		{year, "In 2021, the economy created 6.7 million jobs.", true},
		{year, "The economy created 6.7 million jobs last year.", false},
		{year, "Since 20210, nothing.", false},
		{year, "The 2021-2022 season.", true},
		{month, "In March 2022, the President announced the release.", true},
		{month, "On Mar. 31, 2022, the President announced the release.", true},
		{month, "In 2022, the President announced the release.", false},
		{month, "In March 2021, the President announced it.", false},
		{day, "On March 3, 2022, he spoke.", false}, // a day is not a calendar year or month
	}
	for _, tt := range tests {
		if got := tt.p.names(tt.text); got != tt.want {
			t.Errorf("%s names(%q) = %v, want %v", tt.p.describe(), tt.text, got, tt.want)
		}
	}
}

// TestLaterNaming: a question about what happened in a year is answered
// from the following year's documents too, by sentences that name it; a
// sentence of such a document that does not, and documents later than a
// year after, are not quoted. What a speaker said in a year was said then.
func TestLaterNaming(t *testing.T) {
	lines := []string{
		`{"id":"d2021","title":"Remarks on the Economy","date":"2021-06-04","text":"The economy is recovering and jobs are coming back to every state in the country. We have more work to do on jobs."}`,
		`{"id":"d2022","title":"Statement on the Jobs Report","date":"2022-01-07","text":"In 2021, the economy created 6.7 million jobs, the most jobs in any year on record. The economy created 199,000 jobs in December alone."}`,
		`{"id":"d2024","title":"Statement on Jobs","date":"2024-03-08","text":"In 2021, the economy created 6.7 million new jobs across the country."}`,
	}
	eng := New(jsonlIndex(t, lines))
	eng.Now = func() time.Time { return time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) }

	q, err := ParseQuestion("How many jobs did the economy create in 2021?")
	if err != nil {
		t.Fatal(err)
	}
	a, err := eng.Ask(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	if a.Outside || len(a.Quotes) == 0 {
		t.Fatalf("Ask(%q): outside %v, %d quotes (note %q)", q.Text, a.Outside, len(a.Quotes), a.Note)
	}
	if got := a.Quotes[0]; got.DocID != "d2022" || !strings.HasPrefix(got.Text, "In 2021, the economy created 6.7 million jobs") {
		t.Errorf("first quote %s %q, want the 2022 statement on 2021", got.DocID, got.Text)
	}
	for _, qt := range a.Quotes {
		switch {
		case qt.DocID == "d2024":
			t.Errorf("a quote of 2024, more than a year after the period: %q", qt.Text)
		case qt.DocID == "d2022" && !strings.Contains(qt.Text, "2021"):
			t.Errorf("a quote of 2022 that does not name 2021: %q", qt.Text)
		}
	}

}

func TestFindTermPeriod(t *testing.T) {
	d := dayOf
	const grace = 60 * 24 * time.Hour
	tests := []struct {
		in           string
		since, until time.Time // zero: no period
	}{
		{"How many jobs were added in Biden's first year?", d("2021-01-20"), d("2022-01-20").Add(grace)},
		{"how many jobs were added in bidens first year in office?", d("2021-01-20"), d("2022-01-20").Add(grace)},
		{"How many shots did Biden get into arms in his first 100 days?", d("2021-01-20"), d("2021-04-30").Add(grace)},
		{"How many executive orders had Trump signed by the end of his first month back?", d("2025-01-20"), d("2025-02-20").Add(grace)},
		{"How many jobs were created over Biden’s whole term?", d("2021-01-20"), d("2025-01-20").Add(-time.Nanosecond)},
		{"What did Trump do in his first term?", d("2017-01-20"), d("2021-01-20").Add(-time.Nanosecond)},
		// The term still running ends today.
		{"What has Trump done in his second term?", d("2025-01-20"), d("2026-11-26").Add(-time.Nanosecond)},
		{"What did Trump do in his first six months?", d("2025-01-20"), d("2025-07-20").Add(grace)},
		// "The president" is the one in office.
		{"What executive orders did the president sign on his first day?", d("2025-01-20"), d("2025-01-21").Add(grace)},
		{"How many jobs were created in the president’s first year?", d("2025-01-20"), d("2026-01-20").Add(grace)},
		// No president to hold the term, or no span of one.
		{"What did Kirby say in his first week?", time.Time{}, time.Time{}},
		{"Does Biden support term limits for justices?", time.Time{}, time.Time{}},
		{"What did Biden say about Trump?", time.Time{}, time.Time{}},
		{"How was Trump's week?", time.Time{}, time.Time{}},
		{"What did Biden do in his second year?", time.Time{}, time.Time{}},
	}
	for _, tt := range tests {
		p := findTermPeriod(tt.in, clock)
		if !p.since.Equal(tt.since) || !p.until.Equal(tt.until) {
			t.Errorf("findTermPeriod(%q) = %v .. %v, want %v .. %v", tt.in, p.since, p.until, tt.since, tt.until)
		}
	}
}

// jsonlIndex indexes documents given as lines of JSONL; it is closed
// when the test ends.
func jsonlIndex(t *testing.T, lines []string) *index.Index {
	t.Helper()
	path := filepath.Join(t.TempDir(), "docs.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	docs, probs, err := corpus.Load(path)
	if err != nil || len(probs) > 0 {
		t.Fatalf("load: %v %v", err, probs)
	}
	dir := filepath.Join(t.TempDir(), "index")
	if _, err := index.Build(t.Context(), dir, docs, nil); err != nil {
		t.Fatal(err)
	}
	idx, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	return idx
}

// TestAsOf asks as of a past day: what was published later is not
// there, and "the latest" is the latest up to that day.
func TestAsOf(t *testing.T) {
	lines := []string{
		`{"id":"d2022","title":"Statement on the Unemployment Rate","date":"2022-12-02","text":"The unemployment rate stayed at 3.7 percent in November, near a fifty-year low."}`,
		`{"id":"d2023","title":"Statement on the Unemployment Rate","date":"2023-12-08","text":"The unemployment rate fell to 3.7 percent in November, the longest stretch below 4 percent since the 1960s."}`,
		`{"id":"d2026","title":"Statement on the Unemployment Rate","date":"2026-06-05","text":"The unemployment rate stayed at 4.3 percent in May as the economy added jobs."}`,
	}
	idx := jsonlIndex(t, lines)
	q, err := ParseQuestion("What is the latest unemployment rate?")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		asOf time.Time
		want string
	}{
		{time.Time{}, "d2026"},
		{time.Date(2023, 12, 31, 23, 59, 59, 0, time.UTC), "d2023"},
		{time.Date(2023, 1, 15, 0, 0, 0, 0, time.UTC), "d2022"},
	} {
		eng := New(idx)
		eng.AsOf = c.asOf
		if !c.asOf.IsZero() {
			eng.Now = func() time.Time { return c.asOf }
		}
		a, err := eng.Ask(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Quotes) == 0 {
			t.Fatalf("as of %v: no quotes (note %q)", c.asOf, a.Note)
		}
		if got := a.Quotes[0].DocID; got != c.want {
			t.Errorf("as of %v: first quote from %s %q, want %s", c.asOf, got, a.Quotes[0].Text, c.want)
		}
		for _, qt := range a.Quotes {
			if !c.asOf.IsZero() && qt.Date.After(c.asOf) {
				t.Errorf("as of %v: a quote of %v: %q", c.asOf, qt.Date, qt.Text)
			}
		}
	}
}
