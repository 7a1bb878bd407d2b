package main

import "github.com/briefbot/briefbot/answer"

// start is where the ranking fit begins, and hand holds the weights and
// priors that reporters' questions cannot teach (see heldFixed): both
// are part of the trainer, not read from the embedded parameters, so that
// refitting gives the same file whatever params.json held before.
var start = answer.Params{
	Rank: map[string]float64{
		"match": 0.95, "cov": 0.64, "adj": 0.47, "pass": 0.14, "qturn": 0.14, "title": 0.71,
		"bridge": 0.3, "hit": 0.28, "phrase": 0.09, "verb": 0.1, "rank": -0.0013, "doc": 0.14, "doc_caps": 0.3,
		"no_new": -0.08, "title_has": 0.2, "consensus": 0.3, "central": 0.3,
		// Held fixed: a briefing or a statement over a proclamation (the
		// kind priors below, weighed once); an official's words; the
		// person the question is about; and recency by how much the
		// question asks for it. A third party quoted in a release
		// (reactions, clippings) is not what the administration said, and
		// the reporters' questions have none to learn from.
		"kind": 1.0, "named": 0.05, "subject": 0.15, "age": 0, "age_soft": 0.15, "age_strong": 0.6, "third": -6,
	},
	Type: map[string][2]float64{
		"person": {0.15, -0.05}, "time": {0.2, -0.2}, "number": {0.2, -0.2}, "place": {0.1, 0}, "yesno": {0.03, 0},
	},
	KindPriors: map[string]float64{
		"briefing": 0.05, "remarks": 0.03, "statement": 0.05, "fact-sheet": 0, "readout": 0,
		"action": -0.1, "nomination": -0.2, "roundup": -0.1, "article": -0.02, "other": 0,
	},
}
