package discord

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/conversation"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func golden(t *testing.T, name string, r reply) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./adapters/discord -update)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (run with -update if intended):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

var day5 = time.Date(2022, 1, 5, 0, 0, 0, 0, time.UTC)

func TestGoldenAnswer(t *testing.T) {
	a := answer.Answer{
		Confidence: 0.82,
		Quotes: []answer.Quote{
			testQuote,
			{
				Text:    "The President has been clear: *no* American troops in Ukraine. Question 2_b [sic].",
				Speaker: "SENIOR ADMINISTRATION OFFICIAL",
				Title:   "Background Press Call on Russia and Ukraine",
				Source:  "whitehouse.gov",
				Kind:    "press-briefings",
				Date:    time.Date(2022, 1, 7, 0, 0, 0, 0, time.UTC),
				URL:     "https://www.whitehouse.gov/briefing-room/press-briefings/2022/01/07/background-press-call/",
			},
		},
	}
	golden(t, "answer", renderAnswer(a, renderOptions{}))
}

// testAnswerID is an answer ID, as conversation.NewID makes them.
const testAnswerID = "abcdefghijklmnop"

func TestGoldenConversation(t *testing.T) {
	a := answer.Answer{Confidence: 0.82, Quotes: []answer.Quote{testQuote}}
	public := []conversation.Action{conversation.More, conversation.Newer, conversation.Older, conversation.Helpful, conversation.NotHelpful}
	golden(t, "answer-buttons", renderAnswer(a, renderOptions{id: testAnswerID, buttons: public}))
	golden(t, "answer-private", renderAnswer(a, renderOptions{id: testAnswerID, buttons: conversation.Actions}))
	golden(t, "answer-followup", renderAnswer(a, renderOptions{lead: "Following up: “troops Ukraine” in 2022", id: testAnswerID, buttons: public}))
	golden(t, "answer-shared", renderAnswer(a, renderOptions{question: "Will the US send troops? since:2022-01-01", askedBy: "7", id: testAnswerID, buttons: public}))
	golden(t, "answer-message-command", renderAnswer(a, renderOptions{question: "Will the US send troops?", id: testAnswerID, buttons: public}))
	outside := a
	outside.Note, outside.Outside, outside.Confidence = "Nothing from Kirby about “troops” in the documents.", true, 0.3
	golden(t, "answer-outside", renderAnswer(outside, renderOptions{id: testAnswerID, buttons: []conversation.Action{conversation.More}}))
	golden(t, "feedback-thanks", textReply(thanksText))
	golden(t, "no-more", textReply(noMoreText))
}

func TestCustomID(t *testing.T) {
	for _, a := range conversation.Actions {
		id := customID(a, testAnswerID)
		if len(id) > 100 {
			t.Errorf("customID(%s) has %d characters, want at most 100", a, len(id))
		}
		if got, gid, ok := parseCustomID(id); !ok || got != a || gid != testAnswerID {
			t.Errorf("parseCustomID(%q) = %q, %q, %v", id, got, gid, ok)
		}
	}
	for _, bad := range []string{"", "bb:", "bb:more", "bb:more:short", "bb:delete:" + testAnswerID, "xx:more:" + testAnswerID} {
		if _, _, ok := parseCustomID(bad); ok {
			t.Errorf("parseCustomID(%q) = ok", bad)
		}
	}
}

func TestGoldenNoAnswer(t *testing.T) {
	a := answer.Answer{
		NoAnswer: true,
		Related: []answer.Quote{{
			Text:   "We will continue to consult closely with our allies @everyone.",
			Title:  "Readout of a call",
			Source: "state.gov",
			Date:   day5,
			URL:    "javascript:alert(1)", // not linked
		}},
	}
	golden(t, "noanswer", renderAnswer(a, renderOptions{}))
	golden(t, "noanswer-empty", renderAnswer(answer.Answer{NoAnswer: true}, renderOptions{}))
}

