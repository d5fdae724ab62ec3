package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/engine"
	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/report"
	"github.com/vigil-sec/vigil/sources"
)

func newScanCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var (
		c   Config
		top int
	)
	cmd := &cobra.Command{
		Use:   "scan [SOURCE...]",
		Short: "Read the sources to the end and print a triage report",
		Long: `Reads every source to its end through the same decoding and tagging as the
UI, then prints what an incident responder wants first: the time span and
events per source; events per security category with its NZISM 16.6
control; the top addresses and users behind failed logons; successful
logons per user and address; privilege use per user with the commands;
account, permission, configuration and software changes in time order;
service failures by unit; and log integrity problems.

--format json prints the same as one JSON document. On a terminal, progress
is shown on stderr while the scan runs.`,
		Example: `  vigil scan /var/log/auth.log /var/log/syslog
  vigil scan --since 24h '/var/log/auth.log*'
  vigil scan --filter 'host:web1 -src_ip:10.0.0.0/8' /var/log/auth.log
  vigil scan --format json /var/log/secure | jq .auth_failures`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScan(cmd.Context(), &c, top, args, stdin, stdout, stderr)
		},
	}
	addEventFlags(cmd, &c)
	addJournalFlags(cmd, &c)
	cmd.Flags().StringVar(&c.Format, "format", "text", "report format: text or json")
	cmd.Flags().IntVar(&top, "top", 10, "entries in each ranked list (addresses, users, commands)")
	return cmd
}

func runScan(ctx context.Context, c *Config, top int, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if c.Format != "text" && c.Format != "json" {
		return usagef("--format %q: want text or json", c.Format)
	}
	if top < 1 {
		return usagef("--top %d: want at least 1", top)
	}
	opts, srcs, closeLog, err := c.openEvents(args, stdin, false, nil)
	if err != nil {
		return err
	}
	defer closeLog()

	b := report.New(report.Options{Top: top})
	var seen atomic.Int64
	stop := showProgress(stderr, "scanning", &seen)
	runErr := collect(ctx, engine.New(opts), srcs, func(e *event.Event) {
		b.Add(e)
	}, &seen)
	stop()
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		// A source that failed is in the report (as an integrity
		// notice); the others were still read.
		fmt.Fprintf(stderr, "vigil: %v\n", runErr)
	}
	rep := b.Report()
	bw := bufio.NewWriterSize(stdout, 64<<10)
	if c.Format == "json" {
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		loc := time.Local
		if c.UTC {
			loc = time.UTC
		}
		err = report.WriteText(bw, rep, report.TextOptions{Location: loc})
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	return nil
}

// collect runs the pipeline to its end and calls fn for every event, in
// each source's order, counting them in seen.
func collect(ctx context.Context, p *engine.Pipeline, srcs []sources.Source, fn func(*event.Event), seen *atomic.Int64) error {
	ch := make(chan []event.Event, 64)
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, srcs, ch) }()
	for batch := range ch {
		for i := range batch {
			fn(&batch[i])
		}
		seen.Add(int64(len(batch)))
		p.Recycle(batch)
	}
	return <-done
}

// showProgress writes "LABEL: N events, R/s" to w every quarter second
// while a command reads its sources, when w is a terminal. The returned
// func stops it and clears the line.
func showProgress(w io.Writer, label string, seen *atomic.Int64) func() {
	f, ok := w.(*os.File)
	if !ok || !isTerminal(f) {
		return func() {}
	}
	start := time.Now()
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		shown := false
		for {
			select {
			case <-quit:
				if shown {
					fmt.Fprint(w, "\r\x1b[K")
				}
				return
			case <-tick.C:
				n := seen.Load()
				rate := float64(n) / time.Since(start).Seconds()
				fmt.Fprintf(w, "\r\x1b[K%s: %s events, %s/s", label, humanCount(float64(n)), humanCount(rate))
				shown = true
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

// humanCount writes 1234567 as "1.23M".
func humanCount(n float64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2fG", n/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2fM", n/1e6)
	case n >= 1e4:
		return fmt.Sprintf("%.1fk", n/1e3)
	}
	return fmt.Sprintf("%.0f", n)
}
