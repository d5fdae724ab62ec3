package query

import (
	"fmt"
	"strings"
)

// tokKind is the kind of a token.
type tokKind uint8

const (
	tokEOF tokKind = iota
	tokLParen
	tokRParen
	tokAnd
	tokOr
	tokNot   // NOT
	tokMinus // - before a term
	tokTerm
)

// termKind says what a term token is.
type termKind uint8

const (
	termWord   termKind = iota // failed
	termPhrase                 // "session opened"
	termRegex                  // /ssh.*root/i
	termField                  // name:value, name~value, sev>=err
)

// token is one lexeme with its byte span in the query.
type token struct {
	kind     tokKind
	pos, end int

	// For terms:
	term   termKind
	name   string // field name as written (termField)
	op     string // ":", "~", "=", ">", ">=", "<", "<=" (termField)
	value  string // unescaped text, expression or field value
	quoted bool   // the value was "quoted"
	fold   bool   // the regex had the i flag
	// vpos and vend span the value in the query.
	vpos, vend int
}

// lexer splits a query into tokens on demand.
type lexer struct {
	s string
	i int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// isDelim reports whether c ends a bare word.
func isDelim(c byte) bool { return isSpace(c) || c == '(' || c == ')' }

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '@'
}

func isNameChar(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '.' || c == '-'
}

// isSevName reports whether name (any case) is the severity field.
func isSevName(name string) bool {
	switch lower(name) {
	case "sev", "severity", "level":
		return true
	}
	return false
}

func errAt(pos, end int, format string, args ...any) *Error {
	return &Error{Pos: pos, End: end, Msg: fmt.Sprintf(format, args...)}
}

// next returns the next token.
func (l *lexer) next() (token, error) {
	s := l.s
	for l.i < len(s) && isSpace(s[l.i]) {
		l.i++
	}
	start := l.i
	if start == len(s) {
		return token{kind: tokEOF, pos: start, end: start}, nil
	}
	switch s[start] {
	case '(':
		l.i++
		return token{kind: tokLParen, pos: start, end: l.i}, nil
	case ')':
		l.i++
		return token{kind: tokRParen, pos: start, end: l.i}, nil
	case '-':
		l.i++
		if l.i == len(s) || isDelim(s[l.i]) && s[l.i] != '(' {
			return token{}, errAt(start, l.i, `"-" needs a term right after it, as in -user:root (to search for a dash, write "-")`)
		}
		return token{kind: tokMinus, pos: start, end: l.i}, nil
	case '"':
		v, end, err := l.quoted(start)
		if err != nil {
			return token{}, err
		}
		if v == "" {
			return token{}, errAt(start, end, `empty phrase ""`)
		}
		return token{kind: tokTerm, term: termPhrase, value: v, quoted: true, pos: start, end: end, vpos: start, vend: end}, nil
	case '/':
		v, fold, end, err := l.regex(start)
		if err != nil {
			return token{}, err
		}
		return token{kind: tokTerm, term: termRegex, value: v, fold: fold, pos: start, end: end, vpos: start, vend: end}, nil
	}
	// A field term starts with a name and an operator.
	j := start
	for j < len(s) && isNameChar(s[j]) {
		j++
	}
	if j > start && isNameStart(s[start]) && j < len(s) {
		name := s[start:j]
		switch c := s[j]; {
		case c == ':' || c == '~':
			return l.field(start, name, j, j+1)
		case c == '<' || c == '>' || c == '=' || c == '!':
			if isSevName(name) {
				opEnd := j + 1
				if opEnd < len(s) && s[opEnd] == '=' && c != '=' {
					opEnd++
				}
				return l.field(start, name, j, opEnd)
			}
		}
	}
	for j < len(s) && !isDelim(s[j]) {
		j++
	}
	l.i = j
	w := s[start:j]
	switch w {
	case "AND":
		return token{kind: tokAnd, pos: start, end: j}, nil
	case "OR":
		return token{kind: tokOr, pos: start, end: j}, nil
	case "NOT":
		return token{kind: tokNot, pos: start, end: j}, nil
	}
	return token{kind: tokTerm, term: termWord, value: w, pos: start, end: j, vpos: start, vend: j}, nil
}

