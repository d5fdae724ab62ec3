package main

// The corpus score: every labelled corpus file goes through the built
// binary (vigil stream --format json), the real decoding and tagging path,
// and the categories and fields it prints are compared with the labels.
// Precision and recall are printed per category and overall.
//
// VIGIL_CORPUS, a list of directories separated by ':', scores another
// labelled corpus the same way (scripts/corpus-score does this).

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/filters/rules"
)

// Thresholds from issue 3: overall precision and recall, and the floor for
// every category on either.
const (
	minPrecision = 0.98
	minRecall    = 0.95
	minCategory  = 0.90
	minFields    = 0.95
)

// corpusDirs are the labelled corpora scored by default: the shared sample
// corpus (copied into the decoder's testdata) and our own extra lines.
func corpusDirs() []string {
	if v := os.Getenv("VIGIL_CORPUS"); v != "" {
		return filepath.SplitList(v)
	}
	return []string{"../../sources/decode/testdata", "../../filters/rules/testdata/labelled"}
}

type label struct {
	Categories []string          `json:"categories"`
	Fields     map[string]string `json:"fields"`
	Note       string            `json:"note"`
}

type tagged struct {
	Categories []string          `json:"categories"`
	Fields     map[string]string `json:"fields"`
	Rules      []string          `json:"rules"`
	Message    string            `json:"message"`
	App        string            `json:"app"`
}

type counts struct{ tp, fp, fn int }

func (c counts) precision() float64 {
	if c.tp+c.fp == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fp)
}

func (c counts) recall() float64 {
	if c.tp+c.fn == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fn)
}

// score compares one line's categories with its label.
func (s *corpusScore) add(got, want []string) {
	for _, c := range got {
		k := s.per[c]
		if slices.Contains(want, c) {
			k.tp++
		} else {
			k.fp++
		}
		s.per[c] = k
	}
	for _, c := range want {
		if !slices.Contains(got, c) {
			k := s.per[c]
			k.fn++
			s.per[c] = k
		}
	}
}

type corpusScore struct {
	fired               map[string]int
	per                 map[string]counts
	lines, exact        int
	fieldsOK, fieldsAll int
	primaryOK, primary  int
}

func (s *corpusScore) total() counts {
	var t counts
	for _, c := range s.per {
		t.tp += c.tp
		t.fp += c.fp
		t.fn += c.fn
	}
	return t
}

func TestCorpusScore(t *testing.T) {
	s := &corpusScore{per: map[string]counts{}, fired: map[string]int{}}
	var misses []string
	files := 0
	for _, dir := range corpusDirs() {
		exps, _ := filepath.Glob(filepath.Join(dir, "*.expected.jsonl"))
		for _, exp := range exps {
			data := strings.TrimSuffix(exp, ".expected.jsonl")
			if _, err := os.Stat(data); err != nil {
				continue
			}
			files++
			misses = append(misses, scoreFile(t, s, data, exp)...)
		}
	}
	if files == 0 {
		t.Fatalf("no labelled corpus files in %v", corpusDirs())
	}

	var b strings.Builder
	fmt.Fprintf(&b, "corpus: %d files, %d lines, %d with exactly the labelled categories\n", files, s.lines, s.exact)
	fmt.Fprintf(&b, "%-18s %5s %5s %5s %9s %7s\n", "category", "tp", "fp", "fn", "precision", "recall")
	cats := rules.Categories()
	for c := range s.per {
		if !slices.Contains(cats, c) {
			cats = append(cats, c)
		}
	}
	var low []string
	for _, c := range cats {
		k := s.per[c]
		fmt.Fprintf(&b, "%-18s %5d %5d %5d %9.3f %7.3f\n", c, k.tp, k.fp, k.fn, k.precision(), k.recall())
		if k.tp+k.fp+k.fn > 0 && (k.precision() < minCategory || k.recall() < minCategory) {
			low = append(low, c)
		}
	}
	tot := s.total()
	fmt.Fprintf(&b, "%-18s %5d %5d %5d %9.3f %7.3f\n", "overall", tot.tp, tot.fp, tot.fn, tot.precision(), tot.recall())
	fieldAcc := 1.0
	if s.fieldsAll > 0 {
		fieldAcc = float64(s.fieldsOK) / float64(s.fieldsAll)
	}
	primAcc := 1.0
	if s.primary > 0 {
		primAcc = float64(s.primaryOK) / float64(s.primary)
	}
	fmt.Fprintf(&b, "fields: %d of %d labelled values produced (%.3f); primary category right on %d of %d tagged lines (%.3f)\n",
		s.fieldsOK, s.fieldsAll, fieldAcc, s.primaryOK, s.primary, primAcc)
	t.Log("\n" + b.String())
	if len(misses) > 0 {
		t.Logf("%d lines differ from their labels:\n%s", len(misses), strings.Join(misses, "\n"))
	}
	if tot.precision() < minPrecision || tot.recall() < minRecall {
		t.Errorf("overall precision %.3f, recall %.3f: want at least %.2f and %.2f", tot.precision(), tot.recall(), minPrecision, minRecall)
	}
	if len(low) > 0 {
		t.Errorf("categories below %.2f on precision or recall: %v", minCategory, low)
	}
	if fieldAcc < minFields {
		t.Errorf("field accuracy %.3f: want at least %.2f", fieldAcc, minFields)
	}
	// On our own corpus, every built-in rule that sets categories must be
	// shown working on at least one labelled line.
	if os.Getenv("VIGIL_CORPUS") == "" {
		set, err := rules.LoadBuiltin()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range set.Rules() {
			if len(r.Categories) > 0 && !r.Disabled && s.fired[r.ID] == 0 {
				t.Errorf("built-in rule %s (%s:%d) fired on no labelled corpus line", r.ID, r.File, r.Line)
			}
		}
	}
}

