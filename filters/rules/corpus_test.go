package rules

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/decode"
)

// outOfScope marks sshd lines that the built-in OpenSSH rules leave to
// rules still to come (PAM, reloads, alerts). No rule may fire on them yet;
// when one does, move the line into scope by deleting its marker here.
var outOfScope = []string{"pam_unix(", "Received SIGHUP", "POSSIBLE BREAK-IN"}

// TestCorpus decodes the labelled sshd lines as the engine would and
// checks the built-in rules' categories (as a set, as the labelling
// conventions say) and fields against the labels.
func TestCorpus(t *testing.T) {
	s, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/sshd-*.log")
	if len(files) == 0 {
		t.Fatal("no corpus files")
	}
	ref := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	fired := map[string]int{}
	for _, f := range files {
		lines := readLines(t, f)
		exp := readLines(t, f+".expected.jsonl")
		if len(lines) != len(exp) {
			t.Fatalf("%s: %d lines, %d labels", f, len(lines), len(exp))
		}
		dec := decode.New(decode.Options{Location: time.FixedZone("NZDT", 13*3600)})
		for i, l := range lines {
			where := f + ":" + strconv.Itoa(i+1)
			var want struct {
				Categories []string          `json:"categories"`
				Fields     map[string]string `json:"fields"`
			}
			if err := json.Unmarshal(exp[i], &want); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			var e event.Event
			dec.Decode(&e, sources.Line{Data: l, Offset: int64(i)}, ref, ref)
			if e.App != "sshd" {
				t.Fatalf("%s: app %q", where, e.App)
			}
			s.Apply(&e)
			for _, id := range e.Rules {
				fired[id]++
			}
			if slices.ContainsFunc(outOfScope, func(m string) bool { return strings.Contains(e.Message, m) }) {
				if len(e.Rules) > 0 {
					t.Errorf("%s: out-of-scope line tagged by %v", where, e.Rules)
				}
				continue
			}
			if !sameSet(e.Categories, want.Categories) {
				t.Errorf("%s: categories %v, want %v (rules %v)\n\t%s", where, e.Categories, want.Categories, e.Rules, e.Message)
			}
			if len(e.Categories) > 0 && len(want.Categories) > 0 && e.Categories[0] != want.Categories[0] {
				t.Errorf("%s: primary category %s, want %s", where, e.Categories[0], want.Categories[0])
			}
			// The decoder's own keys (repeat_count, structured data) are
			// not the rules' business.
			got := map[string]string{}
			for _, k := range ContractFields() {
				if v, ok := e.Fields[k]; ok {
					got[k] = v
				}
			}
			if len(e.Rules) > 0 && !maps.Equal(got, want.Fields) {
				t.Errorf("%s: fields %v, want %v\n\t%s", where, got, want.Fields, e.Message)
			}
		}
	}
	// Every built-in rule must be exercised by the corpus.
	for _, r := range s.Rules() {
		if fired[r.ID] == 0 {
			t.Errorf("rule %s fired on no corpus line", r.ID)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// readLines splits a file on LF only.
func readLines(t testing.TB, name string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
}
