package slack

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/conversation"
)

// testAnswerID is an answer ID, as conversation.NewID makes them.
const testAnswerID = "abcdefghijklmnop"

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func sampleDigest() answer.Digest {
	since := time.Date(2022, time.February, 14, 9, 0, 0, 0, time.UTC)
	return answer.Digest{
		Since: since,
		Until: since.Add(24 * time.Hour),
		Stories: []answer.Story{{
			Title:  "Press Briefing by Press Secretary Jen Psaki, February 15, 2022",
			URL:    "https://www.whitehouse.gov/briefing-room/press-briefings/2022/02/15/press-briefing-by-press-secretary-jen-psaki-february-15-2022/",
			Source: "whitehouse.gov",
			Kind:   "press-briefings",
			Date:   briefingDate,
			Sentences: []answer.Quote{
				{Text: psakiQuote, Speaker: "MS. PSAKI"},
				{Text: "We have also been clear that we will respond decisively to any further Russian aggression.", Speaker: "MS. PSAKI"},
			},
			Also: []answer.Link{{Title: "Psaki: no U.S. troops to Ukraine", URL: "https://example.com/news/psaki-troops", Source: "example.com", Date: briefingDate}},
		}, {
			Title:     "Statement by President Biden on Russia & Ukraine",
			URL:       "https://www.whitehouse.gov/briefing-room/statements-releases/2022/02/15/statement/",
			Source:    "whitehouse.gov",
			Kind:      "statements-releases",
			Date:      briefingDate,
			Sentences: []answer.Quote{{Text: "The United States is prepared no matter what happens."}},
			Related:   []answer.Link{{Title: "Remarks by President Biden", URL: "https://www.whitehouse.gov/briefing-room/speeches-remarks/2022/02/15/remarks/", Source: "whitehouse.gov"}},
		}},
		More: 2,
	}
}

func noAnswer() answer.Answer {
	return answer.Answer{
		Question: answer.Question{Text: "what is the price of tea in China?"},
		NoAnswer: true,
		Related: []answer.Quote{{
			Text:    "Q    Jen, on China -- on trade with China, is there anything new?",
			Speaker: "Q",
			Title:   "Press Briefing by Press Secretary Jen Psaki, February 15, 2022",
			Source:  "whitehouse.gov",
			Date:    briefingDate,
			URL:     "https://www.whitehouse.gov/briefing-room/press-briefings/2022/02/15/press-briefing-by-press-secretary-jen-psaki-february-15-2022/",
		}},
		Confidence: 0.1,
	}
}

// outsideAnswer has nothing from the speaker asked for, and quotes
// others.
func outsideAnswer() answer.Answer {
	a := psakiAnswer(answer.Question{Text: "troops", Speaker: "kirby"})
	a.Note = "Nothing from Kirby about “troops” in the documents."
	a.Outside = true
	a.Confidence = 0.3
	return a
}

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name string
		msg  message
	}{
		{"answer", renderAnswer(psakiAnswer(answer.Question{Text: "troops"}), renderOptions{})},
		{"answer_slash", renderAnswer(psakiAnswer(answer.Question{Text: "troops"}), renderOptions{question: "will the US send troops?", id: testAnswerID, buttons: conversation.Actions})},
		{"answer_followup", renderAnswer(psakiAnswer(answer.Question{Text: "troops"}), renderOptions{lead: "Following up: “troops Ukraine” in 2022",
			id: testAnswerID, buttons: []conversation.Action{conversation.More, conversation.Newer, conversation.Older, conversation.Helpful, conversation.NotHelpful}})},
		{"answer_shared", renderAnswer(psakiAnswer(answer.Question{Text: "troops"}), renderOptions{question: "will the US send troops? since:2022-01-01", askedBy: "U3",
			id: testAnswerID, buttons: []conversation.Action{conversation.More, conversation.Helpful, conversation.NotHelpful}})},
		{"answer_outside", renderAnswer(outsideAnswer(), renderOptions{id: testAnswerID, buttons: []conversation.Action{conversation.More}})},
		{"no_answer", renderAnswer(noAnswer(), renderOptions{})},
		{"feedback_thanks", renderText(msgThanks)},
		{"no_more", renderText(msgNoMore)},
		{"digest", renderDigest(sampleDigest())},
		{"digest_empty", renderDigest(answer.Digest{Since: briefingDate})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkMessage(t, tt.msg)
			got := mustJSON(tt.msg)
			path := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./adapters/slack -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file; run go test ./adapters/slack -update and review the diff.\ngot:\n%s", path, got)
			}
		})
	}
}

