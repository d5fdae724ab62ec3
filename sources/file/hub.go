package file

import (
	"errors"
	"log/slog"
	"path/filepath"
	"sync"

	"github.com/fsnotify/fsnotify"
)

// hub owns one fsnotify watcher (one inotify instance) shared by every
// follower of a Source, and wakes the followers whose directories changed.
//
// Directories are watched, never files: a watch on a file follows its inode
// through a rename, while what a follower needs to know is what the path
// names now. When inotify is unavailable (instances or watches exhausted) the
// hub has no watcher and followers rely on their periodic stat alone.
type hub struct {
	log *slog.Logger
	w   *fsnotify.Watcher
	err error // why w is nil

	mu   sync.Mutex
	dirs map[string]map[chan struct{}]struct{}
	wg   sync.WaitGroup
	once sync.Once
}

// newHub starts a watcher. It never fails: without inotify it returns a hub
// whose watch method reports the reason.
func newHub(log *slog.Logger) *hub {
	h := &hub{log: log, dirs: make(map[string]map[chan struct{}]struct{})}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		h.err = err
		log.Debug("inotify unavailable", "err", err)
		return h
	}
	h.w = w
	h.wg.Add(1)
	go h.loop()
	return h
}

// loop forwards events until the watcher is closed. It always drains Errors:
// an unread error channel stalls fsnotify's reader.
func (h *hub) loop() {
	defer h.wg.Done()
	for {
		select {
		case ev, ok := <-h.w.Events:
			if !ok {
				return
			}
			h.wake(filepath.Dir(ev.Name))
		case err, ok := <-h.w.Errors:
			if !ok {
				return
			}
			// An overflow means events were lost: everyone rescans.
			h.log.Debug("inotify error", "err", err)
			h.wakeAll()
		}
	}
}

func (h *hub) wake(dir string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.dirs[dir] {
		poke(c)
	}
}

func (h *hub) wakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, subs := range h.dirs {
		for c := range subs {
			poke(c)
		}
	}
}

// poke sends on a 1-slot channel without blocking; pending wake-ups coalesce.
func poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// errNoInotify is wrapped when the hub has no watcher.
var errNoInotify = errors.New("inotify unavailable")

// watch subscribes c to changes in dir. An error means dir is not watched
// (no inotify instance, watch limit reached): the caller must poll.
func (h *hub) watch(dir string, c chan struct{}) error {
	if h.w == nil {
		return errors.Join(errNoInotify, h.err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	subs := h.dirs[dir]
	if subs == nil {
		if err := h.w.Add(dir); err != nil {
			return err
		}
		subs = make(map[chan struct{}]struct{})
		h.dirs[dir] = subs
	}
	subs[c] = struct{}{}
	return nil
}

// unwatch removes every subscription of c, and the watches nobody needs.
func (h *hub) unwatch(c chan struct{}) {
	if h.w == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for dir, subs := range h.dirs {
		if _, ok := subs[c]; !ok {
			continue
		}
		delete(subs, c)
		if len(subs) == 0 {
			delete(h.dirs, dir)
			_ = h.w.Remove(dir)
		}
	}
}

// close stops the watcher and joins its goroutine. It is idempotent.
func (h *hub) close() {
	h.once.Do(func() {
		if h.w != nil {
			_ = h.w.Close()
			h.wg.Wait()
		}
	})
}
