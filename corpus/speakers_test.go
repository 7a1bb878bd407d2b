package corpus

import (
	"strings"
	"testing"
	"time"
)

func TestOfficeHolder(t *testing.T) {
	tests := []struct {
		office, date, source, want string
	}{
		{"president", "2021-03-01", "", "Joe Biden"},
		{"president", "2025-01-19", "bidenwhitehouse.archives.gov", "Joe Biden"},
		// Inauguration Day: the outgoing administration's archive still
		// speaks for it; the new site for the new one.
		{"president", "2025-01-20", "bidenwhitehouse.archives.gov", "Joe Biden"},
		{"president", "2025-01-20", "whitehouse.gov", "Donald Trump"},
		{"president", "2025-06-01", "whitehouse.gov", "Donald Trump"},
		{"president", "2019-06-01", "", "Donald Trump"},
		{"vice president", "2024-12-31", "", "Kamala Harris"},
		{"vice president", "2025-02-01", "", "JD Vance"},
		{"first lady", "2022-05-05", "", "Jill Biden"},
		{"president", "1990-01-01", "", ""},
		{"chancellor", "2022-01-01", "", ""},
	}
	for _, tt := range tests {
		d, _ := time.Parse("2006-01-02", tt.date)
		if got := OfficeHolder(tt.office, d, tt.source); got != tt.want {
			t.Errorf("OfficeHolder(%q, %s, %q) = %q, want %q", tt.office, tt.date, tt.source, got, tt.want)
		}
	}
}

