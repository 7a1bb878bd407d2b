package corpus

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// open opens a file of the corpus for reading and refuses anything but a
// regular file, symbolic links followed: a FIFO blocks its reader forever
// and a device such as /dev/zero never ends. The mode is checked before
// the file is opened, and again on the open file; in an OS directory the
// file is opened without blocking, so a FIFO swapped in between cannot
// hang the load either.
func (c *Files) open(name string) (fs.File, fs.FileInfo, error) {
	info, err := fs.Stat(c.fsys, name)
	if err != nil {
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, nil, notRegular(info.Mode())
	}
	var f fs.File
	if c.dir != "" {
		f, err = os.OpenFile(filepath.Join(c.dir, filepath.FromSlash(name)), os.O_RDONLY|openNonblock, 0)
	} else {
		f, err = c.fsys.Open(name)
	}
	if err != nil {
		return nil, nil, err
	}
	if info, err = f.Stat(); err != nil || !info.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = notRegular(info.Mode())
		}
		return nil, nil, err
	}
	return f, info, nil
}

// notRegular is the error for a file that is not a regular file.
func notRegular(m fs.FileMode) error {
	kind := "not a regular file"
	switch {
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		kind = "a character device"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m.IsDir():
		kind = "a directory"
	}
	return fmt.Errorf("%s, not a regular file; only regular files are read", kind)
}

// readAtMost reads r to its end, or to max bytes when it holds more, and
// reports whether it did. size is what the file system says the file
// holds, which may be wrong (files in /proc say 0): it only sizes the
// buffer.
func readAtMost(r io.Reader, size, max int64) (data []byte, more bool, err error) {
	n := max
	if size >= 0 && size < max {
		n = size
	}
	data = make([]byte, 0, min(n, max-1)+1)
	for {
		if int64(len(data)) >= max {
			var probe [1]byte
			k, err := io.ReadFull(r, probe[:])
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, false, err
			}
			return data, k > 0, nil
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // let append pick the growth
		}
		k, err := r.Read(data[len(data):min(int64(cap(data)), max)])
		data = data[:len(data)+k]
		if errors.Is(err, io.EOF) {
			return data, false, nil
		}
		if err != nil {
			return nil, false, err
		}
	}
}
