package rules

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// A fastMatcher runs the common shape of rule pattern (fixed text, runs
// of one character class such as \S+ or \d+, optional and alternative
// parts, captures) about ten times faster than Go's regexp, whose general
// engines cost close to a microsecond a line whatever the pattern.
//
// It is a backtracking matcher over a small program whose steps compare
// whole literals and scan whole class runs at once, so it gives exactly
// the leftmost-first match, captures included, that Go's regexp gives
// (its documentation: the match a backtracking search would find first).
// Patterns with other parts (repeated groups, case folding, line anchors)
// are not compiled and keep using the regexp. Each call has a step budget
// proportional to the line: a hostile line that would make backtracking
// expensive falls back to the regexp, whose cost is linear, so the
// answer is always the regexp's and the cost always bounded.
type fastMatcher struct {
	prog []inst
	// first is a literal every match starts with, used to jump to
	// candidate start positions; "" when the program starts otherwise.
	first string
	// anchored programs only try position 0.
	anchored bool
	// nslot is 2 × (captures + 1).
	nslot int
	re    *regexp.Regexp
}

type opcode uint8

const (
	opLit    opcode = iota // match lit
	opFold                 // match lit (lower-case ASCII) ignoring ASCII case
	opRun                  // match min..max characters of class, greedy
	opLazy                 // match min..max characters of class, fewest first
	opSplit                // try next, then x
	opJump                 // go to x
	opSave                 // slot n = position
	opBOT                  // beginning of text
	opEOT                  // end of text
	opWord                 // \b
	opNoWord               // \B
	opMatch
)

type inst struct {
	op       opcode
	lit      string
	class    *charClass
	min, max int // max < 0: unbounded
	x        int // opSplit, opJump: target; opSave: slot
}

// charClass is a set of runes: a table for ASCII and ranges above.
type charClass struct {
	ascii [128]bool
	// ranges are lo, hi pairs of non-ASCII runes.
	ranges []rune
}

func (c *charClass) has(r rune) bool {
	if r < 128 {
		return c.ascii[r]
	}
	for i := 0; i+1 < len(c.ranges); i += 2 {
		if r >= c.ranges[i] && r <= c.ranges[i+1] {
			return true
		}
	}
	return false
}

// maxSlots bounds captures (slots = 2 per capture, plus the whole match),
// and maxFrames the backtracking stack, so both live on the goroutine
// stack; patterns or lines beyond them use the regexp.
const (
	maxSlots  = 24
	maxFrames = 32
)

// compileFast compiles re, whose parsed (not simplified) form is sr, for
// the fast matcher, or returns nil when the pattern has parts it does not
// handle.
func compileFast(re *regexp.Regexp, sr *syntax.Regexp) *fastMatcher {
	if 2*(re.NumSubexp()+1) > maxSlots {
		return nil
	}
	c := &fastCompiler{}
	c.emit(inst{op: opSave, x: 0})
	if !c.compile(sr) {
		return nil
	}
	c.emit(inst{op: opSave, x: 1})
	c.emit(inst{op: opMatch})
	m := &fastMatcher{prog: c.prog, nslot: 2 * (re.NumSubexp() + 1), re: re}
	// Saves are zero-width: look past them for the first real step.
	i := 1
	for m.prog[i].op == opSave {
		i++
	}
	switch p := m.prog[i]; p.op {
	case opBOT:
		m.anchored = true
	case opLit:
		m.first = p.lit
	}
	return m
}

type fastCompiler struct {
	prog []inst
}

func (c *fastCompiler) emit(i inst) int {
	c.prog = append(c.prog, i)
	return len(c.prog) - 1
}

