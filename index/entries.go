package index

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Entries returns the stored documents that keep selects by their date
// and the time they were first indexed, in ID order. Only the selected
// documents' bodies are read, so a selective keep costs little on a large
// index (AddedSince, after a bulk import, reads every body).
func (x *Index) Entries(keep func(date, added time.Time) bool) ([]Entry, error) {
	x.bodies.mu.RLock()
	defer x.bodies.mu.RUnlock()
	var out []Entry
	err := x.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDocs).ForEach(func(k, v []byte) error {
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("document %q: %w", k, err)
			}
			if !keep(r.Date, r.Added) {
				return nil
			}
			d, err := x.document(r)
			if err != nil {
				return fmt.Errorf("document %q: %w", k, err)
			}
			out = append(out, Entry{Document: d, Added: r.Added})
			return nil
		})
	})
	return out, err
}
