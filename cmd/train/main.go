// Command train fits the answer engine's ranking weights, its confidence
// and the bands shown to readers, and its lexical bridge, from the
// briefings themselves: in every press briefing a reporter asks (Q) and
// an official answers in the next turn. It writes answer/params.json and
// answer/bridge.tsv, which the engine embeds.
//
//	go run ./cmd/train --corpus /tmp/wh --squad ../shared/qa --wordnet /usr/share/wordnet --questions qa/train
//
// --questions adds question sets written the way users type them (qa/train:
// answerable ones about documents dated before --before, and off-topic
// ones). Half of each teaches the confidence whether a question is about
// the corpus at all (with SQuAD's questions of their own articles; the
// reporters' questions join that fit only without --questions); the
// held-out halves set where answering begins and the bands. The
// answerable ones join the ranking fit only if --rank-sets names "user".
//
// Only documents dated before --before (2024-01-01) are read for fitting;
// pairs before --dev (2023-07-01) train, the rest are held out to report
// on and to set the bands. With --measure it fits nothing and instead
// measures the embedded parameters on pairs dated from --from (2024-01-01
// on: data never fitted on), over the whole corpus.
//
// Pairs are sampled by a hash, the index is merged into one segment so
// that scores do not depend on how its segments happened to merge, the
// questions are asked with the trainer's fixed starting weights (not the
// embedded ones), candidates are rounded and ordered (example.canonical),
// and every fit runs a fixed number of deterministic steps: fitting again
// from the same asked questions (--cache) gives the same files. Two fresh
// runs still differ in the fourth decimal of some weights (see the README,
// Refitting).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

