package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/baseline"
	"github.com/vigil-sec/vigil/engine"
	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/internal/human"
)

func newBaselineCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Learn what normal looks like, and show what was learnt",
		Long: `A baseline is what normal looked like in a span of history: per host, the
kinds of message (templates) and how often each comes at each hour of the
week, counts per security category, the apps and units; per user, the hours
they work, the addresses they log in from and the commands they run with
sudo; the packages installed; how long each host is normally quiet.

Give it to vigil, stream or scan with --baseline FILE and they flag what
departs from it, with a one-line reason for each finding.`,
	}
	cmd.AddCommand(newBaselineLearnCmd(stdin, stdout, stderr), newBaselineShowCmd(stdout))
	return cmd
}

func newBaselineLearnCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var (
		c    Config
		out  string
		zone string
	)
	cmd := &cobra.Command{
		Use:   "learn [SOURCE...] -o FILE",
		Short: "Learn a baseline from history",
		Long: `Reads the sources to their end (files, rotated .gz files, journald) and
writes what normal looked like to FILE. Hours of the week are counted in the
local time zone unless --tz says otherwise; use the zone the people and jobs
on these hosts keep.`,
		Example: `  vigil baseline learn /var/log/auth.log* /var/log/syslog* -o normal.vbl
  vigil baseline learn journald --since 30d -o normal.vbl
  vigil baseline learn --journal-dir ./copied-journal --tz Pacific/Auckland -o web.vbl`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBaselineLearn(cmd.Context(), &c, args, out, zone, stdin, stdout, stderr)
		},
	}
	addEventFlags(cmd, &c)
	addJournalFlags(cmd, &c)
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the baseline to this file (required)")
	cmd.Flags().StringVar(&zone, "tz", "", "time zone for hours of the week (default: the local zone)")
	// Shared event flags that mean nothing when learning.
	for _, f := range []string{"baseline", "utc"} {
		_ = cmd.Flags().MarkHidden(f)
	}
	return cmd
}

func runBaselineLearn(ctx context.Context, c *Config, args []string, out, zone string, stdin io.Reader, stdout, stderr io.Writer) error {
	if out == "" {
		return usagef("baseline learn: -o FILE is required")
	}
	if c.Baseline != "" {
		return usagef("baseline learn: --baseline is for detecting; learn writes a new baseline with -o")
	}
	loc := time.Local
	if zone != "" {
		var err error
		if loc, err = time.LoadLocation(zone); err != nil {
			return usagef("--tz %q: %v", zone, err)
		}
	}
	opts, srcs, closeLog, err := c.openEvents(args, stdin, false,
		usagef("baseline learn: name the history to learn from, e.g. /var/log/auth.log* or journald"))
	if err != nil {
		return err
	}
	defer closeLog()
	l := baseline.NewLearner(loc, baseline.Caps{})
	var seen atomic.Int64
	stop := showProgress(stderr, "learning", &seen)
	start := time.Now()
	pipe := engine.New(opts)
	runErr := collect(ctx, pipe, srcs, func(e *event.Event) { l.Add(e) }, &seen)
	stop()
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) {
			return runErr
		}
		fmt.Fprintf(stderr, "vigil: %v\n", runErr)
	}
	if l.Events() == 0 {
		if n := pipe.Outside(); n > 0 {
			what := fmt.Sprintf("all %d events were", n)
			if n == 1 {
				what = "the one event was"
			}
			return fmt.Errorf("baseline learn: %s outside --since/--until (a relative time counts back from now, %s)",
				what, time.Now().Format("2006-01-02 15:04"))
		}
		return errors.New("baseline learn: the sources held no events to learn from")
	}
	b := l.Finish()
	if err := baseline.Save(out, b); err != nil {
		return fmt.Errorf("baseline learn: %w", err)
	}
	size := int64(0)
	if fi, err := os.Stat(out); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(stdout, "learnt %s events from %d hosts over %.1f days (%s to %s) in %.1fs: %d templates, %d users, %d packages; wrote %s (%s)\n",
		humanCount(float64(b.Events)), len(b.Hosts), b.End.Sub(b.Start).Hours()/24,
		b.Start.In(loc).Format("2006-01-02 15:04"), b.End.In(loc).Format("2006-01-02 15:04"),
		time.Since(start).Seconds(), len(b.Templates), len(b.Users), len(b.Packages), out, human.Bytes(size))
	return nil
}

func newBaselineShowCmd(stdout io.Writer) *cobra.Command {
	var top int
	cmd := &cobra.Command{
		Use:   "show FILE",
		Short: "Print a readable summary of a baseline",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := baseline.Load(args[0])
			if err != nil {
				return err
			}
			bw := bufio.NewWriter(stdout)
			if err := baseline.WriteSummary(bw, b, baseline.SummaryOptions{Top: top}); err != nil {
				return err
			}
			return bw.Flush()
		},
	}
	cmd.Flags().IntVar(&top, "top", 10, "how many of each list to show")
	return cmd
}
