package tui

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
)

// KeyMap holds every binding of the UI, grouped by where it applies. It is
// data: built by DefaultKeyMap, rebound from the config file with Rebind,
// and switched on and off with the mode so the help never offers a key that
// does nothing.
type KeyMap struct {
	// Moving.
	Up, Down, PageUp, PageDown, Top, Bottom, Follow key.Binding
	JumpTime                                        key.Binding
	Left, Right, Wrap, UTC                          key.Binding
	// Filtering and searching.
	Filter, Search, Next, Prev, Palette key.Binding
	Only, Exclude                       key.Binding
	// Evidence.
	Mark, MarksOnly, Context, Export, Copy key.Binding
	// Panes.
	Detail, Categories, Timeline, Sources, Older, Newer key.Binding
	// The deviations pane: show it, select a group, filter on it. DevApply
	// shares enter with Detail: it acts only while a group is selected,
	// and then first.
	Deviations, DevPrev, DevNext, DevApply key.Binding
	// General.
	Escape, Help, Quit key.Binding

	// Input bars (filter, search, time, export, palette).
	Accept, Cancel, HistoryUp, HistoryDown key.Binding
}

// DefaultKeyMap returns vigil's key bindings: vi and less style, no mouse.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:       b([]string{"k", "up"}, "k/↑", "older"),
		Down:     b([]string{"j", "down"}, "j/↓", "newer"),
		PageUp:   b([]string{"pgup", "ctrl+b"}, "pgup/^b", "page older"),
		PageDown: b([]string{"pgdown", "ctrl+f", "space"}, "pgdn/^f/space", "page newer"),
		Top:      b([]string{"g", "home"}, "g/home", "oldest"),
		Bottom:   b([]string{"G", "end"}, "G/end", "newest, follow"),
		Follow:   b([]string{"F"}, "F", "follow"),
		JumpTime: b([]string{"t"}, "t", "jump to time"),
		Left:     b([]string{"h", "left"}, "h/←", "scroll left"),
		Right:    b([]string{"l", "right"}, "l/→", "scroll right"),
		Wrap:     b([]string{"w"}, "w", "wrap lines"),
		UTC:      b([]string{"U"}, "U", "UTC/local time"),

		Filter:  b([]string{"f"}, "f", "filter"),
		Search:  b([]string{"/"}, "/", "search"),
		Next:    b([]string{"n"}, "n", "next match"),
		Prev:    b([]string{"N"}, "N", "previous match"),
		Palette: b([]string{":", "ctrl+p"}, ":/^p", "palette"),
		Only:    b([]string{"o"}, "o", "only this…"),
		Exclude: b([]string{"O"}, "O", "exclude this…"),

		Mark:      b([]string{"m"}, "m", "mark"),
		MarksOnly: b([]string{"M"}, "M", "marks only"),
		Context:   b([]string{"x"}, "x", "context"),
		Export:    b([]string{"e"}, "e", "export"),
		Copy:      b([]string{"y"}, "y", "copy (OSC 52)"),

		Detail:     b([]string{"enter", "d"}, "enter/d", "detail"),
		Categories: b([]string{"c"}, "c", "categories"),
		Timeline:   b([]string{"T"}, "T", "timeline"),
		Sources:    b([]string{"s"}, "s", "sources"),
		Older:      b([]string{"["}, "[", "timeline: earlier bar"),
		Newer:      b([]string{"]"}, "]", "timeline: later bar"),
		Deviations: b([]string{"v"}, "v", "deviations"),
		DevPrev:    b([]string{"{"}, "{", "deviations: previous group"),
		DevNext:    b([]string{"}"}, "}", "deviations: next group"),
		DevApply:   b([]string{"enter"}, "enter", "filter on group"),

		Escape: b([]string{"esc"}, "esc", "back"),
		Help:   b([]string{"?"}, "?", "keys"),
		Quit:   b([]string{"q", "ctrl+c"}, "q", "quit"),

		Accept:      b([]string{"enter"}, "enter", "apply"),
		Cancel:      b([]string{"esc"}, "esc", "cancel"),
		HistoryUp:   b([]string{"up"}, "↑", "older entry"),
		HistoryDown: b([]string{"down"}, "↓", "newer entry"),
	}
}

// actions names the bindings the config file may rebind.
func (k *KeyMap) actions() map[string]*key.Binding {
	return map[string]*key.Binding{
		"up": &k.Up, "down": &k.Down, "page_up": &k.PageUp, "page_down": &k.PageDown,
		"top": &k.Top, "bottom": &k.Bottom, "follow": &k.Follow, "jump_time": &k.JumpTime,
		"left": &k.Left, "right": &k.Right, "wrap": &k.Wrap, "utc": &k.UTC,
		"filter": &k.Filter, "search": &k.Search, "next": &k.Next, "prev": &k.Prev,
		"palette": &k.Palette, "only": &k.Only, "exclude": &k.Exclude,
		"mark": &k.Mark, "marks_only": &k.MarksOnly, "context": &k.Context,
		"export": &k.Export, "copy": &k.Copy,
		"detail": &k.Detail, "categories": &k.Categories, "timeline": &k.Timeline,
		"sources": &k.Sources, "timeline_earlier": &k.Older, "timeline_later": &k.Newer,
		"deviations": &k.Deviations, "deviations_prev": &k.DevPrev,
		"deviations_next": &k.DevNext, "deviations_apply": &k.DevApply,
		"back": &k.Escape, "help": &k.Help, "quit": &k.Quit,
	}
}

