package corpus

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"
)

// texts returns the text of every passage of doc.
func texts(doc Document) []string {
	var out []string
	for _, p := range doc.Passages {
		out = append(out, doc.Body[p.Start:p.End])
	}
	return out
}

// speakers returns the speaker of every passage of doc.
func speakers(doc Document) []string {
	var out []string
	for _, p := range doc.Passages {
		out = append(out, p.Speaker)
	}
	return out
}

// checkInvariants fails unless every passage is a non-empty, trimmed span of
// Body, in order, that starts either at its paragraph or right after the
// label of its own speaker.
func checkInvariants(t *testing.T, doc Document) {
	t.Helper()
	if !utf8.ValidString(doc.Body) || !utf8.ValidString(doc.Title) {
		t.Errorf("%s: invalid UTF-8 in body or title", doc.ID)
	}
	prev := 0
	for i, p := range doc.Passages {
		if p.Start < prev || p.Start >= p.End || p.End > len(doc.Body) {
			t.Errorf("%s: passage %d span [%d:%d] out of order or range (body %d bytes)", doc.ID, i, p.Start, p.End, len(doc.Body))
			return
		}
		prev = p.End
		text := doc.Body[p.Start:p.End]
		if strings.TrimSpace(text) != text || strings.Contains(text, "\n") {
			t.Errorf("%s: passage %d %q is not one trimmed paragraph", doc.ID, i, text)
		}
		para := strings.LastIndex(doc.Body[:p.Start], "\n\n") + 2
		if para == 1 {
			para = 0
		}
		if prefix := doc.Body[para:p.Start]; prefix != "" {
			if name, n := label(prefix + text); name != p.Speaker || n != len(prefix) {
				t.Errorf("%s: passage %d has prefix %q, not the label of %q", doc.ID, i, prefix, p.Speaker)
			}
		}
		if name, n := label(text); n > 0 && name == p.Speaker {
			t.Errorf("%s: passage %d %q starts with its label", doc.ID, i, trunc(text, 40))
		}
	}
}

