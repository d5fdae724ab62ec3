package rules

import (
	"regexp"

	"github.com/vigil-sec/vigil/event"
)

// Rule is one validated rule. Rules are shared by every event they tag and
// must not be modified after loading.
type Rule struct {
	// ID is the unique rule ID, [a-z0-9][a-z0-9.-]*; events name it in Rules.
	ID          string
	Description string
	// Categories are category IDs, most specific first.
	Categories []string
	// Apps are the lower-cased program names the rule applies to
	// (event.App compared case-insensitively).
	Apps []string
	// Units are systemd unit names or globs ("nginx.service",
	// "postgresql@*.service"): when set, the event's unit field (the unit
	// a line is about) or systemd_unit field (the unit that wrote it, from
	// journald) must match one.
	Units []string
	// Transports are journald transports (kernel, audit, syslog, journal,
	// stdout, driver): when set, the event's transport field must be one.
	Transports []string
	// Formats restricts the rule to events of these decoder formats
	// (event.Format); with no Apps it is also the rule's scope.
	Formats []string
	// AnyApp is set when the rule applies to every program; a rule without
	// Apps or Formats must say so explicitly.
	AnyApp bool
	// Contains are literals that must all occur in the message.
	Contains []string
	// ContainsAny are literals of which at least one must occur.
	ContainsAny []string
	// NotContains are literals none of which may occur (RE2 has no
	// negative lookahead: "[preauth]" marks a line a rule is not about).
	NotContains []string
	// Final stops the rules after this one when it fires: later rules in
	// the event's scope are not tried. It settles a line for good (a
	// non-logon session that a broader rule would otherwise tag).
	Final bool
	// SplitRPM says the package capture holds a whole rpm package string
	// (name-version-release.arch, with an epoch either in front, as yum
	// writes "1:openssl-libs-1.0.2k-26.el7_9.x86_64", or before the
	// version): it is split into package and version (epoch kept).
	SplitRPM bool
	// Match are alternative patterns against the message: the first one
	// that matches fills the fields named by its captures. With no Match
	// the literal checks decide alone.
	Match []*regexp.Regexp
	// Fields are conditions on the event's fields, all of which must hold.
	Fields []FieldCond
	// Severity overrides the event's severity when HasSeverity is set.
	Severity    event.Severity
	HasSeverity bool
	// Control is the NZISM 16.6 control the rule serves, e.g. "16.6.9".
	Control string
	// Disabled rules are kept in the Set (so "rules list" can show them)
	// but never applied.
	Disabled bool
	// File and Line say where the rule was defined (for a rule overridden
	// by a later file, where the override was defined).
	File string
	Line int

	// guards[i] is the longest literal that any match of Match[i] must
	// contain, "" if it has none worth checking.
	guards []string
	// prefixes[i] is the literal every match of Match[i] starts the
	// message with, when the pattern is anchored by ^; else "".
	prefixes []string
	// starts[i] are the literals a match of Match[i] can start the message
	// with, one of them at least, when it is anchored (see
	// anchoredPrefixes); nil otherwise.
	starts [][]string
	// fast[i] runs Match[i] without the regexp engine when the pattern
	// has a shape it handles (see fastMatcher); nil otherwise.
	fast []*fastMatcher
	// captures[i][j] is the contract field filled by capture group j of
	// Match[i], "" for unnamed groups.
	captures [][]string
	// ids is []string{ID}. It and Categories are full slices (len == cap)
	// handed to the first event a rule tags, so that common case allocates
	// nothing; a later append to them copies.
	ids []string
	// order is the rule's position in the Set, the order rules are tried.
	order int
}

// FieldCond is a condition on one event field. A value with no regexp
// metacharacters is compared for equality ("root" means exactly root);
// anything else is an unanchored Go regexp ("^5" means starts with 5). A
// missing field reads as the empty string.
type FieldCond struct {
	Field string
	// Equal is the literal the field must equal when Regexp is nil.
	Equal  string
	Regexp *regexp.Regexp
}

// holds reports whether the condition is true for e.
func (c *FieldCond) holds(e *event.Event) bool {
	v := e.Fields[c.Field]
	if c.Regexp == nil {
		return v == c.Equal
	}
	return c.Regexp.MatchString(v)
}

// ContractFields lists the normalised field names a capture group may use,
// from the outside contract.
func ContractFields() []string {
	return []string{
		"user", "target_user", "src_ip", "src_port", "dst_ip", "command", "unit",
		"package", "version", "group", "tty", "path", "status", "method", "uri", "exit_code",
	}
}

// Categories lists the 21 security category IDs rules may assign.
func Categories() []string {
	var ids []string
	for _, c := range event.Categories() {
		ids = append(ids, c.ID)
	}
	return ids
}

// contradicts reports whether categories a and b cannot both describe one
// line: a logon either succeeded or failed, an elevation was either used
// or refused, and a refused elevation is not also a failed logon (the
// labelling conventions: privilege.failure only).
func contradicts(a, b string) bool {
	pair := func(x, y string) bool { return a == x && b == y || a == y && b == x }
	return pair("auth.success", "auth.failure") ||
		pair("privilege.use", "privilege.failure") ||
		pair("auth.failure", "privilege.failure") ||
		pair("auth.success", "privilege.failure")
}
