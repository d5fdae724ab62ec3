package file

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
	"github.com/vigil-sec/vigil/sources"
)

// Recovery from copytruncate's copies.
//
// copytruncate copies the live file to app.log.1 (shifting older copies to
// .2, .3 ...) and then truncates the live file in place. A reader that is
// behind when that happens finds the rest of the generation it was reading
// in the copy, and a reader that was blocked over several rotations finds
// every generation it never saw in the newer copies. The only bytes no
// reader can get back are those the writer appended between logrotate's copy
// and its truncate.

// maxDelivered bounds follower.delivered; logrotate keeps fewer copies than
// this in any common configuration.
const maxDelivered = 32

// maxRecoveryRounds bounds how often truncated looks for copies again when
// more cuts happened while it was reading copies, so that the live file is
// read eventually even under continuous rotation.
const maxRecoveryRounds = 16

// fingerprint identifies one generation of a file's content: the first bytes
// (at most fingerprintLen) of a line and where they lie in the file.
type fingerprint struct {
	data []byte
	off  int64
}

// in reports whether f holds the fingerprint at the same offset. A file that
// ends inside the fingerprint matches on what it has, if that is at least
// minFingerprint bytes.
func (fp fingerprint) in(f *os.File) bool {
	if len(fp.data) == 0 {
		return false
	}
	var buf [fingerprintLen]byte
	n, _ := f.ReadAt(buf[:len(fp.data)], fp.off)
	return n >= min(len(fp.data), minFingerprint) && bytes.Equal(buf[:n], fp.data[:n])
}

// holdsCopy reports whether live still holds what c holds: logrotate has
// copied it and not truncated it yet. The live file is at least as long and
// has the same bytes at both ends of the copy's extent.
func holdsCopy(live *os.File, c *rotatedCopy) bool {
	fi, err := live.Stat()
	if err != nil || fi.Size() < c.size {
		return false
	}
	n := min(c.size, fingerprintLen)
	var a, b [fingerprintLen]byte
	for _, at := range []int64{0, c.size - n} {
		na, _ := live.ReadAt(a[:n], at)
		nb, _ := c.f.ReadAt(b[:n], at)
		if int64(na) != n || int64(nb) != n || a != b {
			return false
		}
	}
	return true
}

// prefixOf returns the first bytes (at most fingerprintLen) of f: a
// fragment of a line, maybe, then whole lines.
func prefixOf(f *os.File) fingerprint {
	var buf [fingerprintLen]byte
	n, _ := f.ReadAt(buf[:], 0)
	return fingerprint{data: append([]byte(nil), buf[:n]...)}
}

// remember records a generation as delivered, keeping the newest
// maxDelivered.
func (fw *follower) remember(fp fingerprint) {
	if len(fp.data) == 0 {
		return
	}
	fw.delivered = append(fw.delivered, fp)
	if len(fw.delivered) > maxDelivered {
		fw.delivered = slices.Delete(fw.delivered, 0, len(fw.delivered)-maxDelivered)
	}
}

func (fw *follower) wasDelivered(f *os.File) bool {
	return slices.ContainsFunc(fw.delivered, func(fp fingerprint) bool { return fp.in(f) })
}

// rotatedCopy is an open file that logrotate may have made from ours.
type rotatedCopy struct {
	f     *os.File
	name  string // base name, for notices
	size  int64
	mtime time.Time
	rank  int64 // order among equal mtimes: higher is newer
}

// rotatedRank reports whether name is how logrotate names a rotated copy of
// base (base.N or base-DATE: a "." or "-" then a digit, not compressed) and
// ranks it: base.1 is newer than base.2, base-20260102 newer than
// base-20260101.
func rotatedRank(base, name string) (int64, bool) {
	rest, ok := strings.CutPrefix(name, base)
	if !ok || len(rest) < 2 || (rest[0] != '.' && rest[0] != '-') || rest[1] < '0' || rest[1] > '9' || isCompressed(name) {
		return 0, false
	}
	digits := rest[1:]
	if i := strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		digits = digits[:i]
	}
	n, err := strconv.ParseInt(digits[:min(len(digits), 18)], 10, 64)
	if err != nil {
		return 0, false
	}
	if rest[0] == '.' {
		return -n, true
	}
	return n, true
}

