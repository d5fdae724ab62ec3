package query

import (
	"strings"
)

// This file holds the allocation-free string tests the matchers are built
// from: case-insensitive (ASCII) search, equality and globs. Literals are
// lower-cased once when the query is compiled; the text they are matched
// against is folded byte by byte as it is read.

// lower returns s with ASCII letters lower-cased.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// hasFoldPrefix reports whether s starts with low (lower-case) under ASCII
// case folding.
func hasFoldPrefix(s, low string) bool {
	if len(s) < len(low) {
		return false
	}
	for i := 0; i < len(low); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != low[i] {
			return false
		}
	}
	return true
}

// hasFoldSuffix is hasFoldPrefix for the end of s.
func hasFoldSuffix(s, low string) bool {
	return len(s) >= len(low) && hasFoldPrefix(s[len(s)-len(low):], low)
}

// equalFold reports whether s equals low (lower-case) under ASCII folding.
func equalFold(s, low string) bool {
	return len(s) == len(low) && hasFoldPrefix(s, low)
}

// rarity ranks bytes by how often they appear in log text, lower is rarer.
// A needle is searched for by its rarest byte so that strings.IndexByte
// (vectorised) skips most of the text and few candidates need checking.
var rarity = func() (r [256]uint8) {
	for i := range r {
		switch {
		case i >= 0x80:
			r[i] = 30
		case i >= '0' && i <= '9':
			r[i] = 90
		default:
			r[i] = 60
		}
	}
	for i, c := range []byte(" etaoinsrhldcumfpgywbvkxjqz") {
		// Most common first: space scores 250, z scores 120.
		r[c] = uint8(250 - 5*i)
		if c >= 'a' && c <= 'z' {
			r[c-'a'+'A'] = r[c]
		}
	}
	for _, c := range []byte(".:=/-_[]()") {
		r[c] = 140
	}
	return r
}()

// needle is a literal to find in text under ASCII case folding.
type needle struct {
	s      string // lower-cased
	at     int    // index in s of the byte the search anchors on
	lo, up byte   // s[at] and its upper-case form
}

func newNeedle(lit string) needle {
	n := needle{s: lower(lit)}
	if n.s == "" {
		return n
	}
	for i := 1; i < len(n.s); i++ {
		if rarity[n.s[i]] < rarity[n.s[n.at]] {
			n.at = i
		}
	}
	n.lo = n.s[n.at]
	n.up = n.lo
	if n.lo >= 'a' && n.lo <= 'z' {
		n.up = n.lo - ('a' - 'A')
	}
	return n
}

// index returns the offset of the first match of n in h, or -1.
func (n *needle) index(h string) int {
	m := len(n.s)
	if m == 0 {
		return 0
	}
	if len(h) < m {
		return -1
	}
	k := n.at
	last := len(h) - m + k // the last position the anchor byte can be at
	if n.lo == n.up {
		for p := k; p <= last; p++ {
			i := strings.IndexByte(h[p:last+1], n.lo)
			if i < 0 {
				return -1
			}
			p += i
			if hasFoldPrefix(h[p-k:], n.s) {
				return p - k
			}
		}
		return -1
	}
	// Both cases of a letter: keep the next position of each and search
	// again only for the one consumed.
	const none = int(^uint(0) >> 1)
	nextLo, nextUp := -1, -1
	for p := k; p <= last; {
		if nextLo < p {
			nextLo = none
			if i := strings.IndexByte(h[p:last+1], n.lo); i >= 0 {
				nextLo = p + i
			}
		}
		if nextUp < p {
			nextUp = none
			if i := strings.IndexByte(h[p:last+1], n.up); i >= 0 {
				nextUp = p + i
			}
		}
		q := min(nextLo, nextUp)
		if q == none {
			return -1
		}
		if hasFoldPrefix(h[q-k:], n.s) {
			return q - k
		}
		p = q + 1
	}
	return -1
}

// contains reports whether h contains n.
func (n *needle) contains(h string) bool { return n.index(h) >= 0 }

// glob matches a whole string against a pattern with * wildcards (any run
// of bytes, including none) under ASCII case folding.
type glob struct {
	prefix, suffix string   // lower-cased; the parts before the first and after the last *
	middle         []needle // the parts between, in order
}

func newGlob(pattern string) glob {
	parts := strings.Split(lower(pattern), "*")
	g := glob{prefix: parts[0], suffix: parts[len(parts)-1]}
	for _, p := range parts[1 : len(parts)-1] {
		if p != "" {
			g.middle = append(g.middle, newNeedle(p))
		}
	}
	return g
}

func (g *glob) match(s string) bool {
	if len(s) < len(g.prefix)+len(g.suffix) || !hasFoldPrefix(s, g.prefix) || !hasFoldSuffix(s, g.suffix) {
		return false
	}
	// The middle parts are found leftmost-first in what lies between the
	// prefix and the suffix; with only * wildcards, leftmost is never
	// worse than any other choice.
	s = s[len(g.prefix) : len(s)-len(g.suffix)]
	for i := range g.middle {
		j := g.middle[i].index(s)
		if j < 0 {
			return false
		}
		s = s[j+len(g.middle[i].s):]
	}
	return true
}