// field reads the value of a field term whose operator spans [opPos,
// opEnd).
func (l *lexer) field(start int, name string, opPos, opEnd int) (token, error) {
	s := l.s
	t := token{kind: tokTerm, term: termField, name: name, op: s[opPos:opEnd], pos: start, vpos: opEnd}
	i := opEnd
	switch {
	case i == len(s) || isDelim(s[i]):
		l.i = i
		t.end, t.vend = i, i
	case s[i] == '"':
		v, end, err := l.quoted(i)
		if err != nil {
			return token{}, err
		}
		t.value, t.quoted, t.end, t.vend = v, true, end, end
	case s[i] == '/' && t.op == "~":
		v, fold, end, err := l.regex(i)
		if err != nil {
			return token{}, err
		}
		t.value, t.fold, t.end, t.vend = v, fold, end, end
	case t.op == "~":
		// A bare regex may hold balanced parentheses: a(b|c).
		j, depth := i, 0
	scan:
		for ; j < len(s) && !isSpace(s[j]); j++ {
			switch s[j] {
			case '\\':
				if j+1 < len(s) && !isSpace(s[j+1]) {
					j++
				}
			case '(':
				depth++
			case ')':
				if depth == 0 {
					break scan
				}
				depth--
			}
		}
		l.i = j
		t.value, t.end, t.vend = s[i:j], j, j
	default:
		j := i
		for j < len(s) && !isDelim(s[j]) {
			j++
		}
		l.i = j
		t.value, t.end, t.vend = s[i:j], j, j
	}
	return t, nil
}

// quoted reads a "quoted" string starting at s[start], where \" and \\
// are escapes and any other backslash is itself. It returns the text and
// the offset after the closing quote.
func (l *lexer) quoted(start int) (string, int, error) {
	s := l.s
	var b strings.Builder
	from := start + 1 // text not yet copied to b
	for i := start + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
				b.WriteString(s[from:i])
				from = i + 1
				i++
			}
		case '"':
			v := s[start+1 : i]
			if from != start+1 {
				b.WriteString(s[from:i])
				v = b.String()
			}
			return v, i + 1, l.after(i+1, "quote")
		}
	}
	return "", 0, errAt(start, len(s), `unterminated quote: add a closing "`)
}

// regex reads a /slashed/ expression starting at s[start], where \/ is a
// slash and other escapes are the expression's own, and an optional i
// flag after it.
func (l *lexer) regex(start int) (expr string, fold bool, end int, err error) {
	s := l.s
	var b strings.Builder
	from := start + 1
	for i := start + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) && s[i+1] == '/' {
				b.WriteString(s[from:i])
				from = i + 1
			}
			i++
		case '/':
			expr = s[start+1 : i]
			if from != start+1 {
				b.WriteString(s[from:i])
				expr = b.String()
			}
			if expr == "" {
				return "", false, 0, errAt(start, i+1, "empty regex //")
			}
			end = i + 1
			j := end
			for j < len(s) && !isDelim(s[j]) {
				j++
			}
			switch flags := s[end:j]; {
			case flags == "":
			case flags == "i":
				fold, end = true, j
			case strings.Trim(flags, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == "":
				return "", false, 0, errAt(end, j, "unknown regex flag %q: the only flag is i (ignore case); to search for text with slashes, quote it: %s", flags, Quote(s[start:j]))
			default:
				return "", false, 0, errAt(end, j, "text right after a closing regex: to search for text with slashes, quote it: %s", Quote(s[start:j]))
			}
			l.i = end
			return expr, fold, end, nil
		}
	}
	return "", false, 0, errAt(start, len(s), `unterminated regex: add a closing / (to search for text that starts with /, quote it: "/var/log")`)
}

// after checks that a quoted string ending at i is followed by
// a space, a parenthesis or the end, and moves the lexer there.
func (l *lexer) after(i int, what string) error {
	if i < len(l.s) && !isDelim(l.s[i]) {
		j := i
		for j < len(l.s) && !isDelim(l.s[j]) {
			j++
		}
		return errAt(i, j, "text right after a closing %s: put a space before it", what)
	}
	l.i = i
	return nil
}
