package query

import (
	"fmt"
	"testing"
)

func TestHighlights(t *testing.T) {
	const msg = "Failed password for root from 203.0.113.9 port 52113 ssh2"
	for _, tc := range []struct{ q, want string }{
		{"", "[]"},
		{"failed", "[[0 6]]"},
		{"FAILED root", "[[0 6] [20 24]]"},
		{"o", "[[12 13] [17 18] [21 23] [27 28] [43 44]]"}, // adjacent "oo" merged
		{`"for root"`, "[[16 24]]"},
		{"pass word", "[[7 15]]"},     // touching ranges merge
		{"password word", "[[7 15]]"}, // overlapping ranges merge
		{"/[0-9]+/", "[[30 33] [34 35] [36 39] [40 41] [47 52] [56 57]]"},
		{"/PORT/i", "[[42 46]]"},
		{"msg~ssh.", "[[53 57]]"},
		{"/x*/", "[]"}, // empty matches are not shown
		{"-failed root", "[[20 24]]"},
		{"NOT (failed OR root) port", "[[42 46]]"},
		{"--failed", "[[0 6]]"},
		{"user:root cat:x host~root", "[]"}, // only message text is highlighted
		{"failed OR nomatch", "[[0 6]]"},
		{"/nomatch/ failed", "[[0 6]]"},
	} {
		got := fmt.Sprint(MustParse(tc.q).Highlights(msg, nil))
		if got != tc.want {
			t.Errorf("%q: %s, want %s", tc.q, got, tc.want)
		}
	}
	// Appends to dst without touching what is there.
	dst := [][2]int{{99, 100}}
	if got := fmt.Sprint(MustParse("root failed").Highlights(msg, dst)); got != "[[99 100] [0 6] [20 24]]" {
		t.Errorf("append: %s", got)
	}
}

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"root", "root"},
		{"web-1.example.com", "web-1.example.com"},
		{"ünïcode", "ünïcode"},
		{"", `""`},
		{"john smith", `"john smith"`},
		{`say "hi"`, `"say \"hi\""`},
		{`C:\dir`, `"C:\\dir"`},
		{"a*", `"a*"`},
		{"-x", `"-x"`},
		{"/var", `"/var"`},
		{"10.0.0.0/8", `"10.0.0.0/8"`},
		{"OR", `"OR"`},
		{"or", "or"},
		{"a(b)", `"a(b)"`},
		{"k=v", `"k=v"`},
		{"tab\there", "\"tab\there\""},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
		checkQuote(t, tc.in)
	}
}

// checkQuote checks that Quote(v) reads back as v, as a field value and,
// when v is not empty, as free text.
func checkQuote(t *testing.T, v string) {
	t.Helper()
	q, err := Parse("user:" + Quote(v))
	if err != nil {
		t.Fatalf("user:%s does not parse: %v", Quote(v), err)
	}
	e := events[0]
	e.Fields = map[string]string{"user": v}
	if !q.Match(&e) {
		t.Fatalf("user:%s (%s) does not match user %q", Quote(v), q.tree(), v)
	}
	e.Fields["user"] = v + "x"
	if q.Match(&e) {
		t.Fatalf("user:%s (%s) matches user %q", Quote(v), q.tree(), v+"x")
	}
	if v == "" {
		return
	}
	q, err = Parse(Quote(v))
	if err != nil {
		t.Fatalf("%s does not parse: %v", Quote(v), err)
	}
	e.Host, e.App, e.Message = "", "", "<"+v+">"
	if !q.Match(&e) {
		t.Fatalf("%s (%s) does not match message %q", Quote(v), q.tree(), e.Message)
	}
}
