package rules

// A prefilter picks, in one pass over a message, the rules of a list that
// could match it. Every rule has a need: literals of which at least one
// must occur in any message it matches (its longest contains: literal, or
// its contains_any: literals, or the guard literal of each match:
// pattern). An Aho-Corasick automaton over all the needs of a list finds
// which occur, so a line costs one scan plus the rules that could match,
// however many rules the program has: without it every rule pays its own
// literal search, which for the kernel's or systemd's dozens of rules
// costs more than decoding the line.
type prefilter struct {
	// class maps a byte to its column in delta; bytes in no literal
	// share column 0.
	class [256]uint8
	ncls  int
	// delta[state*ncls+class] is the next state's row (state*ncls)
	// shifted left by one, its low bit set when the state has output.
	delta []uint32
	// out[state] are the rules whose need a literal ending at state (or
	// at a suffix of it) satisfies.
	out []ruleMask
	// always are the rules with no need, or beyond the mask's reach.
	always ruleMask
}

// ruleMask is a set of rule positions in a list.
type ruleMask [4]uint64

const maxMasked = len(ruleMask{}) * 64

func (m *ruleMask) set(i int)      { m[i/64] |= 1 << (i % 64) }
func (m *ruleMask) has(i int) bool { return m[i/64]&(1<<(i%64)) != 0 }
func (m *ruleMask) or(o *ruleMask) { m[0] |= o[0]; m[1] |= o[1]; m[2] |= o[2]; m[3] |= o[3] }
func (m *ruleMask) setAll(n int) {
	for i := 0; i < n && i < maxMasked; i++ {
		m.set(i)
	}
}

// minPrefilter is the shortest rule list worth a prefilter: below it the
// rules' own literal checks are cheaper than a scan.
const minPrefilter = 4

// need returns the literals of which at least one occurs in every message
// r matches, or nil when r has no such set.
func (r *Rule) need() []string {
	if len(r.Contains) > 0 {
		best := r.Contains[0]
		for _, c := range r.Contains[1:] {
			if len(c) > len(best) {
				best = c
			}
		}
		return []string{best}
	}
	var alts []string
	for i := range r.Match {
		lit := r.guards[i]
		if p := r.prefixes[i]; len(p) > len(lit) {
			lit = p
		}
		if lit == "" {
			alts = nil
			break
		}
		alts = append(alts, lit)
	}
	if len(alts) > 0 && (len(r.ContainsAny) == 0 || shortest(alts) >= shortest(r.ContainsAny)) {
		return alts
	}
	if len(r.ContainsAny) > 0 {
		return r.ContainsAny
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

// newPrefilter builds the prefilter for a rule list, or nil when the list
// is too short to gain from one or its literals use too many distinct
// bytes.
func newPrefilter(rules []*Rule) *prefilter {
	if len(rules) < minPrefilter {
		return nil
	}
	pf := &prefilter{}
	type lit struct {
		s     string
		rules ruleMask
	}
	var lits []lit
	index := map[string]int{}
	for i, r := range rules {
		need := r.need()
		if len(need) == 0 || i >= maxMasked {
			if i < maxMasked {
				pf.always.set(i)
			}
			continue
		}
		for _, s := range need {
			j, ok := index[s]
			if !ok {
				j = len(lits)
				index[s] = j
				lits = append(lits, lit{s: s})
			}
			lits[j].rules.set(i)
		}
	}
	if len(rules) > maxMasked {
		// Rules past the mask are tried on every line.
		pf.always.setAll(maxMasked)
	}
	// Byte classes.
	var cls [256]int
	n := 1
	for _, l := range lits {
		for k := 0; k < len(l.s); k++ {
			if cls[l.s[k]] == 0 {
				cls[l.s[k]] = n
				n++
			}
		}
	}
	if n > 255 {
		return nil
	}
	for b, c := range cls {
		pf.class[b] = uint8(c)
	}
	pf.ncls = n

	// The trie.
	type node struct {
		next map[uint8]int32
		fail int32
		out  ruleMask
		has  bool
	}
	nodes := []node{{next: map[uint8]int32{}}}
	for _, l := range lits {
		s := int32(0)
		for k := 0; k < len(l.s); k++ {
			c := pf.class[l.s[k]]
			nx, ok := nodes[s].next[c]
			if !ok {
				nx = int32(len(nodes))
				nodes = append(nodes, node{next: map[uint8]int32{}})
				nodes[s].next[c] = nx
			}
			s = nx
		}
		nodes[s].out.or(&l.rules)
		nodes[s].has = true
	}
	// Fail links and the full transition table, breadth first.
	next := make([]int32, len(nodes)*n)
	queue := []int32{}
	for c := 0; c < n; c++ {
		if nx, ok := nodes[0].next[uint8(c)]; ok {
			nodes[nx].fail = 0
			next[c] = nx
			queue = append(queue, nx)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := nodes[s].fail
		nodes[s].out.or(&nodes[f].out)
		nodes[s].has = nodes[s].has || nodes[f].has
		for c := 0; c < n; c++ {
			if nx, ok := nodes[s].next[uint8(c)]; ok {
				nodes[nx].fail = next[int(f)*n+c]
				next[int(s)*n+c] = nx
				queue = append(queue, nx)
			} else {
				next[int(s)*n+c] = next[int(f)*n+c]
			}
		}
	}
	if len(nodes)*n >= 1<<30 {
		return nil
	}
	pf.delta = make([]uint32, len(next))
	for i, nx := range next {
		e := uint32(int(nx)*n) << 1
		if nodes[nx].has {
			e |= 1
		}
		pf.delta[i] = e
	}
	pf.out = make([]ruleMask, len(nodes))
	for i := range nodes {
		pf.out[i] = nodes[i].out
	}
	return pf
}

// candidates returns the rules of the list that could match msg.
func (pf *prefilter) candidates(msg string) ruleMask {
	m := pf.always
	row := uint32(0)
	delta := pf.delta
	for i := 0; i < len(msg); i++ {
		e := delta[row+uint32(pf.class[msg[i]])]
		row = e >> 1
		if e&1 != 0 {
			m.or(&pf.out[row/uint32(pf.ncls)])
		}
	}
	return m
}
