package rules

import "slices"

// Set is a loaded, validated and indexed rule set. It is immutable and
// safe for concurrent use.
type Set struct {
	// rules are all rules in the order they are tried, disabled ones
	// included.
	rules []*Rule
	// byApp holds the enabled rules scoped by program, keyed by the
	// lower-cased program name; byFormat those scoped by format only; any
	// those with any_app. Each list is in rule order.
	byApp    map[string][]*Rule
	byFormat map[string][]*Rule
	any      []*Rule
}

// newSet indexes rules, which are in the order they are to be tried.
func newSet(rules []*Rule) *Set {
	s := &Set{
		rules:    rules,
		byApp:    map[string][]*Rule{},
		byFormat: map[string][]*Rule{},
	}
	for i, r := range rules {
		r.order = i
		r.Categories = slices.Clip(r.Categories)
		if r.Disabled {
			continue
		}
		switch {
		case len(r.Apps) > 0:
			for _, a := range r.Apps {
				if !slices.Contains(s.byApp[a], r) {
					s.byApp[a] = append(s.byApp[a], r)
				}
			}
		case len(r.Formats) > 0:
			for _, f := range r.Formats {
				if !slices.Contains(s.byFormat[f], r) {
					s.byFormat[f] = append(s.byFormat[f], r)
				}
			}
		default:
			s.any = append(s.any, r)
		}
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
	for _, r := range s.rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Len returns the number of rules, disabled ones included.
func (s *Set) Len() int {
	return len(s.rules)
}
