package answer

import (
	"errors"
	"fmt"
)

// Error is an error whose Message is written for the person who asked: a
// filter that is not a date, a question with no words to search for.
// Adapters show Message as it is; every other error is internal, and they
// show a fixed reply instead and log the detail, so that no file path,
// token or index detail reaches a chat.
type Error struct {
	Code    string // EInvalid: the question cannot be answered as typed
	Message string
}

// EInvalid is the Code of a question that cannot be answered as typed.
const EInvalid = "invalid"

func (e *Error) Error() string { return e.Message }

// invalidf returns an *Error of Code EInvalid.
func invalidf(format string, args ...any) *Error {
	return &Error{Code: EInvalid, Message: fmt.Sprintf(format, args...)}
}

// UserMessage returns the Message of the *Error in err's chain and true,
// or "" and false when err is internal.
func UserMessage(err error) (string, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Message, true
	}
	return "", false
}
