package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConfigFileErrors: a bad config file stops the UI before it starts,
// with exit code 2 and the file and line of the problem.
func TestConfigFileErrors(t *testing.T) {
	log := writeFile(t, "auth.log", sampleLog)
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"unknown key", "theme: dark\ncolour: red\n", `config.yaml:2: unknown key "colour"`},
		{"bad theme", "buffer_size: 5000\ntheme: neon\n", `config.yaml:2: theme:`},
		{"unknown action", "keys:\n  filter: f\n  teleport: z\n", `config.yaml:3: keys: unknown action "teleport"`},
		{"conflict", "keys:\n  search: t\n", `key "t" is bound to both`},
		{"bad buffer", "buffer_size: lots\n", `config.yaml:1: buffer_size`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "vigil"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "vigil", "config.yaml"), []byte(tc.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			_, stderr, code := vigil(t, "", []string{"XDG_CONFIG_HOME=" + dir}, log)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and %q", code, stderr, tc.want)
			}
		})
	}
	// An explicit --config that does not exist is an error too.
	_, stderr, code := vigil(t, "", nil, "--config", filepath.Join(t.TempDir(), "nope.yaml"), log)
	if code != 2 || !strings.Contains(stderr, "nope.yaml") {
		t.Fatalf("missing --config: exit %d, %q", code, stderr)
	}
	// So is an unknown --theme.
	_, stderr, code = vigil(t, "", []string{"XDG_CONFIG_HOME=" + t.TempDir()}, "--theme", "neon", log)
	if code != 2 || !strings.Contains(stderr, "--theme") {
		t.Fatalf("bad --theme: exit %d, %q", code, stderr)
	}
}

// TestConfigFileApplies: the config's theme, sources and key bindings take
// effect in a real terminal.
func TestConfigFileApplies(t *testing.T) {
	log := writeFile(t, "auth.log", sampleLog)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "vigil"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := "theme: mono\nsources: [" + log + "]\nkeys:\n  filter: \"F2\"\n  quit: [Q]\n"
	if err := os.WriteFile(filepath.Join(dir, "vigil", "config.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startTmux(t, 100, 30, []string{"TERM=xterm-256color", "XDG_CONFIG_HOME=" + dir})
	s.waitFor(10*time.Second, "Failed password for root", "Invalid user oracle") // the config's source
	if scr := s.screen(true); strings.Contains(scr, "38;2;") || strings.Contains(scr, "38;5;") {
		t.Errorf("theme: mono still printed colours")
	}
	s.keys("?")
	s.waitFor(5*time.Second, "f2", "filter", "Q ")
	s.keys("Escape")
	time.Sleep(300 * time.Millisecond)
	s.keys("F2") // the rebound filter key opens the bar
	s.waitFor(5*time.Second, "enter apply")
	s.keys("Escape")
	time.Sleep(300 * time.Millisecond)
	s.keys("q") // no longer quits
	time.Sleep(300 * time.Millisecond)
	if strings.Contains(s.screen(false), "EXITED") {
		t.Fatal("q still quits after quit was rebound to Q")
	}
	s.keys("Q")
	s.waitFor(5*time.Second, "EXITED=0")
}
