package rules

import (
	"math/bits"
	"strings"
)

// A prefilter does the literal work of a whole rule list in one pass over
// a message. It finds which of the list's literals occur: the anchored
// ones (the start of a ^-anchored pattern, which must start the message)
// by walking a trie from the start of the message, which costs the length
// of the longest matching start; the free ones (contains:, contains_any:
// and not_contains: literals, and the literal a pattern must hold) by one
// Aho-Corasick pass over the message, or by a vectorised search each when
// there are only a handful. Then each rule is judged with a few bit
// operations: its need (literals of which at least one occurs in every
// message it matches) and, when all its literals have a place in the
// sets, its contains:, contains_any: and not_contains: checks, which the
// rule then skips. Without a prefilter every rule pays its own literal
// searches, which for the dozens of rules of sshd, the kernel or systemd
// cost more than decoding the line.
type prefilter struct {
	// class maps a byte to its column in the tables; bytes in no literal
	// share column 0.
	class [256]uint8
	ncls  uint32
	// free is the Aho-Corasick automaton over the free literals, nil when
	// there are none or few; anchored the trie over the anchored ones, nil
	// when there are none.
	free, anchored *automaton
	// few are the need literals found by strings.Contains, with their
	// IDs, when the list has no Aho-Corasick pass.
	few   []string
	fewID []int
	// lits are the free literals by ID; without an Aho-Corasick pass,
	// the rules' own literals are looked for when first needed, and once
	// per message however many rules share them.
	lits []string
	// rules are the verdicts to draw for each rule of the list, in order.
	rules []ruleFilter
	// needFree[id] and needAnchored[id] are the rules whose need the
	// literal with that ID meets; always the rules with no need.
	needFree, needAnchored []ruleMask
	always                 ruleMask
}

// ruleMask is a set of rule positions in a list.
type ruleMask [4]uint64

const maxMasked = len(ruleMask{}) * 64

func (m *ruleMask) set(i int)      { m[i/64] |= 1 << (i % 64) }
func (m *ruleMask) or(o *ruleMask) { m[0] |= o[0]; m[1] |= o[1]; m[2] |= o[2]; m[3] |= o[3] }

// next returns the first position at or after i in m, or -1.
func (m *ruleMask) next(i int) int {
	for w := i / 64; w < len(m); w++ {
		b := m[w]
		if w == i/64 {
			b &= ^uint64(0) << (i % 64)
		}
		if b != 0 {
			return w*64 + bits.TrailingZeros64(b)
		}
	}
	return -1
}

// candidates returns the rules whose need the known literals meet.
func (pf *prefilter) candidates(p *present) ruleMask {
	m := pf.always
	for w := range p.free {
		for b := p.free[w]; b != 0; b &= b - 1 {
			if id := w*64 + bits.TrailingZeros64(b); id < len(pf.needFree) {
				m.or(&pf.needFree[id])
			}
		}
	}
	for w := range p.anchored {
		for b := p.anchored[w]; b != 0; b &= b - 1 {
			m.or(&pf.needAnchored[w*64+bits.TrailingZeros64(b)])
		}
	}
	return m
}

// litSet is a set of literal IDs of one list (free or anchored).
type litSet [4]uint64

const maxLits = len(litSet{}) * 64

func (m *litSet) set(i int)             { m[i/64] |= 1 << (i % 64) }
func (m *litSet) or(o *litSet)          { m[0] |= o[0]; m[1] |= o[1]; m[2] |= o[2]; m[3] |= o[3] }
func (m *litSet) empty() bool           { return m[0]|m[1]|m[2]|m[3] == 0 }
func (m *litSet) meets(o *litSet) bool  { return m[0]&o[0]|m[1]&o[1]|m[2]&o[2]|m[3]&o[3] != 0 }
func (m *litSet) within(o *litSet) bool { return m[0]&^o[0]|m[1]&^o[1]|m[2]&^o[2]|m[3]&^o[3] == 0 }
func (m *litSet) has(i int) bool        { return m[i/64]&(1<<(i%64)) != 0 }

