package answer

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func sentenceTexts(text string) []string {
	var out []string
	for _, s := range sentences(text) {
		out = append(out, text[s.Start:s.End])
	}
	return out
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"simple", "One thing. Another thing! A third?", []string{"One thing.", "Another thing!", "A third?"}},
		{"U.S.", "The U.S. will not send troops. That is final.", []string{"The U.S. will not send troops.", "That is final."}},
		{"U.S. before a name", "He met U.S. Secretary Blinken. They talked.", []string{"He met U.S. Secretary Blinken.", "They talked."}},
		{"Mr.", "Mr. Biden spoke to Mr. Putin. The call lasted two hours.", []string{"Mr. Biden spoke to Mr. Putin.", "The call lasted two hours."}},
		{"Gen.", "Gen. Milley briefed Congress. He was clear.", []string{"Gen. Milley briefed Congress.", "He was clear."}},
		{"Jan.", "The deadline is Jan. 15 this year. It will not move.", []string{"The deadline is Jan. 15 this year.", "It will not move."}},
		{"Dec. before a number", "On Dec. 7 they met. Nothing changed.", []string{"On Dec. 7 they met.", "Nothing changed."}},
		{"initials", "John F. Kennedy said so. Then J. R. R. Tolkien wrote.", []string{"John F. Kennedy said so.", "Then J. R. R. Tolkien wrote."}},
		{"question mark", "Will they go? Maybe. They might.", []string{"Will they go?", "Maybe.", "They might."}},
		{"No. before a number", "It is listed as No. 5 on the list. Next.", []string{"It is listed as No. 5 on the list.", "Next."}},
		{"closing quote", `"We will not go." That was the answer.`, []string{`"We will not go."`, "That was the answer."}},
		{"curly closing quote", "“We will not go.” That was the answer.", []string{"“We will not go.”", "That was the answer."}},
		{"question in quotes", `He asked, "Will you go?" She said no.`, []string{`He asked, "Will you go?"`, "She said no."}},
		{"opening quote starts a sentence", `He left. "Goodbye," he said.`, []string{"He left.", `"Goodbye," he said.`}},
		{"lower case does not start a sentence", "It rose 2.5 percent. etc. and so on.", []string{"It rose 2.5 percent. etc. and so on."}},
		{"decimal", "Growth was 2.5 percent. Prices rose.", []string{"Growth was 2.5 percent.", "Prices rose."}},
		{"a.m.", "We meet at 9 a.m. Tomorrow we travel.", []string{"We meet at 9 a.m. Tomorrow we travel."}},
		{"ellipsis", "Well... We will see.", []string{"Well...", "We will see."}},
		{"paragraph break", "First paragraph without a stop\n\nsecond one", []string{"First paragraph without a stop", "second one"}},
		{"surrounding space", "  \n Lead. Tail.  \n", []string{"Lead.", "Tail."}},
		{"no terminator", "just words", []string{"just words"}},
		{"empty", "", nil},
		{"space only", " \n\t ", nil},
		{"non-breaking space", "The U.S.\u00a0Army left. It came back.", []string{"The U.S.\u00a0Army left.", "It came back."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sentenceTexts(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("sentences(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestSentencesNoAsAnswer is the common briefing reply "No." followed by
// its reason: "no" is an abbreviation only before a number ("No. 5").
func TestSentencesNoAsAnswer(t *testing.T) {
	in := "Will they go? No. They will not."
	want := []string{"Will they go?", "No.", "They will not."}
	if got := sentenceTexts("See Executive Order No. 14028 today."); len(got) != 1 {
		t.Errorf("\"No. 14028\" was split: %q", got)
	}
	if got := sentenceTexts(in); !slices.Equal(got, want) {
		t.Errorf("sentences(%q) = %q, want %q", in, got, want)
	}
}

// checkSpans verifies that spans are in order, non-overlapping, within text,
// on rune boundaries and trimmed of white space.
func checkSpans(t *testing.T, text string, spans []span) {
	t.Helper()
	prev := 0
	for i, s := range spans {
		if s.Start < prev || s.End <= s.Start || s.End > len(text) {
			t.Fatalf("sentences(%q)[%d] = %v after %d: out of order, empty or out of range", text, i, s, prev)
		}
		if !utf8.RuneStart(text[s.Start]) || s.End < len(text) && !utf8.RuneStart(text[s.End]) {
			t.Fatalf("sentences(%q)[%d] = %v splits a rune", text, i, s)
		}
		sub := text[s.Start:s.End]
		if strings.TrimFunc(sub, unicode.IsSpace) != sub {
			t.Fatalf("sentences(%q)[%d] = %q is not trimmed", text, i, sub)
		}
		prev = s.End
	}
	// Nothing but white space is left out.
	var rest strings.Builder
	prev = 0
	for _, s := range spans {
		rest.WriteString(text[prev:s.Start])
		prev = s.End
	}
	rest.WriteString(text[prev:])
	if strings.TrimFunc(rest.String(), unicode.IsSpace) != "" {
		t.Fatalf("sentences(%q) leaves out %q", text, rest.String())
	}
}

func TestSentenceSpans(t *testing.T) {
	for _, text := range []string{
		"The U.S. and the U.K. agreed. Mr. Sullivan said so on Jan. 5. “Are we done?” No!",
		"  leading space. Trailing space.   ",
		"A.\n\nB.\n\n\n\nC",
		"Q. Who? A. Him.",
		"...",
		"?!",
		"\u00a0\u00a0Hello.\u00a0World.",
		"日本語の文。English follows. Ünïcödé starts here.",
	} {
		checkSpans(t, text, sentences(text))
	}
}

func FuzzSentences(f *testing.F) {
	f.Add("The U.S. will not send troops. Mr. Biden said so on Jan. 5.")
	f.Add("“Will you go?” he asked. \"No.\" ...")
	f.Add("A.\n\nB")
	f.Add("\xff\xfe. \xc3. X")
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return // bodies are valid UTF-8: the corpus loader makes them so
		}
		checkSpans(t, text, sentences(text))
	})
}
