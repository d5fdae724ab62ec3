// Package journald is the source for the systemd journal, read without cgo:
// it runs the system's journalctl as a child with --output=export and reads
// the binary-safe export stream (KEY=value lines, or KEY, a little-endian
// 64-bit length and the bytes for a binary or multi-line value; a blank
// line ends an entry). Each entry is handed on as one sources.Line holding
// the entry's fields (Batch.Format "journal-export"), so the engine's
// workers decode entries in parallel and journalctl stays the only limit:
// export is about 3.3 times faster than journalctl's JSON.
//
// The source keeps the __CURSOR of the last entry it handed on. When
// journalctl exits or is killed while following, it is started again with
// --cursor (dropping the entry at the cursor, which was handed on already;
// --after-cursor skips an entry when combined with a match before systemd
// 255) and --no-tail (without which --follow would print only the last ten
// entries), after a backoff, so no entry is lost or repeated; a notice
// says so. journalctl's --cursor-file is not used: before systemd
// 254 it is not written when journalctl is terminated.
//
// A change of _BOOT_ID between consecutive entries becomes a notice ("new
// boot ID") just before the first entry of the new boot, so the views can
// draw a separator; the boot record itself (the kernel banner) is tagged by
// the rules.
package journald

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/decode"
)

// gather is how long the reader lets a trickle of output gather in the
// pipe before reading again.
const gather = time.Millisecond

// Default restart backoff bounds and directory poll interval.
const (
	DefaultMinBackoff = 250 * time.Millisecond
	DefaultMaxBackoff = 10 * time.Second
	DefaultDirPoll    = 2 * time.Second
)

// Options selects what journalctl reads. The zero value reads the whole
// system journal once.
type Options struct {
	// Follow keeps reading new entries until the context ends
	// (journalctl --follow --no-tail).
	Follow bool
	// Units are unit names or globs, as journalctl's --unit takes them.
	Units []string
	// Priority is journalctl's --priority value ("err", "0..4", ...);
	// empty means all.
	Priority string
	// Boot, when BootSet, reads one boot: journalctl --boot[=Boot]
	// (empty Boot is the current one; "-1", an ID, ...).
	Boot    string
	BootSet bool
	// Since and Until bound the entries' time (whole seconds are passed to
	// journalctl; the engine's window trims the rest). Zero is unbounded.
	Since, Until time.Time
	// Dir reads the journal files of a directory (journalctl --directory),
	// e.g. a copied /var/log/journal/MACHINE-ID; Files reads those files
	// (--file). Neither: the system journal.
	Dir   string
	Files []string
	// AfterCursor starts after this entry.
	AfterCursor string
	// Journalctl is the program to run; empty means "journalctl" looked up
	// in PATH.
	Journalctl string
	// DirPoll is how often Dir is listed, while following, for journal
	// files journalctl did not open; zero means DefaultDirPoll.
	DirPoll time.Duration
	// MinBackoff and MaxBackoff bound the wait before a restart; zero
	// means the defaults.
	MinBackoff, MaxBackoff time.Duration
	// Logger receives debug records about the child. nil discards.
	Logger *slog.Logger
}

// Source reads the journal through journalctl. Run may be called once.
type Source struct {
	name string
	tag  string // Batch.Source
	opts Options

	// cursor is the __CURSOR of the last entry handed on; written only by
	// Run's goroutine.
	cursor string
	// boot is the _BOOT_ID of the last entry read.
	boot    [64]byte
	bootLen int
	// restarts counts journalctl restarts while following.
	restarts int
	// live is set, while following, once a read found the pipe nearly
	// empty: journalctl has printed the backlog and what follows is new.
	// It is read by the stderr goroutine too.
	live atomic.Bool
	// mu guards pid, the running child's process ID (0 when none).
	mu  sync.Mutex
	pid int
}

// New returns the source named name (the spec as the user wrote it, e.g.
// "journald" or "journald:ssh.service"). Problems with the host (no
// journalctl, no journal files) are reported by Run.
func New(name string, opts Options) *Source {
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = DefaultMinBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.DirPoll <= 0 {
		opts.DirPoll = DefaultDirPoll
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	tag := "journald"
	switch {
	case opts.Dir != "":
		tag = "journald:" + opts.Dir
	case len(opts.Files) > 0:
		tag = "journald:" + strings.Join(opts.Files, ",")
	}
	if len(opts.Units) > 0 {
		tag += "[" + strings.Join(opts.Units, ",") + "]"
	}
	return &Source{name: name, tag: tag, opts: opts, cursor: opts.AfterCursor}
}

// Name returns the source as the user wrote it.
func (s *Source) Name() string { return s.name }

// Cursor returns the cursor of the last entry handed on; call it after
// Run has returned.
func (s *Source) Cursor() string { return s.cursor }

// PID returns the process ID of the running journalctl, 0 when none. It
// exists for tests that kill the child; safe for concurrent use.
func (s *Source) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pid
}