func TestRenderNeutralisesMentions(t *testing.T) {
	hostile := "<!channel> Everyone look! <!here> and <@U123> and <!subteam^S1|@team> & <https://evil.example|click>"
	a := answer.Answer{
		Quotes: []answer.Quote{
			{Text: hostile, Speaker: "<!everyone>", Title: "<@U999> title <!here>", Source: "<!channel>", URL: "https://example.com/a|b><!channel>?x=1&y=2"},
			{Text: "second", Title: "bad scheme", URL: "javascript:alert(1)"},
			{Text: "third", Title: "slack link", URL: "slack://open?team=T1"},
		},
		Confidence: 0.5,
	}
	for name, m := range map[string]message{
		"answer": renderAnswer(a, renderOptions{question: "<!channel> what?", id: testAnswerID, buttons: conversation.Actions}),
		"digest": renderDigest(answer.Digest{Stories: []answer.Story{{Title: hostile, URL: "https://example.com/<!here>", Source: "<@U1>",
			Sentences: []answer.Quote{{Text: hostile}}, Also: []answer.Link{{Title: "<!channel>", URL: "https://x.example/|<!here>"}}}}}),
	} {
		t.Run(name, func(t *testing.T) {
			checkMessage(t, m)
			js := mustJSON(m)
			if strings.Contains(string(js), "javascript:") || strings.Contains(string(js), "slack://") {
				t.Errorf("non-http URL kept: %s", js)
			}
			if !strings.Contains(string(js), "&lt;!channel&gt;") {
				t.Errorf("document text not shown escaped: %s", js)
			}
		})
	}
}

