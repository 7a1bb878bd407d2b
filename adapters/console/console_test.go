package console

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/answer"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fakeAnswerer answers with ask.
type fakeAnswerer struct {
	ask func(ctx context.Context, q answer.Question) (answer.Answer, error)
}

func (f fakeAnswerer) Ask(ctx context.Context, q answer.Question) (answer.Answer, error) {
	return f.ask(ctx, q)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./adapters/console -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (go test ./adapters/console -update to accept):\n%s", name, path, got)
	}
}

var (
	psakiQuote = answer.Quote{
		Text:    "We are not considering sending U.S. troops to Ukraine. What we are doing is providing defensive security assistance, and we will continue to consult closely with our NATO Allies on the eastern flank.",
		Speaker: "MS. PSAKI",
		DocID:   "2021/12/press-briefing-by-press-secretary-jen-psaki-december-6-2021.md",
		Title:   "Press Briefing by Press Secretary Jen Psaki, December 6, 2021",
		Source:  "whitehouse.gov",
		Kind:    "press-briefings",
		Date:    time.Date(2021, 12, 6, 0, 0, 0, 0, time.UTC),
		URL:     "https://www.whitehouse.gov/briefing-room/press-briefings/2021/12/06/press-briefing-by-press-secretary-jen-psaki-december-6-2021/",
		Start:   1200, End: 1398, Score: 1.2,
	}
	newsQuote = answer.Quote{
		Text:   "This month, Mr. Biden dismissed the idea of putting U.S. troops in Ukraine to deter a potential Russian invasion",
		DocID:  "004.txt",
		Title:  "Biden Putin to speak as tensions over Ukraine threaten to boil over",
		Source: "washingtontimes.com", Kind: "news",
		Date: time.Date(2021, 12, 29, 0, 0, 0, 0, time.UTC),
		URL:  "https://www.washingtontimes.com/news/2021/dec/29/",
	}
	anonymousQuote = answer.Quote{Text: "Untitled, undated and unlinked.", DocID: "x.txt"}
)

func TestRenderAnswer(t *testing.T) {
	a := answer.Answer{
		Question:   answer.Question{Text: "Will the US send troops to Ukraine?"},
		Quotes:     []answer.Quote{psakiQuote, newsQuote, anonymousQuote},
		Confidence: 0.82,
		Took:       3 * time.Millisecond,
	}
	var buf bytes.Buffer
	Render(&buf, a)
	golden(t, "answer", buf.Bytes())
}

func TestRenderNoAnswer(t *testing.T) {
	a := answer.Answer{
		Question:   answer.Question{Text: "Who won the 2022 World Cup?"},
		NoAnswer:   true,
		Confidence: 0.2,
		Related:    []answer.Quote{newsQuote, psakiQuote},
		Took:       1500 * time.Microsecond,
	}
	var buf bytes.Buffer
	Render(&buf, a)
	golden(t, "no-answer", buf.Bytes())

	buf.Reset()
	Render(&buf, answer.Answer{NoAnswer: true})
	if got, want := buf.String(), "The briefings don't answer that.\n(answered in <1 ms)\n"; got != want {
		t.Errorf("Render(no answer, nothing related) = %q, want %q", got, want)
	}
}

