package answer_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// benchEngine indexes docs into a temporary directory and returns an
// engine over it.
func benchEngine(b *testing.B, docs []corpus.Document) *answer.Engine {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "index")
	if _, err := index.Build(context.Background(), dir, docs, nil); err != nil {
		b.Fatalf("build index: %v", err)
	}
	idx, err := index.Open(dir)
	if err != nil {
		b.Fatalf("open index: %v", err)
	}
	b.Cleanup(func() { idx.Close() })
	return answer.New(idx)
}

func benchAsk(b *testing.B, eng *answer.Engine, texts []string) {
	b.Helper()
	qs := make([]answer.Question, len(texts))
	for i, s := range texts {
		q, err := answer.ParseQuestion(s)
		if err != nil {
			b.Fatalf("ParseQuestion(%q): %v", s, err)
		}
		qs[i] = q
	}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := eng.Ask(ctx, qs[i%len(qs)]); err != nil && !errors.Is(err, answer.ErrEmptyQuestion) {
			b.Fatalf("Ask(%q): %v", qs[i%len(qs)].Text, err)
		}
		i++
	}
}

// BenchmarkAsk answers questions round-robin over the bundled sample.
func BenchmarkAsk(b *testing.B) {
	docs, _, err := corpus.LoadFS(corpus.Sample(), ".")
	if err != nil {
		b.Fatal(err)
	}
	benchAsk(b, benchEngine(b, docs), []string{
		"Will the US send troops to Ukraine?",
		"What did the press secretary say about inflation?",
		"Who announced the sanctions?",
		"How many people were affected?",
		"When was the agreement signed?",
	})
}

// briefingRoomCorpus is where the full Briefing Room corpus is looked
// for: $BRIEFBOT_BENCH_CORPUS, the shared checkout, or /tmp/wh.
func briefingRoomCorpus() string {
	// ../shared/corpus holds the corpus as a tarball, not as files: unpack
	// it (see BENCHMARKS.md) and point BRIEFBOT_BENCH_CORPUS at the folder.
	for _, p := range []string{os.Getenv("BRIEFBOT_BENCH_CORPUS"), "/tmp/wh"} {
		if p == "" {
			continue
		}
		if ents, err := os.ReadDir(p); err == nil && len(ents) > 0 {
			return p
		}
	}
	return ""
}

// BenchmarkAskBriefingRoom answers questions over the full Briefing Room
// corpus (about 14,000 documents). Building its index takes minutes, so the
// benchmark runs only where the corpus is present.
func BenchmarkAskBriefingRoom(b *testing.B) {
	dir := briefingRoomCorpus()
	if dir == "" {
		b.Skip("Briefing Room corpus not found: unpack ../shared/corpus/wh-briefing-room-2021-2026.tar.gz into /tmp/wh or set BRIEFBOT_BENCH_CORPUS")
	}
	docs, _, err := corpus.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	if len(docs) < 1000 {
		b.Fatalf("%s holds %d documents; want the unpacked Briefing Room corpus (about 14,000)", dir, len(docs))
	}
	eng := benchEngine(b, docs)
	questions := []string{
		"Will the US send troops to Ukraine?",
		"How much student debt will be cancelled?",
		"What tariffs are on Chinese goods?",
		"How many hostages are still held in Gaza?",
		"How much does the CHIPS Act invest in semiconductor manufacturing?",
		"When did the COVID-19 public health emergency end?",
		"What is the administration doing at the southern border?",
		"How much money goes to roads and bridges in the infrastructure law?",
	}
	// One goroutine against the engine's default (one per processor, at
	// most four) for reading and scoring a question's passages.
	b.Run("workers=1", func(b *testing.B) {
		answer.SetWorkers(eng, 1)
		benchAsk(b, eng, questions)
	})
	b.Run("workers=default", func(b *testing.B) {
		answer.SetWorkers(eng, 0)
		benchAsk(b, eng, questions)
	})
}
