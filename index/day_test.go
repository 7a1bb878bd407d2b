package index

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/search/query"
)

// matchesDays evaluates the query dayRange builds against a passage's day
// terms, as Bleve would: any term inside any of the ranges.
func matchesDays(t *testing.T, q query.Query, terms []string) bool {
	t.Helper()
	switch q := q.(type) {
	case *query.MatchNoneQuery:
		return false
	case *query.DisjunctionQuery:
		for _, r := range q.Disjuncts {
			tr, ok := r.(*query.TermRangeQuery)
			if !ok || tr.FieldVal != "day" || !*tr.InclusiveMin || !*tr.InclusiveMax {
				t.Fatalf("dayRange part = %#v, want an inclusive term range on day", r)
			}
			for _, term := range terms {
				if term >= tr.Min && term <= tr.Max {
					return true
				}
			}
		}
		return false
	}
	t.Fatalf("dayRange = %T", q)
	return false
}

func TestDayRange(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	type span struct{ since, until time.Time }
	spans := []span{
		{d("2023-01-01"), d("2023-12-31")},
		{d("2023-01-01"), d("2023-01-01")},
		{d("2023-01-31"), d("2023-02-01")},
		{d("2022-12-31"), d("2024-01-01")},
		{d("2021-03-15"), d("2025-10-02")},
		{d("2024-02-29"), d("2024-03-31")},
		{d("2023-06-10"), time.Time{}},
		{time.Time{}, d("2023-06-10")},
		{d("2020-01-01"), time.Time{}},
		{time.Time{}, d("2020-12-31")},
		{d("2023-06-11"), d("2023-06-10")}, // empty
	}
	rng := rand.New(rand.NewPCG(1, 2))
	base := d("2019-01-01")
	for range 300 {
		a := base.AddDate(0, 0, rng.IntN(3000))
		spans = append(spans, span{a, a.AddDate(0, 0, rng.IntN(900))})
	}
	// Times of day and zones: the UTC calendar day counts.
	spans = append(spans, span{time.Date(2023, 5, 1, 23, 0, 0, 0, time.FixedZone("X", -3*3600)), time.Date(2023, 5, 3, 1, 0, 0, 0, time.FixedZone("Y", 5*3600))})
	for _, s := range spans {
		q := dayRange(s.since, s.until)
		if dq, ok := q.(*query.DisjunctionQuery); ok && len(dq.Disjuncts) > 6 {
			t.Errorf("dayRange(%v, %v) has %d ranges, want at most 6", s.since, s.until, len(dq.Disjuncts))
		}
		lo, hi := s.since.UTC().Format("2006-01-02"), s.until.UTC().Format("2006-01-02")
		for day := d("2018-06-01"); day.Before(d("2028-01-01")); day = day.AddDate(0, 0, 1) {
			// A passage dated at any time of the day, in UTC.
			at := day.Add(time.Duration(rng.IntN(86400)) * time.Second)
			k := day.Format("2006-01-02")
			want := (s.since.IsZero() || k >= lo) && (s.until.IsZero() || k <= hi)
			if got := matchesDays(t, q, dayTerms(at)); got != want {
				t.Fatalf("dayRange(%s, %s) matches %s = %v, want %v", lo, hi, k, got, want)
			}
		}
	}
}

func TestDayTerms(t *testing.T) {
	got := dayTerms(time.Date(2023, 1, 5, 23, 30, 0, 0, time.FixedZone("EST", -5*3600)))
	want := []string{"y2023", "m2023-01", "d2023-01-06"}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("dayTerms = %q, want %q (the UTC day)", got, want)
	}
	if got := dayTerms(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)); got != nil {
		t.Errorf("dayTerms(year 10000) = %q, want none", got)
	}
}
