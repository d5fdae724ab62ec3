package rules

import (
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vigil-sec/vigil/event"
)

// Apply tags e with every enabled rule in its scope that matches, in rule
// order. It appends the rules' categories to e.Categories (no duplicates;
// the first matching rule's categories come first), appends their IDs to
// e.Rules, fills e.Fields from the named captures and sets e.Severity for
// rules that override it.
//
// A rule is skipped whole when one of its categories contradicts one the
// event already carries (auth.success against auth.failure): the first
// judgement stands, and every category on the event still names the rule
// that set it.
//
// A captured field is stored only when the event has no value for it yet,
// so the decoder's fields and earlier rules' captures win. Captured values
// are substrings of e.Message, which the decoder has already sanitised,
// so they are stored as they are and allocate nothing.
//
// When e has no categories or rules yet, Apply stores the rule's own
// Categories and a shared one-element IDs slice instead of copies: both are
// full (len == cap), so appending to them copies, but their elements must
// never be written in place.
//
// Apply allocates nothing when no rule matches. It reads only e and the
// Set, so any number of goroutines may call it on different events.
func (s *Set) Apply(e *event.Event) {
	s.apply(e, nil)
}

// Step is what one rule in an event's scope did with it, for explaining
// tags ("vigil rules test").
type Step struct {
	Rule *Rule
	// Fired is set when the rule tagged the event.
	Fired bool
	// Reason says why the rule did not fire; "" when it fired.
	Reason string
	// Pattern is the index in Rule.Match of the pattern that matched, -1
	// when none did or the rule has no patterns.
	Pattern int
	// Captures are the named captures of the matching pattern.
	Captures []Capture
}

// Capture is one named capture of a matching pattern.
type Capture struct {
	Field string
	Value string
	// Stored is false when the event already had a value for the field,
	// which was kept.
	Stored bool
}

// Explain applies the Set to e like Apply and returns, for every enabled
// rule in e's scope, in order, whether it fired and why or why not.
// Disabled rules and rules for other programs or formats are not listed.
// It allocates freely; it is meant for testing rules, not for the hot path.
func (s *Set) Explain(e *event.Event) []Step {
	steps := []Step{}
	s.apply(e, &steps)
	return steps
}

// apply is Apply, recording each rule's outcome in trace when it is not nil.
//
// Up to three lists hold the rules in e's scope: its program's, its
// format's and the any_app ones. Each list's prefilter first picks the
// rules whose literals occur in the message; the lists are then walked as
// one, in rule order, so categories come out in the order the rules are
// defined whichever index found them.
func (s *Set) apply(e *event.Event, trace *[]Step) {
	app := s.appRules(e.App)
	lists := [3]*ruleList{app, nil, nil}
	if app == nil {
		lists[2] = s.any // a program's own list already holds them
	}
	if len(s.byFormat) > 0 {
		lists[1] = s.byFormat[e.Format]
	}
	if trace == nil && lists[1] == nil && (app == nil) != (lists[2] == nil) {
		// The usual case: one list, nothing to merge.
		if app == nil {
			app = lists[2]
		}
		applyList(e, app)
		return
	}
	var (
		found [3]present
		cand  [3]ruleMask
		pos   [3]int
	)
	for i, l := range lists {
		if l != nil && l.pf != nil {
			found[i] = l.pf.scan(e.Message)
			cand[i] = l.pf.candidates(&found[i])
		}
	}
	for {
		// The next candidate of each list; the lowest rule order goes.
		best, bj := -1, 0
		for i, l := range lists {
			if l == nil {
				continue
			}
			j := pos[i]
			if l.pf != nil && trace == nil {
				if j = cand[i].next(j); j < 0 {
					continue
				}
			}
			if j >= len(l.rules) {
				continue
			}
			if best < 0 || l.rules[j].order < lists[best].rules[bj].order {
				best, bj = i, j
			}
		}
		if best < 0 {
			return
		}
		pos[best] = bj + 1
		l := lists[best]
		r := l.rules[bj]
		vetted := false
		if pf := l.pf; pf != nil {
			if !pf.pass(bj, &found[best], e.Message) {
				if trace != nil {
					why := r.literalsMiss(e.Message)
					if why == "" {
						why = "none of the literals its patterns need occurs"
					}
					*trace = append(*trace, Step{Rule: r, Reason: why, Pattern: -1})
				}
				continue
			}
			vetted = pf.rules[bj].vetted
		}
		if try(e, r, vetted, trace) && r.Final {
			return
		}
	}
}

