// Command fleet writes the fleet scenario to a directory so that people
// can run vigil on it by hand: DIR/learn, DIR/normal and DIR/incident
// hold one log file per host for the learning days, the normal test day
// and the incident day, and DIR/incidents.json lists the incidents.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/vigil-sec/vigil/internal/scenario"
	"github.com/vigil-sec/vigil/internal/scenario/fleet"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("fleet", flag.ContinueOnError)
	seed := fs.Uint64("seed", 1, "random seed")
	zone := fs.String("zone", "UTC", "IANA time zone people's working hours are in")
	dir := fs.String("o", "", "output directory (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("-o DIR is required")
	}
	loc, err := time.LoadLocation(*zone)
	if err != nil {
		return fmt.Errorf("zone: %w", err)
	}
	s := fleet.Generate(scenario.Config{Seed: *seed, Zone: loc})
	parts := []struct {
		name     string
		from, to time.Time
	}{
		{"learn", time.Time{}, s.LearnEnd},
		{"normal", s.NormalDay[0], s.NormalDay[1]},
		{"incident", s.IncidentDay[0], s.IncidentDay[1]},
	}
	for _, p := range parts {
		if p.from.IsZero() && p.to.IsZero() {
			continue
		}
		d := filepath.Join(*dir, p.name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		if _, err := s.WriteFiles(d, p.from, p.to); err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(s.Incidents, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*dir, "incidents.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("%d lines, %d hosts, written to %s\n", len(s.Lines), len(s.Hosts), *dir)
	return nil
}
