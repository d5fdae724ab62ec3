package rules

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/vigil-sec/vigil/internal/loggen"
)

// TestCacheMatchesApply checks that the cache does exactly what Apply does:
// every event of the mixes and the labelled corpora, tagged three times
// through one cache (first sighting, second, then a hit), against Apply.
func TestCacheMatchesApply(t *testing.T) {
	s, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	evs := append(decodeWith(t, loggen.Server, 5000), decodeWith(t, loggen.Syslog, 5000)...)
	evs = append(evs, decodeCorpora(t)...)
	c := NewCache(s)
	hits := 0
	for _, e := range evs {
		want := e
		want.Fields = cloneFields(e.Fields)
		s.Apply(&want)
		for round := 0; round < 3; round++ {
			got := e
			got.Fields = cloneFields(e.Fields)
			before := len(c.entries)
			c.Apply(&got)
			if round == 2 && len(c.entries) == before {
				hits++
			}
			if !slices.Equal(got.Categories, want.Categories) || !slices.Equal(got.Rules, want.Rules) ||
				got.Severity != want.Severity || !maps.Equal(got.Fields, want.Fields) {
				t.Fatalf("round %d on %s %q:\n cache %v %v %v %v\n apply %v %v %v %v", round, e.App, e.Message,
					got.Categories, got.Rules, got.Severity, got.Fields, want.Categories, want.Rules, want.Severity, want.Fields)
			}
		}
	}
	if hits == 0 {
		t.Fatal("the cache never answered")
	}
}

// TestCacheNoAllocsForUnique checks that messages seen once cost no
// allocation: they are only hashed.
func TestCacheNoAllocsForUnique(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not exact under -race")
	}
	s, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	c := NewCache(s)
	evs := decodeWith(t, loggen.Server, 400)
	for i := range evs {
		evs[i].Message = fmt.Sprintf("%s #%d", evs[i].Message, i) // all unique
	}
	spare := map[string]string{}
	i := 0
	n := testing.AllocsPerRun(300, func() {
		e := evs[i]
		i++
		clear(spare)
		e.Fields = spare
		c.Apply(&e)
	})
	if n != 0 {
		t.Errorf("%v allocations per unique message, want 0", n)
	}
}

func cloneFields(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	return maps.Clone(m)
}

// BenchmarkApplyCached tags 200,000 events of the ordinary-server mix in
// order, once per op, through a fresh Cache as an engine worker does: the
// hit rate is what such a stream really gives, nothing is replayed from an
// earlier op.
func BenchmarkApplyCached(b *testing.B) {
	s, err := LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	evs := decodeWith(b, loggen.Server, 200000)
	spare := make(map[string]string, 8)
	b.ReportAllocs()
	for b.Loop() {
		c := NewCache(s)
		for i := range evs {
			e := evs[i]
			clear(spare)
			e.Fields = spare
			c.Apply(&e)
		}
	}
	b.ReportMetric(float64(len(evs))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
