// Package template gives every message a template: the message with its
// variable parts replaced by placeholders, and a short ID for it.
//
// A Miner works in two steps. A hand-written scanner first masks what is
// variable by its form (numbers, addresses, hex, paths, UUIDs, quoted
// strings, host names with digits, e-mail addresses, durations, sizes, user names
// the caller knows) with typed placeholders such as <NUM> and <IP>. An
// online clusterer of the Drain family (He et al., ICWS 2017) then groups
// the masked messages of each app: messages of the same length and the same
// leading words whose other literal words mostly agree share a template,
// and where they disagree the template says <*>.
//
// A template's ID is eight hex digits of a hash of the app and the template
// text (see ID), so the same template has the same ID in every run and on
// every machine, whichever worker or Miner mined it. What can differ is
// which template a message has: Drain's templates generalise as lines
// arrive (a word becomes <*> when a second word turns up in its place), so
// the first "Job finished for alpha from <IP>" gets the ID of that text
// and, once "Job finished for beta from <IP>" has arrived, both get the ID
// of "Job finished for <*> from <IP>". Three things keep that rare or
// harmless:
//
//   - masking does the generalising up front, so most shapes have their
//     final template from their first line (in the public Loghub HDFS and
//     Apache samples no template ever generalises);
//   - user names, the main source of generalisation in security logs, are
//     masked: the word after "user" ("Invalid user admin"), and with
//     MineKnown the values a decoder or a rule already found; MineEvent
//     masks a known command line whole, whatever its arguments;
//   - Seed loads the templates of an earlier run (a baseline), so a known
//     shape has its settled ID from the first line, and Lookup maps an ID a
//     template had before it generalised to the current one.
//
// The final templates usually do not depend on the order of the lines, but
// they can: each line is compared with the templates as they are at that
// moment, so another order can merge differently. The tests measure how
// often shuffled orders disagree.
package template

import (
	"strconv"
	"strings"
)

// Options configures a Miner. The zero value gives the defaults.
type Options struct {
	// MaxTemplatesPerApp caps the templates kept for one app (default
	// 1000). A message of a capped app that fits none of its templates
	// gets the app's overflow template, and Stats counts it.
	MaxTemplatesPerApp int
	// MaxTemplatesPerLeaf caps the templates that share a length and
	// leading words (default 128), which bounds the work for a message
	// never seen before; past it a new shape overflows as above.
	MaxTemplatesPerLeaf int
	// MaxApps caps the apps with templates of their own (default 1024);
	// later apps share the templates of the app named OtherApp.
	MaxApps int
	// Similarity is the least share of literal tokens a message must have
	// in common with a template to join it (default 0.6). Placeholders and
	// <*> positions do not count either way.
	Similarity float64
	// Depth is how many leading tokens must match exactly (unless they
	// hold a placeholder) for a message to be compared with a template
	// (default 2; Drain's "depth 4").
	Depth int
	// MaxChildren caps the distinct words per level of the prefix tree
	// (default 100); further words share the <*> branch.
	MaxChildren int
	// MaxTokens caps the tokens of a template (default 64); the rest of a
	// longer message becomes one <TAIL> token.
	MaxTokens int
	// MaxTemplates caps the templates of all apps together (default
	// 100000); past it new shapes overflow as above.
	MaxTemplates int
	// MaxCached caps the masked messages remembered for the fast path
	// (default 65536), and MaxCachedBytes their bytes (default 16 MiB);
	// the cache is emptied when either is reached.
	MaxCached      int
	MaxCachedBytes int
	// FreezeSeeded keeps seeded templates as they are: a message joins one
	// only if it fits it without generalising a word; one that differs
	// starts a template of its own. A baseline's templates then keep their
	// IDs, and a new shape of message gets a new template instead of
	// widening a known one.
	FreezeSeeded bool
}

// OtherApp is the app name under which apps beyond Options.MaxApps are
// mined.
const OtherApp = "<other>"

