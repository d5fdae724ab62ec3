package file

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrNotRegular is wrapped by Check's error for a path that exists but is not
// a regular file (a directory, a device, a socket).
var ErrNotRegular = errors.New("not a regular file")

// Check reports whether path can be read as a log file: it exists (after
// following symlinks), is a regular file and can be opened for reading. The
// error names the path and the reason ("no such file or directory",
// "permission denied", "is a directory") and wraps the underlying error, so
// errors.Is(err, fs.ErrNotExist) and errors.Is(err, fs.ErrPermission) work.
//
// Sources run it before following a path: the follower then never meets a
// path it cannot stat, which is the class of error that makes some tailing
// libraries exit the process.
func Check(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return describe(path, err)
	}
	if fi.IsDir() {
		return fmt.Errorf("%s: is a directory: %w", path, ErrNotRegular)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, fi.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return describe(path, err)
	}
	return f.Close()
}

// describe turns an open or stat error into "PATH: reason", keeping the
// error chain.
func describe(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", path, pe.Err)
	}
	return fmt.Errorf("%s: %w", path, err)
}