// names returns the label and name of each passage, compacted.
func names(d Document) []string {
	var out []string
	for _, p := range d.Passages {
		s := p.Speaker + "=" + p.Name
		if len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	return out
}

func TestNameSpeakers(t *testing.T) {
	const briefing = `---
date: '%s'
source_url: https://%s/briefing-room/press-briefings/x/
tags: press-briefings
title: "Press Briefing by Press Secretary Karine Jean-Pierre and NSC Coordinator for Strategic Communications John Kirby"
---

MS. JEAN-PIERRE:  Good afternoon. I'm joined by the Admiral.

MR. KIRBY:  Thanks, Karine. On Haiti, we remain concerned.

(A note is handed to Ms. Jean-Pierre.)

We will keep at it.

Q    Thank you. Does the President agree?

MR. KIRBY:  He does.

SENIOR ADMINISTRATION OFFICIAL:  Background only.

THE PRESIDENT:  I agree.

DR. WEGRZYN:  Dr. Renee Wegrzyn here.

- [**KOLO-TV**](https://example.com/story)**:** Nevadans express concerns
`
	tests := []struct {
		name, date, host string
		want             []string
	}{
		{"biden era", "2023-03-01", "bidenwhitehouse.archives.gov", []string{
			"MS. JEAN-PIERRE=Karine Jean-Pierre", "MR. KIRBY=John Kirby", "=", "MR. KIRBY=John Kirby",
			"Q=", "MR. KIRBY=John Kirby", "SENIOR ADMINISTRATION OFFICIAL=", "THE PRESIDENT=Joe Biden",
			"DR. WEGRZYN=Renee Wegrzyn",
		}},
		{"trump era", "2025-03-01", "whitehouse.gov", []string{
			"MS. JEAN-PIERRE=Karine Jean-Pierre", "MR. KIRBY=John Kirby", "=", "MR. KIRBY=John Kirby",
			"Q=", "MR. KIRBY=John Kirby", "SENIOR ADMINISTRATION OFFICIAL=", "THE PRESIDENT=Donald Trump",
			"DR. WEGRZYN=Renee Wegrzyn",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(strings.Replace(briefing, "%s", tt.date, 1), "%s", tt.host, 1)
			d, err := Parse("press-briefings/x.md", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			got := names(d)
			// The clipping is no turn: it continues Dr. Wegrzyn's, the last
			// label, so its passage carries that label.
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("speakers =\n%q\nwant\n%q", got, tt.want)
			}
			for _, p := range d.Passages {
				if strings.Contains(p.Speaker, "KOLO") || strings.Contains(p.Name, "KOLO") {
					t.Errorf("a press clipping became a speaker: %+v", p)
				}
			}
		})
	}
}

func TestTitleAuthor(t *testing.T) {
	d2023, _ := time.Parse("2006-01-02", "2023-06-30")
	tests := []struct{ title, want string }{
		{"Statement from President Joe Biden on the Passage of the CHIPS Act", "Joe Biden"},
		{"Statement by Vice President Harris on Supreme Court’s Ruling", "Kamala Harris"},
		{"Statement from Press Secretary Karine Jean-Pierre on Haiti", "Karine Jean-Pierre"},
		{"Statement from White House Press Secretary Jen Psaki", "Jen Psaki"},
		{"Statement by NSC Spokesperson Adrienne Watson on the Attack", "Adrienne Watson"},
		{"Remarks by President Biden on the Economy", "Joe Biden"},
		{"Statement from the Press Secretary", ""},
		{"Joint Statement by President Biden and Prime Minister Kishida", ""},
		{"Statement from President Biden and First Lady Jill Biden on the Shooting", ""},
		{"Readout of President Biden’s Call with Prime Minister Sunak", ""},
		{"A Proclamation on National Small Business Week, 2023", ""},
	}
	for _, tt := range tests {
		if got := titleAuthor(tt.title, d2023, "bidenwhitehouse.archives.gov"); got != tt.want {
			t.Errorf("titleAuthor(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

func TestStatementAuthorOnPassages(t *testing.T) {
	src := "---\ndate: '2023-06-30'\nsource_url: https://bidenwhitehouse.archives.gov/x\ntitle: \"Statement by Vice President Harris on the Ruling\"\n---\n\nAll people deserve to live free from discrimination.\n\nWe will fight.\n"
	d, err := Parse("statements-releases/x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range d.Passages {
		if p.Name != "Kamala Harris" || p.Speaker != "" {
			t.Errorf("passage %q: Speaker %q, Name %q; want no label, Name Kamala Harris", d.Body[p.Start:p.End], p.Speaker, p.Name)
		}
	}
}

func TestTitleRoles(t *testing.T) {
	tests := []struct {
		title string
		want  []Role
	}{
		{"Press Briefing by Press Secretary Karine Jean-Pierre and NSC Coordinator for Strategic Communications John Kirby",
			[]Role{{"Karine Jean-Pierre", "press secretary"}, {"John Kirby", "nsc coordinator for strategic communications"}}},
		{"Press Gaggle by Press Secretary Karine Jean-Pierre and National Security Communications Advisor John Kirby En Route Philadelphia, PA",
			[]Role{{"Karine Jean-Pierre", "press secretary"}, {"John Kirby", "national security communications advisor"}}},
		{"Press Briefing by Press Secretary Jen Psaki and National Security Advisor Jake Sullivan, January 13, 2022",
			[]Role{{"Jen Psaki", "press secretary"}, {"Jake Sullivan", "national security advisor"}}},
		{"Press Briefing by Press Secretary Karoline Leavitt, Deputy Chief of Staff Stephen Miller, National Economic Council Director Kevin Hassett, and National Security Advisor Mike Waltz",
			[]Role{{"Karoline Leavitt", "press secretary"}, {"Stephen Miller", "deputy chief of staff"}, {"Kevin Hassett", "national economic council director"}, {"Mike Waltz", "national security advisor"}}},
		{"Statement from White House Press Secretary Jen Psaki on Haiti", []Role{{"Jen Psaki", "press secretary"}}},
		{"Remarks by President Biden on the Economy", nil},
		{"Readout of President Joe Biden’s Call with Prime Minister Rishi Sunak", []Role{{"Joe Biden", "president"}, {"Rishi Sunak", "prime minister"}}},
	}
	for _, tt := range tests {
		got := TitleRoles(tt.title)
		if len(got) != len(tt.want) {
			t.Errorf("TitleRoles(%q) = %q, want %q", tt.title, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("TitleRoles(%q) = %q, want %q", tt.title, got, tt.want)
				break
			}
		}
	}
}