func TestGoldenDigest(t *testing.T) {
	d := answer.Digest{
		Since: day5,
		Until: day5.AddDate(0, 0, 1),
		More:  2,
		Stories: []answer.Story{
			{
				Title:  "Press Briefing by Press Secretary Jen Psaki, January 5, 2022",
				URL:    testQuote.URL,
				Source: "whitehouse.gov",
				Kind:   "press-briefings",
				Date:   day5,
				Sentences: []answer.Quote{
					{Text: "We are not going to send U.S. troops to fight in Ukraine.", Speaker: "MS. PSAKI"},
					{Text: "Diplomacy is the path forward."},
				},
				Also:    []answer.Link{{Title: "Psaki: no troops", URL: "https://news.example/psaki", Source: "news.example", Date: day5}},
				Related: []answer.Link{{Title: "Background call", URL: "https://www.whitehouse.gov/bg", Source: "whitehouse.gov"}},
			},
			{Title: "Statement on sanctions", Source: "treasury.gov", Sentences: []answer.Quote{{Text: "Sanctions take effect today."}}},
		},
	}
	golden(t, "digest", renderDigest(d))
}

// checkLimits fails t if r breaks any Discord limit or holds invalid UTF-8.
func checkLimits(t *testing.T, r reply) {
	t.Helper()
	check := func(what, s string, limit int) {
		t.Helper()
		if !utf8.ValidString(s) {
			t.Errorf("%s is not valid UTF-8: %q", what, s)
		}
		if w := width(s); w > limit {
			t.Errorf("%s is %d long, limit %d", what, w, limit)
		}
	}
	check("content", r.Content, maxContent)
	if r.Content == "" && len(r.Embeds) == 0 {
		t.Error("empty message")
	}
	if len(r.Embeds) > maxEmbeds {
		t.Errorf("%d embeds, limit %d", len(r.Embeds), maxEmbeds)
	}
	total := 0
	for i, e := range r.Embeds {
		check(fmt.Sprint("embed ", i, " title"), e.Title, maxTitle)
		check(fmt.Sprint("embed ", i, " description"), e.Description, maxDescription)
		if len(e.Fields) > maxFields {
			t.Errorf("embed %d: %d fields", i, len(e.Fields))
		}
		for _, f := range e.Fields {
			check("field name", f.Name, maxFieldName)
			check("field value", f.Value, maxFieldValue)
			if f.Name == "" || f.Value == "" {
				t.Errorf("embed %d: empty field %+v", i, f)
			}
		}
		if e.Footer != nil {
			check("footer", e.Footer.Text, maxFooter)
		}
		if e.Author != nil {
			check("author", e.Author.Name, maxAuthorName)
		}
		if e.URL != "" && safeURL(e.URL) != e.URL {
			t.Errorf("embed %d: unsafe URL %q", i, e.URL)
		}
		total += embedWidth(e)
	}
	if total > maxEmbedTotal {
		t.Errorf("embeds total %d, limit %d", total, maxEmbedTotal)
	}
	for _, s := range allText(r) {
		if strings.Contains(s, "@everyone") || strings.Contains(s, "@here") {
			t.Errorf("unbroken mention in %q", s)
		}
	}
}

func allText(r reply) []string {
	out := []string{r.Content}
	for _, e := range r.Embeds {
		out = append(out, e.Title, e.Description)
		for _, f := range e.Fields {
			out = append(out, f.Name, f.Value)
		}
		if e.Footer != nil {
			out = append(out, e.Footer.Text)
		}
		if e.Author != nil {
			out = append(out, e.Author.Name)
		}
	}
	return out
}

