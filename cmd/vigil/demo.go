package main

import (
	"context"
	"io"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/baseline"
	"github.com/vigil-sec/vigil/demo"
	"github.com/vigil-sec/vigil/engine"
	"github.com/vigil-sec/vigil/sources"
)

func newDemoCmd(stdin io.Reader, stdout io.Writer) *cobra.Command {
	var (
		c      Config
		speed  float64
		stream bool
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Replay a built-in attack scenario live through the real pipeline",
		Long: `Replays an embedded scenario: normal server chatter, then an SSH brute force
that ends in a successful login, sudo use, a new user, a package install,
the audit daemon stopped, a failing service and a bulk export. The lines are
raw syslog, audit, access-log and JSON lines decoded like any file, so the
demo shows exactly what vigil does with real logs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if speed < 0 {
				return usagef("--speed %v: want 0 (no pauses) or more", speed)
			}
			var ui uiSettings
			if !stream {
				var err error
				if ui, err = loadUI(cmd, &c); err != nil {
					return err
				}
			}
			opts, err := c.engineOptions(time.Now())
			if err != nil {
				return err
			}
			src, err := demo.New(demo.Options{Speed: speed, Loop: !stream})
			if err != nil {
				return err
			}
			srcs := []sources.Source{src}
			if stream {
				w, err := newEventWriter(&c, stdout)
				if err != nil {
					return err
				}
				return pump(cmd.Context(), engine.New(opts), srcs, w, stdout)
			}
			c.BufferSize = 100_000
			if opts.Detect == nil && c.Warmup > 0 {
				// The demo host's last day of ordinary chatter is its
				// baseline, so the attack shows up as deviations.
				det, err := demoBaseline(cmd.Context(), opts, src)
				if err != nil {
					return err
				}
				opts.Detect = det
			}
			return showTUI(cmd.Context(), &c, ui, opts, srcs, []string{"demo (built-in scenario)"})
		},
	}
	addEventFlags(cmd, &c)
	addUIFlags(cmd, &c)
	cmd.Flags().Float64Var(&speed, "speed", 1, "replay speed; 0 replays at once")
	cmd.Flags().BoolVar(&stream, "stream", false, "print the events like vigil stream instead of opening the UI")
	cmd.Flags().StringVar(&c.Format, "format", "text", "with --stream: text or json")
	cmd.Flags().BoolVar(&c.Raw, "raw", false, "with --stream: include the original line")
	return cmd
}

// demoBaseline learns a baseline from the demo host's chatter of the last
// day (a fraction of a second's work) and returns a detector for it.
func demoBaseline(ctx context.Context, opts engine.Options, src *demo.Source) (*baseline.Detector, error) {
	opts.Filter, opts.Detect = nil, nil
	l := baseline.NewLearner(time.Local, baseline.Caps{})
	var seen atomic.Int64
	if err := collect(ctx, engine.New(opts), []sources.Source{src.History(24 * time.Hour)}, l.Add, &seen); err != nil {
		return nil, err
	}
	return baseline.NewDetector(baseline.Options{Baseline: l.Finish()}), nil
}
