package file

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/linereader"
)

// follower follows one path: the file it names now and every file it named
// before that we still hold open (rotated, renamed away, deleted). It runs
// two goroutines:
//
//   - the notifier, which never blocks on the consumer: on every directory
//     event and every PollInterval it stats the path, opens a new inode the
//     moment it appears (so a reader that lags several rotations still gets
//     every file), and records each open file's size so that the length of
//     content cut by a truncation is known even while the reader is blocked;
//   - the reader (the caller of follow), which reads the open files oldest
//     first, each to its end, in blocks, and sends batches.
type follower struct {
	path string
	name string
	opts Options
	hub  *hub
	out  chan<- sources.Batch

	events chan struct{} // hub -> notifier
	wake   chan struct{} // notifier -> reader

	mu      sync.Mutex
	files   []*tracked // oldest first; the last is what the path names
	notices []event.Event
	live    bool // reader only: the backlog has been read

	// delivered holds, reader only, the fingerprints of the most recent
	// generations of a copytruncated file that we read, so that a rotated
	// copy of one of them is never read again (see truncated).
	delivered []fingerprint

	// retired remembers, under mu, where reading stopped in files we let
	// go (a symlink re-pointed away, a rotated file released), so that a
	// path that names one of them again (a symlink pointed back) resumes
	// there instead of delivering its lines a second time.
	retired map[fileKey]resumePoint

	// Notifier-only state.
	watched  map[string]bool
	gone     bool   // the path is missing and our file was deleted
	problem  string // the last stat/open problem reported
	inotifyW bool   // a "falling back to polling" notice was sent
}

// fileKey identifies a file by device and inode.
type fileKey struct{ dev, ino uint64 }

// resumePoint is where reading of a released file stopped, with the
// fingerprint that tells the same file from a later one that reuses its
// inode number.
type resumePoint struct {
	off  int64
	head fingerprint
}

// maxRetired bounds the resume points a follower keeps.
const maxRetired = 64

// follow reads path's existing content, then follows it until ctx ends.
// It returns nil on cancellation and an error only when the path cannot be
// read at all at the start (or a read fails).
func follow(ctx context.Context, path string, opts Options, h *hub, out chan<- sources.Batch) error {
	fw := &follower{
		path: path, name: sourceName(path), opts: opts, hub: h, out: out,
		events: make(chan struct{}, 1), wake: make(chan struct{}, 1),
		watched: make(map[string]bool), retired: make(map[fileKey]resumePoint),
	}
	t, err := openTracked(path)
	switch {
	case err == nil:
		fw.files = []*tracked{t}
	case errors.Is(err, fs.ErrNotExist):
		// Deleted between Open and Run (or a glob match that vanished):
		// wait for it like tail -F does.
		fw.gone, fw.live = true, true
	default:
		return err
	}
	defer func() {
		fw.mu.Lock()
		for _, t := range fw.files {
			t.f.Close()
		}
		fw.files = nil
		fw.mu.Unlock()
	}()
	// Watches go up before the backlog is read, so no change is missed.
	fw.ensureWatches()
	defer h.unwatch(fw.events)

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		fw.notify(ctx)
	}()
	err = fw.read(ctx)
	cancel()
	wg.Wait()
	return err
}

// notify is the notifier loop.
func (fw *follower) notify(ctx context.Context) {
	tick := time.NewTicker(fw.opts.PollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-fw.events:
		case <-tick.C:
		}
		fw.scan()
		poke(fw.wake)
	}
}

// scan looks at what the path names now and at the sizes of the open files.
func (fw *follower) scan() {
	fw.ensureWatches()
	fi, err := os.Stat(fw.path)
	switch {
	case err == nil && fi.Mode().IsRegular():
		fw.problem = ""
		fw.adopt(fi)
	case err == nil:
		fw.report(fmt.Sprintf("%s is no longer a regular file (%s); waiting", sanitize.String(fw.path), fi.Mode().Type()))
	case errors.Is(err, fs.ErrNotExist):
		fw.problem = ""
		// A rename rotation also leaves the path missing for a moment; only
		// an unlinked file is a deletion.
		if cur := fw.newest(); cur != nil && !fw.gone {
			if cfi, err := cur.f.Stat(); err == nil && links(cfi) == 0 {
				fw.gone = true
				fw.notice(event.Warning, true, sources.StateDeleted, fmt.Sprintf("%s was deleted; waiting for it to be re-created", sanitize.String(fw.path)), nil)
			}
		}
	default:
		fw.report(fmt.Sprintf("cannot stat %s: %v; retrying", sanitize.String(fw.path), errors.Unwrap(err)))
	}
	fw.mu.Lock()
	files := append([]*tracked(nil), fw.files...)
	fw.mu.Unlock()
	for _, t := range files {
		t.observe()
	}
}

