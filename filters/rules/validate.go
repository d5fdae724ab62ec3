package rules

import (
	"fmt"
	"path"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sources/decode"
	"go.yaml.in/yaml/v3"
)

// minGuard is the shortest literal worth a strings.Contains before a
// regexp: shorter ones occur in too many lines to rule anything out.
const minGuard = 3

// ruleKeys are the keys a rule may have; anything else is an error, so a
// misspelt key (categorie:, contain:) never silently widens a rule.
func ruleKeys() []string {
	return []string{
		"id", "description", "categories", "apps", "units", "transports", "formats", "any_app",
		"contains", "contains_any", "not_contains", "match", "fields", "severity", "control", "disabled", "final", "split_rpm",
	}
}

// validID is the syntax of a rule ID.
func validID(id string) bool {
	if id == "" || !isLowerDigit(id[0]) {
		return false
	}
	for i := 1; i < len(id); i++ {
		if c := id[i]; !isLowerDigit(c) && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

func isLowerDigit(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// compileRule validates one rule node and compiles it. It returns the rule
// (nil when it has no usable ID) and every problem found in it.
func compileRule(file string, n *yaml.Node) (*Rule, ErrorList) {
	var errs ErrorList
	r := &Rule{File: file, Line: n.Line}
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &Error{File: file, Line: line, Rule: r.ID, Reason: fmt.Sprintf(format, args...)})
	}
	if n.Kind != yaml.MappingNode {
		fail(n.Line, "a rule is a mapping of keys such as id:, categories:, match:")
		return nil, errs
	}
	// The ID comes first so every later message can name the rule.
	keys := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value == "id" {
			if s, ok := scalar(v); ok && validID(s) {
				r.ID = s
			} else {
				fail(v.Line, "id %q: must match [a-z0-9][a-z0-9.-]*", v.Value)
			}
		}
	}
	known := ruleKeys()
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || !slices.Contains(known, k.Value) {
			fail(k.Line, "unknown key %q (known: %s)", k.Value, strings.Join(known, ", "))
			continue
		}
		if _, dup := keys[k.Value]; dup {
			fail(k.Line, "key %q given twice", k.Value)
			continue
		}
		keys[k.Value] = v
	}
	if _, ok := keys["id"]; !ok {
		fail(n.Line, "no id")
	}
	str := func(key string) string {
		v := keys[key]
		if v == nil {
			return ""
		}
		s, ok := scalar(v)
		if !ok {
			fail(v.Line, "%s: must be a string", key)
		}
		return s
	}
	list := func(key string) []string {
		v := keys[key]
		if v == nil {
			return nil
		}
		ss, ok := strings1(v)
		if !ok {
			fail(v.Line, "%s: must be a string or a list of strings", key)
		}
		for _, s := range ss {
			if s == "" {
				fail(v.Line, "%s: empty string", key)
			}
		}
		return slices.Clip(ss)
	}
	boolean := func(key string) bool {
		v := keys[key]
		if v == nil {
			return false
		}
		b, err := strconv.ParseBool(v.Value)
		if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || err != nil {
			fail(v.Line, "%s: must be true or false", key)
		}
		return b
	}

	r.Description = str("description")
	r.Control = str("control")
	r.Disabled = boolean("disabled")
	r.AnyApp = boolean("any_app")
	r.Categories = list("categories")
	r.Apps = list("apps")
	for i, a := range r.Apps {
		r.Apps[i] = strings.ToLower(a)
	}
	r.Units = list("units")
	for _, u := range r.Units {
		if _, err := path.Match(u, ""); err != nil {
			fail(keys["units"].Line, "units: %q: bad glob: %v", u, err)
		}
	}
	r.Transports = list("transports")
	r.Formats = list("formats")
	for _, f := range r.Formats {
		// A misspelt format would make the rule silently match nothing.
		if f != "" && !decode.IsFormat(f) {
			fail(keys["formats"].Line, "unknown format %q (known: %s)", f, strings.Join(decode.Formats(), ", "))
		}
	}
	r.Contains = list("contains")
	r.ContainsAny = list("contains_any")
	r.NotContains = list("not_contains")
	r.Final = boolean("final")
	r.SplitRPM = boolean("split_rpm")
	if r.ID != "" {
		r.ids = []string{r.ID}
	}

	cats := Categories()
	for _, c := range r.Categories {
		if !slices.Contains(cats, c) {
			fail(keys["categories"].Line, "unknown category %q (known: %s)", c, strings.Join(cats, ", "))
		}
	}
	for i, c := range r.Categories {
		if slices.Contains(r.Categories[:i], c) {
			fail(keys["categories"].Line, "category %q listed twice", c)
		}
		for _, d := range r.Categories[:i] {
			if contradicts(c, d) {
				fail(keys["categories"].Line, "categories %q and %q contradict each other", d, c)
			}
		}
	}
	if s := str("severity"); s != "" {
		sev, ok := event.ParseSeverity(s)
		if !ok {
			fail(keys["severity"].Line, "severity %q: must be one of emerg alert crit err warning notice info debug", s)
		}
		r.Severity, r.HasSeverity = sev, ok
	}
	if v := keys["fields"]; v != nil {
		r.Fields = compileFields(v, fail)
	}
	if v := keys["match"]; v != nil {
		pats, ok := strings1(v)
		if !ok {
			fail(v.Line, "match: must be a regexp or a list of regexps")
		}
		lines := itemLines(v)
		for i, p := range pats {
			m, err := compileMatch(p, len(r.Contains)+len(r.ContainsAny) > 0)
			if err != nil {
				fail(lines[i], "match %q: %v", p, err)
				continue
			}
			r.Match = append(r.Match, m.re)
			r.fast = append(r.fast, m.fast)
			r.guards = append(r.guards, m.guard)
			r.prefixes = append(r.prefixes, m.prefix)
			r.starts = append(r.starts, m.starts)
			r.captures = append(r.captures, m.caps)
		}
	}

	// Requirements that a rule which only disables another need not meet.
	if !r.Disabled {
		if len(r.Categories) == 0 && !r.Final && !r.readsFields() {
			fail(n.Line, "no categories (a rule that only settles a line as uncategorised needs final: true; one that only reads fields needs a named capture)")
		}
		if keys["match"] == nil && len(r.Contains) == 0 && len(r.ContainsAny) == 0 {
			fail(n.Line, "no match: and no contains: (a rule must look at the message)")
		}
		if len(r.Apps) == 0 && len(r.Formats) == 0 && len(r.Units) == 0 && !r.AnyApp {
			fail(n.Line, "no apps:, formats: or units: (set any_app: true to try the rule on every line, which costs every line)")
		}
	}
	if r.AnyApp && len(r.Apps) > 0 {
		fail(keys["any_app"].Line, "any_app: true and apps: together (choose one)")
	}
	if r.ID == "" {
		return nil, errs
	}
	return r, errs
}

