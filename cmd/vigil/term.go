package main

import (
	"os"

	"github.com/charmbracelet/x/term"
)

// isTerminal reports whether v is a terminal file.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}
