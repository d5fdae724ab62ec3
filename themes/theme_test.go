package themes

import (
	"regexp"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/event"
)

func TestDefault(t *testing.T) {
	for _, c := range []struct {
		noColor, term, want string
		adaptive            bool
	}{
		{"", "xterm-256color", "dark", true},
		{"1", "xterm-256color", "mono", false},
		{"", "dumb", "mono", false},
	} {
		t.Setenv("NO_COLOR", c.noColor)
		t.Setenv("TERM", c.term)
		th := Default()
		if th.Name != c.want || th.Adaptive() != c.adaptive {
			t.Errorf("NO_COLOR=%q TERM=%q: %s adaptive=%v, want %s %v", c.noColor, c.term, th.Name, th.Adaptive(), c.want, c.adaptive)
		}
	}
}

func TestForBackground(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm")
	if got := Default().ForBackground(false); got.Name != "light" || !got.Adaptive() {
		t.Fatalf("light background: %s adaptive=%v", got.Name, got.Adaptive())
	}
	if got := Dark().ForBackground(false); got.Name != "dark" {
		t.Fatalf("an explicit theme must not adapt, got %s", got.Name)
	}
	if got := Mono().ForBackground(true); got.Name != "mono" {
		t.Fatalf("mono must not adapt, got %s", got.Name)
	}
}

var colourSGR = regexp.MustCompile(`\x1b\[[0-9;]*(?:[34][0-9]|38|48|9[0-7]|10[0-7])[;m]`)

// Mono has no colour at all, yet every severity still looks different from
// its neighbours and carries its own label.
func TestMonoHasNoColourButDistinctBadges(t *testing.T) {
	th := Mono()
	seen := map[string]bool{}
	for s := event.Emerg; s <= event.Debug; s++ {
		out := th.Severity(s).Render(SeverityLabel(s))
		if colourSGR.MatchString(out) || strings.Contains(out, "38;") || strings.Contains(out, "48;") {
			t.Errorf("%s: colour in mono: %q", s, out)
		}
		label := SeverityLabel(s)
		if seen[label] {
			t.Errorf("label %q used twice", label)
		}
		seen[label] = true
	}
	for _, st := range []string{
		th.Header().Render("x"), th.Muted().Render("x"), th.Accent().Render("x"),
		th.Category(High).Render("x"), th.Warning().Render("x"), th.HeaderStrong().Render("x"),
	} {
		if strings.Contains(st, "38;") || strings.Contains(st, "48;") {
			t.Errorf("colour in mono: %q", st)
		}
	}
	if th.Severity(event.Err).Render("E") == th.Severity(event.Info).Render("E") {
		t.Error("mono: err and info badges look the same")
	}
}

func TestSeverityLabels(t *testing.T) {
	for s := event.Emerg; s <= event.Debug; s++ {
		if l := SeverityLabel(s); len(l) != 4 {
			t.Errorf("%s: label %q is not 4 cells", s, l)
		}
	}
	if SeverityLabel(200) != "INFO" {
		t.Errorf("unknown severity labelled %q", SeverityLabel(200))
	}
	if Dark().Severity(200).Render("x") != Dark().Severity(event.Info).Render("x") {
		t.Error("unknown severity is not styled as info")
	}
}

func TestThemesColourSeverities(t *testing.T) {
	for _, th := range []Theme{Dark(), Light()} {
		if th.Severity(event.Err).Render("x") == th.Severity(event.Info).Render("x") {
			t.Errorf("%s: err and info share a style", th.Name)
		}
		if th.Category(High).Render("x") == th.Category(Low).Render("x") {
			t.Errorf("%s: high and low weights share a style", th.Name)
		}
	}
	var zero Theme
	if zero.Severity(event.Err).Render("x") != "x" {
		t.Error("the zero Theme must render plain text")
	}
}
