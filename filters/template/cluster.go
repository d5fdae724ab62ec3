package template

import "strings"

// appTree holds the templates of one app: Drain's prefix tree, first by
// token count, then by the leading tokens, with the templates at the
// leaves.
type appTree struct {
	name     string
	roots    []*node // by token count
	clusters []*cluster
	overflow *cluster
}

// node is one level of the prefix tree. Words holding a placeholder, and
// words beyond MaxChildren, go to wild.
type node struct {
	children map[string]*node
	wild     *node
	clusters []*cluster
}

// cluster is one template.
type cluster struct {
	app   string
	text  string
	id    string
	toks  []string // substrings of text
	kinds []uint8
	// cut is, for a kindPartial token, the length of its literal prefix;
	// the <*> follows it and the literal suffix follows that.
	cut   []int32
	count uint64
	// former are the IDs the template had before it generalised.
	former []string
	// overflow marks an app's overflow template.
	overflow bool
	// frozen marks a seeded template that must not generalise
	// (Options.FreezeSeeded): it takes only the messages it covers as it
	// is.
	frozen bool
}

// newCluster makes a template of the masked tokens toks, whose bytes are at
// toks[i].start-base in text.
func newCluster(app, text string, toks []span, base int) *cluster {
	c := &cluster{app: app, text: text, toks: make([]string, len(toks)), kinds: make([]uint8, len(toks)), cut: make([]int32, len(toks))}
	for i, t := range toks {
		c.toks[i] = text[int(t.start)-base : int(t.end)-base]
		c.kinds[i] = t.kind
		if t.kind == kindPartial {
			c.cut[i] = int32(strings.Index(c.toks[i], Wildcard))
		}
	}
	c.id = ID(app, text)
	return c
}

// search returns the template of the leaf the message's tokens lead to that
// is most similar to them, and the similarity; nil when there is no leaf.
// Among equally similar templates the oldest wins, so the answer depends
// only on the messages seen and their order.
func (a *appTree) search(m *Miner, key []byte, toks []span) (*cluster, float64) {
	// A template whose leading token generalised, or was seeded with <*>
	// there, sits on the wild branch even when messages have a literal
	// word there, so both branches are searched where both exist (at most
	// 2^Depth leaves, and only for a message the cache has not seen).
	s := searchState{m: m, key: key, toks: toks, bestSim: -1,
		maxMiss: int((1-m.opts.Similarity)*float64(len(toks)) + 1e-9)}
	s.walk(a.roots[len(toks)], 0)
	return s.best, s.bestSim
}

// searchState is one search's inputs and best answer so far.
type searchState struct {
	m       *Miner
	key     []byte
	toks    []span
	maxMiss int
	best    *cluster
	bestSim float64
}

func (s *searchState) walk(nd *node, d int) {
	if nd == nil {
		return
	}
	if d == min(s.m.opts.Depth, len(s.toks)) {
		for _, c := range nd.clusters {
			sim := c.similarity(s.key, s.toks, s.maxMiss)
			if c.frozen && sim >= 0 && !c.covers(s.key, s.toks) {
				continue
			}
			if sim > s.bestSim {
				s.best, s.bestSim = c, sim
			}
		}
		return
	}
	if t := s.toks[d]; t.kind == kindConst {
		if next := nd.children[string(s.key[t.start:t.end])]; next != nil {
			s.walk(next, d+1)
			if !s.m.seeded {
				return
			}
		}
	}
	s.walk(nd.wild, d+1)
}

// covers reports whether the template takes the message as it is, without
// generalising a token.
func (c *cluster) covers(key []byte, toks []span) bool {
	for i, t := range toks {
		switch c.kinds[i] {
		case kindWild:
		case kindPartial:
			if !c.fits(i, key[t.start:t.end]) {
				return false
			}
		default:
			if c.toks[i] != string(key[t.start:t.end]) {
				return false
			}
		}
	}
	return true
}

// full reports whether the leaf the tokens lead to holds MaxTemplatesPerLeaf
// templates already.
func (a *appTree) full(m *Miner, key []byte, toks []span) bool {
	nd := a.roots[len(toks)]
	for d := 0; nd != nil && d < min(m.opts.Depth, len(toks)); d++ {
		t := toks[d]
		var next *node
		if t.kind == kindConst {
			next = nd.children[string(key[t.start:t.end])]
			if next == nil && len(nd.children) < m.opts.MaxChildren {
				return false // a new branch
			}
		}
		if next == nil {
			next = nd.wild
		}
		nd = next
	}
	return nd != nil && len(nd.clusters) >= m.opts.MaxTemplatesPerLeaf
}

// add puts a new template into the tree.
func (a *appTree) add(m *Miner, c *cluster) {
	n := len(c.toks)
	nd := a.roots[n]
	if nd == nil {
		nd = &node{}
		a.roots[n] = nd
	}
	for d := 0; d < min(m.opts.Depth, n); d++ {
		nd = nd.child(c.toks[d], c.kinds[d] == kindConst, m.opts.MaxChildren)
	}
	nd.clusters = append(nd.clusters, c)
	a.clusters = append(a.clusters, c)
}

