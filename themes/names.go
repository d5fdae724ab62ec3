package themes

import (
	"fmt"
	"strings"
)

// Theme names accepted by ByName and Resolve, as written after --theme and
// in the config file.
const (
	Auto             = "auto"
	NameDark         = "dark"
	NameLight        = "light"
	NameHighContrast = "high-contrast"
	NameColorBlind   = "colorblind"
	NameMono         = "mono"
)

// Names returns the theme names ByName accepts, "auto" first. The slice is
// a copy.
func Names() []string {
	return []string{Auto, NameDark, NameLight, NameHighContrast, NameColorBlind, NameMono}
}

// ByName returns the theme called name: "auto" or "" is Default (and so
// reads NO_COLOR and TERM), any other name is that theme as it is. An
// unknown name is an error that lists the valid ones. Use Resolve to honour
// NO_COLOR and dumb terminals for an explicit name too.
func ByName(name string) (Theme, error) {
	switch name {
	case "", Auto:
		return Default(), nil
	case NameDark:
		return Dark(), nil
	case NameLight:
		return Light(), nil
	case NameHighContrast:
		return HighContrast(), nil
	case NameColorBlind:
		return ColorBlind(), nil
	case NameMono:
		return Mono(), nil
	}
	return Theme{}, fmt.Errorf("themes: unknown theme %q (want one of %s)", name, strings.Join(Names(), ", "))
}

// Resolve picks the theme for a --theme flag or config value name in an
// environment read through env (os.Getenv; nil means an empty environment).
//
// The policy follows no-color.org: NO_COLOR (any non-empty value) turns
// colour off unless the user asked for colour, and an explicit theme name
// given in the config file or on the command line is such a request. So
// "auto" (or "") gives Mono under NO_COLOR and an adaptive Dark otherwise,
// while "dark", "light", "high-contrast" and "colorblind" are honoured
// whatever NO_COLOR says. TERM=dumb is different: such a terminal cannot
// show colour at all, so every name gives Mono there. Unknown names are an
// error, as in ByName.
func Resolve(name string, env func(string) string) (Theme, error) {
	if env == nil {
		env = func(string) string { return "" }
	}
	dumb := env("TERM") == "dumb"
	noColor := env("NO_COLOR") != ""
	switch name {
	case "", Auto:
		if dumb || noColor {
			return Mono(), nil
		}
		t := Dark()
		t.adaptive = true
		return t, nil
	case NameMono:
		return Mono(), nil
	}
	t, err := ByName(name)
	if err != nil {
		return Theme{}, err
	}
	if dumb {
		return Mono(), nil
	}
	return t, nil
}
