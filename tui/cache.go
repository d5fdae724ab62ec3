package tui

// rowCache holds rendered rows by ring position for one row width and theme.
// A ring position names one event for as long as the ring holds it, which
// makes it a better key than Event.Seq (not unique across sources or for
// notices). The cache is emptied when the width or theme changes and pruned
// to the visible rows when it grows past a few screens, so its size is
// bounded by the screen, never by the buffer.
type rowCache struct {
	width int
	key   string
	rows  map[uint64]string

	// frameLen is the length in bytes of the last frame View built.
	frameLen int
	// baseline is Options.Baseline's answer for the frame being built (or
	// the last one), asked once per frame.
	baseline string

	// The key help, memoised by statusView.
	help    string
	helpKey helpKey
	helpOK  bool
}

func newRowCache() *rowCache {
	return &rowCache{rows: make(map[uint64]string, 128)}
}

// check empties the cache when the row width or what else rows depend on
// (theme, zone, search, scroll) changed.
func (c *rowCache) check(width int, key string) {
	if width != c.width || key != c.key {
		clear(c.rows)
		c.width, c.key = width, key
	}
}

// invalidate drops the row of one event.
func (c *rowCache) invalidate(pos uint64) { delete(c.rows, pos) }

func (c *rowCache) get(pos uint64) (string, bool) {
	s, ok := c.rows[pos]
	return s, ok
}

func (c *rowCache) put(pos uint64, s string) { c.rows[pos] = s }

// prune drops rows outside [top, top+height) once the cache holds more than
// four screens.
func (c *rowCache) prune(top, height uint64) {
	if uint64(len(c.rows)) <= 4*max(height, 16) {
		return
	}
	for pos := range c.rows {
		if pos < top || pos >= top+height {
			delete(c.rows, pos)
		}
	}
}