// config is the trainer's command line.
type config struct {
	corpus, squad, wordnet, out, work string
	questions                         string
	before, dev, from                 time.Time
	every                             int
	maxTrain, maxDev, maxOff          int
	measure                           bool
	cache                             string
	rankSets                          string
	rankL2                            float64
	bridge                            string
	iters                             int
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.corpus, "corpus", "", "Briefing Room corpus folder (required)")
	fs.StringVar(&c.squad, "squad", "", "folder of squad-a.corpus.jsonl and squad-a.qa.jsonl: mixed into the ranking fit, and its questions are the off-topic questions asked of the briefings (optional)")
	fs.StringVar(&c.questions, "questions", "", "folder of question sets written like users' questions about documents dated before --before (JSON Lines, the eval's format; qa/train): half of each teaches the confidence whether a question is about the corpus; the held-out halves set where answering begins and the bands; answerable ones join the ranking fit only if --rank-sets names user (optional)")
	fs.StringVar(&c.wordnet, "wordnet", "", "WordNet database folder (Debian's wordnet-base: /usr/share/wordnet) for the bridge's synonyms (optional)")
	fs.StringVar(&c.out, "out", "answer", "folder to write params.json and bridge.tsv to")
	fs.StringVar(&c.work, "work", "", "folder for the trainer's indexes (default: a temporary folder, removed at the end)")
	before := fs.String("before", "2024-01-01", "fit only on documents dated before this day")
	dev := fs.String("dev", "2023-07-01", "pairs from this day on are held out (dev), earlier ones train")
	from := fs.String("from", "2024-01-01", "with --measure: the pairs measured are dated from this day on")
	fs.IntVar(&c.every, "every", 4, "use one question in every N (the others stay in the corpus)")
	fs.IntVar(&c.maxTrain, "max-train", 3000, "at most this many training pairs")
	fs.IntVar(&c.maxDev, "max-dev", 1000, "at most this many held-out pairs")
	fs.IntVar(&c.maxOff, "max-offtopic", 1500, "at most this many off-topic questions per side")
	fs.IntVar(&c.iters, "iters", 300, "steps of the ranking fit")
	fs.StringVar(&c.rankSets, "rank-sets", "squad,title,day", "the question sets the ranking is fitted on (day, all, title, squad, user)")
	fs.Float64Var(&c.rankL2, "rank-l2", 0.01, "how strongly the ranking fit is held to its starting weights")
	fs.StringVar(&c.bridge, "bridge", "both", "the lexical bridge: learned (question-answer pairs), vectors (the corpus's word contexts), wordnet, both (all three) or none")
	fs.BoolVar(&c.measure, "measure", false, "measure the embedded parameters on held-out pairs instead of fitting")
	fs.StringVar(&c.cache, "cache", "", "keep the asked questions' candidates in this file and reuse them (for trying fits; remove it when the engine's features change)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: train --corpus DIR [--squad DIR] [--wordnet DIR] [--out DIR] [--measure]\n\nFits the answer engine's parameters on the briefings' own questions and answers.\nSee the package documentation (go doc ./cmd/train) and the README.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.corpus == "" {
		fs.Usage()
		return c, errors.New("--corpus is required")
	}
	for _, d := range []struct {
		s string
		t *time.Time
	}{{*before, &c.before}, {*dev, &c.dev}, {*from, &c.from}} {
		t, err := time.Parse("2006-01-02", d.s)
		if err != nil {
			return c, fmt.Errorf("%q is not a date (YYYY-MM-DD)", d.s)
		}
		*d.t = t
	}
	switch c.bridge {
	case "learned", "vectors", "wordnet", "both", "none":
	default:
		return c, fmt.Errorf("--bridge %q: want learned, vectors, wordnet, both or none", c.bridge)
	}
	if c.every < 1 {
		return c, errors.New("--every must be at least 1")
	}
	return c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if c.work == "" {
		dir, err := os.MkdirTemp("", "briefbot-train-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		c.work = dir
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	if os.Getenv("TRAIN_DEBUG") != "" {
		debugPairs = stderr
	}
	if c.measure {
		return measure(ctx, c, stdout, logf)
	}
	// The fit takes a while: a folder it cannot write to is said now.
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	return fit(ctx, c, stdout, logf)
}

// briefings builds the index of the corpus's documents that m lets
// through, with m's chosen questions taken out, and opens it merged into
// one segment.
func briefings(ctx context.Context, c config, m *miner, name string, logf func(string, ...any)) (*index.Index, error) {
	dir := filepath.Join(c.work, name)
	saved := filepath.Join(c.work, name+".pairs.gob")
	// A --work folder from an earlier run keeps its index and pairs.
	if f, err := os.Open(saved); err == nil {
		var old miner
		err = gob.NewDecoder(f).Decode(&old)
		f.Close()
		if err == nil {
			if idx, err := index.Open(dir); err == nil {
				*m = old
				logf("reusing the index and %d pairs in %s", len(m.Pairs), dir)
				return idx, nil
			}
		}
	}
	files, err := corpus.List(c.corpus)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	m.choose(files.Documents())
	if _, err := index.BuildFrom(ctx, dir, m.filter(files.Documents()), nil); err != nil {
		return nil, err
	}
	idx, err := index.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := idx.Optimize(ctx); err != nil {
		idx.Close()
		return nil, err
	}
	logf("indexed %d documents (%d questions taken out, %d pairs) in %s", m.Docs, m.Removed, len(m.Pairs), time.Since(start).Round(time.Second))
	if f, err := os.Create(saved); err == nil {
		gob.NewEncoder(f).Encode(m)
		f.Close()
	}
	return idx, nil
}

// splitTitles divides title questions by date as split does pairs.
func splitTitles(ts []titleQuestion, cut time.Time, maxTrain, maxDev int) (train, dev []titleQuestion) {
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].Key != ts[j].Key {
			return ts[i].Key < ts[j].Key
		}
		return ts[i].DocID < ts[j].DocID
	})
	for _, t := range ts {
		switch {
		case t.Date.Before(cut) && len(train) < maxTrain:
			train = append(train, t)
		case !t.Date.Before(cut) && len(dev) < maxDev:
			dev = append(dev, t)
		}
	}
	return train, dev
}

// titleExamples asks the questions written from titles; a candidate
// answers when it comes from the document whose title the question was
// written from.
func titleExamples(ctx context.Context, eng *answer.Engine, ts []titleQuestion) ([]*example, error) {
	out := make([]*example, 0, len(ts))
	for _, tq := range ts {
		u, cands, err := eng.Candidates(ctx, answer.Question{Text: tq.Question})
		if err != nil && !errors.Is(err, answer.ErrEmptyQuestion) {
			return nil, err
		}
		ex := &example{Set: "title", Pos: make([]bool, len(cands))}
		for i, cd := range cands {
			ex.Kind = kindIndex(cd.Kind)
			ex.Cands = append(ex.Cands, cd.Features)
			ex.Pos[i] = cd.DocID == tq.DocID
		}
		if debugPairs != nil && len(out) < 30 {
			fmt.Fprintf(debugPairs, "title %s %q\n   topic=%q speakers=%q period=%q cands=%d answering=%v\n", tq.DocID, tq.Question, u.Topic, u.Speakers, u.Period, len(cands), anyTrue(ex.Pos))
		}
		out = append(out, ex)
	}
	return out, nil
}