// child returns the child for word w, creating it; a variable word, or a
// new word when the node has max children, takes the wild child.
func (nd *node) child(w string, literal bool, max int) *node {
	if literal {
		if ch := nd.children[w]; ch != nil {
			return ch
		}
		if len(nd.children) < max {
			if nd.children == nil {
				nd.children = make(map[string]*node)
			}
			ch := &node{}
			nd.children[w] = ch
			return ch
		}
	}
	if nd.wild == nil {
		nd.wild = &node{}
	}
	return nd.wild
}

// overflowCluster returns the app's overflow template, creating it.
func (a *appTree) overflowCluster() *cluster {
	if a.overflow == nil {
		a.overflow = &cluster{app: a.name, text: overflowText, id: ID(a.name, overflowText), overflow: true}
	}
	return a.overflow
}

// similarity is the share of the template's literal tokens that the
// message has at the same positions. Positions where the template says <*>
// (and the message fits a partial one such as rhost=<*>) and positions where
// both have the same placeholder count neither way: they say nothing about
// whether the two are the same kind of message.
//
// It returns -1 as soon as more than maxMiss literal tokens differ.
func (c *cluster) similarity(key []byte, toks []span, maxMiss int) float64 {
	eq, den := 0, 0
	for i, t := range toks {
		switch c.kinds[i] {
		case kindWild:
			continue
		case kindPartial:
			if c.fits(i, key[t.start:t.end]) {
				continue
			}
		default:
			if c.toks[i] == string(key[t.start:t.end]) {
				if t.kind != kindPure {
					eq++
					den++
				}
				continue
			}
		}
		if den++; den-eq > maxMiss {
			return -1
		}
	}
	if den == 0 {
		return 1
	}
	return float64(eq) / float64(den)
}

// fits reports whether word w fits the partial token i of the template.
func (c *cluster) fits(i int, w []byte) bool {
	t := c.toks[i]
	pre, suf := t[:c.cut[i]], t[int(c.cut[i])+len(Wildcard):]
	return len(w) >= len(pre)+len(suf) && string(w[:len(pre)]) == pre && string(w[len(w)-len(suf):]) == suf
}

// absorb makes every token of the template that differs from the message
// into <*>, keeping a literal prefix and suffix the two share that end at
// punctuation (user=root and user=admin become user=<*>), and reports
// whether any token changed.
func (c *cluster) absorb(key []byte, toks []span) bool {
	changed := false
	for i, t := range toks {
		w := string(key[t.start:t.end])
		switch c.kinds[i] {
		case kindWild:
			continue
		case kindPartial:
			if c.fits(i, key[t.start:t.end]) {
				continue
			}
			tk := c.toks[i]
			c.generalise(i, tk[:c.cut[i]], tk[int(c.cut[i])+len(Wildcard):], w)
			changed = true
		default:
			if c.toks[i] != w {
				c.generalise(i, c.toks[i], c.toks[i], w)
				changed = true
			}
		}
	}
	return changed
}

// generalise makes token i the <*> between the longest prefix of pre and
// suffix of suf that w shares, each cut back to punctuation.
func (c *cluster) generalise(i int, pre, suf, w string) {
	p := 0
	for p < len(pre) && p < len(w) && pre[p] == w[p] {
		p++
	}
	for p > 0 && !isDelim(pre[p-1]) {
		p--
	}
	s := 0
	for s < len(suf) && s < len(w)-p && suf[len(suf)-1-s] == w[len(w)-1-s] {
		s++
	}
	for s > 0 && !isDelim(suf[len(suf)-s]) {
		s--
	}
	if p == 0 && s == 0 {
		c.toks[i] = Wildcard
		c.kinds[i] = kindWild
		return
	}
	c.toks[i] = pre[:p] + Wildcard + suf[len(suf)-s:]
	c.kinds[i] = kindPartial
	c.cut[i] = int32(p)
}

// setText rebuilds the text and ID from the tokens.
func (c *cluster) setText(app string) {
	var b strings.Builder
	for i, t := range c.toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t)
	}
	// The tokens, generalised ones included, are copied into one string.
	c.text = b.String()
	off := 0
	for i, t := range c.toks {
		c.toks[i] = c.text[off : off+len(t)]
		off += len(t) + 1
	}
	c.id = ID(app, c.text)
}

// isDelim reports whether c is punctuation that can end a kept prefix or
// start a kept suffix: not a letter or digit, nor part of a placeholder.
func isDelim(c byte) bool { return !isAlnum(c) && c != '<' && c != '>' && c != '*' }

func (c *cluster) describe() Template {
	return Template{App: c.app, ID: c.id, Text: c.text, Count: c.count, Former: append([]string(nil), c.former...)}
}
