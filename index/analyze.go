package index

import (
	"bytes"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/bleve/v2/search"
)

// bm25B is the length normalisation of Bleve's BM25 (see
// registerAnalysis).
const bm25B = 0.3

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
		// Bleve's BM25 takes the average field length from the sizes of
		// its term dictionaries, far below the true average, so its
		// length normalisation punishes every passage of a few sentences
		// against headings and name lines ("ROBERT HUNTER BIDEN"). A
		// smaller b weakens it: measured on the Briefing Room, b = 0.3
		// retrieves an answering passage for more questions than the
		// default 0.75. Bleve keeps b in a package variable; this index
		// is its only user in the process.
		search.BM25_b = bm25B

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
		// One spelling of a word people write two ways.
		if alt, ok := spellings[string(t.Term)]; ok {
			t.Term = []byte(alt)
		}
		// Acronyms: "u.s" -> "us", "d.c" -> "dc"; numbers such as "1.5" keep
		// their point.
		if i := bytes.IndexByte(t.Term, '.'); i > 0 && isLetter(t.Term[i-1]) {
			t.Term = bytes.ReplaceAll(t.Term, []byte("."), nil)
		}
	}
	return in
}

// spellings fold variant spellings into one: the corpus writes "advisor",
// people ask for the "adviser".
var spellings = map[string]string{
	"adviser": "advisor", "advisers": "advisors", "judgement": "judgment",
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// stems caches Stem: the vocabulary of a corpus is bounded, so each word is
// stemmed once.
var stems sync.Map

// maxCachedStems bounds the cache for corpora with unusual vocabularies.
const maxCachedStems = 1 << 20

var cachedStems atomic.Int64

// Stem reduces an analysed term to its Snowball (Porter 2) stem, so that
// "invaded", "invading" and "invades" meet. The index keeps the lighter
// analysis for retrieval; stems are for comparing a question with a
// sentence.
func Stem(term string) string {
	if v, ok := stems.Load(term); ok {
		return v.(string)
	}
	env := snowballstem.NewEnv(term)
	english.Stem(env)
	s := env.Current()
	if cachedStems.Load() < maxCachedStems {
		stems.Store(term, s)
		cachedStems.Add(1)
	}
	return s
}
