package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	yes, no := true, false
	tests := []struct {
		name string
		in   string
		want File
	}{
		{"empty", "", File{}},
		{"only comments", "# nothing here\n\n   # still nothing\n", File{}},
		{"null document", "~\n", File{}},
		{"explicit document", "---\ntheme: light\n...\n", File{Theme: "light", ThemeLine: 2}},
		{"full", `# vigil
theme: dark
buffer_size: 2000000
sources: [/var/log/auth.log, /var/log/syslog]
rules: [~/rules/site.yaml, local.yaml, /etc/vigil/r.yaml]
utc: false
keys:
  filter: ["f", "ctrl+f"]   # list
  quit: q
  help: []
`, File{
			Theme: "dark", ThemeLine: 2, BufferSize: 2_000_000,
			Sources: []string{"/var/log/auth.log", "/var/log/syslog"},
			Rules:   []string{filepath.Join(home, "rules/site.yaml"), "/cfg/local.yaml", "/etc/vigil/r.yaml"},
			UTC:     &no,
			Keys: []KeyBinding{
				{Action: "filter", Keys: []string{"f", "ctrl+f"}, Line: 8},
				{Action: "quit", Keys: []string{"q"}, Line: 9},
				{Action: "help", Keys: []string{}, Line: 10},
			},
		}},
		{"block lists", "sources:\n  - journald\n  - ~/logs/*.log\nutc: TRUE\n", File{
			Sources: []string{"journald", filepath.Join(home, "logs/*.log")}, UTC: &yes,
		}},
		{"single strings", "sources: /var/log/secure\nrules: r.yaml\n", File{
			Sources: []string{"/var/log/secure"}, Rules: []string{"/cfg/r.yaml"},
		}},
		{"nulls are unset", "theme:\nbuffer_size: ~\nsources:\nrules: null\nutc:\nkeys:\n", File{ThemeLine: 1}},
		{"null binding unbinds", "keys:\n  quit:\n", File{Keys: []KeyBinding{{Action: "quit", Keys: []string{}, Line: 2}}}},
		{"numeric key", "keys:\n  tab1: 1\n", File{Keys: []KeyBinding{{Action: "tab1", Keys: []string{"1"}, Line: 2}}}},
		{"buffer k", "buffer_size: 500k\n", File{BufferSize: 500_000}},
		{"buffer M", "buffer_size: 1M\n", File{BufferSize: 1_000_000}},
		{"buffer 1.5M", "buffer_size: 1.5M\n", File{BufferSize: 1_500_000}},
		{"buffer quoted", "buffer_size: \"250000\"\n", File{BufferSize: 250_000}},
		{"buffer underscores", "buffer_size: 1_000_000\n", File{BufferSize: 1_000_000}},
		{"buffer zero is default", "buffer_size: 0\n", File{}},
		{"anchors", "sources: &s [a.log]\nrules: *s\n", File{Sources: []string{"a.log"}, Rules: []string{"/cfg/a.log"}}},
		{"crlf", "theme: mono\r\nutc: true\r\n", File{Theme: "mono", ThemeLine: 1, UTC: &yes}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("/cfg/config.yaml", []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.want.Path = "/cfg/config.yaml"
			got.lines = nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	tests := []struct {
		name, in, want string
	}{
		{"unknown key", "theme: dark\n\n\n\n\n\ncolour: red\n",
			`config.yaml:7: unknown key "colour" (known: theme, buffer_size, sources, rules, utc, keys)`},
		{"buffer words", "theme: dark\n\nbuffer_size: lots\n",
			`config.yaml:3: buffer_size: want a whole number of events, got "lots"`},
		{"buffer negative", "buffer_size: -5\n", `config.yaml:1: buffer_size: must not be negative, got -5`},
		{"buffer fraction", "buffer_size: 1.5\n", `config.yaml:1: buffer_size: want a whole number of events, got "1.5"`},
		{"buffer fraction of k", "buffer_size: 1.0005k\n", `config.yaml:1: buffer_size: want a whole number of events, got "1.0005k"`},
		{"buffer exponent", "buffer_size: 1e6\n", `config.yaml:1: buffer_size: want a whole number of events, got "1e6"`},
		{"buffer huge", "buffer_size: 99999999999999999999999\n", `config.yaml:1: buffer_size: 99999999999999999999999 events is too many (at most 2147483647)`},
		{"buffer list", "buffer_size: [1]\n", `config.yaml:1: buffer_size: want a whole number of events, got a list`},
		{"theme list", "theme:\n  - dark\n", `config.yaml:2: theme: want a name, got a list`},
		{"utc word", "utc: yes\n", `config.yaml:1: utc: want true or false, got "yes"`},
		{"sources mapping", "sources:\n  a: b\n", `config.yaml:2: sources: want a string or a list of strings, got a mapping`},
		{"sources empty item", "sources: [a, \"\"]\n", `config.yaml:1: sources: empty string`},
		{"sources null item", "sources:\n  - a\n  -\n", `config.yaml:3: sources: want a string or a list of strings, got nothing`},
		{"rules ~user", "rules: [~bob/r.yaml]\n", `config.yaml:1: rules: "~bob/r.yaml": only ~/ is expanded, write the full path`},
		{"keys list", "keys: [f, q]\n", `config.yaml:1: keys: want a mapping of action: key or [keys], got a list`},
		{"keys nested", "keys:\n  filter:\n    key: f\n", `config.yaml:3: keys: filter: want a string or a list of strings, got a mapping`},
		{"keys empty", "keys:\n  quit: [q, \"\"]\n", `config.yaml:2: keys: quit: empty string`},
		{"keys duplicate key", "keys:\n  quit: [q, q]\n", `config.yaml:2: keys: quit: "q" listed twice`},
		{"keys duplicate action", "keys:\n  quit: q\n  filter: f\n  quit: x\n", `config.yaml:4: keys: quit: given twice (first on line 2)`},
		{"keys list action", "keys:\n  [a]: q\n", `config.yaml:2: keys: an action must be a name, got a list`},
		{"duplicate top key", "theme: dark\ntheme: light\n", `config.yaml:2: theme: given twice (first on line 1)`},
		{"not a mapping", "- theme\n", `config.yaml:1: a config file is a mapping of settings such as theme: and keys:, got a list`},
		{"scalar document", "dark\n", `config.yaml:1: a config file is a mapping of settings such as theme: and keys:, got "dark"`},
		// yaml.v3 counts the lines of parser (not scanner) errors from 0, at
		// the start of the construct: here the list opened on line 2.
		{"bad yaml", "theme: dark\nkeys: [f\n", `config.yaml:1: YAML: did not find expected ',' or ']'`},
		{"unterminated string", "a: 1\nb: \"x\n", `config.yaml:2: YAML: found unexpected end of stream`},
		{"tab indent", "keys:\n\tquit: q\n", `config.yaml:2: YAML: found character that cannot start any token`},
		{"merge key", "<<: {theme: dark}\n", `config.yaml:1: unknown key "<<" (known: theme, buffer_size, sources, rules, utc, keys)`},
		{"several", "colour: red\nutc: 1\n", "config.yaml:1: unknown key \"colour\" (known: theme, buffer_size, sources, rules, utc, keys)\nconfig.yaml:2: utc: want true or false, got \"1\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("config.yaml", []byte(tt.in))
			if err == nil {
				t.Fatalf("no error; got %+v", got)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got %q\nwant %q", err.Error(), tt.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.File != "config.yaml" || e.Line == 0 {
				t.Errorf("errors.As(*Error) = %+v", e)
			}
			if !reflect.DeepEqual(got, File{}) {
				t.Errorf("File on error: %+v", got)
			}
		})
	}
}

func TestLines(t *testing.T) {
	f, err := Parse("c.yaml", []byte("# c\ntheme: dark\nbuffer_size: 10\n"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Line("buffer_size") != 3 || f.Line("theme") != 2 || f.Line("keys") != 0 {
		t.Errorf("lines %v", f.lines)
	}
	err = f.ErrorAt(f.ThemeLine, "unknown theme %q", f.Theme)
	if err.Error() != `c.yaml:2: unknown theme "dark"` {
		t.Errorf("ErrorAt: %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("HOME", "/home/ir")
	t.Setenv("XDG_CONFIG_HOME", "/xdg")
	if p, err := DefaultPath(); p != "/xdg/vigil/config.yaml" || err != nil {
		t.Errorf("XDG set: %q, %v", p, err)
	}
	t.Setenv("XDG_CONFIG_HOME", "")
	if p, err := DefaultPath(); p != "/home/ir/.config/vigil/config.yaml" || err != nil {
		t.Errorf("XDG unset: %q, %v", p, err)
	}
	t.Setenv("XDG_CONFIG_HOME", "relative/dir")
	if p, err := DefaultPath(); p != "/home/ir/.config/vigil/config.yaml" || err != nil {
		t.Errorf("XDG relative: %q, %v", p, err)
	}
	t.Setenv("HOME", "")
	if p, err := DefaultPath(); err == nil {
		t.Errorf("no HOME, no XDG: %q", p)
	}
}

func TestLoad(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	t.Setenv("HOME", t.TempDir())

	// No file at the default place: no config, no error.
	if f, err := Load(""); err != nil || !reflect.DeepEqual(f, File{}) {
		t.Errorf("missing default: %+v, %v", f, err)
	}
	// A path given must exist.
	missing := filepath.Join(xdg, "nope.yaml")
	if _, err := Load(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing explicit path: %v", err)
	}

	dir := filepath.Join(xdg, "vigil")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte("theme: light\nrules: [site.yaml]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load("")
	if err != nil || f.Path != path || f.Theme != "light" || f.Rules[0] != filepath.Join(dir, "site.yaml") {
		t.Errorf("default: %+v, %v", f, err)
	}

	// Relative rule files follow the config file, wherever the working
	// directory is.
	t.Chdir(xdg)
	f, err = Load("vigil/config.yaml")
	if err != nil || f.Path != "vigil/config.yaml" || f.Rules[0] != filepath.Join(dir, "site.yaml") {
		t.Errorf("relative path: %+v, %v", f, err)
	}

	if err := os.WriteFile(path, []byte("utc: maybe\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(""); err == nil || !strings.HasPrefix(err.Error(), path+":1: utc:") {
		t.Errorf("bad file: %v", err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	big := filepath.Join(xdg, "big.yaml")
	if err := os.WriteFile(big, []byte(strings.Repeat("# x\n", maxSize)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("big file: %v", err)
	}
}