// compile appends the program for re and reports whether it could.
func (c *fastCompiler) compile(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return true
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			// ASCII only: K and S also fold to non-ASCII runes (the
			// Kelvin sign, the long s), which the matcher leaves to the
			// regexp when it meets them.
			lit := []byte(string(re.Rune))
			for i, b := range lit {
				if b >= utf8.RuneSelf {
					return false
				}
				if b >= 'A' && b <= 'Z' {
					lit[i] = b + 'a' - 'A'
				}
			}
			c.emit(inst{op: opFold, lit: string(lit)})
			return true
		}
		c.emit(inst{op: opLit, lit: string(re.Rune)})
		return true
	case syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		cl := classOf(re)
		if cl == nil {
			return false
		}
		c.emit(inst{op: opRun, class: cl, min: 1, max: 1})
		return true
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		if re.Op == syntax.OpRepeat && (re.Min > 1000 || re.Max > 1000) {
			return false
		}
		lazy := re.Flags&syntax.NonGreedy != 0
		lo, hi := 0, -1
		switch re.Op {
		case syntax.OpPlus:
			lo = 1
		case syntax.OpQuest:
			hi = 1
		case syntax.OpRepeat:
			lo, hi = re.Min, re.Max
		}
		if cl := classOf(re.Sub[0]); cl != nil {
			op := opRun
			if lazy {
				op = opLazy
			}
			c.emit(inst{op: op, class: cl, min: lo, max: hi})
			return true
		}
		if re.Op != syntax.OpQuest || lazy {
			return false // repeated groups: leave them to the regexp
		}
		split := c.emit(inst{op: opSplit})
		if !c.compile(re.Sub[0]) {
			return false
		}
		c.prog[split].x = len(c.prog)
		return true
	case syntax.OpCapture:
		c.emit(inst{op: opSave, x: 2 * re.Cap})
		if !c.compile(re.Sub[0]) {
			return false
		}
		c.emit(inst{op: opSave, x: 2*re.Cap + 1})
		return true
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !c.compile(sub) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		var jumps []int
		for i, sub := range re.Sub {
			split := -1
			if i < len(re.Sub)-1 {
				split = c.emit(inst{op: opSplit})
			}
			if !c.compile(sub) {
				return false
			}
			if split >= 0 {
				jumps = append(jumps, c.emit(inst{op: opJump}))
				c.prog[split].x = len(c.prog)
			}
		}
		for _, j := range jumps {
			c.prog[j].x = len(c.prog)
		}
		return true
	case syntax.OpBeginText:
		c.emit(inst{op: opBOT})
		return true
	case syntax.OpEndText:
		// Without (?m), which parses to OpEndLine, $ is the end of the
		// text in Go.
		c.emit(inst{op: opEOT})
		return true
	case syntax.OpWordBoundary:
		c.emit(inst{op: opWord})
		return true
	case syntax.OpNoWordBoundary:
		c.emit(inst{op: opNoWord})
		return true
	}
	return false
}

// classOf returns the character class a single-character node matches,
// or nil when re is not one.
func classOf(re *syntax.Regexp) *charClass {
	cl := &charClass{}
	var ranges []rune
	switch re.Op {
	case syntax.OpCharClass:
		if re.Flags&syntax.FoldCase != 0 && len(re.Rune) == 0 {
			return nil
		}
		ranges = re.Rune
	case syntax.OpAnyCharNotNL:
		ranges = []rune{0, '\n' - 1, '\n' + 1, utf8.MaxRune}
	case syntax.OpAnyChar:
		ranges = []rune{0, utf8.MaxRune}
	case syntax.OpLiteral:
		if len(re.Rune) != 1 || re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		ranges = []rune{re.Rune[0], re.Rune[0]}
	default:
		return nil
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		for r := lo; r <= hi && r < 128; r++ {
			cl.ascii[r] = true
		}
		if hi >= 128 {
			cl.ranges = append(cl.ranges, max(lo, 128), hi)
		}
	}
	return cl
}

// frame is one saved choice on the backtracking stack, kept small since
// the stack is cleared on every call.
type frame struct {
	kind uint8 // frameAlt, frameRun, frameSlot
	pc   int32
	pos  int32
	// n is, for frameRun, the start of the run; for frameSlot the slot.
	n int32
	// cnt is, for frameRun, how many characters the run holds.
	cnt int32
}

const (
	frameAlt = iota
	frameRun
	frameLazy
	frameSlot
)

