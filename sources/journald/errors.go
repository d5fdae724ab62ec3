package journald

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
)

// System journal directories: persistent, then volatile.
var systemDirs = []string{"/var/log/journal", "/run/log/journal"}

// Messages journalctl prints that say the caller may not read (all of) the
// journal.
const (
	msgNoPermission = "insufficient permissions"
	msgHintGroups   = "Users in groups"
	msgHintNotSeen  = "You are currently not seeing messages"
)

// ErrNoJournalctl is returned (wrapped) when journalctl cannot be found.
var ErrNoJournalctl = errors.New("journalctl not found")

// lookPath finds journalctl, or says what to install.
func (s *Source) lookPath() (string, error) {
	name := s.opts.Journalctl
	if name == "" {
		name = "journalctl"
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%w in PATH: vigil reads journald through the journalctl program, which comes with systemd (Debian, Ubuntu: apt install systemd; Fedora, RHEL: dnf install systemd); on a host without journald, name its log files instead (vigil /var/log/syslog)", ErrNoJournalctl)
	}
	return p, nil
}

// journalFiles lists the journal files (*.journal, *.journal~) in dir and
// its subdirectories one level down, as journalctl --directory reads them.
// Directories it cannot list are skipped, and counted in denied.
func journalFiles(dir string) (files []string, denied int, err error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, 0, err
	}
	isJournal := func(n string) bool {
		return strings.HasSuffix(n, ".journal") || strings.HasSuffix(n, ".journal~")
	}
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			sub, err := os.ReadDir(p)
			if err != nil {
				denied++
				continue
			}
			for _, f := range sub {
				if !f.IsDir() && isJournal(f.Name()) {
					files = append(files, filepath.Join(p, f.Name()))
				}
			}
			continue
		}
		if isJournal(e.Name()) {
			files = append(files, p)
		}
	}
	return files, denied, nil
}

// preflight checks, before journalctl runs, what journalctl would not say
// clearly: a directory that holds no journal files, a missing file, a host
// with no system journal at all.
func (s *Source) preflight() error {
	switch {
	case s.opts.Dir != "":
		fi, err := os.Stat(s.opts.Dir)
		if err != nil {
			return fmt.Errorf("--journal-dir %s: %w", s.opts.Dir, unwrapPath(err))
		}
		if !fi.IsDir() {
			return fmt.Errorf("--journal-dir %s: not a directory (use --journal-file for one journal file)", s.opts.Dir)
		}
		files, denied, err := journalFiles(s.opts.Dir)
		if err != nil {
			return fmt.Errorf("--journal-dir %s: %w", s.opts.Dir, unwrapPath(err))
		}
		if len(files) == 0 && denied == 0 {
			return fmt.Errorf("--journal-dir %s holds no journal files (*.journal): point it at the directory that holds them, such as a copy of /var/log/journal/MACHINE-ID", s.opts.Dir)
		}
		return readable(files)
	case len(s.opts.Files) > 0:
		for _, f := range s.opts.Files {
			if _, err := os.Stat(f); err != nil {
				return fmt.Errorf("--journal-file %s: %w", f, unwrapPath(err))
			}
		}
		return readable(s.opts.Files)
	}
	found := false
	for _, d := range systemDirs {
		files, denied, err := journalFiles(d)
		if len(files) > 0 || denied > 0 || (err != nil && !errors.Is(err, fs.ErrNotExist)) {
			found = true
		}
	}
	if !found {
		return errors.New("this host has no systemd journal: /var/log/journal and /run/log/journal hold no journal files (is systemd-journald running? containers often have none); read a copied journal with --journal-dir DIR, or name log files")
	}
	return nil
}

// readable fails when none of files can be opened for lack of permission,
// naming the group that may read them.
func readable(files []string) error {
	if len(files) == 0 {
		return nil
	}
	var denied string
	for _, f := range files {
		fh, err := os.Open(f)
		if err == nil {
			fh.Close()
			return nil
		}
		if errors.Is(err, fs.ErrPermission) && denied == "" {
			denied = f
		}
	}
	if denied == "" {
		return nil
	}
	return permissionError(denied)
}

