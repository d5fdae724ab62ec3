//go:build ignore

// Command screenshot-history writes the demo scenario as log files that
// cover the last 70 minutes, for the timeline picture of scripts/screenshot:
// the live demo spans well under a minute, one bar of the timeline, so the
// picture needs a past. The lines are the demo's own, rendered by the demo
// source with a clock that runs from the past to now: background chatter at
// a varying rate, and the attack (brute force, login, sudo, new user,
// package, audit stopped, export) stretched over about three minutes,
// twenty minutes ago.
//
//	go run scripts/screenshot-history.go FILE
//
// writes the lines to FILE in time order, replacing it: one file rather
// than the demo's six virtual ones (auth.log, syslog, access.log, ...),
// because vigil lists the events of several files in the order it reads
// them, file after file, not merged by time. Each line is decoded in its
// own format all the same.
package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/vigil-sec/vigil/demo"
	"github.com/vigil-sec/vigil/sources"
)

const (
	history       = 70 * time.Minute // how far back the files start
	attackAgo     = 22 * time.Minute // when the attack starts, before now
	attackStretch = 10               // the attack's pauses, times the demo's
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run scripts/screenshot-history.go FILE")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "screenshot-history:", err)
		os.Exit(1)
	}
}

func run(path string) error {
	steps, err := demo.Scenario()
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	write := func(b sources.Batch) error {
		for _, l := range b.Lines {
			w.Write(l.Data)
			w.WriteByte('\n')
		}
		return nil
	}
	now := time.Now()
	rng := rand.New(rand.NewPCG(1, 2))
	// Chatter before the attack: skip the scenario's first pass (it holds
	// the attack) and keep its repeating chatter.
	if err := replay(steps, len(steps), now.Add(-history), now.Add(-attackAgo), rng, write); err != nil {
		return err
	}
	// The scenario from the start (chatter, then the attack), then chatter
	// again up to now.
	if err := replay(steps, 0, now.Add(-attackAgo), now, rng, write); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// replay runs a demo source with a made-up clock from start and writes its
// lines until the clock passes stop, leaving out the first skip lines.
//
// The source fills each line's placeholders with one call of its clock, in
// the order of its sequence: every step once, then the chatter steps over
// and over, with the pauses demo.Source uses (chatter's tripled plus one
// second). The clock walks the same sequence, so the k-th call stamps the
// k-th line with the time that line's pause leads to.
func replay(steps []demo.Step, skip int, start, stop time.Time, rng *rand.Rand, write func(sources.Batch) error) error {
	var chatter []demo.Step
	for _, st := range steps {
		if st.Chatter {
			st.Delay = st.Delay*3 + time.Second
			chatter = append(chatter, st)
		}
	}
	stepAt := func(i int) demo.Step {
		if i < len(steps) {
			return steps[i]
		}
		return chatter[(i-len(steps))%len(chatter)]
	}
	var (
		mu     sync.Mutex
		stamps []time.Time // what the clock gave, call by call
		seq    int         // next position in the sequence
		t      = start
	)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		// Lines without placeholders do not read the clock.
		for !strings.Contains(stepAt(seq).Template, "{") {
			seq++
		}
		st := stepAt(seq)
		seq++
		if seq <= skip {
			stamps = append(stamps, start)
			return start
		}
		d := float64(st.Delay)
		if st.Chatter {
			d *= load(t.Sub(start), rng)
		} else {
			d *= attackStretch
		}
		t = t.Add(time.Duration(d))
		stamps = append(stamps, t)
		return t
	}
	src, err := demo.New(demo.Options{Speed: 0, Loop: true, Now: clock})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := make(chan sources.Batch)
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx, out) }()
	for n := 0; ; n++ {
		b := <-out
		mu.Lock()
		at := stamps[n]
		mu.Unlock()
		if at.After(stop) {
			break
		}
		if n < skip {
			continue
		}
		if err := write(b); err != nil {
			return err
		}
	}
	cancel()
	// Run may be blocked sending one more line.
	for {
		select {
		case <-out:
		case err := <-done:
			if err != nil && err != context.Canceled {
				return err
			}
			return nil
		}
	}
}

// load stretches the chatter's pauses so that its rate varies over the
// hour like a server's: a slow swell, with some jitter. 1 is the demo's own
// rate (about 27 lines a minute); the result is 2 to 9.
func load(since time.Duration, rng *rand.Rand) float64 {
	m := since.Minutes()
	swell := 4.5 + 2*math.Sin(m/9) + 1.2*math.Sin(m/3.1+1)
	return math.Max(2, swell*(0.7+0.6*rng.Float64()))
}
