//go:build race

package rules

// raceEnabled is set under -race, where sync.Pool drops items at random
// (so regexp's machine pool allocates) and allocation counts are not exact.
const raceEnabled = true
