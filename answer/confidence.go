package answer

// Band is what a confidence means to a reader: every renderer (terminal,
// Slack, Discord) shows the band of an answer, never its own threshold.
type Band string

// The bands, from BandOf.
const (
	BandHigh   Band = "high"   // the first quote answers, nearly always
	BandMedium Band = "medium" // it usually does; check the source
	BandLow    Band = "low"    // it may not; the quotes are the closest found
	BandNone   Band = "none"   // the documents do not answer (Answer.NoAnswer)
)

// BandOf turns a confidence, the probability that the first quote
// answers, into its band. The bands' bounds are fitted with the
// confidence (params.json) on held-out questions written like users':
// "high" where the first quote was right more than nine times in ten,
// "medium" three in four. A bound of 1 is never reached: no confidence
// was right that often.
func BandOf(p float64) Band { return fitted.bands.of(p) }

func (b Bands) of(p float64) Band {
	switch {
	case b.High < 1 && p >= b.High:
		return BandHigh
	case b.Medium < 1 && p >= b.Medium:
		return BandMedium
	case p >= b.Answer:
		return BandLow
	}
	return BandNone
}

// Band is the band of the answer's confidence; BandNone when it has no
// answer, and at least BandLow when it has: the words of a speaker asked
// for, and a sentence naming the thing asked about, are quoted below the
// answering bound (see Engine.search).
func (a Answer) Band() Band {
	if a.NoAnswer || len(a.Quotes) == 0 {
		return BandNone
	}
	if b := BandOf(a.Confidence); b != BandNone {
		return b
	}
	return BandLow
}

// CurrentBands returns the bounds of the bands in use.
func CurrentBands() Bands { return fitted.bands }
