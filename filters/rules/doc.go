// Package rules tags events with security categories and normalised fields.
//
// Rules are written in YAML, loaded and validated once into an immutable
// Set, and applied to each decoded event with (*Set).Apply. A Set is safe
// for concurrent use: every decoder goroutine may apply the same Set.
//
// # Rule files
//
// A rule file is a mapping with one key, rules:, holding a list of rules:
//
//	rules:
//	  - id: ssh-failed-password          # unique, [a-z0-9][a-z0-9.-]*
//	    description: A password logon was refused.
//	    categories: [auth.failure]       # category IDs, most specific first
//	    control: 16.6.9                  # the NZISM 16.6 control it serves
//	    apps: [sshd]                     # program names, any case
//	    formats: [rfc3164]               # optional: decoder formats
//	    units: ['ssh.service']           # optional: unit or systemd_unit globs
//	    transports: [syslog, journal]    # optional: journald transports
//	    contains: [Failed password]      # optional: all must occur
//	    contains_any: [ssh2, ssh1]       # optional: one must occur
//	    not_contains: ['[preauth]']      # optional: none may occur
//	    match:                           # alternatives; the first that matches captures
//	      - 'Failed password for (?P<user>\S+) from (?P<src_ip>\S+) port (?P<src_port>\d+)'
//	    fields: {status: '^5'}           # optional conditions on event fields
//	    severity: warning                # optional override
//	    disabled: false
//	    final: false                     # true: when it fires, no later rule is tried
//	                                     # (categories: [] with final: settles a line as uncategorised;
//	                                     #  without final, a rule with no categories only reads fields)
//	    split_rpm: false                 # true: the package capture is a whole rpm string, split into package and version
//
// A rule applies to the programs in apps:, or to every event of the
// formats in formats: when it names no apps, or to every event when it says
// any_app: true (which must be explicit: such a rule costs every line).
// units: (systemd unit names or globs, matched against the event's unit
// or systemd_unit field) and transports: (journald transports) narrow a
// rule further; a rule with units: and no apps: or formats: is tried on
// every event, the unit check first.
// Capture names must be contract field names (see ContractFields). A fields:
// value without regexp metacharacters must equal the field; any other
// value is an unanchored regexp. Keys, categories, formats, severities and
// patterns are all checked at load time, and a pattern that would run on
// every line of its scope (no literal of three bytes that every match
// contains, or (?i)) is refused unless contains: or contains_any: guards
// it (see CheckCost).
//
// Files are loaded in order, built-in ones first (LoadBuiltin): a rule with
// the ID of an earlier one replaces it in place, so a user file can change
// or disable (- id: X, disabled: true) a built-in rule.
//
// # Matching
//
// Matching is built for a million lines a second: rules are indexed by
// program name (and by format for rules scoped by format only), so most
// rules are never tried on most lines; in each index entry an
// Aho-Corasick prefilter over the rules' required literals picks, in one
// pass over the message, the few rules that could match (see prefilter);
// patterns of the usual shape (fixed text, \S+ and \d+ runs, optional and
// alternative parts, captures) run on a small backtracking matcher that
// gives exactly the regexp's match in a fraction of its time, with the
// regexp as the fallback for other shapes and for hostile lines (see
// fastMatcher); and neither a line that no rule matches nor, in the
// engine, a tagged one costs an allocation.
//
// Rules read event.Message, which the decoder has already escaped for the
// terminal, not Raw: the message is the same text whether the line came
// from a file, journald or the collector, without the format's header. A
// control character in a line therefore reads to a pattern as its visible
// escape (the four characters \x1b).
package rules