// ActionNames lists the actions Rebind accepts, sorted.
func ActionNames() []string {
	var k KeyMap
	names := make([]string, 0, 40)
	for n := range k.actions() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Rebind replaces the keys of action with keys, keeping its description.
// The help text shows the new keys.
func (k *KeyMap) Rebind(action string, keys []string) error {
	b, ok := k.actions()[action]
	if !ok {
		return fmt.Errorf("unknown action %q (known: %s)", action, strings.Join(ActionNames(), ", "))
	}
	if len(keys) == 0 {
		return fmt.Errorf("action %q: no keys", action)
	}
	desc := b.Help().Desc
	norm := make([]string, len(keys))
	for i, k := range keys {
		// Named keys and combinations are lower case to Bubble Tea
		// ("f2", "ctrl+f", "pgup"); a single character keeps its case
		// ("G" is shift+g).
		if len([]rune(k)) > 1 {
			k = strings.ToLower(k)
		}
		norm[i] = k
	}
	*b = key.NewBinding(key.WithKeys(norm...), key.WithHelp(strings.Join(norm, "/"), desc))
	return nil
}

// modal are the pairs of actions that may share keys: the first acts only
// in a state of its own, and then before the second (enter filters on the
// selected deviation group, and opens the detail pane otherwise).
var modal = map[[2]string]bool{{"deviations_apply", "detail"}: true}

// Conflicts reports keys bound to two actions of the event list, other
// than the modal pairs.
func (k *KeyMap) Conflicts() error {
	owner := map[string]string{}
	var errs []string
	acts := k.actions()
	names := make([]string, 0, len(acts))
	for n := range acts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, kk := range acts[n].Keys() {
			if o, ok := owner[kk]; ok && o != n && !modal[[2]string{o, n}] && !modal[[2]string{n, o}] {
				errs = append(errs, fmt.Sprintf("key %q is bound to both %s and %s", kk, o, n))
			}
			owner[kk] = n
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// listHelp is the help for the event list.
type listHelp struct{ k *KeyMap }

// ShortHelp returns the bindings for the one-line help, most needed first:
// the help line drops entries from the end.
func (h listHelp) ShortHelp() []key.Binding {
	k := h.k
	return []key.Binding{
		k.Filter, k.Search,
		pair(k.Bottom, k.Follow, "G", "follow"),
		k.DevApply, k.detail(), k.Mark, k.Export, k.Palette, k.Help, k.Quit,
	}
}

// FullHelp returns every binding of the list, grouped in columns.
func (h listHelp) FullHelp() [][]key.Binding {
	k := h.k
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Follow, k.JumpTime},
		{k.Filter, k.Search, k.Next, k.Prev, k.Only, k.Exclude, k.Palette, k.Left, k.Right},
		{k.Mark, k.MarksOnly, k.Context, k.Export, k.Copy, k.Wrap, k.UTC},
		{k.detail(), k.Categories, k.Timeline, k.Sources, k.Older, k.Newer, k.Deviations, k.DevPrev, k.DevNext, k.DevApply},
		{k.Escape, k.Help, k.Quit},
	}
}

// detail is the Detail binding as the help shows it: without the keys
// DevApply takes while it is on.
func (k *KeyMap) detail() key.Binding {
	if !k.DevApply.Enabled() {
		return k.Detail
	}
	taken := k.DevApply.Keys()
	var keys []string
	for _, kk := range k.Detail.Keys() {
		if !slices.Contains(taken, kk) {
			keys = append(keys, kk)
		}
	}
	if len(keys) == len(k.Detail.Keys()) {
		return k.Detail
	}
	b := key.NewBinding(key.WithKeys(keys...), key.WithHelp(strings.Join(keys, "/"), k.Detail.Help().Desc))
	b.SetEnabled(len(keys) > 0 && k.Detail.Enabled())
	return b
}

// inputHelp is the help while an input bar has the keyboard.
type inputHelp struct {
	k       *KeyMap
	history bool
}

func (h inputHelp) ShortHelp() []key.Binding {
	out := []key.Binding{h.k.Accept, h.k.Cancel}
	if h.history {
		out = append(out, h.k.HistoryUp, h.k.HistoryDown)
	}
	return out
}

func (h inputHelp) FullHelp() [][]key.Binding { return [][]key.Binding{h.ShortHelp()} }

// pair is a help-only binding standing for a and b, enabled when either is.
func pair(a, b key.Binding, keys, desc string) key.Binding {
	p := key.NewBinding(key.WithKeys(append(a.Keys(), b.Keys()...)...), key.WithHelp(keys, desc))
	p.SetEnabled(a.Enabled() || b.Enabled())
	return p
}

// viewState is what of the view decides which bindings work.
type viewState struct {
	following, searching, timeline, marks bool
	deviations, devSelected               bool // the pane is shown; a group is selected
}

// setMode switches bindings on and off for the state of the view, so that
// the help only offers what works.
func (k *KeyMap) setMode(s viewState) {
	k.Bottom.SetEnabled(!s.following)
	k.Follow.SetEnabled(!s.following)
	k.Next.SetEnabled(s.searching)
	k.Prev.SetEnabled(s.searching)
	k.Older.SetEnabled(s.timeline)
	k.Newer.SetEnabled(s.timeline)
	k.MarksOnly.SetEnabled(s.marks)
	k.DevPrev.SetEnabled(s.deviations)
	k.DevNext.SetEnabled(s.deviations)
	k.DevApply.SetEnabled(s.deviations && s.devSelected)
}
