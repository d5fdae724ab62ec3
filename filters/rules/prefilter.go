package rules

import "strings"

// A prefilter picks, cheaply, the rules of a list that could match a
// message. Every rule has a need: literals of which at least one must
// occur in any message it matches. A literal is anchored when it must
// start the message (the start of a ^-anchored pattern) and free when it
// may occur anywhere (a contains: literal, or the literal a pattern must
// hold). Anchored literals are looked up by walking a trie from the
// start of the message, which costs the length of the longest matching
// start; free ones by one Aho-Corasick pass over the message, which is
// skipped when the list has none. Without a prefilter every rule pays its
// own literal search, which for the dozens of rules of sshd, the kernel or
// systemd costs more than decoding the line.
type prefilter struct {
	// class maps a byte to its column in the tables; bytes in no literal
	// share column 0.
	class [256]uint8
	ncls  uint32
	// free is the Aho-Corasick automaton over the free literals, nil when
	// there are none or few; anchored the trie over the anchored ones, nil
	// when there are none.
	free, anchored *automaton
	// few are the free literals when there are at most maxFew, each
	// found by strings.Contains (a vectorised search) with its rules in
	// fewMasks: cheaper than a byte-by-byte scan for a handful.
	few      []string
	fewMasks []ruleMask
	// always are the rules with no need, or beyond the mask's reach.
	always ruleMask
}

// automaton is a transition table over byte classes. delta[row+class] is
// the next state's row (state × ncls) shifted left by one, its low bit set
// when the state has output; for the anchored trie, deadRow marks no way
// on.
type automaton struct {
	delta []uint32
	// out[state] are the rules whose need is met when the state is
	// reached.
	out []ruleMask
	// rootOut is set when the root itself has output (never: literals
	// are not empty).
}

// deadRow marks a missing trie edge.
const deadRow = ^uint32(0)

// ruleMask is a set of rule positions in a list.
type ruleMask [4]uint64

const maxMasked = len(ruleMask{}) * 64

func (m *ruleMask) set(i int)      { m[i/64] |= 1 << (i % 64) }
func (m *ruleMask) has(i int) bool { return m[i/64]&(1<<(i%64)) != 0 }
func (m *ruleMask) or(o *ruleMask) { m[0] |= o[0]; m[1] |= o[1]; m[2] |= o[2]; m[3] |= o[3] }

// maxNeedLen is the longest literal the prefilter looks for; minNeedLen
// the shortest worth looking for (a rule whose need holds a shorter one
// is tried on every line).
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

// newPrefilter builds the prefilter for a rule list, or nil when the list
// is shorter than minRules or its literals use too many distinct bytes.
func newPrefilter(rules []*Rule, minRules int) *prefilter {
	if len(rules) < minRules {
		return nil
	}
	pf := &prefilter{}
	free, anchored := map[string]*ruleMask{}, map[string]*ruleMask{}
	var freeOrder, anchoredOrder []string
	for i, r := range rules {
		if i >= maxMasked {
			break // rules past the mask are tried on every line
		}
		need := r.need()
		if len(need) == 0 || shortestNeed(need) < minNeedLen {
			pf.always.set(i)
			continue
		}
		for _, l := range need {
			// Any part of a required literal is required too: a short
			// one keeps the tables small and rules out nearly as much.
			if len(l.s) > maxNeedLen {
				l.s = l.s[:maxNeedLen]
			}
			m, order := free, &freeOrder
			if l.anchored {
				m, order = anchored, &anchoredOrder
			}
			if m[l.s] == nil {
				m[l.s] = &ruleMask{}
				*order = append(*order, l.s)
			}
			m[l.s].set(i)
		}
	}
	n := 1
	for _, lits := range [][]string{freeOrder, anchoredOrder} {
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
	if len(freeOrder) > maxFew {
		pf.free = pf.build(freeOrder, free, true)
		if pf.free == nil {
			return nil
		}
	} else {
		for _, lit := range freeOrder {
			pf.few = append(pf.few, lit)
			pf.fewMasks = append(pf.fewMasks, *free[lit])
		}
	}
	if len(anchoredOrder) > 0 {
		pf.anchored = pf.build(anchoredOrder, anchored, false)
	}
	if pf.anchored == nil && len(anchoredOrder) > 0 {
		return nil
	}
	return pf
}

// build makes the trie of lits; with failLinks, the Aho-Corasick automaton
// that finds them anywhere, else a trie walked from the start.
func (pf *prefilter) build(lits []string, masks map[string]*ruleMask, failLinks bool) *automaton {
	n := int(pf.ncls)
	// The trie as a flat table of child states, -1 for none, n per node;
	// no maps: building runs at every start-up.
	most := 1
	for _, lit := range lits {
		most += len(lit)
	}
	next := make([]int32, n, n*most)
	for i := range next {
		next[i] = -1
	}
	outs := make([]ruleMask, 1, most)
	has := make([]bool, 1, most)
	for _, lit := range lits {
		s := int32(0)
		for k := 0; k < len(lit); k++ {
			c := int(pf.class[lit[k]])
			nx := next[int(s)*n+c]
			if nx < 0 {
				nx = int32(len(outs))
				next[int(s)*n+c] = nx
				outs = append(outs, ruleMask{})
				has = append(has, false)
				for range n {
					next = append(next, -1)
				}
			}
			s = nx
		}
		outs[s].or(masks[lit])
		has[s] = true
	}
	nodes := len(outs)
	if nodes*n >= 1<<30 {
		return nil
	}
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

// candidates returns the rules of the list that could match msg.
func (pf *prefilter) candidates(msg string) ruleMask {
	m := pf.always
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
				m.or(&a.out[row/n])
			}
		}
	}
	for i, lit := range pf.few {
		if strings.Contains(msg, lit) {
			m.or(&pf.fewMasks[i])
		}
	}
	if a := pf.free; a != nil {
		row := uint32(0)
		delta := a.delta
		for i := 0; i < len(msg); i++ {
			e := delta[row+uint32(pf.class[msg[i]])]
			row = e >> 1
			if e&1 != 0 {
				m.or(&a.out[row/n])
			}
		}
	}
	return m
}
