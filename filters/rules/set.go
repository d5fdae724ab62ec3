package rules

import (
	"slices"
	"strconv"
	"strings"
)

// Set is a loaded, validated and indexed rule set. It is immutable and
// safe for concurrent use.
type Set struct {
	// rules are all rules in the order they are tried, disabled ones
	// included.
	rules []*Rule
	// byApp holds the enabled rules scoped by program, keyed by the
	// lower-cased program name, with the any_app rules merged in;
	// byFormat those scoped by format only; any those with any_app, for
	// programs with no rules of their own. Each list is in rule order.
	byApp    map[string]*ruleList
	byFormat map[string]*ruleList
	any      *ruleList
	// byID finds a rule by its ID.
	byID map[string]*Rule
}

// ruleList is the rules of one index entry, in rule order, with the
// prefilter that picks the ones a message could match.
type ruleList struct {
	rules []*Rule
	pf    *prefilter
}

// newSet indexes rules, which are in the order they are to be tried.
func newSet(rules []*Rule) *Set {
	s := &Set{
		rules:    rules,
		byApp:    map[string]*ruleList{},
		byFormat: map[string]*ruleList{},
		byID:     map[string]*Rule{},
	}
	byApp, byFormat := map[string][]*Rule{}, map[string][]*Rule{}
	var any []*Rule
	for i, r := range rules {
		r.order = i
		s.byID[r.ID] = r
		r.Categories = slices.Clip(r.Categories)
		if r.Disabled {
			continue
		}
		switch {
		case len(r.Apps) > 0:
			for _, a := range r.Apps {
				if !slices.Contains(byApp[a], r) {
					byApp[a] = append(byApp[a], r)
				}
			}
		case len(r.Formats) > 0:
			for _, f := range r.Formats {
				if !slices.Contains(byFormat[f], r) {
					byFormat[f] = append(byFormat[f], r)
				}
			}
		default:
			any = append(any, r)
		}
	}
	// Programs with the same rules (sshd and sshd-session, the many
	// programs PAM logs under) share one list and its prefilter.
	shared := map[string]*ruleList{}
	list := func(rs []*Rule) *ruleList {
		var key strings.Builder
		for _, r := range rs {
			key.WriteString(strconv.Itoa(r.order))
			key.WriteByte(',')
		}
		l := shared[key.String()]
		if l == nil {
			l = newRuleList(rs)
			shared[key.String()] = l
		}
		return l
	}
	// A program's list holds the any-program rules too, in rule order, so
	// a line usually needs one list, one scan and no merging.
	for a, rs := range byApp {
		if len(any) > 0 {
			rs = append(slices.Clone(rs), any...)
			slices.SortStableFunc(rs, func(x, y *Rule) int { return x.order - y.order })
		}
		s.byApp[a] = list(rs)
	}
	for f, rs := range byFormat {
		s.byFormat[f] = list(rs)
	}
	if len(any) > 0 {
		// Tried on every line: worth a prefilter however few they are.
		s.any = &ruleList{rules: any, pf: newPrefilter(any, 1)}
	}
	return s
}

// Rules returns every rule in the order they are tried, disabled ones
// included, for listing. The rules must not be modified.
func (s *Set) Rules() []*Rule {
	return slices.Clip(s.rules)
}

// Rule returns the rule with the given ID, or nil.
func (s *Set) Rule(id string) *Rule {
	return s.byID[id]
}

// Len returns the number of rules, disabled ones included.
func (s *Set) Len() int {
	return len(s.rules)
}

func newRuleList(rs []*Rule) *ruleList {
	return &ruleList{rules: rs, pf: newPrefilter(rs, minPrefilter)}
}
