// Package redact removes secrets from text that people read: messages,
// warnings and logs. URLs carry them in their user information
// (https://user:password@host) and their query ("?token=..."), as in
// FEEDS or DISCORD_API_URL. It depends on nothing of the project, so every
// package, adapters included, may use it.
package redact

import (
	"regexp"
	"strings"
)

// Mask is what stands in for a removed secret.
const Mask = "REDACTED"

// urlText finds URLs in text: a scheme, "://", and everything up to white
// space, a quote or an angle bracket (net/http quotes the URLs in its
// errors).
var urlText = regexp.MustCompile("(?i)\\b[a-z][a-z0-9+.-]*://[^\\s\"'<>`]+")

// URLs returns s with the user information and the query values of every
// URL in it replaced by Mask, and so the values of a fragment that holds
// parameters ("#access_token=..."); the rest of s is left as it is. s may
// be a URL or a message that contains some:
//
//	https://bot:s3cret@feeds.example/rss?token=abc&page=2
//	https://REDACTED@feeds.example/rss?token=REDACTED&page=REDACTED
func URLs(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlText.ReplaceAllStringFunc(s, url)
}

// url redacts one URL. Punctuation that ends it belongs to the sentence
// around it ("feed https://x/rss?token=abc: timeout").
func url(u string) string {
	trimmed := strings.TrimRight(u, ".,:;!?)]")
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
// only a value.
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