// match finds the leftmost-first match of m in s and writes its slots
// (2 per capture, -1 when unset) to loc, reporting whether it matched.
// loc must hold at least m.nslot entries.
func (m *fastMatcher) match(s string, loc []int) bool {
	if len(s) > 1<<30 {
		return m.fallback(s, loc)
	}
	budget := 256 + 16*len(s)
	var stack [maxFrames]frame
	if m.anchored {
		ok, done := m.try(s, 0, loc, &budget, &stack)
		if !done {
			return m.fallback(s, loc)
		}
		return ok
	}
	for start := 0; start <= len(s); {
		if m.first != "" {
			i := strings.Index(s[start:], m.first)
			if i < 0 {
				return false
			}
			start += i
		}
		ok, done := m.try(s, start, loc, &budget, &stack)
		if !done {
			return m.fallback(s, loc)
		}
		if ok {
			return true
		}
		if start == len(s) {
			break
		}
		_, w := utf8.DecodeRuneInString(s[start:])
		start += w
	}
	return false
}

// fallback answers with the regexp when the budget or the stack ran out.
func (m *fastMatcher) fallback(s string, loc []int) bool {
	got := m.re.FindStringSubmatchIndex(s)
	if got == nil {
		return false
	}
	copy(loc, got)
	return true
}

