package probe

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/index"
)

func TestProbe(t *testing.T) {
	idx, err := index.Open(os.Getenv("PROBE_INDEX"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	eng := answer.New(idx)
	eng.Now = func() time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) }
	f, _ := os.Open(os.Getenv("PROBE_Q"))
	sc := bufio.NewScanner(f)
	n := 3
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		q, _ := answer.ParseQuestion(line)
		a, err := eng.Ask(context.Background(), q)
		u := a.Understood
		fmt.Printf("\n=== %s\n    topic=%q speaker=%q %v period=%q latest=%v conf=%.2f band=%s note=%q outside=%v err=%v\n", line, u.Topic, u.Speaker, u.Speakers, u.Period, u.Latest, a.Confidence, a.Band(), a.Note, a.Outside, err)
		qs := a.Quotes
		if a.NoAnswer {
			qs = a.Related
			fmt.Println("    NO ANSWER; related:")
		}
		for i, qt := range qs {
			if i >= n {
				break
			}
			fmt.Printf("  %d. [%s | %s | %s] %s\n", i+1, qt.Date.Format("2006-01-02"), qt.Speaker, trunc(qt.Title, 60), trunc(qt.Text, 300))
		}
	}
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