// debugPairs, when set (TRAIN_DEBUG=1), gets how the first questions of
// each set were read and whether a candidate answers them.
var debugPairs io.Writer

// examples asks eng every pair's question, within the pair's day ("day")
// or over the whole corpus ("all"), and labels the candidates that lie in
// the answering turn.
func examples(ctx context.Context, eng *answer.Engine, idx *index.Index, pairs []pair, set string) ([]*example, error) {
	out := make([]*example, 0, len(pairs))
	for _, p := range pairs {
		q := answer.Question{Text: p.Question}
		if set == "day" {
			d := time.Date(p.Date.Year(), p.Date.Month(), p.Date.Day(), 0, 0, 0, 0, time.UTC)
			q.Since, q.Until = d, d.Add(24*time.Hour-time.Nanosecond)
		}
		u, cands, err := eng.Candidates(ctx, q)
		if err != nil && !errors.Is(err, answer.ErrEmptyQuestion) {
			return nil, err
		}
		ex := &example{Set: set, Pos: make([]bool, len(cands))}
		doc := docCache(idx)
		for i, cd := range cands {
			ex.Kind = kindIndex(cd.Kind)
			ex.Cands = append(ex.Cands, cd.Features)
			ex.Pos[i] = p.answers(cd.DocID, cd.Start, cd.End, cd.Date, doc)
		}
		if debugPairs != nil && len(out) < 40 {
			fmt.Fprintf(debugPairs, "%s %s %q\n   topic=%q speakers=%q period=%q latest=%v cands=%d answering=%v\n", set, p.DocID, p.Question, u.Topic, u.Speakers, u.Period, u.Latest, len(cands), anyTrue(ex.Pos))
		}
		out = append(out, ex)
	}
	return out, nil
}

func kindIndex(k string) int {
	for i, n := range kinds {
		if n == k {
			return i
		}
	}
	return 0
}

// qaItem is a line of a SQuAD question file.
type qaItem struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Answers  []string `json:"answers"`
}

func readQA(path string) ([]qaItem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []qaItem
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var it qaItem
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, it)
	}
	return out, sc.Err()
}

