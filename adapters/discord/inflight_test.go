package discord

import (
	"context"
	"testing"

	"github.com/briefbot/briefbot/answer"
)

type nopAnswerer struct{}

func (nopAnswerer) FollowUp(prev answer.Question, _ string) (answer.Question, error) {
	return prev, nil
}

func (nopAnswerer) More(context.Context, answer.Question, []answer.Span) (answer.Answer, error) {
	return answer.Answer{}, nil
}

func (nopAnswerer) Speakers(string, int) []string { return nil }

func (nopAnswerer) Ask(context.Context, answer.Question) (answer.Answer, error) {
	return answer.Answer{}, nil
}

func TestInFlightIsBounded(t *testing.T) {
	b, err := New(Config{BotToken: "x", AppID: "1", MaxInFlight: 3}, nopAnswerer{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if b.begin() != admitted {
			t.Fatalf("begin() #%d refused below the limit", i+1)
		}
	}
	if b.begin() != admitBusy {
		t.Fatal("begin() accepted a fourth task with MaxInFlight 3")
	}
	b.end()
	if b.begin() != admitted {
		t.Fatal("begin() refused after a task ended")
	}
	for range 3 {
		b.end()
	}
	b.drain()
	if b.begin() != admitClosing {
		t.Error("begin() after drain, want admitClosing")
	}
}