// Run reads the journal and sends one batch per block read, each entry one
// line. Without Follow it returns at the end of the journal; with Follow it
// restarts journalctl after the last cursor whenever it ends, until ctx is
// cancelled. Errors a user can act on (no journalctl, no journal files, no
// permission) are returned before anything is read.
func (s *Source) Run(ctx context.Context, out chan<- sources.Batch) error {
	path, err := s.lookPath()
	if err != nil {
		return err
	}
	if err := s.preflight(); err != nil {
		return err
	}
	if len(s.opts.Units) > 0 && s.opts.Follow && s.cursor == "" {
		if n, err := s.count(ctx, path); err == nil && n == 0 {
			s.notice(ctx, out, event.Notice, fmt.Sprintf("journald: no entries for %s in the journal yet; waiting for them", strings.Join(s.opts.Units, ", ")))
		}
	}
	backoff := s.opts.MinBackoff
	first := true
	for {
		started := time.Now()
		res := s.runOnce(ctx, path, out)
		if ctx.Err() != nil {
			return nil
		}
		if res.fatal != nil {
			return res.fatal
		}
		if res.newFile != "" {
			// journalctl --follow --directory does not open files that
			// appear after it started (systemd 252): start it again.
			first = false
			s.notice(ctx, out, event.Notice, "journald: new journal file "+sanitize.String(filepath.Base(res.newFile))+"; reading it from the last entry read on")
			continue
		}
		if first && res.entries == 0 && res.exitErr != nil {
			return s.childError(res)
		}
		first = false
		if !s.opts.Follow {
			if res.exitErr != nil {
				return s.childError(res)
			}
			if res.entries == 0 && len(s.opts.Units) > 0 {
				s.notice(ctx, out, event.Notice, fmt.Sprintf("journald: no entries for %s", strings.Join(s.opts.Units, ", ")))
			}
			return nil
		}
		if time.Since(started) > 30*time.Second {
			backoff = s.opts.MinBackoff
		}
		s.restarts++
		why := "exited"
		if res.exitErr != nil {
			why = sanitize.String(res.exitErr.Error())
		}
		if n := len(res.stderr); n > 0 {
			why += ": " + sanitize.String(res.stderr[n-1])
		}
		where := "from the start"
		if s.cursor != "" {
			where = "after the last entry read, so nothing is lost or repeated"
		}
		s.sendNotice(ctx, out, sources.WithState(sources.Notice(s.tag, event.Warning, fmt.Sprintf("journald: journalctl ended (%s); restarting it in %s %s (restart %d)", why, backoff.Round(time.Millisecond), where, s.restarts)), sources.StateRestarted))
		s.opts.Logger.Debug("journalctl restart", "reason", why, "backoff", backoff, "cursor", s.cursor)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		backoff = min(2*backoff, s.opts.MaxBackoff)
	}
}

// result is how one journalctl run ended.
type result struct {
	entries int
	exitErr error
	stderr  []string
	fatal   error
	// newFile is a journal file that appeared in Dir while following;
	// journalctl was stopped to read it.
	newFile string
}

// args builds journalctl's command line for the next run.
func (s *Source) args() []string {
	a := []string{"--output=export", "--no-pager"}
	if s.opts.Follow {
		a = append(a, "--follow", "--no-tail")
	}
	if s.cursor != "" {
		// --cursor, not --after-cursor: before systemd 255 (PR #30336)
		// --after-cursor with a match such as --unit skipped one
		// matching entry. The entry at the cursor, already handed on,
		// is dropped by readEntries.
		a = append(a, "--cursor="+s.cursor)
	}
	if !s.opts.Since.IsZero() {
		a = append(a, "--since=@"+strconv.FormatInt(s.opts.Since.Unix(), 10))
	}
	if !s.opts.Until.IsZero() {
		u := s.opts.Until.Unix()
		if s.opts.Until.Nanosecond() > 0 {
			u++
		}
		a = append(a, "--until=@"+strconv.FormatInt(u, 10))
	}
	for _, u := range s.opts.Units {
		a = append(a, "--unit="+u)
	}
	if s.opts.Priority != "" {
		a = append(a, "--priority="+s.opts.Priority)
	}
	if s.opts.BootSet {
		if s.opts.Boot == "" {
			a = append(a, "--boot")
		} else {
			a = append(a, "--boot="+s.opts.Boot)
		}
	}
	if s.opts.Dir != "" {
		a = append(a, "--directory="+s.opts.Dir)
	}
	for _, f := range s.opts.Files {
		a = append(a, "--file="+f)
	}
	return a
}

