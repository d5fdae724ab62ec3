package query

import (
	"cmp"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/event"
)

// node is one compiled piece of a query. Every node is immutable once
// built, so a query can be matched from many goroutines at once.
type node interface {
	match(e *event.Event) bool
	// cost estimates the work of match, to try cheap checks first.
	cost() int
	// String describes the node, for tests and debugging.
	String() string
}

// constNode matches every event (true) or none (false). Simplification
// removes it from everything but the root.
type constNode bool

func (n constNode) match(*event.Event) bool { return bool(n) }
func (constNode) cost() int                 { return 0 }
func (n constNode) String() string {
	if n {
		return "all"
	}
	return "none"
}

type andNode []node

func (n andNode) match(e *event.Event) bool {
	for _, k := range n {
		if !k.match(e) {
			return false
		}
	}
	return true
}

func (n andNode) cost() int      { return sumCost(n) }
func (n andNode) String() string { return list("and", n) }

type orNode []node

func (n orNode) match(e *event.Event) bool {
	for _, k := range n {
		if k.match(e) {
			return true
		}
	}
	return false
}

func (n orNode) cost() int      { return sumCost(n) }
func (n orNode) String() string { return list("or", n) }

type notNode struct{ n node }

func (n notNode) match(e *event.Event) bool { return !n.n.match(e) }
func (n notNode) cost() int                 { return n.n.cost() }
func (n notNode) String() string            { return "(not " + n.n.String() + ")" }

func sumCost(kids []node) int {
	c := 0
	for _, k := range kids {
		c += k.cost()
	}
	return c
}

func list(op string, kids []node) string {
	var b strings.Builder
	b.WriteString("(" + op)
	for _, k := range kids {
		b.WriteString(" " + k.String())
	}
	b.WriteString(")")
	return b.String()
}

// and builds the conjunction of kids, simplified: nested ANDs are
// flattened, "all" drops out, "none" wins, severity ranges are
// intersected, and the cheapest checks come first.
func and(kids ...node) node {
	return combine(kids, true)
}

// or is and's dual.
func or(kids ...node) node {
	return combine(kids, false)
}

func combine(kids []node, isAnd bool) node {
	var (
		flat []node
		sev  *sevNode
	)
	var add func(k node) bool
	add = func(k node) bool {
		switch k := k.(type) {
		case constNode:
			// all in an AND and none in an OR change nothing; the
			// other way round they decide.
			return bool(k) == isAnd
		case andNode:
			if isAnd {
				for _, kk := range k {
					add(kk)
				}
				return true
			}
		case orNode:
			if !isAnd {
				for _, kk := range k {
					add(kk)
				}
				return true
			}
		case sevNode:
			if sev == nil {
				sev = &k
			} else if isAnd {
				sev.mask &= k.mask
			} else {
				sev.mask |= k.mask
			}
			return true
		}
		flat = append(flat, k)
		return true
	}
	for _, k := range kids {
		if !add(k) {
			return constNode(!isAnd)
		}
	}
	if sev != nil {
		s := severity(sev.mask)
		if c, ok := s.(constNode); ok {
			if bool(c) != isAnd {
				return c
			}
		} else {
			flat = append(flat, s)
		}
	}
	switch len(flat) {
	case 0:
		return constNode(isAnd)
	case 1:
		return flat[0]
	}
	slices.SortStableFunc(flat, func(a, b node) int { return cmp.Compare(a.cost(), b.cost()) })
	if isAnd {
		return andNode(flat)
	}
	return orNode(flat)
}

// not negates n, simplified.
func not(n node) node {
	switch n := n.(type) {
	case constNode:
		return !n
	case notNode:
		return n.n
	case sevNode:
		return severity(^n.mask)
	}
	return notNode{n}
}

// textNode matches free text: a word or phrase anywhere in the message,
// the app or the host, ignoring ASCII case.
type textNode struct{ n needle }

func (t *textNode) match(e *event.Event) bool {
	return t.n.contains(e.Host) || t.n.contains(e.App) || t.n.contains(e.Message)
}

func (t *textNode) cost() int      { return 10 }
func (t *textNode) String() string { return strconv.Quote(t.n.s) }

// sevNode keeps the severities whose bit is set in mask (bit 0 emerg,
// bit 7 debug).
type sevNode struct{ mask uint8 }

// severity returns the node for mask: a constant when it keeps all or
// nothing.
func severity(mask uint8) node {
	switch mask {
	case 0:
		return constNode(false)
	case 0xff:
		return constNode(true)
	}
	return sevNode{mask}
}

func (s sevNode) match(e *event.Event) bool {
	v := e.Severity
	if v > event.Debug {
		v = event.Info // what Severity.String shows for a bad value
	}
	return s.mask&(1<<v) != 0
}

func (sevNode) cost() int { return 1 }

func (s sevNode) String() string {
	var names []string
	for v := event.Emerg; v <= event.Debug; v++ {
		if s.mask&(1<<v) != 0 {
			names = append(names, v.String())
		}
	}
	return "sev{" + strings.Join(names, ",") + "}"
}

// pidNode matches the process ID, or any non-zero one.
type pidNode struct {
	pid int
	any bool
}

func (p pidNode) match(e *event.Event) bool {
	if p.any {
		return e.PID != 0
	}
	return e.PID == p.pid
}

func (pidNode) cost() int { return 1 }

func (p pidNode) String() string {
	if p.any {
		return "pid:*"
	}
	return "pid:" + strconv.Itoa(p.pid)
}

