package tui

import "charm.land/bubbles/v2/key"

// KeyMap holds the bindings of the event list. It implements help.KeyMap;
// bindings that would do nothing in the current mode are disabled, so the
// help line only offers what works.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Follow   key.Binding
	Help     key.Binding
	Quit     key.Binding
}

// DefaultKeyMap returns vigil's key bindings: vi and less style, no mouse.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("k/up", "older")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("j/down", "newer")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup/^b", "page older")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f", "space"), key.WithHelp("pgdn/^f/space", "page newer")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "oldest")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "newest, follow")),
		Follow:   key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "follow")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "keys")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// setFollowing switches on the bindings that only make sense while the view
// is paused (G, F) and off while it follows.
func (k *KeyMap) setFollowing(following bool) {
	k.Bottom.SetEnabled(!following)
	k.Follow.SetEnabled(!following)
}

// ShortHelp returns the bindings for the one-line help. Pairs of bindings
// are shown as one entry ("j/k scroll") to fit 80 columns; the entries are
// enabled only when their bindings are.
func (k KeyMap) ShortHelp() []key.Binding {
	// Most needed first: the help line drops entries from the end.
	return []key.Binding{
		pair(k.Down, k.Up, "j/k", "scroll"),
		pair(k.Bottom, k.Follow, "G", "follow"),
		k.Quit,
		pair(k.PageDown, k.PageUp, "space/^b", "page"),
		k.Top,
		k.Help,
	}
}

// pair is a help-only binding standing for a and b, enabled when either is.
func pair(a, b key.Binding, keys, desc string) key.Binding {
	p := key.NewBinding(key.WithKeys(append(a.Keys(), b.Keys()...)...), key.WithHelp(keys, desc))
	p.SetEnabled(a.Enabled() || b.Enabled())
	return p
}

// FullHelp returns every binding, grouped in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown},
		{k.Top, k.Bottom, k.Follow},
		{k.Help, k.Quit},
	}
}
