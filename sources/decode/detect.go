package decode

// detectLines is how many lines of a source vote on its format.
const detectLines = 16

// detector picks a source's format from its first lines. Every line is
// decoded with the preferred format first; when that fails, the others are
// tried in fallback order (each rejects a foreign line on its first bytes)
// and then plain. During the first detectLines lines, the format each line
// decoded with gets a vote, and the preferred format is the one with the
// most votes so far (ties go to the earlier format in fallback order; plain
// only when nothing else parsed, and then every line tries all formats). After that the choice is fixed, so a
// source that turns into something else later costs one failed attempt per
// line but still decodes.
type detector struct {
	preferred formatID
	votes     [numFormats]uint8
	seen      int
	done      bool
}

func (t *detector) observe(id formatID) {
	if t.done {
		return
	}
	t.votes[id]++
	t.seen++
	best := fPlain
	for f := formatID(0); f < fPlain; f++ {
		if t.votes[f] > 0 && (best == fPlain || t.votes[f] > t.votes[best]) {
			best = f
		}
	}
	t.preferred = best
	if t.seen >= detectLines {
		t.done = true
	}
}

// Format returns the format the Decoder currently prefers: the forced one,
// or the one detection has settled on so far ("rfc3164" before any line).
func (d *Decoder) Format() string { return formatNames[d.det.preferred] }
