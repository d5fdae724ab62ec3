package main

import (
	"os"

	"github.com/charmbracelet/x/term"

	"github.com/vigil-sec/vigil/sanitize"
)

// isTerminal reports whether v is a terminal file.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// sanitizeRaw makes an original line safe to print.
func sanitizeRaw(b []byte) string { return sanitize.Bytes(b) }
