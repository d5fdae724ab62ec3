package query

import (
	"cmp"
	"slices"
)

// highlighter is a free-text term that Highlights shows: a word or phrase,
// or a regex on the message.
type highlighter struct {
	text needle
	re   *regexMatcher // nil for text
}

// Highlights appends to dst the byte ranges [start, end) of s, a message,
// that the query's positive free-text terms match: words, phrases, /regex/
// and msg~regex, but nothing under a negation. The appended ranges are
// sorted and merged where they overlap or touch. It is for showing search
// hits and may allocate for regexes; Match is the fast path.
func (q *Query) Highlights(s string, dst [][2]int) [][2]int {
	if q == nil || len(q.hl) == 0 || s == "" {
		return dst
	}
	start := len(dst)
	for i := range q.hl {
		h := &q.hl[i]
		if h.re == nil {
			n := &h.text
			for off := 0; off < len(s); {
				j := n.index(s[off:])
				if j < 0 {
					break
				}
				dst = append(dst, [2]int{off + j, off + j + len(n.s)})
				off += j + len(n.s)
			}
			continue
		}
		if len(h.re.pre) > 0 && !h.re.matchString(s) {
			continue
		}
		for _, m := range h.re.re.FindAllStringIndex(s, -1) {
			if m[1] > m[0] {
				dst = append(dst, [2]int{m[0], m[1]})
			}
		}
	}
	out := dst[start:]
	if len(out) < 2 {
		return dst
	}
	slices.SortFunc(out, func(a, b [2]int) int { return cmp.Compare(a[0], b[0]) })
	w := 0
	for _, r := range out[1:] {
		if r[0] <= out[w][1] {
			out[w][1] = max(out[w][1], r[1])
			continue
		}
		w++
		out[w] = r
	}
	return dst[:start+w+1]
}
