// Package stdin is the source for "-": it reads lines from standard input (or
// any io.Reader) to its end. There is nothing to follow after EOF.
package stdin

import (
	"context"
	"errors"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/linereader"
)

// blockSize matches the default pipe buffer: a pipe read rarely returns more.
const blockSize = 64 << 10

// Source reads lines from a reader until EOF. Its batches are named "stdin"
// and carry cumulative byte offsets.
type Source struct {
	r io.Reader
}

// New returns the source for r, normally os.Stdin. Name() is "-".
//
// Cancelling Run's context interrupts a blocked read only when r is an
// *os.File that the runtime can poll (a pipe or a terminal); for other
// readers Run returns once the current Read returns.
func New(r io.Reader) sources.Source { return &Source{r: r} }

// Name returns "-", the source as the user wrote it.
func (s *Source) Name() string { return "-" }

// Run reads r to its end, sending one batch per block read, and returns nil
// at EOF or when ctx is cancelled. A final line without a newline is sent too.
// Offsets count bytes from the start of the input. Batches are Live unless r
// is a regular file (a shell redirection), which is history.
func (s *Source) Run(ctx context.Context, out chan<- sources.Batch) error {
	r := s.r
	// Lines from a pipe or a terminal are arriving now; a redirected regular
	// file is history.
	live := true
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			live = false
		}
		if pf, restore, err := pollable(f); err == nil {
			defer restore()
			r = pf
			stop := context.AfterFunc(ctx, func() { _ = pf.SetReadDeadline(time.Unix(1, 0)) })
			defer stop()
		}
	}
	lr := linereader.New(r, 0, blockSize)
	for {
		if ctx.Err() != nil {
			return nil
		}
		lines, err := lr.Read(0)
		if err != nil && !errors.Is(err, io.EOF) {
			if errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() != nil {
				return nil
			}
			if len(lines) > 0 {
				send(ctx, out, live, lines)
			}
			return err
		}
		if errors.Is(err, io.EOF) {
			if l, ok := lr.Flush(); ok {
				lines = append(lines, l)
			}
			if len(lines) > 0 {
				send(ctx, out, live, lines)
			}
			return nil
		}
		if len(lines) > 0 && !send(ctx, out, live, lines) {
			return nil
		}
	}
}

// send delivers one batch, or gives up when ctx ends. It reports whether the
// batch was sent.
func send(ctx context.Context, out chan<- sources.Batch, live bool, lines []sources.Line) bool {
	b := sources.Batch{Source: "stdin", Lines: lines, Live: live}
	select {
	case out <- b:
		return true
	case <-ctx.Done():
		return false
	}
}

// pollable returns a duplicate of f's descriptor in non-blocking mode,
// registered with the runtime poller so that a read can be interrupted with a
// deadline. f itself keeps working (f.Fd would switch it to blocking mode, so
// the descriptor is duplicated through SyscallConn). restore closes the
// duplicate and puts the shared file description back into blocking mode, as
// the shell that owns it expects.
func pollable(f *os.File) (*os.File, func(), error) {
	sc, err := f.SyscallConn()
	if err != nil {
		return nil, nil, err
	}
	dup := -1
	var derr error
	if err := sc.Control(func(fd uintptr) { dup, derr = syscall.Dup(int(fd)) }); err != nil {
		return nil, nil, err
	}
	if derr != nil {
		return nil, nil, derr
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(dup, &st); err != nil || st.Mode&syscall.S_IFMT == syscall.S_IFREG {
		// Regular files never block and cannot be polled: read them as they are.
		_ = syscall.Close(dup)
		if err == nil {
			err = errors.ErrUnsupported
		}
		return nil, nil, err
	}
	if err := syscall.SetNonblock(dup, true); err != nil {
		_ = syscall.Close(dup)
		return nil, nil, err
	}
	pf := os.NewFile(uintptr(dup), f.Name())
	restore := func() {
		if sc, err := pf.SyscallConn(); err == nil {
			_ = sc.Control(func(fd uintptr) { _ = syscall.SetNonblock(int(fd), false) })
		}
		_ = pf.Close()
	}
	return pf, restore, nil
}
