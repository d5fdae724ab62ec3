package themes

import (
	"image/color"
	"math"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/event"
)

// allVariants are every theme a user can end up with, background variants
// included.
func allVariants() []Theme {
	return []Theme{
		Dark(), Light(), Mono(),
		HighContrast(), HighContrast().ForBackground(false),
		ColorBlind(), ColorBlind().ForBackground(false),
	}
}

func TestVariantNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, th := range allVariants() {
		if th.Name == "" || seen[th.Name] {
			t.Errorf("theme name %q is empty or used twice", th.Name)
		}
		seen[th.Name] = true
	}
	names := map[string]bool{}
	for _, n := range Names() {
		if names[n] {
			t.Errorf("Names lists %q twice", n)
		}
		names[n] = true
	}
	if got := strings.Join(Names(), ","); got != "auto,dark,light,high-contrast,colorblind,mono" {
		t.Errorf("Names() = %s", got)
	}
}

func TestByName(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm-256color")
	for _, n := range Names() {
		th, err := ByName(n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		want := n
		if n == Auto {
			want = NameDark
			if !th.Adaptive() {
				t.Error("auto is not adaptive")
			}
		}
		if th.Name != want {
			t.Errorf("ByName(%q).Name = %q", n, th.Name)
		}
	}
	if th, err := ByName(""); err != nil || th.Name != NameDark {
		t.Errorf(`ByName("") = %s, %v`, th.Name, err)
	}
	_, err := ByName("solarized")
	if err == nil {
		t.Fatal("unknown theme accepted")
	}
	for _, n := range Names() {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("error %q does not list %q", err, n)
		}
	}
}

func TestResolve(t *testing.T) {
	for _, c := range []struct {
		name, noColor, term string
		want                string
		adaptive            bool
	}{
		{"", "", "xterm", "dark", true},
		{"auto", "", "xterm", "dark", true},
		{"auto", "1", "xterm", "mono", false},
		{"auto", "", "dumb", "mono", false},
		{"light", "", "xterm", "light", false},
		{"light", "1", "xterm", "light", false}, // explicit colour beats NO_COLOR
		{"colorblind", "1", "xterm", "colorblind", true},
		{"high-contrast", "", "xterm", "high-contrast", true},
		{"dark", "", "dumb", "mono", false}, // a dumb terminal shows no colour
		{"mono", "", "xterm", "mono", false},
	} {
		env := func(k string) string {
			switch k {
			case "NO_COLOR":
				return c.noColor
			case "TERM":
				return c.term
			}
			return ""
		}
		th, err := Resolve(c.name, env)
		if err != nil || th.Name != c.want || th.Adaptive() != c.adaptive {
			t.Errorf("Resolve(%q) NO_COLOR=%q TERM=%q = %s adaptive=%v %v, want %s %v",
				c.name, c.noColor, c.term, th.Name, th.Adaptive(), err, c.want, c.adaptive)
		}
	}
	if _, err := Resolve("nope", nil); err == nil {
		t.Error("unknown name resolved")
	}
	if th, err := Resolve("", nil); err != nil || th.Name != "dark" {
		t.Errorf("nil env: %s %v", th.Name, err)
	}
}

func TestForBackgroundFamilies(t *testing.T) {
	for _, c := range []struct {
		th          Theme
		light, dark string
	}{
		{HighContrast(), "high-contrast-light", "high-contrast"},
		{ColorBlind(), "colorblind-light", "colorblind"},
	} {
		l := c.th.ForBackground(false)
		if l.Name != c.light || !l.Adaptive() {
			t.Errorf("%s on light: %s adaptive=%v", c.th.Name, l.Name, l.Adaptive())
		}
		if d := l.ForBackground(true); d.Name != c.dark || !d.Adaptive() {
			t.Errorf("%s back on dark: %s", c.th.Name, d.Name)
		}
	}
}

// uiStyles renders every style a theme offers.
func uiStyles(th Theme) map[string]string {
	m := map[string]string{
		"text": th.Text().Render("x"), "muted": th.Muted().Render("x"),
		"accent": th.Accent().Render("x"), "header": th.Header().Render("x"),
		"headerStrong": th.HeaderStrong().Render("x"), "warning": th.Warning().Render("x"),
		"selection": th.Selection().Render("x"), "match": th.Match().Render("x"),
		"mark": th.Mark().Render("x"), "border": th.Border().Render("x"),
		"error": th.Error().Render("x"), "bar": th.Bar().Render("x"),
		"deviation": th.Deviation().Render("x"),
	}
	for s := event.Emerg; s <= event.Debug; s++ {
		m["sev-"+s.String()] = th.Severity(s).Render("x")
	}
	for w := Low; w <= High; w++ {
		m["weight-"+string('0'+rune(w))] = th.Category(w).Render("x")
	}
	return m
}

