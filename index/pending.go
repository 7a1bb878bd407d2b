package index

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	bolt "go.etcd.io/bbolt"
)

// seams are where tests reach into an update: small batches, so that a
// few documents make several, and writes that fail part-way as they do on
// a full disk. The zero value is normal operation.
type seams struct {
	// batchPassages replaces the constant of that name when not 0.
	batchPassages int
	// bodies, when set, is asked before each write to the body store: an
	// error fails the write after its first n bytes reach the file.
	bodies func(p []byte) (n int, err error)
	// batch, when set, runs Bleve batches instead of Bleve's Batch: it can
	// apply a batch and still fail, as Bleve does when it cannot persist.
	batch func(*bleve.Batch) error
	// commit, when set, ends every transaction that commits an update: an
	// error rolls the transaction back, as a failed write of docs.db does.
	commit func() error
}

func (s seams) flushPassages() int {
	if s.batchPassages > 0 {
		return s.batchPassages
	}
	return batchPassages
}

// batch runs a Bleve batch. The caller holds x.write.
//
// When Bleve fails to persist a batch (a full disk, a write error), it has
// already put the batch's new segment to use, and then closes it: every
// later search or batch of the open index panics. So after a failed batch
// Bleve is reopened from what it last persisted, which never includes the
// failed batch.
func (x *Index) batch(b *bleve.Batch) error {
	var err error
	if x.seams.batch != nil {
		err = x.seams.batch(b)
	} else {
		err = x.bl.Batch(b)
	}
	if err == nil {
		return nil
	}
	if rerr := x.reopen(); rerr != nil {
		return fmt.Errorf("%w (reopening the index failed too: %v)", err, rerr)
	}
	return err
}

// reopen replaces the open Bleve index by one opened afresh from its files,
// once the searches running on it are done. When that fails, searches get
// Bleve's error for a closed index until the process restarts. The caller
// holds x.write.
func (x *Index) reopen() error {
	x.blMu.Lock()
	defer x.blMu.Unlock()
	x.bl.Close() // it reports the failure again, or another: the files are what counts
	bl, err := openBleve(x.dir)
	if err != nil {
		return err
	}
	x.bl = bl
	return nil
}

// openBleve opens the Bleve index of the index in dir.
func openBleve(dir string) (bleve.Index, error) {
	return bleve.OpenUsing(filepath.Join(dir, "bleve"), map[string]interface{}{
		"bolt_timeout": LockTimeout.String(),
	})
}

// purge deletes from Bleve the passages of every pending key, those of an
// update that never committed and those a committed one replaced or
// removed, and forgets each key once its passages are gone. No record
// names these keys, so searches skip their passages already; but until
// they are deleted they count in Bleve's scoring statistics. Deleting a
// passage that was never written is harmless, so purge can always be run
// again.
func (x *Index) purge() error {
	type gone struct {
		key []byte
		n   int
	}
	var all []gone
	err := x.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPending)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			n, err := strconv.Atoi(string(v))
			if err != nil || len(k) != 8 {
				return fmt.Errorf("pending key %x: %w", k, ErrCorrupt)
			}
			all = append(all, gone{key: append([]byte(nil), k...), n: n})
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("read index %s: %w", x.dir, err)
	}
	for len(all) > 0 {
		b := x.bl.NewBatch()
		i, n := 0, 0
		for ; i < len(all) && n < 2*x.seams.flushPassages(); i++ {
			key := binary.BigEndian.Uint64(all[i].key)
			for k := range all[i].n {
				b.Delete(passageID(key, k))
			}
			n += all[i].n
		}
		if err := x.batch(b); err != nil {
			return fmt.Errorf("delete replaced passages: %w", err)
		}
		err := x.db.Update(func(tx *bolt.Tx) error {
			p := tx.Bucket(bucketPending)
			for _, g := range all[:i] {
				if err := p.Delete(g.key); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("delete replaced passages: %w", err)
		}
		all = all[i:]
	}
	return nil
}

// rollback deletes what a failed update wrote and did not commit (the
// passages under keys still pending) and returns err, saying so when that
// failed too: the next update then deletes them.
func (x *Index) rollback(err error) error {
	if perr := x.purge(); perr != nil {
		return fmt.Errorf("%w (what it wrote is removed by the next update: %v)", err, perr)
	}
	return err
}
