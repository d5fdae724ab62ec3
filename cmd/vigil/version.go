package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Set by the release build: -ldflags "-X main.version=... -X main.commit=... -X main.date=...".
var (
	version = ""
	commit  = ""
	date    = ""
)

// buildInfo returns version, commit and date, from the linker flags when
// the release build set them, else from the module and VCS information Go
// records in the binary.
func buildInfo() (v, c, d string) {
	v, c, d = version, commit, date
	fromLinker := c != ""
	if info, ok := debug.ReadBuildInfo(); ok {
		modified := false
		if v == "" && info.Main.Version != "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if c == "" {
					c = s.Value
				}
			case "vcs.time":
				if d == "" {
					d = s.Value
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if modified && !fromLinker && c != "" {
			c += "-dirty"
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if c == "" {
		c = "unknown"
	}
	if d == "" {
		d = "unknown"
	}
	return v, c, d
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, c, d := buildInfo()
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "vigil %s\ncommit: %s\nbuilt:  %s\n", v, c, d)
			return err
		},
	}
}