// ruleFilter is what the prefilter knows of one rule.
type ruleFilter struct {
	// always: the rule has no need the prefilter can check.
	always bool
	// needFree and needAnchored: at least one must occur.
	needFree, needAnchored litSet
	// vetted: the rule's contains: (req), contains_any: (any) and
	// not_contains: (not) literals are all in the free set, and pass
	// checks them.
	vetted        bool
	req, any, not litSet
}

// present is what is known of a message: the free and the anchored
// literals that occur in it. With all, every free literal has been looked
// for; otherwise those in known.
type present struct {
	free, anchored, known litSet
	all                   bool
}

// has reports whether free literal id occurs in msg, looking for it the
// first time it is asked.
func (pf *prefilter) has(p *present, id int, msg string) bool {
	if p.all || p.known.has(id) {
		return p.free.has(id)
	}
	p.known.set(id)
	if strings.Contains(msg, pf.lits[id]) {
		p.free.set(id)
		return true
	}
	return false
}

// pass reports whether rule i of the list could match msg, of which p is
// known. When the rule is vetted its literal checks are done.
func (pf *prefilter) pass(i int, p *present, msg string) bool {
	f := &pf.rules[i]
	if !f.always && !f.needFree.meets(&p.free) && !f.needAnchored.meets(&p.anchored) {
		return false
	}
	return pf.literalsPass(i, p, msg)
}

// literalsPass reports whether a vetted rule i passes its contains:,
// contains_any: and not_contains: checks on msg; true for a rule that is
// not vetted (it checks them itself).
func (pf *prefilter) literalsPass(i int, p *present, msg string) bool {
	f := &pf.rules[i]
	if !f.vetted {
		return true
	}
	if p.all {
		return f.req.within(&p.free) && (f.any.empty() || f.any.meets(&p.free)) && !f.not.meets(&p.free)
	}
	for w := range f.req {
		for b := f.req[w]; b != 0; b &= b - 1 {
			if !pf.has(p, w*64+bits.TrailingZeros64(b), msg) {
				return false
			}
		}
	}
	if !f.any.empty() {
		found := false
		for w := 0; w < len(f.any) && !found; w++ {
			for b := f.any[w]; b != 0; b &= b - 1 {
				if pf.has(p, w*64+bits.TrailingZeros64(b), msg) {
					found = true
					break
				}
			}
		}
		if !found {
			return false
		}
	}
	for w := range f.not {
		for b := f.not[w]; b != 0; b &= b - 1 {
			if pf.has(p, w*64+bits.TrailingZeros64(b), msg) {
				return false
			}
		}
	}
	return true
}

// automaton is a transition table over byte classes. delta[row+class] is
// the next state's row (state × ncls) shifted left by one, its low bit set
// when the state has output; for the anchored trie, deadRow marks no way
// on.
type automaton struct {
	delta []uint32
	// out[state] are the literals found when the state is reached.
	out []litSet
}

// deadRow marks a missing trie edge.
const deadRow = ^uint32(0)

// maxNeedLen is the longest need literal the prefilter looks for (any part
// of a required literal is required too, and a short one keeps the tables
// small); minNeedLen the shortest worth looking for (a rule whose need
// holds a shorter one is always tried); maxFew the most free literals
// searched one by one.
const (
	maxNeedLen = 12
	minNeedLen = 3
	maxFew     = 6
)

// minPrefilter is the shortest rule list worth a prefilter: below it the
// rules' own literal checks are cheaper than a scan.
const minPrefilter = 4

// needLit is one literal of a rule's need.
type needLit struct {
	s        string
	anchored bool
}

