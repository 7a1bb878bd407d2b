package index_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

func sampleIndex(b *testing.B) *index.Index {
	b.Helper()
	docs, _, err := corpus.LoadFS(corpus.Sample(), ".")
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(b.TempDir(), "idx")
	if _, err := index.Build(context.Background(), dir, docs, nil); err != nil {
		b.Fatal(err)
	}
	x, err := index.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { x.Close() })
	return x
}

var benchQueries = []string{
	"will the us send troops to ukraine",
	"inflation prices gas",
	"who announced the sanctions",
	"how many people were affected",
}

// BenchmarkSearch runs Search (term disjunction over text and title) on
// the bundled sample, queries round-robin.
func BenchmarkSearch(b *testing.B) {
	x := sampleIndex(b)
	qs := make([]index.Query, len(benchQueries))
	for i, s := range benchQueries {
		for _, t := range x.Analyze(s) {
			qs[i].Terms = append(qs[i].Terms, t.Term)
		}
		qs[i].Size = 40
	}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := x.Search(ctx, qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRawMatch is the floor BenchmarkSearch is compared with.
func BenchmarkRawMatch(b *testing.B) {
	x := sampleIndex(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := x.RawMatch(ctx, benchQueries[i%len(benchQueries)], 10); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