// compileFields compiles the fields: mapping of a rule.
func compileFields(v *yaml.Node, fail func(int, string, ...any)) []FieldCond {
	if v.Kind != yaml.MappingNode {
		fail(v.Line, "fields: must be a mapping of field name to value or regexp")
		return nil
	}
	var conds []FieldCond
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		name, ok := scalar(k)
		if !ok || name == "" {
			fail(k.Line, "fields: a field name must be a non-empty string")
			continue
		}
		pat, ok := scalar(val)
		if !ok {
			fail(val.Line, "fields: %s: must be a string", name)
			continue
		}
		c := FieldCond{Field: name, Equal: pat}
		if regexp.QuoteMeta(pat) != pat {
			re, err := regexp.Compile(pat)
			if err != nil {
				fail(val.Line, "fields: %s: %q: %v", name, pat, cleanRegexpError(err))
				continue
			}
			c.Regexp = re
		}
		conds = append(conds, c)
	}
	return conds
}

// compiled is one match: pattern with what the matcher derives from it.
type compiled struct {
	re     *regexp.Regexp
	fast   *fastMatcher
	guard  string
	prefix string
	starts []string
	caps   []string
}

// compileMatch compiles one match: pattern, checks that every named
// capture is a contract field and that the pattern is cheap enough, and
// derives its guard literal, anchored starts and fast matcher. The
// pattern is parsed once for all of them: rule loading is part of every
// start-up.
func compileMatch(p string, prefiltered bool) (compiled, error) {
	var c compiled
	re, err := regexp.Compile(p)
	if err != nil {
		return c, cleanRegexpError(err)
	}
	fields := ContractFields()
	caps := re.SubexpNames()
	for i, name := range caps {
		if i == 0 || name == "" {
			continue
		}
		if !slices.Contains(fields, name) {
			return c, fmt.Errorf("capture %q is not a contract field (%s)", name, strings.Join(fields, ", "))
		}
		if slices.Contains(caps[:i], name) {
			return c, fmt.Errorf("capture %q named twice", name)
		}
	}
	parsed, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return c, cleanRegexpError(err)
	}
	simple := parsed.Simplify()
	guard := requiredLiteral(simple)
	if err := checkCost(p, guard, prefiltered || anchored(parsed)); err != nil {
		return c, err
	}
	return compiled{
		re:     re,
		fast:   compileFast(re, parsed),
		guard:  guard,
		prefix: anchoredPrefixOf(simple),
		starts: anchoredPrefixesOf(parsed),
		caps:   caps,
	}, nil
}

