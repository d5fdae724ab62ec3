package template

import (
	"encoding/csv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// drainGA is Drain's published grouping accuracy on each Loghub-2k set
// (Zhu et al., "Tools and Benchmarks for Automated Log Parsing", ICSE-SEIP
// 2019; the benchmark table in logpai/logparser's Drain README). Each is the
// least GA the test accepts on that set, except OpenSSH, where we ask for
// 0.99 (Drain had 0.7875). A set not named here is scored and logged, with
// no goal.
var drainGA = map[string]float64{
	"HDFS":        0.9975,
	"Hadoop":      0.9475,
	"Spark":       0.92,
	"Zookeeper":   0.9665,
	"BGL":         0.9625,
	"HPC":         0.887,
	"Thunderbird": 0.955,
	"Windows":     0.997,
	"Linux":       0.69,
	"Mac":         0.7865,
	"Android":     0.911,
	"HealthApp":   0.78,
	"Apache":      1.0,
	"OpenSSH":     0.99,
	"OpenStack":   0.7325,
	"Proxifier":   0.5265,
}

// loghubDir finds the Loghub samples: $VIGIL_LOGHUB, or ../shared/loghub
// next to the repository.
func loghubDir(t testing.TB) string {
	if d := os.Getenv("VIGIL_LOGHUB"); d != "" {
		return d
	}
	d, err := filepath.Abs("../../../shared/loghub")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d); err != nil {
		t.Skipf("no Loghub samples at %s (set VIGIL_LOGHUB)", d)
	}
	return d
}

// loghubSets returns the sets in dir, sorted: every subdirectory NAME that
// holds NAME_2k.log_structured.csv.
func loghubSets(t testing.TB, dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var sets []string
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(structuredCSV(dir, e.Name())); err == nil {
			sets = append(sets, e.Name())
		}
	}
	if len(sets) == 0 {
		t.Skipf("no Loghub sets in %s", dir)
	}
	return sets // ReadDir sorts by name
}

func structuredCSV(dir, name string) string {
	return filepath.Join(dir, name, name+"_2k.log_structured.csv")
}

// loghubLine is one line of a sample: its app, its message and its true
// event.
type loghubLine struct {
	app, content, event string
}