// isCompressed reports names that logrotate compression produces.
func isCompressed(name string) bool {
	for _, ext := range []string{".gz", ".bz2", ".xz", ".zst", ".lz4", ".Z"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// listCopies opens the rotated copies of t's file (see rotatedRank), oldest
// first by modification time, then by name. The live file itself and
// anything that is not a regular file are left out, and a file seen under
// two names (a rename during the listing) is opened once. The caller closes
// them (closeCopies).
func (fw *follower) listCopies(t *tracked) []*rotatedCopy {
	dir, base := filepath.Dir(fw.path), filepath.Base(fw.path)
	if target, err := filepath.EvalSymlinks(fw.path); err == nil {
		dir, base = filepath.Dir(target), filepath.Base(target)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []*rotatedCopy
	seen := make(map[[2]uint64]bool)
	for _, e := range entries {
		rank, ok := rotatedRank(base, e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		fi, err := f.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			f.Close()
			continue
		}
		dev, ino := fileID(fi)
		if (dev == t.dev && ino == t.ino) || seen[[2]uint64{dev, ino}] {
			f.Close()
			continue
		}
		seen[[2]uint64{dev, ino}] = true
		out = append(out, &rotatedCopy{f: f, name: e.Name(), size: fi.Size(), mtime: fi.ModTime(), rank: rank})
	}
	slices.SortStableFunc(out, func(a, b *rotatedCopy) int {
		if c := a.mtime.Compare(b.mtime); c != 0 {
			return c
		}
		switch {
		case a.rank < b.rank:
			return -1
		case a.rank > b.rank:
			return 1
		}
		return 0
	})
	return out
}

func closeCopies(cs []*rotatedCopy) {
	for _, c := range cs {
		c.f.Close()
	}
}

// laterCopies returns, oldest first, the copies after the newest copy of a
// generation we delivered: the generations since. Without a copy of a
// delivered generation to start from it returns nothing: older copies that
// predate what we followed are history, not loss.
func (fw *follower) laterCopies(copies []*rotatedCopy) []*rotatedCopy {
	for i := len(copies) - 1; i >= 0; i-- {
		if fw.wasDelivered(copies[i].f) {
			return copies[i+1:]
		}
	}
	return nil
}

// truncated handles content that was cut (copytruncate, "> file"). off is
// how far we had read the content that was cut (generation 0), truncs the
// sizes observed just before each cut since we last looked: the first is
// generation 0's, each later one a whole generation we never saw.
//
// The rest of generation 0 is read from its rotated copy when one is found
// (same first line, at least off bytes). Then every later generation still
// on disk as a newer copy is read whole, oldest first, with line offsets
// relative to the copy; if more cuts happened meanwhile, the copies are
// listed again. Reading then starts again at offset 0 of the live file.
//
// What is still missing is reported in one log.integrity notice naming the
// copies read, with its byte count as a lower bound: per generation, the
// last size observed minus what its copy held (or, when copies and cuts
// cannot be paired, the same totals over all of them). Bytes the writer
// appended after our last look and before the cut were never in any file a
// reader can open, and cannot be counted.
//
// At each boundary between generations, an incomplete line we hold is
// continued by the next content when nothing is known to be missing in
// between (a writer that flushed in mid-line before the cut), and dropped
// and counted otherwise. It returns false if ctx ended.
func (fw *follower) truncated(ctx context.Context, t *tracked, off int64, truncs []int64) bool {
	known := len(truncs) > 0
	cuts := slices.Clone(truncs) // sizes before each cut, generation 0 first
	sizes := []int64{off}        // bytes of each generation accounted for
	var names []string           // copies read from
	var recovered int64          // bytes read from copies
	var discarded int64          // incomplete lines dropped at boundaries
	g0 := fingerprint{data: t.head, off: t.headOff}
	// Knowing generation 0's first line, no copy of it can pass for a later
	// generation: the later copies read are generations 1, 2 ... in order,
	// and pair with the cuts when generation 0's cut was observed. Without
	// it, only a reader that had read nothing of it (off 0) reads later
	// copies, one of which may then be generation 0 itself.
	identified := len(g0.data) > 0
	paired := identified && known
	copies := fw.listCopies(t)
	defer func() { closeCopies(copies) }()
	for i := len(copies) - 1; i >= 0; i-- {
		c := copies[i]
		if c.size < off || !g0.in(c.f) {
			continue
		}
		t.lr.Rebase(&offsetReader{f: c.f, off: off}, off)
		end, ok := fw.drainCopy(ctx, t, c)
		if !ok {
			return false
		}
		sizes[0] = end
		if end > off {
			names = append(names, c.name)
			recovered += end - off
		}
		break
	}
	fw.remember(g0)
	// next points the line reader at the start of the next generation, the
	// live file's when live is set.
	next := func(f *os.File, live bool) {
		i := len(sizes) - 1
		whole := known && i < len(cuts) && cuts[i] <= sizes[i] && // nothing missing at the end of generation i
			(i == 0 || paired) && // sizes[i] is generation i
			(!live || len(sizes) == len(cuts)) // and live content is generation i+1
		if whole {
			t.lr.Rebase(&offsetReader{f: f}, 0)
		} else {
			discarded += t.lr.Reset(&offsetReader{f: f}, 0)
		}
	}
	retries := 0
	for round := 0; round < maxRecoveryRounds && (identified || off == 0); round++ {
		if round > 0 {
			closeCopies(copies)
			copies = fw.listCopies(t)
		}
		for _, c := range fw.laterCopies(copies) {
			// Checked as we go, so that a generation found under two names
			// is read once.
			if c.size == 0 || fw.wasDelivered(c.f) {
				continue
			}
			if holdsCopy(t.f, c) {
				// What the live file holds now: logrotate has copied it and
				// not truncated it yet. It is read from the live file.
				break
			}
			next(c.f, false)
			fw.remember(prefixOf(c.f))
			end, ok := fw.drainCopy(ctx, t, c)
			if !ok {
				return false
			}
			sizes = append(sizes, end)
			names = append(names, c.name)
			recovered += end
		}
		// Cuts that happened while we read copies: their copies are the
		// next round's.
		_, more, _, err := t.sync()
		if err != nil {
			break
		}
		if len(more) == 0 {
			// A generation whose copy was not listed: the listing may have
			// raced logrotate renaming the copies. Look again, twice.
			if len(sizes) >= len(cuts) || retries == 2 {
				break
			}
			retries++
			time.Sleep(5 * time.Millisecond)
			continue
		}
		cuts = append(cuts, more...)
	}
	paired = paired && len(sizes) == len(cuts)
	next(t.f, true)
	t.head = nil

	var skipped int64
	if paired {
		for i, c := range cuts {
			skipped += max(c-sizes[i], 0)
		}
	} else {
		var all int64
		for _, c := range cuts {
			all += c
		}
		for _, s := range sizes {
			all -= s
		}
		skipped = max(all, 0)
	}
	// Without any observed cut the content was cut and regrown past our
	// offset before we looked (its first line changed): how much followed
	// is unknown, and only the incomplete lines we drop are counted.
	skipped += discarded

	p := sanitize.String(fw.path)
	msg := fmt.Sprintf("%s was truncated at offset %d", p, off)
	if len(cuts) > 1 {
		msg = fmt.Sprintf("%s was truncated %d times, first at offset %d", p, len(cuts), off)
	}
	switch {
	case len(names) == 1:
		msg += fmt.Sprintf("; read %d bytes from its copy %s", recovered, sanitize.String(names[0]))
	case len(names) > 1:
		whole := fmt.Sprintf("%d whole generations", len(sizes)-1)
		if len(sizes) == 2 {
			whole = "1 whole generation"
		}
		msg += fmt.Sprintf("; read %d bytes from its copies %s (%s)", recovered, sanitize.String(strings.Join(names, ", ")), whole)
	}
	if known {
		msg += fmt.Sprintf("; at least %d bytes skipped (written before the truncation and never read; bytes written between the last look and the cut cannot be counted)", skipped)
	} else {
		msg += fmt.Sprintf("; at least %d bytes skipped (rewritten before it was seen, the rest is unknown)", skipped)
	}
	fw.notice(event.Warning, true, sources.StateRotated, msg, map[string]string{
		"skipped_bytes":   strconv.FormatInt(skipped, 10),
		"offset":          strconv.FormatInt(off, 10),
		"skipped_known":   strconv.FormatBool(known),
		"recovered_bytes": strconv.FormatInt(recovered, 10),
		"copies":          strings.Join(names, ","),
	})
	return true
}

// drainCopy sends the lines of c from where the line reader stands to the
// copy's end and returns the offset reached.
func (fw *follower) drainCopy(ctx context.Context, t *tracked, c *rotatedCopy) (int64, bool) {
	for {
		lines, err := t.lr.Read(0)
		if len(lines) > 0 {
			b := sources.Batch{Source: fw.name, ModTime: c.mtime, Live: true, Notices: fw.takeNotices(), Lines: lines}
			if !send(ctx, fw.out, b) {
				return 0, false
			}
		}
		if err != nil {
			if err != io.EOF {
				fw.opts.Logger.Debug("reading rotated copy", "path", fw.path, "copy", c.name, "err", err)
			}
			return t.lr.Offset(), true
		}
	}
}
