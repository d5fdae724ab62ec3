package rules

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadErr loads one file named "t.yaml" and returns its problems.
func loadErr(t *testing.T, text string) ErrorList {
	t.Helper()
	_, err := Load(Source{Name: "t.yaml", Data: []byte(text)})
	if err == nil {
		return nil
	}
	var l ErrorList
	if !errors.As(err, &l) {
		t.Fatalf("error %v is not an ErrorList", err)
	}
	return l
}

func TestBuiltinLoads(t *testing.T) {
	s, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() == 0 {
		t.Fatal("no built-in rules")
	}
	for _, r := range s.Rules() {
		if !strings.HasPrefix(r.File, "builtin/") || r.Line == 0 {
			t.Errorf("rule %s: defined at %s:%d", r.ID, r.File, r.Line)
		}
		if r.Description == "" || r.Control == "" {
			t.Errorf("rule %s: no description or control", r.ID)
		}
	}
}

// TestBuiltinCost runs the cost check over every pattern of every built-in
// rule, so a slow pattern cannot be committed even if the loader's own
// check were relaxed.
func TestBuiltinCost(t *testing.T) {
	s, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Rules() {
		pre := len(r.Contains)+len(r.ContainsAny) > 0
		for _, re := range r.Match {
			if err := CheckCost(re.String(), pre); err != nil {
				t.Errorf("%s:%d: rule %q: %v", r.File, r.Line, r.ID, err)
			}
			if !pre && RequiredLiteral(re.String()) == "" && anchoredPrefixes(re.String()) == nil {
				t.Errorf("rule %q: pattern %q has no literal guard and no fixed start", r.ID, re)
			}
		}
	}
}

