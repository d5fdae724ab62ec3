package query

import (
	"cmp"
	"errors"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
)

// compileRegex compiles a term's expression (RE2 syntax), case-insensitive
// when fold is set, and finds literals that every match must contain.
// The error is short: Go's description of the problem without the
// expression, which the caller underlines instead.
func compileRegex(src string, fold bool) (*regexMatcher, error) {
	full := src
	if fold {
		full = "(?i)" + src
	}
	re, err := regexp.Compile(full)
	if err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			msg := se.Code.String()
			if se.Expr != "" && se.Expr != full {
				msg += ": " + se.Expr
			}
			return nil, errors.New(msg)
		}
		return nil, err
	}
	m := &regexMatcher{re: re, source: src}
	// The expression parsed once; parsing it again for its structure
	// cannot fail.
	if tree, err := syntax.Parse(full, syntax.Perl); err == nil {
		var lits []literalCheck
		for _, l := range requiredLiterals(tree.Simplify(), nil) {
			if c, ok := newLiteralCheck(l); ok {
				lits = append(lits, c)
			}
		}
		// The longest literals are the rarest; three are plenty.
		slices.SortStableFunc(lits, func(a, b literalCheck) int { return cmp.Compare(len(b.lit), len(a.lit)) })
		m.pre = lits[:min(len(lits), 3)]
	}
	return m, nil
}

// requiredLiterals appends to dst literals that any text re matches must
// contain, each with its case folding flag: the ones easy to see.
func requiredLiterals(re *syntax.Regexp, dst []*syntax.Regexp) []*syntax.Regexp {
	switch re.Op {
	case syntax.OpLiteral:
		return append(dst, re)
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiterals(re.Sub[0], dst)
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiterals(re.Sub[0], dst)
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			dst = requiredLiterals(sub, dst)
		}
	}
	return dst
}

// literalCheck is a quick test that a value contains a literal, so that
// most values are turned down without running the expression.
type literalCheck struct {
	lit  string // lower-cased when fold
	n    needle // for fold
	fold bool
	// ks is set when a folded literal has a k or an s, which Unicode
	// folding also matches with the Kelvin sign and the long s: a value
	// that is not plain ASCII is then not turned down.
	ks bool
}

// newLiteralCheck builds the check for a literal node; ok is false when
// there is no useful one.
func newLiteralCheck(l *syntax.Regexp) (c literalCheck, ok bool) {
	lit := string(l.Rune)
	if strings.ContainsRune(lit, utf8.RuneError) {
		// The expression reads invalid UTF-8 as U+FFFD; a substring
		// search would not.
		return c, false
	}
	if l.Flags&syntax.FoldCase == 0 {
		return literalCheck{lit: lit}, lit != ""
	}
	lit = asciiRun(lit)
	c = literalCheck{n: newNeedle(lit), fold: true}
	c.lit = c.n.s
	c.ks = strings.ContainsAny(c.lit, "ks")
	return c, c.lit != ""
}

// pass reports whether v may match: it contains the literal, or might
// through a non-ASCII fold.
func (c *literalCheck) pass(v string) bool {
	if !c.fold {
		return strings.Contains(v, c.lit)
	}
	return c.n.contains(v) || c.ks && !isASCII(v)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiRun returns the longest run of ASCII in lit.
func asciiRun(lit string) string {
	best, start := "", 0
	for i := 0; i <= len(lit); i++ {
		if i < len(lit) && lit[i] < utf8.RuneSelf {
			continue
		}
		if i-start > len(best) {
			best = lit[start:i]
		}
		start = i + 1
	}
	return best
}
