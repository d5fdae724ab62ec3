// Package demo replays an embedded, realistic scenario as a live source:
// ordinary server chatter, then an SSH brute force that ends in a
// successful login, sudo use, a new user, a package install, audit stopped,
// a failed service and a bulk export. The lines are raw log lines in
// several formats, stamped with the replay time, so they go through the same
// decoders as any file.
package demo

import (
	"bufio"
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/sources"
)

//go:embed scenario.txt
var scenarioText string

// Step is one scripted line.
type Step struct {
	// Delay is the pause before the line at speed 1.
	Delay time.Duration
	// File is the virtual file the line belongs to ("auth.log", ...).
	File string
	// Template is the raw line with placeholders.
	Template string
	// Chatter marks lines that repeat after the scenario ends.
	Chatter bool
}

// Scenario parses the embedded scenario.
func Scenario() ([]Step, error) {
	var steps []Step
	chatter := false
	sc := bufio.NewScanner(strings.NewReader(scenarioText))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			chatter = strings.TrimSpace(line[3:]) == "chatter"
			continue
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		}
		delay, rest, ok1 := strings.Cut(line, " ")
		file, tmpl, ok2 := strings.Cut(rest, " ")
		secs, err := strconv.ParseFloat(delay, 64)
		if !ok1 || !ok2 || err != nil {
			return nil, fmt.Errorf("scenario line %d: want DELAY FILE LINE", n)
		}
		steps = append(steps, Step{Delay: time.Duration(secs * float64(time.Second)), File: file, Template: tmpl, Chatter: chatter})
	}
	return steps, sc.Err()
}

// Options configures a replay.
type Options struct {
	// Speed multiplies the replay rate; 0 replays without pauses.
	Speed float64
	// Loop keeps repeating the chatter after the scenario ends, until ctx
	// is cancelled. Without it Run returns at the end of the scenario.
	Loop bool
	// Host is the host name written into the lines; "" means "demo-web1".
	Host string
	// Now is the clock used to stamp lines; nil means time.Now.
	Now func() time.Time
	// Location is the zone of zone-less timestamps; nil means time.Local.
	Location *time.Location
}

// Source replays the scenario. It implements sources.Source.
type Source struct {
	opts  Options
	steps []Step
}

// New returns a demo source.
func New(opts Options) (*Source, error) {
	steps, err := Scenario()
	if err != nil {
		return nil, err
	}
	if opts.Host == "" {
		opts.Host = "demo-web1"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	return &Source{opts: opts, steps: steps}, nil
}

// Name implements sources.Source.
func (s *Source) Name() string { return "demo" }

// Run sends the scenario's lines, one batch per line (each line is a live
// arrival), pausing between them as the scenario says.
func (s *Source) Run(ctx context.Context, out chan<- sources.Batch) error {
	serial := 3371
	play := func(steps []Step) error {
		for _, st := range steps {
			if d := s.delay(st.Delay); d > 0 {
				t := time.NewTimer(d)
				select {
				case <-ctx.Done():
					t.Stop()
					return ctx.Err()
				case <-t.C:
				}
			}
			serial++
			line := s.render(st.Template, serial)
			b := sources.Batch{
				Source: "demo:" + st.File,
				Live:   true,
				Lines:  []sources.Line{{Data: []byte(line), Offset: -1}},
			}
			select {
			case out <- b:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	}
	if err := play(s.steps); err != nil {
		return err
	}
	if !s.opts.Loop {
		return nil
	}
	chatter := s.chatter()
	for {
		if err := play(chatter); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// chatter returns the steps that repeat after the scenario, with the
// slower rhythm they repeat at.
func (s *Source) chatter() []Step {
	var chatter []Step
	for _, st := range s.steps {
		if st.Chatter {
			st.Delay = st.Delay*3 + time.Second
			chatter = append(chatter, st)
		}
	}
	return chatter
}

// History is the demo host's ordinary chatter over the span before the
// replay starts, at the rhythm it repeats at, read at once (not live): the
// history a baseline for the demo is learnt from.
type History struct {
	s    *Source
	span time.Duration
}

// History returns the source of the span of chatter before now.
func (s *Source) History(span time.Duration) *History { return &History{s: s, span: span} }

// Name implements sources.Source.
func (h *History) Name() string { return "demo-history" }

// Run implements sources.Source: it sends the chatter stamped from span
// ago to now, in batches, and returns.
func (h *History) Run(ctx context.Context, out chan<- sources.Batch) error {
	chatter := h.s.chatter()
	end := h.s.opts.Now()
	t := end.Add(-h.span)
	var b sources.Batch
	flush := func() error {
		if len(b.Lines) == 0 {
			return nil
		}
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		b = sources.Batch{}
		return nil
	}
	for serial := 1; t.Before(end); {
		for _, st := range chatter {
			t = t.Add(st.Delay)
			if !t.Before(end) {
				break
			}
			serial++
			src := "demo:" + st.File
			if b.Source != src || len(b.Lines) >= 256 {
				if err := flush(); err != nil {
					return err
				}
				b.Source = src
			}
			b.Lines = append(b.Lines, sources.Line{Data: []byte(h.s.renderAt(st.Template, serial, t)), Offset: -1})
		}
	}
	return flush()
}

func (s *Source) delay(d time.Duration) time.Duration {
	if s.opts.Speed <= 0 {
		return 0
	}
	return time.Duration(float64(d) / s.opts.Speed)
}

// render fills a template's placeholders with the replay time.
func (s *Source) render(tmpl string, serial int) string {
	return s.renderAt(tmpl, serial, s.opts.Now())
}

// renderAt fills a template's placeholders with time now.
func (s *Source) renderAt(tmpl string, serial int, now time.Time) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	local := now.In(s.opts.Location)
	r := strings.NewReplacer(
		"{syslog}", local.Format(time.Stamp),
		"{rfc3339}", local.Format("2006-01-02T15:04:05.000000Z07:00"),
		"{clf}", local.Format("02/Jan/2006:15:04:05 -0700"),
		"{iso}", now.UTC().Format("2006-01-02T15:04:05.000Z"),
		"{dpkgts}", local.Format("2006-01-02 15:04:05"),
		"{audit}", fmt.Sprintf("%d.%03d:%d", now.Unix(), now.Nanosecond()/1e6, serial),
		"{gs}", "\x1d",
		"{host}", s.opts.Host,
	)
	return r.Replace(tmpl)
}
