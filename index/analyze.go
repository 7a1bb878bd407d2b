package index

import (
	"bytes"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// normName is a token filter that folds spellings people use
// interchangeably: "U.S." and "US", "don’t" and "don't".
const normName = "briefbot_norm"

var registerOnce sync.Once

// registerAnalysis adds the project's token filter to Bleve's registry.
// Bleve looks filters up by name when an index is opened, so this runs
// before any mapping is built or index opened; sync.Once keeps it from
// registering twice.
func registerAnalysis() {
	registerOnce.Do(func() {
		err := registry.RegisterTokenFilter(normName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
			return normFilter{}, nil
		})
		if err != nil {
			panic(err) // only on a second registration, which Once prevents
		}
	})
}

type normFilter struct{}

var curlyApostrophe = []byte("’")

func (normFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if bytes.Contains(t.Term, curlyApostrophe) {
			t.Term = bytes.ReplaceAll(t.Term, curlyApostrophe, []byte("'"))
		}
		// Acronyms: "u.s" -> "us", "d.c" -> "dc"; numbers such as "1.5" keep
		// their point.
		if i := bytes.IndexByte(t.Term, '.'); i > 0 && isLetter(t.Term[i-1]) {
			t.Term = bytes.ReplaceAll(t.Term, []byte("."), nil)
		}
	}
	return in
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