func TestUITokensStyled(t *testing.T) {
	for _, th := range allVariants() {
		for _, k := range []string{"selection", "match", "mark", "border", "error", "bar", "deviation"} {
			if out := uiStyles(th)[k]; out == "x" {
				t.Errorf("%s: %s is unstyled", th.Name, k)
			}
		}
		st := uiStyles(th)
		if st["selection"] == st["match"] {
			t.Errorf("%s: selection and search hits look the same", th.Name)
		}
		if !th.Monochrome() && th.Palette.Deviation == nil {
			t.Errorf("%s: no Deviation colour", th.Name)
		}
		if th.Monochrome() != (th.Name == "mono") {
			t.Errorf("%s: Monochrome() = %v", th.Name, th.Monochrome())
		}
	}
	var zero Theme
	for k, out := range uiStyles(zero) {
		if out != "x" {
			t.Errorf("zero theme styles %s: %q", k, out)
		}
	}
}

func TestMonoNoColourAnywhere(t *testing.T) {
	for k, out := range uiStyles(Mono()) {
		if colourSGR.MatchString(out) || strings.Contains(out, "38;") || strings.Contains(out, "48;") {
			t.Errorf("mono %s has colour: %q", k, out)
		}
	}
}

func rgb(c color.Color) (r, g, b float64) {
	R, G, B, _ := c.RGBA()
	return float64(R) / 0xffff, float64(G) / 0xffff, float64(B) / 0xffff
}

// contrast is the WCAG 2 contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, b := rgb(c)
		lin := func(v float64) float64 {
			if v <= 0.03928 {
				return v / 12.92
			}
			return math.Pow((v+0.055)/1.055, 2.4)
		}
		return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
	}
	x, y := lum(a), lum(b)
	if x < y {
		x, y = y, x
	}
	return (x + 0.05) / (y + 0.05)
}

func TestHighContrastRatios(t *testing.T) {
	black, white := color.Black, color.White
	for _, c := range []struct {
		th Theme
		bg color.Color
	}{{HighContrast(), black}, {HighContrast().ForBackground(false), white}} {
		p := c.th.Palette
		check := func(what string, fg color.Color, min float64) {
			if r := contrast(fg, c.bg); r < min {
				t.Errorf("%s: %s contrast %.1f < %.1f", c.th.Name, what, r, min)
			}
		}
		check("foreground", p.Foreground, 15)
		check("muted", p.Muted, 7)
		check("accent", p.Accent, 7)
		check("deviation", p.Deviation, 7)
		for w, fg := range p.Weight {
			check("weight "+string('0'+rune(w)), fg, 7)
		}
		for s := event.Err; s <= event.Debug; s++ {
			check("severity "+s.String(), p.Severity[s], 7)
		}
		for s := event.Emerg; s < event.Err; s++ {
			if r := contrast(p.Severity[s], p.SeverityBg[s]); r < 7 {
				t.Errorf("%s: %s badge contrast %.1f", c.th.Name, s, r)
			}
		}
		if r := contrast(p.MatchFg, p.MatchBg); r < 7 {
			t.Errorf("%s: match contrast %.1f", c.th.Name, r)
		}
	}
}

// The colour-blind palette draws weights and severities only from the
// Okabe–Ito set and greys, and never sets a red against a green.
func TestColorBlindSafe(t *testing.T) {
	okabeIto := map[string]bool{}
	for _, c := range []color.Color{okOrange, okSkyBlue, okYellow, okBlue, okVermilion, okPurple} {
		okabeIto[hex(c)] = true
	}
	grey := func(c color.Color) bool { r, g, b := rgb(c); return r == g && g == b }
	hue := func(c color.Color) string {
		r, g, b := rgb(c)
		switch {
		case grey(c):
			return "grey"
		case g > r+0.15 && g > b:
			return "green"
		case r > g+0.3 && r > b:
			return "red"
		}
		return "other"
	}
	for _, th := range []Theme{ColorBlind(), ColorBlind().ForBackground(false)} {
		p := th.Palette
		var cols []color.Color
		cols = append(cols, p.Weight[:]...)
		cols = append(cols, p.Deviation)
		for s := range p.Severity {
			if p.Severity[s] != nil {
				cols = append(cols, p.Severity[s])
			}
			if p.SeverityBg[s] != nil {
				cols = append(cols, p.SeverityBg[s])
			}
		}
		hues := map[string]bool{}
		for _, c := range cols {
			if !grey(c) && !okabeIto[hex(c)] {
				t.Errorf("%s: %s is neither grey nor Okabe–Ito", th.Name, hex(c))
			}
			hues[hue(c)] = true
		}
		if hues["red"] && hues["green"] {
			t.Errorf("%s: red and green both used", th.Name)
		}
		seen := map[string]bool{}
		for _, c := range p.Weight {
			if seen[hex(c)] {
				t.Errorf("%s: two weights share %s", th.Name, hex(c))
			}
			seen[hex(c)] = true
		}
	}
}

func hex(c color.Color) string {
	r, g, b, _ := c.RGBA()
	const digits = "0123456789abcdef"
	out := []byte{'#'}
	for _, v := range []uint32{r >> 8, g >> 8, b >> 8} {
		out = append(out, digits[v>>4], digits[v&15])
	}
	return string(out)
}

// Weight is never told by colour alone: badges carry a glyph.
func TestWeightGlyphsDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, id := range []string{"auth.success", "privilege.use", "auth.failure"} {
		b := string(AppendShortBadge(nil, []string{id}, false))
		g := b[1:2]
		if g >= "a" && g <= "z" {
			g = ""
		}
		if seen[g] {
			t.Errorf("weight glyph %q used twice (%s)", g, b)
		}
		seen[g] = true
	}
}
