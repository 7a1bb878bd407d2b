package index

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
)

// ErrReadOnly reports an index folder the process may not write to. Deleting
// the index would not help: the folder, or its file system, must be made
// writable, or another one used.
var ErrReadOnly = errors.New("the index folder is read-only, or this user may not write to it")

// writeErr marks err as ErrReadOnly when a read-only file system or a
// missing permission caused it.
func writeErr(err error) error {
	if err == nil || errors.Is(err, ErrReadOnly) {
		return err
	}
	if errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	return err
}
