package index

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	bolt "go.etcd.io/bbolt"

	"github.com/briefbot/briefbot/corpus"
)

// ErrCorrupt reports an index whose stored documents cannot be read back as
// they were written (a truncated or damaged file).
var ErrCorrupt = errors.New("index is damaged; rebuild it with `bot index --rebuild`")

// bodyStore is the append-only file beside docs.db that holds each
// document's body and passages; docs.db keeps where each entry is. It is
// read with pread rather than mapped like docs.db: the pages an answer reads
// stay in the kernel's page cache, shared and reclaimable, instead of
// becoming part of the process's resident memory.
type bodyStore struct {
	dir string

	mu   sync.RWMutex // held for writing only while compaction swaps the file
	f    *os.File
	name string // file name in dir, as recorded in the meta bucket
	size int64  // where the next entry goes
}

// castagnoli is the CRC-32C table: entries carry a checksum so a damaged
// file is reported, not quoted from.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// bodyFile is the name of the store's first generation; compaction writes
// the next generation beside it.
const bodyFile = "bodies-1.dat"

// isBodyFile reports whether name is a generation of the body store.
func isBodyFile(name string) bool {
	n, ok := strings.CutPrefix(name, "bodies-")
	if !ok {
		return false
	}
	n, ok = strings.CutSuffix(n, ".dat")
	_, err := strconv.Atoi(n)
	return ok && err == nil
}

// nextBodyFile names the generation after name.
func nextBodyFile(name string) string {
	n := strings.TrimSuffix(strings.TrimPrefix(name, "bodies-"), ".dat")
	g, _ := strconv.Atoi(n)
	return "bodies-" + strconv.Itoa(g+1) + ".dat"
}

// openBodies opens the generation name of the store in dir and removes the
// other generations, which an interrupted compaction may have left. The
// caller holds the index lock.
func openBodies(dir, name string) (*bodyStore, error) {
	if !isBodyFile(name) {
		return nil, fmt.Errorf("document store names %q: %w", name, ErrCorrupt)
	}
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_RDWR, 0)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("document store %s is missing: %w", name, ErrCorrupt)
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if ents, err := os.ReadDir(dir); err == nil {
		for _, e := range ents {
			if e.Name() != name && isBodyFile(e.Name()) {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	return &bodyStore{dir: dir, f: f, name: name, size: fi.Size()}, nil
}

func (s *bodyStore) close() error { return s.f.Close() }

// entry locates one document's entry in the store.
type entry struct {
	Off int64  `json:"off"`
	Len int64  `json:"len"`
	Sum uint32 `json:"sum"` // CRC-32C of the entry
}

// encodeEntry appends the entry of d to buf: the passage count, then per
// passage the speaker label and name (each length-prefixed), start and
// length as uvarints, then the body.
func encodeEntry(buf []byte, d corpus.Document) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(d.Passages)))
	for _, p := range d.Passages {
		buf = binary.AppendUvarint(buf, uint64(len(p.Speaker)))
		buf = append(buf, p.Speaker...)
		buf = binary.AppendUvarint(buf, uint64(len(p.Name)))
		buf = append(buf, p.Name...)
		buf = binary.AppendUvarint(buf, uint64(p.Start))
		buf = binary.AppendUvarint(buf, uint64(p.End-p.Start))
	}
	return append(buf, d.Body...)
}

// decodeEntry is the inverse of encodeEntry.
func decodeEntry(b []byte) (string, []corpus.Passage, error) {
	r := bytes.NewReader(b)
	bad := func(what string) (string, []corpus.Passage, error) {
		return "", nil, fmt.Errorf("bad entry (%s): %w", what, ErrCorrupt)
	}
	n, err := binary.ReadUvarint(r)
	if err != nil || n > uint64(len(b)) {
		return bad("passage count")
	}
	type span struct{ start, end uint64 }
	spans := make([]span, n)
	passages := make([]corpus.Passage, n)
	// Labels and names repeat from turn to turn: one string each.
	interned := make(map[string]string)
	str := func() (string, bool) {
		k, err := binary.ReadUvarint(r)
		if err != nil || k > uint64(r.Len()) {
			return "", false
		}
		sp := b[len(b)-r.Len() : len(b)-r.Len()+int(k)]
		r.Seek(int64(k), io.SeekCurrent)
		s, ok := interned[string(sp)]
		if !ok {
			s = string(sp)
			interned[s] = s
		}
		return s, true
	}
	for i := range passages {
		speaker, ok1 := str()
		name, ok2 := str()
		if !ok1 || !ok2 {
			return bad("speaker")
		}
		start, err1 := binary.ReadUvarint(r)
		length, err2 := binary.ReadUvarint(r)
		if err1 != nil || err2 != nil {
			return bad("passage span")
		}
		passages[i].Speaker, passages[i].Name = speaker, name
		spans[i] = span{start, start + length}
	}
	body := string(b[len(b)-r.Len():])
	for i, sp := range spans {
		if sp.start > sp.end || sp.end > uint64(len(body)) {
			return bad("passage outside the body")
		}
		passages[i].Start, passages[i].End = int(sp.start), int(sp.end)
	}
	return body, passages, nil
}

// read returns the body and passages of the entry at e.
func (s *bodyStore) read(e entry) (string, []corpus.Passage, error) {
	b, err := s.readRaw(e)
	if err != nil {
		return "", nil, err
	}
	return decodeEntry(b)
}

