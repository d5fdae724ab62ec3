package tui

import (
	"encoding/base64"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/export"
	"github.com/vigil-sec/vigil/sanitize"
)

// exportDoneMsg reports a finished export.
type exportDoneMsg struct {
	path string
	n    int
	err  error
}

// openExport opens the export prompt with a file name to accept or edit:
// the marked events when there are any, else the events of the view.
func (m *Model) openExport() {
	m.exportMark = len(m.b.marks) > 0
	dir := m.opts.ExportDir
	name := "vigil-export-" + m.now().Format("20060102-150405") + ".jsonl"
	m.openInput(modeExport, m.exportPrompt(), filepath.Join(dir, name))
}

func (m *Model) exportPrompt() string {
	if m.exportMark {
		return fmt.Sprintf("export %d marked (tab: the view) to: ", len(m.b.marks))
	}
	first, end := m.bounds()
	return fmt.Sprintf("export %s in view (tab: marked) to: ", thousands(end-first))
}

// startExport writes the chosen events to path, off the UI goroutine, from
// a frozen of the buffer. The format follows the file's extension
// (.jsonl, .csv, .txt), JSON lines otherwise.
func (m *Model) startExport(path string) tea.Cmd {
	path = strings.TrimSpace(path)
	if path == "" {
		m.setNote("export: no file name", true)
		return nil
	}
	if strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, path[2:])
		}
	}
	format, ok := export.FormatForPath(path)
	if !ok {
		format = export.JSONL
	}
	b := m.b
	snap := b.ring.freeze()
	var positions []uint64
	selection := "filtered"
	if m.exportMark {
		selection = "marked"
		positions = b.marksLens().v.idx
	} else {
		first, end := m.bounds()
		positions = make([]uint64, 0, end-first)
		for o := first; o < end; o++ {
			positions = append(positions, b.cur.v.pos(o))
		}
		if b.cur.v.all {
			selection = "all"
		}
	}
	h := export.Header{
		Query:     m.filter,
		Selection: selection,
		Sources:   append([]string(nil), m.sources...),
		Created:   m.now().UTC(),
		Version:   m.opts.Version,
		Count:     len(positions),
	}
	if b.cur.marks && !m.exportMark {
		h.Query = ""
		h.Selection = "marked"
	}
	h.Host, _ = os.Hostname()
	if len(positions) > 0 {
		for _, p := range positions { // times of several sources interleave
			t := snap.rec(p).timeOf()
			if !t.IsZero() && (h.From.IsZero() || t.Before(h.From)) {
				h.From = t
			}
			if t.After(h.To) {
				h.To = t
			}
		}
	}
	m.busy = "exporting…"
	return func() tea.Msg {
		evs := iter.Seq[*event.Event](func(yield func(*event.Event) bool) {
			var sc scratch
			for _, p := range positions {
				if !yield(snap.load(p, &sc)) {
					return
				}
			}
		})
		n, err := export.WriteFile(path, false, format, h, evs)
		return exportDoneMsg{path: path, n: n, err: err}
	}
}

func (m *Model) exportDone(msg exportDoneMsg) {
	m.busy = ""
	if msg.err != nil {
		m.setNote("export failed: "+msg.err.Error(), true)
		return
	}
	m.setNote(fmt.Sprintf("exported %s events to %s", thousands(uint64(msg.n)), msg.path), false)
}

// copySelected copies the selected event's raw line to the clipboard with
// OSC 52, which works over SSH. Inside tmux the sequence is also sent
// wrapped for passthrough, for tmux set-ups that do not forward OSC 52.
func (m *Model) copySelected() tea.Cmd {
	pos, ok := m.selected()
	if !ok {
		return nil
	}
	e := m.b.ring.at(pos)
	// The raw line, with control characters made visible: a paste must
	// not carry escape sequences from a log into another terminal.
	text := sanitize.String(string(e.Raw))
	if text == "" {
		text = e.Message
	}
	m.setNote(fmt.Sprintf("copied %d bytes (OSC 52)", len(text)), false)
	cmds := []tea.Cmd{tea.SetClipboard(text)}
	if os.Getenv("TMUX") != "" {
		seq := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\x07"
		cmds = append(cmds, tea.Raw("\x1bPtmux;"+strings.ReplaceAll(seq, "\x1b", "\x1b\x1b")+"\x1b\\"))
	}
	return tea.Batch(cmds...)
}
