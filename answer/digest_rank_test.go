package answer

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// kindEngine indexes docs alone (no sample) in a fresh index: a bulk
// import, every document added now.
func kindEngine(t *testing.T, docs ...corpus.Document) *Engine {
	t.Helper()
	idx, _, err := index.Refresh(context.Background(), filepath.Join(t.TempDir(), "index"), docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	return New(idx)
}

// whDoc is a Briefing Room document of a kind, dated day.
func whDoc(t *testing.T, kind, slug, title string, day time.Time, body string) corpus.Document {
	t.Helper()
	d := briefing(t, kind+"/"+slug+".md", title, day.Format("2006-01-02"),
		"https://www.whitehouse.gov/briefing-room/"+kind+"/"+slug+"/", body)
	d.Kind = kind
	return d
}

const (
	proclamationBody = `For generations, care workers have looked after our children, our parents and our neighbours with skill and devotion across the country.

Despite all they give to this country, care workers are among the lowest-paid workers in America, and many of them cannot afford care for their own families.

NOW, THEREFORE, I, JOSEPH R. BIDEN JR., President of the United States of America, by virtue of the authority vested in me by the Constitution and the laws of the United States, do hereby proclaim April 2023 as Care Workers Recognition Month.

IN WITNESS WHEREOF, I have hereunto set my hand this thirty-first day of March, in the year of our Lord two thousand twenty-three.

JOSEPH R. BIDEN JR.`
	statementBody = `Today's report shows that inflation fell for the ninth month in a row, with core prices rising at the slowest pace in nearly two years.

Wages are rising faster than prices, and more than 12 million jobs have been created since I took office, the most in any presidency at this point.

My plan to lower costs for families, from prescription drugs to energy bills, is working, and I will keep fighting to bring prices down further.`
	zambiaRemarks = `VICE PRESIDENT HARRIS: Good afternoon, everyone. Thank you.

VICE PRESIDENT HARRIS: It is an honor to be in Lusaka with President Hichilema, and to discuss the partnership between the United States and Zambia on debt relief, climate and investment.

VICE PRESIDENT HARRIS: Today we announced more than 7 billion dollars in commitments to strengthen climate resilience across Africa, including new financing for Zambia's farmers.`
	zambiaPress = `PRESIDENT HICHILEMA: Welcome to Zambia, Madam Vice President, and thank you for making the journey to Lusaka.

VICE PRESIDENT HARRIS: President Hichilema and I discussed debt relief for Zambia and the 7 billion dollars in climate resilience commitments we announced for Africa today.

VICE PRESIDENT HARRIS: The United States will support Zambia's debt restructuring and new investment in its farmers and its mines.`
)

// TestDigestRanksByNewsworthiness: on one day, a statement and remarks
// lead, proclamations and nominations trail, the proclamation's formula
// is never quoted, and two remarks on one visit are one story.
func TestDigestRanksByNewsworthiness(t *testing.T) {
	day := time.Date(2023, 3, 31, 0, 0, 0, 0, time.UTC)
	docs := []corpus.Document{
		whDoc(t, "presidential-actions", "a-proclamation-on-care-workers", "A Proclamation on Care Workers Recognition Month", day, proclamationBody),
		whDoc(t, "presidential-actions", "nominations", "President Biden Announces Key Nominees", day,
			"Today, President Biden announced his intent to nominate the following individuals to serve in key roles in his administration.\n\nJane Doe, Nominee for Ambassador to Iceland, has served in the Foreign Service for more than twenty years."),
		whDoc(t, "statements-releases", "statement-on-pce", "Statement from President Joe Biden on February PCE Report", day, statementBody),
		whDoc(t, "speeches-remarks", "zambia-bilateral", "Remarks by Vice President Harris and President Hichilema of Zambia Before Bilateral Meeting", day, zambiaRemarks),
		whDoc(t, "speeches-remarks", "zambia-press", "Remarks by Vice President Harris and President Hichilema of Zambia in Joint Press Conference", day, zambiaPress),
	}
	e := kindEngine(t, docs...)
	dg, err := e.Digest(context.Background(), day.Add(-time.Nanosecond), day.Add(24*time.Hour-time.Nanosecond))
	if err != nil {
		t.Fatal(err)
	}
	pos := make(map[string]int)
	for i, s := range dg.Stories {
		pos[s.Title] = i + 1
		for _, q := range s.Sentences {
			if lower := strings.ToLower(q.Text); strings.Contains(lower, "hereby proclaim") || strings.Contains(lower, "witness whereof") ||
				strings.HasPrefix(q.Text, "Good afternoon") {
				t.Errorf("story %q quotes boilerplate: %q", s.Title, q.Text)
			}
		}
	}
	statement, proclamation := pos[docs[2].Title], pos[docs[0].Title]
	if statement == 0 || proclamation == 0 || proclamation < statement {
		t.Errorf("statement is story %d, proclamation story %d; want the statement first", statement, proclamation)
	}
	if nominees := pos[docs[1].Title]; nominees != 0 && nominees < statement {
		t.Errorf("nominations are story %d, before the statement (%d)", nominees, statement)
	}
	if pos[docs[3].Title] != 0 && pos[docs[4].Title] != 0 {
		t.Errorf("the two Zambia remarks are two stories (%d and %d), want one with the other related", pos[docs[3].Title], pos[docs[4].Title])
	}
	for title, n := range shownTitles(dg) {
		if n != 1 {
			t.Errorf("%q shown %d times, want once", title, n)
		}
	}
}

// TestDigestAfterBulkImport: the first digest after an archive is indexed
// holds the documents published in its period, not the archive.
func TestDigestAfterBulkImport(t *testing.T) {
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var docs []corpus.Document
	for i := range 40 {
		day := today.AddDate(0, 0, -30*(i+1))
		docs = append(docs, whDoc(t, "statements-releases", "old-"+day.Format("2006-01-02"), "Statement on the harbor, "+day.Format("January 2, 2006"), day, statementBody))
	}
	fresh := whDoc(t, "statements-releases", "statement-today", "Statement from President Joe Biden on Today's Jobs Report", today, statementBody)
	docs = append(docs, fresh)
	e := kindEngine(t, docs...)
	dg, err := e.Digest(context.Background(), now.Add(-24*time.Hour), time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(dg.Stories) != 1 || dg.More != 0 || dg.Stories[0].Title != fresh.Title {
		var titles []string
		for _, s := range dg.Stories {
			titles = append(titles, s.Title)
		}
		t.Errorf("first digest after a bulk import = %q and %d more; want only %q", titles, dg.More, fresh.Title)
	}
}

func TestIsNew(t *testing.T) {
	h := func(n int) time.Time {
		return time.Date(2024, 5, 2, 8, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour)
	}
	since, until := h(0), h(24) // one daily digest: 08:00 to 08:00
	midnight := func(n int) time.Time { d := h(n); return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name        string
		date, added time.Time
		want        bool
	}{
		{"dated and indexed in the period", h(3), h(4), true},
		{"dated today (midnight), indexed after this morning's digest", midnight(2), h(2), true},
		{"dated yesterday, indexed after yesterday's digest", midnight(-1), h(1), true},
		{"dated yesterday, indexed before yesterday's digest", midnight(-1), h(-1), false},
		{"the archive, indexed now", h(-24 * 400), h(2), false},
		{"dated three days ago, indexed now", h(-72), h(2), false},
		{"dated in the period, indexed before it", h(10), h(-30), true},
		{"dated after the period", h(30), h(2), false},
		{"undated, indexed in the period", time.Time{}, h(5), true},
		{"undated, indexed before", time.Time{}, h(-5), false},
	}
	for _, tt := range tests {
		if got := isNew(tt.date, tt.added, since, until); got != tt.want {
			t.Errorf("%s: isNew = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSentencesPubL(t *testing.T) {
	text := "The law (Pub. L. 117-58, 135 Stat. 429) funds roads. It passed in 2021."
	got := sentences(text)
	if len(got) != 2 || text[got[0].Start:got[0].End] != "The law (Pub. L. 117-58, 135 Stat. 429) funds roads." {
		t.Errorf("sentences(%q) = %v, want the citation kept in the first sentence", text, got)
	}
}

func TestBoilerplateHeadingsAndFormulas(t *testing.T) {
	for _, s := range []string{
		"NOW, THEREFORE, I, JOSEPH R. BIDEN JR., President of the United States of America, do hereby proclaim April 2023 as National Month.",
		"IN WITNESS WHEREOF, I have hereunto set my hand this thirty-first day of March, in the year of our Lord two thousand twenty-three.",
		"Aboard Air Force One En Route Jackson, Mississippi",
		"Karine Jean-Pierre, White House Press Secretary, and Jake Sullivan",
		"Investing in America Agenda Delivers for Communities in All 50 States",
	} {
		if !boilerplate(s) {
			t.Errorf("boilerplate(%q) = false, want true", s)
		}
	}
	if boilerplate("The federal government will cover 100 percent of the cost for the next 30 days.") {
		t.Error("a sentence of news is boilerplate")
	}
}
