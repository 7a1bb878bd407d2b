package feed

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

// article is the main text of a web page.
type article struct {
	Title string
	Date  time.Time // zero when the page does not say
	Body  []string  // paragraphs, whitespace collapsed
}

// minWords is the least text a page must yield to count as an article.
const minWords = 10

// errNoText reports a page whose main text is empty; retrying will not help.
var errNoText = errors.New("no main text found")

// decodeHTML converts a page to UTF-8 using the Content-Type header, a BOM or
// a <meta> charset declaration, in that order, and sniffing otherwise.
func decodeHTML(body []byte, contentType string) ([]byte, error) {
	enc, name, _ := charset.DetermineEncoding(body, contentType)
	if name == "utf-8" {
		if !utf8.Valid(body) {
			return nil, permanent(errors.New("page declared or sniffed as UTF-8 contains invalid UTF-8"))
		}
		return body, nil
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, permanent(fmt.Errorf("decode %s page: %w", name, err))
	}
	if !utf8.Valid(out) {
		return nil, permanent(fmt.Errorf("decode %s page: invalid UTF-8 after decoding", name))
	}
	return out, nil
}

// extract finds the main text of a UTF-8 HTML page.
func extract(page []byte, pageURL *url.URL) (article, error) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return article{}, fmt.Errorf("parse html: %w", err)
	}
	res, err := trafilatura.ExtractDocument(doc, trafilatura.Options{
		OriginalURL:     pageURL,
		EnableFallback:  true,
		ExcludeComments: true,
		HtmlDateMode:    trafilatura.Fast,
	})
	if err != nil {
		return article{}, fmt.Errorf("%w: %v", errNoText, err)
	}
	a := article{Title: collapse(res.Metadata.Title), Date: res.Metadata.Date, Body: paragraphs(res.ContentNode)}
	if len(a.Body) > 0 && a.Body[0] == a.Title { // the <h1> repeats the title
		a.Body = a.Body[1:]
	}
	if words := len(strings.Fields(strings.Join(a.Body, " "))); words < minWords {
		// trafilatura's last resort returns all page text, which for a page
		// without an article is a few navigation labels.
		return article{}, fmt.Errorf("%w (%d words)", errNoText, words)
	}
	return a, nil
}

// blockTags end a paragraph: trafilatura's output tree uses them for
// paragraphs, headings, list items, quotes and table cells.
var blockTags = map[string]bool{
	"p": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"li": true, "ul": true, "ol": true, "dl": true, "dt": true, "dd": true, "blockquote": true,
	"pre": true, "table": true, "tr": true, "td": true, "th": true, "figcaption": true,
	"section": true, "article": true, "br": true, "hr": true, "body": true,
}

// paragraphs flattens a content tree into its paragraphs. trafilatura drops
// whitespace-only text after inline elements ("<b>Overtime:</b> <a>One</a>"
// comes out as "<b>Overtime:</b>One"), so a space is put back where an inline
// element ending in punctuation is glued to a following word.
func paragraphs(n *html.Node) []string {
	var paras []string
	var cur strings.Builder
	glued := false // an inline element ending in punctuation just closed
	flush := func() {
		if p := collapse(cur.String()); p != "" {
			paras = append(paras, p)
		}
		cur.Reset()
		glued = false
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			if r, _ := utf8.DecodeRuneInString(n.Data); glued && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
				cur.WriteByte(' ')
			}
			glued = false
			cur.WriteString(n.Data)
			return
		case n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style"):
			return
		}
		block := n.Type == html.ElementNode && blockTags[n.Data]
		if block {
			flush()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			flush()
		} else if s := cur.String(); n.Type == html.ElementNode && s != "" {
			glued = strings.ContainsRune(":;,.!?", rune(s[len(s)-1]))
		}
	}
	if n != nil {
		walk(n)
	}
	flush()
	return paras
}

// collapse joins whitespace runs (including newlines and U+00A0) into single
// spaces, so titles stay on one line and paragraphs on one line each.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