// field names a string of the event that a term looks at.
type field struct {
	kind fieldKind
	name string // for fieldMap, the key in Fields; else the query's name
}

type fieldKind uint8

const (
	fieldMap fieldKind = iota
	fieldHost
	fieldApp
	fieldMessage
	fieldSource
	fieldFormat
	fieldTemplate
)

// get returns the field's value and whether the event has it at all (the
// event's own strings always exist, perhaps empty).
func (f field) get(e *event.Event) (string, bool) {
	switch f.kind {
	case fieldHost:
		return e.Host, true
	case fieldApp:
		return e.App, true
	case fieldMessage:
		return e.Message, true
	case fieldSource:
		return e.Source, true
	case fieldFormat:
		return e.Format, true
	case fieldTemplate:
		return e.Template, true
	}
	v, ok := e.Fields[f.name]
	return v, ok
}

// fieldNode matches one field's value; a field the event lacks never
// matches.
type fieldNode struct {
	f field
	m valueMatcher
}

func (n *fieldNode) match(e *event.Event) bool {
	v, ok := n.f.get(e)
	return ok && n.m.matchString(v)
}

func (n *fieldNode) cost() int {
	if n.f.kind == fieldMap {
		return 5 + n.m.cost()
	}
	return 1 + n.m.cost()
}

func (n *fieldNode) String() string { return n.f.name + ":" + n.m.String() }

// listKind picks one of the event's string lists.
type listKind uint8

const (
	listCategories listKind = iota
	listRules
	listDeviations // the Kind of each deviation
	listDevKeys    // the Key of each deviation
)

// listNode matches when any element of a list matches.
type listNode struct {
	kind listKind
	m    valueMatcher
}

func (n *listNode) match(e *event.Event) bool {
	switch n.kind {
	case listCategories:
		for _, c := range e.Categories {
			if n.m.matchString(c) {
				return true
			}
		}
	case listRules:
		for _, r := range e.Rules {
			if n.m.matchString(r) {
				return true
			}
		}
	case listDeviations:
		for i := range e.Deviations {
			if n.m.matchString(e.Deviations[i].Kind) {
				return true
			}
		}
	case listDevKeys:
		for i := range e.Deviations {
			if n.m.matchString(e.Deviations[i].Key) {
				return true
			}
		}
	}
	return false
}

func (n *listNode) cost() int { return 3 + n.m.cost() }

func (n *listNode) String() string {
	return [...]string{"cat", "rule", "dev", "devkey"}[n.kind] + ":" + n.m.String()
}

// devAnyNode matches an event with at least one deviation.
type devAnyNode struct{}

func (devAnyNode) match(e *event.Event) bool { return len(e.Deviations) > 0 }
func (devAnyNode) cost() int                 { return 1 }
func (devAnyNode) String() string            { return "dev:any" }

// valueMatcher tests one string value.
type valueMatcher interface {
	matchString(s string) bool
	cost() int
	String() string
}

// nonEmpty matches any non-empty value (field:*).
type nonEmpty struct{}

func (nonEmpty) matchString(s string) bool { return s != "" }
func (nonEmpty) cost() int                 { return 0 }
func (nonEmpty) String() string            { return "*" }

// literal matches a value equal to s, ignoring ASCII case.
type literal struct{ s string } // lower-cased

func (l literal) matchString(v string) bool { return equalFold(v, l.s) }
func (literal) cost() int                   { return 1 }
func (l literal) String() string            { return strconv.Quote(l.s) }

// globMatcher matches a value against a * pattern, ignoring ASCII case.
type globMatcher struct {
	g   glob
	src string
}

func (g *globMatcher) matchString(v string) bool { return g.g.match(v) }
func (g *globMatcher) cost() int                 { return 3 }
func (g *globMatcher) String() string            { return "glob(" + strconv.Quote(g.src) + ")" }

// addrMatcher matches an IP address written any way: the same text, or
// the same address ("::ffff:10.0.0.1" is 10.0.0.1).
type addrMatcher struct {
	lit  string // lower-cased
	addr netip.Addr
}

func (a *addrMatcher) matchString(v string) bool {
	if equalFold(v, a.lit) {
		return true
	}
	ip, ok := parseIP(v)
	return ok && ip == a.addr
}

func (a *addrMatcher) cost() int      { return 2 }
func (a *addrMatcher) String() string { return "addr(" + a.addr.String() + ")" }

// cidrMatcher matches an address inside a prefix.
type cidrMatcher struct{ p netip.Prefix }

func (c *cidrMatcher) matchString(v string) bool {
	ip, ok := parseIP(v)
	return ok && c.p.Contains(ip)
}

func (c *cidrMatcher) cost() int      { return 4 }
func (c *cidrMatcher) String() string { return "cidr(" + c.p.String() + ")" }

// regexMatcher matches a regular expression anywhere in a value. When the
// expression can only match text that contains some literals, they are
// looked for first: most values do not contain them, and a substring
// search costs a fraction of running the expression.
type regexMatcher struct {
	re *regexp.Regexp
	// pre are literals every match contains, longest first.
	pre    []literalCheck
	source string
}

func (r *regexMatcher) matchString(v string) bool {
	for i := range r.pre {
		if !r.pre[i].pass(v) {
			return false
		}
	}
	return r.re.MatchString(v)
}

func (r *regexMatcher) cost() int {
	if len(r.pre) > 0 {
		return 20
	}
	return 40
}

func (r *regexMatcher) String() string { return "/" + r.source + "/" }
