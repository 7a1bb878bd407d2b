package slack

import (
	"regexp"

	"github.com/briefbot/briefbot/redact"
)

// secretText matches what must never reach a log: Slack tokens, and
// response_url / webhook paths (whoever holds one can post in the channel).
// slack-go and net/http put request URLs into their errors.
var secretText = regexp.MustCompile(`xox[abprs]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|(hooks\.slack\.com/(?:commands|actions|services|workflows)/)[^\s"']+`)

// redactString removes Slack's secrets and, with redact.Text, the user
// information and query values of URLs (a password in SLACK_API_URL).
func redactString(s string) string {
	s = secretText.ReplaceAllStringFunc(s, func(m string) string {
		if sub := secretText.FindStringSubmatch(m); sub[1] != "" {
			return sub[1] + "[redacted]"
		}
		return "[redacted]"
	})
	return redact.Text(s)
}
