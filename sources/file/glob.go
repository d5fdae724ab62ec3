package file

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
	"github.com/vigil-sec/vigil/sources"
)

// globSource is a pattern such as /var/log/*.log. Each matching file is its
// own stream of batches named "file:PATH"; while following, the pattern is
// expanded again every GlobInterval and new matches are picked up.
type globSource struct {
	pattern string
	opts    Options
}

// Name returns the pattern as the user wrote it.
func (g *globSource) Name() string { return g.pattern }

// Run reads every match (in name order) and, with Follow, follows them all
// concurrently, fanning their batches into out. A match that cannot be read
// becomes a warning notice, not an error: the other files go on.
func (g *globSource) Run(ctx context.Context, out chan<- sources.Batch) error {
	if !g.opts.Follow {
		paths, _ := filepath.Glob(g.pattern)
		for _, p := range paths {
			var err error
			if err = Check(p); err == nil {
				if isGzip(p) {
					err = readGzip(ctx, p, out)
				} else {
					err = readFile(ctx, p, out)
				}
			}
			if err != nil {
				g.warn(ctx, out, p, err)
			}
			if ctx.Err() != nil {
				return nil
			}
		}
		return nil
	}

	h := newHub(g.opts.Logger)
	defer h.close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	started := make(map[string]bool)
	failed := make(map[string]string)
	expand := func() {
		paths, _ := filepath.Glob(g.pattern)
		for _, p := range paths {
			if started[p] {
				continue
			}
			if err := Check(p); err != nil {
				if failed[p] != err.Error() {
					failed[p] = err.Error()
					g.warn(ctx, out, p, err)
				}
				continue
			}
			started[p] = true
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				if isGzip(p) {
					err = readGzip(ctx, p, out)
				} else {
					err = follow(ctx, p, g.opts, h, out)
				}
				if err != nil && ctx.Err() == nil {
					g.warn(ctx, out, p, err)
				}
			}()
		}
	}
	expand()
	tick := time.NewTicker(g.opts.GlobInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			cancel()
			wg.Wait()
			return nil
		case <-tick.C:
			expand()
		}
	}
}

// warn sends a warning notice about one match of the pattern.
func (g *globSource) warn(ctx context.Context, out chan<- sources.Batch, path string, err error) {
	n := sources.WithState(sources.Notice(sourceName(path), event.Warning, fmt.Sprintf("cannot read %s", sanitize.String(err.Error()))), sources.StateError)
	send(ctx, out, sources.Batch{Source: sourceName(path), Live: g.opts.Follow, Notices: []event.Event{n}})
}
