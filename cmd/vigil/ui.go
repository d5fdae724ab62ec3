package main

import (
	"errors"
	"io/fs"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/config"
	"github.com/vigil-sec/vigil/themes"
	"github.com/vigil-sec/vigil/tui"
)

// uiSettings are what the UI takes from the config file and the flags,
// flags winning.
type uiSettings struct {
	file  config.File
	theme themes.Theme
	keys  tui.KeyMap
}

// addUIFlags registers the flags of the commands that open the UI.
func addUIFlags(cmd *cobra.Command, c *Config) {
	f := cmd.Flags()
	f.StringVar(&c.Theme, "theme", "", "colour theme: "+joinNames(themes.Names())+" (default: the config file's, else auto)")
	f.StringVar(&c.ConfigFile, "config", "", "config file (default $XDG_CONFIG_HOME/vigil/config.yaml)")
	f.DurationVar(&c.Warmup, "warmup", 24*time.Hour, "without --baseline, learn from this much event time before flagging deviations, then go on learning (0: no baseline)")
}

func joinNames(ns []string) string {
	out := ""
	for i, n := range ns {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

// loadUI reads the config file and merges it with the flags: the file's
// rule files go before --rules, its buffer size and utc apply unless the
// flag was given, its theme unless --theme was, and its key bindings
// replace the defaults. Any problem is a usage error naming file and line.
func loadUI(cmd *cobra.Command, c *Config) (uiSettings, error) {
	var s uiSettings
	f, err := config.Load(c.ConfigFile)
	switch {
	case err != nil && c.ConfigFile == "" && errors.Is(err, fs.ErrPermission):
		// Another user's default config (sudo -u, HOME kept): not ours.
		f = config.File{}
	case err != nil:
		return s, usageError{err}
	}
	s.file = f
	flags := cmd.Flags()
	if f.BufferSize > 0 && !flags.Changed("buffer") {
		c.BufferSize = f.BufferSize
	}
	if f.UTC != nil && !flags.Changed("utc") {
		c.UTC = *f.UTC
	}
	c.RuleFiles = append(append([]string(nil), f.Rules...), c.RuleFiles...)

	name := c.Theme
	if name == "" {
		name = f.Theme
	}
	s.theme, err = themes.Resolve(name, os.Getenv)
	if err != nil {
		if c.Theme == "" && f.Theme != "" {
			return s, usageError{f.ErrorAt(f.ThemeLine, "theme: %v", err)}
		}
		return s, usagef("--theme: %v", err)
	}

	s.keys = tui.DefaultKeyMap()
	for _, kb := range f.Keys {
		if err := s.keys.Rebind(kb.Action, kb.Keys); err != nil {
			return s, usageError{f.ErrorAt(kb.Line, "keys: %v", err)}
		}
	}
	if err := s.keys.Conflicts(); err != nil {
		line := f.Line("keys")
		if line == 0 {
			return s, usagef("keys: %v", err)
		}
		return s, usageError{f.ErrorAt(line, "keys: %v", err)}
	}
	return s, nil
}