// need returns the literals of which at least one occurs in every message
// r matches, or nil when r has none. Anchored starts are preferred: they
// cost no scan and rule out more.
func (r *Rule) need() []needLit {
	var starts []needLit
	for i := range r.Match {
		if r.starts[i] == nil {
			starts = nil
			break
		}
		for _, s := range r.starts[i] {
			starts = append(starts, needLit{s, true})
		}
	}
	if len(starts) > 0 {
		return starts
	}
	if len(r.Contains) > 0 {
		best := r.Contains[0]
		for _, c := range r.Contains[1:] {
			if len(c) > len(best) {
				best = c
			}
		}
		return []needLit{{best, false}}
	}
	var alts []needLit
	for i := range r.Match {
		lit := r.guards[i]
		if lit == "" {
			alts = nil
			break
		}
		alts = append(alts, needLit{lit, false})
	}
	if len(alts) > 0 && (len(r.ContainsAny) == 0 || shortestNeed(alts) >= shortest(r.ContainsAny)) {
		return alts
	}
	if len(r.ContainsAny) > 0 {
		var any []needLit
		for _, s := range r.ContainsAny {
			any = append(any, needLit{s, false})
		}
		return any
	}
	return nil
}

func shortest(ss []string) int {
	n := -1
	for _, s := range ss {
		if n < 0 || len(s) < n {
			n = len(s)
		}
	}
	return n
}

func shortestNeed(ls []needLit) int {
	n := -1
	for _, l := range ls {
		if n < 0 || len(l.s) < n {
			n = len(l.s)
		}
	}
	return n
}

// litTable numbers the distinct literals of one kind.
type litTable struct {
	ids   map[string]int
	order []string
}

// id returns the ID of s, adding it; -1 when the table is full.
func (t *litTable) id(s string) int {
	if i, ok := t.ids[s]; ok {
		return i
	}
	if len(t.order) == maxLits {
		return -1
	}
	if t.ids == nil {
		t.ids = map[string]int{}
	}
	t.ids[s] = len(t.order)
	t.order = append(t.order, s)
	return len(t.order) - 1
}

// newPrefilter builds the prefilter for a rule list, or nil when the list
// is shorter than minRules or its literals use too many distinct bytes.
func newPrefilter(rules []*Rule, minRules int) *prefilter {
	if len(rules) < minRules || len(rules) > maxMasked {
		return nil
	}
	pf := &prefilter{rules: make([]ruleFilter, len(rules))}
	var free, anchored litTable
	for i, r := range rules {
		f := &pf.rules[i]
		need := r.need()
		if len(need) == 0 {
			f.always = true
		}
		// A short free literal occurs nearly everywhere; a short anchored
		// one still rules out every line that does not start with it.
		for _, l := range need {
			if !l.anchored && len(l.s) < minNeedLen {
				f.always = true
			}
		}
		for _, l := range need {
			if f.always {
				break
			}
			s := l.s
			if len(s) > maxNeedLen {
				s = s[:maxNeedLen]
			}
			t, set := &free, &f.needFree
			if l.anchored {
				t, set = &anchored, &f.needAnchored
			}
			id := t.id(s)
			if id < 0 {
				f.always = true
				break
			}
			set.set(id)
		}
	}
	// The rules' own literal checks: on the Aho-Corasick pass when the
	// list needs one anyway (no extra cost per byte), else looked for when
	// a rule first asks, once per message for all the rules that share a
	// literal.
	needFree := len(free.order)
	for i, r := range rules {
		f := &pf.rules[i]
		f.vetted = true
		for _, group := range []struct {
			lits []string
			set  *litSet
		}{{r.Contains, &f.req}, {r.ContainsAny, &f.any}, {r.NotContains, &f.not}} {
			for _, s := range group.lits {
				id := free.id(s)
				if id < 0 {
					f.vetted = false
					break
				}
				group.set.set(id)
			}
		}
		if !f.vetted {
			f.req, f.any, f.not = litSet{}, litSet{}, litSet{}
		}
	}
	pf.lits = free.order
	pf.needFree = make([]ruleMask, needFree)
	pf.needAnchored = make([]ruleMask, len(anchored.order))
	for i := range pf.rules {
		f := &pf.rules[i]
		if i >= maxMasked {
			break
		}
		if f.always {
			pf.always.set(i)
			continue
		}
		for id := range pf.needFree {
			if f.needFree.has(id) {
				pf.needFree[id].set(i)
			}
		}
		for id := range pf.needAnchored {
			if f.needAnchored.has(id) {
				pf.needAnchored[id].set(i)
			}
		}
	}
	n := 1
	for _, lits := range [][]string{free.order, anchored.order} {
		for _, s := range lits {
			for k := 0; k < len(s); k++ {
				if pf.class[s[k]] == 0 {
					if n == 255 {
						return nil
					}
					pf.class[s[k]] = uint8(n)
					n++
				}
			}
		}
	}
	pf.ncls = uint32(n)
	if needFree > maxFew {
		if pf.free = pf.build(free.order, true); pf.free == nil {
			return nil
		}
	} else {
		for i, s := range free.order[:needFree] {
			pf.few = append(pf.few, s)
			pf.fewID = append(pf.fewID, i)
		}
	}
	if len(anchored.order) > 0 {
		if pf.anchored = pf.build(anchored.order, false); pf.anchored == nil {
			return nil
		}
	}
	return pf
}

