package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/baseline"
	"github.com/vigil-sec/vigil/engine"
	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/themes"
)

func newStreamCmd(stdin io.Reader, stdout io.Writer) *cobra.Command {
	var c Config
	cmd := &cobra.Command{
		Use:   "stream [SOURCE...]",
		Short: "Print events one a line, without the UI",
		Long: `Reads the sources through the same pipeline as the UI and prints one event
a line. Without -f it stops at the end of every source; with -f it follows
them like tail -F until interrupted. Sources: files, globs ('/var/log/*.log'),
.gz files, journald or journald:UNIT for the systemd journal, and - for
standard input (the default when stdin is a pipe).`,
		Example: `  vigil stream /var/log/auth.log
  vigil stream -f --format json '/var/log/*.log'
  vigil stream --filter 'cat:auth.failure -user:root' /var/log/auth.log
  vigil stream -f journald:ssh.service
  vigil stream --journal-dir ./copied-journal --since 24h --priority warning
  journalctl -o json | vigil stream -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStream(cmd.Context(), &c, args, stdin, stdout)
		},
	}
	addEventFlags(cmd, &c)
	addJournalFlags(cmd, &c)
	cmd.Flags().BoolVarP(&c.Follow, "follow", "f", false, "keep following the sources (like tail -F)")
	cmd.Flags().StringVar(&c.Format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVar(&c.Raw, "raw", false, "include the original line (json: \"raw\")")
	return cmd
}

func runStream(ctx context.Context, c *Config, args []string, stdin io.Reader, stdout io.Writer) error {
	w, err := newEventWriter(c, stdout)
	if err != nil {
		return err
	}
	opts, srcs, closeLog, err := c.openEvents(args, stdin, c.Follow, nil)
	if err != nil {
		return err
	}
	defer closeLog()
	// The JSON event carries its template; a filter may ask for one.
	opts.Templates = c.Format == "json" || strings.Contains(c.Filter, "tpl") || strings.Contains(c.Filter, "template")
	return pump(ctx, engine.New(opts), srcs, w, stdout)
}

// pump runs the pipeline and writes every event to out. It flushes
// whenever the pipeline has nothing more ready, so a followed line reaches
// the output at once while a backlog is written in large blocks. A closed
// pipe on the output (vigil stream | head) ends the run without an error.
func pump(ctx context.Context, p *engine.Pipeline, srcs []sources.Source, w *eventWriter, out io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan []event.Event, 64)
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, srcs, ch) }()

	// Formatting runs on several goroutines (JSON for a tagged event costs
	// as much as tagging it); the writer below takes their output in the
	// order the batches came.
	workers := runtime.GOMAXPROCS(0)
	type job struct {
		batch []event.Event
		out   chan []byte
	}
	jobs := make(chan job, workers)
	order := make(chan chan []byte, 2*workers)
	var bufs sync.Pool
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fw := *w // its own scratch buffer
			for j := range jobs {
				var buf []byte
				if b, ok := bufs.Get().(*[]byte); ok {
					buf = (*b)[:0]
				}
				for i := range j.batch {
					buf = fw.append(buf, &j.batch[i])
				}
				p.Recycle(j.batch)
				j.out <- buf
			}
		}()
	}
	go func() {
		for batch := range ch {
			o := make(chan []byte, 1)
			order <- o
			jobs <- job{batch, o}
		}
		close(jobs)
		wg.Wait()
		close(order)
	}()

	bw := bufio.NewWriterSize(out, 256<<10)
	var outErr error
	for o := range order {
		buf := <-o
		if outErr == nil {
			if _, outErr = bw.Write(buf); outErr == nil && len(order) == 0 && len(ch) == 0 {
				outErr = bw.Flush()
			}
			if outErr != nil {
				cancel() // drain until the pipeline has stopped
			}
		}
		bufs.Put(&buf)
	}
	runErr := <-done
	if outErr == nil {
		outErr = bw.Flush()
	}
	if outErr != nil {
		if errors.Is(outErr, syscall.EPIPE) {
			return nil
		}
		return fmt.Errorf("writing output: %w", outErr)
	}
	if errors.Is(runErr, context.Canceled) {
		return nil
	}
	return runErr
}

// eventWriter formats events for the stream command.
type eventWriter struct {
	json, raw, utc bool
	// theme colours the severity and the category badge; nil means no
	// colour.
	theme *themes.Theme
	// scratch is reused to build a badge before colouring it.
	scratch []byte
}

// newEventWriter checks --format and builds the writer for out: text is
// coloured only when out is a terminal and NO_COLOR is unset.
func newEventWriter(c *Config, out io.Writer) (*eventWriter, error) {
	if c.Format != "text" && c.Format != "json" {
		return nil, usagef("--format %q: want text or json", c.Format)
	}
	w := &eventWriter{json: c.Format == "json", raw: c.Raw, utc: c.UTC}
	if !w.json && isTerminal(out) && os.Getenv("NO_COLOR") == "" {
		th := themes.Default()
		w.theme = &th
	}
	return w, nil
}

// append formats one event and its newline.
func (w *eventWriter) append(dst []byte, e *event.Event) []byte {
	if w.json {
		return append(event.AppendJSON(dst, e, w.raw), '\n')
	}
	return append(w.appendText(dst, e), '\n')
}

// appendText writes "2026-11-22 16:05:49 web1 sshd[14021] warning:
// [!auth.failure] message", times local unless --utc, a "~" after a guessed
// time. The badge lists the event's categories, the most specific first,
// behind a glyph for its weight ("!" high, "*" medium), and is coloured by
// weight on a terminal.
func (w *eventWriter) appendText(dst []byte, e *event.Event) []byte {
	t := e.Time
	if !w.utc {
		t = t.Local()
	}
	dst = t.AppendFormat(dst, "2006-01-02 15:04:05")
	if w.utc {
		dst = append(dst, 'Z')
	}
	if e.TimeGuessed {
		dst = append(dst, '~')
	}
	if e.Host != "" {
		dst = append(dst, ' ')
		dst = append(dst, e.Host...)
	}
	if e.App != "" {
		dst = append(dst, ' ')
		dst = append(dst, e.App...)
		if e.PID != 0 {
			dst = append(dst, '[')
			dst = strconv.AppendInt(dst, int64(e.PID), 10)
			dst = append(dst, ']')
		}
	}
	dst = append(dst, ' ')
	sev := e.Severity.String()
	if w.theme != nil {
		sev = w.theme.Severity(e.Severity).Render(sev)
	}
	dst = append(dst, sev...)
	dst = append(dst, ": "...)
	if len(e.Categories) > 0 {
		if w.theme != nil {
			badge := themes.AppendBadge(w.scratch[:0], e.Categories, true)
			w.scratch = badge
			dst = append(dst, w.theme.Category(themes.WeightOf(e.Categories[0])).Render(string(badge))...)
		} else {
			dst = themes.AppendBadge(dst, e.Categories, true)
		}
		dst = append(dst, ' ')
	}
	if len(e.Deviations) > 0 {
		// Baseline findings: their kinds in braces before the message,
		// and each one's reason on a line of its own (a finding of its
		// own says its reason as its message).
		start := len(dst)
		dst = append(dst, '{')
		for i := range e.Deviations {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, e.Deviations[i].Kind...)
		}
		dst = append(dst, '}')
		if w.theme != nil {
			dst = append(dst[:start], w.theme.Deviation().Render(string(dst[start:]))...)
		}
		dst = append(dst, ' ')
	}
	dst = append(dst, e.Message...)
	if e.Source != baseline.SourceName {
		for i := range e.Deviations {
			dst = append(dst, "\n    "...)
			dst = append(dst, e.Deviations[i].Kind...)
			dst = append(dst, ": "...)
			dst = append(dst, e.Deviations[i].Reason...)
		}
	}
	if w.raw && e.Raw != nil {
		dst = append(dst, "\n    raw: "...)
		dst = sanitize.Append(dst, e.Raw)
	}
	return dst
}
