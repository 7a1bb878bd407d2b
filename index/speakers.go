package index

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/briefbot/briefbot/corpus"
)

// bucketSpeakers holds the speaker registry: speaker -> speakerEntry. It
// is kept in step with the documents in the same transactions that store
// and remove them.
var bucketSpeakers = []byte("speakers")

// Speaker is one person (or, where the corpus never spells out a name,
// one transcript label) who speaks in the corpus, or whom a title names
// in an office.
type Speaker struct {
	Name     string         // "Karine Jean-Pierre", or a label such as "MR. ZIENTS"
	Passages int            // passages they speak
	Labels   map[string]int // transcript labels used for them ("MS. JEAN-PIERRE") and how often
	Offices  map[string]int // offices titles give them ("press secretary") and in how many titles
	First    time.Time      // date of the first document they speak or are named in
	Last     time.Time      // date of the last
}

type speakerEntry struct {
	Passages int            `json:"n,omitempty"`
	Labels   map[string]int `json:"labels,omitempty"`
	Offices  map[string]int `json:"offices,omitempty"`
	First    time.Time      `json:"first"`
	Last     time.Time      `json:"last"`
}

// docSpeakers is what one document adds to the registry; records keep it
// so that replacing or removing the document takes it away again.
type docSpeakers struct {
	Passages map[string]map[string]int `json:"p,omitempty"` // speaker -> label -> passages
	Offices  map[string]string         `json:"o,omitempty"` // speaker -> office named in the title
}

// speakersOf collects what d adds to the registry: the speaker of each
// passage (its name, else its label; reporters' questions left out) and
// the people its title names in an office.
func speakersOf(d corpus.Document) docSpeakers {
	var ds docSpeakers
	for _, p := range d.Passages {
		who := p.Name
		if who == "" {
			who = p.Speaker
		}
		if who == "" || p.IsQuestion() {
			continue
		}
		if ds.Passages == nil {
			ds.Passages = make(map[string]map[string]int)
		}
		m := ds.Passages[who]
		if m == nil {
			m = make(map[string]int)
			ds.Passages[who] = m
		}
		m[p.Speaker]++
	}
	for _, r := range corpus.TitleRoles(d.Title) {
		if ds.Offices == nil {
			ds.Offices = make(map[string]string)
		}
		ds.Offices[r.Name] = r.Title
	}
	return ds
}

// addSpeakers adds (sign 1) or takes away (sign -1) a document's speakers
// in the registry.
func addSpeakers(tx *bolt.Tx, ds docSpeakers, date time.Time, sign int) error {
	if len(ds.Passages) == 0 && len(ds.Offices) == 0 {
		return nil
	}
	b, err := tx.CreateBucketIfNotExists(bucketSpeakers)
	if err != nil {
		return err
	}
	update := func(who string, f func(e *speakerEntry)) error {
		var e speakerEntry
		if v := b.Get([]byte(who)); v != nil {
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("speaker %q: %w", who, err)
			}
		}
		f(&e)
		if e.Passages <= 0 && len(e.Offices) == 0 {
			return b.Delete([]byte(who))
		}
		if sign > 0 && !date.IsZero() {
			if e.First.IsZero() || date.Before(e.First) {
				e.First = date
			}
			if date.After(e.Last) {
				e.Last = date
			}
		}
		v, err := json.Marshal(e)
		if err != nil {
			return err
		}
		return b.Put([]byte(who), v)
	}
	for who, labels := range ds.Passages {
		err := update(who, func(e *speakerEntry) {
			for l, n := range labels {
				e.Passages += sign * n
				if l == "" {
					continue
				}
				if e.Labels == nil {
					e.Labels = make(map[string]int)
				}
				if e.Labels[l] += sign * n; e.Labels[l] <= 0 {
					delete(e.Labels, l)
				}
			}
		})
		if err != nil {
			return err
		}
	}
	for who, office := range ds.Offices {
		err := update(who, func(e *speakerEntry) {
			if e.Offices == nil {
				e.Offices = make(map[string]int)
			}
			if e.Offices[office] += sign; e.Offices[office] <= 0 {
				delete(e.Offices, office)
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Speakers returns the speaker registry, the most frequent speakers
// first. It is read from disk on each call; callers that ask often keep
// it and ask again when Generation changes.
func (x *Index) Speakers() ([]Speaker, error) {
	var out []Speaker
	err := x.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSpeakers)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var e speakerEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("speaker %q: %w", k, err)
			}
			out = append(out, Speaker{Name: string(k), Passages: e.Passages, Labels: e.Labels, Offices: e.Offices, First: e.First, Last: e.Last})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read speakers: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Passages != out[j].Passages {
			return out[i].Passages > out[j].Passages
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}