// permissionError explains how to get read access to a journal file.
func permissionError(file string) error {
	advice := "run vigil with sudo, or join the group 'systemd-journal' (sudo usermod -aG systemd-journal $USER, then log in again)"
	if g := fileGroup(file); g != "" && g != "root" {
		advice = fmt.Sprintf("run vigil with sudo, or join the group '%s' that may read it (sudo usermod -aG %s $USER, then log in again)", g, g)
	}
	return fmt.Errorf("no permission to read the journal file %s: %s", file, advice)
}

// fileGroup names the group of a file that its group may read.
func fileGroup(file string) string {
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm()&0o040 == 0 {
		return ""
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	if g, err := user.LookupGroupId(strconv.Itoa(int(st.Gid))); err == nil {
		return g.Name
	}
	return ""
}

// unwrapPath drops the *PathError wrapper, whose path the caller names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// childError turns a failed journalctl run into an error a user can act on.
func (s *Source) childError(res result) error {
	text := strings.Join(res.stderr, "; ")
	if strings.Contains(text, msgNoPermission) {
		if s.opts.Dir == "" && len(s.opts.Files) == 0 {
			return errors.New("no permission to read the system journal: run vigil with sudo, or join the group 'systemd-journal' (or 'adm' on Debian and Ubuntu): sudo usermod -aG systemd-journal $USER, then log in again")
		}
		return errors.New("no permission to read these journal files: run vigil with sudo, or join the group that owns them")
	}
	if text == "" {
		return fmt.Errorf("journalctl failed: %w", res.exitErr)
	}
	return fmt.Errorf("journalctl failed (%v): %s", res.exitErr, sanitize.String(text))
}

// stderrNotice turns a line journalctl printed on stderr into a notice;
// ok is false for lines that the error on exit covers.
func stderrNotice(line string) (event.Severity, string, bool) {
	switch {
	case strings.Contains(line, msgNoPermission), strings.Contains(line, "Pass -q to turn off"):
		return 0, "", false
	case strings.Contains(line, msgHintNotSeen), strings.Contains(line, msgHintGroups):
		if !strings.Contains(line, msgHintNotSeen) {
			return 0, "", false // the second half of the same hint
		}
		return event.Warning, "journald: you see only your own messages, not the system's: join the group 'systemd-journal' (or 'adm' on Debian and Ubuntu) and log in again, or run vigil with sudo", true
	}
	if len(line) > 512 {
		line = line[:512]
	}
	return event.Warning, "journalctl: " + sanitize.String(line), true
}

// count returns how many entries match the source's filters, reading at
// most one (journalctl --lines=1), to tell a unit that has no entries.
func (s *Source) count(ctx context.Context, path string) (int, error) {
	save := s.opts.Follow
	s.opts.Follow = false
	args := append(s.args(), "--lines=1", "--quiet")
	s.opts.Follow = save
	cmd := command(ctx, path, args)
	out, err := cmd.Output()
	if err != nil {
		return 0, err
	}
	if len(out) == 0 {
		return 0, nil
	}
	return 1, nil
}

// Available reports whether the system journal exists on this host and
// the current user can read all of it (root, or a member of a group that
// may read the system journal file), so that it may be opened without
// being asked for. The error says why not.
func Available() error {
	if _, err := exec.LookPath("journalctl"); err != nil {
		return ErrNoJournalctl
	}
	var sys []string
	for _, d := range systemDirs {
		files, _, _ := journalFiles(d)
		for _, f := range files {
			if filepath.Base(f) == "system.journal" || strings.HasPrefix(filepath.Base(f), "system@") {
				sys = append(sys, f)
			}
		}
	}
	if len(sys) == 0 {
		return errors.New("no system journal files")
	}
	for _, f := range sys {
		// Opening is enough: journalctl reads what open allows.
		if fh, err := os.Open(f); err == nil {
			fh.Close()
			return nil
		}
	}
	return permissionError(sys[0])
}
