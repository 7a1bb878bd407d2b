// Package answer turns a question into one to three verbatim, cited quotes
// from the indexed corpus, and composes digests of new documents.
package answer

import "time"

// Question is what a person asked, with optional filters parsed from the
// text (see ParseQuestion).
type Question struct {
	Text    string    // the question without filter tokens
	Since   time.Time // only documents dated on or after (zero: no limit)
	Until   time.Time // only documents dated on or before (zero: no limit)
	Source  string    // publisher host, such as "whitehouse.gov"
	Speaker string    // case-insensitive substring of the speaker label, such as "psaki"
}

// Quote is a verbatim span of a source document with its citation.
type Quote struct {
	Text    string    // verbatim text of Body[Start:End]
	Speaker string    // who said it ("" when the document does not say)
	DocID   string    // corpus.Document.ID
	Title   string    // document title
	Source  string    // publisher ("whitehouse.gov")
	Kind    string    // document kind ("press-briefings", "news", ...)
	Date    time.Time // document date (zero when unknown)
	URL     string    // link to the document
	Start   int       // byte offset of the quote in the document body
	End     int       // byte offset just past the quote
	Score   float64   // relevance, higher is better
}

// Answer is the reply to a Question. When NoAnswer is set, Quotes is empty
// and Related holds up to three of the closest passages.
type Answer struct {
	Question   Question
	Quotes     []Quote
	Confidence float64 // 0..1
	NoAnswer   bool
	Related    []Quote
	Took       time.Duration
}

// Digest summarises the documents added to the corpus in a period.
type Digest struct {
	Since, Until time.Time
	Stories      []Story
	More         int // stories left out to stay within length limits
	CutForSize   int // of More, those left out only to fit one chat message
}

// Story is one document in a digest, or several near-duplicates merged.
type Story struct {
	Title     string
	URL       string
	Source    string
	Kind      string
	Date      time.Time
	Sentences []Quote // its 2-3 most informative sentences, verbatim
	Also      []Link  // the same story from other sources
	Related   []Link  // related documents grouped under this story
}

// Link is a cited document.
type Link struct {
	Title  string
	URL    string
	Source string
	Date   time.Time
}