// readRaw returns the bytes of the entry at e, checked against its sum.
// The caller holds s.mu for reading.
func (s *bodyStore) readRaw(e entry) ([]byte, error) {
	if e.Off < 0 || e.Len < 0 || e.Off+e.Len > s.size {
		return nil, fmt.Errorf("%s is truncated: entry at %d+%d, file ends at %d: %w", s.name, e.Off, e.Len, s.size, ErrCorrupt)
	}
	b := make([]byte, e.Len)
	if _, err := s.f.ReadAt(b, e.Off); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s is truncated: entry at %d+%d: %w", s.name, e.Off, e.Len, ErrCorrupt)
		}
		return nil, fmt.Errorf("read %s: %w", s.name, err)
	}
	if crc32.Checksum(b, castagnoli) != e.Sum {
		return nil, fmt.Errorf("%s: entry at %d+%d fails its checksum: %w", s.name, e.Off, e.Len, ErrCorrupt)
	}
	return b, nil
}

// appendAll writes the encoded entries (concatenated in buf, split at ends)
// at the end of the file and makes them durable, so that docs.db never
// points at bytes a crash could lose. It returns where each entry went.
// Only one writer appends at a time (Index.write). A write that fails
// part-way leaves bytes past the end that the next append overwrites.
// fail, when not nil, stands for a failing disk (see seams).
func (s *bodyStore) appendAll(buf []byte, ends []int, fail func([]byte) (int, error)) ([]entry, error) {
	if fail != nil {
		if n, err := fail(buf); err != nil {
			s.f.WriteAt(buf[:n], s.size)
			return nil, fmt.Errorf("write %s: %w", s.name, err)
		}
	}
	if _, err := s.f.WriteAt(buf, s.size); err != nil {
		return nil, fmt.Errorf("write %s: %w", s.name, err)
	}
	if err := s.f.Sync(); err != nil {
		return nil, fmt.Errorf("write %s: %w", s.name, err)
	}
	out := make([]entry, len(ends))
	start := 0
	for i, end := range ends {
		b := buf[start:end]
		out[i] = entry{Off: s.size + int64(start), Len: int64(len(b)), Sum: crc32.Checksum(b, castagnoli)}
		start = end
	}
	s.mu.Lock()
	s.size += int64(len(buf))
	s.mu.Unlock()
	return out, nil
}

// liveBytes returns how many bytes of the body store records point at.
func liveBytes(tx *bolt.Tx) (int64, error) {
	n, err := strconv.ParseInt(string(tx.Bucket(bucketMeta).Get(keyLive)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("document store size: %w", ErrCorrupt)
	}
	return n, nil
}

func putLive(tx *bolt.Tx, n int64) error {
	return tx.Bucket(bucketMeta).Put(keyLive, strconv.AppendInt(nil, n, 10))
}

// compactAbove is how many dead bytes (entries of replaced or removed
// documents, or of writes a crash cut short) the body store may hold
// before it is compacted, as long as they are also fewer than the live ones.
const compactAbove = 8 << 20

// maybeCompact rewrites the body store without its dead entries once they
// outweigh the live ones. The caller holds x.write.
func (x *Index) maybeCompact() error {
	var live int64
	err := x.db.View(func(tx *bolt.Tx) (err error) {
		live, err = liveBytes(tx)
		return err
	})
	if err != nil {
		return err
	}
	if shouldCompact(x.bodies.size, live) {
		return x.compact()
	}
	return nil
}

// shouldCompact reports whether a body store of size bytes, live of them
// in use, is worth compacting.
func shouldCompact(size, live int64) bool {
	dead := size - live
	return dead > compactAbove && dead > live
}

// compact writes the live entries into the store's next generation, points
// the records at it in one transaction and removes the old generation. A
// crash before the commit leaves the old generation in use (the new one is
// removed at the next open); after it, the new one.
func (x *Index) compact() error {
	s := x.bodies
	name := nextBodyFile(s.name)
	path := filepath.Join(s.dir, name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("compact document store: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(path)
		}
	}()
	moved := make(map[string]entry)
	w := bufio.NewWriter(f)
	var off int64
	err = x.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDocs).ForEach(func(k, v []byte) error {
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("document %q: %w", k, err)
			}
			s.mu.RLock()
			b, err := s.readRaw(r.Body)
			s.mu.RUnlock()
			if err != nil {
				return fmt.Errorf("document %q: %w", k, err)
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
			moved[string(k)] = entry{Off: off, Len: r.Body.Len, Sum: r.Body.Sum}
			off += r.Body.Len
			return nil
		})
	})
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return fmt.Errorf("compact document store: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	err = x.db.Update(func(tx *bolt.Tx) error {
		docsB := tx.Bucket(bucketDocs)
		for id, e := range moved {
			var r record
			if err := json.Unmarshal(docsB.Get([]byte(id)), &r); err != nil {
				return fmt.Errorf("document %q: %w", id, err)
			}
			r.Body = e
			v, err := json.Marshal(r)
			if err != nil {
				return err
			}
			if err := docsB.Put([]byte(id), v); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketMeta).Put(keyBodies, []byte(name)); err != nil {
			return err
		}
		return putLive(tx, off)
	})
	if err != nil {
		return fmt.Errorf("compact document store: %w", err)
	}
	ok = true
	old := filepath.Join(s.dir, s.name)
	s.f.Close()
	s.f, s.name, s.size = f, name, off
	os.Remove(old)
	return nil
}
