package discord

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// apiTransport sends discordgo's REST calls to a configured base URL and
// bounds the rate-limit waits discordgo would otherwise sleep through.
//
// discordgo builds every URL from package-level Endpoint variables
// (https://discord.com/api/v9/...). Rewriting them in the transport, rather
// than assigning those variables, keeps the override per Bot: no global
// state, and parallel tests each talk to their own fake server.
type apiTransport struct {
	base    *url.URL // replaces https://discord.com; nil keeps it
	next    http.RoundTripper
	maxWait time.Duration // cap on X-RateLimit-Reset-After
}

// discordHost is the host of discordgo.EndpointDiscord.
const discordHost = "discord.com"

func newAPITransport(apiURL string, maxWait time.Duration, next http.RoundTripper) (*apiTransport, error) {
	if next == nil {
		next = http.DefaultTransport
	}
	t := &apiTransport{next: next, maxWait: maxWait}
	if apiURL == "" {
		return t, nil
	}
	u, err := parseAPIURL(apiURL)
	if err != nil {
		return nil, err
	}
	t.base = u
	return t, nil
}

// parseAPIURL accepts scheme://host[:port][/prefix]; a trailing /api or
// /api/vN is dropped, because discordgo's paths already start with it.
func parseAPIURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("API URL %q: want http(s)://host[:port][/prefix]", s)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("API URL %q: no user info, query or fragment allowed", s)
	}
	p := strings.TrimRight(u.Path, "/")
	if i := strings.LastIndex(p, "/api"); i >= 0 {
		rest := p[i+len("/api"):]
		if rest == "" || (strings.HasPrefix(rest, "/v") && isDigits(rest[2:])) {
			p = p[:i]
		}
	}
	u.Path, u.RawPath = p, ""
	return u, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// RoundTrip implements http.RoundTripper.
func (t *apiTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.base != nil && req.URL.Host == discordHost {
		r := req.Clone(req.Context())
		u := *req.URL
		u.Scheme, u.Host = t.base.Scheme, t.base.Host
		u.Path = t.base.Path + req.URL.Path
		if req.URL.RawPath != "" {
			u.RawPath = t.base.Path + req.URL.RawPath
		}
		r.URL, r.Host = &u, ""
		req = r
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	t.boundRateLimit(resp.Header)
	return resp, nil
}

// boundRateLimit caps the bucket reset discordgo reads from the response
// headers. discordgo sleeps until that reset, without a context, before the
// next request on the bucket; capping it keeps a misbehaving proxy or a long
// reset from stalling answers past the interaction deadline. A 429 is still
// seen by our retry loop, which waits at most maxWait per attempt.
func (t *apiTransport) boundRateLimit(h http.Header) {
	if t.maxWait <= 0 {
		return
	}
	limit := t.maxWait.Seconds()
	if v := h.Get("X-RateLimit-Reset-After"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			h.Del("X-RateLimit-Reset-After")
		} else if f > limit {
			h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(limit, 'f', 3, 64))
		}
		// discordgo prefers Reset-After; drop the absolute reset so it is
		// never used instead.
		h.Del("X-RateLimit-Reset")
		return
	}
	// Without Reset-After discordgo computes a wait from X-RateLimit-Reset
	// and Date; we cannot bound that reliably, so rely on 429 handling.
	h.Del("X-RateLimit-Reset")
}