// maxOthers bounds the names of apps beyond MaxApps that Stats counts.
const maxOthers = 1 << 16

// overflowText is the template text of an app's overflow template.
const overflowText = "<OVERFLOW>"

func (o Options) withDefaults() Options {
	if o.MaxTemplatesPerApp <= 0 {
		o.MaxTemplatesPerApp = 1000
	}
	if o.MaxTemplatesPerLeaf <= 0 {
		o.MaxTemplatesPerLeaf = 128
	}
	if o.MaxApps <= 0 {
		o.MaxApps = 1024
	}
	if o.Similarity <= 0 || o.Similarity > 1 {
		o.Similarity = 0.6
	}
	if o.Depth <= 0 {
		o.Depth = 2
	}
	if o.MaxChildren <= 0 {
		o.MaxChildren = 100
	}
	if o.MaxTokens < 2 {
		o.MaxTokens = 64
	}
	if o.MaxTemplates <= 0 {
		o.MaxTemplates = 100000
	}
	if o.MaxCached <= 0 {
		o.MaxCached = 65536
	}
	if o.MaxCachedBytes <= 0 {
		o.MaxCachedBytes = 16 << 20
	}
	return o
}

// Match is what Mine says about one message.
type Match struct {
	// ID is the template's ID: eight lowercase hex digits.
	ID string
	// Template is the template's text, tokens joined by single spaces.
	Template string
	// New is set when this message started the template.
	New bool
	// Generalised is set when this message turned a word of an existing
	// template into <*>; PreviousID is the template's ID before.
	Generalised bool
	PreviousID  string
	// Overflow is set when the app (or the message's leaf) was at its cap
	// and the message fitted none of its templates; ID is then the app's
	// overflow template.
	Overflow bool
}

// Template describes one template a Miner holds.
type Template struct {
	App   string
	ID    string
	Text  string
	Count uint64
	// Former are IDs the template had before it generalised, oldest first.
	Former []string
}

// Stats counts what a Miner has done.
type Stats struct {
	Apps      int
	Templates int
	Messages  uint64
	// Generalisations counts templates that gained a <*>.
	Generalisations uint64
	// Overflow counts messages given an overflow template because their
	// app was at MaxTemplatesPerApp (or their leaf at
	// MaxTemplatesPerLeaf); OverflowApps counts the apps that happened to.
	Overflow     uint64
	OverflowApps int
	// OtherApps counts apps beyond MaxApps, mined as OtherApp (up to
	// 65536).
	OtherApps int
}

// Miner assigns templates to messages. It is not safe for concurrent use:
// keep one per goroutine, and give all the messages of an app to the same
// Miner (shard by app), so an app's templates see its messages in order.
type Miner struct {
	opts  Options
	apps  map[string]*appTree
	order []*appTree
	byID  map[string]*cluster
	cache map[string]*cluster
	mk    masker

	messages, generalisations, overflow uint64
	others                              map[string]struct{}
	templates, cacheBytes               int
	// seeded is set once a template has been seeded: searches then also
	// look on the wild branch, where seeded templates with a <*> near the
	// start sit.
	seeded bool
}

// New returns a Miner with opts (zero fields take their defaults).
func New(opts Options) *Miner {
	opts = opts.withDefaults()
	return &Miner{
		opts:   opts,
		apps:   make(map[string]*appTree),
		byID:   make(map[string]*cluster),
		cache:  make(map[string]*cluster),
		mk:     masker{maxTokens: opts.MaxTokens},
		others: make(map[string]struct{}),
	}
}

// Mine assigns message, logged by app, a template and returns it.
//
// The ID returned is the template's ID once this message has been added:
// a message that generalises a template gets the new ID (and Generalised
// and PreviousID say so). Messages mined before keep the ID they were
// given; Lookup resolves such a former ID to the template's current one.
// Mine allocates nothing when the message's masked form has been seen
// before. The Match's strings stay valid after later calls.
func (m *Miner) Mine(app, message string) Match {
	return m.mine(app, message, "", nil)
}