// command prepares journalctl with args: terminated when ctx ends, killed
// when vigil dies, in the C locale without colours.
func command(ctx context.Context, path string, args []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 2 * time.Second
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Env = append(os.Environ(), "SYSTEMD_COLORS=0", "SYSTEMD_PAGER=", "LC_ALL=C")
	return cmd
}

// runOnce runs journalctl once and hands on what it prints until it ends
// or ctx is cancelled.
func (s *Source) runOnce(parent context.Context, path string, out chan<- sources.Batch) (res result) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	cmd := command(ctx, path, s.args())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		res.fatal = err
		return res
	}
	if f, ok := stdout.(*os.File); ok {
		growPipe(f)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		res.fatal = err
		return res
	}
	if err := cmd.Start(); err != nil {
		res.fatal = fmt.Errorf("starting journalctl: %w", err)
		return res
	}
	s.mu.Lock()
	s.pid = cmd.Process.Pid
	s.mu.Unlock()
	s.opts.Logger.Debug("journalctl started", "pid", cmd.Process.Pid, "args", cmd.Args)

	var (
		wg   sync.WaitGroup
		held []event.Event
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		res.stderr, held = s.readStderr(ctx, stderr, out)
	}()
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	if s.opts.Follow && s.opts.Dir != "" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if res.newFile = s.watchDir(wctx); res.newFile != "" {
				cancel() // stops journalctl
			}
		}()
	}
	res.entries, res.fatal = s.readEntries(ctx, stdout, out)
	if res.fatal != nil {
		cancel()
	}
	stopWatch()
	wg.Wait()
	res.exitErr = cmd.Wait()
	if res.exitErr == nil {
		for _, n := range held {
			s.notice(parent, out, n.Severity, n.Message)
		}
	}
	s.mu.Lock()
	s.pid = 0
	s.mu.Unlock()
	return res
}

// watchDir polls Dir for journal files that were not there when it was
// called, until ctx ends; it returns the first new one, or "".
func (s *Source) watchDir(ctx context.Context) string {
	before, _, _ := journalFiles(s.opts.Dir)
	known := make(map[string]bool, len(before))
	for _, f := range before {
		known[f] = true
	}
	t := time.NewTicker(s.opts.DirPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ""
		case <-t.C:
		}
		now, _, _ := journalFiles(s.opts.Dir)
		for _, f := range now {
			// journald renames a full file to NAME@...journal and starts
			// a new NAME.journal: both are new names, and either way the
			// entries are in a file journalctl has not opened.
			if !known[f] {
				return f
			}
		}
	}
}

// growPipe enlarges the pipe from journalctl to pipeSize (the default
// 64 KiB fills in well under a millisecond of journalctl's output). It
// is best effort: a smaller limit in /proc/sys/fs/pipe-max-size only
// costs speed.
func growPipe(f *os.File) {
	sc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = sc.Control(func(fd uintptr) {
		_, _, _ = syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_SETPIPE_SZ, pipeSize)
	})
}