// anchoredPrefix returns the literal that every match of p starts with
// when p is anchored at the start of the text (^Accepted ...), else "".
// A line is then checked with strings.HasPrefix, which is cheaper and
// rules out more lines than a search for the pattern's longest literal.
func anchoredPrefix(p string) string {
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return ""
	}
	return anchoredPrefixOf(re.Simplify())
}

// anchoredPrefixOf is anchoredPrefix of a parsed and simplified pattern.
func anchoredPrefixOf(re *syntax.Regexp) string {
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 || re.Sub[0].Op != syntax.OpBeginText {
		return ""
	}
	prefix := ""
	for _, sub := range re.Sub[1:] {
		if !exact(sub) {
			break
		}
		prefix += required(sub)
	}
	return prefix
}

// CheckCost reports why pattern p would be too slow to run on every line
// of its scope, or nil. prefiltered says whether the rule has contains: or
// contains_any: literals that are checked before the regexp. A pattern
// anchored at the start of the message (^) is tried at one position only
// and is always cheap enough.
//
// A regexp is cheap when some case-sensitive literal of at least three
// bytes must occur in every match: the rule checks for it with
// strings.Contains (a vectorised scan) and most lines never reach the
// regexp engine. (?i) defeats that, and Go's regexp also loses its own
// literal fast path under it (golang/go#48955): such a regexp costs
// 2–3 µs on every line, about forty times a literal-led one.
func CheckCost(p string, prefiltered bool) error {
	if re, err := syntax.Parse(p, syntax.Perl); err == nil && anchored(re) {
		prefiltered = true
	}
	return checkCost(p, RequiredLiteral(p), prefiltered)
}

// anchored reports whether a parsed pattern must match at the start of
// the text (^...): it is then tried at one position only, which is cheap
// whatever it holds.
func anchored(re *syntax.Regexp) bool {
	if re.Op == syntax.OpBeginText {
		return true
	}
	return re.Op == syntax.OpConcat && len(re.Sub) > 0 && re.Sub[0].Op == syntax.OpBeginText
}

// checkCost is CheckCost given the pattern's required literal.
func checkCost(p, guard string, prefiltered bool) error {
	if prefiltered {
		return nil
	}
	if strings.HasPrefix(p, "(?i)") {
		return fmt.Errorf("(?i) makes the regexp run on every line at ~2-3 µs each; add contains: or contains_any: with a literal the message must hold, or spell the case variants out")
	}
	if guard == "" {
		return fmt.Errorf("no literal of %d+ bytes that every match must contain, so the regexp runs on every line; add contains: or contains_any:, or start the pattern with fixed text", minGuard)
	}
	return nil
}

// RequiredLiteral returns the longest case-sensitive literal that every
// match of p must contain, or "" if there is none of at least three bytes.
func RequiredLiteral(p string) string {
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return ""
	}
	return requiredLiteral(re.Simplify())
}

// requiredLiteral is RequiredLiteral of a parsed and simplified pattern.
func requiredLiteral(re *syntax.Regexp) string {
	lit := required(re)
	if len(lit) < minGuard {
		return ""
	}
	return lit
}

// required returns the longest literal every match of re contains.
func required(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return ""
		}
		return string(re.Rune)
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		// Adjacent literals split by a capture boundary, as in
		// "for (?P<user>root)", join up into one longer literal.
		best, run := "", ""
		for _, sub := range re.Sub {
			if s := required(sub); s != "" && exact(sub) {
				run += s
			} else {
				run = ""
				if len(s) > len(best) {
					best = s
				}
			}
			if len(run) > len(best) {
				best = run
			}
		}
		return best
	}
	return ""
}

// exact reports whether re matches exactly the literal required returns,
// so that it may be joined with its neighbours.
func exact(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		return re.Flags&syntax.FoldCase == 0
	case syntax.OpCapture:
		return exact(re.Sub[0])
	}
	return false
}

// cleanRegexpError drops the "error parsing regexp: " prefix that the
// message around it already implies.
func cleanRegexpError(err error) error {
	if e, ok := err.(*syntax.Error); ok {
		return fmt.Errorf("%s: `%s`", e.Code, e.Expr)
	}
	return err
}