func readSample(t *testing.T, name string) []byte {
	t.Helper()
	data, err := fs.ReadFile(Sample(), name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseSeeds(t *testing.T) {
	tests := []struct {
		name      string
		title     string
		date      time.Time
		url       string
		source    string
		kind      string
		passages  int
		first     string
		speakers  []string // distinct speakers in order of appearance
		wantInDoc string   // a passage that must exist verbatim
	}{
		{
			name:     "000_d5ea5fd7c7a49589.txt",
			title:    "White House: US prepared to provide military 'reassurance' to NATO allies if Russia invades Ukraine",
			kind:     "news",
			passages: 10,
			first:    "The United States is willing to send troops to NATO allies if Russia invades Ukraine,",
			speakers: []string{""},
		},
		{
			name:      "001_9113edbd277c3798.txt",
			title:     "President Joe Biden will speak with Ukrainian President Volodymyr Zelenskiy Thursday to discuss…",
			kind:      "news",
			passages:  20,
			first:     "President Joe Biden will speak with Ukrainian President Volodymyr Zelenskiy Thursday",
			speakers:  []string{""},
			wantInDoc: "The Bucharest Nine consists of Bulgaria, Czech Republic, Estonia, Hungary, Latvia, Lithuania, Poland, Romania and Slovakia.",
		},
		{
			name:     "002_5746d6ddd9dd780a.txt",
			title:    "White House officials are downplaying the possibility of a looming military conflict between Russia…",
			kind:     "news",
			passages: 15,
			first:    "White House officials are downplaying the possibility",
			speakers: []string{""},
		},
		{
			name:      "003_dfa55f3eea3551b4.txt",
			title:     "Background Press Call by Senior Administration Officials on President Biden’s Upcoming Call with President Putin of the Russian Federation",
			date:      time.Date(2021, 12, 6, 0, 0, 0, 0, time.UTC),
			url:       "https://www.whitehouse.gov/briefing-room/press-briefings/2021/12/06/background-press-call-by-senior-administration-officials-on-president-bidens-upcoming-call-with-president-putin-of-the-russian-federation/",
			source:    "whitehouse.gov",
			kind:      "press-briefings",
			passages:  60,
			first:     "Via Teleconference",
			speakers:  []string{"", "MODERATOR", "SENIOR ADMINISTRATION OFFICIAL", "Q"},
			wantInDoc: "Good morning, everyone. And thanks for joining today. A friendly reminder that today’s call is going to be on background, attributed to a “senior administration official.” And contents will be embargoed until the conclusion of the call.",
		},
		{
			name:     "004_81ded0c439161584.txt",
			title:    "Biden Putin to speak as tensions over Ukraine threaten to boil over",
			date:     time.Date(2021, 12, 29, 0, 0, 0, 0, time.UTC),
			url:      "https://www.washingtontimes.com:443/news/2021/dec/29/president-joe-biden-russian-president-vladimir-put/",
			source:   "washingtontimes.com",
			kind:     "news",
			passages: 23,
			first:    "But the official noted that the administration has not seen an effort by Russia to reduce tensions.",
			speakers: []string{""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(tt.name, readSample(t, tt.name))
			if err != nil {
				t.Fatalf("Parse(%s) error: %v", tt.name, err)
			}
			checkInvariants(t, doc)
			got := []any{doc.ID, doc.Title, doc.Date, doc.URL, doc.Source, doc.Kind}
			want := []any{tt.name, tt.title, tt.date, tt.url, tt.source, tt.kind}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%s) = %q, want %q", tt.name, got, want)
			}
			txt := texts(doc)
			if len(txt) != tt.passages || !strings.HasPrefix(txt[0], tt.first) {
				t.Errorf("Parse(%s): %d passages starting %q, want %d starting %q", tt.name, len(txt), trunc(txt[0], 60), tt.passages, tt.first)
			}
			if sp := slices.Compact(slices.Clone(speakers(doc))); !reflect.DeepEqual(uniq(sp), tt.speakers) {
				t.Errorf("Parse(%s) speakers = %q, want %q", tt.name, uniq(sp), tt.speakers)
			}
			// Verbatim: modulo white space, every passage is in the file.
			flat := collapseSpace(string(readSample(t, tt.name)))
			for _, p := range txt {
				if !strings.Contains(flat, p) {
					t.Errorf("Parse(%s): passage %q is not verbatim source text", tt.name, trunc(p, 60))
				}
			}
			if tt.wantInDoc != "" && !slices.Contains(txt, tt.wantInDoc) {
				t.Errorf("Parse(%s) has no passage %q", tt.name, tt.wantInDoc)
			}
			if strings.ContainsRune(doc.Body, '\u00a0') || strings.Contains(doc.Body, "  ") || strings.Contains(doc.Body, "\n\n\n") {
				t.Errorf("Parse(%s): body keeps NBSP, double spaces or empty paragraphs", tt.name)
			}
		})
	}
}