// fold lower-cases s and folds punctuation and white space, as the eval
// compares answers.
func fold(s string) string {
	var b strings.Builder
	space := true
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// qaExamples asks questions in the eval's format: SQuAD's of their own
// articles (set "squad"), users' of the briefings ("user"), where a
// candidate answers when it holds one of the question's answers, or
// off-topic ones ("offtopic", "offuser"), which nothing answers.
func qaExamples(ctx context.Context, eng *answer.Engine, idx *index.Index, items []qaItem, set string) ([]*example, error) {
	var out []*example
	for _, it := range items {
		_, cands, err := eng.Candidates(ctx, answer.Question{Text: it.Question})
		if err != nil && !errors.Is(err, answer.ErrEmptyQuestion) {
			return nil, err
		}
		ex := &example{Set: set}
		if !offTopic(set) {
			ex.Pos = make([]bool, len(cands))
		}
		var answers []string
		for _, a := range it.Answers {
			if f := fold(a); f != "" {
				answers = append(answers, f)
			}
		}
		for i, cd := range cands {
			ex.Kind = kindIndex(cd.Kind)
			ex.Cands = append(ex.Cands, cd.Features)
			if ex.Pos == nil {
				continue
			}
			d, err := idx.Document(cd.DocID)
			if err != nil {
				return nil, err
			}
			text := " " + fold(d.Body[cd.Start:cd.End]) + " "
			for _, a := range answers {
				if strings.Contains(text, " "+a+" ") {
					ex.Pos[i] = true
				}
			}
		}
		out = append(out, ex)
	}
	return out, nil
}

// splitItems puts every other item on each side, at most n per side.
func splitItems(items []qaItem, n int) (a, b []qaItem) {
	for i, it := range items {
		if i%2 == 0 {
			a = append(a, it)
		} else {
			b = append(b, it)
		}
	}
	if n > 0 {
		a, b = a[:min(n, len(a))], b[:min(n, len(b))]
	}
	return a, b
}

// rankLayout returns the embedded parameters' ranking weights in the
// trainer's layout.
func rankLayout(p answer.Params) []float64 {
	w := make([]float64, nRank)
	for i, n := range base {
		w[i] = p.Rank[n]
	}
	for k, n := range kinds {
		tw := p.Type[n]
		w[nBase+2*k], w[nBase+2*k+1] = tw[0], tw[1]
	}
	return w
}

// confLayout returns the embedded confidence.
func confLayout(p answer.Params) confModel {
	conv := func(l answer.Logistic) logit {
		out := logit{bias: l.Bias, w: make([]float64, nBase)}
		for i, n := range base {
			out.w[i] = l.Weights[n]
		}
		return out
	}
	return confModel{on: conv(p.OnTopic), hit: conv(p.Hit)}
}

// logisticOut is l in the file format.
func logisticOut(l logit) answer.Logistic {
	out := answer.Logistic{Bias: round6(l.bias), Weights: make(map[string]float64)}
	for i, n := range base {
		if l.w[i] != 0 {
			out.Weights[n] = round6(l.w[i])
		}
	}
	return out
}

// dataset is what the fit needs from the questions asked: reusable with
// --cache.
type dataset struct {
	Train, Dev []*example
	Bridge     answer.Bridge
	Background map[string]float64
	PairsTrain int
	PairsDev   int
}

func fit(ctx context.Context, c config, stdout io.Writer, logf func(string, ...any)) error {
	var ds dataset
	if c.cache != "" {
		if f, err := os.Open(c.cache); err == nil {
			err = gob.NewDecoder(f).Decode(&ds)
			f.Close()
			if err != nil {
				return fmt.Errorf("read %s: %w", c.cache, err)
			}
			logf("read the asked questions from %s", c.cache)
			return fitData(c, ds, stdout)
		}
	}
	ds, err := ask(ctx, c, logf)
	if err != nil {
		return err
	}
	if c.cache != "" {
		f, err := os.Create(c.cache)
		if err != nil {
			return err
		}
		if err := gob.NewEncoder(f).Encode(ds); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return fitData(c, ds, stdout)
}

// ask mines the pairs, builds the indexes and asks every question.
func ask(ctx context.Context, c config, logf func(string, ...any)) (dataset, error) {
	var ds dataset
	m := &miner{Before: c.before, Every: uint64(c.every)}
	idx, err := briefings(ctx, c, m, "briefings", logf)
	if err != nil {
		return ds, err
	}
	defer idx.Close()
	eng := answer.New(idx)
	eng.Now = func() time.Time { return c.before }
	eng.Stable = true
	// The questions are asked with the trainer's own fixed parameters,
	// not the embedded ones: what is fitted must not depend on the file
	// it replaces.
	if err := eng.SetParams(start); err != nil {
		return ds, err
	}

	train, dev := split(m.Pairs, c.dev, c.maxTrain, c.maxDev)
	logf("pairs: %d train (before %s), %d dev", len(train), c.dev.Format("2006-01-02"), len(dev))

	// The bridge and the background first: the candidates' features
	// depend on them.
	br, err := buildBridge(c, eng, m, idx, logf)
	if err != nil {
		return ds, err
	}
	eng.Bridge = br
	var bg map[string]float64
	if c.wordnet != "" {
		bg, err = wordnetBackground(c.wordnet, func(s string) []string {
			var out []string
			for _, t := range idx.Analyze(s) {
				out = append(out, t.Term)
			}
			return out
		})
		if err != nil {
			return ds, err
		}
		eng.Background = answer.NewBackground(bg)
		logf("background: %d words of general English", len(bg))
	}

	var trainEx, devEx []*example
	for _, set := range []string{"day", "all"} {
		t, err := examples(ctx, eng, idx, train, set)
		if err != nil {
			return ds, err
		}
		d, err := examples(ctx, eng, idx, dev, set)
		if err != nil {
			return ds, err
		}
		trainEx, devEx = append(trainEx, t...), append(devEx, d...)
		logf("asked the %s questions (%d + %d)", set, len(t), len(d))
	}
	tt, td := splitTitles(m.Titles, c.dev, c.maxTrain, c.maxDev)
	t, err := titleExamples(ctx, eng, tt)
	if err != nil {
		return ds, err
	}
	d, err := titleExamples(ctx, eng, td)
	if err != nil {
		return ds, err
	}
	trainEx, devEx = append(trainEx, t...), append(devEx, d...)
	logf("asked %d + %d questions written from titles", len(t), len(d))
	if c.squad != "" {
		t, d, err := squadSets(ctx, c, eng, logf)
		if err != nil {
			return ds, err
		}
		trainEx, devEx = append(trainEx, t...), append(devEx, d...)
	}
	if c.questions != "" {
		t, d, err := userSets(ctx, c, eng, idx, logf)
		if err != nil {
			return ds, err
		}
		trainEx, devEx = append(trainEx, t...), append(devEx, d...)
	}

	for _, ex := range append(append([]*example(nil), trainEx...), devEx...) {
		ex.canonical()
	}
	ds.Train, ds.Dev, ds.Bridge, ds.Background = trainEx, devEx, br, bg
	ds.PairsTrain, ds.PairsDev = len(train), len(dev)
	return ds, nil
}

// fitData fits the parameters on the asked questions and writes them.
func fitData(c config, ds dataset, stdout io.Writer) error {
	trainEx, devEx, br, bg := ds.Train, ds.Dev, ds.Bridge, ds.Background
	old := answer.EmbeddedParams()
	w0 := rankLayout(start)
	// The ranking learns from the sets whose labels name the answering
	// sentences; over the whole corpus a reporter's question is answered
	// as well elsewhere, so "all" teaches nothing reliable there either.
	var rankEx []*example
	for _, ex := range trainEx {
		if strings.Contains(","+c.rankSets+",", ","+ex.Set+",") {
			rankEx = append(rankEx, ex)
		}
	}
	w := fitRank(rankEx, w0, c.rankL2, c.iters)

	pts := points(trainEx, w)
	cm := fitConfidence(pts, 0.01)
	devPts := points(devEx, w)
	// 92% of each held-out off-topic set declined: chosen on set A (dev)
	// and squad-a; at 93% a fresh fit declined more of A's answerable
	// questions (answered 0.891 against 0.914) and put squad-a's hit@3
	// under 0.90. The small set of users' off-topic questions makes the
	// bound vary between fresh fits by about 0.02.
	bands := chooseBands(devPts, cm, 0.92, 0.92, 0.75, 30)

	p := answer.Params{
		Rank: make(map[string]float64), Type: make(map[string][2]float64),
		OnTopic: logisticOut(cm.on), Hit: logisticOut(cm.hit), Bands: bands, KindPriors: start.KindPriors,
	}
	for i, n := range base {
		if i != fYes && i != fNo && !questionLevel[n] && w[i] != 0 {
			p.Rank[n] = round6(w[i])
		}
	}
	// What the fit cannot learn from reporters' questions stays as set
	// by hand (see heldFixed).
	for n := range heldFixed {
		if v, ok := start.Rank[n]; ok {
			p.Rank[n] = v
		}
	}
	for k, n := range kinds {
		p.Type[n] = [2]float64{round6(w[nBase+2*k]), round6(w[nBase+2*k+1])}
	}
	meta := map[string]any{
		"fitted_by": "go run ./cmd/train (see README: Refitting)",
		"before":    c.before.Format("2006-01-02"), "dev_from": c.dev.Format("2006-01-02"),
		"pairs_train": ds.PairsTrain, "pairs_dev": ds.PairsDev, "bridge": c.bridge,
		"squad": c.squad != "", "wordnet": c.wordnet != "", "questions": c.questions != "",
	}
	p.Meta = make(map[string]json.RawMessage)
	for k, v := range meta {
		b, _ := json.Marshal(v)
		p.Meta[k] = b
	}

	// The report: before (the embedded parameters) and after, on dev.
	fmt.Fprintf(stdout, "held-out (dev) questions, ranked with the embedded weights -> the fitted ones:\n")
	w0 = rankLayout(old)
	report(stdout, devEx, w0, w, confLayout(old), old.Bands, cm, bands)
	if err := writeOut(c.out, p, br); err != nil {
		return err
	}
	if bg != nil {
		if err := writeBackground(filepath.Join(c.out, "background.tsv"), bg); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote %s and %s\n", filepath.Join(c.out, "params.json"), filepath.Join(c.out, "bridge.tsv"))
	return nil
}

func round6(x float64) float64 { return float64(int64(x*1e6+copysign(0.5, x))) / 1e6 }

func copysign(a, b float64) float64 {
	if b < 0 {
		return -a
	}
	return a
}

// squadSets builds the SQuAD index and asks its questions of their own
// articles (ranking data) and of the briefings (off-topic questions).
func squadSets(ctx context.Context, c config, brief *answer.Engine, logf func(string, ...any)) (train, dev []*example, err error) {
	items, err := readQA(filepath.Join(c.squad, "squad-a.qa.jsonl"))
	if err != nil {
		return nil, nil, err
	}
	var answerable []qaItem
	for _, it := range items {
		if len(it.Answers) > 0 {
			answerable = append(answerable, it)
		}
	}
	// Off-topic: the Wikipedia questions asked of the briefings.
	offA, offB := splitItems(answerable, c.maxOff)
	ta, err := qaExamples(ctx, brief, nil, offA, "offtopic")
	if err != nil {
		return nil, nil, err
	}
	tb, err := qaExamples(ctx, brief, nil, offB, "offtopic")
	if err != nil {
		return nil, nil, err
	}
	train, dev = append(train, ta...), append(dev, tb...)
	logf("asked %d + %d off-topic questions of the briefings", len(ta), len(tb))

	files, err := corpus.List(filepath.Join(c.squad, "squad-a.corpus.jsonl"))
	if err != nil {
		return nil, nil, err
	}
	dir := filepath.Join(c.work, "squad")
	if _, err := index.BuildFrom(ctx, dir, seq2(files), nil); err != nil {
		return nil, nil, err
	}
	sq, err := index.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	defer sq.Close()
	if err := sq.Optimize(ctx); err != nil {
		return nil, nil, err
	}
	eng := answer.New(sq)
	eng.Bridge, eng.Background, eng.Stable = brief.Bridge, brief.Background, true
	if err := eng.SetParams(start); err != nil {
		return nil, nil, err
	}
	a, b := splitItems(answerable, 0)
	sa, err := qaExamples(ctx, eng, sq, a, "squad")
	if err != nil {
		return nil, nil, err
	}
	sb, err := qaExamples(ctx, eng, sq, b, "squad")
	if err != nil {
		return nil, nil, err
	}
	logf("asked %d + %d SQuAD questions of their articles", len(sa), len(sb))
	return append(train, sa...), append(dev, sb...), nil
}

// userSets asks the question sets in c.questions of the briefings:
// every other question trains, the rest are held out. Answerable
// questions form the set "user", off-topic ones "offuser".
func userSets(ctx context.Context, c config, eng *answer.Engine, idx *index.Index, logf func(string, ...any)) (train, dev []*example, err error) {
	files, err := filepath.Glob(filepath.Join(c.questions, "*.jsonl"))
	if err != nil {
		return nil, nil, err
	}
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("--questions %s: no .jsonl files", c.questions)
	}
	sort.Strings(files)
	var answerable, off []qaItem
	for _, f := range files {
		items, err := readQA(f)
		if err != nil {
			return nil, nil, err
		}
		for _, it := range items {
			if len(it.Answers) > 0 {
				answerable = append(answerable, it)
			} else {
				off = append(off, it)
			}
		}
	}
	for _, s := range []struct {
		items []qaItem
		set   string
	}{{answerable, "user"}, {off, "offuser"}} {
		a, b := splitItems(s.items, 0)
		ta, err := qaExamples(ctx, eng, idx, a, s.set)
		if err != nil {
			return nil, nil, err
		}
		tb, err := qaExamples(ctx, eng, idx, b, s.set)
		if err != nil {
			return nil, nil, err
		}
		train, dev = append(train, ta...), append(dev, tb...)
		logf("asked %d + %d %s questions from %s", len(ta), len(tb), s.set, c.questions)
	}
	return train, dev, nil
}

func seq2(files *corpus.Files) func(func(corpus.Document, error) bool) {
	return func(yield func(corpus.Document, error) bool) {
		for d := range files.Documents() {
			if !yield(d, nil) {
				return
			}
		}
	}
}

// buildBridge learns word substitutions from every training pair and adds
// WordNet's relations, as --bridge says.
func buildBridge(c config, eng *answer.Engine, m *miner, idx *index.Index, logf func(string, ...any)) (answer.Bridge, error) {
	var parts []answer.Bridge
	if c.bridge == "learned" || c.bridge == "both" {
		subs := newSubstitutions()
		for _, tp := range m.Texts {
			if tp.Date.Before(c.dev) {
				subs.add(stems(eng, tp.Q), stems(eng, tp.A))
			}
		}
		b := subs.bridge()
		logf("learned %d word associations from %.0f pairs", len(b), subs.n)
		parts = append(parts, b)
	}
	if c.bridge == "vectors" || c.bridge == "both" {
		files, err := corpus.List(c.corpus)
		if err != nil {
			return nil, err
		}
		before := func(yield func(corpus.Document) bool) {
			for d := range files.Documents() {
				if d.Date.Before(c.before) && !yield(d) {
					return
				}
			}
		}
		b := vectorBridge(before, eng)
		logf("the corpus's own word vectors relate %d words", len(b))
		parts = append(parts, b)
	}
	if (c.bridge == "wordnet" || c.bridge == "both") && c.wordnet != "" {
		known := func(word string) (string, bool) {
			toks := idx.Analyze(word)
			if len(toks) != 1 {
				return "", false
			}
			if df, _ := idx.DocFreq(toks[0].Term); df < 3 {
				return "", false
			}
			return index.Stem(toks[0].Term), true
		}
		b, err := wordnetBridge(c.wordnet, known)
		if err != nil {
			return nil, err
		}
		logf("WordNet relates %d words", len(b))
		parts = append(parts, b)
	}
	return mergeBridges(parts...), nil
}

// writeOut writes the parameters and the bridge.
func writeOut(dir string, p answer.Params, br answer.Bridge) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "params.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("# The lexical bridge, written by cmd/train: question stem<TAB>related stem:strength ...\n")
	if err := br.Write(&buf); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "bridge.tsv"), buf.Bytes(), 0o644)
}