func TestOversizedAnswerFits(t *testing.T) {
	long := strings.Repeat("The United States will stand with its allies. ", 120) // ~5.5k chars
	var quotes []answer.Quote
	for i := range 15 {
		q := testQuote
		q.Text = fmt.Sprintf("%d: %s", i, long)
		q.Title = strings.Repeat("Very long title ", 40)
		q.Speaker = strings.Repeat("SPEAKER ", 60)
		q.Source = strings.Repeat("source.example ", 200)
		quotes = append(quotes, q)
	}
	r := renderAnswer(answer.Answer{Quotes: quotes, Confidence: 0.9}, renderOptions{})
	checkLimits(t, r)
	if len(r.Embeds) == 0 || !strings.HasPrefix(r.Embeds[0].Description, "> 0: The United States") {
		t.Errorf("first embed = %+v, want the first quote, clipped", r.Embeds)
	}
	if !strings.Contains(r.Content, "more not shown") {
		t.Errorf("content = %q, want a note on quotes left out", r.Content)
	}

	var stories []answer.Story
	for i := range 30 {
		var links []answer.Link
		for j := range 40 {
			links = append(links, answer.Link{Title: fmt.Sprint("Link ", i, j, strings.Repeat(" x", 30)), URL: "https://example.gov/" + fmt.Sprint(j)})
		}
		stories = append(stories, answer.Story{Title: fmt.Sprint("Story ", i), Sentences: quotes[:3], Also: links, Related: links})
	}
	checkLimits(t, renderDigest(answer.Digest{Stories: stories, More: 100}))
}

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"hello world again", 12, "hello world…"},
		{"ab\\*cd", 4, "ab…"}, // never a dangling escape
		{"😀😀😀", 5, "😀😀…"},     // emoji count two units each
		{"ééééé", 3, "éé…"},
	}
	for _, tt := range tests {
		if got := clip(tt.in, tt.n); got != tt.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func FuzzRenderAnswer(f *testing.F) {
	f.Add("We are not going to send U.S. troops.", "MS. PSAKI", "Briefing", "https://www.whitehouse.gov/x", "whitehouse.gov", 3, false)
	f.Add("@everyone @here <@&1> *bold* \\", "", "", "javascript:x", "", 1, true)
	f.Add(strings.Repeat("é😀\u200b", 3000), strings.Repeat("s", 300), strings.Repeat("t", 300), "http://a", "x", 12, false)
	f.Add("\xff\xfe invalid", "\xc3", "\xe2\x82", "https://e.x/\xff", "\x80", 2, true)
	f.Fuzz(func(t *testing.T, text, speaker, title, url, source string, n int, noAnswer bool) {
		n = max(0, min(n, 30))
		var quotes []answer.Quote
		for range n {
			quotes = append(quotes, answer.Quote{Text: text, Speaker: speaker, Title: title, URL: url, Source: source, Kind: source, Date: day5})
		}
		a := answer.Answer{Quotes: quotes, NoAnswer: noAnswer, Note: title, Outside: true}
		if noAnswer {
			a.Quotes, a.Related = nil, quotes
		}
		checkLimits(t, renderAnswer(a, renderOptions{}))
		// Document and people's text in the lead, the question and the note.
		checkLimits(t, renderAnswer(a, renderOptions{lead: speaker, question: text, askedBy: "7", id: testAnswerID, buttons: conversation.Actions}))
		links := []answer.Link{{Title: title, URL: url, Source: source}}
		checkLimits(t, renderDigest(answer.Digest{Stories: []answer.Story{{Title: title, URL: url, Source: speaker, Sentences: quotes, Also: links, Related: links}}}))
	})
}

func TestMessageSendJSON(t *testing.T) {
	msg := messageSend(renderAnswer(answer.Answer{Quotes: []answer.Quote{testQuote}}, renderOptions{}))
	b, _ := json.Marshal(msg)
	if !strings.Contains(string(b), `"allowed_mentions":{"parse":[]`) {
		t.Errorf("message JSON %s lacks an empty allowed_mentions parse list", b)
	}
}

// FuzzParseCustomID: a custom_id from a click is untrusted; what parses
// is exactly what customID makes.
func FuzzParseCustomID(f *testing.F) {
	f.Add("bb:more:" + testAnswerID)
	f.Add("bb:share:abcdefghijklmno\xff")
	f.Add("bb::")
	f.Fuzz(func(t *testing.T, s string) {
		a, id, ok := parseCustomID(s)
		if ok && customID(a, id) != s {
			t.Errorf("parseCustomID(%q) = %q, %q; customID gives %q", s, a, id, customID(a, id))
		}
	})
}
