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

// Whether a question is about the corpus is learnt from the users',
// the title questions and SQuAD's against the off-topic ones; the
// reporters' questions join only when there are no users' questions.
func TestOnTopicSets(t *testing.T) {
	pt := func(set string, x float64) point {
		f := make([]float64, nBase)
		f[1] = x
		return point{set: set, f: f}
	}
	var pts []point
	for i := range 20 {
		x := float64(i) / 20
		pts = append(pts, pt("user", 1+x), pt("title", 1.2+x), pt("squad", 1.5+x), pt("offuser", x), pt("offtopic", -0.5+x))
	}
	base := fitConfidence(pts, 0.01).on
	// Reporters' questions that look off-topic change nothing.
	var withDay []point
	withDay = append(withDay, pts...)
	for i := range 20 {
		withDay = append(withDay, pt("day", float64(i)/40))
	}
	if got := fitConfidence(withDay, 0.01).on; got.bias != base.bias || got.w[1] != base.w[1] {
		t.Errorf("the day set moved the on-topic fit: %+v, want %+v", got, base)
	}
	// Without users' questions they count.
	var noUser []point
	for _, p := range withDay {
		if p.set != "user" {
			noUser = append(noUser, p)
		}
	}
	if got := fitConfidence(noUser, 0.01).on; got.w[1] == base.w[1] {
		t.Errorf("without users' questions the day set should count in the on-topic fit")
	}
}
