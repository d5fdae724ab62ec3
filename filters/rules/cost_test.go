package rules

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/internal/loggen"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/decode"
)

// Cost budgets per rule, over the events of its scope (its program's, its
// format's, or all for any_app) in the benchmark mixes and the labelled
// corpora. A pattern that runs and misses is the cost a rule adds to lines
// it does not tag: literal checks (which the prefilter shares) are nearly
// free, and so are patterns anchored with fixed text at the start of the
// message (tried at one position); other patterns are not. The budgets are counts, not timings, so the
// test means the same on any machine.
const (
	// maxMissRate is the share of a rule's scope on which its patterns may
	// run and miss.
	maxMissRate = 0.25
	// maxSlowMissRate is the same for patterns the fast matcher cannot
	// run, which cost a microsecond in Go's regexp engine.
	maxSlowMissRate = 0.02
	// minScope is the smallest scope worth judging.
	minScope = 50
)

func TestRuleCostBudget(t *testing.T) {
	s, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	evs := append(decodeWith(t, loggen.Server, 20000), decodeWith(t, loggen.Syslog, 20000)...)
	evs = append(evs, decodeCorpora(t)...)
	type cost struct{ scope, misses int }
	costs := map[*Rule]*cost{}
	for _, e := range evs {
		x := e
		for _, st := range s.Explain(&x) {
			c := costs[st.Rule]
			if c == nil {
				c = &cost{}
				costs[st.Rule] = c
			}
			c.scope++
			if st.Reason == reasonNoMatch {
				c.misses++
			}
		}
	}
	type row struct {
		id         string
		rate       float64
		scope      int
		slow, over bool
	}
	var rows []row
	for r, c := range costs {
		if c.scope < minScope {
			continue
		}
		slow, unanchored := false, false
		for i, f := range r.fast {
			slow = slow || f == nil
			unanchored = unanchored || r.starts[i] == nil
		}
		if !unanchored && !slow {
			// Every pattern starts with fixed text at the start of the
			// message: a miss costs a few comparisons at one position.
			continue
		}
		rate := float64(c.misses) / float64(c.scope)
		over := rate > maxMissRate || slow && rate > maxSlowMissRate
		rows = append(rows, row{r.ID, rate, c.scope, slow, over})
		if over {
			t.Errorf("rule %s (%s:%d): patterns run and miss on %.0f%% of the %d events in its scope (budget %.0f%%%s): guard it with a literal the lines it matches hold",
				r.ID, r.File, r.Line, 100*rate, c.scope, 100*maxMissRate, map[bool]string{true: ", 2% for the regexp engine", false: ""}[slow])
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].rate > rows[j].rate })
	for _, r := range rows[:min(8, len(rows))] {
		t.Logf("costliest: %-36s misses on %5.1f%% of %6d events in scope (regexp engine: %v)", r.id, 100*r.rate, r.scope, r.slow)
	}
}

// decodeCorpora decodes every labelled corpus line as the engine would.
func decodeCorpora(t testing.TB) []event.Event {
	var evs []event.Event
	ref := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	for _, g := range []string{"../../sources/decode/testdata/*.expected.jsonl", "testdata/labelled/*.expected.jsonl"} {
		files, _ := filepath.Glob(g)
		for _, f := range files {
			data, err := os.ReadFile(f[:len(f)-len(".expected.jsonl")])
			if err != nil {
				t.Fatal(err)
			}
			dec := decode.New(decode.Options{Location: time.UTC})
			for i, l := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
				var e event.Event
				dec.Decode(&e, sources.Line{Data: l, Offset: int64(i)}, ref, ref)
				evs = append(evs, e)
			}
		}
	}
	return evs
}
