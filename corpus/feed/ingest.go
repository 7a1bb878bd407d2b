package feed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// maxIngestFile caps local files given to Ingest.
const maxIngestFile = 256 << 20

// Ingest adds one document to the corpus directory dir and returns the path
// of the file in dir. src is either an http(s) URL, whose page is fetched
// (with client, or NewClient's when nil: public addresses only), reduced to its article text
// and saved as Markdown under dir/web/<host>/YYYY-MM/, or a local .md, .txt or
// .jsonl file of UTF-8 text, copied into dir under its own name. Existing
// files are never overwritten: a different file with the same name gets a
// numbered name, and ingesting the same content again returns the existing
// path.
func Ingest(ctx context.Context, client *http.Client, src, dir string) (path string, err error) {
	if dir == "" {
		return "", errors.New("ingest: corpus directory is required")
	}
	if strings.Contains(src, "://") {
		path, err = ingestURL(ctx, client, src, dir)
	} else {
		path, err = ingestFile(src, dir)
	}
	if errors.Is(err, errExists) {
		return path, nil
	}
	if err != nil {
		return "", redactErr(fmt.Errorf("ingest %s: %w", src, err))
	}
	return path, nil
}

func ingestFile(src, dir string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(src)); ext {
	case ".md", ".txt", ".jsonl":
	default:
		return "", fmt.Errorf("unsupported file type %q (want .md, .txt or .jsonl)", ext)
	}
	fi, err := os.Stat(src)
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", errors.New("not a regular file")
	}
	if fi.Size() > maxIngestFile {
		return "", fmt.Errorf("file is larger than %d bytes", maxIngestFile)
	}
	f, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer f.Close()
	// Never more than the cap, whatever the size said.
	data, err := io.ReadAll(io.LimitReader(f, maxIngestFile+1))
	if err != nil {
		return "", err
	}
	if len(data) > maxIngestFile {
		return "", fmt.Errorf("file is larger than %d bytes", maxIngestFile)
	}
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return "", errors.New("file is empty")
	case !utf8.Valid(data):
		return "", errors.New("file is not UTF-8 text")
	case bytes.IndexByte(data, 0) >= 0:
		return "", errors.New("file is binary (contains NUL bytes)")
	}
	return writeNew(dir, filepath.Base(src), data)
}

func ingestURL(ctx context.Context, client *http.Client, src, dir string) (string, error) {
	if client == nil {
		client = NewClient(ClientConfig{})
	}
	f := fetcher{client: client, userAgent: DefaultUserAgent, maxBytes: DefaultMaxBytes, timeout: DefaultTimeout}
	art, err := fetchArticle(ctx, f, src)
	if err != nil {
		return "", err
	}
	d := doc{Title: firstNonEmpty(art.Title, src), Date: art.Date, SourceURL: src, Tags: []string{"news"}, Body: art.Body}
	if d.Date.IsZero() {
		d.Date = time.Now()
	}
	return saveDoc(dir, "web", d)
}
