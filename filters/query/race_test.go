//go:build race

package query

// raceEnabled is set under -race, where sync.Pool drops items at random:
// regexp's machine pool then allocates now and then.
const raceEnabled = true
