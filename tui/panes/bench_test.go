package panes

import (
	"fmt"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/themes"
)

// weekOf returns a histogram of n events spread evenly over seven days,
// with the sample's mix of categories.
func weekOf(n int) *Histogram {
	h := NewHistogram()
	const week = 7 * 24 * time.Hour
	for i := range n {
		h.Add(t0.Add(time.Duration(int64(week)/int64(n)*int64(i))), sampleIDs[i%len(sampleIDs)])
	}
	return h
}

func BenchmarkHistogramAdd(b *testing.B) {
	h := NewHistogram()
	const week = 7 * 24 * 60 * 60
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		// Mostly in order, as a live stream: 1,000 events a minute.
		h.Add(t0.Add(time.Duration(i%week*60/1000)*time.Second), sampleIDs[i%len(sampleIDs)])
		i++
	}
}

func BenchmarkHistogramAddRemove(b *testing.B) {
	h := weekOf(100_000)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		tm, cats := at(i%(7*24*60)), sampleIDs[i%len(sampleIDs)]
		h.Add(tm, cats)
		h.Remove(tm, cats)
		i++
	}
}

func BenchmarkTimeline(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		h := weekOf(n)
		st := NewStyle(themes.Dark())
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bs := h.Fit(160, time.UTC)
				_ = Timeline(st, bs, len(bs)/2, 160, 8, time.UTC)
			}
		})
	}
}

func BenchmarkCategories(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		h := weekOf(n)
		st := NewStyle(themes.Dark())
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Categories(st, h, h.Fit(60, time.UTC), 80, 12)
			}
		})
	}
}