// readLoghub reads a set's structured CSV: the message is the Content
// column and the true event the EventId column. Every line is mined as one
// app, from its content alone, as Drain and the published figures were:
// a set's Component column is no program name (a host in OpenSSH, a Java
// class or Python logger elsewhere), and splitting by it cost Linux and
// OpenStack a third of their accuracy.
func readLoghub(t testing.TB, dir, name string) []loghubLine {
	f, err := os.Open(structuredCSV(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.LazyQuotes = true
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(rows) < 2 {
		t.Fatalf("%s: no lines", name)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	content, okC := col["Content"]
	event, okE := col["EventId"]
	if !okC || !okE {
		t.Fatalf("%s: the structured CSV has no Content or EventId column", name)
	}
	lines := make([]loghubLine, 0, len(rows)-1)
	for _, r := range rows[1:] {
		lines = append(lines, loghubLine{content: r[content], event: r[event]})
	}
	return lines
}

// groupingAccuracy is Loghub's GA: a line is right when the lines that share
// its predicted template are exactly the lines that share its true event.
func groupingAccuracy(truth, pred []string) float64 {
	type pair struct{ t, p string }
	byTruth := map[string]int{}
	byPred := map[string]int{}
	both := map[pair]int{}
	predsOf := map[string]map[string]bool{}
	for i := range truth {
		byTruth[truth[i]]++
		byPred[pred[i]]++
		both[pair{truth[i], pred[i]}]++
		if predsOf[truth[i]] == nil {
			predsOf[truth[i]] = map[string]bool{}
		}
		predsOf[truth[i]][pred[i]] = true
	}
	right := 0
	for ev, ps := range predsOf {
		if len(ps) != 1 {
			continue
		}
		for p := range ps {
			if byPred[p] == byTruth[ev] {
				right += byTruth[ev]
			}
		}
	}
	return float64(right) / float64(len(truth))
}

// TestLoghubGroupingAccuracy mines each Loghub-2k sample with the default
// options and scores the grouping two ways: by each line's template at the
// end (what Loghub's benchmark scores, and what Lookup resolves an event's
// ID to), and by the ID each line was given when it was mined.
func TestLoghubGroupingAccuracy(t *testing.T) {
	dir := loghubDir(t)
	for _, name := range loghubSets(t, dir) {
		t.Run(name, func(t *testing.T) {
			lines := readLoghub(t, dir, name)
			m := New(Options{})
			truth := make([]string, len(lines))
			online := make([]string, len(lines))
			for i, l := range lines {
				truth[i] = l.event
				online[i] = m.Mine(l.app, l.content).ID
			}
			final := make([]string, len(lines))
			for i, id := range online {
				tp, ok := m.Lookup(id)
				if !ok {
					t.Fatalf("line %d: Lookup(%s) found nothing", i+1, id)
				}
				final[i] = tp.ID
			}
			ga := groupingAccuracy(truth, final)
			st := m.Stats()
			goal, hasGoal := drainGA[name]
			goalText := "none"
			if hasGoal {
				goalText = strconv.FormatFloat(goal, 'f', 4, 64)
			}
			t.Logf("%s: GA %.4f (goal %s), GA by ID at mining time %.4f, %d templates, %d generalisations, %d lines",
				name, ga, goalText, groupingAccuracy(truth, online), st.Templates, st.Generalisations, len(lines))
			if testing.Verbose() {
				logMisgrouped(t, m, lines, final)
			}
			if hasGoal && ga < goal {
				t.Errorf("%s: GA %.4f, want at least %.4f", name, ga, goal)
			}
		})
	}
}

// logMisgrouped logs, for each true event not grouped exactly, the
// templates its lines got.
func logMisgrouped(t *testing.T, m *Miner, lines []loghubLine, pred []string) {
	preds := map[string]map[string]int{}
	events := map[string]map[string]int{}
	for i, l := range lines {
		if preds[l.event] == nil {
			preds[l.event] = map[string]int{}
		}
		preds[l.event][pred[i]]++
		if events[pred[i]] == nil {
			events[pred[i]] = map[string]int{}
		}
		events[pred[i]][l.event]++
	}
	for ev, ps := range preds {
		bad := len(ps) > 1
		for p := range ps {
			if len(events[p]) > 1 {
				bad = true
			}
		}
		if !bad {
			continue
		}
		for p, n := range ps {
			tp, _ := m.Lookup(p)
			t.Logf("  %s: %d lines -> %s %q (events %v)", ev, n, p, tp.Text, events[p])
		}
	}
}

// TestLoghubOrder mines each sample in shuffled orders and counts the lines
// whose final template ID differs from the one in file order: IDs are meant
// to be the same in every run, whatever order the lines arrive in.
// orderGuarded are the sets whose order dependence TestLoghubOrder holds
// under 1 % of lines: the shared ones.
var orderGuarded = map[string]bool{"OpenSSH": true, "Apache": true, "HDFS": true}

func TestLoghubOrder(t *testing.T) {
	dir := loghubDir(t)
	for _, name := range loghubSets(t, dir) {
		lines := readLoghub(t, dir, name)
		final := func(order []int) []string {
			m := New(Options{})
			ids := make([]string, len(lines))
			for _, i := range order {
				ids[i] = m.Mine(lines[i].app, lines[i].content).ID
			}
			for i, id := range ids {
				tp, _ := m.Lookup(id)
				ids[i] = tp.ID
			}
			return ids
		}
		order := make([]int, len(lines))
		for i := range order {
			order[i] = i
		}
		want := final(order)
		r := rand.New(rand.NewPCG(7, uint64(len(name))))
		worst := 0
		for run := 0; run < 5; run++ {
			r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			got := final(order)
			differ := 0
			for i := range got {
				if got[i] != want[i] {
					differ++
				}
			}
			worst = max(worst, differ)
		}
		t.Logf("%s: at most %d of %d lines got another final ID in 5 shuffled orders", name, worst, len(lines))
		// An online miner of the Drain family depends on order by design
		// (a line meets the templates as they are when it comes); the
		// limit guards the sets the miner was built against from getting
		// worse, and other sets are measured, not judged.
		if orderGuarded[name] && float64(worst) > 0.01*float64(len(lines)) {
			t.Errorf("%s: %d lines depend on the order", name, worst)
		}
	}
}
