package corpus

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestZZStats(t *testing.T) {
	if os.Getenv("STATS") == "" {
		t.Skip()
	}
	t0 := time.Now()
	docs, probs, err := Load("/tmp/wh")
	fmt.Println("err", err, "docs", len(docs), "probs", len(probs), "time", time.Since(t0))
	reasons := map[string]int{}
	for _, p := range probs {
		r := p.Reason
		if i := strings.IndexAny(r, "\"("); i > 0 {
			r = r[:i]
		}
		reasons[r]++
		if reasons[r] <= 3 {
			fmt.Println("  ", p)
		}
	}
	fmt.Println(reasons)
	sp := map[string]int{}
	var n, bytes int
	for _, d := range docs {
		bytes += len(d.Body)
		n += len(d.Passages)
		for _, p := range d.Passages {
			sp[d.Kind+"|"+p.Speaker]++
		}
	}
	fmt.Println("passages", n, "body bytes", bytes)
	type kv struct {
		k string
		v int
	}
	var kvs []kv
	for k, v := range sp {
		kvs = append(kvs, kv{k, v})
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].v > kvs[j].v })
	f, _ := os.Create("/tmp/speakers.txt")
	for _, e := range kvs {
		fmt.Fprintln(f, e.v, e.k)
	}
	f.Close()
}
