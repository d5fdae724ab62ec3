package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/engine"
	"github.com/vigil-sec/vigil/filters"
	"github.com/vigil-sec/vigil/sources/decode"
)

// Config is everything the flags say, loaded once and passed down.
type Config struct {
	Since, Until string
	UTC          bool
	InputFormat  string
	LogFile      string

	// Stream only.
	Follow bool
	Format string
	Raw    bool

	// TUI only.
	BufferSize int
}

// addEventFlags registers the flags shared by the event commands.
func addEventFlags(cmd *cobra.Command, c *Config) {
	f := cmd.Flags()
	f.StringVar(&c.Since, "since", "", "only events at or after this time (RFC 3339, \"2026-11-22 03:00\", or an age such as 2h)")
	f.StringVar(&c.Until, "until", "", "only events before this time (same forms as --since)")
	f.BoolVar(&c.UTC, "utc", false, "show times in UTC (stored times are always UTC)")
	f.StringVar(&c.InputFormat, "input-format", "", "decode every source as this format instead of detecting it: "+fmt.Sprint(decode.Formats()))
	f.StringVar(&c.LogFile, "log-file", "", "write vigil's own diagnostic log to this file")
}

// engineOptions turns the config into pipeline options, checking values.
func (c *Config) engineOptions(now time.Time) (engine.Options, error) {
	var opts engine.Options
	if c.InputFormat != "" {
		ok := false
		for _, f := range decode.Formats() {
			ok = ok || f == c.InputFormat
		}
		if !ok {
			return opts, usagef("--input-format %q: want one of %v", c.InputFormat, decode.Formats())
		}
		opts.Decode.Format = c.InputFormat
	}
	since, err := filters.ParseTime(c.Since, now, time.Local)
	if err != nil {
		return opts, usagef("--since: %v", err)
	}
	until, err := filters.ParseTime(c.Until, now, time.Local)
	if err != nil {
		return opts, usagef("--until: %v", err)
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return opts, usagef("--since %s is not before --until %s", c.Since, c.Until)
	}
	opts.Window = filters.TimeWindow{Since: since, Until: until}
	return opts, nil
}

// logger returns vigil's own logger: a file when --log-file is set, else
// nothing. It never writes to the terminal, which the UI may own.
func (c *Config) logger() (*slog.Logger, func(), error) {
	if c.LogFile == "" {
		return slog.New(slog.NewTextHandler(io.Discard, nil)), func() {}, nil
	}
	f, err := os.OpenFile(c.LogFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("--log-file: %w", err)
	}
	return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})), func() { f.Close() }, nil
}