// try runs the program from position start. done is false when the step
// budget or the stack ran out before an answer.
func (m *fastMatcher) try(s string, start int, loc []int, budget *int, stack *[maxFrames]frame) (ok, done bool) {
	sp := 0
	for i := 0; i < m.nslot; i++ {
		loc[i] = -1
	}
	pc, pos := 0, start
	for {
		*budget--
		if *budget < 0 {
			return false, false
		}
		in := &m.prog[pc]
		fail := false
		switch in.op {
		case opLit:
			if strings.HasPrefix(s[pos:], in.lit) {
				pos += len(in.lit)
				pc++
			} else {
				fail = true
			}
		case opFold:
			if len(s)-pos < len(in.lit) {
				fail = true
				break
			}
			for k := 0; k < len(in.lit); k++ {
				b := s[pos+k]
				if b >= utf8.RuneSelf {
					return false, false // a non-ASCII fold: the regexp decides
				}
				if b >= 'A' && b <= 'Z' {
					b += 'a' - 'A'
				}
				if b != in.lit[k] {
					fail = true
					break
				}
			}
			if !fail {
				pos += len(in.lit)
				pc++
			}
		case opRun:
			from := pos
			n := 0
			for pos < len(s) && (in.max < 0 || n < in.max) {
				c := s[pos]
				if c < utf8.RuneSelf {
					if !in.class.ascii[c] {
						break
					}
					pos++
				} else {
					r, w := utf8.DecodeRuneInString(s[pos:])
					if !in.class.has(r) {
						break
					}
					pos += w
				}
				n++
			}
			*budget -= n / 8
			if n < in.min {
				fail = true
				break
			}
			if n > in.min {
				if sp == maxFrames {
					return false, false
				}
				// Retry with one character fewer on failure; n is
				// re-derived from the positions when it is.
				stack[sp] = frame{kind: frameRun, pc: int32(pc), pos: int32(pos), n: int32(from), cnt: int32(n)}
				sp++
			}
			pc++
		case opLazy:
			from := pos
			n := 0
			for n < in.min {
				w := classWidth(in.class, s, pos)
				if w == 0 {
					break
				}
				pos += w
				n++
			}
			if n < in.min {
				fail = true
				break
			}
			if (in.max < 0 || n < in.max) && classWidth(in.class, s, pos) > 0 {
				if sp == maxFrames {
					return false, false
				}
				// On failure, take one character more.
				stack[sp] = frame{kind: frameLazy, pc: int32(pc), pos: int32(pos), n: int32(from), cnt: int32(n)}
				sp++
			}
			pc++
		case opSplit:
			if sp == maxFrames {
				return false, false
			}
			stack[sp] = frame{kind: frameAlt, pc: int32(in.x), pos: int32(pos)}
			sp++
			pc++
		case opJump:
			pc = in.x
		case opSave:
			if sp == maxFrames {
				return false, false
			}
			stack[sp] = frame{kind: frameSlot, n: int32(in.x), pos: int32(loc[in.x])}
			sp++
			loc[in.x] = pos
			pc++
		case opBOT:
			if pos != 0 {
				fail = true
			}
			pc++
		case opEOT:
			if pos != len(s) {
				fail = true
			}
			pc++
		case opWord, opNoWord:
			b := isWordByte(s, pos-1) != isWordByte(s, pos)
			if b != (in.op == opWord) {
				fail = true
			}
			pc++
		case opMatch:
			return true, true
		}
		if !fail {
			continue
		}
		// Backtrack to the latest choice, undoing slot writes.
		for {
			if sp == 0 {
				return false, true
			}
			sp--
			f := stack[sp]
			switch f.kind {
			case frameSlot:
				loc[f.n] = int(f.pos)
				continue
			case frameAlt:
				pc, pos = int(f.pc), int(f.pos)
			case frameRun:
				in := &m.prog[f.pc]
				if nx := &m.prog[f.pc+1]; nx.op == opLit {
					// The run is followed by fixed text: rather than give
					// back one character at a time, jump to the last place
					// in the run where that text starts.
					lo := int(f.n)
					if in.min > 0 {
						lo = advance(s, lo, in.min)
					}
					hi := min(int(f.pos)-1+len(nx.lit), len(s))
					q := -1
					if lo <= int(f.pos)-1 && lo < hi {
						if i := strings.LastIndex(s[lo:hi], nx.lit); i >= 0 {
							q = lo + i
						}
					}
					*budget -= 4
					if q < 0 {
						continue // no way for this run to end: back further
					}
					pos = q
					cnt := int32(q - int(f.n))
					if !isASCII(s[f.n:q]) {
						cnt = int32(utf8.RuneCountInString(s[f.n:q]))
					}
					if int(cnt) > in.min {
						stack[sp] = frame{kind: frameRun, pc: f.pc, pos: int32(pos), n: f.n, cnt: cnt}
						sp++
					}
					pc = int(f.pc) + 1
					break
				}
				// Give back the run's last character.
				_, w := utf8.DecodeLastRuneInString(s[f.n:f.pos])
				pos = int(f.pos) - w
				if int(f.cnt)-1 > in.min {
					stack[sp] = frame{kind: frameRun, pc: f.pc, pos: int32(pos), n: f.n, cnt: f.cnt - 1}
					sp++
				}
				pc = int(f.pc) + 1
			case frameLazy:
				in := &m.prog[f.pc]
				w := classWidth(in.class, s, int(f.pos))
				pos = int(f.pos) + w
				cnt := f.cnt + 1
				if (in.max < 0 || int(cnt) < in.max) && classWidth(in.class, s, pos) > 0 {
					stack[sp] = frame{kind: frameLazy, pc: f.pc, pos: int32(pos), n: f.n, cnt: cnt}
					sp++
				}
				pc = int(f.pc) + 1
				*budget--
			}
			break
		}
	}
}

// advance returns the position n characters after pos (bounded by s).
func advance(s string, pos, n int) int {
	for ; n > 0 && pos < len(s); n-- {
		if s[pos] < utf8.RuneSelf {
			pos++
		} else {
			_, w := utf8.DecodeRuneInString(s[pos:])
			pos += w
		}
	}
	return pos
}

// isASCII reports whether s holds only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// classWidth returns the width of the character at s[pos] when class
// holds it, else 0 (also at the end of s).
func classWidth(c *charClass, s string, pos int) int {
	if pos >= len(s) {
		return 0
	}
	if b := s[pos]; b < utf8.RuneSelf {
		if c.ascii[b] {
			return 1
		}
		return 0
	}
	r, w := utf8.DecodeRuneInString(s[pos:])
	if c.has(r) {
		return w
	}
	return 0
}

// isWordByte reports whether s[i] is an ASCII word character, as \b sees
// it; out of range is not.
func isWordByte(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	c := s[i]
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
