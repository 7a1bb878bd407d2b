package corpus

import (
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Stamp is what a cheap freshness check knows of a file: its size and
// modification time. A file whose stamp is unchanged is taken to be
// unchanged and is not read.
type Stamp struct {
	Size int64
	Mod  time.Time
}

// Snapshot is the stamps of the files of a corpus, taken without reading
// them: the files List would read, by slash path relative to the corpus
// folder (the file name alone when the corpus is one file).
type Snapshot struct {
	Root  string           // the corpus folder or file, as given to Scan
	At    time.Time        // when the scan started
	Files map[string]Stamp // by path relative to Root
}

// Scan takes a Snapshot of the corpus at root (a folder or one file). It
// stats the files but reads none; hidden names and files the loader does
// not read (and *.tmp files being written) are left out, as List leaves
// them out. Unreadable subfolders are skipped: List reports them.
func Scan(root string) (Snapshot, error) {
	s := Snapshot{Root: root, At: time.Now(), Files: make(map[string]Stamp)}
	info, err := os.Stat(root)
	if err != nil {
		return s, fmt.Errorf("scan corpus: %w", err)
	}
	if !info.IsDir() {
		s.Files[filepath.Base(root)] = Stamp{info.Size(), info.ModTime()}
		return s, nil
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil
		}
		name := d.Name()
		if p != root && (strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".tmp")) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !wanted(name) {
			return nil
		}
		info, err := d.Info()
		if err == nil && info.Mode()&fs.ModeSymlink != 0 {
			info, err = os.Stat(p) // the loader reads the target
		}
		if err != nil {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil
		}
		s.Files[filepath.ToSlash(rel)] = Stamp{info.Size(), info.ModTime()}
		return nil
	})
	if err != nil {
		return s, fmt.Errorf("scan corpus %s: %w", root, err)
	}
	return s, nil
}

// ListPaths is List for some of the files of the corpus at root: rels are
// slash paths relative to root, as in a Snapshot. Files that have gone
// since are reported as Problems when read.
func ListPaths(root string, rels []string) (*Files, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	dir := root
	if !info.IsDir() {
		dir = filepath.Dir(root)
	}
	c := &Files{fsys: os.DirFS(dir), dir: dir}
	rels = slices.Clone(rels)
	slices.Sort(rels)
	for _, rel := range rels {
		if !fs.ValidPath(rel) || !wanted(rel) {
			continue
		}
		f := loaded{name: rel, rel: rel}
		c.files = append(c.files, f)
		if f.isJSONL() {
			c.jsonl++
		}
	}
	return c, nil
}

// ByFile is Documents with, for each document, the file it comes from: its
// path relative to the corpus root, as in a Snapshot. Documents come in the
// same order, with the same Problems and Count, as from Documents.
func (c *Files) ByFile() iter.Seq2[string, Document] {
	return func(yield func(string, Document) bool) {
		c.probs, c.count = nil, 0
		seen := make(map[string]bool)
		// A text file's document has the file's path as its ID; a JSONL
		// file's documents do not, so each JSONL file is read on its own
		// (its lines are still parsed in parallel), and runs of text files
		// together.
		for i := 0; i < len(c.files); {
			j := i + 1
			jsonl := c.files[i].isJSONL()
			for !jsonl && j < len(c.files) && !c.files[j].isJSONL() {
				j++
			}
			part := &Files{Limits: c.Limits, fsys: c.fsys, dir: c.dir, files: c.files[i:j]}
			names := make(map[string]string, j-i) // text file: ID -> name in fsys
			for _, f := range part.files {
				names[f.rel] = f.name
			}
			stopped := false
			for d := range part.Documents() {
				file, name := c.files[i].rel, c.files[i].name
				if !jsonl {
					file, name = d.ID, names[d.ID]
				}
				if seen[d.ID] {
					part.probs = append(part.probs, Problem{File: name, Reason: fmt.Sprintf("duplicate id %q", d.ID)})
					continue
				}
				seen[d.ID] = true
				c.count++
				if !yield(file, d) {
					stopped = true
					break
				}
			}
			c.probs = append(c.probs, part.probs...)
			if stopped {
				return
			}
			i = j
		}
	}
}

// Rel returns the path of a Problem's file relative to the corpus root, as
// in a Snapshot, or "" when the problem is not about one file of it.
func (c *Files) Rel(p Problem) string {
	file := p.File
	if c.dir != "" {
		r, err := filepath.Rel(c.dir, file)
		if err != nil {
			return ""
		}
		file = filepath.ToSlash(r)
	}
	for _, f := range c.files {
		if f.name == file {
			return f.rel
		}
	}
	return ""
}

// Diff compares s with an older set of stamps: the files added or changed
// since, and those removed, each sorted.
func (s Snapshot) Diff(old map[string]Stamp) (changed, removed []string) {
	for name, st := range s.Files {
		if o, ok := old[name]; !ok || o.Size != st.Size || !o.Mod.Equal(st.Mod) {
			changed = append(changed, name)
		}
	}
	for name := range old {
		if _, ok := s.Files[name]; !ok {
			removed = append(removed, name)
		}
	}
	slices.Sort(changed)
	slices.Sort(removed)
	return changed, removed
}