// report prints, per set, hit@1 and hit@3 under the old and new weights,
// and how the confidence bands hold up.
func report(w io.Writer, exs []*example, w0, w1 []float64, ocm confModel, obands answer.Bands, ncm confModel, nbands answer.Bands) {
	sets := map[string][]*example{}
	var names []string
	for _, ex := range exs {
		if _, ok := sets[ex.Set]; !ok {
			names = append(names, ex.Set)
		}
		sets[ex.Set] = append(sets[ex.Set], ex)
	}
	sort.Strings(names)
	for _, s := range names {
		if offTopic(s) {
			continue
		}
		h1a, h3a := hits(sets[s], w0)
		h1b, h3b := hits(sets[s], w1)
		fmt.Fprintf(w, "  %-8s %4d questions  hit@1 %.3f -> %.3f   hit@3 %.3f -> %.3f   (a candidate answers: %.3f)\n", s, len(sets[s]), h1a, h1b, h3a, h3b, recall(sets[s]))
	}
	for _, v := range []struct {
		name  string
		w     []float64
		cm    confModel
		bands answer.Bands
	}{{"embedded", w0, ocm, obands}, {"fitted", w1, ncm, nbands}} {
		fmt.Fprintf(w, "  %s confidence, bands answer %.3f medium %.3f high %.3f:\n", v.name, v.bands.Answer, v.bands.Medium, v.bands.High)
		for _, s := range names {
			bandReport(w, s, points(sets[s], v.w), v.cm, v.bands)
		}
	}
}

