package corpus

import (
	"embed"
	"io/fs"
)

//go:embed sample/*.txt
var sample embed.FS

// Sample returns the embedded sample corpus, the default corpus when none
// is configured: the five seed documents (four news articles in three
// plain-text shapes and one briefing transcript with front matter) at the
// root of the returned file system. Load it with LoadFS(Sample(), ".").
func Sample() fs.FS {
	sub, err := fs.Sub(sample, "sample")
	if err != nil { // unreachable: "sample" is a valid path
		return sample
	}
	return sub
}
