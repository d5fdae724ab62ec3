// Command scenario writes a generated multi-host syslog history with
// injected security incidents to a directory, one file per host, and
// prints the incidents' manifest as JSON on standard output.
//
//	go run ./internal/scenario/cmd/scenario --seed 7 --out /tmp/scn --zone Pacific/Auckland
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/vigil-sec/vigil/internal/scenario"
)

// manifest is what the command prints.
type manifest struct {
	Seed        uint64              `json:"seed"`
	Zone        string              `json:"zone"`
	Hosts       []string            `json:"hosts"`
	Files       []string            `json:"files"`
	Lines       int                 `json:"lines"`
	LearnStart  time.Time           `json:"learn_start"`
	LearnEnd    time.Time           `json:"learn_end"`
	NormalDay   [2]time.Time        `json:"normal_day"`
	IncidentDay [2]time.Time        `json:"incident_day"`
	Incidents   []scenario.Incident `json:"incidents"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "scenario:", err)
		os.Exit(1)
	}
}

func run() error {
	seed := flag.Uint64("seed", 1, "random seed; the same seed gives the same lines")
	out := flag.String("out", "scenario", "directory to write <host>.log files into")
	zone := flag.String("zone", "UTC", "IANA zone of people's working hours")
	learn := flag.Int("learn-days", 14, "normal days for learning")
	test := flag.Int("test-days", 2, "days after learning; the last one has the incidents")
	flag.Parse()

	loc, err := time.LoadLocation(*zone)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	s := scenario.Generate(scenario.Config{Seed: *seed, Zone: loc, LearnDays: *learn, TestDays: *test})
	files, err := s.WriteFiles(*out, time.Time{}, time.Time{})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(manifest{
		Seed: *seed, Zone: loc.String(), Hosts: s.Hosts, Files: files, Lines: len(s.Lines),
		LearnStart: s.LearnEnd.AddDate(0, 0, -*learn), LearnEnd: s.LearnEnd, NormalDay: s.NormalDay, IncidentDay: s.IncidentDay,
		Incidents: s.Incidents,
	})
}
