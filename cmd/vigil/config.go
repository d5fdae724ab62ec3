package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/baseline"
	"github.com/vigil-sec/vigil/engine"
	"github.com/vigil-sec/vigil/filters"
	"github.com/vigil-sec/vigil/filters/query"
	"github.com/vigil-sec/vigil/filters/rules"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/decode"
	"github.com/vigil-sec/vigil/sources/journald"
)

// Config is everything the flags say, loaded once and passed down.
type Config struct {
	Filter       string
	Since, Until string
	UTC          bool
	InputFormat  string
	LogFile      string
	RuleFiles    []string
	Baseline     string

	// journald (stream, scan, the UI; not demo).
	Units        []string
	Priority     string
	Boot         string
	JournalDir   string
	JournalFiles []string

	// Stream only.
	Follow bool
	Format string
	Raw    bool

	// TUI only.
	BufferSize int
	Theme      string
	ConfigFile string
	Warmup     time.Duration
}

// addEventFlags registers the flags shared by the event commands.
func addEventFlags(cmd *cobra.Command, c *Config) {
	f := cmd.Flags()
	f.StringVar(&c.Filter, "filter", "", "only events matching this query, e.g. 'cat:auth.* -user:root' (see \"Filter queries\" in the README)")
	f.StringVar(&c.Since, "since", "", "only events at or after this time (RFC 3339, \"2026-11-22 03:00\", or an age such as 2h)")
	f.StringVar(&c.Until, "until", "", "only events before this time (same forms as --since)")
	f.BoolVar(&c.UTC, "utc", false, "show times in UTC (stored times are always UTC)")
	f.StringVar(&c.InputFormat, "input-format", "", "decode every source as this format instead of detecting it: "+fmt.Sprint(decode.Formats()))
	f.StringVar(&c.LogFile, "log-file", "", "write vigil's own diagnostic log to this file")
	f.StringArrayVar(&c.RuleFiles, "rules", nil, "extra tagging rule file (YAML), after the built-in rules and rules.d; may be repeated")
	f.StringVar(&c.Baseline, "baseline", "", "flag what departs from this baseline (from vigil baseline learn)")
}

// addJournalFlags registers the journald flags of the commands that read
// real sources. Any of them reads the journal even when no journald source
// is named.
func addJournalFlags(cmd *cobra.Command, c *Config) {
	f := cmd.Flags()
	f.StringArrayVar(&c.Units, "unit", nil, "journald: only this systemd unit (a name or a glob such as 'ssh*'); may be repeated")
	f.StringVar(&c.Priority, "priority", "", "journald: only entries of this priority or more urgent (emerg..debug or 0..7), or a range such as warning..err")
	f.StringVar(&c.Boot, "boot", "", "journald: only one boot: --boot is the current one, --boot=-1 the one before, --boot=ID a given boot")
	f.Lookup("boot").NoOptDefVal = "0"
	f.StringVar(&c.JournalDir, "journal-dir", "", "journald: read the journal files in this directory (a copied /var/log/journal/MACHINE-ID)")
	f.StringArrayVar(&c.JournalFiles, "journal-file", nil, "journald: read this journal file; may be repeated")
}

// openOptions says how to open sources: following or not, the logger, and
// the journald selection from the flags and the time window.
func (c *Config) openOptions(follow bool, log *slog.Logger, window filters.TimeWindow) (openOptions, error) {
	if c.Priority != "" && !validPriority(c.Priority) {
		return openOptions{}, usagef("--priority %q: want a level (emerg, alert, crit, err, warning, notice, info, debug or 0 to 7) or a range such as warning..err", c.Priority)
	}
	return openOptions{
		follow: follow,
		log:    log,
		journal: journald.Options{
			Units:    c.Units,
			Priority: c.Priority,
			Boot:     c.Boot,
			BootSet:  c.Boot != "",
			Since:    window.Since,
			Until:    window.Until,
			Dir:      c.JournalDir,
			Files:    c.JournalFiles,
		},
		journalFlags: len(c.Units) > 0 || c.Priority != "" || c.Boot != "" || c.JournalDir != "" || len(c.JournalFiles) > 0,
	}, nil
}

// openEvents does what stream, scan and baseline learn share before they
// run the pipeline: the pipeline options from the flags, vigil's own log,
// and the sources: those named (and journald when a journal flag is set),
// else standard input when it is not a terminal, else the host's default
// logs, or the error none when that is set. The caller must call closeLog.
func (c *Config) openEvents(args []string, stdin io.Reader, follow bool, none error) (opts engine.Options, srcs []sources.Source, closeLog func(), err error) {
	if opts, err = c.engineOptions(time.Now()); err != nil {
		return opts, nil, nil, err
	}
	log, closeLog, err := c.logger()
	if err != nil {
		return opts, nil, nil, err
	}
	o, err := c.openOptions(follow, log, opts.Window)
	switch {
	case err != nil:
	case len(args) > 0 || o.journalFlags:
		srcs, err = openSources(withJournal(args, o), stdin, o)
	case !isTerminal(stdin):
		srcs, err = openSources([]string{"-"}, stdin, o)
	case none != nil:
		err = none
	default:
		srcs, _, err = openDefaults(o)
	}
	if err != nil {
		closeLog()
		return opts, nil, nil, err
	}
	return opts, srcs, closeLog, nil
}

