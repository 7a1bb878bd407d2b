package main

import (
	"math"
	"testing"
)

// conf returns a point whose confidence under confOf is c.
func conf(set string, c float64, hit bool) point {
	f := make([]float64, nBase)
	f[0] = math.Log(c / (1 - c))
	return point{set: set, f: f, hit: hit}
}

// confOf is a confidence that is the logit of the first feature.
var confOf = confModel{
	on:  logit{bias: 50, w: make([]float64, nBase)},
	hit: logit{w: append([]float64{1}, make([]float64, nBase-1)...)},
}

func TestChooseBands(t *testing.T) {
	var pts []point
	// Off-topic: the users' questions score higher than SQuAD's, so they
	// set where answering begins.
	for i := range 10 {
		pts = append(pts, conf("offtopic", 0.01+0.01*float64(i), false))
		pts = append(pts, conf("offuser", 0.1+0.02*float64(i), false))
	}
	// Users' questions: right above 0.8, half right between 0.5 and 0.8.
	for i := range 10 {
		pts = append(pts, conf("user", 0.81+0.01*float64(i), true))
		pts = append(pts, conf("user", 0.5+0.02*float64(i), i%2 == 0))
	}
	// SQuAD's, all wrong and very confident: not what the bands are
	// judged on when there are users' questions.
	for i := range 10 {
		pts = append(pts, conf("squad", 0.95+0.001*float64(i), false))
	}
	b := chooseBands(pts, confOf, 0.9, 0.95, 0.7, 5)
	if math.Abs(b.Answer-0.261) > 0.0015 {
		t.Errorf("answer bound %.3f, want 0.261 (above 9 of 10 of the users' off-topic questions)", b.Answer)
	}
	if b.High < 0.8 || b.High > 0.81 {
		t.Errorf("high bound %.3f, want the lowest of the users' answers that are all right (0.81)", b.High)
	}
	if b.Medium >= b.High || b.Medium < b.Answer {
		t.Errorf("medium bound %.3f outside [answer %.3f, high %.3f)", b.Medium, b.Answer, b.High)
	}

	// Without users' questions the labelled sets decide, and a set that
	// is never right leaves no "high" at all.
	var sq []point
	for _, p := range pts {
		if p.set != "user" && p.set != "offuser" {
			sq = append(sq, p)
		}
	}
	b = chooseBands(sq, confOf, 0.9, 0.95, 0.7, 5)
	if b.High != 1 {
		t.Errorf("high bound %.3f with only wrong answers, want 1 (no high band)", b.High)
	}
	if math.Abs(b.Answer-0.091) > 0.0015 {
		t.Errorf("answer bound %.3f, want 0.091 (9 of 10) from SQuAD's off-topic questions", b.Answer)
	}
}
