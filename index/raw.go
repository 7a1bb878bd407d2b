package index

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
)

// RawMatch runs a plain Bleve match query for text on the passage text
// (the field's analyzer, BM25, the size best hits, nothing else) and
// returns the number of hits. It is the floor that Search and the answer
// engine are measured against, not a way to answer questions.
func (x *Index) RawMatch(ctx context.Context, text string, size int) (int, error) {
	if size <= 0 {
		size = 10
	}
	mq := bleve.NewMatchQuery(text)
	mq.SetField("text")
	req := bleve.NewSearchRequestOptions(mq, size, 0, false)
	x.blMu.RLock()
	res, err := x.bl.SearchInContext(ctx, req)
	x.blMu.RUnlock()
	if err != nil {
		return 0, fmt.Errorf("raw match: %w", err)
	}
	return len(res.Hits), nil
}
