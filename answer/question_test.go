package answer

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseQuestion(t *testing.T) {
	endOf := func(s string) time.Time { return day(s).Add(24*time.Hour - time.Nanosecond) }
	tests := []struct {
		in   string
		want Question
	}{
		{"Will the US send troops to Ukraine?", Question{Text: "Will the US send troops to Ukraine?"}},
		{"  spaced   out\tquestion \n", Question{Text: "spaced out question"}},
		{"troops since:2021-12-01", Question{Text: "troops", Since: day("2021-12-01")}},
		{"from:2021-12-01 troops", Question{Text: "troops", Since: day("2021-12-01")}},
		{"troops SINCE:2021-12", Question{Text: "troops", Since: day("2021-12-01")}},
		{"troops until:2022-01-31", Question{Text: "troops", Until: endOf("2022-01-31")}},
		{"troops until:2022-02", Question{Text: "troops", Until: endOf("2022-02-28")}},
		{"troops before:2021-12-06 after:2021-12-06", Question{Text: "troops", Since: day("2021-12-06"), Until: endOf("2021-12-06")}},
		{"troops source:www.WhiteHouse.gov", Question{Text: "troops", Source: "whitehouse.gov"}},
		{"site:state.gov troops", Question{Text: "troops", Source: "state.gov"}},
		{"troops speaker:Psaki", Question{Text: "troops", Speaker: "psaki"}},
		{"troops by:jake_sullivan", Question{Text: "troops", Speaker: "jake sullivan"}},
		{"What happens at 10:30 today?", Question{Text: "What happens at 10:30 today?"}},
		{"talks: what next? note:", Question{Text: "talks: what next? note:"}},
		{"https://example.com/x troops", Question{Text: "https://example.com/x troops"}},
		{"speaker:psaki", Question{Speaker: "psaki"}},
		{"", Question{}},
	}
	for _, tt := range tests {
		got, err := ParseQuestion(tt.in)
		if err != nil {
			t.Errorf("ParseQuestion(%q) error %v", tt.in, err)
			continue
		}
		if got.Text != tt.want.Text || !got.Since.Equal(tt.want.Since) || !got.Until.Equal(tt.want.Until) ||
			got.Source != tt.want.Source || got.Speaker != tt.want.Speaker {
			t.Errorf("ParseQuestion(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseQuestionErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string // in the message shown to the person
	}{
		{"troops since:notadate", "since:notadate is not a date; use since:YYYY-MM-DD"},
		{"troops since:2021-13-01", "since:2021-13-01 is not a date"},
		{"troops since:2021-02-30", "since:2021-02-30 is not a date"},
		{"troops from:yesterday", "since:yesterday is not a date"},
		{"troops until:12/31/2021", "until:12/31/2021 is not a date; use until:YYYY-MM-DD"},
		{"troops before:2021", "until:2021 is not a date"},
		{"troops since:2022-01-01 until:2021-12-31", "until: is before since:"},
		{"until:2021-11 troops since:2021-12-01", "until: is before since:"},
	}
	for _, tt := range tests {
		q, err := ParseQuestion(tt.in)
		if err == nil {
			t.Errorf("ParseQuestion(%q) = %+v, want an error", tt.in, q)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseQuestion(%q) error %q, want %q", tt.in, err, tt.want)
		}
	}
	// The same day as since and until is a valid range.
	if _, err := ParseQuestion("troops since:2021-12-06 until:2021-12-06"); err != nil {
		t.Errorf("ParseQuestion(one day) error %v", err)
	}
}

func TestParseQuestionCutsLongInput(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"words", strings.Repeat("troops ", 10<<10/7)},
		{"one long word", strings.Repeat("x", 10<<10)},
		{"multi-byte runes", strings.Repeat("é", 10<<10)},
		{"three-byte runes without spaces", strings.Repeat("語", 5000)},
		{"words of runes", strings.Repeat("Ukraine’s troops ", 700)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseQuestion(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(q.Text) > MaxQuestionBytes || len(q.Text) < MaxQuestionBytes/2 {
				t.Errorf("ParseQuestion(%d bytes).Text has %d bytes, want %d/2..%d", len(tt.in), len(q.Text), MaxQuestionBytes, MaxQuestionBytes)
			}
			if !utf8.ValidString(q.Text) {
				t.Errorf("ParseQuestion(%d bytes).Text is cut inside a rune: ...%q", len(tt.in), q.Text[len(q.Text)-4:])
			}
			if !strings.HasPrefix(strings.Join(strings.Fields(tt.in), " "), q.Text) {
				t.Errorf("ParseQuestion(%d bytes).Text is not a prefix of the input", len(tt.in))
			}
		})
	}
}

func TestParseQuestionInvalidUTF8(t *testing.T) {
	for _, in := range []string{"troops\xff to Ukraine", "\xc3", "\xed\xa0\x80 surrogate", "since:2021\xff-01-01 x", "speaker:\xffpsaki x"} {
		q, err := ParseQuestion(in)
		if err != nil {
			continue // a filter made invalid is reported; that is fine
		}
		for name, s := range map[string]string{"Text": q.Text, "Speaker": q.Speaker, "Source": q.Source} {
			if !utf8.ValidString(s) {
				t.Errorf("ParseQuestion(%q).%s = %q, not valid UTF-8", in, name, s)
			}
		}
	}
	q, err := ParseQuestion("troops\xffto Ukraine")
	if err != nil || q.Text != "troops to Ukraine" {
		t.Errorf("ParseQuestion(invalid byte between words) = %q, %v, want %q", q.Text, err, "troops to Ukraine")
	}
}

func FuzzParseQuestion(f *testing.F) {
	f.Add("Will the US send troops to Ukraine? since:2021-12-01 speaker:psaki")
	f.Add("until:2021-12 since:2022-01-01")
	f.Add(strings.Repeat("é ", 600))
	f.Add("\xff\xfe source:\xff")
	f.Fuzz(func(t *testing.T, in string) {
		q, err := ParseQuestion(in)
		if err != nil {
			if msg := err.Error(); msg == "" || !utf8.ValidString(msg) {
				t.Fatalf("ParseQuestion(%q) error %q is not a message for a person", in, msg)
			}
			return
		}
		if len(q.Text) > MaxQuestionBytes || !utf8.ValidString(q.Text) || !utf8.ValidString(q.Speaker) || !utf8.ValidString(q.Source) {
			t.Fatalf("ParseQuestion(%q) = %+v: too long or invalid UTF-8", in, q)
		}
		if !q.Since.IsZero() && !q.Until.IsZero() && q.Until.Before(q.Since) {
			t.Fatalf("ParseQuestion(%q) accepted until before since", in)
		}
	})
}
