package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/briefbot/briefbot/answer"
)

// qaItem is one line of a question set.
type qaItem struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Answers  []string `json:"answers"`
}

// evalReport is the contract of `bot eval --json`; keep the names stable.
type evalReport struct {
	Questions      int     `json:"questions"`
	Answerable     int     `json:"answerable"`
	Unanswerable   int     `json:"unanswerable"`
	HitAt1         float64 `json:"hit@1"`
	HitAt3         float64 `json:"hit@3"`
	MRR            float64 `json:"mrr"`
	AnsweredRate   float64 `json:"answered_rate"`
	AbstainRate    float64 `json:"abstain_rate"`
	VerbatimRate   float64 `json:"verbatim_rate"`
	MeanQuoteChars float64 `json:"mean_quote_chars"`
	P50ms          float64 `json:"p50_ms"`
	P95ms          float64 `json:"p95_ms"`
	Docs           int     `json:"docs"`
	BuildSeconds   float64 `json:"build_s"`
	// Bands says, for each confidence band shown to people (high, medium,
	// low, and none for declined), how many questions got it and how
	// right it was.
	Bands map[answer.Band]*bandReport `json:"bands"`
}

// bandReport is how one confidence band did.
type bandReport struct {
	Questions  int `json:"questions"`
	Answerable int `json:"answerable"`
	// HitAt1 is the share of the band's answerable questions whose first
	// quote answers; ShouldDecline the share of the band's questions the
	// corpus does not answer (right to decline, wrong to answer).
	HitAt1        float64 `json:"hit@1"`
	ShouldDecline float64 `json:"should_decline"`
	hits          int
	declines      int
}

const evalUsage = `Usage: bot eval --qa FILE [--corpus PATH] [--json] [-v]

Builds a fresh index of the corpus in a temporary directory, asks every
question of the set and reports hit@1, hit@3, MRR, abstention on questions
whose answers are [], the share of quotes found verbatim in their
documents, and latency.

Flags:`

