// Package query is vigil's filter language: what the user types in the
// UI's filter bar and after stream --filter.
//
//	failed root                  words, ANDed: each anywhere in message, app or host (ASCII case ignored)
//	"session opened"             a phrase, with \" and \\ escapes
//	/ssh.*root/i                 an RE2 regex on the message; \/ is a slash; i ignores case
//	cat:auth.*  rule:ssh-*       a category or rule of the event (* globs)
//	tpl:a41f0c2e  dev:  dev:rate_high   template; any deviation; a deviation kind
//	devkey:sshd*  devkey:"a b"   a deviation's key (* globs; quoted values are literal)
//	host:web1  user:"john smith" a field, equal ignoring case, * globs; quoted values are literal
//	user:*  user:""              the field is set and non-empty; missing or empty
//	src_ip:10.0.0.0/8            an address field inside a CIDR prefix
//	msg~"fail(ed|ure)"  user~/^adm/i   a regex on a field
//	sev>=warning  sev:err        severity; more severe is greater
//	-term  NOT term  a OR b  a AND b  ( )   negation, alternatives, grouping
//
// Keywords are upper-case only: "or" and "and" are words to search for.
// NOT binds tighter than AND, AND tighter than OR. Field names other than
// host, app, pid, msg (message), source, format, cat, rule, tpl, dev,
// devkey and sev (severity, level) look up the event's Fields. dev and
// devkey each look at every deviation of the event on its own: dev:rate_high
// devkey:x matches an event with a rate_high deviation and a deviation
// keyed x, which are the same deviation unless the event has several.
//
// A Query is compiled once by Parse, which also simplifies it; Match does
// no I/O, reads no clock and allocates nothing.
package query

import (
	"fmt"

	"github.com/vigil-sec/vigil/event"
)

// Query is a compiled filter. It is immutable and safe for concurrent use.
// A nil *Query matches every event.
type Query struct {
	src  string
	root node // nil matches everything
	hl   []highlighter
}

// Error is a problem with a query's text. Pos and End are byte offsets
// into the query that span the problem, for a caret or an underline.
type Error struct {
	Pos, End int
	Msg      string
}

// Error returns "at N: message", N counting from 1.
func (e *Error) Error() string { return fmt.Sprintf("at %d: %s", e.Pos+1, e.Msg) }

// Parse compiles a query. An empty or all-blank query matches every event.
// Every error it returns is an *Error.
func Parse(s string) (*Query, error) {
	p := parser{lx: lexer{s: s}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	q := &Query{src: s}
	if p.tok.kind == tokEOF {
		return q, nil
	}
	n, err := p.parseOr(false)
	if err != nil {
		return nil, err
	}
	switch p.tok.kind {
	case tokEOF:
	case tokRParen:
		return nil, errAt(p.tok.pos, p.tok.end, "unbalanced parenthesis: no ( before this )")
	default:
		// parseOr stops only at the end, a ) or an error.
		return nil, errAt(p.tok.pos, p.tok.end, "unexpected %q", s[p.tok.pos:p.tok.end])
	}
	if n != constNode(true) {
		q.root = n
	}
	q.hl = p.hl
	return q, nil
}

// MustParse is Parse for queries known to be good; it panics on an error.
func MustParse(s string) *Query {
	q, err := Parse(s)
	if err != nil {
		panic(fmt.Sprintf("query.MustParse(%q): %v", s, err))
	}
	return q
}

// Match reports whether e passes the filter.
func (q *Query) Match(e *event.Event) bool {
	return q == nil || q.root == nil || q.root.match(e)
}

// String returns the query's text as it was parsed.
func (q *Query) String() string {
	if q == nil {
		return ""
	}
	return q.src
}

// IsEmpty reports whether the query matches every event, so a caller can
// skip filtering altogether.
func (q *Query) IsEmpty() bool { return q == nil || q.root == nil }

// tree describes the compiled, simplified query, for tests.
func (q *Query) tree() string {
	if q.IsEmpty() {
		return "all"
	}
	return q.root.String()
}
