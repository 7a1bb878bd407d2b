package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/briefbot/briefbot/corpus"
)

func TestReporterQuestion(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Thank you. On Haiti. Will the U.S. send troops?", "Thank you. On Haiti. Will the U.S. send troops?"},
		{"No question here.", ""},
		{"Yes?", ""},
		{"A long preamble about many things that happened this week in the news and elsewhere in the world, and more. Will you veto the bill?", "Will you veto the bill?"},
		{"And — and — just following up — does the President support it? Thanks.", "And — and — just following up — does the President support it?"},
	}
	for _, tt := range tests {
		if got := reporterQuestion(tt.in); got != tt.want {
			t.Errorf("reporterQuestion(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMineCopies: a transcript published twice (as a briefing and again
// as remarks) loses the chosen questions in both copies, its pairs are
// asked once, and a sentence of the copy's answering turn answers.
func TestMineCopies(t *testing.T) {
	text := "---\ntitle: Press Briefing by Press Secretary Karine Jean-Pierre\ndate: '2023-10-31'\n---\n\nMS. JEAN-PIERRE: Good afternoon, everyone, and welcome to the briefing today.\n\n" +
		"Q Thank you. Will the President sign the funding bill this week if the Senate passes it?\n\n" +
		"MS. JEAN-PIERRE: The President will sign the funding bill as soon as it reaches his desk, because keeping the government open matters to families across the country.\n\n" +
		"Q And on Haiti, is the United States sending more help to the people there?\n\n" +
		"MS. JEAN-PIERRE: We are sending more humanitarian help to Haiti this week, and the Secretary will say more about the support tomorrow morning in Washington.\n"
	var docs []corpus.Document
	for _, name := range []string{"press-briefings/2023-10/briefing.md", "speeches-remarks/2023-10/briefing-2.md"} {
		d, err := corpus.Parse(name, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	m := &miner{Every: 1}
	m.choose(slices.Values(docs))
	var out []corpus.Document
	for d, err := range m.filter(slices.Values(docs)) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	if len(m.Pairs) != 2 {
		t.Fatalf("%d pairs, want 2 (each question once): %+v", len(m.Pairs), m.Pairs)
	}
	for _, d := range out {
		for _, p := range d.Passages {
			if p.IsQuestion() {
				t.Errorf("%s keeps the question %q", d.ID, d.Body[p.Start:p.End])
			}
		}
	}
	byID := map[string]corpus.Document{out[0].ID: out[0], out[1].ID: out[1]}
	doc := func(id string) (corpus.Document, error) { return byID[id], nil }
	p := m.Pairs[0]
	other := out[0]
	if other.ID == p.DocID {
		other = out[1]
	}
	k := strings.Index(other.Body, p.Answer)
	if k < 0 {
		t.Fatalf("the copy lacks the answer %q", p.Answer)
	}
	if !p.answers(other.ID, k, k+20, other.Date, doc) {
		t.Errorf("a sentence of the copy's answering turn does not answer")
	}
	if p.answers(other.ID, 0, 20, other.Date, doc) {
		t.Errorf("the copy's opening answers")
	}
	if p.answers(other.ID, k, k+20, other.Date.AddDate(0, 0, 1), doc) {
		t.Errorf("a copy of another day answers")
	}
}
