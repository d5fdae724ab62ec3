package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/vigil-sec/vigil/sanitize"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/file"
	"github.com/vigil-sec/vigil/sources/journald"
	"github.com/vigil-sec/vigil/sources/stdin"
)

// openOptions is how the event commands open their sources.
type openOptions struct {
	follow bool
	log    *slog.Logger
	// journal is the journald selection from the flags (--unit,
	// --priority, --boot, --journal-dir, --journal-file, the time
	// window); a journald:UNIT source adds its unit.
	journal journald.Options
	// journalFlags is true when a journald flag was given: the journal
	// is then read even when no journald source is named.
	journalFlags bool
}

// isJournald reports whether spec names the journal.
func isJournald(spec string) bool {
	return spec == "journald" || strings.HasPrefix(spec, "journald:")
}

// withJournal adds "journald" to specs when a journald flag asks for the
// journal and no source names it.
func withJournal(specs []string, o openOptions) []string {
	if !o.journalFlags {
		return specs
	}
	for _, s := range specs {
		if isJournald(s) {
			return specs
		}
	}
	return append(specs, "journald")
}

// openJournal makes the journald source for spec ("journald" or
// "journald:UNIT").
func openJournal(spec string, o openOptions) sources.Source {
	jo := o.journal
	jo.Follow = o.follow
	jo.Logger = o.log
	jo.Units = append([]string(nil), jo.Units...)
	if unit, ok := strings.CutPrefix(spec, "journald:"); ok && unit != "" {
		jo.Units = append(jo.Units, unit)
	}
	return journald.New(spec, jo)
}

// defaultPaths returns the host's usual security log files, in the order
// the contract gives (journald, when readable, comes before them: see
// openDefaults). The
// environment variable VIGIL_DEFAULT_SOURCES, a colon-separated list,
// replaces them: for hosts that keep logs elsewhere, and for tests.
func defaultPaths() []string {
	if env := os.Getenv("VIGIL_DEFAULT_SOURCES"); env != "" {
		return strings.Split(env, ":")
	}
	return []string{
		"/var/log/auth.log",
		"/var/log/secure",
		"/var/log/syslog",
		"/var/log/messages",
		"/var/log/audit/audit.log",
	}
}

// openSources turns source arguments into sources. "-" is standard input.
func openSources(specs []string, in io.Reader, o openOptions) ([]sources.Source, error) {
	var (
		out  []sources.Source
		errs []error
	)
	stdinUsed := false
	for _, spec := range specs {
		if spec == "-" {
			if stdinUsed {
				return nil, usagef("standard input (-) given twice")
			}
			stdinUsed = true
			out = append(out, stdin.New(in))
			continue
		}
		if isJournald(spec) {
			out = append(out, openJournal(spec, o))
			continue
		}
		if strings.HasPrefix(spec, "vigil://") || strings.HasPrefix(spec, "vigils://") {
			return nil, fmt.Errorf("%s: this kind of source is not supported by this build yet (files, globs, .gz, journald and - are)", sanitize.String(spec))
		}
		src, err := file.Open(spec, file.Options{Follow: o.follow, Logger: o.log})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, src)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// openDefaults opens the system journal when it is present and readable
// in full, else the default paths that are readable (the files hold what
// rsyslog copied from the journal, so reading both would show each
// message twice). With none, the error lists each source tried and why it
// failed, and what to do instead. VIGIL_DEFAULT_SOURCES, when set,
// replaces the whole list (journald included only when it names it).
func openDefaults(o openOptions) ([]sources.Source, []string, error) {
	var (
		out    []sources.Source
		names  []string
		report strings.Builder
	)
	if os.Getenv("VIGIL_DEFAULT_SOURCES") == "" {
		if err := journald.Available(); err != nil {
			fmt.Fprintf(&report, "\n  journald: %s", sanitize.String(err.Error()))
		} else {
			return []sources.Source{openJournal("journald", o)}, []string{"journald"}, nil
		}
	}
	for _, p := range defaultPaths() {
		if isJournald(p) {
			out = append(out, openJournal(p, o))
			names = append(names, p)
			continue
		}
		src, err := file.Open(p, file.Options{Follow: o.follow, Logger: o.log})
		if err != nil {
			fmt.Fprintf(&report, "\n  %s: %s", p, reason(err))
			continue
		}
		out = append(out, src)
		names = append(names, p)
	}
	if len(out) == 0 {
		return nil, nil, fmt.Errorf("no readable log source found; tried:%s\nrun it with sudo to read the system logs, name a file (vigil /path/to/log), or try `vigil demo`", report.String())
	}
	return out, names, nil
}

// reason shortens an open error to its cause.
func reason(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return sanitize.String(s)
}