// adopt opens the file the path names if it is not one we hold already.
func (fw *follower) adopt(fi os.FileInfo) {
	dev, ino := fileID(fi)
	fw.mu.Lock()
	for _, t := range fw.files {
		if t.dev == dev && t.ino == ino {
			fw.mu.Unlock()
			return
		}
	}
	fw.mu.Unlock()
	t, err := openTracked(fw.path)
	if err != nil {
		fw.report(fmt.Sprintf("cannot open %s: %v; retrying", sanitize.String(fw.path), errors.Unwrap(err)))
		return
	}
	if t.dev != dev || t.ino != ino {
		// Replaced again between stat and open: the next scan adopts it.
		t.f.Close()
		return
	}
	fw.mu.Lock()
	rp, back := fw.retired[fileKey{dev, ino}]
	delete(fw.retired, fileKey{dev, ino})
	fw.mu.Unlock()
	if back && fi.Size() >= rp.off && rp.head.in(t.f) {
		// A file we read before (same inode, same first lines: not a reused
		// inode number): carry on where we stopped.
		t.lr = linereader.New(&offsetReader{f: t.f, off: rp.off}, rp.off, 0)
		t.head, t.headOff = rp.head.data, rp.head.off
		fw.opts.Logger.Debug("path names a file read before; resuming", "path", fw.path, "ino", ino, "offset", rp.off)
	}
	prev := fw.newest()
	switch {
	case fw.gone:
		fw.notice(event.Notice, true, sources.StateRotated, fmt.Sprintf("%s was re-created; following the new file", sanitize.String(fw.path)), nil)
	case prev != nil:
		if pfi, err := prev.f.Stat(); err == nil && links(pfi) == 0 {
			fw.notice(event.Warning, true, sources.StateRotated, fmt.Sprintf("%s was deleted and re-created; following the new file", sanitize.String(fw.path)), nil)
		}
	}
	fw.gone = false
	fw.opts.Logger.Debug("new file at path", "path", fw.path, "ino", ino)
	fw.mu.Lock()
	fw.files = append(fw.files, t)
	fw.mu.Unlock()
}

func (fw *follower) newest() *tracked {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	if len(fw.files) == 0 {
		return nil
	}
	return fw.files[len(fw.files)-1]
}

// ensureWatches watches the path's directory and, for a symlink, the
// directory of its current target (which may change when it is re-pointed).
// A directory that cannot be watched is polled, with one warning.
func (fw *follower) ensureWatches() {
	dirs := []string{filepath.Dir(fw.path)}
	if li, err := os.Lstat(fw.path); err == nil && li.Mode()&fs.ModeSymlink != 0 {
		if target, err := filepath.EvalSymlinks(fw.path); err == nil {
			dirs = append(dirs, filepath.Dir(target))
		}
	}
	for _, d := range dirs {
		if fw.watched[d] {
			continue
		}
		fw.watched[d] = true
		if err := fw.hub.watch(d, fw.events); err != nil {
			if !fw.inotifyW {
				fw.inotifyW = true
				fw.notice(event.Warning, false, sources.StatePolling, fmt.Sprintf("cannot watch %s for changes (%v); polling every %s instead",
					sanitize.String(d), err, fw.opts.PollInterval), nil)
			}
		}
	}
}

// report sends a warning about a stat/open problem once per distinct message.
func (fw *follower) report(msg string) {
	if msg == fw.problem {
		return
	}
	fw.problem = msg
	fw.notice(event.Warning, false, sources.StateError, msg, nil)
}

// notice queues a notice for the next batch. Findings about the log itself
// (deletion, truncation: integrity true) carry event.CategoryLogIntegrity;
// findings about our ability to watch it do not.
func (fw *follower) notice(sev event.Severity, integrity bool, state, msg string, fields map[string]string) {
	var n event.Event
	if integrity {
		n = sources.Notice(fw.name, sev, msg, event.CategoryLogIntegrity)
	} else {
		n = sources.Notice(fw.name, sev, msg)
	}
	if state != "" {
		n = sources.WithState(n, state)
	}
	for k, v := range fields {
		n.SetField(k, v)
	}
	fw.mu.Lock()
	fw.notices = append(fw.notices, n)
	fw.mu.Unlock()
	poke(fw.wake)
}

