package corpus

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// checkLimited fails unless every passage of doc is a non-empty, trimmed
// span of Body within max bytes, in order, and there are at most maxN.
func checkLimited(t *testing.T, doc Document, maxN, max int) {
	t.Helper()
	if !utf8.ValidString(doc.Body) {
		t.Errorf("%s: body is not valid UTF-8", doc.ID)
	}
	if len(doc.Passages) == 0 || len(doc.Passages) > maxN {
		t.Errorf("%s: %d passages, want 1 to %d", doc.ID, len(doc.Passages), maxN)
	}
	prev := 0
	for i, p := range doc.Passages {
		if p.Start < prev || p.Start >= p.End || p.End > len(doc.Body) || p.End-p.Start > max {
			t.Fatalf("%s: passage %d span [%d:%d] out of order, range (body %d bytes) or size (max %d)", doc.ID, i, p.Start, p.End, len(doc.Body), max)
		}
		prev = p.End
		if text := doc.Body[p.Start:p.End]; strings.TrimSpace(text) != text || !utf8.ValidString(text) {
			t.Errorf("%s: passage %d %q is not trimmed valid text", doc.ID, i, trunc(text, 60))
		}
	}
}

func TestLimits(t *testing.T) {
	sentence := "The Secretary said the talks would resume on Tuesday. "
	giant := strings.Repeat(sentence, 5000) // 270 KB, one paragraph
	var tiny, normal, turns, unbroken strings.Builder
	for i := range 30000 {
		fmt.Fprintf(&tiny, "w%d\n", i)
	}
	for i := range 50 {
		fmt.Fprintf(&normal, "Paragraph %d. %s\n\n", i, strings.Repeat("Words that make a paragraph. ", 20))
	}
	for i := range 40 {
		fmt.Fprintf(&turns, "Q Question %d?\n\nMS. PSAKI: Answer %d.\n\n", i, i)
	}
	unbroken.WriteString(strings.Repeat("é", 100000)) // 200 KB without a space
	tests := []struct {
		name     string
		file     string // in the corpus: a .md, .txt or .jsonl file
		data     string
		lim      Limits
		maxN     int // passages the document may have
		maxBytes int // bytes a passage may have
		want     []string
		check    func(t *testing.T, doc Document)
	}{
		{
			name: "defaults leave an ordinary document alone", file: "a.txt", data: normal.String(),
			maxN: 50, maxBytes: 1000,
			check: func(t *testing.T, doc Document) {
				if len(doc.Passages) != 50 {
					t.Errorf("%d passages, want 50", len(doc.Passages))
				}
			},
		},
		{
			name: "tiny lines merge into paragraphs", file: "lines.txt", data: tiny.String(),
			lim: Limits{MaxPassages: 1000}, maxN: 1000, maxBytes: mergeBytes,
			want: []string{"29999 passages merged into"},
			check: func(t *testing.T, doc Document) {
				if !strings.HasSuffix(doc.Body, "w29999") {
					t.Errorf("body ends %q, want the last line kept", doc.Body[len(doc.Body)-20:])
				}
			},
		},
		{
			name: "passages beyond the limit are dropped with their text", file: "many.md", data: normal.String(),
			lim: Limits{MaxPassages: 10}, maxN: 10, maxBytes: 1000,
			want: []string{"40 passages dropped after the first 10"},
			check: func(t *testing.T, doc Document) {
				if last := doc.Passages[9]; last.End != len(doc.Body) || !strings.HasPrefix(doc.Body[last.Start:], "Paragraph 9.") {
					t.Errorf("body is cut at %d, last passage %q; want it to end with paragraph 9", len(doc.Body), trunc(doc.Body[last.Start:], 20))
				}
			},
		},
		{
			name: "merging keeps speakers apart", file: "turns.txt", data: turns.String(),
			lim: Limits{MaxPassages: 10}, maxN: 10, maxBytes: 1000,
			want: []string{"70 passages dropped after the first 10"},
			check: func(t *testing.T, doc Document) {
				for i, p := range doc.Passages {
					if want := []string{"Q", "MS. PSAKI"}[i%2]; p.Speaker != want {
						t.Errorf("passage %d speaker %q, want %q", i, p.Speaker, want)
					}
				}
			},
		},
		{
			name: "a giant paragraph is split at sentence ends", file: "giant.md", data: giant,
			maxN: 10, maxBytes: DefaultMaxPassageBytes,
			want: []string{"1 paragraphs longer than 128 KiB split"},
			check: func(t *testing.T, doc Document) {
				var pieces []string
				for _, s := range texts(doc) {
					if !strings.HasSuffix(s, ".") {
						t.Errorf("piece ends %q, want a sentence end", s[len(s)-10:])
					}
					pieces = append(pieces, s)
				}
				if len(pieces) != 3 || strings.Join(pieces, " ") != strings.TrimSpace(giant) {
					t.Errorf("%d pieces that do not join up to the paragraph, want 3", len(pieces))
				}
			},
		},
		{
			name: "a paragraph without spaces is split between characters", file: "unbroken.txt", data: unbroken.String(),
			lim: Limits{MaxPassageBytes: 50001}, maxN: 10, maxBytes: 50001,
			want: []string{"1 paragraphs longer than 48.8 KiB split"},
			check: func(t *testing.T, doc Document) {
				if strings.Join(texts(doc), "") != unbroken.String() {
					t.Errorf("pieces do not join up to the paragraph")
				}
			},
		},
		{
			name: "only the first MaxTextBytes of a file are read", file: "long.md", data: normal.String(),
			lim: Limits{MaxTextBytes: 1000}, maxN: 2, maxBytes: 1000,
			want: []string{"only the first 595 bytes of the file read (it holds 29.1 KiB)"},
		},
		{
			name: "a JSONL line over MaxLineBytes is skipped, the next one read", file: "docs.jsonl",
			data: `{"id":"big","text":"` + strings.Repeat("x ", 1000) + `"}` + "\n" + `{"id":"small","text":"Small."}` + "\n",
			lim:  Limits{MaxLineBytes: 1000}, maxN: 1, maxBytes: 10,
			want: []string{"docs.jsonl:1: line longer than 1000 bytes (the limit for one JSONL document); skipped"},
		},
		{
			name: "a JSONL text over MaxTextBytes is cut", file: "docs.jsonl",
			data: `{"id":"long","text":"` + strings.Repeat(`First line.\n`, 200) + `"}` + "\n",
			lim:  Limits{MaxTextBytes: 100}, maxN: 8, maxBytes: 100,
			want: []string{`docs.jsonl:1: cut to fit the corpus limits: only the first 96 bytes of the 2.3 KiB "text" kept`},
		},
		{
			name: "limits turned off", file: "lines.txt", data: tiny.String(),
			lim: Limits{MaxPassages: -1, MaxPassageBytes: -1, MaxTextBytes: -1, MaxLineBytes: -1}, maxN: 30000, maxBytes: 10,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := ListFS(fstest.MapFS{tt.file: {Data: []byte(tt.data)}}, ".")
			if err != nil {
				t.Fatal(err)
			}
			files.Limits = tt.lim
			var docs []Document
			for d := range files.Documents() {
				docs = append(docs, d)
			}
			var got []string
			for _, p := range files.Problems() {
				got = append(got, p.String())
				if strings.HasPrefix(p.Reason, "cut") != p.Warning {
					t.Errorf("problem %q has Warning = %v", p, p.Warning)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("problems = %q, want %d like %q", got, len(tt.want), tt.want)
			}
			for i := range got {
				if !strings.Contains(got[i], tt.want[i]) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got[i], tt.want[i])
				}
			}
			if len(docs) != 1 {
				t.Fatalf("%d documents, want 1", len(docs))
			}
			checkLimited(t, docs[0], tt.maxN, tt.maxBytes)
			if tt.check != nil {
				tt.check(t, docs[0])
			}
		})
	}
}

func TestCutText(t *testing.T) {
	tests := []struct {
		in   string
		max  int64
		want string
	}{
		{"short", 10, "short"},
		{"one\ntwo\nthree", 10, "one\ntwo\n"},
		{"no breaks at all", 5, "no br"},
		{"ééé", 4, "éé"}, // never half a character
		{"ééé", 5, "éé"},
		{"a€", 3, "a"},
	}
	for _, tt := range tests {
		if got := cutText(tt.in, tt.max); got != tt.want {
			t.Errorf("cutText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}