// applyList is apply for an event whose scope is the one list l.
func applyList(e *event.Event, l *ruleList) {
	pf := l.pf
	if pf == nil {
		for _, r := range l.rules {
			if try(e, r, false, nil) && r.Final {
				return
			}
		}
		return
	}
	found := pf.scan(e.Message)
	cand := pf.candidates(&found)
	for j := cand.next(0); j >= 0 && j < len(l.rules); j = cand.next(j + 1) {
		if !pf.literalsPass(j, &found, e.Message) {
			continue
		}
		r := l.rules[j]
		if try(e, r, pf.rules[j].vetted, nil) && r.Final {
			return
		}
	}
}

// try applies one rule to e and reports whether it fired. vetted says the
// prefilter has done the rule's literal checks.
func try(e *event.Event, r *Rule, vetted bool, trace *[]Step) bool {
	var buf [maxSlots]int
	loc, alt, why := r.test(e, buf[:], vetted)
	if why == "" {
		if bad := contradiction(e, r); bad != "" {
			why = "skipped: " + bad + " contradicts a category already on the event"
		}
	}
	if why != "" {
		if trace != nil {
			*trace = append(*trace, Step{Rule: r, Reason: why, Pattern: -1})
		}
		return false
	}
	var st *Step
	if trace != nil {
		*trace = append(*trace, Step{Rule: r, Fired: true, Pattern: alt})
		st = &(*trace)[len(*trace)-1]
	}
	tag(e, r, loc, alt, st)
	return true
}

// appRules returns the rules for program app, compared case-insensitively.
// Program names are nearly always lower case already; an upper-case ASCII
// name (CRON) is lowered in a stack buffer, since a map lookup with
// string(bytes) does not allocate.
func (s *Set) appRules(app string) *ruleList {
	if rs, ok := s.byApp[app]; ok || app == "" {
		return rs
	}
	if rs := s.appRulesFolded(app); rs != nil {
		return rs
	}
	// Tags that carry more than the program name: RHEL 7's
	// "polkitd(authority=local)", GDM's "gdm-password]".
	if i := strings.IndexByte(app, '('); i > 0 && app[len(app)-1] == ')' {
		return s.appRulesFolded(app[:i])
	}
	if app[len(app)-1] == ']' && len(app) > 1 {
		return s.appRulesFolded(app[:len(app)-1])
	}
	return nil
}

// appRulesFolded looks app up with ASCII upper case folded.
func (s *Set) appRulesFolded(app string) *ruleList {
	if rs, ok := s.byApp[app]; ok {
		return rs
	}
	var buf [64]byte
	if len(app) > len(buf) {
		return s.byApp[strings.ToLower(app)]
	}
	upper := false
	for i := 0; i < len(app); i++ {
		c := app[i]
		if c >= utf8.RuneSelf {
			return s.byApp[strings.ToLower(app)]
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
			upper = true
		}
		buf[i] = c
	}
	if !upper {
		return nil
	}
	return s.byApp[string(buf[:len(app)])]
}

// test reports whether r matches e: the cheap checks first (format,
// literals, field conditions), then each pattern behind its own literal
// guards (the prefix of an anchored pattern, the longest literal any match
// holds). It returns the capture positions of the matching pattern (nil
// when the rule has none or the pattern names no captures), its index, and
// "" or the reason the rule does not match. Reasons are constants, so a
// miss allocates nothing.
//
// buf holds the capture positions when the fast matcher finds them, so a
// match allocates nothing; the regexp engine allocates its own.
func (r *Rule) test(e *event.Event, buf []int, vetted bool) (loc []int, alt int, why string) {
	if len(r.Formats) > 0 && !slices.Contains(r.Formats, e.Format) {
		return nil, -1, "format not in formats:"
	}
	if len(r.Units) > 0 && !r.unitMatches(e) {
		return nil, -1, "unit not in units:"
	}
	if len(r.Transports) > 0 && !slices.Contains(r.Transports, e.Fields["transport"]) {
		return nil, -1, "transport not in transports:"
	}
	msg := e.Message
	if !vetted {
		if why := r.literalsMiss(msg); why != "" {
			return nil, -1, why
		}
	}
	for i := range r.Fields {
		if !r.Fields[i].holds(e) {
			return nil, -1, "a fields: condition does not hold"
		}
	}
	if len(r.Match) == 0 {
		return nil, -1, ""
	}
	ran := false
	for i, re := range r.Match {
		if p := r.prefixes[i]; p != "" && !strings.HasPrefix(msg, p) {
			continue
		}
		m := r.fast[i]
		// The fast matcher searches for its leading literal itself; a
		// separate guard scan would read the line twice.
		if g := r.guards[i]; g != "" && (m == nil || m.first == "" || len(g) > len(m.first)+8) && !strings.Contains(msg, g) {
			continue
		}
		ran = true
		if m != nil {
			if m.match(msg, buf) {
				if re.NumSubexp() == 0 {
					return nil, i, ""
				}
				return buf[:m.nslot], i, ""
			}
			continue
		}
		if re.NumSubexp() == 0 {
			if re.MatchString(msg) {
				return nil, i, ""
			}
			continue
		}
		if loc := re.FindStringSubmatchIndex(msg); loc != nil {
			return loc, i, ""
		}
	}
	if !ran {
		return nil, -1, reasonNoFixedText
	}
	return nil, -1, reasonNoMatch
}

