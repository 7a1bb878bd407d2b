package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/index"
)

// benchQuestions is the fixed question set of `bot bench`: realistic
// questions about the 2021-2026 White House Briefing Room.
//
//go:embed testdata/bench-questions.txt
var benchQuestions []byte

// Targets of `bot bench`, for the full Briefing Room corpus on two cores.
const (
	targetBuildSeconds = 90
	targetP95ms        = 50
	targetRatioP95     = 2.0
	targetPeakRSSMB    = 400
)

// benchReport is the contract of `bot bench --json`; keep the names stable.
type benchReport struct {
	Docs         int     `json:"docs"`
	Passages     int     `json:"passages"`
	BuildSeconds float64 `json:"build_s"`
	BuildCPU     float64 `json:"build_cpu_s"` // user+system CPU seconds of the build, all threads
	DocsPerS     float64 `json:"docs_per_s"`
	IndexBytes   int64   `json:"index_bytes"`
	Questions    int     `json:"questions"`
	Rounds       int     `json:"rounds"`
	NoAnswer     int     `json:"no_answer"` // questions answered with NoAnswer (last round)
	P50ms        float64 `json:"p50_ms"`
	P95ms        float64 `json:"p95_ms"`
	P99ms        float64 `json:"p99_ms"`
	RawP50ms     float64 `json:"raw_p50_ms"`
	RawP95ms     float64 `json:"raw_p95_ms"`
	RawP99ms     float64 `json:"raw_p99_ms"`
	RatioP95     float64 `json:"ratio_p95"`
	// The search floor: Bleve BM25 over exactly the terms the engine
	// searches (no stop words), so its ratio is the cost of choosing quotes.
	SearchP50ms    float64 `json:"search_p50_ms"`
	SearchP95ms    float64 `json:"search_p95_ms"`
	SearchP99ms    float64 `json:"search_p99_ms"`
	RatioSearchP95 float64 `json:"ratio_search_p95"`
	LoadAvg        float64 `json:"load_avg"` // 1-minute load average after the run: other work on the machine skews latency
	PeakRSSMB      float64 `json:"peak_rss_mb"`
	// BuildPeakRSSMB is the peak resident set when the build had finished
	// (VmHWM never falls): the rest of PeakRSSMB comes from answering, such
	// as index and document pages that searches map in.
	BuildPeakRSSMB float64        `json:"build_peak_rss_mb"`
	RSSSource      string         `json:"rss_source"` // "VmHWM" or "MemStats.Sys"
	Pass           bool           `json:"pass"`       // every target met
	Slowest        []slowQuestion `json:"slowest"`    // the questions with the highest median answer latency
}

// slowQuestion is one of the slowest questions of a bench run.
type slowQuestion struct {
	Question string  `json:"question"`
	P50ms    float64 `json:"p50_ms"` // median over the rounds
}

const benchUsage = `Usage: bot bench [--corpus PATH] [--json] [--questions FILE] [--index DIR]

Streams the corpus into a fresh index (timed, reading and parsing the
documents included), then asks every question of the set: one warm-up round, then --rounds measured rounds in which each
question is asked of the answer engine and run as a plain Bleve match query
(the floor). Reports build time, index size, p50/p95/p99 latency of both,
their p95 ratio and the peak resident memory, against the targets:
build <= 90 s, answer p95 <= 50 ms, p95 ratio <= 2.0, peak RSS <= 400 MB.

Flags:`