// rule is a valid rule to build error cases from; each case swaps in or
// adds lines.
const head = "rules:\n  - id: r1\n"

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name, text string
		line       int
		rule       string
		reason     string
	}{
		{"yaml syntax", "rules:\n  - id: [\n", 2, "", "YAML: "},
		{"top level not mapping", "- id: x\n", 1, "", "a rule file is a mapping"},
		{"unknown top key", "rulez: []\n", 1, "", `unknown key "rulez"`},
		{"rules not list", "rules: 3\n", 1, "", "rules: must be a list"},
		{"rule not mapping", "rules:\n  - just text\n", 2, "", "a rule is a mapping"},
		{"unknown key", head + "    categories: [auth.failure]\n    apps: [sshd]\n    contain: [x]\n    contains: [Failed]\n", 5, "r1", `unknown key "contain"`},
		{"bad id", "rules:\n  - id: Bad_ID\n    categories: [auth.failure]\n    apps: [sshd]\n    contains: [x]\n", 2, "", `id "Bad_ID": must match`},
		{"no id", "rules:\n  - categories: [auth.failure]\n    apps: [sshd]\n    contains: [x]\n", 2, "", "no id"},
		{"unknown category", head + "    categories: [auth.failed]\n    apps: [sshd]\n    contains: [x]\n", 3, "r1", `unknown category "auth.failed"`},
		{"contradictory categories", head + "    categories: [auth.success, auth.failure]\n    apps: [sshd]\n    contains: [x]\n", 3, "r1", "contradict"},
		{"bad regexp", head + "    categories: [auth.failure]\n    apps: [sshd]\n    match:\n      - 'Failed (password'\n", 6, "r1", "missing closing )"},
		{"capture not contract field", head + "    categories: [auth.failure]\n    apps: [sshd]\n    match: 'Failed password for (?P<username>\\S+)'\n", 5, "r1", `capture "username" is not a contract field`},
		{"no match no contains", head + "    categories: [auth.failure]\n    apps: [sshd]\n", 2, "r1", "no match: and no contains:"},
		{"no categories", head + "    apps: [sshd]\n    contains: [x]\n", 2, "r1", "no categories"},
		{"no scope", head + "    categories: [auth.failure]\n    contains: [Failed]\n", 2, "r1", "no apps:, formats: or units:"},
		{"duplicate id", head + "    categories: [auth.failure]\n    apps: [sshd]\n    contains: [x]\n  - id: r1\n    categories: [auth.failure]\n    apps: [sshd]\n    contains: [y]\n", 6, "r1", "duplicate id (first defined on line 2)"},
		{"case-insensitive without prefilter", head + "    categories: [auth.failure]\n    apps: [sshd]\n    match: '(?i)failed password'\n", 5, "r1", "(?i) makes the regexp run on every line"},
		{"no literal without prefilter", head + "    categories: [auth.failure]\n    apps: [sshd]\n    match: '\\S+ \\d+'\n", 5, "r1", "no literal of 3+ bytes"},
		{"bad severity", head + "    categories: [auth.failure]\n    apps: [sshd]\n    contains: [x]\n    severity: loud\n", 6, "r1", `severity "loud"`},
		{"bad field regexp", head + "    categories: [auth.failure]\n    apps: [sshd]\n    contains: [x]\n    fields:\n      status: '^5('\n", 7, "r1", "fields: status:"},
		{"bool expected", head + "    categories: [auth.failure]\n    contains: [x]\n    any_app: yes please\n", 5, "r1", "any_app: must be true or false"},
		{"list expected", head + "    categories: {a: b}\n    apps: [sshd]\n    contains: [x]\n", 3, "r1", "categories: must be a string or a list"},
		{"key twice", head + "    categories: [auth.failure]\n    apps: [sshd]\n    contains: [x]\n    apps: [su]\n", 6, "r1", `key "apps" given twice`},
		{"any_app with apps", head + "    categories: [auth.failure]\n    apps: [sshd]\n    any_app: true\n    contains: [x]\n", 5, "r1", "any_app: true and apps:"},
		{"unknown format", head + "    categories: [auth.failure]\n    formats: [audit]\n    contains: [x]\n", 4, "r1", `unknown format "audit"`},
		{"bad unit glob", head + "    categories: [auth.failure]\n    units: ['[']\n    contains: [x]\n", 4, "r1", "bad glob"},
		{"alias", "rules:\n  - &a {id: x, categories: [auth.failure], apps: [a], contains: [b]}\n  - *a\n", 3, "", "a rule is a mapping"},
		{"merge key", head + "    <<: {apps: [a]}\n    categories: [auth.failure]\n    contains: [x]\n", 3, "r1", `unknown key "<<"`},
		{"duplicate capture", head + "    categories: [auth.failure]\n    apps: [sshd]\n    match: 'for (?P<user>\\S+) as (?P<user>\\S+)'\n", 5, "r1", `capture "user" named twice`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := loadErr(t, c.text)
			if len(errs) == 0 {
				t.Fatalf("loaded without error:\n%s", c.text)
			}
			e := errs[0]
			if e.File != "t.yaml" || e.Line != c.line || e.Rule != c.rule || !strings.Contains(e.Reason, c.reason) {
				t.Errorf("got %q (line %d, rule %q), want t.yaml:%d rule %q reason containing %q", e.Error(), e.Line, e.Rule, c.line, c.rule, c.reason)
			}
			want := "t.yaml:"
			if !strings.HasPrefix(e.Error(), want) {
				t.Errorf("error %q does not start with %q", e.Error(), want)
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	e := &Error{File: "my.yaml", Line: 7, Rule: "ssh-x", Reason: "unknown category \"foo\""}
	if got, want := e.Error(), `my.yaml:7: rule "ssh-x": unknown category "foo"`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	l := ErrorList{e, {File: "my.yaml", Line: 1, Reason: "x"}}
	if !strings.Contains(l.Error(), "\nmy.yaml:1: x") {
		t.Errorf("list error %q", l.Error())
	}
	var first *Error
	if err := error(l); !errors.As(err, &first) || first != e {
		t.Errorf("errors.As found %v", first)
	}
}

// TestLoadReportsAll checks that one bad rule does not hide the next.
func TestLoadReportsAll(t *testing.T) {
	errs := loadErr(t, "rules:\n  - id: a\n    categories: [nope]\n    apps: [x]\n    contains: [y]\n  - id: b\n    categories: [auth.failure]\n    apps: [x]\n    match: '(bad'\n")
	if len(errs) != 2 || errs[0].Rule != "a" || errs[1].Rule != "b" || errs[1].Line != 9 {
		t.Fatalf("got %v", errs)
	}
}

func TestLoadEmpty(t *testing.T) {
	for _, text := range []string{"", "# nothing\n", "rules:\n", "rules: []\n"} {
		s, err := Load(Source{Name: "e.yaml", Data: []byte(text)})
		if err != nil || s.Len() != 0 {
			t.Errorf("%q: %v, %d rules", text, err, s.Len())
		}
	}
}

func TestOverrideAndDisable(t *testing.T) {
	base := Source{Name: "base.yaml", Data: []byte(`rules:
  - id: one
    categories: [auth.failure]
    apps: [sshd]
    contains: [Failed]
  - id: two
    categories: [auth.success]
    apps: [sshd]
    contains: [Accepted]
  - id: three
    categories: [auth.logout]
    apps: [sshd]
    contains: [Disconnected]
`)}
	user := Source{Name: "user.yaml", Data: []byte(`rules:
  - id: two
    disabled: true
  - id: one
    categories: [access.denied, auth.failure]
    apps: [SSHD]
    contains: [Failed]
  - id: four
    categories: [maintenance]
    apps: [sshd]
    contains: [Failed]
`)}
	s, err := Load(base, user)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range s.Rules() {
		ids = append(ids, r.ID)
	}
	if got := strings.Join(ids, " "); got != "one two three four" {
		t.Errorf("rule order %q: an override keeps its place, new rules go last", got)
	}
	one := s.Rule("one")
	if one.File != "user.yaml" || one.Line != 4 || one.Categories[0] != "access.denied" || one.Apps[0] != "sshd" {
		t.Errorf("override not applied: %+v", one)
	}
	if !s.Rule("two").Disabled {
		t.Error("two not disabled")
	}
	e := ev("sshd", "Failed password; Accepted")
	s.Apply(&e)
	if got := strings.Join(e.Categories, " "); got != "access.denied auth.failure maintenance" {
		t.Errorf("categories %q", got)
	}
	if got := strings.Join(e.Rules, " "); got != "one four" {
		t.Errorf("rules %q", got)
	}
}

// TestDisableOnly checks that a rule that only disables may omit the
// requirements of a working rule, but not misspell its keys.
func TestDisableOnly(t *testing.T) {
	if errs := loadErr(t, "rules:\n  - id: x\n    disabled: true\n"); errs != nil {
		t.Errorf("disable-only rule: %v", errs)
	}
	if errs := loadErr(t, "rules:\n  - id: x\n    disabled: true\n    disable: true\n"); len(errs) != 1 || errs[0].Line != 4 {
		t.Errorf("misspelt key in a disable-only rule: %v", errs)
	}
}

func TestAnchoredPrefix(t *testing.T) {
	for p, want := range map[string]string{
		`^Accepted \S+ for root`:                 "Accepted ",
		`^Invalid user (?P<user>\S*) from`:       "Invalid user ",
		`^(?:Connection closed|Disconnected) by`: "",
		`Accepted \S+`:                           "",
		`(?m)^Accepted`:                          "",
		`^(?P<user>root) logged`:                 "root logged",
	} {
		if got := anchoredPrefix(p); got != want {
			t.Errorf("anchoredPrefix(%q) = %q, want %q", p, got, want)
		}
	}
}

func TestRequiredLiteral(t *testing.T) {
	for p, want := range map[string]string{
		`Failed password for (?P<user>\S+)`:       "Failed password for ",
		`^Accepted \S+ for root from`:             " for root from",
		`(?:message repeated)?Failed password`:    "Failed password",
		`for (?P<user>root) from`:                 "for root from",
		`(?i)failed password`:                     "",
		`\S+ \d+`:                                 "",
		`(?:abc|abd)`:                             "",
		`x(?:abcdef)+`:                            "abcdef",
		`ab`:                                      "",
		`DPT=(?:22|23)\b`:                         "DPT=2", // simplified to DPT=2[23]
		`(?P<src_ip>\S+) port (?P<src_port>\d+)$`: " port ",
	} {
		if got := RequiredLiteral(p); got != want {
			t.Errorf("RequiredLiteral(%q) = %q, want %q", p, got, want)
		}
	}
}

func TestReadFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "mine.yaml")
	if err := os.WriteFile(name, []byte("rules:\n  - id: ssh-accepted\n    disabled: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := LoadBuiltin(src)
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Rule("ssh-accepted"); r == nil || !r.Disabled || r.File != name {
		t.Errorf("rule %+v", r)
	}
	if s.Rule("no-such-rule") != nil {
		t.Error("Rule found a rule that does not exist")
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
