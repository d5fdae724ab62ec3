package baseline

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// magic starts every baseline file, followed by the format version and a
// newline; the rest is the Baseline, gob-encoded and zstd-compressed.
const magic = "vigil-baseline"

// Write writes b to w in the current format.
func Write(w io.Writer, b *Baseline) error {
	if _, err := fmt.Fprintf(w, "%s %d\n", magic, Version); err != nil {
		return err
	}
	zw, err := zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.SpeedDefault))
	if err != nil {
		return err
	}
	b.Version = Version
	if err := gob.NewEncoder(zw).Encode(b); err != nil {
		zw.Close()
		return err
	}
	return zw.Close()
}

// Read reads a baseline written by Write. A file of another format
// version, or not a baseline at all, is an error that says so.
func Read(r io.Reader) (*Baseline, error) {
	br := bufio.NewReader(r)
	head, err := br.ReadString('\n')
	if err != nil && len(head) == 0 {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty file, not a vigil baseline")
		}
		return nil, err
	}
	name, ver, ok := strings.Cut(strings.TrimSpace(head), " ")
	if name != magic || !ok {
		return nil, errors.New("not a vigil baseline (it does not start with \"" + magic + "\")")
	}
	v, err := strconv.Atoi(ver)
	if err != nil {
		return nil, fmt.Errorf("not a vigil baseline (format version %q)", ver)
	}
	if v != Version {
		if v > Version {
			return nil, fmt.Errorf("baseline format %d is newer than this vigil reads (%d): upgrade vigil or learn the baseline again", v, Version)
		}
		return nil, fmt.Errorf("baseline format %d is older than this vigil reads (%d): learn the baseline again with vigil baseline learn", v, Version)
	}
	zr, err := zstd.NewReader(br, zstd.WithDecoderMaxMemory(1<<30))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	b := new(Baseline)
	if err := gob.NewDecoder(zr).Decode(b); err != nil {
		return nil, fmt.Errorf("damaged baseline: %w", err)
	}
	b.init()
	return b, nil
}

// Load reads the baseline file at path.
func Load(path string) (*Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// Save writes b to path atomically (a temporary file renamed into place),
// readable by its owner only.
func Save(path string, b *Baseline) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err := Write(bw, b); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// init makes the maps a decoded baseline may lack (gob leaves empty ones
// nil).
func (b *Baseline) init() {
	if b.Hosts == nil {
		b.Hosts = make(map[string]*Host)
	}
	if b.Users == nil {
		b.Users = make(map[string]*User)
	}
	if b.Templates == nil {
		b.Templates = make(map[string]*Template)
	}
	if b.Packages == nil {
		b.Packages = make(map[string]Seen)
	}
	if b.Accounts == nil {
		b.Accounts = make(map[string]Seen)
	}
	if b.Sources == nil {
		b.Sources = make(map[string]*Source)
	}
	for _, h := range b.Hosts {
		if h.Categories == nil {
			h.Categories = make(map[string]*Series)
		}
		if h.Templates == nil {
			h.Templates = make(map[string]*Series)
		}
		// A damaged or hand-made file must not break the detector: hours
		// of the week in range, in order, once each.
		h.Total.clean()
		for _, m := range []map[string]*Series{h.Categories, h.Templates} {
			for _, s := range m {
				s.clean()
			}
		}
	}

	for _, u := range b.Users {
		if u.Hosts == nil {
			u.Hosts = make(map[string]Seen)
		}
		if u.Addrs == nil {
			u.Addrs = make(map[string]Seen)
		}
		if u.Sudo == nil {
			u.Sudo = make(map[string]Seen)
		}
		if u.Apps == nil {
			u.Apps = make(map[string]*UserApp)
		}
		for app, ua := range u.Apps {
			if ua == nil {
				delete(u.Apps, app)
			} else if ua.Addrs == nil {
				ua.Addrs = make(map[string]Seen)
			}
		}
	}
}

// clean keeps the hours of week in range, sorted, each once.
func (s *Series) clean() {
	s.Hours = slices.DeleteFunc(s.Hours, func(h Hour) bool { return int(h.How) >= HoursPerWeek })
	slices.SortFunc(s.Hours, func(a, b Hour) int { return int(a.How) - int(b.How) })
	s.Hours = slices.CompactFunc(s.Hours, func(a, b Hour) bool { return a.How == b.How })
}
