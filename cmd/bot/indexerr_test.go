package main

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"

	"github.com/briefbot/briefbot/index"
)

func TestIndexError(t *testing.T) {
	const dir = "/data/index"
	tests := []struct {
		name       string
		err        error
		want, omit string
	}{
		{"read-only folder",
			fmt.Errorf("%w: %w", index.ErrReadOnly, &fs.PathError{Op: "open", Path: dir + "/docs.db", Err: syscall.EROFS}),
			"read-only", "delete"},
		{"locked", fmt.Errorf("open index %s: %w", dir, index.ErrLocked), "Stop it, or point DATA_DIR", "delete"},
		{"damaged", fmt.Errorf("open index %s: %w", dir, index.ErrCorrupt), "delete " + dir, ""},
	}
	for _, tt := range tests {
		got := indexError(dir, tt.err)
		if !errors.Is(got, tt.err) || !strings.Contains(got.Error(), tt.want) || tt.omit != "" && strings.Contains(got.Error(), tt.omit) {
			t.Errorf("%s: indexError = %q; want it to wrap the error, say %q and not %q", tt.name, got, tt.want, tt.omit)
		}
	}
}