// scalar returns a scalar node's value. Numbers and booleans are accepted
// as their text (status: 500); null, lists and mappings are not.
func scalar(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", false
	}
	return n.Value, true
}

// strings1 returns a list of scalars, or a single scalar as a list of one.
func strings1(n *yaml.Node) ([]string, bool) {
	if s, ok := scalar(n); ok {
		return []string{s}, true
	}
	if n.Kind != yaml.SequenceNode {
		return nil, false
	}
	ss := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		s, ok := scalar(c)
		if !ok {
			return nil, false
		}
		ss = append(ss, s)
	}
	return ss, true
}

// itemLines returns the line of each item of a scalar or sequence node.
func itemLines(n *yaml.Node) []int {
	if n.Kind != yaml.SequenceNode {
		return []int{n.Line}
	}
	lines := make([]int, len(n.Content))
	for i, c := range n.Content {
		lines[i] = c.Line
	}
	return lines
}

// maxPrefixes bounds the literal starts anchoredPrefixes expands.
const maxPrefixes = 16

// anchoredPrefixes returns every literal a match of p can start the text
// with, when p is anchored by ^ and starts with a small choice of
// literals: "^(?:error: )?Received disconnect" gives "error: Received
// disconnect" and "Received disconnect". It returns nil when p is not
// anchored, when a match can start with anything, or when the choices
// are too many.
func anchoredPrefixes(p string) []string {
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return nil
	}
	return anchoredPrefixesOf(re)
}

// anchoredPrefixesOf is anchoredPrefixes of a parsed (not simplified)
// pattern.
func anchoredPrefixesOf(re *syntax.Regexp) []string {
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 || re.Sub[0].Op != syntax.OpBeginText {
		return nil
	}
	set, _ := expandStart(&syntax.Regexp{Op: syntax.OpConcat, Sub: re.Sub[1:]})
	if len(set) == 0 || slices.Contains(set, "") {
		return nil
	}
	return set
}

// expandStart returns literals that every match of re starts with, one of
// them at least, and whether re matches exactly those strings (so that
// what follows may be appended). {""}, false means nothing is known.
func expandStart(re *syntax.Regexp) ([]string, bool) {
	unknown := []string{""}
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []string{""}, true
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase == 0 {
			return []string{string(re.Rune)}, true
		}
		// [Aa]ccepted: both cases of each ASCII letter, while few.
		acc := []string{""}
		for _, r := range re.Rune {
			alts := []string{string(r)}
			if lo, up := unicode.ToLower(r), unicode.ToUpper(r); r < 128 && lo != up {
				alts = []string{string(up), string(lo)}
			} else if r >= 128 {
				return unknown, false
			}
			var next []string
			for _, a := range acc {
				for _, b := range alts {
					next = append(next, a+b)
				}
			}
			if len(next) > maxPrefixes {
				return unknown, false
			}
			acc = next
		}
		return acc, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) == 4 || r >= 128 {
					return unknown, false
				}
				out = append(out, string(r))
			}
		}
		return out, true
	case syntax.OpCapture:
		return expandStart(re.Sub[0])
	case syntax.OpQuest:
		if re.Flags&syntax.NonGreedy != 0 {
			return unknown, false
		}
		sub, exact := expandStart(re.Sub[0])
		if !slices.Contains(sub, "") {
			sub = append(slices.Clone(sub), "")
		}
		return sub, exact
	case syntax.OpAlternate:
		var out []string
		exact := true
		for _, s := range re.Sub {
			set, ex := expandStart(s)
			exact = exact && ex
			for _, x := range set {
				if !slices.Contains(out, x) {
					out = append(out, x)
				}
			}
			if len(out) > maxPrefixes {
				return unknown, false
			}
		}
		return out, exact
	case syntax.OpConcat:
		acc := []string{""}
		for _, s := range re.Sub {
			set, ex := expandStart(s)
			var next []string
			for _, a := range acc {
				for _, b := range set {
					if x := a + b; !slices.Contains(next, x) {
						next = append(next, x)
					}
				}
			}
			if len(next) > maxPrefixes {
				return acc, false
			}
			acc = next
			if !ex {
				return acc, false
			}
		}
		return acc, true
	}
	return unknown, false
}

// readsFields reports whether any of the rule's patterns names a capture.
func (r *Rule) readsFields() bool {
	for _, caps := range r.captures {
		for _, c := range caps[1:] {
			if c != "" {
				return true
			}
		}
	}
	return false
}
