package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"

	"github.com/vigil-sec/vigil/themes"
	"github.com/vigil-sec/vigil/tui/panes"
)

// look is everything drawn from a theme: the theme, its spans, the styled
// help model and the cursor mark. It is built once per theme and never
// modified, so models share it by pointer (lipgloss styles are large, and a
// Model is copied on every Update and View).
type look struct {
	theme      themes.Theme
	paint      paint
	help       help.Model
	cursorMark string
	markGlyph  string
	panes      panes.Style
}

func newLook(t themes.Theme) *look {
	l := &look{theme: t, paint: newPaint(t), panes: panes.NewStyle(t)}
	l.cursorMark = l.paint.accent.render(">")
	l.markGlyph = l.paint.mark.render("●")
	l.help = help.New()
	l.help.Styles = help.Styles{
		Ellipsis:       t.Muted(),
		ShortKey:       t.Accent(),
		ShortDesc:      t.Muted(),
		ShortSeparator: t.Muted(),
		FullKey:        t.Accent(),
		FullDesc:       t.Muted(),
		FullSeparator:  t.Muted(),
	}
	return l
}

// inputStyles are the input bars' styles.
func (l *look) inputStyles() textinput.Styles {
	t := l.theme
	s := textinput.DefaultStyles(true)
	s.Focused.Prompt = t.Accent()
	s.Focused.Text = t.Text()
	s.Blurred.Prompt = t.Muted()
	s.Blurred.Text = t.Muted()
	s.Cursor.Blink = false
	return s
}
