package yamlerr

import (
	"errors"
	"testing"
)

func TestLineAndReason(t *testing.T) {
	for _, tc := range []struct {
		err    string
		line   int
		reason string
	}{
		{"yaml: line 3: did not find expected key", 3, "YAML: did not find expected key"},
		{"yaml: unmarshal errors", 1, "YAML: unmarshal errors"},
		{"yaml: line 12: mapping values are not allowed in this context", 12, "YAML: mapping values are not allowed in this context"},
	} {
		err := errors.New(tc.err)
		if got := Line(err); got != tc.line {
			t.Errorf("%q: line %d, want %d", tc.err, got, tc.line)
		}
		if got := Reason(err); got != tc.reason {
			t.Errorf("%q: reason %q, want %q", tc.err, got, tc.reason)
		}
	}
}