// recall is the share of questions with an answering candidate at all.
func recall(exs []*example) float64 {
	n := 0
	for _, ex := range exs {
		if anyTrue(ex.Pos) {
			n++
		}
	}
	return float64(n) / float64(max(1, len(exs)))
}

func hits(exs []*example, w []float64) (h1, h3 float64) {
	if len(exs) == 0 {
		return 0, 0
	}
	for _, ex := range exs {
		s := rankScores(ex, w)
		if hitAt(ex, s, 1) {
			h1++
		}
		if hitAt(ex, s, 3) {
			h3++
		}
	}
	return h1 / float64(len(exs)), h3 / float64(len(exs))
}

// bandReport prints for one set how many questions each band got and how
// many of those were right (answered questions) or declined (off-topic).
func bandReport(w io.Writer, set string, pts []point, cm confModel, b answer.Bands) {
	type tally struct{ n, hit int }
	t := map[string]*tally{"high": {}, "medium": {}, "low": {}, "none": {}}
	for _, p := range pts {
		c := cm.p(p.f)
		band := "none"
		switch {
		case c >= b.High:
			band = "high"
		case c >= b.Medium:
			band = "medium"
		case c >= b.Answer:
			band = "low"
		}
		t[band].n++
		if p.hit {
			t[band].hit++
		}
	}
	answered := t["high"].n + t["medium"].n + t["low"].n
	fmt.Fprintf(w, "    %-8s answered %.3f", set, float64(answered)/float64(max(1, len(pts))))
	for _, band := range []string{"high", "medium", "low"} {
		x := t[band]
		fmt.Fprintf(w, "  %s %d (right %.2f)", band, x.n, float64(x.hit)/float64(max(1, x.n)))
	}
	fmt.Fprintf(w, "  declined %d\n", t["none"].n)
}

