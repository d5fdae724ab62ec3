package main

import (
	"os/exec"
	"syscall"
)

// maxRSS returns the peak resident set size of a finished command, in bytes.
func maxRSS(cmd *exec.Cmd) int64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024
	}
	return 0
}