// validPriority reports whether p is a priority journalctl takes: a level
// by name or number, or a range of two.
func validPriority(p string) bool {
	level := func(s string) bool {
		switch s {
		case "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
			"0", "1", "2", "3", "4", "5", "6", "7":
			return true
		}
		return false
	}
	from, to, isRange := strings.Cut(p, "..")
	if !isRange {
		return level(p)
	}
	return level(from) && level(to)
}

// engineOptions turns the config into pipeline options, checking values.
func (c *Config) engineOptions(now time.Time) (engine.Options, error) {
	var opts engine.Options
	if c.InputFormat != "" {
		ok := false
		for _, f := range decode.Formats() {
			ok = ok || f == c.InputFormat
		}
		if !ok {
			return opts, usagef("--input-format %q: want one of %v", c.InputFormat, decode.Formats())
		}
		opts.Decode.Format = c.InputFormat
	}
	since, err := filters.ParseTime(c.Since, now, time.Local)
	if err != nil {
		return opts, usagef("--since: %v", err)
	}
	until, err := filters.ParseTime(c.Until, now, time.Local)
	if err != nil {
		return opts, usagef("--until: %v", err)
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return opts, usagef("--since %s is not before --until %s", c.Since, c.Until)
	}
	opts.Window = filters.TimeWindow{Since: since, Until: until}
	// Several sources read together come out in time order.
	opts.MergeByTime = true
	q, err := query.Parse(c.Filter)
	if err != nil {
		return opts, filterError(c.Filter, err)
	}
	if !q.IsEmpty() {
		opts.Filter = q
	}
	if opts.Rules, err = c.loadRules(); err != nil {
		return opts, err
	}
	if c.Baseline != "" {
		b, err := baseline.Load(c.Baseline)
		if err != nil {
			return opts, usagef("--baseline: %v", err)
		}
		opts.Detect = baseline.NewDetector(baseline.Options{Baseline: b})
	}
	return opts, nil
}

// filterError is a bad --filter: a usage error that shows the query with
// a caret under the problem.
//
//	vigil: --filter: at 12: unbalanced parenthesis: this ( is never closed
//	  cat:auth.* (user:root
//	             ^
func filterError(src string, err error) error {
	var qe *query.Error
	if !errors.As(err, &qe) {
		return usagef("--filter: %v", err)
	}
	// Control characters would move the caret: show them as spaces.
	shown := []rune(src)
	for i, r := range shown {
		if r < ' ' || r == 0x7f {
			shown[i] = ' '
		}
	}
	col := utf8.RuneCountInString(src[:qe.Pos])
	width := max(1, utf8.RuneCountInString(src[qe.Pos:qe.End]))
	return usagef("--filter: %v\n  %s\n  %s%s", qe, string(shown), strings.Repeat(" ", col), strings.Repeat("^", width))
}

// loadRules loads the built-in rules, then the user's rules.d directory,
// then the --rules files, each able to override or disable what came
// before. A bad rule file is bad usage: exit code 2, with file, line and
// reason.
func (c *Config) loadRules() (*rules.Set, error) {
	var user []rules.Source
	for _, p := range userRuleFiles() {
		src, err := rules.ReadFile(p)
		if err != nil {
			return nil, usagef("rules: %v", err)
		}
		user = append(user, src)
	}
	for _, p := range c.RuleFiles {
		src, err := rules.ReadFile(p)
		if err != nil {
			return nil, usagef("--rules: %v", err)
		}
		user = append(user, src)
	}
	set, err := rules.LoadBuiltin(user...)
	if err != nil {
		var list rules.ErrorList
		if errors.As(err, &list) && len(list) > 1 {
			return nil, usagef("%v (and %d more problems in the rule files)", list[0], len(list)-1)
		}
		return nil, usagef("%v", err)
	}
	return set, nil
}

// userRuleFiles lists $XDG_CONFIG_HOME/vigil/rules.d/*.yaml (XDG_CONFIG_HOME
// defaulting to ~/.config), sorted by name.
func userRuleFiles() []string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil
		}
		dir = filepath.Join(home, ".config")
	}
	m, _ := filepath.Glob(filepath.Join(dir, "vigil", "rules.d", "*.yaml"))
	sort.Strings(m)
	return m
}

// logger returns vigil's own logger: a file when --log-file is set, else
// nothing. It never writes to the terminal, which the UI may own.
func (c *Config) logger() (*slog.Logger, func(), error) {
	if c.LogFile == "" {
		return slog.New(slog.NewTextHandler(io.Discard, nil)), func() {}, nil
	}
	f, err := os.OpenFile(c.LogFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("--log-file: %w", err)
	}
	return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})), func() { f.Close() }, nil
}
