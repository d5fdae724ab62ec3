package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/baseline"
	"github.com/vigil-sec/vigil/engine"
	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/tui"
)

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var c Config
	cmd := &cobra.Command{
		Use:   "vigil [SOURCE...]",
		Short: "Live security event-log monitoring in the terminal",
		Long: `vigil follows log sources live and shows their events in a terminal UI.

With no source it opens the systemd journal when it is present and readable,
else the host's security logs that exist and are readable (/var/log/auth.log,
/var/log/secure, /var/log/syslog, /var/log/messages, /var/log/audit/audit.log).
Try "vigil demo" to see it on a built-in scenario.`,
		Example: `  vigil
  vigil /var/log/auth.log '/var/log/nginx/*.log'
  vigil journald:ssh.service /var/log/nginx/error.log
  vigil --filter 'cat:auth.* OR sev>=err' /var/log/auth.log
  vigil demo`,
		Args:          cobra.ArbitraryArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTUI(cmd, &c, args, stdin)
		},
	}
	addEventFlags(cmd, &c)
	addJournalFlags(cmd, &c)
	addUIFlags(cmd, &c)
	cmd.Flags().IntVar(&c.BufferSize, "buffer", 1_000_000, "events kept in memory for scrolling")
	cmd.SetIn(stdin)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	var cpuProfile string
	cmd.PersistentFlags().StringVar(&cpuProfile, "cpu-profile", "", "write a Go CPU profile to this file (for performance work)")
	_ = cmd.PersistentFlags().MarkHidden("cpu-profile")
	var stopProfile func()
	cmd.PersistentPreRunE = func(*cobra.Command, []string) error {
		if cpuProfile == "" {
			return nil
		}
		f, err := os.Create(cpuProfile)
		if err != nil {
			return fmt.Errorf("--cpu-profile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return fmt.Errorf("--cpu-profile: %w", err)
		}
		stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
		return nil
	}
	cmd.PersistentPostRun = func(*cobra.Command, []string) {
		if stopProfile != nil {
			stopProfile()
		}
	}
	cmd.AddCommand(newStreamCmd(stdin, stdout), newScanCmd(stdin, stdout, stderr), newDemoCmd(stdin, stdout), newRulesCmd(stdin, stdout), newBaselineCmd(stdin, stdout, stderr), newVersionCmd())
	for _, sub := range cmd.Commands() {
		sub.SilenceUsage = true
		sub.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	}
	return cmd
}

func runTUI(cmd *cobra.Command, c *Config, args []string, stdin io.Reader) error {
	ui, err := loadUI(cmd, c)
	if err != nil {
		return err
	}
	opts, err := c.engineOptions(time.Now())
	if err != nil {
		return err
	}
	if c.BufferSize < 1000 {
		return usagef("--buffer %d: want at least 1000", c.BufferSize)
	}
	log, closeLog, err := c.logger()
	if err != nil {
		return err
	}
	defer closeLog()
	var (
		srcs  []sources.Source
		names = args
	)
	o, err := c.openOptions(true, log, opts.Window)
	if err != nil {
		return err
	}
	switch {
	case len(args) > 0 || o.journalFlags:
		names = withJournal(args, o)
		srcs, err = openSources(names, stdin, o)
	case len(ui.file.Sources) > 0:
		names = ui.file.Sources
		srcs, err = openSources(names, stdin, o)
	default:
		srcs, names, err = openDefaults(o)
	}
	if err != nil {
		return err
	}
	return showTUI(cmd.Context(), c, ui, opts, srcs, names)
}

// showTUI runs the pipeline into the UI until the user quits. The filter
// is the UI's to apply, not the pipeline's: every event reaches the buffer,
// so clearing the filter shows what it hid.
func showTUI(ctx context.Context, c *Config, ui uiSettings, opts engine.Options, srcs []sources.Source, names []string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	opts.Filter = nil
	opts.Templates = true // the detail pane, tpl: filters and "only this template"
	// Deviations: from --baseline, else learnt as events arrive.
	det, _ := opts.Detect.(*baseline.Detector)
	if det == nil && c.Warmup > 0 {
		det = baseline.NewDetector(baseline.Options{Warmup: c.Warmup})
		opts.Detect = det
	}
	var status func() string
	if det != nil {
		status = func() string { return det.Status().String() }
	}
	ch := make(chan []event.Event, 16)
	done := make(chan error, 1)
	go func() { done <- engine.New(opts).Run(ctx, srcs, ch) }()
	shown := make([]string, len(names))
	for i, n := range names {
		shown[i] = sanitize.String(n)
	}
	v, _, _ := buildInfo()
	err := tui.Run(ctx, tui.Options{
		Sources:    shown,
		BufferSize: c.BufferSize,
		UTC:        c.UTC,
		Theme:      ui.theme,
		Filter:     c.Filter,
		Keys:       &ui.keys,
		Rules:      opts.Rules,
		Version:    v,
		Baseline:   status,
	}, ch)
	cancel()
	// Source failures were shown in the UI as they happened.
	<-done
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