func (fw *follower) takeNotices() []event.Event {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	n := fw.notices
	fw.notices = nil
	return n
}

// errRestart tells the read pass to start again from the oldest file, which
// has grown: its lines come before anything newer.
var errRestart = errors.New("older file grew")

// read is the reader loop.
func (fw *follower) read(ctx context.Context) error {
	for {
		fw.mu.Lock()
		files := append([]*tracked(nil), fw.files...)
		fw.mu.Unlock()
		restart := false
		for i, t := range files {
			err := fw.drain(ctx, t, files[:i])
			if errors.Is(err, errRestart) {
				restart = true
				break
			}
			if err != nil {
				return err
			}
			if ctx.Err() != nil {
				return nil
			}
		}
		if restart {
			continue
		}
		fw.live = true
		if err := fw.retire(ctx, files); err != nil {
			return err
		}
		if n := fw.takeNotices(); len(n) > 0 {
			if !send(ctx, fw.out, sources.Batch{Source: fw.name, Live: true, Notices: n}) {
				return nil
			}
		}
		var retry <-chan time.Time
		if len(files) > 1 {
			retry = time.After(fw.opts.RotateWait / 2)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-fw.wake:
		case <-retry:
		}
	}
}

// drain reads t to its current end, one batch per block. Before each block it
// checks that no older file has grown (a writer that had not switched yet):
// if one has, it returns errRestart so the older lines go out first.
func (fw *follower) drain(ctx context.Context, t *tracked, older []*tracked) error {
	for {
		fi, truncs, _, err := t.sync()
		if err != nil {
			return fmt.Errorf("%s: %w", fw.path, err)
		}
		size, off := fi.Size(), t.lr.Offset()
		changed := len(truncs) == 0 && size >= off && off > 0 && t.headChanged()
		if changed {
			// Either the content was rewritten past our offset, or it was cut
			// between the stat and the fingerprint read: look again so that a
			// cut is counted here and not a second time by the notifier.
			if fi2, truncs2, _, err := t.sync(); err == nil {
				fi, truncs, size = fi2, truncs2, fi2.Size()
			}
		}
		if len(truncs) > 0 || size < off || changed {
			if !fw.truncated(ctx, t, off, truncs) {
				return nil
			}
			continue
		}
		if size == off {
			return nil
		}
		for _, o := range older {
			if ofi, err := o.f.Stat(); err == nil && ofi.Size() != o.lr.Offset() {
				return errRestart
			}
		}
		lines, err := t.lr.Read(int(min(size-off, math.MaxInt32)))
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: read: %w", fw.path, err)
		}
		if len(lines) == 0 {
			continue
		}
		t.grewAt = time.Now()
		if t.head == nil {
			t.setHead(lines)
		}
		b := sources.Batch{Source: fw.name, ModTime: fi.ModTime(), Live: fw.live, Notices: fw.takeNotices(), Lines: lines}
		if !send(ctx, fw.out, b) {
			return nil
		}
	}
}

// retire closes older files that stopped growing RotateWait ago (after a
// newer one appeared), sending a final line that had no newline.
func (fw *follower) retire(ctx context.Context, files []*tracked) error {
	now := time.Now()
	for _, t := range files[:max(len(files)-1, 0)] {
		if t.supersededAt.IsZero() {
			t.supersededAt = now
		}
		if now.Sub(t.grewAt) < fw.opts.RotateWait || now.Sub(t.supersededAt) < fw.opts.RotateWait {
			continue
		}
		if l, ok := t.lr.Flush(); ok {
			if !send(ctx, fw.out, sources.Batch{Source: fw.name, Live: true, Lines: []sources.Line{l}}) {
				return nil
			}
		}
		fw.mu.Lock()
		for i, x := range fw.files {
			if x == t {
				fw.files = append(fw.files[:i:i], fw.files[i+1:]...)
				break
			}
		}
		if len(t.head) > 0 {
			if len(fw.retired) >= maxRetired {
				clear(fw.retired) // a rare, bounded forgetting beats unbounded growth
			}
			fw.retired[fileKey{t.dev, t.ino}] = resumePoint{off: t.lr.Offset(), head: fingerprint{data: t.head, off: t.headOff}}
		}
		fw.mu.Unlock()
		t.f.Close()
		fw.opts.Logger.Debug("released rotated file", "path", fw.path, "ino", t.ino)
	}
	return nil
}
