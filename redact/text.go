package redact

import (
	"regexp"
	"strings"
)

// credText finds a "user:password@" that is not part of a URL with a
// scheme: no white space, quote, angle bracket, backtick, slash or @ in it.
var credText = regexp.MustCompile("[^\\s\"'<>`@/:]+:[^\\s\"'<>`@/]*@")

// Text is URLs, and also masks a "user:password@" written without a scheme
// before it, as in a mistyped setting such as
// FEEDS=reader:s3cret@feeds.example/rss, which a URL parser's error then
// quotes:
//
//	bad URL "reader:s3cret@feeds.example/rss": first path segment in URL cannot contain colon
//	bad URL "REDACTED@feeds.example/rss": first path segment in URL cannot contain colon
//
// E-mail addresses and host:port pairs are left alone. It is what Handler
// and Err use by default: text for people, not a URL to fetch.
func Text(s string) string {
	if !strings.Contains(s, "@") {
		return URLs(s)
	}
	// The URLs get URLs' treatment; only the text between them is searched
	// for credentials, so that the two never rewrite each other's output.
	var b strings.Builder
	last := 0
	for _, m := range urlText.FindAllStringIndex(s, -1) {
		b.WriteString(credText.ReplaceAllString(s[last:m[0]], Mask+"@"))
		b.WriteString(URLs(s[m[0]:m[1]]))
		last = m[1]
	}
	b.WriteString(credText.ReplaceAllString(s[last:], Mask+"@"))
	return b.String()
}