// build makes the trie of lits (literal i has ID i); with failLinks, the
// Aho-Corasick automaton that finds them anywhere, else a trie walked from
// the start.
func (pf *prefilter) build(lits []string, failLinks bool) *automaton {
	n := int(pf.ncls)
	// The trie as a flat table of child states, -1 for none, n per node;
	// no maps: building runs at every start-up.
	most := 1
	for _, lit := range lits {
		most += len(lit)
	}
	if most*n >= 1<<30 {
		return nil
	}
	next := make([]int32, n, n*most)
	for i := range next {
		next[i] = -1
	}
	outs := make([]litSet, 1, most)
	has := make([]bool, 1, most)
	for id, lit := range lits {
		s := int32(0)
		for k := 0; k < len(lit); k++ {
			c := int(pf.class[lit[k]])
			nx := next[int(s)*n+c]
			if nx < 0 {
				nx = int32(len(outs))
				next[int(s)*n+c] = nx
				outs = append(outs, litSet{})
				has = append(has, false)
				for range n {
					next = append(next, -1)
				}
			}
			s = nx
		}
		outs[s].set(id)
		has[s] = true
	}
	nodes := len(outs)
	if failLinks {
		// Breadth first, turning missing edges into the fail state's
		// edges and merging outputs along fail links.
		fail := make([]int32, nodes)
		queue := make([]int32, 0, nodes)
		for c := 0; c < n; c++ {
			if nx := next[c]; nx >= 0 {
				queue = append(queue, nx)
			} else {
				next[c] = 0
			}
		}
		for q := 0; q < len(queue); q++ {
			s := queue[q]
			f := fail[s]
			outs[s].or(&outs[f])
			has[s] = has[s] || has[f]
			for c := 0; c < n; c++ {
				i := int(s)*n + c
				if nx := next[i]; nx >= 0 {
					fail[nx] = next[int(f)*n+c]
					queue = append(queue, nx)
				} else {
					next[i] = next[int(f)*n+c]
				}
			}
		}
	}
	a := &automaton{delta: make([]uint32, len(next)), out: outs}
	for i, nx := range next {
		if nx < 0 {
			a.delta[i] = deadRow
			continue
		}
		e := uint32(int(nx)*n) << 1
		if has[nx] {
			e |= 1
		}
		a.delta[i] = e
	}
	return a
}

// scan finds the list's literals in msg.
func (pf *prefilter) scan(msg string) present {
	var p present
	n := pf.ncls
	if a := pf.anchored; a != nil {
		row := uint32(0)
		for i := 0; i < len(msg); i++ {
			e := a.delta[row+uint32(pf.class[msg[i]])]
			if e == deadRow {
				break
			}
			row = e >> 1
			if e&1 != 0 {
				p.anchored.or(&a.out[row/n])
			}
		}
	}
	for i, lit := range pf.few {
		id := pf.fewID[i]
		p.known.set(id)
		if strings.Contains(msg, lit) {
			p.free.set(id)
		}
	}
	if a := pf.free; a != nil {
		p.all = true
		row := uint32(0)
		delta := a.delta
		for i := 0; i < len(msg); i++ {
			e := delta[row+uint32(pf.class[msg[i]])]
			row = e >> 1
			if e&1 != 0 {
				p.free.or(&a.out[row/n])
			}
		}
	}
	return p
}
