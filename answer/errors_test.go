package answer_test

import (
	"errors"
	"fmt"

	"github.com/briefbot/briefbot/answer"
)

// An adapter shows a person the message of an *answer.Error and a fixed
// reply for any other error.
func ExampleUserMessage() {
	reply := func(err error) string {
		if msg, ok := answer.UserMessage(err); ok {
			return msg
		}
		return "Sorry, something went wrong."
	}
	_, err := answer.ParseQuestion("troops since:last-week")
	fmt.Println(reply(err))
	fmt.Println(reply(fmt.Errorf("search: %w", errors.New("open /data/index/docs.db: permission denied"))))
	// Output:
	// since:last-week is not a date; use since:YYYY-MM-DD
	// Sorry, something went wrong.
}
