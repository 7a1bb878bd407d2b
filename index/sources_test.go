package index_test

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/briefbot/briefbot/corpus"
	"github.com/briefbot/briefbot/index"
)

// TestSourceWhiteHouseArchives: source:whitehouse.gov finds the documents
// the National Archives host for past administrations; an archive host
// alone finds only its own.
func TestSourceWhiteHouseArchives(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	day := time.Date(2023, 3, 31, 0, 0, 0, 0, time.UTC)
	build(t, dir, []corpus.Document{
		newDoc("now", "Now", day, "whitehouse.gov", "The tariffs on steel stay."),
		newDoc("biden", "Biden", day, "bidenwhitehouse.archives.gov", "The tariffs on steel stay."),
		newDoc("news", "News", day, "example.com", "The tariffs on steel stay."),
	})
	x := open(t, dir)
	for _, tt := range []struct {
		source string
		want   []string
	}{
		{"whitehouse.gov", []string{"biden#0", "now#0"}},
		{"bidenwhitehouse.archives.gov", []string{"biden#0"}},
		{"example.com", []string{"news#0"}},
	} {
		if got := search(t, x, index.Query{Source: tt.source}, "steel tariffs"); !slices.Equal(got, tt.want) {
			t.Errorf("source:%s found %q, want %q", tt.source, got, tt.want)
		}
	}
}

// TestSources: the record of corpus files round-trips, and an empty root
// forgets it.
func TestSources(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	build(t, dir, nil)
	x := open(t, dir)
	if root, files, err := x.Sources(); err != nil || root != "" || len(files) != 0 {
		t.Fatalf("Sources of a new index = %q, %v, %v; want none", root, files, err)
	}
	mod := time.Date(2024, 5, 1, 12, 0, 0, 123, time.UTC)
	put := map[string]index.Source{
		"a.txt":   {Stamp: corpus.Stamp{Size: 10, Mod: mod}, IDs: []string{"a.txt"}},
		"b.jsonl": {Stamp: corpus.Stamp{Size: 20, Mod: mod}, IDs: []string{"x", "y"}, Recheck: true},
	}
	if err := x.PutSources("/corpus", put, nil, true); err != nil {
		t.Fatal(err)
	}
	if err := x.PutSources("/corpus", nil, []string{"a.txt"}, false); err != nil {
		t.Fatal(err)
	}
	root, files, err := x.Sources()
	if err != nil || root != "/corpus" || len(files) != 1 || !files["b.jsonl"].Recheck ||
		!slices.Equal(files["b.jsonl"].IDs, []string{"x", "y"}) || !files["b.jsonl"].Stamp.Mod.Equal(mod) {
		t.Errorf("Sources = %q, %+v, %v", root, files, err)
	}
	if err := x.PutSources("", nil, nil, true); err != nil {
		t.Fatal(err)
	}
	if root, files, _ := x.Sources(); root != "" || len(files) != 0 {
		t.Errorf("Sources after forgetting = %q, %v", root, files)
	}
}