// MineKnown is Mine with values the caller knows to be variable (the user
// names a decoder found, say): where one stands as a whole word in message
// it is masked as <USER>.
func (m *Miner) MineKnown(app, message string, known ...string) Match {
	return m.mine(app, message, "", known)
}

// MineEvent is MineKnown with the command line a rule found too (sudo's
// COMMAND=): where it stands whole in message it is one <CMD>, so a
// command's arguments neither split the template nor widen it.
func (m *Miner) MineEvent(app, message, command string, known ...string) Match {
	return m.mine(app, message, command, known)
}

func (m *Miner) mine(app, message, command string, known []string) Match {
	m.messages++
	a := m.app(app)
	// The cache key is the app, a NUL and the masked tokens.
	mk := &m.mk
	mk.buf = append(append(mk.buf[:0], a.name...), 0)
	// Copied, so the caller's variadic slice stays on its stack.
	mk.known = append(mk.known[:0], known...)
	mk.cmd = command
	mk.run(message)
	clear(mk.known)
	mk.known, mk.cmd = mk.known[:0], ""
	key := mk.buf
	if c := m.cache[string(key)]; c != nil {
		c.count++
		if c.overflow {
			m.overflow++
		}
		return Match{ID: c.id, Template: c.text, Overflow: c.overflow}
	}
	toks := mk.toks
	base := len(a.name) + 1
	c, sim := a.search(m, key, toks)
	var res Match
	switch {
	case c != nil && sim >= m.opts.Similarity:
		prev := c.id
		if c.absorb(key, toks) {
			c.setText(a.name)
			c.former = append(c.former, prev)
			if _, dup := m.byID[c.id]; !dup {
				m.byID[c.id] = c
			}
			m.generalisations++
			res = Match{ID: c.id, Template: c.text, Generalised: true, PreviousID: prev}
		} else {
			res = Match{ID: c.id, Template: c.text}
		}
	case len(a.clusters) >= m.opts.MaxTemplatesPerApp || m.templates >= m.opts.MaxTemplates || a.full(m, key, toks):
		c = a.overflowCluster()
		if _, dup := m.byID[c.id]; !dup {
			m.byID[c.id] = c
		}
		m.overflow++
		res = Match{ID: c.id, Template: c.text, Overflow: true}
	default:
		c = newCluster(a.name, string(key[base:]), toks, base)
		a.add(m, c)
		m.templates++
		if _, dup := m.byID[c.id]; !dup {
			m.byID[c.id] = c
		}
		res = Match{ID: c.id, Template: c.text, New: true}
	}
	c.count++
	if len(m.cache) >= m.opts.MaxCached || m.cacheBytes+len(key) > m.opts.MaxCachedBytes {
		clear(m.cache)
		m.cacheBytes = 0
	}
	m.cache[string(key)] = c
	m.cacheBytes += len(key)
	return res
}

// app returns the tree of app, creating it (or, past MaxApps, the shared
// one) on first use.
func (m *Miner) app(name string) *appTree {
	if a := m.apps[name]; a != nil {
		return a
	}
	if len(m.apps) >= m.opts.MaxApps {
		if _, ok := m.others[name]; !ok && len(m.others) < maxOthers {
			m.others[strings.Clone(name)] = struct{}{} // name may alias a line's buffer
		}
		if a := m.apps[OtherApp]; a != nil {
			return a
		}
		name = OtherApp
	}
	a := &appTree{name: strings.Clone(name), roots: make([]*node, m.opts.MaxTokens+1)}
	m.apps[a.name] = a
	m.order = append(m.order, a)
	return a
}

