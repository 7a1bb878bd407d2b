package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// fetcher makes polite GET requests: a User-Agent, a per-request timeout, a
// response size cap and conditional requests.
type fetcher struct {
	client    *http.Client
	userAgent string
	maxBytes  int64
	timeout   time.Duration
}

// response is a fetched body with the headers the poller uses.
type response struct {
	Body         []byte
	NotModified  bool // 304: the cached copy is current
	ContentType  string
	ETag         string
	LastModified string
	URL          *url.URL // final URL after redirects
}

// statusError is a non-2xx, non-304 reply.
type statusError struct {
	Code       int
	RetryAfter time.Duration // from Retry-After on 429/503, zero otherwise
}

func (e *statusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
}

func (f fetcher) get(ctx context.Context, rawURL string, prev feedState) (response, error) {
	if err := checkHTTP(rawURL); err != nil {
		return response{}, permanent(err)
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return response{}, err
	}
	req.Header.Set("User-Agent", f.userAgent)
	if prev.ETag != "" {
		req.Header.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		req.Header.Set("If-Modified-Since", prev.LastModified)
	}
	resp, err := f.client.Do(req)
	if errors.Is(err, ErrForbiddenAddress) {
		return response{}, permanent(err) // the address will not become allowed
	}
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return response{NotModified: true}, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
		se := &statusError{Code: resp.StatusCode}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			se.RetryAfter = time.Duration(s) * time.Second
		}
		return response{}, se
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return response{}, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > f.maxBytes {
		return response{}, permanent(fmt.Errorf("response larger than %d bytes", f.maxBytes))
	}
	return response{
		Body:         body,
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		URL:          resp.Request.URL,
	}, nil
}

// checkHTTP accepts absolute http and https URLs only.
func checkHTTP(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return redactErr(fmt.Errorf("bad URL %q: %w", rawURL, err))
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return redactErr(fmt.Errorf("bad URL %q: only absolute http and https URLs are fetched", rawURL))
	}
	return nil
}

// permanentError marks a failure that retrying the same URL will not fix.
type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

func permanent(err error) error { return permanentError{err} }

// transient reports whether an error may go away on a later attempt.
func transient(err error) bool {
	var se *statusError
	if errors.As(err, &se) {
		return se.Code >= 500 || se.Code == http.StatusRequestTimeout || se.Code == http.StatusTooManyRequests
	}
	var pe permanentError
	return !errors.As(err, &pe) && !errors.Is(err, errNoText)
}
