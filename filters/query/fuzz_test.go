package query

import (
	"errors"
	"testing"
)

// FuzzParse checks that no query makes Parse, Match or Highlights panic,
// that errors point inside the query, that highlights are sorted ranges of
// the message, and that Quote round-trips. The seed corpus is in
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("Parse(%q): error %T %v is not an *Error", s, err, err)
			}
			if qe.Pos < 0 || qe.Pos > qe.End || qe.End > len(s) || qe.Msg == "" {
				t.Fatalf("Parse(%q): bad error span [%d,%d) of %d: %q", s, qe.Pos, qe.End, len(s), qe.Msg)
			}
		} else {
			if q.String() != s {
				t.Fatalf("String() = %q, want %q", q.String(), s)
			}
			for i := range events {
				q.Match(&events[i])
				hl := q.Highlights(events[i].Message, nil)
				for j, r := range hl {
					if r[0] >= r[1] || r[1] > len(events[i].Message) || j > 0 && r[0] <= hl[j-1][1] {
						t.Fatalf("%q: bad highlights %v of %q", s, hl, events[i].Message)
					}
				}
			}
		}
		checkQuote(t, s)
	})
}