// scoreFile runs one corpus file through vigil and scores it, returning a
// description of every line that differs from its label.
func scoreFile(t *testing.T, s *corpusScore, data, exp string) []string {
	t.Helper()
	wantLines := splitLF(t, exp)
	nlines := len(splitLF(t, data))
	if nlines != len(wantLines) {
		t.Fatalf("%s: %d lines but %d labels", data, nlines, len(wantLines))
	}
	cmd := exec.Command(vigilBin, "stream", "--format", "json", "--utc", data)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir())
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("vigil stream %s: %v\n%s", data, err, errb.String())
	}
	var got []tagged
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e tagged
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("%s: bad JSON from vigil: %v\n%s", data, err, sc.Bytes())
		}
		got = append(got, e)
	}
	if len(got) != len(wantLines) {
		t.Fatalf("%s: vigil printed %d events for %d lines", data, len(got), len(wantLines))
	}
	var misses []string
	for i, wl := range wantLines {
		var want label
		if err := json.Unmarshal(wl, &want); err != nil {
			t.Fatalf("%s:%d: %v", exp, i+1, err)
		}
		g := got[i]
		for _, id := range g.Rules {
			s.fired[id]++
		}
		s.lines++
		s.add(g.Categories, want.Categories)
		same := sameSet(g.Categories, want.Categories)
		if same {
			s.exact++
		}
		var why []string
		if !same {
			why = append(why, fmt.Sprintf("categories %v, want %v", g.Categories, want.Categories))
		}
		if len(want.Categories) > 0 && len(g.Categories) > 0 {
			s.primary++
			if g.Categories[0] == want.Categories[0] {
				s.primaryOK++
			} else if same {
				why = append(why, fmt.Sprintf("primary %s, want %s", g.Categories[0], want.Categories[0]))
			}
		}
		keys := make([]string, 0, len(want.Fields))
		for k := range want.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			s.fieldsAll++
			if g.Fields[k] == want.Fields[k] {
				s.fieldsOK++
			} else {
				why = append(why, fmt.Sprintf("%s=%q, want %q", k, g.Fields[k], want.Fields[k]))
			}
		}
		if len(why) > 0 {
			misses = append(misses, fmt.Sprintf("  %s:%d [%s] rules %v: %s\n      %s", filepath.Base(data), i+1, g.App, g.Rules, strings.Join(why, "; "), g.Message))
		}
	}
	return misses
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// splitLF splits a file into lines on LF only (audit records hold 0x1D).
func splitLF(t *testing.T, name string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) == 0 {
		return nil
	}
	return bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
}
