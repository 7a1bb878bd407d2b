package feed

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// doc is one document to save as Markdown with YAML front matter in the
// layout the corpus loader reads.
type doc struct {
	Title     string
	Date      time.Time // the date: field; also names the file
	Published time.Time // published_time:, omitted when zero
	SourceURL string
	Tags      []string
	Feed      string // omitted when empty
	Body      []string
}

// markdown renders d. Every value is one line: titles are collapsed and
// double-quoted, other scalars are quoted unless plainly safe.
func (d doc) markdown() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s\n", yamlQuote(collapse(d.Title)))
	fmt.Fprintf(&b, "date: '%s'\n", d.Date.Format(time.DateOnly))
	fmt.Fprintf(&b, "source_url: %s\n", yamlScalar(d.SourceURL))
	if !d.Published.IsZero() {
		fmt.Fprintf(&b, "published_time: %s\n", d.Published.Format("2006-01-02 15:04:05-07:00"))
	}
	switch len(d.Tags) {
	case 0:
	case 1:
		fmt.Fprintf(&b, "tags: %s\n", yamlScalar(d.Tags[0]))
	default:
		q := make([]string, len(d.Tags))
		for i, t := range d.Tags {
			q[i] = yamlQuote(t)
		}
		fmt.Fprintf(&b, "tags: [%s]\n", strings.Join(q, ", "))
	}
	if d.Feed != "" {
		fmt.Fprintf(&b, "feed: %s\n", yamlScalar(d.Feed))
	}
	b.WriteString("---\n")
	for _, p := range d.Body {
		b.WriteString("\n")
		b.WriteString(p)
		b.WriteString("\n")
	}
	if !utf8.Valid(b.Bytes()) {
		return nil, fmt.Errorf("document %q is not valid UTF-8", d.SourceURL)
	}
	return b.Bytes(), nil
}

// yamlQuote returns s as a YAML double-quoted scalar. Go's quoting is a
// subset of YAML's escapes (\" \\ \n \t \xNN \uNNNN \UNNNNNNNN) as long as s
// is valid UTF-8, which markdown checks.
func yamlQuote(s string) string { return strconv.Quote(s) }

// plainSafe matches values YAML reads back as the same string without quotes:
// they start with a letter and contain no whitespace, quotes or '#'.
var plainSafe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._~/?=&%+,;:@!$()*\[\]-]*$`)

// yamlScalar writes s plain when that is unambiguous, like the existing corpus
// (source_url: https://..., tags: press-briefings), and double-quoted otherwise.
func yamlScalar(s string) string {
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
		return yamlQuote(s)
	}
	if plainSafe.MatchString(s) && !strings.HasSuffix(s, ":") {
		return s
	}
	return yamlQuote(s)
}

// maxSlug keeps file names well under the usual 255-byte limit.
const maxSlug = 120

// slug turns a title into a short ASCII file name part.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(strings.ToLower(s)) {
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		case unicode.Is(unicode.Mn, r) || r == '\'' || r == '’':
			// accents and apostrophes vanish: "Trump’s" -> "trumps"
		default:
			dash = true
		}
	}
	s = b.String()
	if len(s) > maxSlug { // cut at a word boundary
		s = s[:maxSlug]
		if i := strings.LastIndexByte(s, '-'); i > 0 {
			s = s[:i]
		}
	}
	if s == "" {
		return "untitled"
	}
	return s
}

// errExists is returned by writeNew when an identical file is already there.
var errExists = errors.New("identical file exists")

// writeNew writes data to dir/name, or to dir/base-2.ext, -3... when that name
// holds a different file: existing files are never overwritten. When a file
// with the same name (or suffixed name) already holds exactly data, it returns
// that path and errExists, so retries after a crash do not duplicate files.
// The data goes to a hidden temporary file in dir first and is then linked
// into place, so a folder watcher never sees a partial file.
func writeNew(dir, name string, data []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".briefbot-*.tmp")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 1; i < 1000; i++ {
		path := filepath.Join(dir, name)
		if i > 1 {
			path = filepath.Join(dir, fmt.Sprintf("%s-%d%s", base, i, ext))
		}
		old, err := os.ReadFile(path)
		switch {
		case err == nil && bytes.Equal(old, data):
			return path, errExists
		case err == nil:
			continue
		case !errors.Is(err, fs.ErrNotExist):
			return "", err
		}
		// Link fails if path appeared meanwhile, unlike Rename, which would replace it.
		err = os.Link(tmp.Name(), path)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			// Some file systems (SMB, some Docker Desktop mounts) have no
			// hard links: create the file exclusively and write it in
			// place; the folder watcher waits for files to settle.
			err = writeExclusive(path, data)
		}
		if err == nil {
			return path, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("write %s: %w", path, err)
		}
	}
	return "", fmt.Errorf("no free file name for %s in %s", name, dir)
}

// writeExclusive creates path, failing if it exists, and writes data; a
// failed write removes the partial file.
func writeExclusive(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