// uniq returns the distinct strings of s in order of first appearance.
func uniq(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// TestParseTranscript checks speakers, Q turns and their carry-over on the
// seed transcript.
func TestParseTranscript(t *testing.T) {
	doc, err := Parse("003.txt", readSample(t, "003_dfa55f3eea3551b4.txt"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		prefix, speaker string
	}{
		{"11:56 A.M. EST", ""},
		{"Good morning, everyone.", "MODERATOR"},
		{"Over to you.", "MODERATOR"},
		{"Thanks. And thanks, everybody, for joining.", "SENIOR ADMINISTRATION OFFICIAL"},
		{"As you all know, President Biden and President Putin", "SENIOR ADMINISTRATION OFFICIAL"},
		{"Thanks so much for doing this. I wanted you to — I was hoping", "Q"},
		{"And, if I could, I wanted to ask: In regards to financial sanctions", "Q"},
		{"The United States has consistently expressed support", "SENIOR ADMINISTRATION OFFICIAL"},
		{"Thanks all.", "MODERATOR"},
		{"12:16 P.M. EST", ""},
	}
	for _, tt := range tests {
		i := slices.IndexFunc(doc.Passages, func(p Passage) bool { return strings.HasPrefix(doc.Body[p.Start:p.End], tt.prefix) })
		if i < 0 {
			t.Errorf("no passage starts with %q", tt.prefix)
			continue
		}
		if p := doc.Passages[i]; p.Speaker != tt.speaker || p.IsQuestion() != (tt.speaker == "Q") {
			t.Errorf("passage %q: Speaker = %q, want %q", tt.prefix, p.Speaker, tt.speaker)
		}
	}
	if !strings.Contains(doc.Body, "MODERATOR: Good morning, everyone.") || !strings.Contains(doc.Body, "\n\nQ Thanks so much") {
		t.Error("Body lost the speaker labels")
	}
}

func TestParseShapes(t *testing.T) {
	tests := []struct {
		name, in string
		title    string
		date     time.Time
		kind     string
		tags     []string
		body     string
		speakers []string
	}{
		{
			name:  "press-briefings/2021/x.md",
			in:    "---\ntags: press-briefings\ndate: '2021-12-06'\ntitle: \"Call on President\\_Biden\\u2019\\\n  s Upcoming Call with the\\\n  \\ Russian\\_Federation\"\n---\n \nline one\nline two\n\npara\u00a0 two\n",
			title: "Call on President Biden’s Upcoming Call with the Russian Federation",
			date:  time.Date(2021, 12, 6, 0, 0, 0, 0, time.UTC),
			kind:  "press-briefings", tags: []string{"press-briefings"},
			body:     "line one line two\n\npara two",
			speakers: []string{"", ""},
		},
		{
			name:  "statements/a.md",
			in:    "---\ntitle: 'It''s folded\n  over lines'\npublished_time: 2022-05-21 11:54:18-04:00\ntags:\n- one\n- \"two\"\n---\nText.\n",
			title: "It's folded over lines",
			date:  time.Date(2022, 5, 21, 11, 54, 18, 0, time.FixedZone("", -4*3600)),
			kind:  "one", tags: []string{"one", "two"},
			body: "Text.", speakers: []string{""},
		},
		{
			name:  "fact-sheets/no-tags.md",
			in:    "---\ntitle: Plain title # comment\ndate: 2024-01-02T03:04:05Z\n---\nText.\n",
			title: "Plain title", date: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
			kind: "fact-sheets", body: "Text.", speakers: []string{""},
		},
		{
			name: "speeches/t.md",
			in: "---\ntitle: t\n---\n11:56 A.M. EST\n\nMODERATOR:  Good\nmorning.\n\nOver to you.\n\n" +
				"Q\u00a0\u00a0\u00a0 Thank you.\n\nSECRETARY BLINKEN:\u00a0 Yes.  \nPRESS SECRETARY JEAN-PIERRE: No.\n\n" +
				"Q1 results were strong.\n\nQ: Follow-up?\n\nMS. O’CONNELL: Right.\n\nEND 12:16 P.M. EST\n",
			title: "t", kind: "speeches",
			body: "11:56 A.M. EST\n\nMODERATOR: Good morning.\n\nOver to you.\n\nQ Thank you.\n\nSECRETARY BLINKEN: Yes.\n\nPRESS SECRETARY JEAN-PIERRE: No.\n\n" +
				"Q1 results were strong.\n\nQ: Follow-up?\n\nMS. O’CONNELL: Right.\n\nEND 12:16 P.M. EST",
			speakers: []string{"", "MODERATOR", "MODERATOR", "Q", "SECRETARY BLINKEN", "PRESS SECRETARY JEAN-PIERRE", "PRESS SECRETARY JEAN-PIERRE", "Q", "MS. O’CONNELL", ""},
		},
		{
			name: "fact-sheets/markup.md",
			in: "---\ntitle: t\n---\n# Heading #\n\n**SHRINKING THE GOVERNMENT:** Today, the *President* signed\nan [order](https://x.gov/a_(b)) ![img](p.png) <u>now</u>\\.\n\n" +
				"-   First item with [a\n    link](https://x.gov/#:~:text=(PFE,x.)\n-   Second \\[sic\\] item\n\n------\n\n<figure>\n<img\nsrc=\"x.png\" />\n</figure>\n\n" +
				"1.  Ordered item\n\n> Quoted _text_ in snake_case AT&amp;T\n\n*\\###*\n\nSUBJECT: A memo\n\nTO THE CONGRESS OF THE UNITED STATES:\n",
			title: "t", kind: "fact-sheets",
			body: "Heading\n\nSHRINKING THE GOVERNMENT: Today, the President signed an order now.\n\nFirst item with a link\n\nSecond [sic] item\n\n" +
				"1. Ordered item\n\nQuoted text in snake_case AT&T\n\nSUBJECT: A memo\n\nTO THE CONGRESS OF THE UNITED STATES:",
			speakers: []string{"", "", "", "", "", "", "", ""},
		},
		{
			name:  "export.txt",
			in:    "Biden Putin to speak\n20211229\nhttps://www.washingtontimes.com:443/news/x/\nFirst paragraph.\nSecond paragraph.\n",
			title: "Biden Putin to speak", date: time.Date(2021, 12, 29, 0, 0, 0, 0, time.UTC),
			kind: "news", body: "First paragraph.\n\nSecond paragraph.", speakers: []string{"", ""},
		},
		{
			name:  "wrapped.txt",
			in:    "Headline Without Period\n\nA hard-wrapped paragraph\nthat continues here.\n\r\nAnd a second\none.\n",
			title: "Headline Without Period", kind: "news",
			body: "A hard-wrapped paragraph that continues here.\n\nAnd a second one.", speakers: []string{"", ""},
		},
		{
			name:  "news/biden-putin-call.txt",
			in:    "Mr. Biden spoke. With Mr. Putin.\nSecond line.\n",
			title: "Biden putin call", kind: "news",
			body: "Mr. Biden spoke. With Mr. Putin.\n\nSecond line.", speakers: []string{"", ""},
		},
		{
			name:  "press-briefings/2021-12-06-press-call-on-ukraine.md",
			in:    "---\ndate: '2021-12-06'\n---\nText.\n",
			title: "Press call on ukraine", date: time.Date(2021, 12, 6, 0, 0, 0, 0, time.UTC),
			kind: "press-briefings", body: "Text.", speakers: []string{""},
		},
		{
			name:  "faq.txt",
			in:    "Q: Is this a freeze?\n\nA: No, it is not.\n\nIt is a pause.\n",
			title: "Q: Is this a freeze?", kind: "news",
			body: "Q: Is this a freeze?\n\nA: No, it is not.\n\nIt is a pause.", speakers: []string{"Q", "", ""},
		},
		{
			name:  "faq2.txt",
			in:    "FAQ\n\nQ: Is this a freeze?\n\nA: No, it is not.\n",
			title: "FAQ", kind: "news",
			body: "Q: Is this a freeze?\n\nA: No, it is not.", speakers: []string{"Q", ""},
		},
		{
			name:  "x1.txt",
			in:    "\ufeffThe U.S. would respond. More text follows here.\n",
			title: "The U.S. would respond.", kind: "news",
			body: "The U.S. would respond. More text follows here.", speakers: []string{""},
		},
		{
			name:  "only-title.txt",
			in:    "SEE ALSO: Related story without period\n",
			title: "SEE ALSO: Related story without period", kind: "news",
			body: "SEE ALSO: Related story without period", speakers: []string{""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(tt.name, []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.name, err)
			}
			checkInvariants(t, doc)
			if doc.Title != tt.title || !doc.Date.Equal(tt.date) || doc.Date.Location().String() != tt.date.Location().String() && tt.date.Location() == time.UTC {
				t.Errorf("Parse(%q) title, date = %q, %v; want %q, %v", tt.name, doc.Title, doc.Date, tt.title, tt.date)
			}
			if doc.Kind != tt.kind || !slices.Equal(doc.Tags, tt.tags) {
				t.Errorf("Parse(%q) kind, tags = %q, %q; want %q, %q", tt.name, doc.Kind, doc.Tags, tt.kind, tt.tags)
			}
			if doc.Body != tt.body {
				t.Errorf("Parse(%q) body =\n%q\nwant\n%q", tt.name, doc.Body, tt.body)
			}
			if sp := speakers(doc); !slices.Equal(sp, tt.speakers) {
				t.Errorf("Parse(%q) speakers = %q, want %q", tt.name, sp, tt.speakers)
			}
		})
	}
}

func TestLabel(t *testing.T) {
	tests := []struct {
		in, name string
		n        int
	}{
		{"MS. PSAKI: Hello.", "MS. PSAKI", 11},
		{"THE PRESIDENT: Thank you.", "THE PRESIDENT", 15},
		{"ADMIRAL KIRBY: Yes.", "ADMIRAL KIRBY", 15},
		{"Q Thank you.", "Q", 2},
		{"Q: Thank you.", "Q", 3},
		{"Q", "Q", 1},
		{"Q1 results", "", 0},
		{"Q&A session", "", 0},
		{"QFR: x", "", 0},
		{"MODERATOR: Next question.", "MODERATOR", 11},
		{"KOLO-TV: Nevadans express concerns", "", 0},
		{"NATO: allies", "", 0},
		{"11:56 A.M. EST", "", 0},
		{"END 3: x", "", 0},
		{"COVID-19: cases", "", 0},
		{"Ms. Psaki: lower case", "", 0},
		{"MS. PSAKI:", "", 0},
		{"MS. PSAKI:no space", "", 0},
		{"A: answer", "", 0},
		{"ONE TWO THREE FOUR FIVE SIX: six words", "ONE TWO THREE FOUR FIVE SIX", 29},
		{"ONE TWO THREE FOUR FIVE SIX SEVEN: too many", "", 0},
		{"DELIVERING PRICE RELIEF: Today", "", 0},
		{"FOR THE UNITED STATES OF AMERICA: x", "", 0},
		{"SEE ALSO: story", "", 0},
	}
	for _, tt := range tests {
		if name, n := label(tt.in); name != tt.name || n != tt.n {
			t.Errorf("label(%q) = %q, %d; want %q, %d", tt.in, name, n, tt.name, tt.n)
		}
	}
}

func TestDoubleQuoted(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"a\_b"`, "a\u00a0b"},
		{`"don\u2019t \x41\U0001F600"`, "don’t A😀"},
		{"\"folded\n  line\"", "folded line"},
		{"\"para\n\n  two\"", "para\ntwo"},
		{"\"esc\\\n  \\ aped\"", "esc aped"},
		{`"q \" \\ \/"`, `q " \ /`},
	}
	for _, tt := range tests {
		if got, err := doubleQuoted(tt.in); got != tt.want || err != nil {
			t.Errorf("doubleQuoted(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{`"open`, `"bad \q"`, `"short \u12"`, `"x" y`, `"\`} {
		if got, err := doubleQuoted(bad); err == nil {
			t.Errorf("doubleQuoted(%q) = %q, want error", bad, got)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // Problem.String()
	}{
		{"empty.md", "", "empty.md: empty document"},
		{"blank.txt", " \n\t\n\u00a0\n", "blank.txt: empty document"},
		{"garbage.txt", "\x00\x01\x02\xff\xfe binary", "garbage.txt: binary data, not text"},
		{"latin.txt", "\x89PNG\x1a\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17", "latin.txt: binary data, not text"},
		{"open.md", "---\ntitle: x\n\nbody\n", "open.md:1: front matter not closed by a \"---\" line"},
		{"key.md", "---\ntitle: x\njust words\n---\nbody\n", `key.md:3: front matter: expected "key: value", got "just words"`},
		{"quote.md", "---\ntitle: \"bad \\q\"\n---\nbody\n", `key.md:2: front matter title: unknown escape \q`},
		{"date.md", "---\ntitle: x\ndate: '06/12/2021'\n---\nbody\n", `date.md:3: front matter date: unrecognised date "06/12/2021"`},
		{"images.md", "---\ntitle: x\n---\n<figure>\n<img src=\"a.png\" />\n</figure>\n", "images.md: no text in the body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(tt.name, []byte(tt.in))
			var p Problem
			if !errors.As(err, &p) {
				t.Fatalf("Parse(%q) = %+v, %v; want Problem", tt.in, doc, err)
			}
			if tt.name == "quote.md" {
				tt.want = strings.Replace(tt.want, "key.md", "quote.md", 1)
			}
			if err.Error() != tt.want {
				t.Errorf("Parse(%q) error = %q, want %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"a.md":                 {Data: []byte("---\ntitle: A\ntags: [x, y]\n---\nHello.\n")},
		"empty.txt":            {Data: nil},
		"garbage.txt":          {Data: []byte("\x00\x9f\x92\x96")},
		".hidden/skip.md":      {Data: []byte("Skipped.\n")},
		".skip.txt":            {Data: []byte("Skipped.\n")},
		"rss.xml":              {Data: []byte("<rss/>")},
		"LICENSE":              {Data: []byte("CC0")},
		"sub/b.TXT":            {Data: []byte("Headline\nBody text.\n")},
		"sub/bad.md":           {Data: []byte("---\ntitle: \"x\n---\nText\n")},
		"sub/docs.jsonl":       {Data: []byte("{\"id\":\"a.md\",\"text\":\"Clash with a path ID.\"}\n{\"text\":\"No id.\"}\nnot json\n")},
		"sub/deeper/c.markdwn": {Data: []byte("ignored extension")},
	}
	docs, probs, err := LoadFS(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.ID)
		checkInvariants(t, d)
	}
	if want := []string{"a.md", "sub/b.TXT", "sub/docs.jsonl#2"}; !slices.Equal(ids, want) {
		t.Errorf("LoadFS IDs = %q, want %q", ids, want)
	}
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	want := []string{
		"empty.txt: empty document",
		"garbage.txt: binary data, not text",
		"sub/bad.md:2: front matter title: unterminated double-quoted string",
		`sub/docs.jsonl:1: duplicate id "a.md"`,
		"sub/docs.jsonl:3: bad JSON: invalid character 'o' in literal null (expecting 'u')",
	}
	if !slices.Equal(got, want) {
		t.Errorf("LoadFS problems =\n%q\nwant\n%q", got, want)
	}

	docs, probs, err = LoadFS(fsys, "sub")
	if err != nil || len(docs) != 3 || docs[0].ID != "b.TXT" || docs[1].ID != "a.md" || docs[2].ID != "docs.jsonl#2" || len(probs) != 2 {
		t.Errorf("LoadFS(sub) = %d docs (%v), %q, %v; want b.TXT, a.md, docs.jsonl#2 and 2 problems", len(docs), ids, probs, err)
	}
	if _, _, err := LoadFS(fsys, "missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadFS(missing) error = %v, want fs.ErrNotExist", err)
	}
}

func TestLoadJSONL(t *testing.T) {
	docs, probs, err := Load("testdata/docs.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	wantProbs := []string{
		`testdata/docs.jsonl:3: duplicate id "squad-1"`,
		"testdata/docs.jsonl:4: bad JSON: unexpected end of JSON input",
		`testdata/docs.jsonl:5: missing "text"`,
		`testdata/docs.jsonl:7: unrecognised date "yesterday"`,
	}
	var gotProbs []string
	for _, p := range probs {
		gotProbs = append(gotProbs, p.String())
	}
	if !slices.Equal(gotProbs, wantProbs) {
		t.Errorf("Load problems =\n%q\nwant\n%q", gotProbs, wantProbs)
	}
	if len(docs) != 3 {
		t.Fatalf("Load = %d docs, want 3", len(docs))
	}
	for _, d := range docs {
		checkInvariants(t, d)
	}
	tests := []struct {
		id, title, source, kind string
		date                    time.Time
		texts, speakers         []string
	}{
		{"squad-1", "Normans", "en.wikipedia.org", "", time.Date(2021, 12, 7, 0, 0, 0, 0, time.UTC),
			[]string{"The Normans were the people who in the 10th and 11th centuries gave their name to Normandy.", "They were descended from Norse raiders and pirates."},
			[]string{"", ""}},
		{"docs.jsonl#2", "Call transcript", "whitehouse.gov", "press-briefings", time.Date(2021, 12, 7, 15, 0, 0, 0, time.UTC),
			[]string{"Good morning.", "Thanks.", "We will respond.", "Will troops go?", "No."},
			[]string{"MODERATOR", "SENIOR ADMINISTRATION OFFICIAL", "SENIOR ADMINISTRATION OFFICIAL", "Q", "SENIOR ADMINISTRATION OFFICIAL"}},
		{"with-speaker", "Thank you all.", "", "", time.Time{},
			[]string{"Thank you all.", "God bless America."}, []string{"THE PRESIDENT", "THE PRESIDENT"}},
	}
	for i, tt := range tests {
		d := docs[i]
		if d.ID != tt.id || d.Title != tt.title || d.Source != tt.source || d.Kind != tt.kind || !d.Date.Equal(tt.date) ||
			!slices.Equal(texts(d), tt.texts) || !slices.Equal(speakers(d), tt.speakers) {
			t.Errorf("doc %d = %q %q %q %q %v %q %q\nwant %q %q %q %q %v %q %q", i, d.ID, d.Title, d.Source, d.Kind, d.Date, texts(d), speakers(d),
				tt.id, tt.title, tt.source, tt.kind, tt.date, tt.texts, tt.speakers)
		}
	}
}

// TestLoadTestdata loads the trimmed real documents and checks their
// shape, speakers and that no markup survives.
func TestLoadTestdata(t *testing.T) {
	docs, _, err := Load("testdata")
	if err != nil {
		t.Fatal(err)
	}
	byID := make(map[string]Document)
	for _, d := range docs {
		byID[d.ID] = d
		checkInvariants(t, d)
		for _, p := range texts(d) {
			for _, junk := range []string{"**", "](", "<a", "<fig", "<img", "\\", "\u00a0", "  ", "&amp;", "###"} {
				if strings.Contains(p, junk) {
					t.Errorf("%s: passage %q contains %q", d.ID, trunc(p, 80), junk)
				}
			}
		}
	}
	b := byID["briefing.md"]
	if b.Kind != "press-briefings" || b.Source != "bidenwhitehouse.archives.gov" || !strings.HasSuffix(b.Title, "En Route Philadelphia, PA") {
		t.Errorf("briefing.md = %q, %q, %q", b.Kind, b.Source, b.Title)
	}
	// "(Cross-talk.)" is said by no one; the turn around it goes on.
	wantSpeakers := []string{"", "MS. JEAN-PIERRE", "MR. KIRBY", "MS. JEAN-PIERRE", "Q", "MR. KIRBY", "Q", "MR. KIRBY", "Q", "MR. KIRBY", "Q", "MS. JEAN-PIERRE", "", "MS. JEAN-PIERRE", ""}
	if got := slices.Compact(speakers(b)); !slices.Equal(got, wantSpeakers) {
		t.Errorf("briefing.md speaker turns = %q\nwant %q", got, wantSpeakers)
	}
	for _, want := range []string{
		"Hey. Hey, guys. We sadly don’t have a lot of time. So, let me just do this at the top really quickly, and then I’ll turn it off — turn it over.",
		"— to take any of your questions on the Middle East.",
		"Jake.",
	} {
		if !slices.Contains(texts(b), want) {
			t.Errorf("briefing.md has no passage %q", want)
		}
	}
	s := byID["statement.md"]
	if s.Title != "Statement by Vice President Harris on Supreme Court’s Ruling In 303 Creative v. Elenis" ||
		!strings.Contains(s.Body, "The Supreme Court’s ruling in 303 Creative v. Elenis departs") || len(s.Passages) != 2 {
		t.Errorf("statement.md = %q, %d passages, body %q", s.Title, len(s.Passages), trunc(s.Body, 200))
	}
	m := byID["markup.md"]
	for _, want := range []string{
		"In June, the U.S. added 147,000 jobs — beating expectations for the fourth straight month.",
		"Here’s what they’re saying:",
		"CNN’s Matt Egan: “This jobs market is like the Energizer Bunny.",
	} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("markup.md body lacks %q", want)
		}
	}
	if h := byID["html.md"]; !strings.HasPrefix(h.Body, "Effects of Stablecoin Yield Prohibition on Bank Lending") {
		t.Errorf("html.md body starts %q", trunc(h.Body, 80))
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("news/ok.txt", "Headline\nBody.\n")
	write("news/empty.md", "")
	if err := os.Symlink(filepath.Join(dir, "nowhere.md"), filepath.Join(dir, "news", "dangling.md")); err != nil {
		t.Fatal(err)
	}
	docs, probs, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].ID != "news/ok.txt" || docs[0].Title != "Headline" {
		t.Errorf("Load(dir) docs = %+v", docs)
	}
	want := []Problem{
		{File: filepath.Join(dir, "news", "dangling.md"), Reason: "stat: no such file or directory"},
		{File: filepath.Join(dir, "news", "empty.md"), Reason: "empty document"},
	}
	if !reflect.DeepEqual(probs, want) {
		t.Errorf("Load(dir) problems = %q, want %q", probs, want)
	}

	docs, probs, err = Load(filepath.Join(dir, "news", "ok.txt"))
	if err != nil || len(docs) != 1 || docs[0].ID != "ok.txt" || len(probs) != 0 {
		t.Errorf("Load(file) = %+v, %q, %v", docs, probs, err)
	}
	missing := filepath.Join(dir, "missing")
	if _, _, err := Load(missing); err == nil || !strings.Contains(err.Error(), missing) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(missing) error = %v, want one naming %s", err, missing)
	}
}

func TestSample(t *testing.T) {
	docs, probs, err := LoadFS(Sample(), ".")
	if err != nil || len(probs) != 0 || len(docs) != 5 {
		t.Fatalf("LoadFS(Sample()) = %d docs, %q, %v; want 5 docs", len(docs), probs, err)
	}
	for _, d := range docs {
		checkInvariants(t, d)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"briefing.md", "statement.md", "markup.md", "html.md", "docs.jsonl"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(name, data)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		doc, err := Parse(name, data)
		if err != nil {
			if doc.Body != "" || doc.Passages != nil {
				t.Errorf("Parse error %v with a document", err)
			}
			return
		}
		if len(doc.Passages) == 0 || !utf8.ValidString(doc.Title) || !utf8.ValidString(doc.Body) {
			t.Errorf("Parse = %d passages, valid title %v, valid body %v", len(doc.Passages), utf8.ValidString(doc.Title), utf8.ValidString(doc.Body))
		}
		prev := 0
		for _, p := range doc.Passages {
			if p.Start < prev || p.Start >= p.End || p.End > len(doc.Body) || !utf8.ValidString(p.Speaker) {
				t.Fatalf("passage %+v out of order or range (previous end %d, body %d bytes)", p, prev, len(doc.Body))
			}
			prev = p.End
		}
	})
}

func BenchmarkLoad(b *testing.B) {
	root := ""
	for _, dir := range []string{"/tmp/wh", "../../shared/corpus/wh"} {
		if _, err := os.Stat(dir); err == nil {
			root = dir
			break
		}
	}
	if root == "" {
		b.Skip("no unpacked Briefing Room corpus in /tmp/wh")
	}
	var docs []Document
	for b.Loop() {
		var err error
		if docs, _, err = Load(root); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(docs)), "docs")
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("testdata/briefing.md")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse("press-briefings/briefing.md", data); err != nil {
			b.Fatal(err)
		}
	}
}

func TestFromAudience(t *testing.T) {
	for label, want := range map[string]bool{
		"AUDIENCE MEMBER": true, "AUDIENCE": true, "PROTESTER": true, "AUDIENCE MEMBERS": true,
		"THE PRESIDENT": false, "Q": false, "MS. PSAKI": false, "PARTICIPANT": false, "": false,
	} {
		if got := (Passage{Speaker: label}).FromAudience(); got != want {
			t.Errorf("FromAudience(%q) = %v, want %v", label, got, want)
		}
	}
}
