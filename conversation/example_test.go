package conversation_test

import (
	"fmt"
	"time"

	"github.com/briefbot/briefbot/answer"
	"github.com/briefbot/briefbot/conversation"
)

// The bot answered Ann's question in a thread ten minutes ago; what it
// does with the next messages there.
func ExampleDecide() {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	q, _ := answer.ParseQuestion("What did Kirby say about Haiti?")
	th := conversation.Thread{}.Answered(q, "ann", now.Add(-10*time.Minute))
	for _, m := range []conversation.Message{
		{User: "ann", Text: "and in 2023?"},
		{User: "ann", Text: "thanks!"},
		{User: "ann", Text: "I disagree with that"},
		{User: "bob", Text: "what about Psaki?"},
		{User: "bob", Text: "what about Psaki?", Addressed: true},
	} {
		fmt.Printf("%s: %q -> %s\n", m.User, m.Text, conversation.Decide(th, m, now, conversation.DefaultQuiet))
	}
	fmt.Println("an hour later:", conversation.Decide(th, conversation.Message{User: "ann", Text: "and in 2023?"}, now.Add(time.Hour), conversation.DefaultQuiet))
	// Output:
	// ann: "and in 2023?" -> follow-up
	// ann: "thanks!" -> ignore
	// ann: "I disagree with that" -> ignore
	// bob: "what about Psaki?" -> stop
	// bob: "what about Psaki?" -> follow-up
	// an hour later: ignore
}
