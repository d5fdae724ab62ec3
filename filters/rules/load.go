package rules

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/vigil-sec/vigil/internal/yamlerr"
)

// Source is one rule file: its name (used in error messages and in Explain)
// and its YAML text.
type Source struct {
	Name string
	Data []byte
}

//go:embed builtin/*.yaml
var builtinFS embed.FS

// Builtin returns the rule files compiled into vigil, in file-name order.
func Builtin() []Source {
	names, err := fs.Glob(builtinFS, "builtin/*.yaml")
	if err != nil {
		panic(err) // the pattern is constant and valid
	}
	sort.Strings(names)
	srcs := make([]Source, 0, len(names))
	for _, n := range names {
		data, err := builtinFS.ReadFile(n)
		if err != nil {
			panic(err) // embedded files are always readable
		}
		srcs = append(srcs, Source{Name: path.Join("builtin", path.Base(n)), Data: data})
	}
	return srcs
}

// ReadFile reads a user rule file for Load.
func ReadFile(name string) (Source, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return Source{}, err
	}
	return Source{Name: name, Data: data}, nil
}

// LoadBuiltin loads the built-in rules followed by the user files, so a
// user rule overrides or disables the built-in rule with its ID.
func LoadBuiltin(user ...Source) (*Set, error) {
	return Load(append(Builtin(), user...)...)
}

// Load parses and validates srcs in order into a Set. A rule whose ID was
// defined by an earlier source replaces it, keeping its place in the order
// rules are tried; a rule defined twice in one source is an error. Rules
// are tried in the order they are defined.
//
// Every problem found is reported, not just the first: the error is an
// ErrorList of *Error, each of the form FILE:LINE: rule "ID": reason.
func Load(srcs ...Source) (*Set, error) {
	var (
		errs  ErrorList
		all   []*Rule
		index = map[string]int{}
	)
	for _, src := range srcs {
		rs, fileErrs := parseSource(src)
		errs = append(errs, fileErrs...)
		for _, r := range rs {
			if i, ok := index[r.ID]; ok {
				all[i] = r
				continue
			}
			index[r.ID] = len(all)
			all = append(all, r)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return newSet(all), nil
}

// Error is one problem in a rule file.
type Error struct {
	File string
	Line int
	// Rule is the ID of the rule concerned, "" when the problem is not
	// inside a rule or the rule has no valid ID.
	Rule   string
	Reason string
}

// Error returns FILE:LINE: rule "ID": reason.
func (e *Error) Error() string {
	if e.Rule == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s:%d: rule %q: %s", e.File, e.Line, e.Rule, e.Reason)
}

// ErrorList is every problem Load found, in file order.
type ErrorList = yamlerr.List[*Error]

// parseSource decodes one file into yaml.v3's node tree, which keeps line
// numbers, and compiles each rule from it.
func parseSource(src Source) (rs []*Rule, errs ErrorList) {
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &Error{File: src.Name, Line: line, Reason: fmt.Sprintf(format, args...)})
	}
	var doc yaml.Node
	if err := unmarshal(src.Data, &doc); err != nil {
		fail(yamlerr.Line(err), "%s", yamlerr.Reason(err))
		return nil, errs
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil // an empty file holds no rules
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		fail(root.Line, "a rule file is a mapping with the key rules:")
		return nil, errs
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "rules" || k.Kind != yaml.ScalarNode {
			fail(k.Line, "unknown key %q (a rule file has only rules:)", k.Value)
			continue
		}
		if list != nil {
			fail(k.Line, "rules: given twice")
			continue
		}
		list = v
	}
	if list == nil {
		fail(root.Line, "no rules: list")
		return nil, errs
	}
	if list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
		return nil, errs
	}
	if list.Kind != yaml.SequenceNode {
		fail(list.Line, "rules: must be a list of rules")
		return nil, errs
	}
	seen := map[string]int{}
	for _, n := range list.Content {
		r, rerrs := compileRule(src.Name, n)
		errs = append(errs, rerrs...)
		if r == nil {
			continue
		}
		if prev, ok := seen[r.ID]; ok {
			errs = append(errs, &Error{File: src.Name, Line: r.Line, Rule: r.ID,
				Reason: fmt.Sprintf("duplicate id (first defined on line %d)", prev)})
			continue
		}
		seen[r.ID] = r.Line
		if len(rerrs) == 0 {
			rs = append(rs, r)
		}
	}
	return rs, errs
}

// unmarshal is yaml.Unmarshal that turns a panic of the parser on hostile
// input into an error: a bad rule file must never crash vigil.
func unmarshal(data []byte, n *yaml.Node) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("YAML parser failed: %v", p)
		}
	}()
	return yaml.Unmarshal(data, n)
}