// Why a rule's patterns did not match: none ran (the fixed text each
// needs is missing, which costs little), or they ran and missed.
const (
	reasonNoFixedText = "no pattern's fixed text occurs"
	reasonNoMatch     = "no pattern matches"
)

// contradiction returns the category of r that contradicts one e already
// carries, or "".
func contradiction(e *event.Event, r *Rule) string {
	for _, c := range r.Categories {
		for _, have := range e.Categories {
			if contradicts(c, have) {
				return c
			}
		}
	}
	return ""
}

// tag records that r matched e with capture positions loc of pattern alt.
func tag(e *event.Event, r *Rule, loc []int, alt int, st *Step) {
	if len(r.Categories) == 0 {
		// A final rule with no categories settles the line as
		// uncategorised; the event names no rule, Explain does.
	} else if len(e.Categories) == 0 {
		e.Categories = r.Categories
	} else {
		for _, c := range r.Categories {
			if !slices.Contains(e.Categories, c) {
				e.Categories = append(e.Categories, c)
			}
		}
	}
	if len(r.Categories) == 0 {
		// Nothing to name.
	} else if len(e.Rules) == 0 {
		e.Rules = r.ids
	} else if !slices.Contains(e.Rules, r.ID) {
		e.Rules = append(e.Rules, r.ID)
	}
	if r.HasSeverity {
		e.Severity = r.Severity
	}
	if loc == nil {
		return
	}
	msg := e.Message
	for j, name := range r.captures[alt] {
		if j == 0 || name == "" || loc[2*j] < 0 || loc[2*j] == loc[2*j+1] {
			continue
		}
		// A substring of the sanitised message is itself sanitised: no
		// escaping again, no copy.
		v := msg[loc[2*j]:loc[2*j+1]]
		stored := e.Fields[name] == ""
		if stored {
			e.SetField(name, v)
		}
		if st != nil {
			st.Captures = append(st.Captures, Capture{Field: name, Value: v, Stored: stored})
		}
		if stored && name == "package" && r.SplitRPM {
			if pkg, ver, ok := splitRPM(v); ok {
				e.SetField("package", pkg)
				if e.Fields["version"] == "" {
					e.SetField("version", ver)
				}
			}
		}
	}
}

// rpmArches are the architecture suffixes of rpm package strings.
var rpmArches = []string{"x86_64", "noarch", "i686", "i386", "aarch64", "ppc64le", "ppc64", "s390x", "armv7hl", "src"}

// splitRPM splits "[E:]name-[E:]version-release[.arch]" into name and
// "[E:]version-release".
func splitRPM(s string) (name, version string, ok bool) {
	if i := strings.LastIndexByte(s, '.'); i > 0 && slices.Contains(rpmArches, s[i+1:]) {
		s = s[:i]
	}
	epoch := ""
	if i := strings.IndexByte(s, ':'); i > 0 && isDigits(s[:i]) {
		epoch, s = s[:i+1], s[i+1:]
	}
	r := strings.LastIndexByte(s, '-')
	if r <= 0 {
		return "", "", false
	}
	v := strings.LastIndexByte(s[:r], '-')
	if v <= 0 || v+1 >= r {
		return "", "", false
	}
	name, version = s[:v], s[v+1:]
	if epoch != "" {
		version = epoch + version
	}
	return name, version, true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// unitMatches reports whether the unit e is about, or the unit that wrote
// it, matches one of r.Units.
func (r *Rule) unitMatches(e *event.Event) bool {
	for _, f := range [2]string{"unit", "systemd_unit"} {
		u := e.Fields[f]
		if u == "" {
			continue
		}
		for _, pat := range r.Units {
			if ok, _ := path.Match(pat, u); ok {
				return true
			}
		}
	}
	return false
}

// literalsMiss checks the rule's contains:, not_contains: and
// contains_any: literals against msg and says which one fails, or "".
func (r *Rule) literalsMiss(msg string) string {
	for _, lit := range r.Contains {
		if !strings.Contains(msg, lit) {
			return "a contains: literal is missing"
		}
	}
	for _, lit := range r.NotContains {
		if strings.Contains(msg, lit) {
			return "a not_contains: literal is present"
		}
	}
	if len(r.ContainsAny) > 0 {
		for _, lit := range r.ContainsAny {
			if strings.Contains(msg, lit) {
				return ""
			}
		}
		return "no contains_any: literal is present"
	}
	return ""
}
