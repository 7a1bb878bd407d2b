package corpus

import (
	"fmt"
	"os"
	"testing"
)

func TestZZDump(t *testing.T) {
	p := os.Getenv("DUMP")
	if p == "" {
		t.Skip()
	}
	docs, probs, err := Load(p)
	fmt.Println("err", err, "docs", len(docs), "probs", len(probs))
	for _, pr := range probs {
		fmt.Println("PROBLEM", pr)
	}
	for _, d := range docs {
		fmt.Printf("=== %s\nTitle: %q\nDate: %v URL: %s Source: %s Kind: %s Tags: %v\n", d.ID, d.Title, d.Date, d.URL, d.Source, d.Kind, d.Tags)
		for _, ps := range d.Passages {
			fmt.Printf("[%s] %s\n", ps.Speaker, d.Body[ps.Start:ps.End])
		}
	}
}
