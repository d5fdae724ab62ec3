package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vigil-sec/vigil/internal/yamlerr"
)

// known lists the top-level keys, in the order the unknown-key error names
// them.
var known = []string{"theme", "buffer_size", "sources", "rules", "utc", "keys"}

// maxBufferSize bounds buffer_size so that sizes computed from it cannot
// overflow.
const maxBufferSize = 1<<31 - 1

// parser collects the problems of one file.
type parser struct {
	name, dir string
	errs      ErrorList
}

func (p *parser) fail(line int, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.name, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func parse(name, dir string, data []byte) (File, error) {
	p := &parser{name: name, dir: dir}
	f := File{Path: name}
	var doc yaml.Node
	if err := unmarshal(data, &doc); err != nil {
		p.fail(yamlerr.Line(err), "%s", yamlerr.Reason(err))
		return File{}, p.errs
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return f, nil // empty, or only comments
	}
	root := resolve(doc.Content[0])
	if isNull(root) {
		return f, nil
	}
	if root.Kind != yaml.MappingNode {
		p.fail(root.Line, "a config file is a mapping of settings such as theme: and keys:, got %s", describe(root))
		return File{}, p.errs
	}
	f.lines = make(map[string]int, len(known))
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := resolve(root.Content[i]), resolve(root.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.fail(k.Line, "a setting's name must be a plain word, got %s", describe(k))
			continue
		}
		if first, dup := f.lines[k.Value]; dup {
			p.fail(k.Line, "%s: given twice (first on line %d)", k.Value, first)
			continue
		}
		switch k.Value {
		case "theme":
			f.Theme, f.ThemeLine = p.str(k.Value, v), v.Line
		case "buffer_size":
			f.BufferSize = p.bufferSize(v)
		case "sources":
			f.Sources = p.paths(k.Value, v, false)
		case "rules":
			f.Rules = p.paths(k.Value, v, true)
		case "utc":
			f.UTC = p.boolean(k.Value, v)
		case "keys":
			f.Keys = p.keys(v)
		default:
			p.fail(k.Line, "unknown key %q (known: %s)", k.Value, strings.Join(known, ", "))
			continue
		}
		f.lines[k.Value] = k.Line
	}
	if len(p.errs) > 0 {
		return File{}, p.errs
	}
	return f, nil
}

// str reads a scalar as a string; "" for null.
func (p *parser) str(key string, v *yaml.Node) string {
	if isNull(v) {
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		p.fail(v.Line, "%s: want a name, got %s", key, describe(v))
		return ""
	}
	return v.Value
}

func (p *parser) bufferSize(v *yaml.Node) int {
	if isNull(v) {
		return 0
	}
	if v.Kind != yaml.ScalarNode {
		p.fail(v.Line, "buffer_size: want a whole number of events, got %s", describe(v))
		return 0
	}
	n, err := parseCount(v.Value)
	if err != nil {
		p.fail(v.Line, "buffer_size: %v", err)
		return 0
	}
	return n
}

// parseCount reads a number of events: digits with optional '_'
// separators, or a decimal number followed by k (thousands) or M
// (millions), such as 500k or 1.5M.
func parseCount(s string) (int, error) {
	t := strings.TrimSpace(s)
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(strings.ReplaceAll(t, "_", ""), "-")
	mult := 1.0
	switch {
	case strings.HasSuffix(t, "k"), strings.HasSuffix(t, "K"):
		mult, t = 1e3, t[:len(t)-1]
	case strings.HasSuffix(t, "m"), strings.HasSuffix(t, "M"):
		mult, t = 1e6, t[:len(t)-1]
	}
	bad := fmt.Errorf("want a whole number of events, got %q", s)
	if t == "" || strings.Trim(t, "0123456789.") != "" || strings.Count(t, ".") > 1 || t == "." {
		return 0, bad
	}
	if mult == 1 && strings.Contains(t, ".") {
		return 0, bad
	}
	x, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, bad
	}
	x *= mult
	switch {
	case neg && x != 0:
		return 0, fmt.Errorf("must not be negative, got %s", s)
	case x > maxBufferSize:
		return 0, fmt.Errorf("%s events is too many (at most %d)", s, maxBufferSize)
	case x != float64(int64(x)):
		return 0, bad
	}
	return int(x), nil
}

func (p *parser) boolean(key string, v *yaml.Node) *bool {
	if isNull(v) {
		return nil
	}
	if v.Kind == yaml.ScalarNode && v.Tag == "!!bool" {
		b := strings.EqualFold(v.Value, "true")
		return &b
	}
	p.fail(v.Line, "%s: want true or false, got %s", key, describe(v))
	return nil
}

// list reads a string or a list of strings; nil for null. Every string
// must be non-empty.
func (p *parser) list(what string, v *yaml.Node) []string {
	if isNull(v) {
		return nil
	}
	items := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		it = resolve(it)
		switch {
		case it.Kind != yaml.ScalarNode || isNull(it):
			p.fail(it.Line, "%s: want a string or a list of strings, got %s", what, describe(it))
		case strings.TrimSpace(it.Value) == "":
			p.fail(it.Line, "%s: empty string", what)
		default:
			out = append(out, it.Value)
			continue
		}
		return nil
	}
	return out
}

// paths reads a list of paths, expanding ~, and resolving relative paths
// against the config file's directory when relative is set.
func (p *parser) paths(key string, v *yaml.Node, relative bool) []string {
	ps := p.list(key, v)
	for i, s := range ps {
		if s == "~" || strings.HasPrefix(s, "~/") {
			home, err := os.UserHomeDir()
			if err != nil {
				p.fail(v.Line, "%s: cannot expand %q: %v", key, s, err)
				return nil
			}
			s = filepath.Join(home, s[1:])
		} else if strings.HasPrefix(s, "~") {
			p.fail(v.Line, "%s: %q: only ~/ is expanded, write the full path", key, s)
			return nil
		} else if relative && !filepath.IsAbs(s) {
			s = filepath.Join(p.dir, s)
		}
		ps[i] = s
	}
	return ps
}

func (p *parser) keys(v *yaml.Node) []KeyBinding {
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		p.fail(v.Line, "keys: want a mapping of action: key or [keys], got %s", describe(v))
		return nil
	}
	var out []KeyBinding
	first := map[string]int{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		a, ks := resolve(v.Content[i]), resolve(v.Content[i+1])
		if a.Kind != yaml.ScalarNode || isNull(a) || a.Value == "" {
			p.fail(a.Line, "keys: an action must be a name, got %s", describe(a))
			continue
		}
		if line, dup := first[a.Value]; dup {
			p.fail(a.Line, "keys: %s: given twice (first on line %d)", a.Value, line)
			continue
		}
		first[a.Value] = a.Line
		what := "keys: " + a.Value
		list := p.list(what, ks)
		seen := make(map[string]bool, len(list))
		for _, k := range list {
			if seen[k] {
				p.fail(ks.Line, "%s: %q listed twice", what, k)
			}
			seen[k] = true
		}
		if list == nil {
			list = []string{}
		}
		out = append(out, KeyBinding{Action: a.Value, Keys: list, Line: a.Line})
	}
	return out
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// describe names a value for an error message.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		if len(n.Value) > 40 {
			return strconv.Quote(n.Value[:40] + "...")
		}
		return strconv.Quote(n.Value)
	}
	return "an alias"
}

// unmarshal is yaml.Unmarshal that turns a panic of the parser on hostile
// input into an error: a bad config file must never crash vigil.
func unmarshal(data []byte, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("YAML parser failed: %v", r)
		}
	}()
	return yaml.Unmarshal(data, n)
}
