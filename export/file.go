package export

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"

	"github.com/vigil-sec/vigil/event"
)

// WriteFile writes the export to path atomically: into a temporary file in
// the same directory, synced, then renamed into place, so path holds either
// nothing or the whole export, never part of one. The file is private (mode
// 0600): evidence often holds user names and addresses. Unless overwrite is
// true, WriteFile refuses a path that exists, checked before any work and
// again, without a race, when the file is put in place; the error then wraps
// fs.ErrExist. The temporary file is removed on any failure.
func WriteFile(path string, overwrite bool, f Format, h Header, events iter.Seq[*event.Event]) (n int, err error) {
	if !overwrite {
		if _, err := os.Lstat(path); err == nil {
			return 0, existErr(path)
		}
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	bw := bufio.NewWriterSize(tmp, flushAt)
	if n, err = Write(bw, f, h, events); err != nil {
		return n, err
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	if err := place(tmp.Name(), path, overwrite); err != nil {
		return n, err
	}
	syncDir(dir)
	return n, nil
}

// place moves the finished temporary file to path. Without overwrite it
// hard-links, which fails if path exists however it appeared meanwhile,
// and falls back to a check and a rename where links are not supported.
func place(tmp, path string, overwrite bool) error {
	if overwrite {
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		return nil
	}
	err := os.Link(tmp, path)
	if err == nil {
		os.Remove(tmp)
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return existErr(path)
	}
	if _, serr := os.Lstat(path); serr == nil {
		return existErr(path)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

func existErr(path string) error {
	return fmt.Errorf("export: %s: %w (choose another name or allow overwriting)", path, fs.ErrExist)
}

// syncDir makes the rename durable. It is best effort: some systems cannot
// sync a directory, and the file itself is already on disk.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
