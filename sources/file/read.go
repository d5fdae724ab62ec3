package file

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/linereader"
)

// fileSource is one plain file, read or followed.
type fileSource struct {
	path string
	opts Options
	hub  *hub // shared watcher when part of a glob; nil means own one
}

// Name returns the path as the user wrote it.
func (s *fileSource) Name() string { return s.path }

// Run reads the file to its end (and follows it with Options.Follow).
func (s *fileSource) Run(ctx context.Context, out chan<- sources.Batch) error {
	if !s.opts.Follow {
		return readFile(ctx, s.path, out)
	}
	h := s.hub
	if h == nil {
		h = newHub(s.opts.Logger)
		defer h.close()
	}
	return follow(ctx, s.path, s.opts, h, out)
}

// readFile sends the lines of path, from the start to the end it has when
// reading reaches it, and returns nil (or the reason it cannot).
func readFile(ctx context.Context, path string, out chan<- sources.Batch) error {
	f, fi, err := openRegular(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return drainReader(ctx, linereader.New(f, 0, 0), sourceName(path), fi.ModTime(), out)
}

// openRegular opens path and checks, on the descriptor, that it is a
// regular file; errors name the path and the reason.
func openRegular(path string) (*os.File, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, describe(path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, describe(path, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, ErrNotRegular)
	}
	return f, fi, nil
}

// drainReader sends every line of lr, one batch per block, including a final
// line without a newline, and returns nil at EOF.
func drainReader(ctx context.Context, lr *linereader.Reader, name string, mtime time.Time, out chan<- sources.Batch) error {
	for {
		lines, err := lr.Read(0)
		eof := errors.Is(err, io.EOF)
		if eof {
			if l, ok := lr.Flush(); ok {
				lines = append(lines, l)
			}
		} else if err != nil {
			return fmt.Errorf("%s: read: %w", name, err)
		}
		if len(lines) > 0 {
			if !send(ctx, out, sources.Batch{Source: name, ModTime: mtime, Lines: lines}) {
				return nil
			}
		}
		if eof {
			return nil
		}
	}
}

// send delivers b or gives up when ctx ends; it reports whether b was sent.
func send(ctx context.Context, out chan<- sources.Batch, b sources.Batch) bool {
	select {
	case out <- b:
		return true
	case <-ctx.Done():
		return false
	}
}

// gzSource is a gzip archive: history, read to its end, never followed.
type gzSource struct {
	path string
}

// Name returns the path as the user wrote it.
func (s *gzSource) Name() string { return s.path }

// Run decompresses the archive and sends its lines; offsets count
// uncompressed bytes. Concatenated gzip members are read as one stream.
func (s *gzSource) Run(ctx context.Context, out chan<- sources.Batch) error {
	return readGzip(ctx, s.path, out)
}

func readGzip(ctx context.Context, path string, out chan<- sources.Batch) error {
	f, fi, err := openRegular(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer zr.Close()
	return drainReader(ctx, linereader.New(zr, 0, 0), sourceName(path), fi.ModTime(), out)
}
