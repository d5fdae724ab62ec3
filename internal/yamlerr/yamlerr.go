// Package yamlerr reads the line and the reason out of a go.yaml.in/yaml/v3
// syntax error, so that the packages that load YAML files (rules, config)
// can report it as FILE:LINE: reason like their other problems.
package yamlerr

import (
	"strconv"
	"strings"
)

// Line finds the line in a yaml.v3 error ("yaml: line 3: ..."), 1 when it
// names none.
func Line(err error) int {
	s := err.Error()
	if i := strings.Index(s, "line "); i >= 0 {
		j := i + 5
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if n, err := strconv.Atoi(s[i+5 : j]); err == nil {
			return n
		}
	}
	return 1
}

// Reason is the error without the "yaml: line N: " prefix, which the
// caller puts in FILE:LINE form.
func Reason(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	if strings.HasPrefix(s, "line ") {
		if i := strings.Index(s, ": "); i >= 0 {
			s = s[i+2:]
		}
	}
	return "YAML: " + s
}

// List is every problem a loader found, in file order, as one error:
// the problems one per line, each reachable with errors.As.
type List[E error] []E

// Error returns the problems one per line.
func (l List[E]) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the problems, for errors.Is and errors.As.
func (l List[E]) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}