func runBench(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("bench", benchUsage)
	corpusFlag := fs.String("corpus", "", "corpus directory or .jsonl file (default: CORPUS_DIR, else the bundled sample)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	qPath := fs.String("questions", "", "question set, one question per line; # comments (default: the built-in Briefing Room set)")
	indexDir := fs.String("index", "", "build the index into this directory and keep it (replacing any index there) instead of a temporary one")
	rounds := fs.Int("rounds", 3, "measured rounds over the question set, after one warm-up round")
	if err := parseFlags(fs, args, 0, "bench takes no arguments, got %q"); err != nil {
		return err
	}
	if *rounds < 1 {
		return usageError("--rounds must be at least 1")
	}
	src, name := benchQuestions, "built-in questions"
	if *qPath != "" {
		b, err := os.ReadFile(*qPath)
		if err != nil {
			return fmt.Errorf("read questions: %w", err)
		}
		src, name = b, *qPath
	}
	questions, err := parseBenchQuestions(src, name)
	if err != nil {
		return err
	}

	if err := m.configure(&locations{corpus: *corpusFlag}); err != nil {
		return err
	}
	dir := *indexDir
	if dir != "" {
		if err := checkIndexDir(dir); err != nil {
			return err
		}
	} else {
		tmp, err := os.MkdirTemp("", "briefbot-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = filepath.Join(tmp, "index")
	}
	start, cpu0 := time.Now(), cpuSeconds()
	// The corpus streams into the index: only a batch of documents is in
	// memory at a time.
	m.cfg.IndexDir = dir
	_, res, err := m.openIndex(ctx, openOptions{rebuild: true})
	if err != nil {
		return err
	}
	ndocs := res.Docs
	build, buildCPU := time.Since(start), cpuSeconds()-cpu0
	buildRSS, _ := peakRSSMB()
	size, err := dirSize(dir)
	if err != nil {
		return fmt.Errorf("measure index: %w", err)
	}
	idx, err := index.Open(dir)
	if err != nil {
		return err
	}
	defer idx.Close()
	_, passages, err := idx.Count()
	if err != nil {
		return fmt.Errorf("count passages: %w", err)
	}
	eng := answer.New(idx)

	r := benchReport{
		Docs: ndocs, Passages: passages, BuildSeconds: build.Seconds(), BuildCPU: buildCPU, BuildPeakRSSMB: buildRSS,
		DocsPerS: float64(ndocs) / build.Seconds(), IndexBytes: size,
		Questions: len(questions), Rounds: *rounds,
	}
	ask := func(q answer.Question) (time.Duration, bool, error) {
		t0 := time.Now()
		ans, err := eng.Ask(ctx, q)
		d := time.Since(t0)
		if err != nil && !errors.Is(err, answer.ErrEmptyQuestion) {
			return d, false, fmt.Errorf("ask %q: %w", q.Text, err)
		}
		return d, ans.NoAnswer, nil
	}
	raw := func(q answer.Question) (time.Duration, error) {
		t0 := time.Now()
		_, err := idx.RawMatch(ctx, q.Text, 10)
		d := time.Since(t0)
		if err != nil {
			return d, fmt.Errorf("raw match %q: %w", q.Text, err)
		}
		return d, nil
	}
	search := func(q answer.Question) (time.Duration, error) {
		terms := eng.SearchTerms(q.Text)
		t0 := time.Now()
		_, err := idx.Search(ctx, index.Query{Terms: terms, Size: 10})
		d := time.Since(t0)
		if err != nil {
			return d, fmt.Errorf("search %q: %w", q.Text, err)
		}
		return d, nil
	}
	// Warm-up: page in the index and fill caches, so the measured rounds
	// compare the engine and the floor under the same conditions.
	fmt.Fprintf(m.stderr, "asking %d questions: warm-up", len(questions))
	for _, q := range questions {
		if _, _, err := ask(q); err != nil {
			return err
		}
		if _, err := raw(q); err != nil {
			return err
		}
		if _, err := search(q); err != nil {
			return err
		}
	}
	var lat, rawLat, searchLat []time.Duration
	perQuestion := make([][]time.Duration, len(questions))
	for round := range *rounds {
		fmt.Fprintf(m.stderr, ", round %d/%d", round+1, *rounds)
		r.NoAnswer = 0
		for i, q := range questions {
			if err := ctx.Err(); err != nil {
				return err
			}
			// Alternate which of the two goes first so neither always
			// runs on the caches the other just warmed.
			var da, dr time.Duration
			var none bool
			if (round+i)%2 == 0 {
				if da, none, err = ask(q); err == nil {
					dr, err = raw(q)
				}
			} else {
				if dr, err = raw(q); err == nil {
					da, none, err = ask(q)
				}
			}
			if err != nil {
				return err
			}
			ds, err := search(q)
			if err != nil {
				return err
			}
			searchLat = append(searchLat, ds)
			lat, rawLat = append(lat, da), append(rawLat, dr)
			perQuestion[i] = append(perQuestion[i], da)
			if none {
				r.NoAnswer++
			}
		}
	}
	fmt.Fprintln(m.stderr)
	r.P50ms, r.P95ms, r.P99ms = percentileMS(lat, 0.50), percentileMS(lat, 0.95), percentileMS(lat, 0.99)
	r.RawP50ms, r.RawP95ms, r.RawP99ms = percentileMS(rawLat, 0.50), percentileMS(rawLat, 0.95), percentileMS(rawLat, 0.99)
	if r.RawP95ms > 0 {
		r.RatioP95 = r.P95ms / r.RawP95ms
	}
	r.SearchP50ms, r.SearchP95ms, r.SearchP99ms = percentileMS(searchLat, 0.50), percentileMS(searchLat, 0.95), percentileMS(searchLat, 0.99)
	if r.SearchP95ms > 0 {
		r.RatioSearchP95 = r.P95ms / r.SearchP95ms
	}
	r.PeakRSSMB, r.RSSSource = peakRSSMB()
	r.Slowest = slowest(questions, perQuestion, 5)
	r.LoadAvg = loadAvg()

	targets := []struct {
		name string
		ok   bool
		text string
	}{
		{"build", r.BuildSeconds <= targetBuildSeconds, fmt.Sprintf("build %.1f s <= %d s", r.BuildSeconds, targetBuildSeconds)},
		{"p95", r.P95ms <= targetP95ms, fmt.Sprintf("answer p95 %.2f ms <= %d ms", r.P95ms, targetP95ms)},
		{"ratio", r.RatioP95 <= targetRatioP95, fmt.Sprintf("p95 ratio %.2f <= %.1f", r.RatioP95, targetRatioP95)},
		{"rss", r.PeakRSSMB <= targetPeakRSSMB, fmt.Sprintf("peak RSS %.0f MB <= %d MB", r.PeakRSSMB, targetPeakRSSMB)},
	}
	r.Pass = true
	for _, t := range targets {
		r.Pass = r.Pass && t.ok
	}
	if *asJSON {
		enc := json.NewEncoder(m.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	fmt.Fprintf(m.stdout, `corpus         %d documents, %d passages
build          %.1f s (%.0f docs/s, %.1f s CPU), index %.1f MB
questions      %d x %d rounds (after 1 warm-up round), %d without an answer
answer         p50 %.2f ms, p95 %.2f ms, p99 %.2f ms
raw match      p50 %.2f ms, p95 %.2f ms, p99 %.2f ms  (Bleve match query on the question)
ratio p95      %.2f
search floor   p50 %.2f ms, p95 %.2f ms, p99 %.2f ms  (Bleve BM25 on the engine's own terms)
ratio p95      %.2f (answer / search floor)
peak RSS       %.0f MB (%s; %.0f MB when the build was done)
load average   %.2f (1 min)
`, r.Docs, r.Passages, r.BuildSeconds, r.DocsPerS, r.BuildCPU, float64(r.IndexBytes)/(1<<20),
		r.Questions, r.Rounds, r.NoAnswer, r.P50ms, r.P95ms, r.P99ms,
		r.RawP50ms, r.RawP95ms, r.RawP99ms, r.RatioP95,
		r.SearchP50ms, r.SearchP95ms, r.SearchP99ms, r.RatioSearchP95, r.PeakRSSMB, r.RSSSource, r.BuildPeakRSSMB, r.LoadAvg)
	for _, q := range r.Slowest {
		fmt.Fprintf(m.stdout, "slow           %6.1f ms  %s\n", q.P50ms, q.Question)
	}
	for _, t := range targets {
		verdict := "PASS"
		if !t.ok {
			verdict = "FAIL"
		}
		fmt.Fprintf(m.stdout, "%s  %s\n", verdict, t.text)
	}
	return nil
}

// parseBenchQuestions reads one question per line, skipping blank lines
// and # comments; every question must parse as the bot would parse it.
func parseBenchQuestions(src []byte, name string) ([]answer.Question, error) {
	var out []answer.Question
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		q, err := answer.ParseQuestion(s)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no questions", name)
	}
	return out, nil
}

// peakRSSMB returns the peak resident set size of the process from
// /proc/self/status (VmHWM), or, where there is no /proc, the memory the Go
// runtime obtained from the system, which misses mmapped index files.
func peakRSSMB() (float64, string) {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			rest, ok := strings.CutPrefix(line, "VmHWM:")
			if !ok {
				continue
			}
			f := strings.Fields(rest) // "123456 kB"
			if len(f) == 2 && f[1] == "kB" {
				if kb, err := strconv.ParseFloat(f[0], 64); err == nil {
					return kb / 1024, "VmHWM"
				}
			}
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.Sys) / (1 << 20), "MemStats.Sys"
}

// cpuSeconds returns the user and system CPU time of the process so far
// from /proc/self/stat (0 where there is none). On a shared machine it
// tells the work done from the wall time spent waiting for a core.
func cpuSeconds() float64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// The command name in parentheses may hold spaces; fields count from
	// after it. utime and stime are fields 14 and 15 of the whole line.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	const clockTicks = 100 // USER_HZ, 100 on every Linux platform Go supports
	return (utime + stime) / clockTicks
}

// loadAvg returns the 1-minute load average, or 0 where it is unknown.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

// slowest returns the n questions with the highest median latency.
func slowest(questions []answer.Question, lat [][]time.Duration, n int) []slowQuestion {
	out := make([]slowQuestion, len(questions))
	for i, q := range questions {
		out[i] = slowQuestion{Question: q.Text, P50ms: percentileMS(lat[i], 0.5)}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].P50ms > out[j].P50ms })
	return out[:min(n, len(out))]
}

// checkIndexDir refuses an --index directory that holds something other
// than an index: Build replaces the directory as a whole.
func checkIndexDir(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--index %s: %w", dir, err)
	}
	if len(ents) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "docs.db")); err != nil {
		return fmt.Errorf("--index %s is not an index directory and not empty; bench would replace it, so pick another", dir)
	}
	return nil
}
