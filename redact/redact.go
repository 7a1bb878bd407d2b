// Package redact removes secrets from the text people read: error
// messages, warnings and logs. Settings that are not secrets themselves
// carry them inside URLs, in the user information
// (https://user:password@host) and in query values (?token=...), as in
// FEEDS, DISCORD_API_URL or SLACK_API_URL.
//
// It imports nothing of the project, so every package may use it without
// bending the dependency direction: cmd/bot, the adapters, and corpus/feed.
package redact

import (
	"regexp"
	"strings"
)

// Mask stands in for a removed secret.
const Mask = "REDACTED"

// urlText finds URLs in text: a scheme, "://", and everything up to white
// space, a quote, an angle bracket or a backtick (net/http quotes the URLs
// in its errors; Go's %q quotes them in ours).
var urlText = regexp.MustCompile("(?i)\\b[a-z][a-z0-9+.-]*://[^\\s\"'<>`]+")

// URLs returns s with the user information and the query values of every
// URL in it replaced by Mask, and the values of a fragment that holds
// parameters (#access_token=...); everything else is left as it is. s may
// be one URL or a message that contains some:
//
//	feed https://bot:s3cret@feeds.example/rss?token=abc&page=2: timeout
//	feed https://REDACTED@feeds.example/rss?token=REDACTED&page=REDACTED: timeout
//
// A "user:password@" without a scheme before it (a mistyped setting such
// as "bot:s3cret@feeds.example/rss") is masked too.
func URLs(s string) string {
	if strings.Contains(s, "://") {
		s = urlText.ReplaceAllStringFunc(s, oneURL)
	}
	if strings.Contains(s, "@") {
		s = credText.ReplaceAllString(s, Mask+"@")
	}
	return s
}

// credText finds "user:password@" outside URLs with a scheme.
var credText = regexp.MustCompile("[^\\s\"'<>`@/:]+:[^\\s\"'<>`@/]*@")

// oneURL redacts one URL. Punctuation at its end belongs to the sentence
// around it ("feed https://x/rss?token=abc: timeout").
func oneURL(u string) string {
	trimmed := strings.TrimRight(u, ".,:;!?)]}")
	u, after := trimmed, u[len(trimmed):]
	scheme, rest, _ := strings.Cut(u, "://")
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		authority = Mask + authority[at:]
	}
	path, fragment, hasFragment := strings.Cut(tail, "#")
	path, query, hasQuery := strings.Cut(path, "?")
	var b strings.Builder
	b.WriteString(scheme + "://" + authority + path)
	if hasQuery {
		b.WriteString("?" + values(query))
	}
	if hasFragment {
		if strings.Contains(fragment, "=") {
			fragment = values(fragment)
		}
		b.WriteString("#" + fragment)
	}
	return b.String() + after
}

// values masks the values of "k=v&k=v" parameters, and parameters that are
// only a value ("?s3cret").
func values(q string) string {
	if q == "" {
		return q
	}
	parts := strings.FieldsFunc(q, func(r rune) bool { return r == '&' || r == ';' })
	for i, p := range parts {
		if k, _, ok := strings.Cut(p, "="); ok {
			parts[i] = k + "=" + Mask
		} else {
			parts[i] = Mask
		}
	}
	return strings.Join(parts, "&")
}