// measure reports the embedded parameters on pairs never fitted on:
// those dated from c.from, over the whole corpus with their questions
// taken out.
func measure(ctx context.Context, c config, stdout io.Writer, logf func(string, ...any)) error {
	m := &miner{From: c.from, Every: uint64(c.every)}
	idx, err := briefings(ctx, c, m, "all", logf)
	if err != nil {
		return err
	}
	defer idx.Close()
	eng := answer.New(idx)
	eng.Stable = true
	pairs := sample(m.Pairs, c.maxDev)
	p := answer.EmbeddedParams()
	w := rankLayout(p)
	cm := confLayout(p)
	fmt.Fprintf(stdout, "%d pairs dated from %s, whole corpus (%d documents), embedded parameters:\n", len(pairs), c.from.Format("2006-01-02"), m.Docs)
	var all []*example
	for _, set := range []string{"day", "all"} {
		exs, err := examples(ctx, eng, idx, pairs, set)
		if err != nil {
			return err
		}
		all = append(all, exs...)
		b := baseline(ctx, idx, pairs, set)
		h1, h3 := hits(exs, w)
		fmt.Fprintf(stdout, "  %-4s hit@1 %.3f  hit@3 %.3f   (plain BM25 passages: hit@1 %.3f hit@3 %.3f)\n", set, h1, h3, b[0], b[1])
	}
	if c.squad != "" {
		items, err := readQA(filepath.Join(c.squad, "squad-a.qa.jsonl"))
		if err != nil {
			return err
		}
		var off []qaItem
		for _, it := range items {
			if len(it.Answers) > 0 {
				off = append(off, it)
			}
		}
		_, b := splitItems(off, c.maxOff)
		exs, err := qaExamples(ctx, eng, nil, b, "offtopic")
		if err != nil {
			return err
		}
		all = append(all, exs...)
	}
	fmt.Fprintf(stdout, "  bands answer %.3f medium %.3f high %.3f:\n", p.Bands.Answer, p.Bands.Medium, p.Bands.High)
	sets := map[string][]*example{}
	for _, ex := range all {
		sets[ex.Set] = append(sets[ex.Set], ex)
	}
	for _, s := range []string{"day", "all", "offtopic"} {
		if len(sets[s]) > 0 {
			bandReport(stdout, s, points(sets[s], w), cm, p.Bands)
		}
	}
	return nil
}