// Seed adds a template with the given text to app (from an earlier run, a
// baseline), so that messages of its shape get its ID from the first one
// on. Text uses the placeholders of this package and <*>; tokens are
// separated by single spaces. Seed returns the template's ID; seeding a
// text that is already a template of app changes nothing.
func (m *Miner) Seed(app, text string) string {
	a := m.app(app)
	fields := strings.Fields(text)
	if len(fields) == 0 || len(fields) > m.opts.MaxTokens {
		return ID(a.name, text)
	}
	text = strings.Join(fields, " ")
	id := ID(a.name, text)
	if c := m.byID[id]; c != nil && c.app == a.name && c.text == text {
		return id
	}
	toks := make([]span, 0, len(fields))
	off := 0
	for _, f := range fields {
		toks = append(toks, span{int32(off), int32(off + len(f)), seedKind(f)})
		off += len(f) + 1
	}
	c := newCluster(a.name, text, toks, 0)
	c.frozen = m.opts.FreezeSeeded
	a.add(m, c)
	m.seeded = true
	m.templates++
	if _, dup := m.byID[id]; !dup {
		m.byID[id] = c
	}
	return id
}

// seedKind returns the kind of a token of a seeded template's text.
func seedKind(f string) uint8 {
	if f == Wildcard {
		return kindWild
	}
	if strings.Contains(f, Wildcard) {
		return kindPartial
	}
	rest, found := f, false
	for _, p := range placeholders {
		if strings.Contains(rest, p) {
			rest = strings.ReplaceAll(rest, p, "")
			found = true
		}
	}
	switch {
	case !found:
		return kindConst
	case strings.IndexFunc(rest, func(r rune) bool { return r < 0x80 && isAlnum(byte(r)) }) >= 0:
		return kindMixed
	}
	return kindPure
}

var placeholders = [...]string{PlaceNum, PlaceIP, PlaceHex, PlacePath, PlaceUUID, PlaceStr,
	PlaceHost, PlaceEmail, PlaceMAC, PlaceDur, PlaceSize, PlaceID, PlaceURL, PlaceUser, PlaceLong, PlaceTail, PlaceTime}

// Lookup returns the template with ID id, or whose ID was id before it
// generalised.
func (m *Miner) Lookup(id string) (Template, bool) {
	c := m.byID[id]
	if c == nil {
		return Template{}, false
	}
	return c.describe(), true
}

// Resolve returns the current ID of the template whose ID is or was id, or
// id itself when the Miner does not know it. It allocates nothing.
func (m *Miner) Resolve(id string) string {
	if c := m.byID[id]; c != nil {
		return c.id
	}
	return id
}

// Templates returns the templates of app in the order they appeared
// (nil for an app the Miner has not seen).
func (m *Miner) Templates(app string) []Template {
	a := m.apps[app]
	if a == nil {
		return nil
	}
	out := make([]Template, 0, len(a.clusters))
	for _, c := range a.clusters {
		out = append(out, c.describe())
	}
	return out
}

// Apps returns the apps the Miner holds templates for, in the order they
// appeared.
func (m *Miner) Apps() []string {
	out := make([]string, len(m.order))
	for i, a := range m.order {
		out[i] = a.name
	}
	return out
}

// Stats returns the Miner's counters.
func (m *Miner) Stats() Stats {
	s := Stats{
		Apps:            len(m.apps),
		Messages:        m.messages,
		Generalisations: m.generalisations,
		Overflow:        m.overflow,
		OtherApps:       len(m.others),
	}
	for _, a := range m.order {
		s.Templates += len(a.clusters)
		if a.overflow != nil {
			s.OverflowApps++
		}
	}
	return s
}

// ID returns the ID of template text of app: eight lowercase hex digits of
// the 64-bit FNV-1a hash of app, a NUL byte and text, folded to 32 bits.
func ID(app, text string) string {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	for i := 0; i < len(app); i++ {
		h = (h ^ uint64(app[i])) * prime
	}
	h *= prime // the NUL separator
	for i := 0; i < len(text); i++ {
		h = (h ^ uint64(text[i])) * prime
	}
	v := uint32(h>>32) ^ uint32(h)
	s := strconv.FormatUint(uint64(v), 16)
	return strings.Repeat("0", 8-len(s)) + s
}
