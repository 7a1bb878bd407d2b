package feed

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// state is what the poller remembers across restarts: the items it has
// handled and the validators for conditional GETs. It is a small JSON file
// rewritten atomically after each feed.
type state struct {
	Feeds map[string]feedState `json:"feeds"`
	// Seen maps "guid:<guid>" and "url:<canonical link>" to when the item
	// was handled (written, or skipped for good).
	Seen map[string]time.Time `json:"seen"`
}

type feedState struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

func loadState(path string) (*state, error) {
	st := &state{Feeds: map[string]feedState{}, Seen: map[string]time.Time{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read feed state: %w", err)
	}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("feed state %s is corrupt (delete it to refetch all items): %w", path, err)
	}
	if st.Feeds == nil {
		st.Feeds = map[string]feedState{}
	}
	if st.Seen == nil {
		st.Seen = map[string]time.Time{}
	}
	return st, nil
}

// save writes the state to a temporary file and renames it over path, so a
// crash leaves either the old or the new state, never a torn one.
func (st *state) save(path string) error {
	b, err := json.MarshalIndent(st, "", "\t")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("save feed state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return fmt.Errorf("save feed state: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("save feed state: %w", err)
	}
	return nil
}

// keys returns the de-duplication keys of an item.
func itemKeys(guid, link string) []string {
	var keys []string
	if guid = strings.TrimSpace(guid); guid != "" {
		keys = append(keys, "guid:"+guid)
	}
	if link != "" {
		keys = append(keys, "url:"+canonicalURL(link))
	}
	return keys
}

func (st *state) seen(keys []string) bool {
	for _, k := range keys {
		if _, ok := st.Seen[k]; ok {
			return true
		}
	}
	return false
}

func (st *state) markSeen(keys []string, now time.Time) {
	for _, k := range keys {
		st.Seen[k] = now
	}
}

// canonicalURL normalises a link so the same article reached through
// tracking parameters, a fragment, an upper-case host or a missing trailing
// slash counts once.
func canonicalURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if (u.Scheme == "http" && u.Port() == "80") || (u.Scheme == "https" && u.Port() == "443") {
		u.Host = u.Hostname()
	}
	u.Fragment, u.RawFragment = "", ""
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			if strings.HasPrefix(k, "utm_") || k == "fbclid" || k == "gclid" {
				q.Del(k)
			}
		}
		u.RawQuery = q.Encode()
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u.String()
}