func TestRenderLongAnswer(t *testing.T) {
	long := strings.Repeat("The Secretary said the talks would continue & that <progress> was made. ", 140)[:10000]
	for _, tt := range []struct {
		name string
		a    answer.Answer
	}{
		{"one long quote", answer.Answer{Quotes: []answer.Quote{{Text: long, Title: "T", URL: "https://example.com"}}, Confidence: 0.9}},
		{"three long quotes", answer.Answer{Quotes: []answer.Quote{{Text: long}, {Text: long}, {Text: long}}, Confidence: 0.9}},
		{"no answer, long related", answer.Answer{NoAnswer: true, Related: []answer.Quote{{Text: long}, {Text: long}, {Text: long}}}},
		{"many short quotes", answer.Answer{Quotes: manyQuotes(200), Confidence: 0.3}},
		{"no line breaks", answer.Answer{Quotes: []answer.Quote{{Text: strings.Repeat("x", 10000)}}}},
		{"all newlines", answer.Answer{Quotes: []answer.Quote{{Text: strings.Repeat("a\n", 5000)}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := renderAnswer(tt.a, renderOptions{question: long, id: testAnswerID, buttons: conversation.Actions})
			checkMessage(t, m)
			if !strings.Contains(string(mustJSON(m)), "The Secretary said") && tt.name == "one long quote" {
				t.Error("the quote is missing")
			}
		})
	}
	var stories []answer.Story
	for range 100 {
		stories = append(stories, answer.Story{Title: long[:500], URL: "https://example.com/" + long[:300], Sentences: []answer.Quote{{Text: long}, {Text: long}, {Text: long}},
			Also: []answer.Link{{Title: long, URL: "https://example.com"}}, Related: []answer.Link{{Title: long, URL: "https://example.com"}}})
	}
	m := renderDigest(answer.Digest{Stories: stories})
	checkMessage(t, m)
	if !strings.Contains(string(mustJSON(m)), "more stories") {
		t.Error("a trimmed digest does not say how many stories were left out")
	}
}

func manyQuotes(n int) []answer.Quote {
	qs := make([]answer.Quote, n)
	for i := range qs {
		qs[i] = answer.Quote{Text: "A short answer.", Speaker: "MR. PRICE", Title: "Department Press Briefing", URL: "https://www.state.gov/briefings/"}
	}
	return qs
}

// mustJSON encodes v without escaping < > &, so tests and golden files
// show the text as Slack decodes it.
func mustJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

var ourLink = regexp.MustCompile(`<https?://[^\s<>|]+\|[^<>]*>`)

// checkMessage checks Slack's limits and that no text can ping anyone:
// the only "<" left are links this package built (and the asker mention).
func checkMessage(t *testing.T, m message) {
	t.Helper()
	if m.Text == "" {
		t.Error("no fallback text")
	}
	var blocks []map[string]any
	if err := json.Unmarshal(mustJSON(m.Blocks), &blocks); err != nil {
		t.Fatal(err)
	}
	if len(blocks) > maxBlocks {
		t.Errorf("%d blocks, want at most %d", len(blocks), maxBlocks)
	}
	total := textLen(m.Text)
	for _, b := range blocks {
		switch b["type"] {
		case "section":
			s := b["text"].(map[string]any)["text"].(string)
			if n := textLen(s); n > maxSectionChars {
				t.Errorf("section text has %d characters, want at most %d", n, maxSectionChars)
			}
		case "header":
			if n := textLen(b["text"].(map[string]any)["text"].(string)); n > maxHeaderChars {
				t.Errorf("header has %d characters", n)
			}
		}
		walkStrings(b, "", func(key, s string) {
			switch key {
			case "text":
				total += textLen(s)
			case "value":
				if len(s) > maxButtonValue {
					t.Errorf("button value has %d bytes", len(s))
				}
			}
		})
	}
	if total > 13000 {
		t.Errorf("message has %d characters of text, want at most 13000", total)
	}
	texts := []string{m.Text}
	for _, b := range blocks {
		walkStrings(b, "", func(key, s string) {
			if key == "text" {
				texts = append(texts, s)
			}
		})
	}
	for _, s := range texts {
		rest := ourLink.ReplaceAllString(s, "")
		rest = regexp.MustCompile(`<@U[A-Z0-9]+> asked`).ReplaceAllString(rest, "")
		if strings.Contains(rest, "<") {
			t.Errorf("unescaped < in %q", s)
		}
		if !utf8Valid(s) {
			t.Errorf("invalid UTF-8 in %q", s)
		}
	}
}

func walkStrings(v any, key string, fn func(key, s string)) {
	switch v := v.(type) {
	case string:
		fn(key, v)
	case map[string]any:
		for k, x := range v {
			walkStrings(x, k, fn)
		}
	case []any:
		for _, x := range v {
			walkStrings(x, key, fn)
		}
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func FuzzRender(f *testing.F) {
	f.Add("<!channel> hello <@U123>", "MS. PSAKI", "Title <!here>", "https://example.com/a?b=1&c=<2>")
	f.Add(strings.Repeat("&<>", 2000), "", "", "javascript:alert(1)")
	f.Add("line\nline\r\n\n> quoted", "Q", "|label|", "http://x.example/|<!channel>")
	f.Add("\xff\xfe broken utf8 \U0001F600", "\U0001F600", "\U0001F600", "https://例え.jp/パス")
	f.Fuzz(func(t *testing.T, text, speaker, title, rawURL string) {
		q := answer.Quote{Text: text, Speaker: speaker, Title: title, URL: rawURL, Source: speaker, Date: briefingDate}
		checkMessage(t, renderAnswer(answer.Answer{Quotes: []answer.Quote{q, q, q}, Confidence: 0.5}, renderOptions{question: text, id: testAnswerID, buttons: conversation.Actions}))
		checkMessage(t, renderAnswer(answer.Answer{Quotes: []answer.Quote{q}, Note: title, Outside: true}, renderOptions{lead: speaker + text, id: testAnswerID, buttons: conversation.Actions}))
		checkMessage(t, renderAnswer(answer.Answer{NoAnswer: true, Related: []answer.Quote{q, q}}, renderOptions{}))
		checkMessage(t, renderDigest(answer.Digest{Stories: []answer.Story{{Title: title, URL: rawURL, Source: speaker, Sentences: []answer.Quote{q, q},
			Also: []answer.Link{{Title: text, URL: rawURL}}}}}))
	})
}
