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
	"github.com/vigil-sec/vigil/sources/stdin"
)

// defaultPaths returns the host's usual security logs, in the order the
// contract gives (journald comes first once vigil reads it). The
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
func openSources(specs []string, in io.Reader, follow bool, log *slog.Logger) ([]sources.Source, error) {
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
		if spec == "journald" || strings.HasPrefix(spec, "journald:") || strings.HasPrefix(spec, "vigil://") || strings.HasPrefix(spec, "vigils://") {
			return nil, fmt.Errorf("%s: this kind of source is not supported by this build yet (files, globs, .gz and - are)", sanitize.String(spec))
		}
		src, err := file.Open(spec, file.Options{Follow: follow, Logger: log})
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

// openDefaults opens the default paths that are readable. With none, the
// error lists each path tried and why it failed, and what to do instead.
func openDefaults(follow bool, log *slog.Logger) ([]sources.Source, []string, error) {
	var (
		out    []sources.Source
		names  []string
		report strings.Builder
	)
	for _, p := range defaultPaths() {
		src, err := file.Open(p, file.Options{Follow: follow, Logger: log})
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
