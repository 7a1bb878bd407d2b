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
	Speaker string    // whose words: a name, surname, label or office ("psaki", "the president")
	Latest  bool      // prefer the newest answers, as "latest" in the text does
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
	Understood Understanding // how the question was read
	Quotes     []Quote
	Confidence float64 // the probability that the first quote answers, 0..1; see Band
	NoAnswer   bool
	Related    []Quote
	// Note, when set, says plainly that the speaker or period the question
	// asked for has nothing that answers ("Nothing from Kirby about “Haiti”
	// in 2023 in the documents."). Outside then says that the quotes come
	// from outside them: other speakers or other times.
	Note    string
	Outside bool
	Took    time.Duration
}

// Understanding is how the engine read a question: its topic, whose words
// it wants and from when.
type Understanding struct {
	Topic    string    `json:"topic"`
	Speaker  string    `json:"speaker,omitempty"`  // as the question named them: "Kirby", "the press secretary"
	Speakers []string  `json:"speakers,omitempty"` // the names searched for
	Since    time.Time `json:"since,omitzero"`
	Until    time.Time `json:"until,omitzero"`
	Period   string    `json:"period,omitempty"` // "in 2023", "between 1 Mar 2023 and 15 Mar 2023"
	Latest   bool      `json:"latest,omitempty"` // the newest answers are preferred
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
