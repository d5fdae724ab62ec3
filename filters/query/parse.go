package query

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/event"
)

// maxDepth bounds nesting of parentheses and negations, so a hostile
// query cannot exhaust the stack.
const maxDepth = 200

// parser is a recursive-descent parser that compiles as it goes.
//
//	query := or?
//	or    := and ("OR" and)*
//	and   := unary (["AND"] unary)*
//	unary := ("NOT" | "-") unary | "(" or ")" | term
type parser struct {
	lx    lexer
	tok   token
	depth int
	// hl collects the free-text terms outside any negation, for
	// Highlights.
	hl []highlighter
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	p.tok = t
	return err
}

// startsTerm reports whether the current token can begin a unary.
func (p *parser) startsTerm() bool {
	switch p.tok.kind {
	case tokTerm, tokLParen, tokNot, tokMinus:
		return true
	}
	return false
}

func (p *parser) parseOr(neg bool) (node, error) {
	first, err := p.parseAnd(neg)
	if err != nil {
		return nil, err
	}
	kids := []node{first}
	for p.tok.kind == tokOr {
		op := p.tok
		if err := p.advance(); err != nil {
			return nil, err
		}
		if !p.startsTerm() {
			return nil, errAt(op.pos, op.end, "OR needs a term after it")
		}
		k, err := p.parseAnd(neg)
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	return or(kids...), nil
}

func (p *parser) parseAnd(neg bool) (node, error) {
	var kids []node
	for {
		switch {
		case p.tok.kind == tokAnd || p.tok.kind == tokOr:
			word := "AND"
			if p.tok.kind == tokOr {
				word = "OR"
			}
			if len(kids) == 0 {
				return nil, errAt(p.tok.pos, p.tok.end, "%s needs a term before it", word)
			}
			if p.tok.kind == tokOr {
				return and(kids...), nil
			}
			op := p.tok
			if err := p.advance(); err != nil {
				return nil, err
			}
			if !p.startsTerm() {
				return nil, errAt(op.pos, op.end, "AND needs a term after it")
			}
		case !p.startsTerm():
			return and(kids...), nil
		}
		k, err := p.parseUnary(neg)
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
}

func (p *parser) parseUnary(neg bool) (node, error) {
	p.depth++
	defer func() { p.depth-- }()
	t := p.tok
	if p.depth > maxDepth {
		return nil, errAt(t.pos, t.end, "query nested too deeply")
	}
	switch t.kind {
	case tokNot, tokMinus:
		if err := p.advance(); err != nil {
			return nil, err
		}
		if !p.startsTerm() {
			return nil, errAt(t.pos, t.end, "%s needs a term after it", p.lx.s[t.pos:t.end])
		}
		n, err := p.parseUnary(!neg)
		if err != nil {
			return nil, err
		}
		return not(n), nil
	case tokLParen:
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == tokRParen {
			return nil, errAt(t.pos, p.tok.end, "empty parentheses")
		}
		n, err := p.parseOr(neg)
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tokRParen {
			return nil, errAt(t.pos, t.end, "unbalanced parenthesis: this ( is never closed")
		}
		return n, p.advance()
	case tokTerm:
		n, err := p.term(t, neg)
		if err != nil {
			return nil, err
		}
		return n, p.advance()
	}
	// Callers check startsTerm first.
	return nil, errAt(t.pos, t.end, "expected a term")
}

// term compiles one term token. neg says whether it sits under an odd
// number of negations.
func (p *parser) term(t token, neg bool) (node, error) {
	switch t.term {
	case termWord, termPhrase:
		n := &textNode{newNeedle(t.value)}
		if !neg {
			p.hl = append(p.hl, highlighter{text: n.n})
		}
		return n, nil
	case termRegex:
		m, err := compileRegex(t.value, t.fold)
		if err != nil {
			return nil, errAt(t.pos, t.end, "invalid regex: %v", err)
		}
		if !neg {
			p.hl = append(p.hl, highlighter{re: m})
		}
		return &fieldNode{f: field{kind: fieldMessage, name: "msg"}, m: m}, nil
	}
	return p.field(t, neg)
}

// fieldAliases maps the names of the event's own strings to them.
var fieldAliases = map[string]field{
	"host":     {fieldHost, "host"},
	"hostname": {fieldHost, "host"},
	"app":      {fieldApp, "app"},
	"msg":      {fieldMessage, "msg"},
	"message":  {fieldMessage, "msg"},
	"source":   {fieldSource, "source"},
	"format":   {fieldFormat, "format"},
	"tpl":      {fieldTemplate, "tpl"},
	"template": {fieldTemplate, "tpl"},
}

// field compiles a name:value, name~value or severity term.
func (p *parser) field(t token, neg bool) (node, error) {
	lname := lower(t.name)
	if isSevName(t.name) {
		return sevTerm(t)
	}
	if t.op != ":" && t.op != "~" {
		return nil, errAt(t.pos, t.vpos, "%s%s: only sev compares with %s; use %s:VALUE", t.name, t.op, t.op, t.name)
	}
	if t.value == "" && t.op == "~" {
		return nil, errAt(t.pos, t.vend, "%s~ needs a regex after it", t.name)
	}
	if t.value == "" && !t.quoted {
		if lname == "dev" || lname == "deviation" {
			return devAnyNode{}, nil
		}
		if t.vend < len(p.lx.s) && p.lx.s[t.vend] == '(' {
			return nil, errAt(t.pos, t.vend, "%s: needs a value right after it; for one of several, write (%s:a OR %s:b)", t.name, t.name, t.name)
		}
		return nil, errAt(t.pos, t.vend, `%s: needs a value (%s:* for any value, %s:"" for none)`, t.name, t.name, t.name)
	}
	if lname == "pid" {
		return pidTerm(t)
	}
	var m valueMatcher
	if t.op == "~" {
		rm, err := compileRegex(t.value, t.fold)
		if err != nil {
			return nil, errAt(t.vpos, t.vend, "invalid regex: %v", err)
		}
		m = rm
	} else {
		var err error
		if m, err = valueTerm(t); err != nil {
			return nil, err
		}
	}
	var n node
	switch lname {
	case "cat", "category":
		n = &listNode{kind: listCategories, m: m}
	case "rule":
		n = &listNode{kind: listRules, m: m}
	case "dev", "deviation":
		n = &listNode{kind: listDeviations, m: m}
	case "devkey":
		n = &listNode{kind: listDevKeys, m: m}
	default:
		f := field{kind: fieldMap, name: t.name}
		if a, ok := fieldAliases[lname]; ok {
			f = a
		}
		n = &fieldNode{f: f, m: m}
		if rm, ok := m.(*regexMatcher); ok && f.kind == fieldMessage && !neg {
			p.hl = append(p.hl, highlighter{re: rm})
		}
	}
	if t.quoted && t.value == "" {
		// name:"" means the field is missing or empty.
		if ln, ok := n.(*listNode); ok {
			ln.m = nonEmpty{}
		} else {
			n.(*fieldNode).m = nonEmpty{}
		}
		return not(n), nil
	}
	return n, nil
}

// valueTerm compiles the value of a name:value term: a quoted value is
// literal; a bare one is a glob if it has a *, a CIDR prefix if it looks
// like one, and otherwise literal (an address also matches other
// spellings of itself).
func valueTerm(t token) (valueMatcher, error) {
	v := t.value
	if t.quoted {
		return literal{lower(v)}, nil
	}
	if strings.Trim(v, "*") == "" {
		return nonEmpty{}, nil
	}
	if strings.Contains(v, "*") {
		return &globMatcher{g: newGlob(v), src: v}, nil
	}
	if looksLikeCIDR(v) {
		pfx, err := netip.ParsePrefix(v)
		if err != nil {
			return nil, errAt(t.vpos, t.vend, "bad CIDR %q: want an address and a prefix length, as in 10.0.0.0/8 or 2001:db8::/32", v)
		}
		return &cidrMatcher{pfx.Masked()}, nil
	}
	if ip, ok := parseIP(v); ok {
		return &addrMatcher{lit: lower(v), addr: ip}, nil
	}
	return literal{lower(v)}, nil
}

// looksLikeCIDR reports whether v was meant as an address prefix: an
// IPv4-looking or IPv6-looking address, a slash, and anything.
func looksLikeCIDR(v string) bool {
	addr, _, ok := strings.Cut(v, "/")
	if !ok || addr == "" {
		return false
	}
	v4, v6, digit := true, strings.Contains(addr, ":"), false
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		isDigit := c >= '0' && c <= '9'
		isHex := isDigit || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
		digit = digit || isDigit
		v4 = v4 && (isDigit || c == '.')
		v6 = v6 && (isHex || c == ':' || c == '.')
	}
	return v4 && digit && strings.Contains(addr, ".") || v6
}

// severityNames lists the names a severity term accepts, for errors.
const severityNames = "emerg, alert, crit, err, warning, notice, info, debug"

// sevTerm compiles sev:NAME, sev=NAME and the comparisons. More severe is
// greater: sev>=warning keeps emerg to warning.
func sevTerm(t token) (node, error) {
	switch t.op {
	case ":", "=", ">", ">=", "<", "<=":
	default:
		return nil, errAt(t.pos, t.vpos, "%s%s: severity takes :, =, >, >=, < or <=, as in %s>=warning", t.name, t.op, t.name)
	}
	if t.value == "" {
		return nil, errAt(t.pos, t.vend, "%s%s needs a severity: %s", t.name, t.op, severityNames)
	}
	s, ok := event.ParseSeverity(t.value)
	if !ok {
		return nil, errAt(t.vpos, t.vend, "unknown severity %q: want one of %s", t.value, severityNames)
	}
	// Bit i of mask keeps severity i; emerg is 0, so "more severe than
	// s" is the bits below s.
	below := uint8(1)<<s - 1 // more severe than s
	at := uint8(1) << s
	var mask uint8
	switch t.op {
	case ":", "=":
		mask = at
	case ">":
		mask = below
	case ">=":
		mask = below | at
	case "<":
		mask = ^(below | at)
	case "<=":
		mask = ^below
	}
	return severity(mask), nil
}

// pidTerm compiles pid:N and pid:*.
func pidTerm(t token) (node, error) {
	if t.op == ":" && !t.quoted && strings.Trim(t.value, "*") == "" {
		return pidNode{any: true}, nil
	}
	n, err := strconv.Atoi(t.value)
	if t.op != ":" || err != nil || n < 0 {
		return nil, errAt(t.pos, t.vend, "%s%s%s: want a process ID, as in pid:1234, or pid:*", t.name, t.op, t.value)
	}
	return pidNode{pid: n}, nil
}