// readEntries hands on the entries of one journalctl run, one batch per
// read, splitting a batch where the boot changes.
func (s *Source) readEntries(ctx context.Context, r io.Reader, out chan<- sources.Batch) (int, error) {
	x := newExportReader(r)
	total := 0
	// The first entry of a run started at the cursor is the one handed
	// on last; skip is cleared after the first entry either way.
	skip := s.cursor
	var lines []sources.Line
	var notices []event.Event
	for {
		err := x.fill()
		if err != nil && !errors.Is(err, io.EOF) {
			if errors.Is(err, errBadExport) {
				return total, err
			}
			return total, nil // the pipe closed under us: journalctl ended
		}
		var last []byte
		for {
			e, ok, perr := x.next()
			if perr != nil {
				return total, perr
			}
			if !ok {
				break
			}
			if skip != "" {
				again := string(e.cursor) == skip
				skip = ""
				if again {
					continue
				}
			}
			if len(e.boot) > 0 && len(e.boot) <= len(s.boot) && string(e.boot) != string(s.boot[:s.bootLen]) {
				if s.bootLen > 0 {
					if len(lines) > 0 || len(notices) > 0 {
						if !s.send(ctx, out, lines, notices, last) {
							return total, nil
						}
						lines, notices = nil, nil
					}
					notices = append(notices, bootNotice(s.tag, e))
				}
				s.bootLen = copy(s.boot[:], e.boot)
			}
			l := sources.Line{Data: e.data, Offset: -1}
			if len(e.data) > sources.MaxLine {
				l = compact(e.data)
			}
			lines = append(lines, l)
			if e.cursor != nil {
				last = e.cursor
			}
			total++
		}
		if len(lines) > 0 || len(notices) > 0 {
			if !s.send(ctx, out, lines, notices, last) {
				return total, nil
			}
			lines, notices = make([]sources.Line, 0, len(lines)), nil
		}
		if errors.Is(err, io.EOF) {
			return total, nil
		}
		if s.opts.Follow && x.lastRead < smallRead {
			s.live.Store(true)
		}
		if x.lastRead > 0 && x.lastRead < smallRead {
			// Let journalctl's small writes gather in the pipe: reading a
			// backlog in 4 KiB pieces costs more system calls and
			// goroutine wake-ups than decoding it. An entry written while
			// following waits at most this long; none waits when the
			// pipe was empty.
			time.Sleep(gather)
		}
	}
}

// send hands one batch on and, once it is taken, remembers its last
// cursor. It reports false when ctx ended first.
func (s *Source) send(ctx context.Context, out chan<- sources.Batch, lines []sources.Line, notices []event.Event, cursor []byte) bool {
	b := sources.Batch{Source: s.tag, Live: s.live.Load(), Format: decode.FormatJournalExport, Lines: lines, Notices: notices}
	select {
	case out <- b:
		if cursor != nil {
			s.cursor = string(cursor)
		}
		return true
	case <-ctx.Done():
		return false
	}
}

// notice sends one notice, unless ctx ends first.
func (s *Source) notice(ctx context.Context, out chan<- sources.Batch, sev event.Severity, msg string, categories ...string) {
	s.sendNotice(ctx, out, sources.Notice(s.tag, sev, msg, categories...))
}

// sendNotice hands one notice on.
func (s *Source) sendNotice(ctx context.Context, out chan<- sources.Batch, n event.Event) {
	select {
	case out <- sources.Batch{Source: s.tag, Live: s.live.Load(), Format: decode.FormatJournalExport, Notices: []event.Event{n}}:
	case <-ctx.Done():
	}
}

// bootNotice is the separator before the first entry of a new boot, timed
// like that entry.
func bootNotice(tag string, e entry) event.Event {
	n := sources.Notice(tag, event.Notice, "journald: new boot "+sanitize.Bytes(e.boot))
	if us, err := strconv.ParseInt(string(e.realtime), 10, 64); err == nil {
		n.Time = time.UnixMicro(us).UTC()
	}
	n.SetField("boot_id", sanitize.Bytes(e.boot))
	return n
}

// stderrGrace is how long what journalctl prints on stderr is held back
// after it starts: a journalctl that fails at once (a bad --priority, an
// unknown boot) says why in the error Run returns, not twice.
const stderrGrace = 500 * time.Millisecond

// readStderr reads what journalctl prints on stderr until it closes. Each
// line becomes a notice (journalctl keeps running after a hint), once
// journalctl has run for stderrGrace; the notices of lines printed before
// then are returned as held when stderr closes first, for runOnce to send
// only if journalctl succeeded. The first lines are returned in kept for
// the error message.
func (s *Source) readStderr(ctx context.Context, r io.Reader, out chan<- sources.Batch) (kept []string, held []event.Event) {
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 4096), 64<<10)
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); line != "" {
				lines <- line
			}
		}
		_, _ = io.Copy(io.Discard, r)
	}()
	grace := time.NewTimer(stderrGrace)
	defer grace.Stop()
	holding := true
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				if !holding {
					held = nil
				}
				return kept, held
			}
			if len(kept) < 20 {
				kept = append(kept, line)
			}
			s.opts.Logger.Debug("journalctl stderr", "line", line)
			sev, msg, ok := stderrNotice(line)
			switch {
			case !ok:
			case holding:
				held = append(held, sources.Notice(s.tag, sev, msg))
			default:
				s.notice(ctx, out, sev, msg)
			}
		case <-grace.C:
			holding = false
			for _, n := range held {
				s.notice(ctx, out, n.Severity, n.Message)
			}
			held = nil
		}
	}
}
