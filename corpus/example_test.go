package corpus_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/briefbot/briefbot/corpus"
)

// A freshness check: compare the stamps of a corpus folder with those taken
// when it was last read, and read only what changed.
func ExampleSnapshot_Diff() {
	dir, _ := os.MkdirTemp("", "corpus-")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("Harbor\n\nThe harbor reopened.\n"), 0o644)
	before, _ := corpus.Scan(dir)

	os.WriteFile(filepath.Join(dir, "b.md"), []byte("Lighthouse\n\nThe keeper counted cranes.\n"), 0o644)
	after, _ := corpus.Scan(dir)
	changed, removed := after.Diff(before.Files)
	fmt.Println("changed:", changed, "removed:", removed)

	files, _ := corpus.ListPaths(dir, changed)
	for file, doc := range files.ByFile() {
		fmt.Println(file, "holds", doc.Title)
	}
	// Output:
	// changed: [b.md] removed: []
	// b.md holds Lighthouse
}