func TestRenderNeutralisesEscapes(t *testing.T) {
	evil := newsQuote
	evil.Text = "Troops \x1b[2J\x1b[31mwill\x1b[0m not go.\x1b]0;pwned\x07 Bell\a here\r\nand \u009b31m C1 and \u202egnitirw\u202c reversed."
	evil.Title = "Title \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\"
	evil.Speaker = "MS. \x1bcPSAKI"
	evil.URL = "https://example.com/\x1b[1mx"
	var buf bytes.Buffer
	Render(&buf, answer.Answer{Quotes: []answer.Quote{evil}, Confidence: 0.5})
	got := buf.String()
	for _, bad := range []string{"\x1b", "\a", "\r", "\u009b", "\u202e", "pwned", "[2J", "[31m"} {
		if strings.Contains(got, bad) {
			t.Errorf("Render output contains %q:\n%q", bad, got)
		}
	}
	for _, want := range []string{"Troops will not go.", "Bell here and", "C1 and", "MS. PSAKI", "Title link", "https://example.com/x"} {
		if !strings.Contains(got, want) {
			t.Errorf("Render output lacks %q:\n%s", want, got)
		}
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain “quoted” text", "plain “quoted” text"},
		{"a\x1b[1;31mb", "ab"},
		{"a\x1b]0;title\x07b", "ab"},
		{"a\x1b]0;title\x1b\\b", "ab"},
		{"unterminated \x1b]0;title", "unterminated 0;title"},
		{"a\x1b(Bb", "ab"},
		{"trailing \x1b", "trailing "},
		{"trailing csi \x1b[", "trailing csi "},
		{"nul\x00 del\x7f", "nul del"},
		{"line\nbreak\ttab", "line break tab"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"\u00a0non-breaking", "\u00a0non-breaking"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWrap(t *testing.T) {
	long := strings.Repeat("word ", 40)
	for _, line := range wrap(long, 78) {
		if len(line) > 78 {
			t.Errorf("wrap: line of %d bytes > 78: %q", len(line), line)
		}
	}
	url := "https://" + strings.Repeat("x", 100)
	if got := wrap("see "+url, 78); len(got) != 2 || got[1] != url {
		t.Errorf("wrap(long word) = %q, want the word on a line of its own", got)
	}
	if got := wrap("", 78); len(got) != 0 {
		t.Errorf("wrap(\"\") = %q, want nothing", got)
	}
}

func TestRunSession(t *testing.T) {
	var asked []answer.Question
	fake := fakeAnswerer{ask: func(ctx context.Context, q answer.Question) (answer.Answer, error) {
		asked = append(asked, q)
		switch q.Text {
		case "Will the US send troops to Ukraine?":
			return answer.Answer{Question: q, Quotes: []answer.Quote{psakiQuote}, Confidence: 0.9, Took: 2 * time.Millisecond}, nil
		case "the":
			return answer.Answer{Question: q}, answer.ErrEmptyQuestion
		}
		return answer.Answer{Question: q, NoAnswer: true, Took: time.Millisecond}, nil
	}}
	in := strings.Join([]string{
		"Will the US send troops to Ukraine?",
		"",
		"since:notadate troops",
		"help",
		"the",
		"Who won the 2022 World Cup? since:2021-12-01 speaker:psaki",
		"quit",
		"this line is never read",
	}, "\n")
	var out bytes.Buffer
	if err := Run(context.Background(), fake, strings.NewReader(in), &out); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	golden(t, "session", out.Bytes())
	if len(asked) != 3 {
		t.Fatalf("Run asked %d questions, want 3: %+v", len(asked), asked)
	}
	last := asked[2]
	if last.Text != "Who won the 2022 World Cup?" || last.Speaker != "psaki" || last.Since.Format("2006-01-02") != "2021-12-01" {
		t.Errorf("Run asked %+v, want the text without filters, speaker psaki, since 2021-12-01", last)
	}
}

func TestRunEndsAtEOF(t *testing.T) {
	fake := fakeAnswerer{ask: func(context.Context, answer.Question) (answer.Answer, error) {
		return answer.Answer{NoAnswer: true}, nil
	}}
	var out bytes.Buffer
	if err := Run(context.Background(), fake, strings.NewReader("a question without a newline"), &out); err != nil {
		t.Fatalf("Run = %v, want nil at EOF", err)
	}
	if !strings.Contains(out.String(), "don't answer") {
		t.Errorf("Run did not answer the last, unterminated line:\n%s", out.String())
	}
}

func TestRunCutsLongLines(t *testing.T) {
	var got answer.Question
	fake := fakeAnswerer{ask: func(_ context.Context, q answer.Question) (answer.Answer, error) {
		got = q
		return answer.Answer{NoAnswer: true}, nil
	}}
	in := strings.Repeat("troops ", 100_000) + "\nquit\n" // 700 kB on one line
	var out bytes.Buffer
	if err := Run(context.Background(), fake, strings.NewReader(in), &out); err != nil {
		t.Fatalf("Run(700 kB line) = %v, want nil", err)
	}
	if got.Text == "" || len(got.Text) > answer.MaxQuestionBytes {
		t.Errorf("Run asked %d bytes, want 1..%d", len(got.Text), answer.MaxQuestionBytes)
	}
	if strings.Count(out.String(), "don't answer") != 1 {
		t.Errorf("Run answered the long line %d times, want once", strings.Count(out.String(), "don't answer"))
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	defer pw.Close()
	fake := fakeAnswerer{ask: func(context.Context, answer.Question) (answer.Answer, error) {
		return answer.Answer{NoAnswer: true}, nil
	}}
	done := make(chan error, 1)
	go func() { done <- Run(ctx, fake, pr, io.Discard) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after cancel = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context was cancelled")
	}
}

func TestRunEngineFailure(t *testing.T) {
	boom := errors.New("index closed")
	fake := fakeAnswerer{ask: func(context.Context, answer.Question) (answer.Answer, error) {
		return answer.Answer{}, boom
	}}
	// One failure: a friendly reply, and the session goes on.
	var out bytes.Buffer
	if err := Run(context.Background(), fake, strings.NewReader("troops?\nquit\n"), &out); err != nil {
		t.Errorf("Run after one engine failure = %v, want nil", err)
	}
	if !strings.Contains(out.String(), sorry) || strings.Contains(out.String(), "index closed") {
		t.Errorf("Run after one engine failure printed:\n%s\nwant the apology without the error", out.String())
	}
	// Failures in a row: the session ends with the error for the caller.
	out.Reset()
	err := Run(context.Background(), fake, strings.NewReader(strings.Repeat("troops?\n", 5)), &out)
	if !errors.Is(err, boom) {
		t.Errorf("Run after %d engine failures = %v, want %v", maxFailures, err, boom)
	}
	if strings.Contains(out.String(), "index closed") {
		t.Errorf("Run showed the error to the person:\n%s", out.String())
	}
}

func FuzzRender(f *testing.F) {
	f.Add("plain text", "MS. PSAKI", "Title")
	f.Add("\x1b[31mred\x1b[0m", "\x1b]0;x\x07", "\u009b2J")
	f.Add(strings.Repeat("x", 200), "", "")
	f.Fuzz(func(t *testing.T, text, speaker, title string) {
		var buf bytes.Buffer
		q := answer.Quote{Text: text, Speaker: speaker, Title: title, URL: title}
		Render(&buf, answer.Answer{Quotes: []answer.Quote{q}, Related: []answer.Quote{q}})
		Render(&buf, answer.Answer{NoAnswer: true, Related: []answer.Quote{q}})
		for _, r := range buf.String() {
			if r == 0x1b || r == 0x9b || r == 0x9d || r == '\r' || r == 0x07 {
				t.Fatalf("Render(%q, %q, %q) printed control %U", text, speaker, title, r)
			}
		}
	})
}