// docCache reads documents from idx, each once.
func docCache(idx *index.Index) func(string) (corpus.Document, error) {
	docs := make(map[string]corpus.Document)
	return func(id string) (corpus.Document, error) {
		if d, ok := docs[id]; ok {
			return d, nil
		}
		d, err := idx.Document(id)
		if err == nil {
			docs[id] = d
		}
		return d, err
	}
}

// baseline is plain BM25 over passages: Bleve's ranking of the question's
// words, every word kept; a hit is a passage of the answering turn (or
// of a copy of it, see pair.answers) among the first one or three.
func baseline(ctx context.Context, idx *index.Index, pairs []pair, set string) [2]float64 {
	var h [2]float64
	for _, p := range pairs {
		q := index.Query{Size: 3}
		for _, t := range idx.Analyze(p.Question) {
			q.Terms = append(q.Terms, t.Term)
		}
		if set == "day" {
			d := time.Date(p.Date.Year(), p.Date.Month(), p.Date.Day(), 0, 0, 0, 0, time.UTC)
			q.Since, q.Until = d, d
		}
		hits, err := idx.Search(ctx, q)
		if err != nil {
			continue
		}
		doc := docCache(idx)
		for i, hit := range hits {
			d, err := doc(hit.DocID)
			if err != nil || hit.Passage >= len(d.Passages) {
				continue
			}
			ps := d.Passages[hit.Passage]
			if p.answers(hit.DocID, ps.Start, ps.End, d.Date, doc) {
				if i == 0 {
					h[0]++
				}
				h[1]++
				break
			}
		}
	}
	n := float64(max(1, len(pairs)))
	return [2]float64{h[0] / n, h[1] / n}
}