func runEval(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("eval", evalUsage)
	corpusPath := fs.String("corpus", "", "corpus directory or .jsonl file (default: the bundled sample)")
	qaPath := fs.String("qa", "", "question set, one JSON object per line: {\"id\",\"question\",\"answers\":[...]} (required)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	verbose := fs.Bool("v", false, "print every question's outcome: misses in full, hits and declines in a line")
	indexDir := fs.String("index", "", "use (and refresh) this index directory instead of a temporary one")
	now := fs.String("now", "", "the day the questions are asked, YYYY-MM-DD: \"last week\" counts from it, and documents dated after it are left out (default: today, all documents)")
	if err := parseFlags(fs, args, 0, "eval takes no arguments, got %q"); err != nil {
		return err
	}
	if *qaPath == "" {
		fs.Usage()
		return usageError("eval needs --qa FILE")
	}
	// eval measures the corpus it is given, not CORPUS_DIR.
	if err := m.configure(nil); err != nil {
		return err
	}
	items, err := readQA(*qaPath)
	if err != nil {
		return err
	}
	m.cfg.CorpusDir = *corpusPath
	start := time.Now()
	idx, cleanup, err := m.scratchIndex(ctx, *indexDir)
	if err != nil {
		return err
	}
	defer cleanup()
	build := time.Since(start)
	docs, _, err := idx.Count()
	if err != nil {
		return err
	}
	eng := answer.New(idx)
	if *now != "" {
		t, err := time.Parse("2006-01-02", *now)
		if err != nil {
			return usageError(fmt.Sprintf("--now %q is not a date (YYYY-MM-DD)", *now))
		}
		eng.Now = func() time.Time { return t.Add(12 * time.Hour) }
		eng.AsOf = t.Add(24*time.Hour - time.Nanosecond)
	}
	// Quotes are checked against the documents as the index stores them:
	// the refresh compared every stored document with its source by a hash
	// of its body and passages, so they are the corpus's own text, and the
	// corpus need not be held in memory.
	verbatimIn := func(q answer.Quote) bool {
		d, err := idx.Document(q.DocID)
		return err == nil && q.Start >= 0 && q.Start <= q.End && q.End <= len(d.Body) && d.Body[q.Start:q.End] == q.Text
	}

	r := evalReport{Questions: len(items), Docs: docs, BuildSeconds: build.Seconds(), Bands: make(map[answer.Band]*bandReport)}
	for _, b := range []answer.Band{answer.BandHigh, answer.BandMedium, answer.BandLow, answer.BandNone} {
		r.Bands[b] = &bandReport{}
	}
	var lat []time.Duration
	var hit1, hit3, answered, abstained, quotes, verbatim, quoteChars int
	var rr float64
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			return err
		}
		q, err := answer.ParseQuestion(it.Question)
		if err != nil {
			return fmt.Errorf("question %s: %w", it.ID, err)
		}
		t0 := time.Now()
		ans, err := eng.Ask(ctx, q)
		lat = append(lat, time.Since(t0))
		if err != nil && err != answer.ErrEmptyQuestion {
			return fmt.Errorf("question %s: %w", it.ID, err)
		}
		for _, qt := range ans.Quotes {
			quotes++
			quoteChars += len([]rune(qt.Text))
			if verbatimIn(qt) {
				verbatim++
			}
		}
		band := r.Bands[ans.Band()]
		band.Questions++
		if len(it.Answers) == 0 {
			r.Unanswerable++
			band.declines++
			if ans.NoAnswer {
				abstained++
				if *verbose {
					fmt.Fprintf(m.stderr, "DECLINED %s %q conf=%.2f\n", it.ID, it.Question, ans.Confidence)
				}
			} else if *verbose {
				fmt.Fprintf(m.stderr, "ANSWERED %s %q conf=%.2f (%s): %q\n", it.ID, it.Question, ans.Confidence, ans.Band(), ans.Quotes[0].Text)
			}
			continue
		}
		r.Answerable++
		band.Answerable++
		if len(ans.Quotes) > 0 {
			answered++
		}
		rank := firstHit(ans.Quotes, it.Answers)
		if rank == 1 {
			band.hits++
		}
		switch {
		case rank == 1:
			hit1++
			hit3++
		case rank > 1 && rank <= 3:
			hit3++
		}
		if rank > 0 {
			rr += 1 / float64(rank)
		}
		if rank == 1 && *verbose {
			fmt.Fprintf(m.stderr, "HIT %s conf=%.2f (%s) %q\n", it.ID, ans.Confidence, ans.Band(), it.Question)
		}
		if rank != 1 && *verbose {
			top := "(no answer)"
			if len(ans.Quotes) > 0 {
				top = ans.Quotes[0].Text
			}
			if ans.NoAnswer && len(ans.Related) > 0 {
				top = fmt.Sprintf("(declined; of the %d closest passages shown, the first that answers is number %d, 0 for none) %s", len(ans.Related), firstHit(ans.Related, it.Answers), ans.Related[0].Text)
			}
			u := ans.Understood
			fmt.Fprintf(m.stderr, "MISS %s rank=%d conf=%.2f (%s) %q want %q\n   read as topic %q speaker %q period %q latest %v\n   got %q\n",
				it.ID, rank, ans.Confidence, ans.Band(), it.Question, it.Answers, u.Topic, u.Speaker, u.Period, u.Latest, top)
		}
	}
	ratio := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	r.HitAt1 = ratio(hit1, r.Answerable)
	r.HitAt3 = ratio(hit3, r.Answerable)
	if r.Answerable > 0 {
		r.MRR = rr / float64(r.Answerable)
	}
	r.AnsweredRate = ratio(answered, r.Answerable)
	r.AbstainRate = ratio(abstained, r.Unanswerable)
	r.VerbatimRate = ratio(verbatim, quotes)
	if quotes > 0 {
		r.MeanQuoteChars = float64(quoteChars) / float64(quotes)
	}
	r.P50ms, r.P95ms = percentileMS(lat, 0.50), percentileMS(lat, 0.95)
	for _, b := range r.Bands {
		b.HitAt1 = ratio(b.hits, b.Answerable)
		b.ShouldDecline = ratio(b.declines, b.Questions)
	}
	if *asJSON {
		enc := json.NewEncoder(m.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	fmt.Fprintf(m.stdout, `questions      %d (%d answerable, %d not)
hit@1          %.3f
hit@3          %.3f
mrr            %.3f
answered_rate  %.3f
abstain_rate   %.3f
verbatim_rate  %.3f
quote chars    %.0f (mean)
latency        p50 %.2f ms, p95 %.2f ms
corpus         %d documents, indexed in %.1f s
`, r.Questions, r.Answerable, r.Unanswerable, r.HitAt1, r.HitAt3, r.MRR, r.AnsweredRate,
		r.AbstainRate, r.VerbatimRate, r.MeanQuoteChars, r.P50ms, r.P95ms, r.Docs, r.BuildSeconds)
	fmt.Fprintf(m.stdout, "bands          (questions: hit@1 of the answerable, share that should be declined)\n")
	for _, b := range []answer.Band{answer.BandHigh, answer.BandMedium, answer.BandLow, answer.BandNone} {
		x := r.Bands[b]
		fmt.Fprintf(m.stdout, "  %-6s       %d: hit@1 %.3f, should decline %.3f\n", b, x.Questions, x.HitAt1, x.ShouldDecline)
	}
	return nil
}

func readQA(path string) ([]qaItem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read question set: %w", err)
	}
	defer f.Close()
	var items []qaItem
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for line := 1; sc.Scan(); line++ {
		b := strings.TrimSpace(sc.Text())
		if b == "" {
			continue
		}
		var it qaItem
		if err := json.Unmarshal([]byte(b), &it); err != nil {
			return nil, fmt.Errorf("%s:%d: not a JSON object: %v", path, line, err)
		}
		if strings.TrimSpace(it.Question) == "" {
			return nil, fmt.Errorf("%s:%d: no \"question\"", path, line)
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%s holds no questions", path)
	}
	return items, nil
}

// firstHit returns the 1-based rank of the first quote that contains one
// of the answers (after folding case, punctuation and white space), or 0.
func firstHit(quotes []answer.Quote, answers []string) int {
	for i, q := range quotes {
		text := fold(q.Text)
		for _, a := range answers {
			if fa := fold(a); fa != "" && strings.Contains(text, fa) {
				return i + 1
			}
		}
	}
	return 0
}

// fold lower-cases s, drops punctuation and folds white space, as the eval
// contract says.
func fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func percentileMS(d []time.Duration, p float64) float64 {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p*float64(len(s))+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(s) {
		i = len(s) - 1
	}
	return float64(s[i]) / float64(time.Millisecond)
}
